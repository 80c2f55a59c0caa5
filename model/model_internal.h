/* model_internal.h - the model's private layout, shared by model.c (tables and
 * apply) and propagation.c (time buckets and derived figures). */
#ifndef WF_MODEL_INTERNAL_H
#define WF_MODEL_INTERNAL_H

#include "model.h"
#include "table.h"

#define WF_MINUTE_MS 60000LL
#define WF_HOUR_MS 3600000LL
#define WF_SIG_RECENT 16 /* per-signal minute counters, for "spreading fastest" */

struct wf_bucket {
	int64_t start; /* bucket start (ms); a slot whose start is stale counts as empty */
	struct wf_bucket_counts c;
};

/* The time series of one incident x platform. */
struct wf_pair {
	char *key; /* "incident\x1fplatform": first member, the table's id */
	char *incident_id;
	char *platform_id;
	struct wf_bucket minutes[WF_MINUTES];
	struct wf_bucket hours[WF_HOURS];
	int64_t last_seen;
	int64_t last_touched;
};

struct wf_signal_entry {
	struct wf_signal s; /* first member: the table's id is s.id */
	uint64_t order;
	int64_t recent_start[WF_SIG_RECENT];
	int64_t recent[WF_SIG_RECENT];
};

struct wf_model {
	struct wf_model_limits lim;
	struct wf_table platforms, incidents, signals, reports, decisions, pairs;
	struct wf_table exceptions, notifications;
	struct wf_table dropped[WF_CAP__COUNT]; /* ids not held (caps.c) */
	uint64_t dropped_more[WF_CAP__COUNT];   /* more than dropped[] remembers */
	struct wf_feed_item *feed;
	size_t feed_head, feed_n;
	struct wf_near_miss near[WF_NEAR_MISSES]; /* ring, matching.c */
	size_t near_head, near_n;
	uint64_t unmatched_serial; /* last serial given to an unmatched upload */
	int64_t cursor;
	int64_t clock; /* newest event time seen: the reference for windows on apply */
	int64_t now_limit; /* caller's wall clock plus skew (0: no limit) */
	uint64_t generation;
	uint64_t signal_order;
	struct wf_model_counters counters;
	struct wf_conn conn;
};

/* caps.c */
struct wf_table *wf_cap_table(struct wf_model *m, enum wf_cap k);
bool wf_caps_init(struct wf_model *m); /* after the tables */
void wf_caps_free(struct wf_model *m);
void wf_caps_clear(struct wf_model *m);
/* Room for cand (a resource, first member its id) in its full table: evicts the
 * entry needed least when cand is needed more, or refuses cand (false). Either way
 * the one that goes is remembered as not held. True at once when not full. */
bool wf_caps_make_room(struct wf_model *m, enum wf_cap k, const void *cand);
/* id is held (again): no longer counted as not held. */
void wf_caps_now_held(struct wf_model *m, enum wf_cap k, const char *id);

/* matching.c: an unmatched upload of a batch into the buckets (pair may be NULL: a
 * snapshot's) and, with a near miss, into the near-miss ring. */
void wf_match_add_unmatched(struct wf_model *m, struct wf_pair *pair,
			    const struct wf_sightings *s, const struct wf_unmatched_item *u);
void wf_match_clear(struct wf_model *m);

/* propagation.c */
struct wf_pair *wf_pair_get_or_add(struct wf_model *m, const char *incident_id,
				   const char *platform_id, int64_t now);
/* Counts one item into pair p (from wf_pair_get_or_add, once per batch). */
void wf_prop_add_sighting(struct wf_model *m, struct wf_pair *p,
			  const struct wf_sighting_item *it, int64_t now);
void wf_prop_add_variant(struct wf_model *m, const struct wf_signal *s, int64_t now);
/* Counts one unmatched upload (attempts, outcome, unmatched, near misses). */
void wf_prop_add_unmatched(struct wf_model *m, struct wf_pair *p,
			   const struct wf_unmatched_item *u, int64_t now);
bool wf_prop_set_stats(struct wf_model *m, const struct wf_stats_row *r);
void wf_pair_free(void *entry);
/* Sums the trailing window of `minutes` minutes ending at now, over matching pairs. */
void wf_prop_window(const struct wf_model *m, const char *incident_id,
		    const char *platform_id, int64_t now, int minutes,
		    struct wf_bucket_counts *out);
/* Adds the trailing window of k minutes of one pair to out. */
void wf_prop_pair_window(const struct wf_pair *p, int64_t now, int k,
			 struct wf_bucket_counts *out);

#endif
