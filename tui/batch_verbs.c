/* batch_verbs.c - the officer's verbs in --batch (--declare, --propose, --triage,
 * ...): the same action table rows and permission gate as the dashboard's keys, the
 * same forms and checks (tui/verbs.h) filled from --set NAME=VALUE, the same
 * requests (net/request_verbs.h) into the same outbox. */
#include "batch_verbs.h"

#include <stdio.h>
#include <string.h>

#include "net/outbox.h"
#include "net/request_verbs.h"
#include "tui/actions.h"
#include "tui/verbs.h"
#include "widgets/text.h"

static int apply_set(const struct wf_verb_spec *v, struct wf_form *f, size_t k, int i);

static void verb_err(const struct wf_verb_spec *v, const char *a, const char *b)
{
	fputs("watchfloor: ", stderr);
	wf_text_fputs(stderr, v->action, 32);
	if (v->target[0]) {
		fputc(' ', stderr);
		wf_text_fputs(stderr, v->target, 64);
	}
	fputs(": ", stderr);
	wf_text_fputs(stderr, a, 400);
	if (b && *b) {
		fputc(' ', stderr);
		wf_text_fputs(stderr, b, 400);
	}
	fputc('\n', stderr);
}

int wf_batch_verbs_refused(const struct wf_options *o)
{
	int bad = 0;
	for (size_t i = 0; i < o->n_verbs; i++) {
		const struct wf_verb_spec *v = &o->verbs[i];
		const struct wf_action_def *d =
			wf_action_def(wf_action_by_name(v->action));
		if (d && wf_action_permitted(d, o->read_only, o->wall))
			continue;
		verb_err(v, o->read_only ? "read-only: not available" : "not available",
			 NULL);
		bad++;
	}
	return bad;
}

/* Fills the form from --set, the enum fields first (they show or hide others);
 * -1 (said) on an unknown field or enum value. */
static int apply_sets(const struct wf_verb_spec *v, struct wf_form *f)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < v->n_set; k++) {
			int i = wf_form_find(f, v->set[k].name);
			bool is_enum = i >= 0 && f->fields[i].kind == WF_FIELD_ENUM;
			if ((pass == 0) != is_enum)
				continue;
			if (apply_set(v, f, k, i) < 0)
				return -1;
		}
	return 0;
}
static int apply_set(const struct wf_verb_spec *v, struct wf_form *f, size_t k, int i)
{
	char fields[400] = "";
	if (i < 0 || f->fields[i].hidden) {
		for (int j = 0; j < f->n; j++) {
			size_t len = strlen(fields);
			snprintf(fields + len, sizeof(fields) - len, "%s%s",
				 j ? " " : "", f->fields[j].name);
		}
		char m[480];
		snprintf(m, sizeof(m), "no field '%.31s' here (fields: %s)",
			 v->set[k].name, fields);
		verb_err(v, m, NULL);
		return -1;
	}
	wf_form_set(f, v->set[k].name, v->set[k].value);
	if (strcmp(wf_form_get(f, v->set[k].name), v->set[k].value) != 0) {
		char m[200];
		snprintf(m, sizeof(m),
			 "field '%s': not a value it takes (or too long):",
			 v->set[k].name);
		verb_err(v, m, v->set[k].value);
		return -1;
	}
	if (f->changed) /* fields that depend on it (propose: kind) */
		f->changed(f, i, f->arg);

	return 0;
}

/* The request of one verb, or -1 (said). */
static int verb_request(const struct wf_verb_spec *v, const struct wf_model *m,
			struct wf_request *r)
{
	enum wf_action a = wf_action_by_name(v->action);
	char msg[200];
	memset(r, 0, sizeof(*r));
	if (a == WF_ACTION_TRIAGE || a == WF_ACTION_DISMISS) {
		const struct wf_report *rep = wf_model_report(m, v->target);
		if (!rep) {
			verb_err(v, "no such report", NULL);
			return -1;
		}
		return wf_request_report_triage(r, rep->id, a == WF_ACTION_DISMISS,
						v->reason, rep->version);
	}
	struct wf_verb verb;
	struct wf_verb_target t = {v->target[0] ? v->target : NULL, NULL};
	if (wf_verb_open(&verb, a, m, &t, msg, sizeof(msg)) < 0) {
		verb_err(v, msg, NULL);
		return -1;
	}
	int rc = apply_sets(v, &verb.form);
	if (rc == 0 && wf_form_check(&verb.form) > 0) {
		for (int i = 0; i < verb.form.n; i++)
			if (verb.form.fields[i].error[0]) {
				char m2[200];
				snprintf(m2, sizeof(m2),
					 "field '%s':", verb.form.fields[i].name);
				verb_err(v, m2, verb.form.fields[i].error);
			}
		rc = -1;
	}
	if (rc == 0 && wf_verb_request(&verb, r, msg, sizeof(msg)) < 0) {
		verb_err(v, msg, NULL);
		rc = -1;
	}
	wf_verb_close(&verb);
	return rc;
}

int wf_batch_verbs_enqueue(const struct wf_options *o, struct wf_outbox *ob,
			   const struct wf_model *m, int64_t now_ms, uint64_t *ids)
{
	int bad = 0;
	for (size_t i = 0; i < o->n_verbs; i++) {
		struct wf_request r;
		ids[i] = 0;
		if (!ob) {
			verb_err(&o->verbs[i], "no outbox", NULL);
			bad++;
			continue;
		}
		if (verb_request(&o->verbs[i], m, &r) < 0) {
			bad++;
			continue;
		}
		if (wf_outbox_enqueue_request(ob, &r, now_ms, &ids[i]) != 0) {
			verb_err(&o->verbs[i], wf_outbox_error(ob), NULL);
			bad++;
		}
		wf_request_clear(&r);
	}
	return bad;
}

int wf_batch_verbs_report(const struct wf_options *o, const struct wf_outbox *ob,
			  const uint64_t *ids)
{
	int bad = 0;
	for (size_t i = 0; ob && i < o->n_verbs; i++) {
		if (!ids[i])
			continue;
		const struct wf_outbox_record *r = wf_outbox_get(ob, ids[i]);
		if (!r) {
			verb_err(&o->verbs[i], "sent", NULL);
			continue;
		}
		bad++;
		verb_err(&o->verbs[i], wf_outbox_state_name(r->state), r->message);
	}
	return bad;
}
