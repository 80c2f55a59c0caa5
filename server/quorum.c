/* quorum.c - the quorum rules per decision kind (defaults, --quorum, GET
 * /v1/rules) and the counting of one vote by organisation into a decision. */
#include "quorum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/types.h"
#include "util.h"

struct quorum_rules quorum_rules_default(void)
{
	struct quorum_rules r;
	for (int k = 0; k < WF_DEC__COUNT; k++)
		r.needed[k] = 1;
	r.needed[WF_DEC_ACTIVATE] = 2;
	r.needed[WF_DEC_CONCLUDE] = 2;
	r.needed[WF_DEC_CHANGE_TIER] = 2;
	r.needed[WF_DEC_PUBLIC_INTEREST] = 2;
	return r;
}

int quorum_rules_parse(struct quorum_rules *r, const char *spec, char *err,
		       size_t errsz)
{
	char buf[512];
	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errsz, "--quorum: too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *save, *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '='), *end;
		enum wf_decision_kind k;
		if (!eq) {
			snprintf(err, errsz, "--quorum: '%.40s' is not KIND=N", t);
			return -1;
		}
		*eq = '\0';
		long n = strtol(eq + 1, &end, 10);
		if (!wf_decision_kind_parse(t, &k)) {
			snprintf(err, errsz, "--quorum: unknown decision kind '%.40s'",
				 t);
			return -1;
		}
		if (end == eq + 1 || *end || n < 1 || n > WF_ORGS_MAX) {
			snprintf(err, errsz, "--quorum: %s wants 1..%d organisations",
				 t, WF_ORGS_MAX);
			return -1;
		}
		r->needed[k] = (int)n;
	}
	return 0;
}

json_t *quorum_rules_json(const struct quorum_rules *r)
{
	json_t *o = json_object();
	for (int k = 0; k < WF_DEC__COUNT; k++)
		json_object_set_new(o, wf_decision_kind_name((enum wf_decision_kind)k),
				    json_integer(r->needed[k]));
	return json_pack("{s:o}", "rules", o);
}

const char *quorum_org(const struct auth_identity *who)
{
	return who->platform_id[0] ? who->platform_id : who->name;
}

static bool list_has(json_t *list, const char *org)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (json_is_string(v) && strcmp(json_string_value(v), org) == 0)
			return true;
	}
	return false;
}

/* d's list `key`, created empty when missing (borrowed). */
static json_t *orgs(json_t *d, const char *key)
{
	json_t *l = json_object_get(d, key);
	if (!json_is_array(l)) {
		l = json_array();
		json_object_set_new(d, key, l);
	}
	return l;
}

static int needed_of(json_t *d, int dflt)
{
	json_t *n = json_object_get(d, "needed");
	if (json_is_integer(n) && json_integer_value(n) >= 1)
		return (int)json_integer_value(n);
	json_object_set_new(d, "needed", json_integer(dflt));
	return dflt;
}

enum quorum_outcome quorum_peek_vote(json_t *d, const char *org,
				     enum wf_vote_action action, int dflt_needed)
{
	json_t *ap = json_object_get(d, "approved_by"),
	       *rj = json_object_get(d, "rejected_by");
	json_t *n = json_object_get(d, "needed");
	int needed = json_is_integer(n) ? (int)json_integer_value(n) : dflt_needed;
	if (action != WF_VOTE_APPROVE && action != WF_VOTE_REJECT)
		return QUORUM_OPEN;
	if (list_has(ap, org) || list_has(rj, org))
		return QUORUM_OPEN;
	size_t have = json_array_size(action == WF_VOTE_APPROVE ? ap : rj);
	if ((int)have + 1 < needed)
		return QUORUM_OPEN;
	return action == WF_VOTE_APPROVE ? QUORUM_APPROVED : QUORUM_REJECTED;
}

enum quorum_outcome quorum_add_vote(json_t *d, const char *by, const char *org,
				    enum wf_vote_action action, const char *reason,
				    int dflt_needed, int64_t now_ms, bool *counted)
{
	int needed = needed_of(d, dflt_needed);
	json_t *ap = orgs(d, "approved_by"), *rj = orgs(d, "rejected_by");
	bool is_verdict = action == WF_VOTE_APPROVE || action == WF_VOTE_REJECT;
	*counted = is_verdict && !list_has(ap, org) && !list_has(rj, org);
	json_array_append_new(json_object_get(d, "votes"),
			      json_pack("{s:s,s:s,s:s,s:o,s:s,s:b}", "by", by, "action",
					wf_vote_action_name(action), "reason", reason,
					"at", util_json_time(now_ms), "org", org,
					"counted", *counted));
	if (action == WF_VOTE_ESCALATE)
		json_object_set_new(d, "state", json_string("escalated"));
	if (!*counted)
		return QUORUM_OPEN;
	json_t *list = action == WF_VOTE_APPROVE ? ap : rj;
	json_array_append_new(list, json_string(org));
	if ((int)json_array_size(list) < needed)
		return QUORUM_OPEN;
	bool ok = action == WF_VOTE_APPROVE;
	json_object_set_new(d, "state", json_string(ok ? "approved" : "rejected"));
	json_object_set_new(d, "rationale", json_string(reason));
	return ok ? QUORUM_APPROVED : QUORUM_REJECTED;
}
