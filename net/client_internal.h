/* client_internal.h - the client's state, shared by net/client.c (lifecycle, the
 * loop API, running transfers, the outbox sender) and net/client_sync.c (whoami,
 * snapshot, stream, polling, backoff). Each transfer carries its own completion
 * (wf_xfer.done), so neither file calls into the other's handlers. Not for use
 * outside net/. */
#ifndef WF_NET_CLIENT_INTERNAL_H
#define WF_NET_CLIENT_INTERNAL_H

#include "net/client.h"
#include "net/outbox.h"
#include "net/sse.h"
#include "net/transport.h"

enum phase {
	PH_IDLE,
	PH_SNAPSHOT, /* GET /v1/snapshot in flight */
	PH_STREAM,   /* GET /v1/events as SSE in flight */
	PH_POLL,     /* GET /v1/events long-poll in flight */
	PH_WAIT,     /* waiting for next_try to start `then` */
	PH_STOPPED,
};

enum abort_why { ABORT_NONE, ABORT_RESET, ABORT_CTYPE, ABORT_STATUS };

/* Largest snapshot (and long-poll answer) body accepted. The protocol's caps (the
 * server's windows of incidents, signals, sightings and stats) keep a real
 * snapshot around 20 MiB at most; 32 MiB leaves room without letting a broken or
 * hostile server make the dashboard hold 128 MiB (plus the parsed tree). */
#define SNAPSHOT_MAX (32u << 20)
/* docs/protocol.md: an event is at most 8 MiB (1000 sighting items with the longest
 * hashes stay under 5 MiB); the SSE parser's own default is 1 MiB. */
#define WF_CLIENT_EVENT_MAX (8u << 20)
#define LONGPOLL_WAIT_S 25
/* A long-poll answer with no events sooner than this is not polled again at once
 * (a misbehaving server or proxy would make it a busy loop): the next waits ~1 s. */
#define LONGPOLL_MIN_MS 1000

struct wf_client {
	char *url, *token, *cacert; /* url: the backend in use, one of urls[] */
	char *urls[WF_CLIENT_BACKENDS_MAX];
	size_t n_urls, cur_url;
	struct wf_client_config cfg;
	struct wf_model *model;
	CURLM *multi;
	struct wf_outbox *outbox;
	struct wf_sse_parser sse;
	struct wf_conn conn;
	unsigned flags; /* WF_CLIENT_EV_* gathered during one process() */
	bool msg_bad;   /* conn.message is about a bad event (kept on recovery) */

	enum phase phase, then;
	struct wf_xfer *main, *whoami, *send;
	/* A one-off GET (wf_client_fetch, client_fetch.c) and its finished answer. */
	struct wf_xfer *fetch;
	bool fetched;          /* an answer (or failure) waits for wf_client_fetch_take */
	long fetch_status;
	char *fetch_body;
	size_t fetch_len;
	char fetch_err[256];
	bool have_whoami;  /* its name is the outbox's identity: sending waits for it */
	int64_t whoami_retry; /* monotonic; 0: none planned */
	int64_t next_try; /* monotonic */
	int64_t retry_ms; /* the server's retry: */
	bool hb_known;    /* a snapshot told the heartbeat (stall limits follow it) */
	bool synced;
	unsigned resets; /* reset events since the last applied event: backoff from 2 */
	unsigned syncs;
	char etag[128];
	int64_t skew_ms; /* local clock minus the server's, from the last snapshot */
	int64_t rate_start;
	uint64_t rate_count;
	uint64_t rng;
};
/* client.c: transfers, for client_sync.c. */

/* The stall limit of a request (ms): 2.5 heartbeats once a snapshot told the
 * heartbeat, 15 s before; fractions kept (1 s heartbeat: 2500). */
int64_t client_stall_ms(const struct wf_client *c);
/* "2.5" or "15": a stall limit in seconds as it is, for messages. */
void client_format_secs(int64_t ms, char *buf, size_t size);
/* The single place requests are made. Refuses anything but GET in read-only mode.
 * stall_ms: no byte moved for this long ends the exchange (0: off). */
struct wf_xfer *client_request(struct wf_client *c, enum wf_xfer_kind kind,
			       const char *path, const char *accept, long timeout_s,
			       int64_t stall_ms, size_t max_body, const char *post);
/* Runs x; *slot holds it until it ends, then done(x, rc) is called and x freed.
 * On failure x is freed and false returned. */
bool client_start_xfer(struct wf_client *c, struct wf_xfer *x, struct wf_xfer **slot,
		       wf_xfer_done_fn done);
/* Aborts and frees *xp (no completion call). */
void client_xfer_drop(struct wf_client *c, struct wf_xfer **xp);
/* d scaled by a random factor in [0.75, 1.25). */
int64_t client_jitter(struct wf_client *c, int64_t d);

/* Moves to the next backend (round robin) after a failure of the one in use; false
 * with one backend. The connection state names the new one. */
bool client_next_backend(struct wf_client *c);

/* client_sync.c: keeping in sync, for client.c. */

/* Sets up the event parser (wf_client_new, once). */
void client_sync_init(struct wf_client *c);
/* Starts whoami, snapshot, then the stream or polling. */
void client_sync_start(struct wf_client *c);
/* Runs the sync timers that are due at now (reconnects, whoami retries). */
void client_sync_tick(struct wf_client *c, int64_t now);
/* The nearest sync timer (monotonic ms), or -1. */
int64_t client_sync_deadline(const struct wf_client *c);

#endif
