/* api_decide.c - what officers do: create and update incidents, open decisions and
 * resolve them (with the version they saw), and the effects of an approval on the
 * incident, signal or report the decision is about. */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/types.h"
#include "model/validate.h"
#include "util.h"

#define DUE_MAX_S (7 * 24 * 3600)

static void store_failed(struct server *srv, struct api_reply *rep)
{
	api_error(rep, 503, "store: %s", store_last_error(srv->st));
}

/* Sets state and the activated_at / concluded_at stamps it implies. */
static void incident_set_state(json_t *inc, const char *state, int64_t now)
{
	json_object_set_new(inc, "state", json_string(state));
	if (strcmp(state, "active") == 0 &&
	    json_is_null(json_object_get(inc, "activated_at")))
		json_object_set_new(inc, "activated_at", util_json_time(now));
	if (strcmp(state, "concluded") == 0)
		json_object_set_new(inc, "concluded_at", util_json_time(now));
}

void api_create_incident(struct server *srv, const struct api_request *req,
			 struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	const char *title, *location = "", *tier = "awareness", *summary = "";
	enum wf_incident_state state = WF_INC_MONITORING;
	if (check_object(&c, b) || check_str(&c, b, "title", 1, WF_TITLE_MAX, false, &title) ||
	    check_str(&c, b, "location", 0, WF_LOCATION_MAX, true, &location) ||
	    check_str(&c, b, "tier", 1, WF_TIER_MAX, true, &tier) ||
	    CHECK_ENUM(&c, b, "state", true, incident_state, &state) ||
	    check_str(&c, b, "summary", 0, WF_SUMMARY_MAX, true, &summary)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (!wf_valid_tier(tier)) {
		api_error(rep, 400, "field 'tier': must be [a-z_]{1,32}");
		return;
	}
	char id[80];
	int64_t now = util_now_ms();
	api_next_id(srv, "inc", id, sizeof(id));
	json_t *inc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:n,s:n,s:s,s:i}", "id", id,
				"title", title, "location", location, "tier", tier, "state",
				"monitoring", "opened_at", util_json_time(now), "activated_at",
				"concluded_at", "summary", summary, "version", 0);
	if (!inc) {
		store_failed(srv, rep);
		return;
	}
	incident_set_state(inc, wf_incident_state_name(state), now);
	if (api_save_emit(srv, "incident", inc, true, NULL, WF_EV_INCIDENT_OPENED)) {
		json_decref(inc);
		store_failed(srv, rep);
		return;
	}
	rep->status = 201;
	rep->body = inc;
}

void api_update_incident(struct server *srv, const struct api_request *req,
			 struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	const char *title = NULL, *location = NULL, *tier = NULL, *summary = NULL;
	enum wf_incident_state state = WF_INC__COUNT;
	int64_t version;
	if (check_object(&c, b) || check_str(&c, b, "title", 1, WF_TITLE_MAX, true, &title) ||
	    check_str(&c, b, "location", 0, WF_LOCATION_MAX, true, &location) ||
	    check_str(&c, b, "tier", 1, WF_TIER_MAX, true, &tier) ||
	    CHECK_ENUM(&c, b, "state", true, incident_state, &state) ||
	    check_str(&c, b, "summary", 0, WF_SUMMARY_MAX, true, &summary) ||
	    check_int(&c, b, "version", 1, INT64_MAX, false, &version)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (tier && !wf_valid_tier(tier)) {
		api_error(rep, 400, "field 'tier': must be [a-z_]{1,32}");
		return;
	}
	json_t *inc = api_load_versioned(srv, "incident", req->id, version, rep);
	if (!inc)
		return;
	if (title)
		json_object_set_new(inc, "title", json_string(title));
	if (location)
		json_object_set_new(inc, "location", json_string(location));
	if (tier)
		json_object_set_new(inc, "tier", json_string(tier));
	if (summary)
		json_object_set_new(inc, "summary", json_string(summary));
	if (state != WF_INC__COUNT)
		incident_set_state(inc, wf_incident_state_name(state), util_now_ms());
	if (api_save_emit(srv, "incident", inc, true, NULL, WF_EV_INCIDENT_UPDATED)) {
		json_decref(inc);
		store_failed(srv, rep);
		return;
	}
	rep->status = 200;
	rep->body = inc;
}

void api_create_decision(struct server *srv, const struct api_request *req,
			 struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	const char *incident_id = NULL, *subject, *subject_ref = NULL, *detail = "";
	enum wf_decision_kind kind;
	enum wf_priority prio = WF_PRIO_NORMAL;
	int64_t due_in = 900;
	if (check_object(&c, b) || CHECK_ENUM(&c, b, "kind", false, decision_kind, &kind) ||
	    check_id(&c, b, "incident_id", true, true, &incident_id) ||
	    check_str(&c, b, "subject", 1, WF_SUBJECT_MAX, false, &subject) ||
	    check_id(&c, b, "subject_ref", true, true, &subject_ref) ||
	    check_str(&c, b, "detail", 0, WF_TEXT_MAX, true, &detail) ||
	    CHECK_ENUM(&c, b, "priority", true, priority, &prio) ||
	    check_int(&c, b, "due_in_s", 0, DUE_MAX_S, true, &due_in)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (strchr(subject, '\n') || strchr(subject, '\r')) {
		api_error(rep, 400, "field 'subject': must be one line");
		return;
	}
	if (incident_id) {
		json_t *inc = store_get_resource(srv->st, "incident", incident_id);
		json_decref(inc);
		if (!inc) {
			api_error(rep, 400, "field 'incident_id': no such incident");
			return;
		}
	}
	json_t *d = api_new_decision(srv, wf_decision_kind_name(kind), incident_id, subject,
				     subject_ref, detail, req->who->name,
				     wf_priority_name(prio), util_now_ms() + due_in * 1000);
	if (!d || api_save_emit(srv, "decision", d, true, subject_ref,
				WF_EV_DECISION_OPENED)) {
		json_decref(d);
		store_failed(srv, rep);
		return;
	}
	rep->status = 201;
	rep->body = d;
}

/* Loads kind/id, applies fn-like change by field, saves and emits. */
static int update_resource(struct server *srv, const char *kind, const char *id,
			   const char *field, const char *value, bool open,
			   enum wf_event_type type)
{
	if (!id)
		return 0;
	json_t *o = store_get_resource(srv->st, kind, id);
	if (!o)
		return 0; /* the decision was about something we do not hold */
	int rc = 0;
	const char *cur = json_string_value(json_object_get(o, field));
	if (!cur || strcmp(cur, value) != 0) {
		if (strcmp(kind, "incident") == 0 && strcmp(field, "state") == 0)
			incident_set_state(o, value, util_now_ms());
		else
			json_object_set_new(o, field, json_string(value));
		rc = api_save_emit(srv, kind, o, open, NULL, type);
	}
	json_decref(o);
	return rc;
}

/* What an approved (or rejected) decision does to its subject. */
static int apply_outcome(struct server *srv, json_t *d, bool approved)
{
	const char *kind = json_string_value(json_object_get(d, "kind"));
	const char *inc = json_string_value(json_object_get(d, "incident_id"));
	const char *ref = json_string_value(json_object_get(d, "subject_ref"));
	if (strcmp(kind, "triage_report") == 0)
		return update_resource(srv, "report", ref, "state",
				       approved ? "triaged" : "dismissed", false,
				       WF_EV_REPORT_UPDATED);
	if (!approved)
		return 0;
	if (strcmp(kind, "activate") == 0)
		return update_resource(srv, "incident", inc, "tier", "protocol_activated",
				       true, WF_EV_INCIDENT_UPDATED) ||
		       update_resource(srv, "incident", inc, "state", "active", true,
				       WF_EV_INCIDENT_UPDATED);
	if (strcmp(kind, "conclude") == 0)
		return update_resource(srv, "incident", inc, "state", "concluded", true,
				       WF_EV_INCIDENT_UPDATED);
	if (strcmp(kind, "disable_signal") == 0)
		return update_resource(srv, "signal", ref, "state", "disabled", true,
				       WF_EV_SIGNAL_ADDED);
	return 0;
}

void api_resolve_decision(struct server *srv, const struct api_request *req,
			  struct api_reply *rep)
{
	struct check c = {.path = ""};
	json_t *b = req->body;
	enum wf_vote_action action;
	const char *reason = NULL;
	int64_t version;
	if (check_object(&c, b) || CHECK_ENUM(&c, b, "action", false, vote_action, &action) ||
	    check_str(&c, b, "reason", action == WF_VOTE_APPROVE ? 0 : 1, WF_REASON_MAX,
		      action == WF_VOTE_APPROVE, &reason) ||
	    check_int(&c, b, "version", 1, INT64_MAX, false, &version)) {
		api_error(rep, 400, "%s", c.msg);
		return;
	}
	if (!reason)
		reason = "";
	json_t *d = store_get_resource(srv->st, "decision", req->id);
	if (!d) {
		api_error(rep, 404, "no decision %s", req->id);
		return;
	}
	enum wf_decision_state st = WF_DECST_PENDING;
	wf_decision_state_parse(json_string_value(json_object_get(d, "state")), &st);
	if (!wf_decision_state_open(st)) {
		api_error(rep, 422, "decision %s is %s", req->id, wf_decision_state_name(st));
		json_decref(d);
		return;
	}
	if (json_integer_value(json_object_get(d, "version")) != version) {
		api_conflict(rep, "decision", d);
		return;
	}
	json_t *votes = json_object_get(d, "votes");
	if (json_array_size(votes) >= WF_VOTES_MAX) {
		api_error(rep, 422, "decision %s has %d votes already", req->id, WF_VOTES_MAX);
		json_decref(d);
		return;
	}
	json_array_append_new(votes, json_pack("{s:s,s:s,s:s,s:o}", "by", req->who->name,
					       "action", wf_vote_action_name(action),
					       "reason", reason, "at",
					       util_json_time(util_now_ms())));
	bool closed = false;
	if (action == WF_VOTE_APPROVE || action == WF_VOTE_REJECT) {
		closed = true;
		json_object_set_new(d, "state", json_string(action == WF_VOTE_APPROVE
								    ? "approved"
								    : "rejected"));
		json_object_set_new(d, "rationale", json_string(reason));
	} else if (action == WF_VOTE_ESCALATE) {
		json_object_set_new(d, "state", json_string("escalated"));
	}
	const char *ref = json_string_value(json_object_get(d, "subject_ref"));
	if (api_save_emit(srv, "decision", d, !closed, ref,
			  closed ? WF_EV_DECISION_RESOLVED : WF_EV_DECISION_UPDATED) ||
	    (closed && apply_outcome(srv, d, action == WF_VOTE_APPROVE))) {
		json_decref(d);
		store_failed(srv, rep);
		return;
	}
	rep->status = 200;
	rep->body = d;
}

/* Whether decision d is open and its due_at lies more than grace_ms before now. */
static bool decision_expired(json_t *d, int64_t now_ms, int64_t grace_ms)
{
	enum wf_decision_state st;
	int64_t due;
	const char *state = json_string_value(json_object_get(d, "state"));
	return state && wf_decision_state_parse(state, &st) && wf_decision_state_open(st) &&
	       wf_time_parse(json_string_value(json_object_get(d, "due_at")), &due) &&
	       now_ms - due > grace_ms;
}

/* Moves the decisions of ids (still open and past due by then) to expired, in one
 * transaction. Returns how many, or -1. */
static int expire_ids(struct server *srv, json_t *ids, int64_t now_ms, int64_t grace_ms)
{
	size_t i;
	json_t *idv;
	int n = 0;
	if (store_begin(srv->st) != 0)
		return -1;
	json_array_foreach(ids, i, idv) {
		json_t *d = store_get_resource(srv->st, "decision", json_string_value(idv));
		if (!d || !decision_expired(d, now_ms, grace_ms)) {
			json_decref(d); /* resolved meanwhile */
			continue;
		}
		json_object_set_new(d, "state", json_string("expired"));
		const char *ref = json_string_value(json_object_get(d, "subject_ref"));
		int rc = api_save_emit(srv, "decision", d, false, ref, WF_EV_DECISION_RESOLVED);
		json_decref(d);
		if (rc) {
			store_rollback(srv->st);
			return -1;
		}
		n++;
	}
	if (n == 0) {
		store_rollback(srv->st);
		return 0;
	}
	return store_commit(srv->st) == 0 ? n : -1;
}

int api_expire_decisions(struct server *srv, int64_t now_ms, int64_t grace_ms)
{
	/* Find candidates with a read first, so a sweep that finds nothing (the usual
	 * case) takes no write transaction. */
	store_lock(srv->st);
	json_t *open = store_list_resources(srv->st, "decision", 1, 0);
	store_unlock(srv->st);
	json_t *ids = json_array();
	size_t i;
	json_t *d;
	if (!open || !ids) {
		json_decref(open);
		json_decref(ids);
		return -1;
	}
	json_array_foreach(open, i, d) {
		if (decision_expired(d, now_ms, grace_ms))
			json_array_append(ids, json_object_get(d, "id"));
	}
	json_decref(open);
	int n = json_array_size(ids) ? expire_ids(srv, ids, now_ms, grace_ms) : 0;
	json_decref(ids);
	return n;
}
