/* model.h - the command center's state in memory: platforms, incidents, signals,
 * sightings, reports, decisions and the propagation figures derived from sightings.
 * Pure C: no I/O, no clocks (callers pass "now"), no terminal or HTTP library.
 *
 * Applying events is idempotent: an event whose seq is not above the cursor, or a
 * resource whose version is not above the one held, changes nothing. Memory is
 * bounded by the caps in struct wf_model_limits (see wf_model_limits_default()). */
#ifndef WF_MODEL_H
#define WF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "types.h"

struct wf_model;

/* Caps. When a table is full, what goes is what an officer needs least: concluded
 * incidents before open ones, then lower tier and state before higher, older before
 * newer; closed decisions and reports before open ones (then lower priority, older);
 * disabled signals before active ones, then older. A newcomer needed no more than
 * the least needed entry held is refused instead. Either way the id is remembered
 * as not held (wf_model_not_held), so screens can say what they do not show.
 * Defaults are sized for a real command center with room to spare: ids and entries
 * are allocated as they come, so a cap costs memory only when it is used. */
struct wf_model_limits {
	size_t platforms;  /* default 512 (never evicted: a full table refuses) */
	size_t incidents;  /* default 4096 */
	size_t signals;    /* default 16384 */
	size_t reports;    /* default 8192 */
	size_t decisions;  /* default 8192 */
	size_t pairs;      /* incident x platform series, default 4096 */
	size_t feed;       /* latest sightings kept for the live feed, default 256 */
	size_t exceptions; /* public-interest exceptions, default 1024 (oldest goes) */
	size_t notifications; /* authority notifications, default 1024 (oldest goes) */
};
/* The field of l called name ("incidents", "signals", ... as in the struct), or NULL:
 * for `--cap NAME=N`. */
size_t *wf_model_limit_by_name(struct wf_model_limits *l, const char *name);

/* The capped tables. */
enum wf_cap {
	WF_CAP_PLATFORMS,
	WF_CAP_INCIDENTS,
	WF_CAP_SIGNALS,
	WF_CAP_REPORTS,
	WF_CAP_DECISIONS,
	WF_CAP_EXCEPTIONS,
	WF_CAP_NOTIFICATIONS,
	WF_CAP__COUNT
};
/* "incidents", ... (the JSON key of --batch --json's not_held). */
const char *wf_cap_name(enum wf_cap k);

#define WF_MINUTES 60 /* minute buckets: the last hour */
#define WF_HOURS 24   /* hour buckets: the last day */

struct wf_model_limits wf_model_limits_default(void);

/* Returns NULL when out of memory. limits may be NULL for the defaults. */
struct wf_model *wf_model_new(const struct wf_model_limits *limits);
void wf_model_free(struct wf_model *m);
/* Forgets everything (before applying a fresh snapshot); keeps connection state. */
void wf_model_reset(struct wf_model *m);

enum wf_apply_result {
	WF_APPLY_CHANGED,   /* the state changed */
	WF_APPLY_UNCHANGED, /* duplicate, old version or old seq: nothing changed */
	WF_APPLY_REFUSED,   /* a cap was reached and nothing could be evicted */
	WF_APPLY_RESET,     /* a reset event: the caller must re-read the snapshot */
};

/* Applies ev. Takes what it keeps out of ev (strings move into the model), so the
 * caller must still call wf_event_clear(ev) afterwards. Raises the cursor to ev->seq
 * when ev->seq is above it. */
enum wf_apply_result wf_model_apply(struct wf_model *m, struct wf_event *ev);

/* Tells the model the caller's wall clock (Unix ms) before applying events; event
 * times more than WF_MODEL_SKEW_MS ahead of it count as now + skew for the windows.
 * 0 (the default) means no limit. */
#define WF_MODEL_SKEW_MS (5 * 60000LL)
void wf_model_set_now(struct wf_model *m, int64_t now);

int64_t wf_model_cursor(const struct wf_model *m);
void wf_model_set_cursor(struct wf_model *m, int64_t cursor);
/* Incremented on every change: a view that saw the same generation need not redraw. */
uint64_t wf_model_generation(const struct wf_model *m);

struct wf_model_counters {
	uint64_t applied;      /* events that changed the state */
	uint64_t duplicates;   /* events or versions ignored as already seen */
	uint64_t cap_refused;  /* entries refused because a table was full */
	uint64_t evicted;      /* entries evicted to make room */
	uint64_t out_of_window; /* sighting items older than the day window */
};
struct wf_model_counters wf_model_counters(const struct wf_model *m);

/* What the model does not hold: ids it was sent (in the snapshot or an event) that a
 * full table refused or evicted, and that have not come back since. Counted again
 * from zero at every snapshot (wf_model_reset). Past 4 x the cap (ids only) the
 * count goes on without telling ids apart: at_least. */
struct wf_model_not_held {
	size_t n[WF_CAP__COUNT];
	size_t total;
	bool at_least;
};
struct wf_model_not_held wf_model_not_held(const struct wf_model *m);
/* The cap of a table. */
size_t wf_model_cap(const struct wf_model *m, enum wf_cap k);
/* "+45 incidents not shown, cap 256" for each table holding less than it was
 * sent, open work first, joined by "; "; "" (returns 0) when everything is held. */
size_t wf_model_caps_note(const struct wf_model *m, char *buf, size_t size);

/* Lookups by id, O(1). NULL when absent. The pointers stay valid until the next
 * apply or reset. */
const struct wf_platform *wf_model_platform(const struct wf_model *m, const char *id);
const struct wf_incident *wf_model_incident(const struct wf_model *m, const char *id);
const struct wf_signal *wf_model_signal(const struct wf_model *m, const char *id);
const struct wf_report *wf_model_report(const struct wf_model *m, const char *id);
const struct wf_decision *wf_model_decision(const struct wf_model *m, const char *id);

/* The records that approved decisions leave (docs/protocol.md, "Effects"): public-
 * interest exceptions (exception.granted) and authority notifications
 * (authority.notified). */
const struct wf_exception *wf_model_exception(const struct wf_model *m, const char *id);
const struct wf_notification *wf_model_notification(const struct wf_model *m,
						    const char *id);
size_t wf_model_count_exceptions(const struct wf_model *m);
size_t wf_model_count_notifications(const struct wf_model *m);
/* Newest first (incident_id NULL: all). */
size_t wf_model_exceptions(const struct wf_model *m, const char *incident_id,
			   const struct wf_exception **out, size_t cap);
size_t wf_model_notifications(const struct wf_model *m, const char *incident_id,
			      const struct wf_notification **out, size_t cap);
/* The exception that lets platform_id keep copies of signal_id (platform_id NULL:
 * any platform's), or NULL. */
const struct wf_exception *wf_model_signal_exception(const struct wf_model *m,
						     const char *signal_id,
						     const char *platform_id);

/* Issue 12's fields, for the screens (types.h holds them, protocol.md defines them):
 * - struct wf_decision: needed, approved_by / rejected_by (organisations counted),
 *   proposed_tier (change_tier), keep_platform_id (public_interest), authority
 *   (notify_authority); each wf_vote has its org and whether it counted.
 * - struct wf_signal: state WF_SIG_PROPOSED (a candidate, not shared until its
 *   add_signal decision is approved) or WF_SIG_REJECTED.
 * - struct wf_report: decision_id (its triage decision), reason (why triaged or
 *   dismissed). struct wf_incident: opened_by, updated_by ("decision ID" after an
 *   effect).
 * - struct wf_sighting_item: exception_id; wf_bucket_counts.kept_exception (part of
 *   kept, left out of the blocked share); struct wf_conn: org (ours, from whoami).
 * A decision's quorum: `needed` distinct organisations close it; `approvals` and
 * `rejections` are the organisations counted so far (approved_by, rejected_by). The
 * list shows "approvals/needed", e.g. 1/2. Who voted is d->votes (each with its org
 * and whether it counted). */
struct wf_quorum {
	int needed;
	int approvals;
	int rejections;
};
struct wf_quorum wf_decision_quorum(const struct wf_decision *d);
/* What organisation org has already done on d: WF_VOTE_APPROVE or WF_VOTE_REJECT
 * when its vote counted, WF_VOTE__COUNT when it has not approved or rejected (a
 * further approve or reject of an organisation that counted does not count). The
 * dashboard's own organisation is wf_conn.org. */
enum wf_vote_action wf_decision_org_vote(const struct wf_decision *d, const char *org);

size_t wf_model_count_platforms(const struct wf_model *m);
size_t wf_model_count_incidents(const struct wf_model *m);
size_t wf_model_count_signals(const struct wf_model *m);
size_t wf_model_count_reports(const struct wf_model *m);
size_t wf_model_count_decisions(const struct wf_model *m);
size_t wf_model_count_open_decisions(const struct wf_model *m);

/* Sorted views. Each fills out[] with at most cap pointers and returns how many. */
enum wf_incident_sort {
	WF_SORT_INC_SEVERITY, /* tier, then state, then newest first */
	WF_SORT_INC_RATE,     /* uploads in the last 5 minutes, highest first */
	WF_SORT_INC_AGE,      /* newest first */
	WF_SORT_INC__COUNT
};
size_t wf_model_incidents(const struct wf_model *m, enum wf_incident_sort sort,
			  int64_t now, const struct wf_incident **out, size_t cap);

enum wf_platform_sort {
	WF_SORT_PLAT_RATE, /* attempts in the last 15 minutes, highest first */
	WF_SORT_PLAT_NAME,
	WF_SORT_PLAT_BLOCKED, /* blocked share, lowest first: where the list fails */
	WF_SORT_PLAT__COUNT
};
/* incident_id NULL: across all incidents. */
size_t wf_model_platforms(const struct wf_model *m, enum wf_platform_sort sort,
			  const char *incident_id, int64_t now,
			  const struct wf_platform **out, size_t cap);

enum wf_decision_sort {
	WF_SORT_DEC_DUE,      /* earliest due first */
	WF_SORT_DEC_PRIORITY, /* high first, then due */
	WF_SORT_DEC_NEWEST,
	WF_SORT_DEC__COUNT
};
/* Open decisions (pending, escalated); incident_id NULL for all. */
size_t wf_model_open_decisions(const struct wf_model *m, enum wf_decision_sort sort,
			       const char *incident_id,
			       const struct wf_decision **out, size_t cap);
/* Signals of an incident, newest first. */
size_t wf_model_signals(const struct wf_model *m, const char *incident_id,
			const struct wf_signal **out, size_t cap);
/* Reports, newest first (incident_id NULL: all). */
size_t wf_model_reports(const struct wf_model *m, const char *incident_id,
			const struct wf_report **out, size_t cap);

/* The live feed: the latest sighting items, newest first. */
struct wf_feed_item {
	int64_t seen_at;
	char platform_id[WF_ID_MAX + 1];
	char incident_id[WF_ID_MAX + 1];
	enum wf_hash_type hash_type;
	bool has_hash;
	char hash_short[17]; /* the first 16 characters of the hash */
	enum wf_outcome outcome;
	int64_t count;
	int distance;
	bool unmatched; /* an upload that matched no signal (distance: its near miss's,
			   -1 without one) */
	uint64_t serial; /* unmatched: 1, 2, 3, ... in the order applied, never reused
			    (a reset does not start it again); else 0 */
	char nearest_id[WF_ID_MAX + 1]; /* unmatched: its near miss, or "" */
};
size_t wf_model_feed(const struct wf_model *m, const char *incident_id,
		     struct wf_feed_item *out, size_t cap);

/* Near misses: the latest unmatched uploads that had a signal near them (pdq 32..48
 * bits off by default), newest first, as the events brought them (not in the
 * snapshot: a fresh snapshot starts the list again). */
#define WF_NEAR_MISSES 64
struct wf_near_miss {
	int64_t seen_at;
	char platform_id[WF_ID_MAX + 1];
	char incident_id[WF_ID_MAX + 1];
	char nearest_id[WF_ID_MAX + 1];
	enum wf_hash_type hash_type;
	char hash_short[17];
	int distance;
	int share; /* vpdq: percent of frames matched; else 100 */
	int64_t count;
};
size_t wf_model_near_misses(const struct wf_model *m, const char *incident_id,
			    struct wf_near_miss *out, size_t cap);

/* The variants of an incident (its signals grouped by variant_id), first seen
 * first: how many signals, when its first signal was added, the platforms that
 * contributed signals (up to 4 ids, and how many in all) and its signals' upload
 * attempts over the last 15 minutes. */
struct wf_variant {
	char variant_id[WF_ID_MAX + 1];
	size_t n_signals;
	int64_t first_seen;
	const struct wf_signal *first; /* its first signal */
	size_t n_platforms;
	const char *platforms[4];
	int64_t attempts15; /* its signals' attempts over the last 15 minutes */
};
size_t wf_model_variants(const struct wf_model *m, const char *incident_id,
			 int64_t now, struct wf_variant *out, size_t cap);
/* The signals of variant_id in incident_id, oldest first. */
size_t wf_model_variant_signals(const struct wf_model *m, const char *incident_id,
				const char *variant_id, const struct wf_signal **out,
				size_t cap);
/* A signal's nearest neighbours held by the dashboard: the signal it was nearest to
 * when added (s->nearest_id) and the signals whose nearest it is, nearest first. */
struct wf_neighbour {
	const struct wf_signal *signal; /* NULL when not held (id still given) */
	const char *id;
	int distance;
	int share;
	bool theirs; /* that signal named this one as its nearest */
};
size_t wf_model_neighbours(const struct wf_model *m, const char *signal_id,
			   struct wf_neighbour *out, size_t cap);

/* Propagation figures. incident_id and/or platform_id NULL mean "all". "now" is the
 * time the figures are for; buckets older than the windows count as empty. */
struct wf_bucket_counts {
	int64_t attempts, blocked, removed, kept, pending, variants;
	int64_t kept_exception; /* part of kept: kept under a public-interest exception */
	int64_t unmatched;      /* attempts given by hash that matched no signal */
	int64_t near_misses;    /* part of unmatched with a near miss */
};
struct wf_rates {
	double rate1, rate5, rate15; /* attempts per minute over the last 1/5/15 min */
	double accel;         /* change of the per-minute rate per minute (rate1 vs rate5) */
	double doubling_min;  /* minutes for the rate to double; 0 when not growing */
	double blocked_share15; /* blocked / attempts over 15 minutes, -1 without data;
				   copies kept under an exception are left out of
				   attempts (they are not failures of the list) */
	struct wf_bucket_counts last1, last15, last24h;
	double variants_per_hour; /* new variants over the last hour */
	int64_t last_seen;    /* newest bucket with attempts, 0 if none */
};
void wf_model_rates(const struct wf_model *m, const char *incident_id,
		    const char *platform_id, int64_t now, struct wf_rates *out);

enum wf_series_field {
	WF_SERIES_ATTEMPTS,
	WF_SERIES_BLOCKED,
	WF_SERIES_REMOVED,
	WF_SERIES_VARIANTS,
	WF_SERIES_BLOCKED_SHARE, /* 0..1 per minute, -1 where there were no attempts */
	WF_SERIES_UNMATCHED,     /* uploads given by hash that matched no signal */
};
/* The last hour, one value per minute, oldest first: out[WF_MINUTES - 1] is the
 * current minute. */
void wf_model_series(const struct wf_model *m, const char *incident_id,
		     const char *platform_id, int64_t now,
		     enum wf_series_field field, double out[WF_MINUTES]);

/* The signals with the most attempts over the last 15 minutes, highest first. */
struct wf_signal_rank {
	const struct wf_signal *signal;
	int64_t attempts15;
};
size_t wf_model_top_signals(const struct wf_model *m, const char *incident_id,
			    int64_t now, struct wf_signal_rank *out, size_t cap);

/* Connection state, written by net/ and read by the views. */
enum wf_conn_state {
	WF_CONN_CONNECTING,
	WF_CONN_LIVE,
	WF_CONN_RECONNECTING,
	WF_CONN_POLLING,
	WF_CONN_OFFLINE,
	WF_CONN_AUTH_FAILED,
	WF_CONN_STOPPED,
	WF_CONN_REPLAY,
};
const char *wf_conn_state_name(enum wf_conn_state s);

struct wf_conn {
	enum wf_conn_state state;
	int attempt;          /* reconnect attempt, 0 when live */
	int64_t next_try;     /* when the next attempt starts (ms), 0 if none */
	int64_t last_event;   /* local time the last event or heartbeat arrived */
	int64_t last_data;    /* local time the last event (not heartbeat) arrived */
	int64_t lag_ms;       /* local receive time minus the event's server time */
	double events_per_s;
	int64_t heartbeat_s;  /* from the snapshot */
	uint64_t bad_events;  /* decode errors, counted and skipped */
	char message[160];    /* the last error, for the status bar (sanitize to show) */
	char user[WF_NAME_MAX + 1];
	char role[16];
	char org[WF_NAME_MAX + 1]; /* whoami's org: the organisation our votes count for */
	/* Several backends (replicas): the one in use, 1-based of n_backends (0 with
	 * one backend); the client moves to the next on failure. */
	char backend[160];
	int backend_index, n_backends;
};
const struct wf_conn *wf_model_conn(const struct wf_model *m);
/* Replaces the connection state; bumps the generation only when it differs. */
void wf_model_set_conn(struct wf_model *m, const struct wf_conn *conn);

#endif
