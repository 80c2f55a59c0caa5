/* ui_keys.c - keys to actions: prompts (filter, command line, reason, confirm),
 * navigation, and wf_ui_dispatch(), the one place where read-only refuses an action
 * marked MUTATES. Triage actions go to the outbox bound to decision ids and versions. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <wctype.h>

#include "net/outbox.h"
#include "net/request_verbs.h"
#include "themes/theme.h"
#include "ui.h"
#include "widgets/text.h"

static void prompt_open(struct wf_ui *ui, enum wf_prompt_kind k, const char *initial)
{
	ui->prompt = k;
	snprintf(ui->prompt_buf, sizeof(ui->prompt_buf), "%s", initial ? initial : "");
	ui->prompt_err[0] = '\0';
	ui->dirty = true;
}

static void prompt_close(struct wf_ui *ui)
{
	ui->prompt = WF_PROMPT_NONE;
	ui->prompt_buf[0] = '\0';
	ui->prompt_err[0] = '\0';
	ui->dirty = true;
}

static struct wf_pane *focused(struct wf_ui *ui)
{
	return &ui->panes[ui->focus];
}

/* Live filter: compiled on every keystroke, errors shown in place. */
static void filter_preview(struct wf_ui *ui)
{
	char err[200];
	ui->rows_stale = true;
	if (wf_pane_set_filter(focused(ui), ui->prompt_buf, err, sizeof(err)) < 0)
		snprintf(ui->prompt_err, sizeof(ui->prompt_err), "%s", err);
	else
		ui->prompt_err[0] = '\0';
	ui->dirty = true;
}

static const char *action_verb(enum wf_action a)
{
	switch (a) {
	case WF_ACTION_APPROVE:
		return "approve";
	case WF_ACTION_REJECT:
		return "reject";
	case WF_ACTION_ESCALATE:
		return "escalate";
	default:
		return "note";
	}
}

static void triage_enqueue(struct wf_ui *ui)
{
	struct wf_ui_triage *t = &ui->triage;
	size_t ok = 0;
	if (wf_action_def(t->action)->flags & WF_ACT_REPORTS) {
		wf_ui_report_enqueue(ui);
		return;
	}
	ui->n_undo = 0;
	if (!ui->outbox) {
		wf_ui_message(ui, WF_ROLE_ERROR, "no outbox: nothing was queued");
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		struct wf_request r;
		uint64_t id;
		if (wf_request_decision_resolve(&r, t->ids[i], action_verb(t->action),
						t->reason, t->versions[i]) == 0 &&
		    wf_outbox_enqueue_request(ui->outbox, &r, ui->now, &id) == 0) {
			ui->undo_ids[ui->n_undo++] = id;
			ok++;
		}
		wf_request_clear(&r);
	}
	if (ok == t->n && ok == 1)
		wf_ui_message(ui, WF_ROLE_PROMPT, "%s %s queued: u undoes it while held",
			      action_verb(t->action), t->ids[0]);
	else if (ok == t->n)
		wf_ui_message(ui, WF_ROLE_PROMPT, "%s queued for %zu decisions: u undoes them",
			      action_verb(t->action), ok);
	else
		wf_ui_message(ui, WF_ROLE_ERROR, "queued %zu of %zu: %s", ok, t->n,
			      wf_outbox_error(ui->outbox));
	if (t->n > 1 || ui->tag_prefix)
		wf_pane_tags_clear(&ui->panes[WF_PANE_DECISIONS]);
}

static void triage_confirm_text(struct wf_ui *ui)
{
	struct wf_ui_triage *t = &ui->triage;
	const struct wf_decision *d = wf_model_decision(ui->model, t->ids[0]);
	char subj[160] = "", what[200] = "This closes the decision.";
	bool approve = t->action == WF_ACTION_APPROVE;
	if (d && d->subject)
		wf_text_sanitize(d->subject, strlen(d->subject), 60, ui->ascii, subj,
				 sizeof(subj));
	if (d) {
		/* with a quorum one vote may not close it: say what this one does */
		struct wf_quorum q = wf_decision_quorum(d);
		const char *org = wf_model_conn(ui->model)->org;
		enum wf_vote_action mine = org[0] ? wf_decision_org_vote(d, org) : WF_VOTE__COUNT;
		int have = approve ? q.approvals : q.rejections;
		if (mine != WF_VOTE__COUNT)
			snprintf(what, sizeof(what),
				 "Your organisation already %s: this vote will not count.",
				 mine == WF_VOTE_APPROVE ? "approved" : "rejected");
		else if (have + 1 < q.needed)
			snprintf(what, sizeof(what),
				 "Counts %d of %d organisations needed: it stays open.", have + 1,
				 q.needed);
	}
	if (t->n == 1)
		snprintf(ui->prompt_buf, sizeof(ui->prompt_buf), "%s \"%s\" [%s]? %s y/n",
			 approve ? "Approve" : "Reject", subj, t->ids[0], what);
	else
		snprintf(ui->prompt_buf, sizeof(ui->prompt_buf),
			 "%s %zu tagged decisions? Each vote counts toward its quorum. y/n",
			 approve ? "Approve" : "Reject", t->n);
}

/* Enter on the reason prompt. */
static void reason_done(struct wf_ui *ui)
{
	struct wf_ui_triage *t = &ui->triage;
	if (!ui->prompt_buf[0] && t->action != WF_ACTION_APPROVE &&
	    t->action != WF_ACTION_TRIAGE) {
		snprintf(ui->prompt_err, sizeof(ui->prompt_err), "a reason is required");
		ui->dirty = true;
		return;
	}
	snprintf(t->reason, sizeof(t->reason), "%s", ui->prompt_buf);
	if (wf_action_def(t->action)->flags & WF_ACT_CONFIRM) {
		ui->prompt = WF_PROMPT_CONFIRM;
		triage_confirm_text(ui);
		ui->dirty = true;
		return;
	}
	prompt_close(ui);
	triage_enqueue(ui);
	ui->tag_prefix = false;
}

static unsigned prompt_enter(struct wf_ui *ui)
{
	char line[1001];
	switch (ui->prompt) {
	case WF_PROMPT_FILTER:
		if (ui->prompt_err[0])
			return WF_REACT_DRAW; /* fix it or Esc */
		prompt_close(ui);
		return WF_REACT_DRAW;
	case WF_PROMPT_COMMAND:
		snprintf(line, sizeof(line), "%s", ui->prompt_buf);
		prompt_close(ui);
		return wf_ui_command(ui, line);
	case WF_PROMPT_REASON:
		reason_done(ui);
		return WF_REACT_DRAW;
	default:
		return WF_REACT_NONE;
	}
}

static void drop_now(struct wf_ui *ui);

static unsigned prompt_cancel(struct wf_ui *ui)
{
	if (ui->prompt == WF_PROMPT_FILTER) {
		char err[200];
		wf_pane_set_filter(focused(ui), ui->prompt_saved, err, sizeof(err));
		ui->rows_stale = true;
	}
	if (ui->prompt == WF_PROMPT_REASON || ui->prompt == WF_PROMPT_CONFIRM) {
		wf_ui_message(ui, WF_ROLE_DIM, ui->triage.action == WF_ACTION_DROP
						       ? "cancelled: nothing was dropped"
						       : "cancelled: nothing was queued");
		ui->tag_prefix = false;
	}
	prompt_close(ui);
	return WF_REACT_DRAW;
}

static void buf_append(char *buf, size_t size, wint_t ch)
{
	char enc[8];
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t n = wcrtomb(enc, (wchar_t)ch, &st);
	size_t len = strlen(buf);
	if (n == (size_t)-1 || len + n + 1 > size)
		return;
	memcpy(buf + len, enc, n);
	buf[len + n] = '\0';
}

static void buf_backspace(char *buf)
{
	size_t len = strlen(buf);
	while (len > 0) {
		len--;
		if (((unsigned char)buf[len] & 0xC0) != 0x80)
			break;
	}
	buf[len] = '\0';
}

static unsigned prompt_key(struct wf_ui *ui, wint_t ch, bool is_key)
{
	if (ui->prompt == WF_PROMPT_CONFIRM || ui->prompt == WF_PROMPT_QUIT) {
		bool yes = !is_key && (ch == 'y' || ch == 'Y');
		enum wf_prompt_kind k = ui->prompt;
		prompt_close(ui);
		if (k == WF_PROMPT_QUIT)
			return yes ? WF_REACT_QUIT : WF_REACT_DRAW;
		bool drop = ui->triage.action == WF_ACTION_DROP;
		if (yes && drop)
			drop_now(ui);
		else if (yes && ui->triage.action == WF_ACTION_RESEND)
			wf_ui_resend_now(ui);
		else if (yes)
			triage_enqueue(ui);
		else
			wf_ui_message(ui, WF_ROLE_DIM, drop ? "cancelled: nothing was dropped"
							    : "cancelled: nothing was queued");
		ui->tag_prefix = false;
		return WF_REACT_DRAW;
	}
	if (!is_key && (ch == '\n' || ch == '\r'))
		return prompt_enter(ui);
	if (is_key && ch == KEY_ENTER)
		return prompt_enter(ui);
	if (!is_key && ch == WF_KEY_ESC)
		return prompt_cancel(ui);
	if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
		if (!ui->prompt_buf[0] && ui->prompt != WF_PROMPT_REASON)
			return prompt_cancel(ui);
		buf_backspace(ui->prompt_buf);
	} else if (!is_key && ch == WF_KEY_CTRL('u')) {
		ui->prompt_buf[0] = '\0';
	} else if (!is_key && ch >= 32 && iswprint(ch)) {
		buf_append(ui->prompt_buf, ui->prompt == WF_PROMPT_FILTER ? 256 : sizeof(ui->prompt_buf), ch);
	} else {
		return WF_REACT_NONE;
	}
	ui->prompt_err[0] = '\0';
	if (ui->prompt == WF_PROMPT_FILTER)
		filter_preview(ui);
	ui->dirty = true;
	return WF_REACT_DRAW;
}

unsigned wf_ui_key(struct wf_ui *ui, wint_t ch, bool is_key)
{
	if (is_key && ch == KEY_RESIZE) {
		wf_ui_resize(ui);
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	}
	if (ui->verb.open) /* a form has every key until it is sent or cancelled */
		return wf_ui_form_key(ui, ch, is_key);
	if (is_key && ch == KEY_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) != OK)
			return WF_REACT_NONE;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		return wf_ui_mouse(ui, ev.y, ev.x, (unsigned long)ev.bstate,
				   (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	}
	if (ui->prompt != WF_PROMPT_NONE)
		return prompt_key(ui, ch, is_key);
	if (ui->layout == WF_LAYOUT_TOO_SMALL) {
		if (!is_key && ch == 'q')
			return WF_REACT_QUIT;
		if (!is_key && ch == WF_KEY_CTRL('l'))
			return wf_ui_dispatch(ui, WF_ACTION_REDRAW);
		return WF_REACT_NONE;
	}
	int key = (int)ch;
	if (!is_key && ch > 126)
		return WF_REACT_NONE;
	enum wf_action a = wf_action_for_key(key);
	if (a == WF_ACTION_NONE)
		return WF_REACT_NONE;
	return wf_ui_dispatch(ui, a);
}

/* Collects the decisions an action applies to: the tagged ones after `;`, else the
 * one in the detail view, else the selected one. */
static size_t triage_targets(struct wf_ui *ui, struct wf_ui_triage *t)
{
	struct wf_pane *p = &ui->panes[WF_PANE_DECISIONS];
	t->n = 0;
	if (ui->tag_prefix) {
		for (size_t i = 0; i < p->n_tags && t->n < WF_PANE_TAGS_MAX; i++) {
			const struct wf_decision *d = wf_model_decision(ui->model, p->tags[i]);
			if (!d || !wf_decision_state_open(d->state))
				continue;
			snprintf(t->ids[t->n], sizeof(t->ids[0]), "%s", d->id);
			t->versions[t->n++] = d->version;
		}
		return t->n;
	}
	const char *id = p->detail ? p->detail_id : wf_pane_selected(p);
	const struct wf_decision *d = id ? wf_model_decision(ui->model, id) : NULL;
	if (d) {
		snprintf(t->ids[0], sizeof(t->ids[0]), "%s", d->id);
		t->versions[0] = d->version;
		t->n = 1;
	}
	return t->n;
}

static unsigned act_undo(struct wf_ui *ui)
{
	size_t undone = 0;
	if (!ui->outbox || ui->n_undo == 0) {
		wf_ui_message(ui, WF_ROLE_DIM, "nothing to undo");
		return WF_REACT_DRAW;
	}
	for (size_t i = 0; i < ui->n_undo; i++)
		if (wf_outbox_undo(ui->outbox, ui->undo_ids[i]) == 0)
			undone++;
	if (undone == ui->n_undo)
		wf_ui_message(ui, WF_ROLE_PROMPT, "undone: %zu action%s never sent", undone,
			      undone == 1 ? "" : "s");
	else
		wf_ui_message(ui, WF_ROLE_ERROR, "too late: %zu of %zu already sent",
			      ui->n_undo - undone, ui->n_undo);
	ui->n_undo = 0;
	return WF_REACT_DRAW;
}

/* The outbox records D would drop (refused or in conflict) into ids. */
static size_t droppable(struct wf_ui *ui, uint64_t *ids, size_t cap)
{
	const struct wf_outbox_record *r[256];
	size_t n = ui->outbox ? wf_outbox_list(ui->outbox, r, 256) : 0, k = 0;
	for (size_t i = 0; i < n && k < cap; i++)
		if (r[i]->state == WF_OUTBOX_CONFLICT || r[i]->state == WF_OUTBOX_FAILED)
			ids[k++] = r[i]->id;
	return k;
}

/* y on the drop confirmation. */
static void drop_now(struct wf_ui *ui)
{
	uint64_t ids[256];
	size_t dropped = 0, k = droppable(ui, ids, 256);
	for (size_t i = 0; i < k; i++)
		if (wf_outbox_drop(ui->outbox, ids[i]) == 0)
			dropped++;
	wf_ui_message(ui, WF_ROLE_PROMPT, "dropped %zu outbox record%s", dropped,
		      dropped == 1 ? "" : "s");
}

/* :export [md|json|stix] [FILE]: the record of the focused incident (the
 * context, else the selected one) from the backend, written by the loop's hook. */
static unsigned ui_export(struct wf_ui *ui, const char *args)
{
	char format[16] = "md", path[1024] = "", msg[300] = "";
	struct wf_view_ctx c;
	wf_ui_view_ctx(ui, &c);
	const char *inc = c.focus_incident;
	size_t n = strcspn(args, " ");
	if (n && n < sizeof(format) &&
	    (!strncmp(args, "md", n) || !strncmp(args, "json", n) || !strncmp(args, "stix", n))) {
		memcpy(format, args, n);
		format[n] = '\0';
		args += n;
		while (*args == ' ')
			args++;
	} else if (n && args[n] == ' ') {
		wf_ui_message(ui, WF_ROLE_ERROR, "export: format md, json or stix, then a file");
		return WF_REACT_DRAW;
	}
	snprintf(path, sizeof(path), "%s", args);
	if (!inc) {
		wf_ui_message(ui, WF_ROLE_ERROR, "export: no incident selected");
		return WF_REACT_DRAW;
	}
	int rc = wf_screen_export(&ui->hooks, inc, format, path[0] ? path : NULL, msg,
				  sizeof(msg));
	wf_ui_message(ui, rc < 0 ? WF_ROLE_ERROR : WF_ROLE_DIM, "%s", msg);
	return WF_REACT_DRAW;
}

/* Dropping discards officers' decisions for good: it asks first (CONFIRM). */
static unsigned act_drop(struct wf_ui *ui)
{
	uint64_t ids[256];
	if (!ui->outbox)
		return WF_REACT_NONE;
	size_t k = droppable(ui, ids, 256);
	if (k == 0) {
		wf_ui_message(ui, WF_ROLE_DIM, "nothing to drop (no refused or conflicting record)");
		return WF_REACT_DRAW;
	}
	if (!(wf_action_def(WF_ACTION_DROP)->flags & WF_ACT_CONFIRM)) {
		drop_now(ui);
		return WF_REACT_DRAW;
	}
	ui->triage.action = WF_ACTION_DROP;
	ui->triage.n = 0;
	prompt_open(ui, WF_PROMPT_CONFIRM, NULL);
	snprintf(ui->prompt_buf, sizeof(ui->prompt_buf),
		 "Drop %zu refused or conflicting outbox record%s for good? The decision%s "
		 "in %s will not be sent. y/n",
		 k, k == 1 ? "" : "s", k == 1 ? "" : "s", k == 1 ? "it" : "them");
	return WF_REACT_DRAW;
}

static unsigned act_nav(struct wf_ui *ui, enum wf_action a)
{
	struct wf_pane *p = focused(ui);
	int page = p->page_rows > 1 ? p->page_rows - 1 : 1;
	if (ui->help || ui->notes_view || p->detail) {
		int *skip = ui->help ? &ui->help_skip
			    : ui->notes_view ? &ui->notes_skip : &p->detail_skip;
		int d = a == WF_ACTION_DOWN ? 1 : a == WF_ACTION_UP ? -1
			: a == WF_ACTION_PAGE_DOWN ? ui->rows - 6
			: a == WF_ACTION_PAGE_UP ? -(ui->rows - 6)
			: a == WF_ACTION_TOP ? -1000000 : 1000000;
		*skip += d;
		if (*skip < 0)
			*skip = 0;
		return WF_REACT_DRAW;
	}
	switch (a) {
	case WF_ACTION_DOWN:
		wf_pane_move(p, 1);
		break;
	case WF_ACTION_UP:
		wf_pane_move(p, -1);
		break;
	case WF_ACTION_PAGE_DOWN:
		wf_pane_move(p, page);
		break;
	case WF_ACTION_PAGE_UP:
		wf_pane_move(p, -page);
		break;
	case WF_ACTION_TOP:
		wf_pane_select_index(p, 0);
		break;
	default:
		wf_pane_select_index(p, (int)p->n - 1);
		break;
	}
	return WF_REACT_DRAW;
}

static unsigned set_focus(struct wf_ui *ui, int i)
{
	ui->focus = (i + WF_UI_PANES) % WF_UI_PANES;
	if (ui->focus >= WF_PANE_DECISIONS)
		ui->slot = ui->focus; /* decisions and reports share a place: show it */
	ui->help = false;
	ui->outbox_view = false;
	ui->notes_view = false;
	return WF_REACT_DRAW;
}

unsigned wf_ui_dispatch(struct wf_ui *ui, enum wf_action a)
{
	const struct wf_action_def *d = wf_action_def(a);
	struct wf_pane *p = focused(ui);
	if (!d)
		return WF_REACT_NONE;
	ui->dirty = true;
	if (ui->rows_stale ||
	    (!ui->paused && wf_model_generation(ui->model) != ui->drawn_gen))
		wf_ui_refresh(ui);
	/* The read-only gate (tui/actions.c): refuses a mutating action. */
	if (!wf_action_permitted(d, ui->read_only, false)) {
		wf_ui_message(ui, WF_ROLE_ERROR, "read-only: %s is not available", d->name);
		ui->tag_prefix = false;
		return WF_REACT_DRAW;
	}
	if ((d->flags & WF_ACT_DECISIONS) && ui->focus != WF_PANE_DECISIONS) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s works on the decisions pane (4)", d->name);
		return WF_REACT_DRAW;
	}
	if ((d->flags & WF_ACT_REPORTS) && ui->focus != WF_PANE_REPORTS) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s works on the reports pane (5)", d->name);
		return WF_REACT_DRAW;
	}
	if ((d->flags & WF_ACT_INCIDENTS) && ui->focus != WF_PANE_INCIDENTS) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s works on the incidents pane (1)", d->name);
		return WF_REACT_DRAW;
	}
	bool tagged_run = ui->tag_prefix && (d->flags & WF_ACT_TAGGABLE);
	if ((d->flags & WF_ACT_NEEDS_SEL) && !tagged_run && !wf_pane_selected(p) &&
	    !(p->detail && a != WF_ACTION_OPEN)) {
		wf_ui_message(ui, WF_ROLE_ERROR, "%s: nothing selected", d->name);
		return WF_REACT_DRAW;
	}
	if (ui->tag_prefix && a != WF_ACTION_TAG_APPLY && !(d->flags & WF_ACT_TAGGABLE))
		ui->tag_prefix = false;
	switch (a) {
	case WF_ACTION_HELP:
		ui->help = !ui->help;
		ui->help_skip = 0;
		ui->outbox_view = false;
		return WF_REACT_DRAW;
	case WF_ACTION_OUTBOX:
		ui->outbox_view = !ui->outbox_view;
		ui->help = false;
		return WF_REACT_DRAW;
	case WF_ACTION_QUIT:
		if (ui->help || ui->outbox_view || ui->notes_view) {
			ui->help = ui->outbox_view = ui->notes_view = false;
			return WF_REACT_DRAW;
		}
		if (ui->outbox && wf_outbox_count(ui->outbox) > 0) {
			prompt_open(ui, WF_PROMPT_QUIT, NULL);
			snprintf(ui->prompt_buf, sizeof(ui->prompt_buf),
				 "%zu action(s) in the outbox (%zu held, not sent yet): quit anyway? "
				 "%s y/n",
				 wf_outbox_count(ui->outbox),
				 wf_outbox_count_state(ui->outbox, WF_OUTBOX_HELD),
				 ui->quit_note ? ui->quit_note : "They are sent on the next start.");
			return WF_REACT_DRAW;
		}
		return WF_REACT_QUIT;
	case WF_ACTION_COMMAND:
		prompt_open(ui, WF_PROMPT_COMMAND, NULL);
		return WF_REACT_DRAW;
	case WF_ACTION_NEXT_PANE:
		return set_focus(ui, ui->focus + 1);
	case WF_ACTION_PREV_PANE:
		return set_focus(ui, ui->focus - 1);
	case WF_ACTION_PANE1:
	case WF_ACTION_PANE2:
	case WF_ACTION_PANE3:
	case WF_ACTION_PANE4:
	case WF_ACTION_PANE5:
		return set_focus(ui, a - WF_ACTION_PANE1); /* PANEn: pane id n - 1 */
	case WF_ACTION_ZOOM:
		ui->zoom = !ui->zoom;
		wf_ui_resize(ui);
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	case WF_ACTION_DOWN:
	case WF_ACTION_UP:
	case WF_ACTION_PAGE_DOWN:
	case WF_ACTION_PAGE_UP:
	case WF_ACTION_TOP:
	case WF_ACTION_BOTTOM:
		return act_nav(ui, a);
	case WF_ACTION_OPEN:
		if (p->detail)
			return WF_REACT_NONE;
		p->detail = true;
		p->detail_skip = 0;
		snprintf(p->detail_id, sizeof(p->detail_id), "%s", wf_pane_selected(p));
		return WF_REACT_DRAW;
	case WF_ACTION_BACK:
		if (ui->help)
			ui->help = false;
		else if (ui->outbox_view)
			ui->outbox_view = false;
		else if (ui->notes_view)
			ui->notes_view = false;
		else if (p->detail)
			p->detail = false;
		else if (ui->tag_prefix)
			ui->tag_prefix = false;
		return WF_REACT_DRAW;
	case WF_ACTION_FILTER:
		snprintf(ui->prompt_saved, sizeof(ui->prompt_saved), "%s", p->filter_src);
		prompt_open(ui, WF_PROMPT_FILTER, p->filter_src);
		return WF_REACT_DRAW;
	case WF_ACTION_SORT:
		p->sort = (p->sort + 1) % p->ops->n_sorts;
		ui->rows_stale = true;
		wf_ui_message(ui, WF_ROLE_DIM, "%s sorted by %s", p->ops->name,
			      p->ops->sorts[p->sort]);
		return WF_REACT_DRAW;
	case WF_ACTION_CONTEXT: {
		const char *id = p->detail ? p->detail_id : wf_pane_selected(p);
		ui->rows_stale = true;
		if (strcmp(ui->context_id, id) == 0) {
			ui->context_id[0] = '\0';
			wf_ui_message(ui, WF_ROLE_DIM, "context: all incidents");
		} else {
			snprintf(ui->context_id, sizeof(ui->context_id), "%s", id);
			wf_ui_message(ui, WF_ROLE_DIM, "context: incident %s (i again: all)", id);
		}
		return WF_REACT_DRAW;
	}
	case WF_ACTION_APPROVE:
	case WF_ACTION_REJECT:
	case WF_ACTION_ESCALATE:
	case WF_ACTION_NOTE:
		ui->triage.action = a;
		if (triage_targets(ui, &ui->triage) == 0) {
			wf_ui_message(ui, WF_ROLE_ERROR, "%s: no open decision %s", d->name,
				      ui->tag_prefix ? "tagged" : "selected");
			ui->tag_prefix = false;
			return WF_REACT_DRAW;
		}
		prompt_open(ui, WF_PROMPT_REASON, NULL);
		return WF_REACT_DRAW;
	case WF_ACTION_TRIAGE:
	case WF_ACTION_DISMISS:
		ui->triage.action = a;
		size_t held = 0;
		if (wf_ui_report_targets(ui, &ui->triage, &held) == 0) {
			if (!held)
				wf_ui_message(ui, WF_ROLE_ERROR, "%s: no open report %s", d->name,
					      ui->tag_prefix ? "tagged" : "selected");
			ui->tag_prefix = false;
			return WF_REACT_DRAW;
		}
		prompt_open(ui, WF_PROMPT_REASON, NULL);
		return WF_REACT_DRAW;
	case WF_ACTION_DECLARE:
	case WF_ACTION_UPDATE_INCIDENT:
	case WF_ACTION_FILE_NOTE:
	case WF_ACTION_FILE_REPORT:
	case WF_ACTION_PROPOSE:
		ui->notes_view = false;
		return wf_ui_verb_start(ui, a);
	case WF_ACTION_NOTES:
		return wf_ui_notes_open(ui);
	case WF_ACTION_TAG:
		wf_pane_tag_toggle(p, wf_pane_selected(p));
		wf_pane_move(p, 1);
		return WF_REACT_DRAW;
	case WF_ACTION_TAG_APPLY:
		if (p->n_tags == 0) {
			wf_ui_message(ui, WF_ROLE_ERROR, "; : nothing is tagged (space tags)");
			return WF_REACT_DRAW;
		}
		ui->tag_prefix = true;
		return WF_REACT_DRAW;
	case WF_ACTION_UNTAG:
		wf_pane_tags_clear(p);
		return WF_REACT_DRAW;
	case WF_ACTION_UNDO:
		return act_undo(ui);
	case WF_ACTION_DROP:
		return act_drop(ui);
	case WF_ACTION_RESEND:
		return wf_ui_resend_start(ui);
	case WF_ACTION_THEME:
		return wf_ui_command(ui, "theme");
	case WF_ACTION_EXPORT:
		return wf_ui_command(ui, "export");
	case WF_ACTION_PAUSE:
		ui->paused = !ui->paused;
		ui->paused_gen = wf_model_generation(ui->model);
		return WF_REACT_DRAW;
	case WF_ACTION_REDRAW:
		ui->full = true;
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	case WF_ACTION_RELOAD: {
		char msg[512];
		int bad = wf_screen_reload(&ui->hooks, msg, sizeof(msg));
		wf_ui_message(ui, bad ? WF_ROLE_ERROR : WF_ROLE_DIM, "%s", msg);
		ui->msg_until = ui->now + (bad ? 20000 : 5000);
		return WF_REACT_DRAW;
	}
	case WF_ACTION__COUNT:
	case WF_ACTION_NONE:
		break;
	}
	return WF_REACT_NONE;
}

unsigned wf_ui_command(struct wf_ui *ui, const char *line)
{
	char name[64] = "";
	const char *args;
	while (*line == ' ')
		line++;
	size_t n = strcspn(line, " ");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, line, n);
	name[n] = '\0';
	args = line + n;
	while (*args == ' ')
		args++;
	ui->dirty = true;
	if (!name[0])
		return WF_REACT_DRAW;
	if (strcmp(name, "filter") == 0) {
		char err[200];
		ui->rows_stale = true;
		if (wf_pane_set_filter(focused(ui), args, err, sizeof(err)) < 0)
			wf_ui_message(ui, WF_ROLE_ERROR, "filter: %s", err);
		return WF_REACT_DRAW;
	}
	if (strcmp(name, "export") == 0)
		return ui_export(ui, args);
	if (strcmp(name, "theme") == 0) {
		char msg[256];
		if (wf_screen_theme(&ui->hooks, *args ? args : NULL, msg, sizeof(msg)) < 0) {
			wf_ui_message(ui, WF_ROLE_ERROR, "%s", msg);
			return WF_REACT_DRAW;
		}
		wf_ui_message(ui, WF_ROLE_DIM, "%s", msg);
		ui->full = true;
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	}
	enum wf_action a = wf_action_by_name(name);
	if (a == WF_ACTION_NONE || a == WF_ACTION_COMMAND) {
		char safe[64];
		wf_text_sanitize(name, strlen(name), 30, ui->ascii, safe, sizeof(safe));
		wf_ui_message(ui, WF_ROLE_ERROR, "unknown command: %s (? lists them)", safe);
		return WF_REACT_DRAW;
	}
	return wf_ui_dispatch(ui, a);
}

void wf_ui_outbox_changed(struct wf_ui *ui)
{
	const struct wf_outbox_record *r[256];
	if (!ui->outbox)
		return;
	ui->dirty = true;
	size_t n = wf_outbox_list(ui->outbox, r, 256);
	for (size_t i = 0; i < n; i++) {
		if (r[i]->state != WF_OUTBOX_CONFLICT && r[i]->state != WF_OUTBOX_FAILED)
			continue;
		bool seen = false;
		for (size_t k = 0; k < ui->n_announced; k++)
			seen = seen || ui->announced[k] == r[i]->id;
		if (seen)
			continue;
		if (ui->n_announced == 64)
			ui->n_announced = 0;
		ui->announced[ui->n_announced++] = r[i]->id;
		char safe[200];
		wf_text_sanitize(r[i]->message, strlen(r[i]->message), 100, ui->ascii, safe,
				 sizeof(safe));
		wf_ui_message(ui, WF_ROLE_ERROR, "%s %s: %s%s (o shows, D dismisses)", r[i]->kind,
			      r[i]->state == WF_OUTBOX_CONFLICT ? "conflict, someone decided first"
								: "refused",
			      r[i]->status ? "" : "", safe);
		ui->msg_until = ui->now + 20000;
	}
}
