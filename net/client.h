/* client.h - the dashboard's connection to watchfloord: one object that owns a
 * libcurl multi handle and runs, inside the caller's single loop, the whole
 * network side: whoami, snapshot, then the SSE stream from the snapshot's cursor
 * (or long-poll / interval polling), reconnects with backoff, and the outbox of
 * mutating requests. It writes decoded events into the model and the connection
 * state into the model (wf_model_set_conn); it never prints and never draws.
 *
 * How a loop uses it (the terminal and a signal self-pipe as extra fds):
 *
 *	struct wf_client *c = wf_client_new(&cfg, model, err, sizeof(err));
 *	wf_client_start(c);
 *	for (;;) {
 *		struct curl_waitfd fds[2] = {
 *			{.fd = STDIN_FILENO, .events = CURL_WAIT_POLLIN},
 *			{.fd = sigpipe[0], .events = CURL_WAIT_POLLIN},
 *		};
 *		int timeout = wf_client_timeout_ms(c);   // -1: no network deadline
 *		if (timeout < 0 || timeout > ui_timeout) timeout = ui_timeout;
 *		if (wf_client_wait(c, fds, 2, timeout) < 0) break;
 *		unsigned ev = wf_client_process(c);      // transfers + timers
 *		if (fds[1].revents) ... read the self-pipe, handle the signal ...
 *		if (fds[0].revents) ... read keys (non-blocking wgetch until ERR) ...
 *		if (ev & WF_CLIENT_EV_CHANGED) ... model changed: schedule a frame ...
 *		if (ev & WF_CLIENT_EV_OUTBOX) ... outbox changed: status bar, conflicts ...
 *		if (ev & WF_CLIENT_EV_STOPPED) ... auth failed / 204: see conn.message ...
 *	}
 *	wf_client_free(c);
 *
 * wf_client_process() is cheap when nothing is due, so calling it after every wake-up
 * is fine. Time: the times in struct wf_conn (last_event, next_try, ...) are Unix
 * milliseconds (wall clock, wf_client_now_ms()); deadlines inside the client use the
 * monotonic clock.
 *
 * Read-only: with cfg.read_only the client refuses every non-GET request (the outbox
 * refuses to enqueue and never sends), whatever asks it. */
#ifndef WF_NET_CLIENT_H
#define WF_NET_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "model/model.h"

struct wf_outbox;

enum wf_client_mode {
	WF_CLIENT_SSE,       /* snapshot, then Server-Sent Events (default) */
	WF_CLIENT_LONGPOLL,  /* snapshot, then GET /v1/events?wait=N (--poll) */
	WF_CLIENT_INTERVAL,  /* GET /v1/snapshot every poll_s with If-None-Match (--poll=S) */
};

struct wf_client_config {
	const char *url;       /* base URL, e.g. "http://127.0.0.1:8470" (copied) */
	const char *token;     /* bearer token or NULL (copied, wiped on free, never shown) */
	const char *cacert;    /* CA bundle file for TLS, or NULL for the system store */
	bool read_only;        /* refuse every non-GET request */
	enum wf_client_mode mode;
	int poll_s;            /* interval for WF_CLIENT_INTERVAL (jittered), default 5 */
	const char *state_dir; /* outbox folder; NULL: one folder per server URL under
				  $XDG_STATE_HOME/watchfloor (or ~/.local/state/
				  watchfloor), e.g. .../watchfloor/http_127.0.0.1_8470,
				  so records only go to the server they were made for */
	int hold_ms;           /* outbox hold before sending (undo window); default 5000,
				  0 = send at once; < 0 = default */
	bool no_outbox;        /* do not open an outbox file (replay, tests) */
	/* Further backends (replicas of one command center, each a base URL like url):
	 * on a connection failure, a stalled transfer or a 5xx the client moves to the
	 * next one, round robin, with the usual backoff, and resumes from its cursor;
	 * the outbox sends to the one in use (idempotency keys make a retry on another
	 * replica safe). The outbox folder stays the one of url. At most
	 * WF_CLIENT_BACKENDS_MAX in all. */
	const char *const *alt_urls;
	size_t n_alt_urls;
};
#define WF_CLIENT_BACKENDS_MAX 8

/* Creates a client writing into model (borrowed: it must outlive the client).
 * Returns NULL with a message in err on failure (bad URL, unreadable cacert, outbox
 * file not writable, out of memory). */
struct wf_client *wf_client_new(const struct wf_client_config *cfg,
				struct wf_model *model, char *err, size_t errsize);
/* Aborts every transfer and frees everything; the outbox file stays on disk. */
void wf_client_free(struct wf_client *c);

/* Starts whoami + snapshot + stream, and the sending of pending outbox records
 * (replayed with their original idempotency keys). */
int wf_client_start(struct wf_client *c);

/* Waits for network activity, one of the extra fds (their revents are filled in),
 * wf_client_wakeup(), or timeout_ms (-1: the client's own next deadline, or forever
 * when none). Wraps curl_multi_poll. Returns 0, or -1 on a libcurl error. */
int wf_client_wait(struct wf_client *c, struct curl_waitfd *extra, unsigned n_extra,
		   int timeout_ms);
/* Interrupts a wf_client_wait() in progress (safe from another thread, not from a
 * signal handler: use a self-pipe fd in extra for signals). */
void wf_client_wakeup(struct wf_client *c);

/* What wf_client_process() saw, as bit flags. */
enum {
	WF_CLIENT_EV_CHANGED = 1 << 0, /* the model's data changed (events, snapshot) */
	WF_CLIENT_EV_CONN = 1 << 1,    /* the connection state changed */
	WF_CLIENT_EV_OUTBOX = 1 << 2,  /* an outbox record changed state or left */
	WF_CLIENT_EV_SYNCED = 1 << 3,  /* a snapshot was applied (first sync or reset) */
	WF_CLIENT_EV_STOPPED = 1 << 4, /* the client gave up: auth failed, 204, ... */
	WF_CLIENT_EV_FETCHED = 1 << 5, /* a wf_client_fetch() answer is ready */
};
/* Runs transfers that are ready and timers that are due (reconnects, outbox holds
 * and retries, dead-stream checks). Returns WF_CLIENT_EV_* flags. */
unsigned wf_client_process(struct wf_client *c);

/* The nearest deadline on the monotonic clock (ms, wf_client_mono_ms()), or -1 when
 * the client waits only for the network. */
int64_t wf_client_next_deadline(const struct wf_client *c);
/* Milliseconds from now to that deadline (0 when due), or -1 when none. */
int wf_client_timeout_ms(const struct wf_client *c);

/* True once a snapshot has been applied (the model holds the server's state). */
bool wf_client_synced(const struct wf_client *c);
/* True once synced, the stream (or polling) is running and whoami has answered or
 * failed: what a batch run waits for before its first print. */
bool wf_client_ready(const struct wf_client *c);
/* True when the client stopped for good (401/403, 204, or a fatal error). */
bool wf_client_stopped(const struct wf_client *c);
/* Number of snapshots applied so far (1 after the first sync; more after resets). */
unsigned wf_client_syncs(const struct wf_client *c);

/* A one-off GET of path (built by net/, e.g. wf_request_export) beside the stream,
 * answer body up to max_body bytes: when it ends, wf_client_process() returns
 * WF_CLIENT_EV_FETCHED and wf_client_fetch_take() hands the answer over. One at a
 * time: -1 while another is running (or out of memory). Works before
 * wf_client_start() too (a batch run that needs nothing else). */
int wf_client_fetch(struct wf_client *c, const char *path, const char *accept,
		    size_t max_body);
/* The finished fetch: 1 with *body (malloc'd, NUL-terminated, the caller frees),
 * *len and *status (the HTTP status; 0 when the exchange failed) and err set to a
 * one-line description when the status is not 200 (never the token); 0 when no
 * answer is waiting. */
int wf_client_fetch_take(struct wf_client *c, char **body, size_t *len, long *status,
			 char *err, size_t errsize);
/* True while a fetch is running. */
bool wf_client_fetching(const struct wf_client *c);

/* The client's outbox (NULL with cfg.no_outbox); see net/outbox.h for the UI's calls:
 * wf_outbox_enqueue, wf_outbox_undo, wf_outbox_drop, wf_outbox_list. Records enqueued
 * there are sent by the client when their hold ends. */
struct wf_outbox *wf_client_outbox(struct wf_client *c);

/* Clocks used by the client (util/clock.h's wf_clock_now_ms and wf_clock_mono_ms). */
int64_t wf_client_now_ms(void);  /* Unix ms, wall clock */
int64_t wf_client_mono_ms(void); /* monotonic ms */

/* The token from the environment (WATCHFLOOR_TOKEN) or a file (first line, trailing
 * whitespace removed). Returns a malloc'd string the caller frees (wipe it first), or
 * NULL with a message in err that never contains the token. */
char *wf_client_read_token(const char *token_file, char *err, size_t errsize);

#endif
