/* fuzz_http_frame.c - libFuzzer target for the request framer in front of
 * libmicrohttpd (server/http_frame.c). The input (after its first byte, which sets
 * a chunk size) is fed whole and in chunks: both runs must agree on the outcome,
 * the bytes released, the requests counted and the reason. What is released never
 * exceeds what was fed; a refusal is final, with a status of 400, 431, 501 or 505
 * and a reason of printable ASCII; and the released prefix, fed alone to a new
 * framer, is accepted whole (a release is always at a point where a message part
 * ends well). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "server/http_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	bool ok;
	size_t released;
	unsigned requests;
	int status;
	char reason[160];
};

static struct run feed(const char *p, size_t n, size_t step)
{
	struct http_frame f;
	struct run r = {true, 0, 0, 0, ""};
	http_frame_init(&f);
	size_t fed = 0;
	for (size_t i = 0; i < n && r.ok; i += step) {
		size_t k = n - i < step ? n - i : step, rel;
		r.ok = http_frame_feed(&f, p + i, k, &rel);
		fed += k;
		r.released += rel;
		if (r.released > fed)
			__builtin_trap();
	}
	if (!r.ok) {
		size_t rel = 1;
		if (http_frame_feed(&f, "GET / HTTP/1.1\r\n\r\n", 18, &rel) ||
		    rel != 0 || !http_frame_failed(&f))
			__builtin_trap();
		if (f.status != 400 && f.status != 431 && f.status != 501 &&
		    f.status != 505)
			__builtin_trap();
		if (!f.reason[0])
			__builtin_trap();
		for (const char *c = f.reason; *c; c++)
			if (*c < 0x20 || *c > 0x7e)
				__builtin_trap();
	}
	for (const char *c = f.method; *c; c++)
		if (*c <= 0x20 || *c > 0x7e)
			__builtin_trap();
	for (const char *c = f.target; *c; c++)
		if (*c <= 0x20 || *c > 0x7e)
			__builtin_trap();
	r.requests = f.requests;
	r.status = f.status;
	memcpy(r.reason, f.reason, sizeof(r.reason));
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)(data[0] % 17) + 1;
	const char *p = (const char *)data + 1;
	size_t n = size - 1;
	struct run whole = feed(p, n, n ? n : 1), parts = feed(p, n, step);
	if (whole.ok != parts.ok || whole.released != parts.released ||
	    whole.requests != parts.requests || whole.status != parts.status ||
	    strcmp(whole.reason, parts.reason) != 0)
		__builtin_trap();
	struct run prefix =
		feed(p, whole.released, whole.released ? whole.released : 1);
	if (!prefix.ok || prefix.released != whole.released)
		__builtin_trap();
	return 0;
}
