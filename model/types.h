/* types.h - the command center's resources and the typed event that carries them.
 * Strings are heap-allocated and owned by whoever holds the struct; the *_clear
 * functions free them. Times are Unix milliseconds (0 means "null"). */
#ifndef WF_TYPES_H
#define WF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enums.h"

/* Limits of the wire contract (docs/protocol.md), in bytes of UTF-8. */
enum {
	WF_ID_MAX = 64,
	WF_NAME_MAX = 100,
	WF_TITLE_MAX = 200,
	WF_LOCATION_MAX = 100,
	WF_TIER_MAX = 32,
	WF_SUMMARY_MAX = 2000,
	WF_TEXT_MAX = 4000,
	WF_SUBJECT_MAX = 500,
	WF_REASON_MAX = 1000,
	WF_HASH_VALUE_MAX = 4096,
	WF_HASH_TYPES_MAX = 8,
	WF_VOTES_MAX = 32,
	WF_SIGHTING_ITEMS_MAX = 1000,
	WF_COUNT_MAX = 1000000,
	WF_DISTANCE_MAX = 256,
	WF_IDEMPOTENCY_KEY_MAX = 128,
};

struct wf_platform {
	char *id;
	char *name;
	enum wf_platform_kind kind;
	unsigned hash_types; /* bit (1u << enum wf_hash_type) */
	int64_t last_heartbeat;
	int64_t version;
};

struct wf_incident {
	char *id;
	char *title;
	char *location;
	char *tier;           /* as sent: the wire enum is open */
	enum wf_tier tier_rank; /* WF_TIER_UNKNOWN for tiers we do not know */
	enum wf_incident_state state;
	int64_t opened_at, activated_at, concluded_at;
	char *summary;
	int64_t version;
};

struct wf_signal {
	char *id;
	char *incident_id;
	enum wf_hash_type type;
	char *value;
	int quality;
	char *variant_id;
	bool new_variant;
	char *platform_id;
	int64_t added_at;
	enum wf_signal_state state;
	int64_t version;
};

struct wf_sighting_item {
	char *signal_id;
	int64_t count;
	enum wf_outcome outcome;
	int64_t seen_at;
	int distance;         /* -1 when null */
	bool has_hash;        /* hash_type and hash present (events carry them) */
	enum wf_hash_type hash_type;
	char *hash;
};

struct wf_sightings {
	char *platform_id;
	char *incident_id;
	size_t n_items;
	struct wf_sighting_item *items;
};

struct wf_report {
	char *id;
	enum wf_report_kind kind;
	char *incident_id; /* may be NULL */
	char *platform_id; /* may be NULL */
	char *author;
	char *text;
	enum wf_report_state state;
	bool needs_decision;
	int64_t created_at;
	int64_t version;
};

struct wf_vote {
	char *by;
	enum wf_vote_action action;
	char *reason;
	int64_t at;
};

struct wf_decision {
	char *id;
	enum wf_decision_kind kind;
	char *incident_id; /* may be NULL */
	char *subject;
	char *subject_ref; /* may be NULL */
	char *detail;
	char *proposer;
	enum wf_priority priority;
	int64_t created_at, due_at;
	enum wf_decision_state state;
	size_t n_votes;
	struct wf_vote *votes;
	char *rationale;
	int64_t version;
};

/* One absolute time bucket of one incident x platform (snapshot "stats" rows). */
struct wf_stats_row {
	char *incident_id;
	char *platform_id;
	int64_t start;
	int width_s; /* 60 or 3600 */
	int64_t attempts, blocked, removed, kept, pending, variants;
};

/* A decoded event: the envelope plus the resource it carries. seq 0 means the event
 * came from a snapshot: it is not subject to the cursor, and its sightings and
 * signals go to the feed and tables but not into the time buckets (the snapshot's
 * stats rows already count them). */
struct wf_event {
	enum wf_event_type type;
	int64_t seq;
	int64_t time;
	union {
		struct wf_platform platform;
		struct wf_incident incident;
		struct wf_signal signal;
		struct wf_sightings sightings;
		struct wf_report report;
		struct wf_decision decision;
		struct wf_stats_row stats;
	} u;
};

void wf_platform_clear(struct wf_platform *p);
void wf_incident_clear(struct wf_incident *i);
void wf_signal_clear(struct wf_signal *s);
void wf_sightings_clear(struct wf_sightings *s);
void wf_report_clear(struct wf_report *r);
void wf_decision_clear(struct wf_decision *d);
void wf_stats_row_clear(struct wf_stats_row *r);
/* Frees whatever the event still owns and zeroes it. Safe on a zeroed event. */
void wf_event_clear(struct wf_event *ev);

#endif
