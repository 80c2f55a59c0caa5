/* decode.h - JSON (jansson) to typed events and snapshots, checking every field's
 * type, size and enum against docs/protocol.md. A bad input yields -1 and an error
 * naming the field; nothing is half decoded (the output is left zeroed). */
#ifndef WF_DECODE_H
#define WF_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/types.h"

struct wf_decode_error {
	char msg[256];
};

/* One envelope {"seq","type","time","data"} (an SSE data line, a long-poll element,
 * a replay line). On success *out owns its strings: wf_event_clear() it. */
int wf_decode_envelope(const char *buf, size_t len, struct wf_event *out,
		       struct wf_decode_error *err);
int wf_decode_envelope_json(json_t *root, struct wf_event *out,
			    struct wf_decode_error *err);

/* The resource of an event type from its JSON object (the envelope's "data"). path
 * prefixes field names in error messages. */
int wf_decode_resource(enum wf_event_type type, json_t *obj, const char *path,
		       struct wf_event *out, struct wf_decode_error *err);

/* A snapshot: every resource becomes an event with seq 0, in an order the model
 * can apply (platforms, incidents, signals, reports, decisions, stats, sightings,
 * exceptions, notifications).
 * Resources that fail to decode are skipped and counted in n_bad, with the first
 * error kept in first_bad; a snapshot whose frame is wrong fails as a whole. */
struct wf_snapshot {
	int64_t cursor;
	int64_t server_time;
	int64_t heartbeat_s;
	size_t n_events;
	struct wf_event *events;
	size_t n_bad;
	struct wf_decode_error first_bad;
};
int wf_decode_snapshot(const char *buf, size_t len, struct wf_snapshot *out,
		       struct wf_decode_error *err);
void wf_snapshot_clear(struct wf_snapshot *s);

/* The long-poll answer {"cursor","events":[...],"reset"}. Bad events are skipped
 * and counted like the snapshot's. */
struct wf_poll_batch {
	int64_t cursor;
	int reset;
	size_t n_events;
	struct wf_event *events;
	size_t n_bad;
	struct wf_decode_error first_bad;
};
int wf_decode_poll(const char *buf, size_t len, struct wf_poll_batch *out,
		   struct wf_decode_error *err);
void wf_poll_batch_clear(struct wf_poll_batch *b);

#endif
