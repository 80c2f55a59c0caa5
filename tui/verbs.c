/* verbs.c - the forms of the officer's verbs and the requests they become (see
 * verbs.h). Field names are those --batch --set uses (docs/cli.md). */
#include "verbs.h"

#include <stdio.h>
#include <string.h>

#include "model/validate.h"

#define ENUM_STR(P, N, S) S,
#define ARRAY_LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const decision_kinds[] = {WF_DECISION_KINDS(ENUM_STR)};
static const char *const report_kinds[] = {WF_REPORT_KINDS(ENUM_STR)};
static const char *const tiers_all[] = {WF_TIERS(ENUM_STR)};
static const char *const *const tiers = tiers_all + 1; /* without "" (unknown) */
#define N_TIERS (ARRAY_LEN(tiers_all) - 1)
/* A declared incident starts below protocol_activated: only the board (an activate
 * decision closed by its quorum) activates the protocol; the server refuses it too. */
#define N_DECLARE_TIERS (N_TIERS - 1)
static const char *const states[] = {"monitoring", "proposed", "active",
				     "de_escalating"};
static const char *const priorities[] = {"normal", "high", "low"};
static const char *const yes_no[] = {"no", "yes"};

/* The default subject of a decision of each kind. */
static const char *default_subject(const char *kind)
{
	static const struct {
		const char *kind, *subject;
	} s[] = {
		{"activate", "Activate the incident protocol"},
		{"change_tier", "Change the incident's tier"},
		{"conclude", "Conclude the incident"},
		{"add_signal", "Add the signal to the shared hash list"},
		{"disable_signal", "Disable the signal (false positive)"},
		{"public_interest",
		 "Public-interest exception for a news organisation's copy"},
		{"triage_report", "Triage the report"},
		{"notify_authority", "Notify the authority"},
	};
	for (int i = 0; i < ARRAY_LEN(s); i++)
		if (strcmp(s[i].kind, kind) == 0)
			return s[i].subject;
	return "";
}

bool wf_verb_is(enum wf_action a)
{
	return a == WF_ACTION_DECLARE || a == WF_ACTION_UPDATE_INCIDENT ||
	       a == WF_ACTION_FILE_NOTE || a == WF_ACTION_FILE_REPORT ||
	       a == WF_ACTION_PROPOSE;
}

static int index_of(const char *const *v, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return i;
	return -1;
}

/* --- checks while the form is open --- */

static void check_id_field(struct wf_form *f, const char *name)
{
	const char *s = wf_form_get(f, name);
	if (s[0] && !wf_valid_id(s))
		wf_form_set_error(f, name, "an id: 1..64 of A-Z a-z 0-9 . _ : -");
}

static void check_one_line(struct wf_form *f, const char *name)
{
	if (strchr(wf_form_get(f, name), '\n'))
		wf_form_set_error(f, name, "one line");
}

static void validate_propose(struct wf_form *f, void *arg)
{
	struct wf_verb *v = arg;
	const char *kind = wf_form_get(f, "kind"), *ref = wf_form_get(f, "subject_ref");
	check_one_line(f, "subject");
	check_id_field(f, "subject_ref");
	check_id_field(f, "keep_platform_id");
	bool sig =
		strcmp(kind, "add_signal") == 0 || strcmp(kind, "disable_signal") == 0;
	if (sig && !ref[0])
		wf_form_set_error(f, "subject_ref", "the signal's id");
	else if (sig && v->model && !wf_model_signal(v->model, ref))
		wf_form_set_error(f, "subject_ref", "no such signal here");
	if (strcmp(kind, "triage_report") == 0 &&
	    (!ref[0] || !wf_model_report(v->model, ref)))
		wf_form_set_error(f, "subject_ref", "the report's id");
	if (strcmp(kind, "public_interest") == 0 &&
	    !wf_form_get(f, "keep_platform_id")[0]) {
		const struct wf_report *r =
			ref[0] ? wf_model_report(v->model, ref) : NULL;
		if (!r || !r->platform_id)
			wf_form_set_error(f, "keep_platform_id",
					  "the organisation that may keep the copy");
	}
	if (strcmp(kind, "notify_authority") == 0 && !wf_form_get(f, "authority")[0])
		wf_form_set_error(f, "authority", "the authority's name");
}

/* For add_signal the newest signal of the incident still proposed; for
 * disable_signal its newest active one. NULL when there is none. */
static const char *suggest_signal(const struct wf_verb *v, bool add)
{
	const struct wf_signal *sig[512];
	size_t n = wf_model_signals(v->model, v->incident_id, sig, 512);
	for (size_t i = 0; i < n; i++)
		if (sig[i]->state == (add ? WF_SIG_PROPOSED : WF_SIG_ACTIVE))
			return sig[i]->id;
	return NULL;
}

/* Shows the fields of the chosen kind; a subject still at its default follows the
 * kind, and so does the subject_ref while it names the incident or a suggestion. */
static void changed_propose(struct wf_form *f, int field, void *arg)
{
	struct wf_verb *v = arg;
	if (field != wf_form_find(f, "kind"))
		return;
	const char *kind = wf_form_get(f, "kind");
	wf_form_set_hidden(f, "proposed_tier", strcmp(kind, "change_tier") != 0);
	wf_form_set_hidden(f, "keep_platform_id", strcmp(kind, "public_interest") != 0);
	wf_form_set_hidden(f, "authority", strcmp(kind, "notify_authority") != 0);
	bool add = strcmp(kind, "add_signal") == 0;
	const char *ref = wf_form_get(f, "subject_ref");
	bool ref_default = !ref[0] || strcmp(ref, v->incident_id) == 0 ||
			   (v->prev_ref[0] && strcmp(ref, v->prev_ref) == 0);
	if (ref_default) {
		const char *sug = add || strcmp(kind, "disable_signal") == 0
					  ? suggest_signal(v, add)
					  : NULL;
		snprintf(v->prev_ref, sizeof(v->prev_ref), "%s", sug ? sug : "");
		wf_form_set(f, "subject_ref", sug ? sug : v->incident_id);
	}
	const char *subj = wf_form_get(f, "subject");
	if (!subj[0] || strcmp(subj, v->prev_subject) == 0) {
		wf_form_set(f, "subject", default_subject(kind));
		snprintf(v->prev_subject, sizeof(v->prev_subject), "%s",
			 default_subject(kind));
	}
}

static void validate_update(struct wf_form *f, void *arg)
{
	struct wf_verb *v = arg;
	const struct wf_incident *inc = wf_model_incident(v->model, v->incident_id);
	check_one_line(f, "location");
	if (inc &&
	    strcmp(wf_form_get(f, "summary"), inc->summary ? inc->summary : "") == 0 &&
	    strcmp(wf_form_get(f, "location"), inc->location ? inc->location : "") == 0)
		wf_form_set_error(f, "summary", "nothing changed");
}

static void validate_declare(struct wf_form *f, void *arg)
{
	(void)arg;
	check_one_line(f, "title");
	check_one_line(f, "location");
}

/* --- building the forms --- */

static int need_incident(struct wf_verb *v, const struct wf_verb_target *t, char *msg,
			 size_t size)
{
	if (!t->incident_id || !t->incident_id[0]) {
		snprintf(msg, size,
			 "no incident selected (1, then j/k; or i for a context)");
		return -1;
	}
	if (!wf_model_incident(v->model, t->incident_id)) {
		snprintf(msg, size, "incident %s is not known here", t->incident_id);
		return -1;
	}
	snprintf(v->incident_id, sizeof(v->incident_id), "%s", t->incident_id);
	return 0;
}

/* "Situation note on inc-3: <title>" (the title is sanitized when drawn). */
static void title_on(struct wf_verb *v, const char *what)
{
	const struct wf_incident *inc = wf_model_incident(v->model, v->incident_id);
	snprintf(v->form.title, sizeof(v->form.title), "%s on %s: %.60s", what,
		 v->incident_id, inc && inc->title ? inc->title : "");
}

static void form_declare(struct wf_verb *v)
{
	struct wf_form *f = &v->form;
	wf_form_init(f, "Declare an incident");
	wf_form_add_text(f, "title", "Title", WF_TITLE_MAX, WF_FIELD_REQUIRED);
	wf_form_add_text(f, "location", "Location", WF_LOCATION_MAX, 0);
	wf_form_add_enum(f, "tier", "Tier", tiers, NULL, N_DECLARE_TIERS,
			 index_of(tiers, N_DECLARE_TIERS, "incident"));
	wf_form_add_enum(f, "state", "State", states, NULL, ARRAY_LEN(states), 0);
	wf_form_add_multiline(f, "summary", "Summary", WF_SUMMARY_MAX, 4, 0);
	wf_form_set_hint(f, "title", "what happened, where: one line");
	wf_form_set_hooks(f, validate_declare, NULL, v);
}

static void form_update(struct wf_verb *v, const struct wf_incident *inc)
{
	struct wf_form *f = &v->form;
	wf_form_init(f, "");
	title_on(v, "Update");
	wf_form_add_text(f, "location", "Location", WF_LOCATION_MAX, 0);
	wf_form_add_multiline(f, "summary", "Summary", WF_SUMMARY_MAX, 6, 0);
	wf_form_set(f, "location", inc->location ? inc->location : "");
	wf_form_set(f, "summary", inc->summary ? inc->summary : "");
	f->focus = 1;
	v->version = inc->version;
	wf_form_set_hooks(f, validate_update, NULL, v);
}

static void form_report(struct wf_verb *v, bool note)
{
	struct wf_form *f = &v->form;
	wf_form_init(f, "");
	title_on(v, note ? "Situation note" : "Report");
	if (!note) {
		wf_form_add_enum(f, "kind", "Kind", report_kinds, NULL,
				 ARRAY_LEN(report_kinds), 0);
		wf_form_add_enum(f, "needs_decision", "Needs a decision", yes_no, NULL,
				 2, 0);
	}
	wf_form_add_multiline(f, "text", note ? "Note" : "Text", WF_TEXT_MAX, 6,
			      WF_FIELD_REQUIRED);
	wf_form_set_hint(
		f, "text",
		note ? "origin and nature of the content, what you see: Tab leaves"
		     : NULL);
}

static void form_propose(struct wf_verb *v, const struct wf_verb_target *t)
{
	struct wf_form *f = &v->form;
	wf_form_init(f, "");
	title_on(v, "Propose a decision");
	const struct wf_report *rep =
		t->report_id ? wf_model_report(v->model, t->report_id) : NULL;
	int kind =
		index_of(decision_kinds, ARRAY_LEN(decision_kinds),
			 rep ? (rep->kind == WF_REP_PUBLIC_INTEREST ? "public_interest"
								    : "triage_report")
			     : "activate");
	wf_form_add_enum(f, "kind", "Kind", decision_kinds, NULL,
			 ARRAY_LEN(decision_kinds), kind);
	wf_form_add_text(f, "subject", "Subject", WF_SUBJECT_MAX, WF_FIELD_REQUIRED);
	wf_form_add_text(f, "subject_ref", "About (id)", WF_ID_MAX, 0);
	wf_form_add_enum(f, "proposed_tier", "Proposed tier", tiers, NULL, N_TIERS,
			 index_of(tiers, N_TIERS, "content_incident"));
	wf_form_add_text(f, "keep_platform_id", "May keep (org)", WF_ID_MAX, 0);
	wf_form_add_text(f, "authority", "Authority", 200, 0);
	wf_form_add_multiline(f, "detail", "Detail", WF_TEXT_MAX, 4, 0);
	wf_form_add_enum(f, "priority", "Priority", priorities, NULL,
			 ARRAY_LEN(priorities), 0);
	wf_form_add_number(f, "due_in", "Due in (min)", 1, 7 * 24 * 60, 15);
	wf_form_set_hint(f, "subject_ref",
			 "the report, signal or incident it is about (signal for "
			 "add/disable_signal)");
	wf_form_set_hint(f, "keep_platform_id",
			 "the platform id of the news organisation");
	wf_form_set_hint(f, "authority", "e.g. NZ Police, eSafety Commissioner");
	wf_form_set_hint(f, "kind", "Left/Right or a first letter: the fields follow");
	const struct wf_incident *inc = wf_model_incident(v->model, v->incident_id);
	snprintf(v->tier_hint, sizeof(v->tier_hint), "the incident is now %.40s, %s",
		 inc && inc->tier ? inc->tier : "?",
		 inc ? wf_incident_state_name(inc->state) : "?");
	wf_form_set_hint(f, "proposed_tier", v->tier_hint);
	wf_form_set(f, "subject_ref", rep ? rep->id : v->incident_id);
	if (rep && rep->platform_id)
		wf_form_set(f, "keep_platform_id", rep->platform_id);
	wf_form_set_hooks(f, validate_propose, changed_propose, v);
	changed_propose(f, 0, v);
}

int wf_verb_open(struct wf_verb *v, enum wf_action a, const struct wf_model *m,
		 const struct wf_verb_target *t, char *msg, size_t size)
{
	memset(v, 0, sizeof(*v));
	v->action = a;
	v->model = m;
	if (!wf_verb_is(a)) {
		snprintf(msg, size, "not a form verb");
		return -1;
	}
	if (a != WF_ACTION_DECLARE && need_incident(v, t, msg, size) < 0)
		return -1;
	switch (a) {
	case WF_ACTION_DECLARE:
		form_declare(v);
		break;
	case WF_ACTION_UPDATE_INCIDENT:
		form_update(v, wf_model_incident(m, v->incident_id));
		break;
	case WF_ACTION_FILE_NOTE:
	case WF_ACTION_FILE_REPORT:
		form_report(v, a == WF_ACTION_FILE_NOTE);
		break;
	default:
		form_propose(v, t);
		break;
	}
	v->open = true;
	return 0;
}

void wf_verb_close(struct wf_verb *v)
{
	if (v->open)
		wf_form_free(&v->form);
	v->open = false;
}

int wf_verb_request(const struct wf_verb *v, struct wf_request *r, char *msg,
		    size_t size)
{
	const struct wf_form *f = &v->form;
	int rc = -1;
	memset(r, 0, sizeof(*r));
	switch (v->action) {
	case WF_ACTION_DECLARE: {
		struct wf_incident_draft d = {
			wf_form_get(f, "title"), wf_form_get(f, "location"),
			wf_form_get(f, "tier"), wf_form_get(f, "state"),
			wf_form_get(f, "summary")};
		rc = wf_request_incident_declare(r, &d);
		break;
	}
	case WF_ACTION_UPDATE_INCIDENT: {
		const struct wf_incident *inc =
			v->model ? wf_model_incident(v->model, v->incident_id) : NULL;
		const char *s = wf_form_get(f, "summary"),
			   *l = wf_form_get(f, "location");
		/* only what changed; unknown here (batch without it): both */
		bool s_same = inc && strcmp(s, inc->summary ? inc->summary : "") == 0;
		bool l_same = inc && strcmp(l, inc->location ? inc->location : "") == 0;
		rc = wf_request_incident_update(r, v->incident_id, v->version,
						s_same ? NULL : s, l_same ? NULL : l);
		break;
	}
	case WF_ACTION_FILE_NOTE:
	case WF_ACTION_FILE_REPORT: {
		bool note = v->action == WF_ACTION_FILE_NOTE;
		struct wf_report_draft d = {
			note ? "situation_note" : wf_form_get(f, "kind"),
			v->incident_id, NULL, wf_form_get(f, "text"),
			!note && strcmp(wf_form_get(f, "needs_decision"), "yes") == 0};
		rc = wf_request_report_file(r, &d);
		break;
	}
	case WF_ACTION_PROPOSE: {
		struct wf_decision_draft d = {
			.kind = wf_form_get(f, "kind"),
			.incident_id = v->incident_id,
			.subject = wf_form_get(f, "subject"),
			.subject_ref = wf_form_get(f, "subject_ref"),
			.detail = wf_form_get(f, "detail"),
			.priority = wf_form_get(f, "priority"),
			.due_in_s = wf_form_get_number(f, "due_in") * 60,
			.proposed_tier = wf_form_get(f, "proposed_tier"),
			.keep_platform_id = wf_form_get(f, "keep_platform_id"),
			.authority = wf_form_get(f, "authority"),
		};
		rc = wf_request_decision_propose(r, &d);
		break;
	}
	default:
		break;
	}
	if (rc < 0)
		snprintf(msg, size, "could not build the request");
	return rc;
}

void wf_verb_describe(const struct wf_verb *v, char *out, size_t size)
{
	const struct wf_form *f = &v->form;
	switch (v->action) {
	case WF_ACTION_DECLARE:
		snprintf(out, size, "declare (new incident)");
		break;
	case WF_ACTION_UPDATE_INCIDENT:
		snprintf(out, size, "update of %s", v->incident_id);
		break;
	case WF_ACTION_FILE_NOTE:
		snprintf(out, size, "note on %s", v->incident_id);
		break;
	case WF_ACTION_FILE_REPORT:
		snprintf(out, size, "%s report on %s", wf_form_get(f, "kind"),
			 v->incident_id);
		break;
	default:
		snprintf(out, size, "%s proposal on %s", wf_form_get(f, "kind"),
			 v->incident_id);
		break;
	}
}
