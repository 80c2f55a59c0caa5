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
	WF_AUTHORITY_MAX = 200,
	WF_ORGS_MAX = 32, /* approved_by, rejected_by, granted_by */
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
	char *opened_by;  /* who opened it, or NULL (older servers) */
	char *updated_by; /* the last change's author ("decision ID" for an effect), or NULL */
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
	/* The nearest active signal of its type when it was added (protocol.md
	 * `nearest`), or NULL: its id and variant, the distance (vpdq: the closest
	 * frame) and, for vpdq, the share of frames matched (else 100). */
	char *nearest_id;
	char *nearest_variant;
	int nearest_distance;
	int nearest_share;
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
	char *exception_id; /* kept under this public-interest exception, or NULL */
};

/* An upload given by hash that matched no signal (a sightings event's
 * `unmatched`), with its near miss when one was near. */
struct wf_unmatched_item {
	enum wf_hash_type hash_type;
	char *hash;
	int64_t count;
	enum wf_outcome outcome;
	int64_t seen_at;
	char *nearest_id; /* the near miss, or NULL */
	int nearest_distance;
	int nearest_share;
};

struct wf_sightings {
	char *platform_id;
	char *incident_id;
	size_t n_items;
	struct wf_sighting_item *items;
	size_t n_unmatched;
	struct wf_unmatched_item *unmatched;
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
	char *decision_id; /* its triage_report decision, or NULL */
	char *reason;      /* why it was triaged or dismissed ("" while open) */
	int64_t created_at;
	int64_t version;
};

struct wf_vote {
	char *by;
	enum wf_vote_action action;
	char *reason;
	int64_t at;
	char *org;    /* the voter's organisation (NULL from an older server) */
	bool counted; /* counted toward the quorum (first approve/reject of its org) */
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
	/* Quorum: `needed` distinct organisations close it (1 from an older server);
	 * the organisations whose approval / rejection counted so far. */
	int needed;
	size_t n_approved_by, n_rejected_by;
	char **approved_by, **rejected_by;
	char *proposed_tier;    /* change_tier: the tier it proposes, or NULL */
	char *keep_platform_id; /* public_interest: who may keep copies, or NULL */
	char *authority;        /* notify_authority: whom to notify, or NULL */
};

/* A public-interest exception granted by an approved public_interest decision. */
struct wf_exception {
	char *id;
	char *incident_id; /* may be NULL */
	char *decision_id;
	char *signal_id;   /* may be NULL */
	char *report_id;   /* may be NULL */
	char *platform_id; /* the organisation that may keep copies; may be NULL */
	char *reason;
	size_t n_granted_by;
	char **granted_by;
	int64_t granted_at;
	int64_t version;
};

/* A record that an authority was notified (an approved notify_authority). */
struct wf_notification {
	char *id;
	char *incident_id; /* may be NULL */
	char *decision_id;
	char *authority;
	char *by; /* the officer whose vote closed the decision */
	size_t n_approved_by;
	char **approved_by;
	int64_t at;
	int64_t version;
};

/* One absolute time bucket of one incident x platform (snapshot "stats" rows). */
struct wf_stats_row {
	char *incident_id;
	char *platform_id;
	int64_t start;
	int width_s; /* 60 or 3600 */
	int64_t attempts, blocked, removed, kept, pending, variants;
	int64_t kept_exception; /* part of kept: kept under an exception */
	int64_t unmatched;      /* attempts given by hash that matched no signal */
	int64_t near_misses;    /* part of unmatched with a near miss */
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
		struct wf_exception exception;
		struct wf_notification notification;
	} u;
};

void wf_platform_clear(struct wf_platform *p);
void wf_incident_clear(struct wf_incident *i);
void wf_signal_clear(struct wf_signal *s);
void wf_sightings_clear(struct wf_sightings *s);
void wf_report_clear(struct wf_report *r);
void wf_decision_clear(struct wf_decision *d);
void wf_stats_row_clear(struct wf_stats_row *r);
void wf_exception_clear(struct wf_exception *e);
void wf_notification_clear(struct wf_notification *n);
/* Frees whatever the event still owns and zeroes it. Safe on a zeroed event. */
void wf_event_clear(struct wf_event *ev);

#endif
