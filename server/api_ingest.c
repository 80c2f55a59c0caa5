/* api_ingest.c - what member platforms post: sighting batches, signals (hashes) and
 * reports, plus the officers' triage of reports. */
#include "api.h"
#include "api_match.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/types.h"
#include "model/validate.h"
#include "util.h"

#define HEARTBEAT_EVERY_MS 10000

/* A platform token acts for its own platform only. Returns false after setting 403. */
static bool may_act_for(const struct api_request *req, const char *platform_id,
			struct api_reply *rep)
{
	if (req->who->role != AUTH_PLATFORM)
		return true;
	if (platform_id && strcmp(platform_id, req->who->platform_id) == 0)
		return true;
	api_error(rep, 403, "a platform token may only act for its own platform (%s)",
		  req->who->platform_id);
	return false;
}

/* Refreshes the platform's last_heartbeat, at most every HEARTBEAT_EVERY_MS. */
static int touch_platform(struct server *srv, const char *platform_id)
{
	json_t *p = store_get_resource(srv->st, "platform", platform_id);
	if (!p)
		return 0;
	int64_t last = 0, now = util_now_ms();
	json_t *hb = json_object_get(p, "last_heartbeat");
	if (json_is_string(hb))
		wf_time_parse(json_string_value(hb), &last);
	int rc = 0;
	if (now - last >= HEARTBEAT_EVERY_MS) {
		json_object_set_new(p, "last_heartbeat", util_json_time(now));
		rc = api_save_emit(srv, "platform", p, true, NULL, WF_EV_PLATFORM_UPDATED);
	}
	json_decref(p);
	return rc;
}

int api_heartbeat_platform(struct server *srv, const char *platform_id)
{
	if (store_begin(srv->st) != 0)
		return -1;
	if (touch_platform(srv, platform_id) != 0) {
		store_rollback(srv->st);
		return -1;
	}
	return store_commit(srv->st);
}

/* What an item is beside its outcome, for the stats. */
enum {
	ITEM_EXCEPTED = 1,  /* kept under a public-interest exception */
	ITEM_UNMATCHED = 2, /* given by hash, matched no signal */
	ITEM_NEAR = 4,      /* unmatched, with a near miss */
};

static void outcome_add(struct stats_delta *d, enum wf_outcome o, int64_t count,
			unsigned flags)
{
	d->attempts += count;
	if (o == WF_OUT_KEPT && (flags & ITEM_EXCEPTED))
		d->kept_exception += count;
	if (flags & ITEM_UNMATCHED)
		d->unmatched += count;
	if (flags & ITEM_NEAR)
		d->near_misses += count;
	switch (o) {
	case WF_OUT_BLOCKED:
		d->blocked += count;
		break;
	case WF_OUT_REMOVED:
		d->removed += count;
		break;
	case WF_OUT_KEPT:
		d->kept += count;
		break;
	default:
		d->pending += count;
		break;
	}
}

/* A batch's items summed per minute bucket before they reach the stats table (a
 * batch usually spans one or two minutes). */
#define BUCKETS_MAX 8
struct bucket_sums {
	int n;
	int64_t minute[BUCKETS_MAX];
	struct stats_delta d[BUCKETS_MAX];
};

static int buckets_flush(struct server *srv, struct bucket_sums *b, const char *incident_id,
			 const char *platform_id)
{
	for (int i = 0; i < b->n; i++)
		if (store_add_stats(srv->st, incident_id, platform_id, b->minute[i], &b->d[i]))
			return -1;
	b->n = 0;
	return 0;
}

static int buckets_add(struct server *srv, struct bucket_sums *b, const char *incident_id,
		       const char *platform_id, int64_t t, enum wf_outcome o,
		       int64_t count, unsigned flags)
{
	int64_t minute = t - ((t % 60000) + 60000) % 60000;
	int i = 0;
	while (i < b->n && b->minute[i] != minute)
		i++;
	if (i == b->n) {
		if (b->n == BUCKETS_MAX && buckets_flush(srv, b, incident_id, platform_id))
			return -1;
		i = b->n++;
		b->minute[i] = minute;
		memset(&b->d[i], 0, sizeof(b->d[i]));
	}
	outcome_add(&b->d[i], o, count, flags);
	return 0;
}

/* The id of the public-interest exception that lets platform_id keep copies of
 * signal_id, or NULL; excs caches the answers by signal id (null: none). */
static const char *exception_for(struct server *srv, const char *signal_id,
				 const char *platform_id, json_t *excs)
{
	json_t *hit = json_object_get(excs, signal_id);
	if (!hit) {
		char group[160];
		snprintf(group, sizeof(group), "%s/%s", signal_id, platform_id);
		json_t *open = store_list_open_group(srv->st, "exception", group);
		json_t *id = json_object_get(json_array_get(open, 0), "id");
		hit = json_is_string(id) ? json_copy(id) : json_null();
		json_object_set_new(excs, signal_id, hit);
		json_decref(open);
	}
	return json_string_value(hit);
}

/* Checks one item and returns the event's copy (with hash_type and hash, and the
 * exception_id of a kept item kept under an exception), or NULL with the error set
 * in rep. signals caches signal objects by id, excs exceptions (exception_for). An
 * item given by hash_type + hash instead of signal_id is attributed to the nearest
 * signal within the thresholds (its distance stored, the hash as sighted_hash); else
 * *unmatched is set and the copy is the unmatched upload (hash, near miss or null). */
static json_t *check_item(struct server *srv, json_t *item, size_t i,
			  const char *incident_id, const char *platform_id, json_t *signals,
			  json_t *excs, bool *unmatched, struct api_reply *rep)
{
	char path[32];
	snprintf(path, sizeof(path), "items[%zu]", i);
	struct check c = {.path = path};
	const char *signal_id = NULL, *sighted = NULL;
	int64_t count, seen_at, distance = -1;
	enum wf_outcome outcome;
	json_t *dist = json_object_get(item, "distance");
	bool by_hash = json_is_object(item) && !json_object_get(item, "signal_id") &&
		       (json_object_get(item, "hash") || json_object_get(item, "hash_type"));
	*unmatched = false;
	if (check_object(&c, item) ||
	    (!by_hash && check_id(&c, item, "signal_id", false, false, &signal_id)) ||
	    check_int(&c, item, "count", 1, WF_COUNT_MAX, false, &count) ||
	    CHECK_ENUM(&c, item, "outcome", false, outcome, &outcome) ||
	    check_time(&c, item, "seen_at", false, &seen_at) ||
	    (dist && !json_is_null(dist) &&
	     check_int(&c, item, "distance", 0, WF_DISTANCE_MAX, false, &distance))) {
		api_error(rep, 400, "%s", c.msg);
		return NULL;
	}
	struct match_found f;
	if (by_hash) {
		enum wf_hash_type ht;
		int m = api_match_item(srv, item, path, incident_id, &ht, &sighted, &f, rep);
		if (m < 0)
			return NULL;
		if (m == 0) {
			*unmatched = true;
			return json_pack("{s:s,s:s,s:I,s:s,s:o,s:o}", "hash_type",
					 wf_hash_type_name(ht), "hash", sighted, "count",
					 (json_int_t)count, "outcome", wf_outcome_name(outcome),
					 "seen_at", util_json_time(seen_at), "nearest",
					 api_match_json(ht, &f));
		}
		signal_id = f.signal_id;
		distance = f.distance;
	}
	json_t *sig = json_object_get(signals, signal_id);
	if (!sig) {
		sig = store_get_resource(srv->st, "signal", signal_id);
		if (!sig) {
			api_error(rep, 400, "field '%s.signal_id': no such signal", path);
			return NULL;
		}
		json_object_set_new(signals, signal_id, sig);
	}
	if (strcmp(json_string_value(json_object_get(sig, "incident_id")), incident_id)) {
		api_error(rep, 400, "field '%s.signal_id': belongs to another incident", path);
		return NULL;
	}
	json_t *e = json_pack("{s:s,s:I,s:s,s:o,s:o,s:O,s:O}", "signal_id", signal_id,
			      "count", (json_int_t)count, "outcome",
			      wf_outcome_name(outcome), "seen_at", util_json_time(seen_at),
			      "distance", distance >= 0 ? json_integer(distance) : json_null(),
			      "hash_type", json_object_get(sig, "type"), "hash",
			      json_object_get(sig, "value"));
	const char *exc = outcome == WF_OUT_KEPT
				  ? exception_for(srv, signal_id, platform_id, excs)
				  : NULL;
	if (e && exc)
		json_object_set_new(e, "exception_id", json_string(exc));
	if (e && sighted)
		json_object_set_new(e, "sighted_hash", json_string(sighted));
	return e;
}

void api_post_sightings(struct server *srv, const struct api_request *req,
			struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	const char *platform_id, *incident_id;
	json_t *items = json_object_get(b, "items");
	if (check_object(&c, b) || check_id(&c, b, "platform_id", false, false, &platform_id) ||
	    check_id(&c, b, "incident_id", false, false, &incident_id)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (!json_is_array(items) || json_array_size(items) < 1 ||
	    json_array_size(items) > WF_SIGHTING_ITEMS_MAX) {
		api_error(rep, 400, "field 'items': must be an array of 1..%d items",
			  WF_SIGHTING_ITEMS_MAX);
		return;
	}
	if (!may_act_for(req, platform_id, rep))
		return;
	json_t *plat = store_get_resource(srv->st, "platform", platform_id);
	json_t *inc = store_get_resource(srv->st, "incident", incident_id);
	json_decref(plat);
	json_decref(inc);
	if (!plat || !inc) {
		api_error(rep, 400, "field '%s': no such %s", plat ? "incident_id" : "platform_id",
			  plat ? "incident" : "platform");
		return;
	}
	json_t *signals = json_object(), *excs = json_object(), *firsts = json_object();
	json_t *out = json_array(), *unm = json_array();
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		bool unmatched;
		json_t *e = check_item(srv, item, i, incident_id, platform_id, signals, excs,
				       &unmatched, rep);
		if (!e)
			goto done;
		json_array_append_new(unmatched ? unm : out, e);
	}
	int64_t seq = store_next_seq(srv->st);
	struct bucket_sums sums = {0};
	/* Unmatched uploads: counted (attempts, their outcome, unmatched, near misses)
	 * and carried in the event, not stored as sighting rows (they have no signal). */
	json_array_foreach(unm, i, item) {
		enum wf_outcome o = WF_OUT_PENDING;
		int64_t t = 0;
		wf_outcome_parse(json_string_value(json_object_get(item, "outcome")), &o);
		wf_time_parse(json_string_value(json_object_get(item, "seen_at")), &t);
		unsigned flags = ITEM_UNMATCHED;
		if (json_is_object(json_object_get(item, "nearest")))
			flags |= ITEM_NEAR;
		if (buckets_add(srv, &sums, incident_id, platform_id, t, o,
				json_integer_value(json_object_get(item, "count")), flags)) {
			api_error(rep, 503, "store: %s", store_last_error(srv->st));
			goto done;
		}
	}
	json_array_foreach(out, i, item) {
		enum wf_outcome o = WF_OUT_PENDING;
		int64_t t = 0;
		wf_outcome_parse(json_string_value(json_object_get(item, "outcome")), &o);
		wf_time_parse(json_string_value(json_object_get(item, "seen_at")), &t);
		json_t *row = json_copy(item);
		json_object_set_new(row, "platform_id", json_string(platform_id));
		json_object_set_new(row, "incident_id", json_string(incident_id));
		json_object_del(row, "sighted_hash"); /* in the event only */
		int rc = store_add_sighting(srv->st, seq, row);
		json_decref(row);
		if (rc ||
		    api_note_first_sighting(
			    srv, json_string_value(json_object_get(item, "signal_id")),
			    platform_id, t, firsts) ||
		    buckets_add(srv, &sums, incident_id, platform_id, t, o,
				json_integer_value(json_object_get(item, "count")),
				json_object_get(item, "exception_id") ? ITEM_EXCEPTED : 0)) {
			api_error(rep, 503, "store: %s", store_last_error(srv->st));
			goto done;
		}
	}
	if (buckets_flush(srv, &sums, incident_id, platform_id)) {
		api_error(rep, 503, "store: %s", store_last_error(srv->st));
		goto done;
	}
	json_t *batch = json_pack("{s:s,s:s,s:O}", "platform_id", platform_id,
				  "incident_id", incident_id, "items", out);
	if (batch && json_array_size(unm))
		json_object_set(batch, "unmatched", unm);
	int64_t got = batch ? store_emit_event(srv->st, WF_EV_SIGHTINGS, batch) : -1;
	json_decref(batch);
	if (got < 0 || touch_platform(srv, platform_id) != 0) {
		api_error(rep, 503, "store: %s", store_last_error(srv->st));
		goto done;
	}
	rep->status = 202;
	rep->body = json_pack("{s:I,s:I,s:I,s:I}", "accepted",
			      (json_int_t)(json_array_size(out) + json_array_size(unm)), "seq",
			      (json_int_t)got, "attributed", (json_int_t)json_array_size(out),
			      "unmatched", (json_int_t)json_array_size(unm));
done:
	json_decref(signals);
	json_decref(excs);
	json_decref(firsts);
	json_decref(out);
	json_decref(unm);
}

void api_post_signal(struct server *srv, const struct api_request *req,
		     struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	const char *incident_id, *value, *variant_id = NULL, *platform_id;
	enum wf_hash_type type;
	int64_t quality;
	bool candidate = false;
	if (check_object(&c, b) || check_id(&c, b, "incident_id", false, false, &incident_id) ||
	    check_bool(&c, b, "candidate", true, &candidate) ||
	    CHECK_ENUM(&c, b, "type", false, hash_type, &type) ||
	    check_str(&c, b, "value", 2, WF_HASH_VALUE_MAX, false, &value) ||
	    check_int(&c, b, "quality", 0, 100, false, &quality) ||
	    check_id(&c, b, "variant_id", false, true, &variant_id) ||
	    check_id(&c, b, "platform_id", false, false, &platform_id)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (!wf_valid_hash(type, value)) {
		api_error(rep, 400, "field 'value': is not a valid %s hash (lowercase hex)",
			  wf_hash_type_name(type));
		return;
	}
	if (type == WF_HASH_PDQ && quality < 50) {
		api_error(rep, 400, "field 'quality': a pdq hash below 50 is rejected");
		return;
	}
	if (!may_act_for(req, platform_id, rep))
		return;
	json_t *inc = store_get_resource(srv->st, "incident", incident_id);
	json_t *plat = store_get_resource(srv->st, "platform", platform_id);
	json_decref(inc);
	json_decref(plat);
	if (!inc || !plat) {
		api_error(rep, 400, "field '%s': no such %s", inc ? "platform_id" : "incident_id",
			  inc ? "platform" : "incident");
		return;
	}
	char id[80], group[160], var[80];
	api_next_id(srv, "sig", id, sizeof(id));
	/* Within the threshold of an active signal it joins that signal's variant;
	 * beyond, it is the variant it names, or a new one. */
	struct match_found near;
	int matched = api_match_signal(srv, type, value, incident_id, &near);
	if (matched == 1) {
		variant_id = near.variant_id;
	} else if (!variant_id) {
		api_next_id(srv, "var", var, sizeof(var));
		variant_id = var;
	}
	snprintf(group, sizeof(group), "%s/%s", incident_id, variant_id);
	bool new_variant = !store_has_group(srv->st, "signal", group);
	int64_t now = util_now_ms();
	json_t *sig = json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:b,s:s,s:o,s:s,s:i}", "id", id,
				"incident_id", incident_id, "type", wf_hash_type_name(type),
				"value", value, "quality", (json_int_t)quality, "variant_id",
				variant_id, "new_variant", new_variant, "platform_id",
				platform_id, "added_at", util_json_time(now), "state",
				candidate ? "proposed" : "active", "version", 0);
	if (sig)
		json_object_set_new(sig, "nearest", api_match_json(type, &near));
	struct stats_delta d = {.variants = 1};
	if (!sig || api_save_emit(srv, "signal", sig, true, group, WF_EV_SIGNAL_ADDED) ||
	    (new_variant && store_add_stats(srv->st, incident_id, platform_id, now, &d))) {
		json_decref(sig);
		api_error(rep, 503, "store: %s", store_last_error(srv->st));
		return;
	}
	if (candidate) {
		/* A candidate joins the shared list once its add_signal decision closes. */
		char subject[WF_SUBJECT_MAX + 1];
		snprintf(subject, sizeof(subject), "Share %s candidate %s (variant %s) from %s",
			 wf_hash_type_name(type), id, variant_id, platform_id);
		/* The detail says how near the bank already is: the nearest signal, its
		 * distance against the threshold, its first sighting. */
		char detail[600];
		api_match_detail(srv, type, matched, &near, detail, sizeof(detail));
		json_t *dec = api_new_decision(srv, "add_signal", incident_id, subject, id,
					       detail, req->who->name, "normal",
					       now + 30 * 60 * 1000LL);
		if (!dec || api_save_emit(srv, "decision", dec, true, id, WF_EV_DECISION_OPENED)) {
			json_decref(dec);
			json_decref(sig);
			api_error(rep, 503, "store: %s", store_last_error(srv->st));
			return;
		}
		json_object_set_new(sig, "decision", dec);
	}
	rep->status = 201;
	rep->body = sig;
}

/* The first line of text, cut to at most max bytes on a UTF-8 boundary. */
static void first_line(const char *text, char *buf, size_t max)
{
	size_t n = strcspn(text, "\r\n");
	if (n >= max)
		n = max - 1;
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, text, n);
	buf[n] = '\0';
}

void api_post_report(struct server *srv, const struct api_request *req,
		     struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	const char *incident_id = NULL, *platform_id = NULL, *text;
	enum wf_report_kind kind;
	bool needs = false;
	if (check_object(&c, b) || CHECK_ENUM(&c, b, "kind", false, report_kind, &kind) ||
	    check_id(&c, b, "incident_id", true, true, &incident_id) ||
	    check_id(&c, b, "platform_id", true, true, &platform_id) ||
	    check_str(&c, b, "text", 1, WF_TEXT_MAX, false, &text) ||
	    check_bool(&c, b, "needs_decision", true, &needs)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (!wf_valid_utf8(text, strlen(text))) {
		api_error(rep, 400, "field 'text': must be valid UTF-8");
		return;
	}
	if (!may_act_for(req, platform_id, rep))
		return;
	if (incident_id) {
		json_t *inc = store_get_resource(srv->st, "incident", incident_id);
		json_decref(inc);
		if (!inc) {
			api_error(rep, 400, "field 'incident_id': no such incident");
			return;
		}
	}
	char id[80];
	int64_t now = util_now_ms();
	api_next_id(srv, "rep", id, sizeof(id));
	/* Its triage decision's id is the seq of the event after the report's own. */
	char dec_id[80];
	snprintf(dec_id, sizeof(dec_id), "dec-%lld", (long long)store_next_seq(srv->st) + 1);
	json_t *r = json_pack("{s:s,s:s,s:o,s:o,s:s,s:s,s:s,s:b,s:o,s:s,s:o,s:i}", "id", id,
			      "kind",
			      wf_report_kind_name(kind), "incident_id",
			      incident_id ? json_string(incident_id) : json_null(),
			      "platform_id", platform_id ? json_string(platform_id) : json_null(),
			      "author", req->who->name, "text", text, "state", "open",
			      "needs_decision", needs, "decision_id",
			      needs ? json_string(dec_id) : json_null(), "reason", "",
			      "created_at", util_json_time(now), "version", 0);
	if (!r || api_save_emit(srv, "report", r, true, NULL, WF_EV_REPORT_OPENED)) {
		json_decref(r);
		api_error(rep, 503, "store: %s", store_last_error(srv->st));
		return;
	}
	if (needs) {
		char line[420], full[700], subject[WF_SUBJECT_MAX + 1];
		first_line(text, line, sizeof(line));
		snprintf(full, sizeof(full), "Triage %s report from %s: %s",
			 wf_report_kind_name(kind), req->who->name, line);
		first_line(full, subject, sizeof(subject));
		json_t *d = api_new_decision(
			srv, "triage_report", incident_id, subject, id, text, req->who->name,
			kind == WF_REP_ACTIVATION_REQUEST ? "high" : "normal",
			now + 30 * 60 * 1000LL);
		const char *got = json_string_value(json_object_get(d, "id"));
		if (!d || !got || strcmp(got, dec_id) != 0 ||
		    api_save_emit(srv, "decision", d, true, id, WF_EV_DECISION_OPENED)) {
			json_decref(d);
			json_decref(r);
			api_error(rep, 503, "store: %s", store_last_error(srv->st));
			return;
		}
		json_object_set_new(r, "decision", d);
	}
	rep->status = 201;
	rep->body = r;
}

/* The open triage_report decisions of report_id (new array). */
static json_t *open_triage_decisions(struct server *srv, const char *report_id)
{
	json_t *open = store_list_open_group(srv->st, "decision", report_id);
	json_t *out = json_array();
	size_t i;
	json_t *d;
	json_array_foreach(open, i, d) {
		if (strcmp(json_string_value(json_object_get(d, "kind")), "triage_report") == 0)
			json_array_append(out, d);
	}
	json_decref(open);
	return out;
}

/* Triage done on the report itself is a counted vote of the officer's organisation
 * on each of its open triage_report decisions, which it closes (approved for
 * triaged, rejected for dismissed, the same reason). */
static int close_triage_decisions(struct server *srv, const struct api_request *req,
				  json_t *decs, bool triaged, const char *reason)
{
	size_t i;
	json_t *d;
	int rc = 0;
	enum wf_vote_action a = triaged ? WF_VOTE_APPROVE : WF_VOTE_REJECT;
	json_array_foreach(decs, i, d) {
		bool counted;
		if (json_array_size(json_object_get(d, "votes")) < WF_VOTES_MAX) {
			quorum_add_vote(d, req->who->name, quorum_org(req->who), a, reason,
					srv->rules.needed[WF_DEC_TRIAGE_REPORT], util_now_ms(),
					&counted);
		} else {
			/* no room for the vote: the decision closes all the same */
			json_object_set_new(d, "state",
					    json_string(triaged ? "approved" : "rejected"));
			json_object_set_new(d, "rationale", json_string(reason));
		}
		if (api_save_emit(srv, "decision", d, false, req->id, WF_EV_DECISION_RESOLVED))
			rc = -1;
	}
	return rc;
}

void api_triage_report(struct server *srv, const struct api_request *req,
		       struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	enum wf_report_state state;
	const char *reason = "";
	int64_t version;
	if (check_object(&c, b) || CHECK_ENUM(&c, b, "state", false, report_state, &state) ||
	    check_str(&c, b, "reason", 0, WF_REASON_MAX, true, &reason) ||
	    check_int(&c, b, "version", 1, INT64_MAX, false, &version)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (state == WF_REPST_OPEN) {
		api_error(rep, 400, "field 'state': must be triaged or dismissed");
		return;
	}
	json_t *r = api_load_versioned(srv, "report", req->id, version, rep);
	if (!r)
		return;
	if (strcmp(json_string_value(json_object_get(r, "state")), "open") != 0) {
		api_error(rep, 422, "report %s is already %s", req->id,
			  json_string_value(json_object_get(r, "state")));
		json_decref(r);
		return;
	}
	bool triaged = state == WF_REPST_TRIAGED;
	json_t *decs = open_triage_decisions(srv, req->id);
	size_t i;
	json_t *d;
	json_array_foreach(decs, i, d) {
		/* The board's rule holds here too: one organisation cannot close a triage
		 * that needs more. */
		if (quorum_peek_vote(d, quorum_org(req->who),
				     triaged ? WF_VOTE_APPROVE : WF_VOTE_REJECT,
				     srv->rules.needed[WF_DEC_TRIAGE_REPORT]) == QUORUM_OPEN) {
			api_error(rep, 422,
				  "report %s: its decision %s needs %lld organisations; vote "
				  "on the decision",
				  req->id, json_string_value(json_object_get(d, "id")),
				  (long long)json_integer_value(json_object_get(d, "needed")));
			json_decref(decs);
			json_decref(r);
			return;
		}
	}
	json_object_set_new(r, "state", json_string(wf_report_state_name(state)));
	json_object_set_new(r, "reason", json_string(reason));
	if (api_save_emit(srv, "report", r, false, NULL, WF_EV_REPORT_UPDATED) ||
	    close_triage_decisions(srv, req, decs, triaged, reason)) {
		json_decref(decs);
		json_decref(r);
		api_error(rep, 503, "store: %s", store_last_error(srv->st));
		return;
	}
	json_decref(decs);
	rep->status = 200;
	rep->body = r;
}
