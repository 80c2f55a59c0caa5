/* client_internal.h - the client's state, shared by net/client.c (lifecycle, the
 * loop API, the outbox sender) and net/client_sync.c (whoami, snapshot, stream,
 * polling, backoff). Not for use outside net/. */
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

enum abort_why { ABORT_NONE, ABORT_RESET, ABORT_CTYPE };

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
	char *url, *token, *cacert;
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
	bool have_whoami;  /* its name is the outbox's identity: sending waits for it */
	int64_t whoami_retry; /* monotonic; 0: none planned */
	int64_t next_try; /* monotonic */
	int64_t retry_ms; /* the server's retry: */
	int64_t last_byte; /* monotonic, of the stream */
	bool synced;
	unsigned resets; /* reset events since the last applied event: backoff from 2 */
	unsigned syncs;
	char etag[128];
	int64_t skew_ms; /* local clock minus the server's, from the last snapshot */
	int64_t rate_start;
	uint64_t rate_count;
	uint64_t rng;
};
/* client_sync.c */
int64_t client_jitter(struct wf_client *c, int64_t d);
int64_t client_dead_ms(const struct wf_client *c);
/* A connection problem for the status bar (cleared when the connection recovers). */
void client_set_message(struct wf_client *c, const char *msg);
/* n bad events (counted and skipped), msg the last one's error (kept). */
void client_note_bad(struct wf_client *c, uint64_t n, const char *msg);
void client_conn_state(struct wf_client *c, enum wf_conn_state s);
void client_xfer_drop(struct wf_client *c, struct wf_xfer **xp);
/* The single place requests are made. Refuses anything but GET in read-only mode. */
struct wf_xfer *client_request(struct wf_client *c, enum wf_xfer_kind kind,
			       const char *path, const char *accept, long timeout_s,
			       long low_speed_s, size_t max_body, const char *post);
bool client_start_xfer(struct wf_client *c, struct wf_xfer *x);
void client_start_whoami(struct wf_client *c);
void client_start_snapshot(struct wf_client *c);
void client_start_stream(struct wf_client *c);
void client_start_poll(struct wf_client *c);
void client_retry_later(struct wf_client *c, enum phase then, int retry_after_s,
			bool offline);
void client_stop(struct wf_client *c, enum wf_conn_state s, const char *msg);
int client_on_sse_event(void *ud, const struct wf_sse_event *sev);
void client_done_snapshot(struct wf_client *c, struct wf_xfer *x, CURLcode rc);
void client_done_stream(struct wf_client *c, struct wf_xfer *x, CURLcode rc);
void client_done_poll(struct wf_client *c, struct wf_xfer *x, CURLcode rc);
void client_done_whoami(struct wf_client *c, struct wf_xfer *x, CURLcode rc);

#endif
