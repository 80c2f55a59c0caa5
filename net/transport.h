/* transport.h - one HTTP exchange with watchfloord on a libcurl easy handle, set up
 * the way every request of the dashboard needs it: TLS verification on (optional CA
 * file), http/https only, no redirects, the bearer token, TCP keepalive, compression,
 * a capped answer buffer or a streaming sink. Internal to net/. */
#ifndef WF_NET_TRANSPORT_H
#define WF_NET_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

enum wf_xfer_kind {
	WF_XFER_WHOAMI,
	WF_XFER_SNAPSHOT,
	WF_XFER_STREAM,
	WF_XFER_POLL,
	WF_XFER_SEND,
	WF_XFER_FETCH,
};

struct wf_xfer;
/* Called once when the exchange ends (rc: libcurl's result), before the transfer is
 * freed by whoever ran it: each transfer carries its own completion, so the loop
 * that runs transfers needs to know nothing of what they are for. */
typedef void (*wf_xfer_done_fn)(struct wf_xfer *x, CURLcode rc);
/* A streaming sink gets the body of a 2xx answer as it arrives; it returns false to
 * abort the transfer. Not called for other statuses (their body is buffered). */
typedef bool (*wf_xfer_sink_fn)(struct wf_xfer *x, const char *buf, size_t len);

struct wf_xfer {
	CURL *easy;
	enum wf_xfer_kind kind;
	struct curl_slist *headers;
	char *body; /* the answer (NUL-terminated), up to max_body */
	size_t len, cap, max_body;
	bool too_large;
	char *post;       /* request body */
	wf_xfer_sink_fn sink;
	bool sink_checked; /* the status was looked at before the first sink call */
	bool sink_on;      /* the body goes to the sink */
	void *owner;       /* the client */
	uint64_t outbox_id;
	int64_t started;   /* monotonic ms */
	int abort_why;     /* set by a sink that aborted: the owner's reason */
	bool verified;     /* the owner checked this answer's headers (stream) */
	wf_xfer_done_fn done;  /* completion (NULL: none) */
	struct wf_xfer **slot; /* the owner's pointer to it, cleared before done */
	/* Stall detection (libcurl's progress callback): no byte in either direction
	 * for stall_ms ends the exchange with CURLE_ABORTED_BY_CALLBACK and stalled
	 * set. Bytes that keep arriving, however slowly, never do. */
	int64_t stall_ms;     /* 0: off */
	int64_t progress_at;  /* monotonic ms of the last byte moved (or the start) */
	curl_off_t seen_dl, seen_ul;
	bool stalled;
};

struct wf_xfer_opts {
	const char *base_url;
	const char *path;     /* with its query */
	const char *token;    /* or NULL */
	const char *cacert;   /* or NULL */
	const char *accept;   /* Accept header value */
	long timeout_s;       /* whole transfer; 0 = none (streams) */
	int64_t stall_ms;     /* no byte moved for this long ends it; 0 = off */
	size_t max_body;
};

/* NULL when out of memory or the URL is too long. */
struct wf_xfer *wf_xfer_new(enum wf_xfer_kind kind, const struct wf_xfer_opts *o);
/* Adds one request header line ("Name: value"); -1 on failure. */
int wf_xfer_add_header(struct wf_xfer *x, const char *line);
/* Makes it a POST of a JSON body (copied). */
int wf_xfer_set_post(struct wf_xfer *x, const char *json, size_t len);
void wf_xfer_free(struct wf_xfer *x);
/* Marks x started now (its stall clock begins). */
void wf_xfer_mark_start(struct wf_xfer *x);
/* When x counts as stalled if nothing moves before (monotonic ms), or -1. */
int64_t wf_xfer_stall_deadline(const struct wf_xfer *x);

long wf_xfer_status(struct wf_xfer *x);
/* True when the answer's Content-Type is `type` (ignoring case and parameters). */
bool wf_xfer_content_type_is(struct wf_xfer *x, const char *type);
/* Retry-After in seconds (0 when absent or not a number of seconds). */
int wf_xfer_retry_after(struct wf_xfer *x);
/* Copies a response header's value into buf; false when absent. */
bool wf_xfer_header(struct wf_xfer *x, const char *name, char *buf, size_t size);
/* A one-line description of a failed exchange for the status bar: the curl error,
 * or "HTTP 503: <the error body's message>". Never contains the token. */
void wf_xfer_describe(struct wf_xfer *x, CURLcode rc, char *buf, size_t size);

#endif
