/* api_match.h - the endpoints and helpers of api_match.c: POST /v1/match, and what
 * the ingest of signals and sightings asks the signal index (match.h): a new
 * signal's nearest signal, a sighting item's attribution, first sightings. */
#ifndef WFD_API_MATCH_H
#define WFD_API_MATCH_H

#include "api.h"
#include "match.h"

/* POST /v1/match (platform, officer, admin): no transaction, nothing written. */
void api_match(struct server *srv, const struct api_request *req,
	       struct api_reply *rep);

/* A new signal's nearest active signal of its type and incident: 1 within the
 * thresholds (f is the signal whose variant it joins), 0 a near miss (f filled),
 * -1 none (or no index). */
int api_match_signal(struct server *srv, enum wf_hash_type type, const char *value,
		     const char *incident_id, struct match_found *f);
/* {"signal_id","variant_id","distance"[,"share" for vpdq]} of f, or JSON null when
 * f is empty. New reference. */
json_t *api_match_json(enum wf_hash_type type, const struct match_found *f);
/* One line for an add_signal decision's detail: the nearest signal, its distance
 * (and the threshold) and its first sighting; rc as api_match_signal returned. */
void api_match_detail(struct server *srv, enum wf_hash_type type, int rc,
		      const struct match_found *f, char *buf, size_t size);

/* A sighting item given by hash_type + hash (path names it in errors): 1 attributed
 * to f (within the thresholds), 0 unmatched (f is the near miss, or empty), -1 with
 * the answer set (400 naming the field, or 503). *type and *hex are the item's. */
int api_match_item(struct server *srv, json_t *item, const char *path,
		   const char *incident_id, enum wf_hash_type *type, const char **hex,
		   struct match_found *f, struct api_reply *rep);

/* The first sighting of a signal {"signal_id","platform_id","seen_at"} (a resource
 * of kind first_sighting), or NULL. New reference. */
json_t *api_first_sighting(struct server *srv, const char *signal_id);
/* Inside a sightings write: records seen_at as the signal's first sighting when it
 * is earlier than the one stored; cache (a JSON object) keeps a batch's lookups. */
int api_note_first_sighting(struct server *srv, const char *signal_id,
			    const char *platform_id, int64_t seen_at, json_t *cache);

#endif
