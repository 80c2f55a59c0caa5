/* pane_decisions.c - pane 4: the queue of open decisions with kind, subject,
 * countdown to the due time, proposer and votes; sorted by due time (s cycles);
 * overdue ones stand out (colour and the word OVERDUE). The detail view shows the
 * full text, the votes and the history. Triage keys act on the selected id. */
#include <stdio.h>
#include <string.h>

#include "detail_match.h"
#include "look.h"
#include "net/outbox.h"
#include "net/request_verbs.h"
#include "pane.h"
#include "widgets/format.h"
#include "widgets/text.h"

#define DEC_MAX 1024

static const char *const dec_sorts[] = {"due", "priority", "newest"};

static size_t dec_collect(const struct wf_pane *p, const struct wf_view_ctx *c,
			  wf_row_id *ids, size_t cap)
{
	static const size_t max = DEC_MAX;
	const struct wf_decision *v[DEC_MAX];
	size_t n = wf_model_open_decisions(c->model, (enum wf_decision_sort)p->sort,
					   c->context_id, v, cap < max ? cap : max);
	for (size_t i = 0; i < n; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s", v[i]->id);
	return n;
}

static void dec_row_text(const struct wf_view_ctx *c, const char *id, char *buf,
			 size_t size)
{
	const struct wf_decision *d = wf_model_decision(c->model, id);
	if (!d) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, "%s %s %s %s %s %s", d->id, wf_decision_kind_name(d->kind),
		 wf_priority_name(d->priority), d->subject ? d->subject : "",
		 d->proposer ? d->proposer : "", d->incident_id ? d->incident_id : "");
}

/* Right of the subject: due 8, proposer 12, quorum 5 ("1/2": approvals/needed). */
#define DEC_RIGHT 27

static void dec_draw_header(const struct wf_view_ctx *c, WINDOW *w, int y, int x,
			    int cols)
{
	int h = wf_theme_attr(WF_ROLE_HEADER);
	int rx = x + cols - DEC_RIGHT;
	(void)c;
	wattron(w, h);
	mvwhline(w, y, x - 2, ' ', cols + 2);
	wattroff(w, h);
	wf_text_draw(w, y, x, "P KIND", 10, h);
	wf_text_draw(w, y, x + 11, "SUBJECT", rx - x - 11, h);
	wf_text_draw_right(w, y, rx, "DUE", 8, h);
	wf_text_draw(w, y, rx + 9, "PROPOSER", 12, h);
	wf_text_draw_right(w, y, rx + 21, "QUOR", 5, h);
}

static void dec_draw_row(const struct wf_view_ctx *c, WINDOW *w, int y, int x, int cols,
			 const char *id, int attr)
{
	const struct wf_decision *d = wf_model_decision(c->model, id);
	char buf[32];
	if (!d)
		return;
	bool sel = attr != wf_theme_attr(WF_ROLE_TEXT);
	int64_t left = d->due_at - c->now;
	bool overdue = left < 0;
	if (overdue && !sel) {
		attr = wf_theme_attr(WF_ROLE_OVERDUE);
		wattron(w, attr);
		mvwhline(w, y, x, ' ', cols);
		wattroff(w, attr);
	}
	int rx = x + cols - DEC_RIGHT;
	const char *pr = d->priority == WF_PRIO_HIGH ? "!" : d->priority == WF_PRIO_LOW ? "." : " ";
	wf_text_draw(w, y, x, pr, 1,
		     sel || overdue || d->priority != WF_PRIO_HIGH ? attr
							      : wf_theme_attr(WF_ROLE_PRIORITY_HIGH));
	wf_text_draw(w, y, x + 2, wf_look_kind(d->kind), 8, attr);
	int sx = x + 11;
	if (d->state == WF_DECST_ESCALATED)
		sx += wf_text_draw(w, y, sx, "[ESC] ", 6, attr);
	wf_text_draw(w, y, sx, d->subject, rx - sx - (overdue ? 3 : 1), attr);
	if (overdue) {
		wf_fmt_duration(-left, buf, sizeof(buf));
		char o[40];
		snprintf(o, sizeof(o), "OVER %s", buf);
		wf_text_draw_right(w, y, rx - 1, o, 9, attr | A_BOLD);
	} else {
		wf_fmt_duration(left, buf, sizeof(buf));
		bool soon = left < 5 * 60000;
		wf_text_draw_right(w, y, rx, buf, 8,
				   soon && !sel ? wf_theme_attr(WF_ROLE_DUE_SOON) : attr);
	}
	wf_text_draw(w, y, rx + 9, d->proposer, 11, attr);
	/* approvals/needed; a trailing * when our organisation's vote already counted */
	struct wf_quorum q = wf_decision_quorum(d);
	const char *org = wf_model_conn(c->model)->org;
	bool ours = org[0] && wf_decision_org_vote(d, org) != WF_VOTE__COUNT;
	snprintf(buf, sizeof(buf), "%d/%d%s", q.approvals, q.needed, ours ? "*" : "");
	wf_text_draw_right(w, y, rx + 21, buf, 5, attr);
}

static void dec_draw(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		     struct wf_rect r)
{
	wf_pane_draw_list(p, c, w, r);
}

/* "Quorum: 1 of 2 organisations approved: p-fb", the rejections, and a warning when
 * our own organisation's vote already counted. */
static void dec_quorum_lines(const struct wf_view_ctx *c, struct wf_lines *l,
			     const struct wf_decision *d)
{
	int t = wf_theme_attr(WF_ROLE_TEXT);
	char orgs[400];
	struct wf_quorum q = wf_decision_quorum(d);
	wf_lines_printf(l, wf_theme_attr(WF_ROLE_HEADER),
			"Quorum: %d of %d organisation%s approved, %d rejected", q.approvals,
			q.needed, q.needed == 1 ? "" : "s", q.rejections);
	for (int k = 0; k < 2; k++) {
		char *const *v = k == 0 ? d->approved_by : d->rejected_by;
		size_t n = k == 0 ? d->n_approved_by : d->n_rejected_by, o = 0;
		orgs[0] = '\0';
		for (size_t i = 0; i < n && o + 4 < sizeof(orgs); i++) {
			o += (size_t)snprintf(orgs + o, sizeof(orgs) - o, "%s%s", i ? ", " : "",
					      v[i]);
			if (o >= sizeof(orgs))
				o = sizeof(orgs) - 1;
		}
		if (n)
			wf_lines_text(l, k == 0 ? "  approved by" : "  rejected by", orgs, t);
	}
	const char *org = wf_model_conn(c->model)->org;
	enum wf_vote_action mine = org[0] ? wf_decision_org_vote(d, org) : WF_VOTE__COUNT;
	if (mine != WF_VOTE__COUNT) {
		char safe[120];
		wf_text_sanitize(org, strlen(org), 40, c->ascii, safe, sizeof(safe));
		wf_lines_printf(l, wf_theme_attr(WF_ROLE_DUE_SOON),
				"  Your organisation (%s) already %s: another approve or reject "
				"from it does not count.",
				safe, mine == WF_VOTE_APPROVE ? "approved" : "rejected");
	}
}

static void dec_detail(const struct wf_view_ctx *c, struct wf_lines *l, const char *id)
{
	const struct wf_decision *d = wf_model_decision(c->model, id);
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_HEADER);
	char a[16], b[16];
	if (!d) {
		wf_lines_printf(l, t, "(decision %s is gone)", id);
		return;
	}
	wf_lines_text(l, "Decision", d->subject, wf_theme_attr(WF_ROLE_PANE_TITLE));
	wf_lines_text(l, "Id", d->id, t);
	wf_lines_printf(l, t, "Kind: %s   priority: %s   state: %s   version: %lld",
			wf_decision_kind_name(d->kind), wf_priority_name(d->priority),
			wf_decision_state_name(d->state), (long long)d->version);
	wf_lines_text(l, "Incident", d->incident_id ? d->incident_id : "-", t);
	wf_lines_text(l, "About", d->subject_ref ? d->subject_ref : "-", t);
	wf_lines_text(l, "Proposer", d->proposer, t);
	wf_fmt_clock(d->created_at, a, sizeof(a));
	wf_lines_printf(l, t, "Created: %sZ", a);
	wf_fmt_clock(d->due_at, a, sizeof(a));
	int64_t left = d->due_at - c->now;
	wf_fmt_duration(left < 0 ? -left : left, b, sizeof(b));
	wf_lines_printf(l, left < 0 ? wf_theme_attr(WF_ROLE_OVERDUE) : t, "Due: %sZ (%s %s)",
			a, left < 0 ? "overdue by" : "in", b);
	if (d->proposed_tier)
		wf_lines_text(l, "Proposed tier", d->proposed_tier, t);
	if (d->keep_platform_id)
		wf_lines_text(l, "May keep", d->keep_platform_id, t);
	if (d->authority)
		wf_lines_text(l, "Authority", d->authority, t);
	wf_lines_blank(l);
	dec_quorum_lines(c, l, d);
	wf_lines_blank(l);
	wf_lines_text(l, "Detail", d->detail && *d->detail ? d->detail : "-", t);
	if (d->rationale && *d->rationale)
		wf_lines_text(l, "Rationale", d->rationale, t);
	if (d->subject_ref && wf_model_signal(c->model, d->subject_ref)) {
		wf_lines_blank(l);
		wf_detail_signal(c, l, d->subject_ref);
	}
	wf_lines_blank(l);
	wf_lines_printf(l, h, "Votes and history (%zu)", d->n_votes);
	for (size_t i = 0; i < d->n_votes; i++) {
		const struct wf_vote *v = &d->votes[i];
		wf_fmt_clock(v->at, a, sizeof(a));
		bool quorum_vote = v->action == WF_VOTE_APPROVE || v->action == WF_VOTE_REJECT;
		wf_lines_printf(l, t, "  %sZ  %-8s%s", a, wf_vote_action_name(v->action),
				quorum_vote && v->org && !v->counted
					? " (not counted: organisation already voted)"
					: "");
		wf_lines_text(l, "      by", v->by, t);
		if (v->org)
			wf_lines_text(l, "     org", v->org, t);
		if (v->reason && *v->reason)
			wf_lines_text(l, "  reason", v->reason, t);
	}
	if (c->outbox) {
		const struct wf_outbox_record *r[64];
		size_t n = wf_outbox_list(c->outbox, r, 64), shown = 0;
		for (size_t i = 0; i < n; i++) {
			if (!wf_request_is_resolve_of(r[i]->path, d->id))
				continue;
			if (shown++ == 0) {
				wf_lines_blank(l);
				wf_lines_printf(l, h, "Your actions in the outbox");
			}
			wf_fmt_clock(r[i]->created_at, a, sizeof(a));
			wf_lines_printf(l, r[i]->state >= WF_OUTBOX_CONFLICT ? wf_theme_attr(WF_ROLE_ERROR) : t,
					"  %sZ  %-8s %s%s", a, r[i]->kind,
					wf_outbox_state_name(r[i]->state),
					r[i]->state == WF_OUTBOX_HELD ? " (u undoes it)" : "");
			if (r[i]->message[0])
				wf_lines_text(l, "      ", r[i]->message, t);
		}
	}
}

const struct wf_pane_ops wf_pane_decisions = {
	.name = "decisions",
	.title = "4 Pending decisions",
	.sorts = dec_sorts,
	.n_sorts = 3,
	.collect = dec_collect,
	.row_text = dec_row_text,
	.draw = dec_draw,
	.draw_row = dec_draw_row,
	.draw_header = dec_draw_header,
	.draw_detail = dec_detail,
};
