/* ui_verbs.c - the officer's verbs on the dashboard: a form verb (tui/verbs.h) opened
 * over the panes, its keys, and on confirmation the request into the outbox (held,
 * undoable with u); triage and dismissal of reports (reason prompt, tags); the notes
 * view; resending votes that met a conflict (S). Dispatch (ui_keys.c) has already
 * passed the permission gate. */
#include <stdio.h>
#include <string.h>

#include "net/outbox.h"
#include "net/request_verbs.h"
#include "themes/theme.h"
#include "ui.h"
#include "widgets/frame.h"
#include "widgets/text.h"

/* Queues r and makes it the one u undoes. Returns 0 or -1 (message shown). */
static int enqueue_request(struct wf_ui *ui, const struct wf_request *r,
			   const char *what)
{
	uint64_t id;
	if (!ui->outbox) {
		wf_ui_message(ui, WF_ROLE_ERROR, "no outbox: nothing was queued");
		return -1;
	}
	if (wf_outbox_enqueue_request(ui->outbox, r, ui->now, &id) != 0) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s not queued: %s", what,
			      wf_outbox_error(ui->outbox));
		return -1;
	}
	ui->undo_ids[0] = id;
	ui->n_undo = 1;
	return 0;
}

unsigned wf_ui_verb_start(struct wf_ui *ui, enum wf_action a)
{
	struct wf_view_ctx c;
	char msg[200];
	if (!ui->outbox) {
		wf_ui_message(ui, WF_ROLE_ERROR, "no outbox: %s is not available",
			      wf_action_def(a)->name);
		return WF_REACT_DRAW;
	}
	wf_ui_view_ctx(ui, &c);
	struct wf_verb_target t = {c.focus_incident, NULL};
	const struct wf_pane *rp = &ui->panes[WF_PANE_REPORTS];
	if (ui->focus == WF_PANE_REPORTS) {
		t.report_id = rp->detail ? rp->detail_id : wf_pane_selected(rp);
		const struct wf_report *r =
			t.report_id ? wf_model_report(ui->model, t.report_id) : NULL;
		if (r && r->incident_id) /* the report's own incident */
			t.incident_id = r->incident_id;
	}
	if (ui->focus == WF_PANE_INCIDENTS && ui->panes[WF_PANE_INCIDENTS].detail)
		t.incident_id = ui->panes[WF_PANE_INCIDENTS].detail_id;
	if (wf_verb_open(&ui->verb, a, ui->model, &t, msg, sizeof(msg)) < 0) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s: %s", wf_action_def(a)->name, msg);
		return WF_REACT_DRAW;
	}
	char note[200];
	snprintf(note, sizeof(note),
		 "Sent through the outbox: held a few seconds first, u undoes it.");
	wf_form_set_note(&ui->verb.form, note);
	ui->tag_prefix = false;
	return WF_REACT_DRAW;
}

unsigned wf_ui_form_key(struct wf_ui *ui, wint_t ch, bool is_key)
{
	char what[160], msg[200];
	enum wf_form_result res = wf_form_key(&ui->verb.form, ch, is_key);
	ui->dirty = true;
	if (res == WF_FORM_NONE)
		return WF_REACT_NONE;
	if (res == WF_FORM_CHANGED)
		return WF_REACT_DRAW;
	wf_verb_describe(&ui->verb, what, sizeof(what));
	if (res == WF_FORM_CANCEL) {
		wf_ui_message(ui, WF_ROLE_DIM, "cancelled: nothing was queued (%s)",
			      what);
		wf_verb_close(&ui->verb);
		return WF_REACT_DRAW;
	}
	/* submitted: one request, into the outbox */
	struct wf_request r;
	if (wf_verb_request(&ui->verb, &r, msg, sizeof(msg)) < 0) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s: %s", what, msg);
		ui->verb.form.mode = WF_FORM_EDIT;
		return WF_REACT_DRAW;
	}
	if (enqueue_request(ui, &r, what) == 0)
		wf_ui_message(ui, WF_ROLE_PROMPT, "%s queued: u undoes it while held",
			      what);
	wf_request_clear(&r);
	wf_verb_close(&ui->verb);
	return WF_REACT_DRAW;
}

void wf_ui_draw_form(struct wf_ui *ui, WINDOW *w)
{
	struct wf_form_style st = {
		.border = wf_theme_attr(WF_ROLE_PANE_TITLE),
		.title = wf_theme_attr(WF_ROLE_PANE_TITLE_FOCUS),
		.label = wf_theme_attr(WF_ROLE_HEADER),
		.value = wf_theme_attr(WF_ROLE_TEXT) | A_UNDERLINE,
		.focus = wf_theme_attr(WF_ROLE_SELECTED),
		.error = wf_theme_attr(WF_ROLE_ERROR),
		.dim = wf_theme_attr(WF_ROLE_DIM),
		.ascii = ui->ascii,
	};
	/* at most 100 columns and the rows the form needs, centred over the panes */
	int h = getmaxy(w), wd = getmaxx(w);
	int fh = wf_form_height(&ui->verb.form), fw = wd > 100 ? 100 : wd;
	if (fh < 12)
		fh = 12;
	if (fh > h)
		fh = h;
	werase(w);
	WINDOW *box = derwin(w, fh, fw, (h - fh) / 2, (wd - fw) / 2);
	wf_form_draw(&ui->verb.form, box ? box : w, &st);
	if (box)
		delwin(box);
	wnoutrefresh(w);
}

/* True when triaging r now would be refused: its open triage decision needs more
 * organisations than this one vote (the server answers 422); the decision's id
 * into dec. */
static bool needs_more_orgs(struct wf_ui *ui, const struct wf_report *r,
			    const char **dec)
{
	const struct wf_decision *d =
		r->decision_id ? wf_model_decision(ui->model, r->decision_id) : NULL;
	if (!d || !wf_decision_state_open(d->state))
		return false;
	struct wf_quorum q = wf_decision_quorum(d);
	bool dismiss = ui->triage.action == WF_ACTION_DISMISS;
	*dec = d->id;
	return (dismiss ? q.rejections : q.approvals) + 1 < q.needed;
}

size_t wf_ui_report_targets(struct wf_ui *ui, struct wf_ui_triage *t, size_t *held)
{
	struct wf_pane *p = &ui->panes[WF_PANE_REPORTS];
	const char *dec = NULL;
	size_t held_back = 0;
	t->n = 0;
	for (size_t i = 0;
	     i < (ui->tag_prefix ? p->n_tags : 1) && t->n < WF_PANE_TAGS_MAX; i++) {
		const char *id = ui->tag_prefix ? p->tags[i]
				 : p->detail	? p->detail_id
						: wf_pane_selected(p);
		const struct wf_report *r = id ? wf_model_report(ui->model, id) : NULL;
		if (!r || r->state != WF_REPST_OPEN)
			continue;
		if (needs_more_orgs(ui, r, &dec)) {
			held_back++;
			continue;
		}
		snprintf(t->ids[t->n], sizeof(t->ids[0]), "%s", r->id);
		t->versions[t->n++] = r->version;
	}
	if (held_back)
		wf_ui_message(ui, WF_ROLE_ERROR,
			      "%zu report%s wait%s for a quorum of organisations: vote "
			      "on its "
			      "decision (%s, pane 4) instead",
			      held_back, held_back == 1 ? "" : "s",
			      held_back == 1 ? "s" : "", dec);
	*held = held_back;
	return t->n;
}

size_t wf_ui_report_enqueue(struct wf_ui *ui)
{
	struct wf_ui_triage *t = &ui->triage;
	bool dismiss = t->action == WF_ACTION_DISMISS;
	size_t ok = 0;
	ui->n_undo = 0;
	for (size_t i = 0; ui->outbox && i < t->n; i++) {
		struct wf_request r;
		uint64_t id;
		if (wf_request_report_triage(&r, t->ids[i], dismiss, t->reason,
					     t->versions[i]) == 0 &&
		    wf_outbox_enqueue_request(ui->outbox, &r, ui->now, &id) == 0) {
			ui->undo_ids[ui->n_undo++] = id;
			ok++;
		}
		wf_request_clear(&r);
	}
	const char *verb = dismiss ? "dismiss" : "triage";
	if (!ui->outbox)
		wf_ui_message(ui, WF_ROLE_ERROR, "no outbox: nothing was queued");
	else if (ok == t->n && ok == 1)
		wf_ui_message(ui, WF_ROLE_PROMPT,
			      "%s %s queued: u undoes it while held", verb, t->ids[0]);
	else if (ok == t->n)
		wf_ui_message(ui, WF_ROLE_PROMPT,
			      "%s queued for %zu reports: u undoes them", verb, ok);
	else
		wf_ui_message(ui, WF_ROLE_ERROR, "queued %zu of %zu: %s", ok, t->n,
			      wf_outbox_error(ui->outbox));
	if (t->n > 1 || ui->tag_prefix)
		wf_pane_tags_clear(&ui->panes[WF_PANE_REPORTS]);
	return ok;
}

unsigned wf_ui_notes_open(struct wf_ui *ui)
{
	struct wf_view_ctx c;
	wf_ui_view_ctx(ui, &c);
	const char *inc = c.focus_incident;
	const struct wf_pane *rp = &ui->panes[WF_PANE_REPORTS];
	if (ui->focus == WF_PANE_REPORTS && wf_pane_selected(rp)) {
		const struct wf_report *r =
			wf_model_report(ui->model, wf_pane_selected(rp));
		if (r && r->incident_id)
			inc = r->incident_id;
	}
	if (ui->notes_view) {
		ui->notes_view = false;
		return WF_REACT_DRAW;
	}
	if (!inc) {
		wf_ui_message(ui, WF_ROLE_ERROR, "notes: no incident selected");
		return WF_REACT_DRAW;
	}
	snprintf(ui->notes_incident, sizeof(ui->notes_incident), "%s", inc);
	ui->notes_view = true;
	ui->notes_skip = -1; /* newest last: open at the end */
	ui->help = ui->outbox_view = false;
	return WF_REACT_DRAW;
}

void wf_ui_draw_notes(struct wf_ui *ui, WINDOW *w, const struct wf_view_ctx *c)
{
	char title[128];
	werase(w);
	snprintf(title, sizeof(title), "Situation notes of %s (newest last)",
		 ui->notes_incident);
	wf_frame_draw(w, title, "n new note  Esc back  j/k scroll",
		      wf_theme_attr(WF_ROLE_PANE_TITLE),
		      wf_theme_attr(WF_ROLE_PANE_TITLE_FOCUS));
	int rows = getmaxy(w) - 2;
	/* a dry run counts the lines, so that -1 shows the end */
	struct wf_lines count = {w, 1, 2, 0, getmaxx(w) - 4, 1 << 30, 0};
	wf_pane_reports_notes(c, &count, ui->notes_incident);
	int max_skip = count.line > rows ? count.line - rows : 0;
	/* at the end (opened, or scrolled down to it) a new note stays in view */
	if (ui->notes_skip < 0 || ui->notes_skip >= ui->notes_max ||
	    ui->notes_skip > max_skip)
		ui->notes_skip = max_skip;
	ui->notes_max = max_skip;
	struct wf_lines l = {w, 1, 2, rows, getmaxx(w) - 4, ui->notes_skip, 0};
	wf_pane_reports_notes(c, &l, ui->notes_incident);
	wnoutrefresh(w);
}

/* The votes S resends: conflicting resolve records whose decision is still open
 * here. */
static size_t resendable(struct wf_ui *ui, const struct wf_outbox_record **out,
			 size_t cap)
{
	const struct wf_outbox_record *r[256];
	size_t n = ui->outbox ? wf_outbox_list(ui->outbox, r, 256) : 0, k = 0;
	for (size_t i = 0; i < n && k < cap; i++) {
		struct wf_request req;
		char id[WF_ID_MAX + 1];
		if (r[i]->state != WF_OUTBOX_CONFLICT ||
		    wf_request_resolve_again(&req, r[i]->path, r[i]->body, 0, id,
					     sizeof(id)) < 0)
			continue;
		wf_request_clear(&req);
		const struct wf_decision *d = wf_model_decision(ui->model, id);
		if (d && wf_decision_state_open(d->state))
			out[k++] = r[i];
	}
	return k;
}

unsigned wf_ui_resend_start(struct wf_ui *ui)
{
	const struct wf_outbox_record *r[64];
	size_t k = resendable(ui, r, 64);
	if (k == 0) {
		wf_ui_message(
			ui, WF_ROLE_DIM,
			"nothing to resend (no vote in conflict on an open decision)");
		return WF_REACT_DRAW;
	}
	ui->triage.action = WF_ACTION_RESEND;
	ui->triage.n = 0;
	ui->prompt = WF_PROMPT_CONFIRM;
	ui->prompt_err[0] = '\0';
	if (k == 1) {
		struct wf_request req;
		char id[WF_ID_MAX + 1];
		wf_request_resolve_again(&req, r[0]->path, r[0]->body, 0, id,
					 sizeof(id));
		wf_request_clear(&req);
		const struct wf_decision *d = wf_model_decision(ui->model, id);
		struct wf_quorum q = wf_decision_quorum(d);
		snprintf(ui->prompt_buf, sizeof(ui->prompt_buf),
			 "Someone voted first on %s (now %d/%d, version %lld): resend "
			 "your %s "
			 "with that version? y/n",
			 id, q.approvals, q.needed, (long long)d->version, r[0]->kind);
	} else {
		snprintf(ui->prompt_buf, sizeof(ui->prompt_buf),
			 "Resend %zu votes that met a conflict, each with its "
			 "decision's current "
			 "version? y/n",
			 k);
	}
	ui->dirty = true;
	return WF_REACT_DRAW;
}

void wf_ui_resend_now(struct wf_ui *ui)
{
	const struct wf_outbox_record *r[64];
	size_t k = resendable(ui, r, 64), ok = 0;
	uint64_t old[64];
	struct wf_request req[64];
	/* build every request first: the records' pointers last until the outbox
	 * changes */
	for (size_t i = 0; i < k; i++) {
		char id[WF_ID_MAX + 1];
		const struct wf_decision *d;
		old[i] = r[i]->id;
		if (wf_request_resolve_again(&req[i], r[i]->path, r[i]->body, 0, id,
					     sizeof(id)) == 0 &&
		    (d = wf_model_decision(ui->model, id)) != NULL) {
			wf_request_clear(&req[i]);
			wf_request_resolve_again(&req[i], r[i]->path, r[i]->body,
						 d->version, id, sizeof(id));
		}
	}
	ui->n_undo = 0;
	for (size_t i = 0; i < k; i++) {
		uint64_t id;
		if (req[i].body &&
		    wf_outbox_enqueue(ui->outbox, req[i].kind, req[i].path, req[i].body,
				      ui->now, &id) == 0) {
			ui->undo_ids[ui->n_undo++] = id;
			wf_outbox_drop(ui->outbox,
				       old[i]); /* the new record replaces it */
			ok++;
		}
		wf_request_clear(&req[i]);
	}
	if (ok == k)
		wf_ui_message(ui, WF_ROLE_PROMPT,
			      "resent %zu vote%s: u undoes %s while held", ok,
			      ok == 1 ? "" : "s", ok == 1 ? "it" : "them");
	else
		wf_ui_message(ui, WF_ROLE_ERROR, "resent %zu of %zu: %s", ok, k,
			      wf_outbox_error(ui->outbox));
}
