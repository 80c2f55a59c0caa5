/* verbs.h - the officer's verbs that take a form: declare an incident, update its
 * summary or location, file a situation note or a report, propose a decision. Each
 * verb is a row of the action table (actions.h); this module builds its form
 * (widgets/form.h) from the model, checks it, and turns it into a request
 * (net/request_verbs.h) for the outbox. The same forms serve --batch (fields set by
 * name with --set), so the dashboard and scripts check the same things. */
#ifndef WF_TUI_VERBS_H
#define WF_TUI_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "actions.h"
#include "model/model.h"
#include "net/request_verbs.h"
#include "widgets/form.h"

struct wf_verb {
	enum wf_action action;
	struct wf_form form;
	char incident_id[WF_ID_MAX + 1]; /* the incident it is about ("" none) */
	int64_t version;		 /* update: the incident's version seen */
	char prev_subject[WF_SUBJECT_MAX +
			  1];	      /* propose: the default subject last set */
	const struct wf_model *model; /* for checks while the form is open */
	char prev_ref[WF_ID_MAX +
		      1];   /* propose: the signal last suggested as subject */
	char tier_hint[80]; /* propose: "the incident is now <tier>, <state>" */
	bool open;
};

/* What the verb is about, from the dashboard's selection. */
struct wf_verb_target {
	const char *incident_id; /* the selected or context incident, or NULL */
	const char *report_id;	 /* the selected report (reports pane), or NULL */
};

/* True for the actions this module runs. */
bool wf_verb_is(enum wf_action a);
/* Opens the form of verb a about t. -1 with a message when it cannot apply (no
 * incident for a note, unknown incident, ...). The model must outlive the form
 * (checks read it; nothing is kept past wf_verb_close). */
int wf_verb_open(struct wf_verb *v, enum wf_action a, const struct wf_model *m,
		 const struct wf_verb_target *t, char *msg, size_t size);
void wf_verb_close(struct wf_verb *v);
/* The request the filled form stands for (call after the form was submitted, or
 * after wf_form_check() found nothing for --batch). -1 with a message otherwise. */
int wf_verb_request(const struct wf_verb *v, struct wf_request *r, char *msg,
		    size_t size);
/* A one-line description for messages: "note on inc-3", "declare", ... */
void wf_verb_describe(const struct wf_verb *v, char *out, size_t size);

#endif
