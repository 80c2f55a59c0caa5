/* api_effects.c - what a closed decision does to its subject (docs/protocol.md,
 * "Effects of a closed decision"), inside the transaction of the closing vote: the
 * incident's tier and state, a signal's state, a report's triage, the exception and
 * notification records. Every change emits its own event. */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "model/types.h"
#include "util.h"

void api_incident_set_state(json_t *inc, const char *state, int64_t now)
{
	json_object_set_new(inc, "state", json_string(state));
	if (strcmp(state, "active") == 0 &&
	    json_is_null(json_object_get(inc, "activated_at")))
		json_object_set_new(inc, "activated_at", util_json_time(now));
	if (strcmp(state, "concluded") == 0)
		json_object_set_new(inc, "concluded_at", util_json_time(now));
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The incident a decision is about: incident_id, else subject_ref when that is an
 * incident (new reference or NULL). */
static json_t *decision_incident(struct server *srv, json_t *d)
{
	const char *id = str(d, "incident_id");
	if (!id)
		id = str(d, "subject_ref");
	return id ? store_get_resource(srv->st, "incident", id) : NULL;
}

/* Sets tier (when not NULL) and state (when not NULL) on the decision's incident. */
static int incident_effect(struct server *srv, json_t *d, const char *tier,
			   const char *state)
{
	json_t *inc = decision_incident(srv, d);
	if (!inc)
		return 0; /* about something we do not hold */
	const char *ct = str(inc, "tier"), *cs = str(inc, "state");
	int rc = 0;
	if ((tier && (!ct || strcmp(ct, tier))) ||
	    (state && (!cs || strcmp(cs, state)))) {
		if (tier)
			json_object_set_new(inc, "tier", json_string(tier));
		if (state)
			api_incident_set_state(inc, state, util_now_ms());
		char by[100];
		snprintf(by, sizeof(by), "decision %s",
			 str(d, "id") ? str(d, "id") : "?");
		json_object_set_new(inc, "updated_by", json_string(by));
		rc = api_save_emit(srv, "incident", inc, true, NULL,
				   WF_EV_INCIDENT_UPDATED);
	}
	json_decref(inc);
	return rc;
}

/* Moves the signal subject_ref to state `to` when its state is one of `from` (a
 * NULL-terminated list; NULL: any other state). */
static int signal_effect(struct server *srv, json_t *d, const char *to,
			 const char *const *from)
{
	const char *id = str(d, "subject_ref");
	json_t *sig = id ? store_get_resource(srv->st, "signal", id) : NULL;
	if (!sig)
		return 0;
	const char *cur = str(sig, "state");
	bool match = !from;
	for (; from && *from; from++)
		match |= cur && strcmp(cur, *from) == 0;
	int rc = 0;
	if (match && (!cur || strcmp(cur, to))) {
		json_object_set_new(sig, "state", json_string(to));
		char group[160];
		snprintf(group, sizeof(group), "%s/%s", str(sig, "incident_id"),
			 str(sig, "variant_id"));
		rc = api_save_emit(srv, "signal", sig, true, group, WF_EV_SIGNAL_ADDED);
	}
	json_decref(sig);
	return rc;
}

static int report_effect(struct server *srv, json_t *d, bool approved)
{
	const char *id = str(d, "subject_ref");
	json_t *r = id ? store_get_resource(srv->st, "report", id) : NULL;
	if (!r)
		return 0;
	int rc = 0;
	if (strcmp(str(r, "state"), "open") == 0) {
		json_object_set_new(r, "state",
				    json_string(approved ? "triaged" : "dismissed"));
		json_object_set_new(r, "reason", json_string(str(d, "rationale")));
		rc = api_save_emit(srv, "report", r, false, NULL, WF_EV_REPORT_UPDATED);
	}
	json_decref(r);
	return rc;
}

static json_t *null_or(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* The exception an approved public_interest decision grants. */
static int exception_effect(struct server *srv, json_t *d)
{
	const char *ref = str(d, "subject_ref"), *keeper = str(d, "keep_platform_id");
	const char *sig_id = NULL, *rep_id = NULL;
	json_t *sig = ref ? store_get_resource(srv->st, "signal", ref) : NULL;
	json_t *rep = !sig && ref ? store_get_resource(srv->st, "report", ref) : NULL;
	if (sig)
		sig_id = ref;
	if (rep) {
		rep_id = ref;
		if (!keeper)
			keeper = str(rep, "platform_id");
	}
	const char *detail = str(d, "detail");
	char id[80], group[160];
	api_next_id(srv, "exc", id, sizeof(id));
	json_t *x =
		json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:s,s:O,s:o,s:i}", "id", id,
			  "incident_id", null_or(str(d, "incident_id")), "decision_id",
			  str(d, "id"), "signal_id", null_or(sig_id), "report_id",
			  null_or(rep_id), "platform_id", null_or(keeper), "reason",
			  detail && *detail ? detail : str(d, "subject"), "granted_by",
			  json_object_get(d, "approved_by"), "granted_at",
			  util_json_time(util_now_ms()), "version", 0);
	/* Sightings look exceptions up by signal and keeping platform. */
	snprintf(group, sizeof(group), "%s/%s", sig_id ? sig_id : "-",
		 keeper ? keeper : "-");
	int rc = x ? api_save_emit(srv, "exception", x, true, group,
				   WF_EV_EXCEPTION_GRANTED)
		   : -1;
	json_decref(x);
	json_decref(sig);
	json_decref(rep);
	return rc;
}

static int notification_effect(struct server *srv, json_t *d, const char *by)
{
	const char *authority = str(d, "authority");
	char id[80];
	api_next_id(srv, "ntf", id, sizeof(id));
	json_t *n =
		json_pack("{s:s,s:o,s:s,s:s,s:s,s:O,s:o,s:i}", "id", id, "incident_id",
			  null_or(str(d, "incident_id")), "decision_id", str(d, "id"),
			  "authority", authority ? authority : str(d, "subject"), "by",
			  by, "approved_by", json_object_get(d, "approved_by"), "at",
			  util_json_time(util_now_ms()), "version", 0);
	int rc = n ? api_save_emit(srv, "notification", n, true, NULL,
				   WF_EV_AUTHORITY_NOTIFIED)
		   : -1;
	json_decref(n);
	return rc;
}

int api_apply_effects(struct server *srv, json_t *d, bool approved, const char *by)
{
	static const char *const from_proposed[] = {"proposed", NULL};
	static const char *const from_candidate[] = {"proposed", "rejected", NULL};
	enum wf_decision_kind kind;
	if (!wf_decision_kind_parse(str(d, "kind"), &kind))
		return 0;
	if (!approved) {
		if (kind == WF_DEC_TRIAGE_REPORT)
			return report_effect(srv, d, false);
		if (kind == WF_DEC_ADD_SIGNAL)
			return signal_effect(srv, d, "rejected", from_proposed);
		return 0;
	}
	switch (kind) {
	case WF_DEC_ACTIVATE:
		return incident_effect(srv, d, "protocol_activated", "active");
	case WF_DEC_CHANGE_TIER:
		return str(d, "proposed_tier")
			       ? incident_effect(srv, d, str(d, "proposed_tier"), NULL)
			       : 0;
	case WF_DEC_CONCLUDE:
		return incident_effect(srv, d, NULL, "concluded");
	case WF_DEC_ADD_SIGNAL:
		return signal_effect(srv, d, "active", from_candidate);
	case WF_DEC_DISABLE_SIGNAL:
		return signal_effect(srv, d, "disabled", NULL);
	case WF_DEC_PUBLIC_INTEREST:
		return exception_effect(srv, d);
	case WF_DEC_TRIAGE_REPORT:
		return report_effect(srv, d, true);
	case WF_DEC_NOTIFY_AUTHORITY:
		return notification_effect(srv, d, by);
	case WF_DEC__COUNT:
		break;
	}
	return 0;
}
