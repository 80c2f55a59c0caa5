/* api_match.c - the bank's answers on the wire: POST /v1/match, the nearest signal of
 * a new signal (its variant, `nearest`, the decision's detail), sighting items given
 * by hash (attributed, or unmatched with the nearest near miss) and first sightings. */
#include "api_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"
#include "model/types.h"
#include "model/validate.h"
#include "util.h"

/* Checks item.hash_type and item.hash and decodes the hash into buf. -1 with a
 * 400 answer naming the field. */
static int hash_field(json_t *item, const char *path, enum wf_hash_type *type,
		      const char **hex, uint8_t *buf, int *len, struct api_reply *rep)
{
	struct check c = {.path = path};
	if (CHECK_ENUM(&c, item, "hash_type", false, hash_type, type) ||
	    check_str(&c, item, "hash", 2, WF_HASH_VALUE_MAX, false, hex)) {
		api_error(rep, 400, "%s", c.msg);
		return -1;
	}
	const char *why;
	*len = matcher_parse_hex(*type, *hex, strlen(*hex), buf, &why);
	if (*len < 0) {
		api_error(rep, 400, "field '%s%shash': %s for %s", path,
			  path[0] ? "." : "", why, wf_hash_type_name(*type));
		return -1;
	}
	return 0;
}

json_t *api_match_json(enum wf_hash_type type, const struct match_found *f)
{
	if (!f->signal_id[0])
		return json_null();
	json_t *o = json_pack("{s:s,s:s,s:i}", "signal_id", f->signal_id, "variant_id",
			      f->variant_id, "distance", f->distance);
	if (o && type == WF_HASH_VPDQ)
		json_object_set_new(o, "share", json_integer(f->share));
	return o;
}

#define MATCH_HASHES_MAX 1000
#define MATCH_HITS_MAX 100

void api_match(struct server *srv, const struct api_request *req, struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body, *hashes = json_object_get(b, "hashes");
	const char *incident_id = NULL;
	if (check_object(&c, b) ||
	    check_id(&c, b, "incident_id", true, true, &incident_id)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (!json_is_array(hashes) || json_array_size(hashes) < 1 ||
	    json_array_size(hashes) > MATCH_HASHES_MAX) {
		api_error(rep, 400, "field 'hashes': must be an array of 1..%d items",
			  MATCH_HASHES_MAX);
		return;
	}
	if (!srv->match) {
		api_error(rep, 503, "the signal index is not loaded");
		return;
	}
	const struct match_opts *o = match_index_opts(srv->match);
	uint8_t *buf = malloc(MATCHER_VALUE_MAX);
	struct match_found *found = malloc(MATCH_HITS_MAX * sizeof(*found));
	json_t *results = json_array();
	size_t i;
	json_t *item;
	if (!buf || !found || !results)
		goto oom;
	json_array_foreach(hashes, i, item)
	{
		char path[32];
		snprintf(path, sizeof(path), "hashes[%zu]", i);
		enum wf_hash_type type;
		const char *hex;
		int len;
		struct check ci = {.path = path};
		if (check_object(&ci, item)) {
			api_error(rep, 400, "%s", ci.msg);
			goto done;
		}
		if (hash_field(item, path, &type, &hex, buf, &len, rep))
			goto done;
		int radius = type == WF_HASH_PDQ ? o->pdq : o->vpdq_frame;
		int n = match_index_find(srv->match, type, buf, (size_t)len,
					 incident_id, radius, o->vpdq_share, found,
					 MATCH_HITS_MAX);
		if (n < 0)
			goto oom;
		json_t *matches = json_array();
		for (int k = 0; k < n && k < MATCH_HITS_MAX; k++) {
			json_t *m = api_match_json(type, &found[k]);
			json_object_set_new(m, "incident_id",
					    json_string(found[k].incident_id));
			json_array_append_new(matches, m);
		}
		json_array_append_new(results,
				      json_pack("{s:s,s:s,s:o,s:i}", "hash_type",
						wf_hash_type_name(type), "hash", hex,
						"matches", matches, "total", n));
	}
	rep->status = 200;
	rep->body = json_pack("{s:O,s:{s:i,s:i,s:i,s:i}}", "results", results,
			      "thresholds", "pdq", o->pdq, "pdq_near", o->pdq_near,
			      "vpdq_frame", o->vpdq_frame, "vpdq_share", o->vpdq_share);
	goto done;
oom:
	api_error(rep, 503, "out of memory");
done:
	json_decref(results);
	free(found);
	free(buf);
}

int api_match_signal(struct server *srv, enum wf_hash_type type, const char *value,
		     const char *incident_id, struct match_found *f)
{
	f->signal_id[0] = '\0';
	if (!srv->match)
		return -1;
	uint8_t *buf = malloc(MATCHER_VALUE_MAX);
	const char *why;
	int len = buf ? matcher_parse_hex(type, value, strlen(value), buf, &why) : -1;
	int rc = len < 0 ? -1
			 : match_index_nearest(srv->match, type, buf, (size_t)len,
					       incident_id, f);
	free(buf);
	return rc < -1 ? -1 : rc;
}

json_t *api_first_sighting(struct server *srv, const char *signal_id)
{
	return store_get_resource(srv->st, "first_sighting", signal_id);
}

void api_match_detail(struct server *srv, enum wf_hash_type type, int rc,
		      const struct match_found *f, char *buf, size_t size)
{
	const struct match_opts *o = srv->match ? match_index_opts(srv->match) : NULL;
	if (rc < 0 || !o) {
		snprintf(buf, size,
			 "No active %s signal of this incident is near it%s: a new "
			 "variant.",
			 wf_hash_type_name(type),
			 type == WF_HASH_PDQ && o
				 ? " (none within the near-miss distance)"
				 : "");
		return;
	}
	char seen[200] = "never sighted";
	json_t *first = api_first_sighting(srv, f->signal_id);
	if (first)
		snprintf(seen, sizeof(seen), "first sighted %s on %s",
			 json_string_value(json_object_get(first, "seen_at")),
			 json_string_value(json_object_get(first, "platform_id")));
	json_decref(first);
	if (type == WF_HASH_VPDQ)
		snprintf(buf, size,
			 "Nearest signal %s (variant %s): %d%% of frames within %d "
			 "(threshold "
			 "%d%%), %s.",
			 f->signal_id, f->variant_id, f->share, o->vpdq_frame,
			 o->vpdq_share, seen);
	else
		snprintf(buf, size,
			 "Nearest signal %s (variant %s) at distance %d (threshold "
			 "%d), %s.",
			 f->signal_id, f->variant_id, f->distance,
			 type == WF_HASH_PDQ ? o->pdq : 0, seen);
}

int api_note_first_sighting(struct server *srv, const char *signal_id,
			    const char *platform_id, int64_t seen_at, json_t *cache)
{
	json_t *known = json_object_get(cache, signal_id);
	if (!known) {
		json_t *cur = api_first_sighting(srv, signal_id);
		int64_t t = INT64_MAX;
		if (cur)
			wf_time_parse(
				json_string_value(json_object_get(cur, "seen_at")), &t);
		json_decref(cur);
		known = json_integer(t);
		json_object_set_new(cache, signal_id, known);
	}
	if (seen_at >= json_integer_value(known))
		return 0;
	json_integer_set(known, seen_at);
	json_t *o = json_pack("{s:s,s:s,s:o}", "signal_id", signal_id, "platform_id",
			      platform_id, "seen_at", util_json_time(seen_at));
	int rc = o ? store_put_resource(srv->st, "first_sighting", signal_id, o, false,
					NULL)
		   : -1;
	json_decref(o);
	return rc;
}

int api_match_item(struct server *srv, json_t *item, const char *path,
		   const char *incident_id, enum wf_hash_type *type, const char **hex,
		   struct match_found *f, struct api_reply *rep)
{
	int len;
	uint8_t buf[MATCHER_VALUE_MAX];
	f->signal_id[0] = '\0';
	if (hash_field(item, path, type, hex, buf, &len, rep))
		return -1;
	int rc = srv->match ? match_index_nearest(srv->match, *type, buf, (size_t)len,
						  incident_id, f)
			    : -1;
	if (rc < -1) {
		api_error(rep, 503, "out of memory");
		return -1;
	}
	if (rc < 0)
		f->signal_id[0] = '\0';
	return rc == 1;
}
