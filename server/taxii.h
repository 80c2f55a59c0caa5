/* taxii.h - a read-only TAXII 2.1 server over the feed: discovery (/taxii2/), one
 * API root (/taxii2/feed/), a collection per incident plus one for all, objects,
 * one object, its versions and the manifest, with added_after, limit, next,
 * match[type], match[id], match[version] and match[spec_version]. Independent of
 * the HTTP library: the caller hands in the path, the Accept header and a getter
 * for query arguments, and sends the reply. docs/interop.md describes it. */
#ifndef WFD_TAXII_H
#define WFD_TAXII_H

#include <stdbool.h>
#include <stddef.h>

#include "feed.h"
#include "store.h"

#define TAXII_MEDIA_TYPE "application/taxii+json;version=2.1"
#define TAXII_PAGE_DEFAULT 100
#define TAXII_PAGE_MAX 1000

/* Returns the value of query argument key, or NULL. */
typedef const char *(*taxii_arg_fn)(void *ctx, const char *key);

struct taxii_reply {
	int status;
	char *body;			    /* malloc'd JSON text */
	char date_first[48], date_last[48]; /* X-TAXII-Date-Added-*, "" when none */
};

/* Whether an Accept header allows application/taxii+json;version=2.1 (a missing
 * version parameter means the newest: 2.1). */
bool taxii_accept_ok(const char *accept);

/* The query of an objects or manifest request parsed into flt; the strings it
 * points at live in buf (bufsz bytes). 0, or -1 with err set (a 400 answer). */
int taxii_parse_filter(taxii_arg_fn arg, void *ctx, struct feed_filter *flt, char *buf,
		       size_t bufsz, char *err, size_t errsz);

/* Answers GET path (everything after "/taxii2", starting with '/'). base is the
 * URL the server is reached at ("http://127.0.0.1:8470", for discovery), title
 * the server's name. */
void taxii_handle(struct feed *f, struct store *st, const char *path,
		  const char *accept, taxii_arg_fn arg, void *ctx, const char *base,
		  const char *title, struct taxii_reply *rep);

/* A TAXII error body {"title","description","http_status"} into rep. */
void taxii_error(struct taxii_reply *rep, int status, const char *description);

#endif
