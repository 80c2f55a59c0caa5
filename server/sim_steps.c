/* sim_steps.c - the simulator's scenario steps: checking every line before the
 * start (so a bad scenario stops the server with its line number) and running a
 * step when its time comes (platforms, incidents, updates, spreads, reports,
 * decisions, explicit new variants). */
#include "sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/types.h"
#include "model/validate.h"
#include "util.h"

static int step_fail(char *err, size_t errsz, const char *file,
		     const struct sim_step *st, const char *what)
{
	snprintf(err, errsz, "%s:%d: %s", file, st->line, what);
	return -1;
}

static int check_platform(struct sim *s, const struct sim_step *st, char *why,
			  size_t whysz)
{
	const char *id = scenario_arg(st, "id", NULL), *name = scenario_arg(st, "name", id);
	const char *kind = scenario_arg(st, "kind", "member");
	const char *hashes = scenario_arg(st, "hashes", "pdq,md5");
	enum wf_platform_kind pk;
	if (!id || !wf_valid_id(id) || strlen(name) > 100 || !*name) {
		snprintf(why, whysz, "platform needs id= (an id) and name=");
		return -1;
	}
	if (!wf_platform_kind_parse(kind, &pk)) {
		snprintf(why, whysz, "kind= must be member or non_member");
		return -1;
	}
	if (s->n_plats == MAX_PLATFORMS || sim_find_platform(s, id)) {
		snprintf(why, whysz, "too many platforms, or platform %s twice", id);
		return -1;
	}
	struct sim_platform *p = &s->plats[s->n_plats];
	memset(p, 0, sizeof(*p));
	snprintf(p->id, sizeof(p->id), "%s", id);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->volume = scenario_num(st, "volume", 0);
	p->lag_s = scenario_duration(st, "lag", -1);
	if (p->volume < 0 || p->lag_s < -1) {
		snprintf(why, whysz, "volume= must be >= 0 and lag= a duration or never");
		return -1;
	}
	char list[128];
	snprintf(list, sizeof(list), "%s", hashes);
	for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		enum wf_hash_type ht;
		if (!wf_hash_type_parse(t, &ht)) {
			snprintf(why, whysz, "unknown hash type '%.20s' in hashes=", t);
			return -1;
		}
		p->pdq |= ht == WF_HASH_PDQ;
		p->md5 |= ht == WF_HASH_MD5;
	}
	memcpy(p->who.name, p->name, sizeof(p->who.name));
	p->who.role = AUTH_PLATFORM;
	snprintf(p->who.platform_id, sizeof(p->who.platform_id), "%s", id);
	snprintf(p->who.key, sizeof(p->who.key), "sim:%.60s", id);
	s->n_plats++;
	return 0;
}

static int check_spread(struct sim *s, const struct sim_step *st,
			struct sim_incident *inc, char *why, size_t whysz)
{
	struct sim_spread *sp = &inc->spread;
	sp->share = scenario_num(st, "share", 1);
	sp->k = (int)scenario_num(st, "k", 2);
	sp->theta = scenario_duration(st, "theta", 3 * 3600);
	sp->variants = scenario_num(st, "variants", 800);
	sp->tau = scenario_duration(st, "variant_tau", 24 * 3600);
	sp->block_max = scenario_num(st, "block_max", 0.8);
	sp->ramp = scenario_duration(st, "block_ramp", 3600);
	sp->removed = scenario_num(st, "removed", 0.85);
	sp->kept = scenario_num(st, "kept", 0.02);
	sp->by_hash = scenario_num(st, "by_hash", 0);
	if (sp->share < 0 || sp->k < 1 || sp->k > 20 || sp->theta <= 0 || sp->variants < 0 ||
	    sp->tau <= 0 || sp->block_max < 0 || sp->block_max > 1 || sp->ramp <= 0 ||
	    sp->removed < 0 || sp->removed > 1 || sp->kept < 0 || sp->kept > 1 ||
	    sp->by_hash < 0 || sp->by_hash > 1) {
		snprintf(why, whysz, "spread: a value is out of range (share>=0, k 1..20, "
				     "theta>0, 0<=block_max,removed,kept,by_hash<=1)");
		return -1;
	}
	const char *only = scenario_arg(st, "platforms", NULL);
	if (only) {
		char list[1024];
		snprintf(list, sizeof(list), "%s", only);
		sp->restricted = true;
		for (char *save, *t = strtok_r(list, ",", &save); t;
		     t = strtok_r(NULL, ",", &save)) {
			struct sim_platform *p = sim_find_platform(s, t);
			if (!p) {
				snprintf(why, whysz, "platforms=: unknown platform %.40s", t);
				return -1;
			}
			sp->only[p - s->plats] = true;
		}
	}
	return 0;
}

/* A new label= (optional) of a decision or candidate signal step. */
static int check_label(struct sim *s, const struct sim_step *st, char *why, size_t whysz)
{
	const char *label = scenario_arg(st, "label", NULL);
	if (!label)
		return 0;
	if (!*label || strlen(label) >= 64 || sim_find_label(s, label) ||
	    s->n_labels == MAX_LABELS) {
		snprintf(why, whysz, "label= must be new (at most %d, 1..63 bytes)", MAX_LABELS);
		return -1;
	}
	snprintf(s->labels[s->n_labels++].name, sizeof(s->labels[0].name), "%s", label);
	return 0;
}

/* The issue 12 steps: what a decision kind needs, candidate signals, votes of the
 * simulated organisations and explicit sightings. */
static int check_quorum_step(struct sim *s, const struct sim_step *st, char *why,
			     size_t whysz)
{
	const char *kind = scenario_arg(st, "kind", "");
	enum wf_vote_action va;
	enum wf_outcome oc;
	switch (st->verb) {
	case SIM_DECISION:
		if (strcmp(kind, "change_tier") == 0 &&
		    !wf_valid_tier(scenario_arg(st, "tier", ""))) {
			snprintf(why, whysz, "change_tier needs tier= ([a-z_]{1,32})");
			return -1;
		}
		if (strcmp(kind, "notify_authority") == 0 && !*scenario_arg(st, "authority", "")) {
			snprintf(why, whysz, "notify_authority needs authority=");
			return -1;
		}
		if (strcmp(kind, "public_interest") == 0 &&
		    strcmp(scenario_arg(st, "about", ""), "report") != 0 &&
		    !sim_find_platform(s, scenario_arg(st, "keep", NULL))) {
			snprintf(why, whysz, "public_interest needs keep= (a platform) unless "
					     "about=report");
			return -1;
		}
		if (scenario_arg(st, "signal", NULL) &&
		    !sim_find_label(s, scenario_arg(st, "signal", NULL))) {
			snprintf(why, whysz, "signal= must name an earlier label");
			return -1;
		}
		return check_label(s, st, why, whysz);
	case SIM_SIGNAL:
		if (strcmp(scenario_arg(st, "candidate", "false"), "true") == 0 &&
		    !sim_find_platform(s, scenario_arg(st, "platform", NULL))) {
			snprintf(why, whysz, "a candidate signal needs platform=");
			return -1;
		}
		return check_label(s, st, why, whysz);
	case SIM_VOTE:
		if (!sim_find_label(s, scenario_arg(st, "decision", NULL)) ||
		    !sim_find_platform(s, scenario_arg(st, "org", NULL)) ||
		    !wf_vote_action_parse(scenario_arg(st, "action", ""), &va)) {
			snprintf(why, whysz, "vote needs decision= (an earlier label), org= (a "
					     "platform) and action=");
			return -1;
		}
		return 0;
	case SIM_SIGHTING:
		if (!sim_find_label(s, scenario_arg(st, "signal", NULL)) ||
		    !sim_find_platform(s, scenario_arg(st, "platform", NULL)) ||
		    !wf_outcome_parse(scenario_arg(st, "outcome", ""), &oc) ||
		    scenario_num(st, "count", 1) < 1 ||
		    scenario_num(st, "count", 1) > WF_COUNT_MAX) {
			snprintf(why, whysz, "sighting needs signal= (a label), platform=, "
					     "outcome= and count= 1..1000000");
			return -1;
		}
		return 0;
	default:
		return 0;
	}
}

int sim_check_scenario(struct sim *s, const char *file, char *err, size_t errsz)
{
	char why[200];
	for (size_t i = 0; i < s->sc.n_steps; i++) {
		const struct sim_step *st = &s->sc.steps[i];
		const char *ref = scenario_arg(st, "ref", NULL);
		struct sim_incident *inc = sim_find_incident(s, ref);
		const char *v;
		switch (st->verb) {
		case SIM_PLATFORM:
			if (check_platform(s, st, why, sizeof(why)))
				return step_fail(err, errsz, file, st, why);
			break;
		case SIM_INCIDENT: {
			enum wf_incident_state is;
			if (!ref || strlen(ref) >= 64 || inc || s->n_incs == MAX_INCIDENTS)
				return step_fail(err, errsz, file, st,
						 "incident needs a new ref= (at most 16)");
			if (!scenario_arg(st, "title", NULL))
				return step_fail(err, errsz, file, st, "incident needs title=");
			if ((v = scenario_arg(st, "tier", NULL)) && !wf_valid_tier(v))
				return step_fail(err, errsz, file, st, "tier= must be [a-z_]{1,32}");
			if ((v = scenario_arg(st, "state", NULL)) &&
			    !wf_incident_state_parse(v, &is))
				return step_fail(err, errsz, file, st, "unknown state=");
			inc = &s->incs[s->n_incs++];
			snprintf(inc->ref, sizeof(inc->ref), "%s", ref);
			break;
		}
		case SIM_UPDATE:
		case SIM_SPREAD:
		case SIM_SIGNAL:
		case SIM_SIGHTING:
			if (!inc)
				return step_fail(err, errsz, file, st,
						 "ref= must name an earlier incident");
			if (st->verb == SIM_SPREAD && check_spread(s, st, inc, why, sizeof(why)))
				return step_fail(err, errsz, file, st, why);
			if (check_quorum_step(s, st, why, sizeof(why)))
				return step_fail(err, errsz, file, st, why);
			break;
		case SIM_VOTE:
			if (check_quorum_step(s, st, why, sizeof(why)))
				return step_fail(err, errsz, file, st, why);
			break;
		case SIM_REPORT: {
			enum wf_report_kind rk;
			if (ref && !inc)
				return step_fail(err, errsz, file, st, "unknown incident ref=");
			if (!sim_find_platform(s, scenario_arg(st, "platform", NULL)))
				return step_fail(err, errsz, file, st,
						 "report needs platform= of a platform line");
			if (!wf_report_kind_parse(scenario_arg(st, "kind", ""), &rk) ||
			    !*scenario_arg(st, "text", ""))
				return step_fail(err, errsz, file, st,
						 "report needs kind= (a report kind) and text=");
			break;
		}
		case SIM_DECISION: {
			enum wf_decision_kind dk;
			enum wf_priority pr;
			if (ref && !inc)
				return step_fail(err, errsz, file, st, "unknown incident ref=");
			if (!wf_decision_kind_parse(scenario_arg(st, "kind", ""), &dk) ||
			    !*scenario_arg(st, "subject", "") ||
			    !wf_priority_parse(scenario_arg(st, "priority", "normal"), &pr) ||
			    scenario_duration(st, "due", 900) < 0)
				return step_fail(err, errsz, file, st,
						 "decision needs kind=, subject=, and a valid "
						 "priority= and due=");
			if (check_quorum_step(s, st, why, sizeof(why)))
				return step_fail(err, errsz, file, st, why);
			break;
		}
		}
	}
	return 0;
}

static void run_platform(struct sim *s, const struct sim_step *st)
{
	json_t *ht = json_array();
	char list[128];
	snprintf(list, sizeof(list), "%s", scenario_arg(st, "hashes", "pdq,md5"));
	for (char *save, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_array_append_new(ht, json_string(t));
	const char *id = scenario_arg(st, "id", "");
	if (api_ensure_platform(s->srv, id, scenario_arg(st, "name", id),
				scenario_arg(st, "kind", "member"), ht) != 0 &&
	    s->errors++ < 20) {
		FILE *f = s->srv->errlog ? s->srv->errlog : stderr;
		fprintf(f, "watchfloord: sim: scenario line %d: cannot register %s\n",
			st->line, id);
		fflush(f);
	}
	json_decref(ht);
}

/* Adds the optional string arguments keys[] of st to body. */
static void copy_args(json_t *body, const struct sim_step *st, const char *const *keys)
{
	for (; *keys; keys++) {
		const char *v = scenario_arg(st, *keys, NULL);
		if (v)
			json_object_set_new(body, *keys, json_string(v));
	}
}

static void run_update(struct sim *s, const struct sim_step *st,
		       struct sim_incident *inc)
{
	static const char *const keys[] = {"title", "location", "tier", "state", "summary",
					   NULL};
	store_lock(s->srv->st);
	json_t *cur = store_get_resource(s->srv->st, "incident", inc->id);
	store_unlock(s->srv->st);
	if (!cur)
		return;
	json_int_t version = json_integer_value(json_object_get(cur, "version"));
	json_decref(cur);
	if (version != inc->version)
		return; /* an officer changed it since: the scenario yields */
	json_t *body = json_pack("{s:I}", "version", version);
	copy_args(body, st, keys);
	json_t *r = sim_call(s, st->line, api_update_incident, &s->board, body, inc->id);
	if (r)
		inc->version = json_integer_value(json_object_get(r, "version"));
	json_decref(r);
}

static void run_decision(struct sim *s, const struct sim_step *st,
			 struct sim_incident *inc)
{
	const char *about = scenario_arg(st, "about", "incident");
	const char *ref = NULL;
	struct sim_label *about_label = sim_find_label(s, scenario_arg(st, "signal", NULL));
	if (about_label)
		ref = about_label->subject[0] ? about_label->subject : NULL;
	else if (strcmp(about, "signal") == 0 && inc && inc->last_signal[0])
		ref = inc->last_signal;
	else if (strcmp(about, "report") == 0 && s->last_report[0])
		ref = s->last_report;
	else if (inc && inc->id[0])
		ref = inc->id;
	json_t *body = json_pack("{s:s,s:o,s:s,s:o,s:s,s:s,s:I}", "kind",
				 scenario_arg(st, "kind", ""), "incident_id",
				 inc && inc->id[0] ? json_string(inc->id) : json_null(),
				 "subject", scenario_arg(st, "subject", ""), "subject_ref",
				 ref ? json_string(ref) : json_null(), "detail",
				 scenario_arg(st, "detail", ""), "priority",
				 scenario_arg(st, "priority", "normal"), "due_in_s",
				 (json_int_t)scenario_duration(st, "due", 900));
	static const char *const map[][2] = {{"tier", "proposed_tier"},
					     {"keep", "keep_platform_id"},
					     {"authority", "authority"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const char *v = scenario_arg(st, map[i][0], NULL);
		if (v)
			json_object_set_new(body, map[i][1], json_string(v));
	}
	json_t *d = sim_call(s, st->line, api_create_decision, &s->board, body, NULL);
	struct sim_label *l = sim_find_label(s, scenario_arg(st, "label", NULL));
	if (l && d) {
		snprintf(l->decision, sizeof(l->decision), "%s",
			 json_string_value(json_object_get(d, "id")));
		snprintf(l->subject, sizeof(l->subject), "%s", ref ? ref : "");
	}
	json_decref(d);
}

/* A platform posts a candidate PDQ signal: proposed until its add_signal decision
 * closes (the server opens it); sightings may match it meanwhile. */
static void run_candidate(struct sim *s, const struct sim_step *st,
			  struct sim_incident *inc)
{
	struct sim_platform *p = sim_find_platform(s, scenario_arg(st, "platform", NULL));
	char variant[100], value[65];
	snprintf(variant, sizeof(variant), "%.48s-v%d", inc->id, ++inc->spread.made);
	sim_rng_hex(s, value, 64);
	json_t *body = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s,s:b}", "incident_id", inc->id,
				 "type", "pdq", "value", value, "quality",
				 70 + (int)(sim_rng_next(s) % 31), "variant_id", variant,
				 "platform_id", p->id, "candidate", 1);
	json_t *sig = sim_call(s, st->line, api_post_signal, &p->who, body, NULL);
	const char *id = json_string_value(json_object_get(sig, "id"));
	struct sim_label *l = sim_find_label(s, scenario_arg(st, "label", NULL));
	if (id) {
		sim_add_spread_signal(inc, id, true, value);
		if (l) {
			json_t *d = json_object_get(sig, "decision");
			snprintf(l->decision, sizeof(l->decision), "%s",
				 json_string_value(json_object_get(d, "id")));
			snprintf(l->subject, sizeof(l->subject), "%s", id);
		}
	}
	json_decref(sig);
}

/* An officer of a simulated organisation votes on a labelled decision, with the
 * version it reads; a decision already closed (by an officer) is left alone. */
static void run_vote(struct sim *s, const struct sim_step *st)
{
	struct sim_label *l = sim_find_label(s, scenario_arg(st, "decision", NULL));
	struct sim_platform *p = sim_find_platform(s, scenario_arg(st, "org", NULL));
	if (!l->decision[0])
		return; /* its decision failed to open (reported then) */
	store_lock(s->srv->st);
	json_t *d = store_get_resource(s->srv->st, "decision", l->decision);
	store_unlock(s->srv->st);
	enum wf_decision_state ds = WF_DECST_APPROVED;
	wf_decision_state_parse(json_string_value(json_object_get(d, "state")), &ds);
	json_int_t version = json_integer_value(json_object_get(d, "version"));
	json_decref(d);
	if (!wf_decision_state_open(ds))
		return;
	struct auth_identity who = {.role = AUTH_OFFICER};
	snprintf(who.name, sizeof(who.name), "%.80s officer", p->name);
	snprintf(who.platform_id, sizeof(who.platform_id), "%s", p->id);
	snprintf(who.key, sizeof(who.key), "sim:officer:%.48s", p->id);
	const char *action = scenario_arg(st, "action", "approve");
	json_t *body = json_pack("{s:s,s:s,s:I}", "action", action, "reason",
				 scenario_arg(st, "reason", strcmp(action, "approve") ? "seen"
										    : ""),
				 "version", version);
	json_decref(sim_call(s, st->line, api_resolve_decision, &who, body, l->decision));
}

/* One platform reports count attempts of the labelled decision's signal. */
static void run_sighting(struct sim *s, const struct sim_step *st,
			 struct sim_incident *inc)
{
	struct sim_label *l = sim_find_label(s, scenario_arg(st, "signal", NULL));
	struct sim_platform *p = sim_find_platform(s, scenario_arg(st, "platform", NULL));
	if (!l->subject[0])
		return;
	json_t *body = json_pack(
		"{s:s,s:s,s:[{s:s,s:I,s:s,s:o}]}", "platform_id", p->id, "incident_id",
		inc->id, "items", "signal_id", l->subject, "count",
		(json_int_t)scenario_num(st, "count", 1), "outcome",
		scenario_arg(st, "outcome", "kept"), "seen_at", util_json_time(util_now_ms()));
	json_decref(sim_call(s, st->line, api_post_sightings, &p->who, body, NULL));
}

static void run_report(struct sim *s, const struct sim_step *st,
		       struct sim_incident *inc)
{
	struct sim_platform *p = sim_find_platform(s, scenario_arg(st, "platform", NULL));
	const char *needs = scenario_arg(st, "needs_decision", "false");
	json_t *body = json_pack("{s:s,s:o,s:s,s:s,s:b}", "kind",
				 scenario_arg(st, "kind", ""), "incident_id",
				 inc && inc->id[0] ? json_string(inc->id) : json_null(),
				 "platform_id", p->id, "text", scenario_arg(st, "text", ""),
				 "needs_decision", strcmp(needs, "true") == 0);
	json_t *r = sim_call(s, st->line, api_post_report, &p->who, body, NULL);
	const char *id = json_string_value(json_object_get(r, "id"));
	if (id)
		snprintf(s->last_report, sizeof(s->last_report), "%s", id);
	json_decref(r);
}

void sim_run_step(struct sim *s, const struct sim_step *st)
{
	struct sim_incident *inc = sim_find_incident(s, scenario_arg(st, "ref", NULL));
	if (st->verb != SIM_PLATFORM && st->verb != SIM_INCIDENT && inc && !inc->id[0] &&
	    st->verb != SIM_REPORT && st->verb != SIM_DECISION && st->verb != SIM_VOTE)
		return; /* its incident failed to open (reported then) */
	switch (st->verb) {
	case SIM_PLATFORM:
		run_platform(s, st);
		break;
	case SIM_INCIDENT: {
		static const char *const keys[] = {"title", "location", "tier", "state",
						   "summary", NULL};
		json_t *body = json_object();
		copy_args(body, st, keys);
		json_t *r = sim_call(s, st->line, api_create_incident, &s->board, body, NULL);
		const char *id = json_string_value(json_object_get(r, "id"));
		if (id && inc) {
			snprintf(inc->id, sizeof(inc->id), "%s", id);
			inc->version = json_integer_value(json_object_get(r, "version"));
		}
		json_decref(r);
		break;
	}
	case SIM_UPDATE:
		run_update(s, st, inc);
		break;
	case SIM_SPREAD: {
		int seeds = (int)scenario_num(st, "seed_variants", 2);
		inc->spread.on = true;
		inc->spread.start = st->at;
		for (int i = 0; i < seeds && i < 50; i++)
			sim_make_variant(s, inc, st->line);
		break;
	}
	case SIM_SIGNAL:
		if (strcmp(scenario_arg(st, "candidate", "false"), "true") == 0)
			run_candidate(s, st, inc);
		else
			sim_make_variant(s, inc, st->line);
		break;
	case SIM_VOTE:
		run_vote(s, st);
		break;
	case SIM_SIGHTING:
		run_sighting(s, st, inc);
		break;
	case SIM_REPORT:
		run_report(s, st, inc);
		break;
	case SIM_DECISION:
		run_decision(s, st, inc);
		break;
	}
}
