/* http.h - the HTTP front of watchfloord: libmicrohttpd daemon, routing of
 * docs/protocol.md's paths, authentication, body limits and the access log. */
#ifndef WFD_HTTP_H
#define WFD_HTTP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "api.h"
#include "stix.h"

struct http;

struct http_options {
	const char *host;      /* numeric address to bind */
	int port;              /* 0: any free port */
	const char *tls_cert;  /* PEM file, or NULL for plain HTTP */
	const char *tls_key;
	FILE *log;             /* access log, or NULL */
	unsigned threads;      /* polling threads (epoll) */
	double rate_limit;     /* requests a second per token (burst: twice); 0: off */
	const char *stix_name; /* the command center's STIX identity name, or NULL */
	enum stix_tlp tlp;     /* the TLP marking of every STIX object (default amber) */
	const char *public_url; /* the base URL clients use (TAXII discovery), or NULL */
	bool header_relay;      /* plain HTTP through http_front.h (--header-check relay) */
};

/* Starts serving srv. On failure returns NULL with err set. */
struct http *http_start(struct server *srv, const struct http_options *opt, char *err,
			size_t errsz);
/* The port actually bound. */
int http_port(const struct http *h);
/* Answers 503 to new requests from now on. */
void http_refuse_new(struct http *h);
/* Swaps in a freshly loaded tokens file (takes ownership of fresh; frees the old
 * one): from now on requests authenticate against it, and every open stream of a
 * token it no longer holds is ended (*closed: how many, may be NULL). Returns -1 when
 * out of memory (nothing changed, fresh is not taken). */
int http_reload_auth(struct http *h, struct auth *fresh, size_t *closed);
/* Stops the daemon (call hub_close first so streams end) and frees h. */
void http_stop(struct http *h);

#endif
