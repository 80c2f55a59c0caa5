/* http_internal.h - what http.c (requests) and http_daemon.c (the daemon) share:
 * the server's HTTP state, the two libmicrohttpd callbacks and the access log. */
#ifndef WFD_HTTP_INTERNAL_H
#define WFD_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <microhttpd.h>

#include "api.h"

struct http {
	struct server *srv;
	struct MHD_Daemon *mhd;
	int port;
	FILE *log;
	pthread_mutex_t log_mu;
	atomic_bool refusing;
	int listen_fd;		    /* ours after MHD_quiesce_daemon, -1 before */
	struct http_front *front;   /* the relay checking header blocks, or NULL */
	struct http_tokens *tokens; /* the tokens in force and their rate buckets */
	char *tls_cert, *tls_key;   /* PEM, for libmicrohttpd's own TLS (no relay) */
	bool tls;		    /* serving HTTPS (either way) */
	struct feed *feed; /* the STIX view: /v1/incidents/{id}/stix and TAXII */
	char *stix_name;
	char *public_url; /* --public-url without a trailing slash, or NULL */
};

/* libmicrohttpd's access handler and completion callback (cls: the struct http). */
enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url,
				const char *method, const char *version,
				const char *upload, size_t *upload_size, void **state);
void http_on_completed(void *cls, struct MHD_Connection *c, void **state,
		       enum MHD_RequestTerminationCode toe);

/* One access log line: time, method, path, status, the time since started (util's
 * monotonic ms), the token's owner ("-" for none). Bytes outside '!'..'~' are
 * written as \xNN. */
void http_log_line(struct http *h, const char *method, const char *url, int status,
		   int64_t started, const char *who);

#endif
