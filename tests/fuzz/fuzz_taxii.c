/* fuzz_taxii.c - libFuzzer target for what the TAXII feed parses from a request:
 * the Accept header (taxii_accept_ok), the query parameters of objects / manifest
 * requests (taxii_parse_filter, timestamps through stix_parse_us) and the
 * Authorization header (auth_header_token, Bearer and Basic). The input's first
 * line is the Accept header, the second the Authorization header, the rest
 * KEY=VALUE lines served as query arguments. Any bytes must give a parse or an
 * error message, never a crash, overrun or leak; a parsed filter runs a selection
 * on an empty feed. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/auth.h"
#include "server/feed.h"
#include "server/taxii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct args {
	char *keys[16], *vals[16];
	int n;
};

static const char *get_arg(void *ctx, const char *key)
{
	struct args *a = ctx;
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->keys[i], key) == 0)
			return a->vals[i];
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *accept = text, *auth = NULL, *rest = NULL;
	char *nl = strchr(text, '\n');
	if (nl) {
		*nl = '\0';
		auth = nl + 1;
		if ((nl = strchr(auth, '\n'))) {
			*nl = '\0';
			rest = nl + 1;
		}
	}
	(void)taxii_accept_ok(accept);
	char buf[512];
	const char *tok = auth_header_token(auth, buf, sizeof(buf));
	if (tok && strlen(tok) >= sizeof(buf) + strlen(auth ? auth : ""))
		__builtin_trap();
	struct args a = {.n = 0};
	while (rest && *rest && a.n < 16) {
		char *line = rest;
		rest = strchr(rest, '\n');
		if (rest)
			*rest++ = '\0';
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = '\0';
		a.keys[a.n] = line;
		a.vals[a.n++] = eq + 1;
	}
	struct feed_filter flt;
	char fbuf[8192], err[200];
	if (taxii_parse_filter(get_arg, &a, &flt, fbuf, sizeof(fbuf), err,
			       sizeof(err)) == 0) {
		if (flt.limit < 1 || flt.limit > TAXII_PAGE_MAX ||
		    flt.n_types > FEED_MATCH_MAX || flt.n_ids > FEED_MATCH_MAX ||
		    flt.n_versions > FEED_MATCH_MAX)
			__builtin_trap();
		struct feed *f = feed_new("fuzz", STIX_TLP_AMBER);
		if (f) {
			bool more;
			feed_lock(f);
			json_decref(feed_select(f, &flt, &more));
			feed_unlock(f);
			feed_free(f);
		}
	} else if (!err[0]) {
		__builtin_trap(); /* an error always says what */
	}
	free(text);
	return 0;
}
