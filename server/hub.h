/* hub.h - the event fan-out: a ring of the newest events' envelopes and the open
 * event streams (SSE and long-poll) waiting for them.
 *
 * Concurrency model: libmicrohttpd runs a small thread pool over epoll; a stream is
 * a callback response whose reader, when it has nothing to send, suspends its
 * connection (MHD_suspend_connection) instead of blocking a thread. hub_publish_event
 * and the hub's timer thread (heartbeats, long-poll deadlines) resume suspended
 * connections. So an idle client costs a socket and a struct, not a thread, and
 * hundreds of streams are served by a handful of threads. */
#ifndef WFD_HUB_H
#define WFD_HUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "model/enums.h"

/* One stored event: its seq, type and the envelope JSON text (one line). */
struct hub_event {
	int64_t seq;
	enum wf_event_type type;
	char *envelope;
};

/* Reads retained events with seq > after (at most max) from the store, for streams
 * whose cursor is older than the ring. Returns the number read (>= 0) or -1; the
 * caller frees each envelope and the array. */
typedef int (*hub_fetch_fn)(void *ctx, int64_t after, int max, struct hub_event **out);

struct hub;

struct hub *hub_new(size_t ring_cap, int heartbeat_s, hub_fetch_fn fetch, void *ctx);
/* The ring holds at most ring_cap events (hub_new) and, from this call on, at most
 * max_bytes of envelopes (default: no byte limit); the oldest go first, and streams
 * behind them read the store. The newest event always stays, whatever its size. */
void hub_set_ring_bytes(struct hub *h, size_t max_bytes);
/* Events and envelope bytes in the ring now. */
void hub_ring_usage(struct hub *h, size_t *count, size_t *bytes);
/* Ends every stream, stops the timer thread. Call before stopping the HTTP daemon. */
void hub_close(struct hub *h);
/* Frees the hub (after the HTTP daemon is stopped: no stream may remain). */
void hub_free(struct hub *h);

/* The cursor (last event seq) and oldest retained seq, set at startup and when the
 * store prunes old events. */
void hub_set_range(struct hub *h, int64_t oldest, int64_t cursor);
int64_t hub_cursor(struct hub *h);

/* Called with every event published, before streams see it, on the publishing
 * thread (the one that committed it, or the one syncing another replica's events):
 * how in-memory indexes (match.c) follow the store. Set it before store_attach_hub. */
typedef void (*hub_observe_fn)(void *ctx, int64_t seq, enum wf_event_type type,
			       const char *envelope);
void hub_set_observer(struct hub *h, hub_observe_fn fn, void *ctx);

/* Appends an event (takes ownership of envelope) and wakes the streams. Events must
 * come in seq order; the store calls this after the transaction commits. */
void hub_publish_event(struct hub *h, int64_t seq, enum wf_event_type type,
		       char *envelope);

/* Creates the response of an event stream. sse: SSE framing, else the long-poll
 * JSON answer with wait_s. has_after: the client gave a cursor (after). owner: the
 * key of the token that opened it (NULL or "" when anonymous). */
struct MHD_Response *hub_open_stream(struct hub *h, struct MHD_Connection *conn,
				     bool sse, bool has_after, int64_t after, int wait_s,
				     const char *owner);
/* A stream opened from now on by an owner admit() refuses (its token was revoked
 * since its request was admitted) ends at once. admit runs under the hub's lock. */
void hub_set_stream_check(struct hub *h, bool (*admit)(void *ctx, const char *owner),
			  void *ctx);
/* Ends every open stream whose owner keep() refuses (a token revoked by a reload of
 * the tokens file): its reader ends the response at its next call. Returns how many
 * streams it ended. */
size_t hub_revoke_streams(struct hub *h, bool (*keep)(void *ctx, const char *owner),
			  void *ctx);

#endif
