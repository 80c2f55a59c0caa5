/* feed.h - the STIX 2.1 view of everything the command center holds, built by one
 * walk over the event log in seq order and kept up to date incrementally (each
 * request first reads the events committed since the last one). Every object
 * version gets a date_added in microseconds that strictly grows with the event
 * seq, so TAXII paging (next, added_after) is stable while data arrives: a changed
 * object moves to the end as its new version, nothing already listed moves
 * before a position a client holds. Only the newest version of each object is
 * kept. Read from the store through store_fetch_events only. */
#ifndef WFD_FEED_H
#define WFD_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "stix.h"
#include "store.h"

struct feed;

struct feed *feed_new(const char *cc_name, enum stix_tlp tlp);
void feed_free(struct feed *f);

/* Reads the events after the feed's cursor from st (takes the feed's lock for
 * that; callers then use feed_lock/unlock around the reads below). 0, or -1
 * when the store failed (the feed keeps what it had). */
int feed_sync(struct feed *f, struct store *st);
void feed_lock(struct feed *f);
void feed_unlock(struct feed *f);

/* A selection of object versions, in date_added order. */
#define FEED_MATCH_MAX 32
struct feed_filter {
	const char *incident; /* NULL: every incident (the "all" collection) */
	int64_t after_us;     /* added_after: date_added > this; -1: none */
	int64_t next_us;      /* the next token: date_added > this; -1: none */
	const char *types[FEED_MATCH_MAX];
	int n_types; /* 0: every type */
	const char *ids[FEED_MATCH_MAX];
	int n_ids; /* 0: every id */
	int64_t versions_ms[FEED_MATCH_MAX];
	int n_versions; /* 0: the version held (first, last, all: the same) */
	bool spec_21;	/* false when match[spec_version] excludes 2.1 */
	int limit;	/* 0: no limit */
};
/* Under feed_lock: the matching objects as an array of
 * {"object": {...}, "date_added_us": N, "version": "..."} (new reference);
 * *more says whether objects past the limit match too. */
json_t *feed_select(struct feed *f, const struct feed_filter *flt, bool *more);
/* Under feed_lock: the incidents the feed knows, {"id","title"} each. */
json_t *feed_incidents(struct feed *f);
/* Under feed_lock: the seq of the last event read, and the first one that was
 * still in the log when the feed started (1 unless older events were pruned). */
int64_t feed_cursor(struct feed *f);
int64_t feed_first_seq(struct feed *f);

/* The STIX bundle of one incident (new reference). Syncs first. NULL with *status
 * 404 when the event log holds no event of the incident (pruned by --retention), or
 * 503 when the store failed. */
json_t *feed_bundle(struct feed *f, struct store *st, const char *incident_id,
		    int *status);

#endif
