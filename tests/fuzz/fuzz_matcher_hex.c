/* fuzz_matcher_hex.c - libFuzzer target for the matcher's hash parsing: the first
 * byte picks the hash type, the rest is the hex. A value that parses is added to a
 * small bank and must find itself (distance 0) by index and by brute force alike. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum wf_hash_type type = (enum wf_hash_type)(data[0] % (WF_HASH__COUNT + 1));
	static uint8_t out[MATCHER_VALUE_MAX];
	const char *why = NULL;
	int n = matcher_parse_hex(type, (const char *)data + 1, size - 1, out, &why);
	if (n < 0) {
		if (!why)
			abort();
		return 0;
	}
	struct matcher *m = matcher_new();
	if (!m)
		return 0;
	int64_t h = matcher_add(m, type, out, (size_t)n);
	if (h < 0)
		abort(); /* parsed values always fit their type */
	struct matcher_query q = {.type = type,
				  .value = out,
				  .len = (size_t)n,
				  .radius = 31,
				  .min_share = 80};
	struct matcher_result a = {0}, b = {0};
	if (matcher_find(m, &q, &a) || matcher_find_brute(m, &q, &b) || a.n != 1 ||
	    b.n != 1 || a.hits[0].handle != (uint32_t)h || a.hits[0].distance != 0)
		abort();
	matcher_result_free(&a);
	matcher_result_free(&b);
	matcher_free(m);
	return 0;
}
