/* match.h - the signal bank in memory: every signal in the matcher (matcher/), with
 * its id, incident and variant. Loaded from the store at start and kept up to date
 * by the signal events the hub publishes (this process's writes and, with replicas,
 * the others'), so a signal disabled or rejected anywhere stops matching here. */
#ifndef WFD_MATCH_H
#define WFD_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/enums.h"
#include "model/types.h"
#include "store.h"

/* The thresholds (watchfloord --match-* options). */
struct match_opts {
	int pdq;	/* PDQ: a match within this Hamming distance (default 31) */
	int pdq_near;	/* PDQ: a near miss up to this distance (default 48) */
	int vpdq_frame; /* vPDQ: a frame matches within this distance (default 31) */
	int vpdq_share; /* vPDQ: a video matches at this percent of frames (default 80)
			 */
};
#define MATCH_OPTS_DEFAULT                                                             \
	{                                                                              \
		31, 48, 31, 80                                                         \
	}

struct match_found {
	char signal_id[WF_ID_MAX + 1];
	char incident_id[WF_ID_MAX + 1];
	char variant_id[WF_ID_MAX + 1];
	int distance; /* pdq: Hamming; vpdq: the closest matched frame; exact: 0 */
	int share;    /* vpdq: percent of the query's frames matched; others 100 */
};

struct match_index;

struct match_index *match_index_new(const struct match_opts *o);
void match_index_free(struct match_index *mi);
const struct match_opts *match_index_opts(const struct match_index *mi);

/* A signal resource as stored or carried by a signal.added event: added when new,
 * else its state followed (only `active` matches) when its version is newer than
 * the one held. 0, or -1 (not a signal, or out of memory). */
int match_index_apply(struct match_index *mi, json_t *signal);
/* Every signal of the store (call once, before serving). 0 or -1. */
int match_index_load(struct match_index *mi, struct store *st);
/* hub_observe_fn: applies the signal of a signal.added envelope, ignores the rest. */
void match_index_observe(void *ctx, int64_t seq, enum wf_event_type type,
			 const char *envelope);

/* The active signals of type (in incident_id, or any when NULL) matching value
 * (decoded hex, matcher_parse_hex): pdq within radius, vpdq with at least
 * min_share percent of frames within the frame threshold, other types equal. Best
 * first, at most max into out; returns how many matched in all, or -1. */
int match_index_find(struct match_index *mi, enum wf_hash_type type,
		     const uint8_t *value, size_t len, const char *incident_id,
		     int radius, int min_share, struct match_found *out, int max);
/* The match within the thresholds (1), else the nearest near miss (0, with
 * out->distance beyond the threshold: pdq up to pdq_near, vpdq below the share),
 * else nothing (-1 with out->signal_id ""). -2 when out of memory. */
int match_index_nearest(struct match_index *mi, enum wf_hash_type type,
			const uint8_t *value, size_t len, const char *incident_id,
			struct match_found *out);
/* Whether a match (the result of match_index_nearest) is within the thresholds. */
bool match_within(const struct match_opts *o, enum wf_hash_type type,
		  const struct match_found *f);

size_t match_index_count(struct match_index *mi);

#endif
