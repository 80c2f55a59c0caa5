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

/* The board decides activation, tier changes and conclusion (activate, change_tier and
 * conclude decisions, closed by a quorum of organisations): an officer may not set
 * them directly. An admin (the operator, or the simulator's board) still may. */
static bool board_decides(const struct api_request *req, struct api_reply *rep,
			  const char *what, const char *kind)
{
	if (req->who->role == AUTH_ADMIN)
		return false;
	api_error(rep, 422, "%s is decided by the board: propose a %s decision", what, kind);
	return true;
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
	if (strcmp(tier, "protocol_activated") == 0 &&
	    board_decides(req, rep, "tier protocol_activated", "activate"))
		return;
	if (state == WF_INC_CONCLUDED && board_decides(req, rep, "state concluded", "conclude"))
		return;
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
	api_incident_set_state(inc, wf_incident_state_name(state), now);
	json_object_set_new(inc, "opened_by", json_string(req->who->name));
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
	const char *cur_tier = json_string_value(json_object_get(inc, "tier"));
	const char *cur_state = json_string_value(json_object_get(inc, "state"));
	bool tier_moves = tier && (!cur_tier || strcmp(tier, cur_tier) != 0);
	bool concludes = state == WF_INC_CONCLUDED &&
			 (!cur_state || strcmp(cur_state, "concluded") != 0);
	if ((tier_moves && board_decides(req, rep, "a tier change",
					 strcmp(tier, "protocol_activated") == 0 ? "activate"
										 : "change_tier")) ||
	    (concludes && board_decides(req, rep, "state concluded", "conclude"))) {
		json_decref(inc);
		return;
	}
	if (title)
		json_object_set_new(inc, "title", json_string(title));
	if (location)
		json_object_set_new(inc, "location", json_string(location));
	if (tier)
		json_object_set_new(inc, "tier", json_string(tier));
	if (summary)
		json_object_set_new(inc, "summary", json_string(summary));
	if (state != WF_INC__COUNT)
		api_incident_set_state(inc, wf_incident_state_name(state), util_now_ms());
	json_object_set_new(inc, "updated_by", json_string(req->who->name));
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
	const char *tier = NULL, *keeper = NULL, *authority = NULL;
	enum wf_decision_kind kind;
	enum wf_priority prio = WF_PRIO_NORMAL;
	int64_t due_in = 900;
	if (check_object(&c, b) || CHECK_ENUM(&c, b, "kind", false, decision_kind, &kind) ||
	    check_str(&c, b, "proposed_tier", 1, WF_TIER_MAX, kind != WF_DEC_CHANGE_TIER,
		      &tier) ||
	    check_id(&c, b, "keep_platform_id", true, true, &keeper) ||
	    check_str(&c, b, "authority", 1, WF_AUTHORITY_MAX,
		      kind != WF_DEC_NOTIFY_AUTHORITY, &authority) ||
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
	if (tier && !wf_valid_tier(tier)) {
		api_error(rep, 400, "field 'proposed_tier': must be [a-z_]{1,32}");
		return;
	}
	if (kind == WF_DEC_PUBLIC_INTEREST && !keeper) {
		/* Who may keep the copies: named, or the platform that filed the report. */
		json_t *r = subject_ref ? store_get_resource(srv->st, "report", subject_ref)
					: NULL;
		bool has = r && json_is_string(json_object_get(r, "platform_id"));
		json_decref(r);
		if (!has) {
			api_error(rep, 400, "field 'keep_platform_id': is missing (the "
					    "organisation that may keep the copies)");
			return;
		}
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
	if (d && tier)
		json_object_set_new(d, "proposed_tier", json_string(tier));
	if (d && keeper)
		json_object_set_new(d, "keep_platform_id", json_string(keeper));
	if (d && authority)
		json_object_set_new(d, "authority", json_string(authority));
	if (!d || api_save_emit(srv, "decision", d, true, subject_ref,
				WF_EV_DECISION_OPENED)) {
		json_decref(d);
		store_failed(srv, rep);
		return;
	}
	rep->status = 201;
	rep->body = d;
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
	enum wf_decision_kind kind = WF_DEC_ACTIVATE;
	wf_decision_kind_parse(json_string_value(json_object_get(d, "kind")), &kind);
	bool counted;
	enum quorum_outcome out =
		quorum_add_vote(d, req->who->name, quorum_org(req->who), action, reason,
				srv->rules.needed[kind], util_now_ms(), &counted);
	bool closed = out != QUORUM_OPEN;
	const char *ref = json_string_value(json_object_get(d, "subject_ref"));
	if (api_save_emit(srv, "decision", d, !closed, ref,
			  closed ? WF_EV_DECISION_RESOLVED : WF_EV_DECISION_UPDATED) ||
	    (closed && api_apply_effects(srv, d, out == QUORUM_APPROVED, req->who->name))) {
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
