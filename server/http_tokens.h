/* http_tokens.h - the tokens in force for the HTTP threads: a lookup that copies the
 * identity out (a SIGHUP reload may free the tokens file's entries meanwhile), the
 * per-token rate buckets (--rate-limit), and the reload that swaps the tokens and
 * ends the event streams of the tokens it revoked. */
#ifndef WFD_HTTP_TOKENS_H
#define WFD_HTTP_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"

struct http_tokens;

/* Over srv->auth (NULL: no tokens file, every client is an anonymous viewer) with
 * rate requests a second per token, bursts of twice that (0: no limit). NULL when
 * out of memory. */
struct http_tokens *http_tokens_new(struct server *srv, double rate);
void http_tokens_free(struct http_tokens *t);
/* The identity of token (NULL or "" for none) copied into *me, and its entry's index
 * (for http_tokens_rate). True when found, or when there is no tokens file (then
 * *me is the anonymous viewer); false for a missing or unknown token. */
bool http_tokens_find(struct http_tokens *t, const char *token,
		      struct auth_identity *me, size_t *index);
/* Charges one request to the bucket of entry index (me: what http_tokens_find gave).
 * 0 when it may go on, else the seconds to wait. A reload in between: no charge. */
int http_tokens_rate(struct http_tokens *t, size_t index,
		     const struct auth_identity *me);
/* The requests a second of --rate-limit. */
double http_tokens_rate_limit(const struct http_tokens *t);
/* Puts fresh in force (takes it; frees the tokens before): a kept token keeps its
 * bucket, a new one starts full, and every open stream of a token fresh no longer
 * holds is ended (*closed: how many, may be NULL). -1 when out of memory (nothing
 * changed, fresh not taken). */
int http_tokens_reload(struct http_tokens *t, struct auth *fresh, size_t *closed);

#endif
