/* pane_reports.c - pane 5, a tab beside the decisions: the reports platforms and
 * officers file, open ones first (oldest first: the longest waiting on top), then
 * the closed ones newest first; kind, age, incident, platform, author and the first
 * line of the text. The detail view has the full text, the linked decision and the
 * history; the notes view reads an incident's situation notes as a conversation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "look.h"
#include "net/outbox.h"
#include "net/request_verbs.h"
#include "pane.h"
#include "widgets/format.h"
#include "widgets/text.h"

static const char *const rep_sorts[] = {"open first", "newest", "kind"};

/* qsort_r comparator; arg: the sort index (int *). */
static int cmp_reports(const void *a, const void *b, void *arg)
{
	int sort_mode = *(const int *)arg;
	const struct wf_report *x = *(const struct wf_report *const *)a;
	const struct wf_report *y = *(const struct wf_report *const *)b;
	bool xo = x->state == WF_REPST_OPEN, yo = y->state == WF_REPST_OPEN;
	if (sort_mode == 2 && x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	if (sort_mode == 0 && xo != yo)
		return xo ? -1 : 1;
	bool oldest_first = sort_mode == 0 && xo;
	if (x->created_at != y->created_at)
		return (x->created_at < y->created_at) == oldest_first ? -1 : 1;
	return strcmp(x->id, y->id);
}

static size_t rep_collect(const struct wf_pane *p, const struct wf_view_ctx *c,
			  wf_row_id *ids, size_t cap)
{
	/* every report the model holds (the oldest open ones sort first), then the
	 * first cap of them */
	size_t all = wf_model_count_reports(c->model);
	const struct wf_report **v = all ? malloc(all * sizeof(*v)) : NULL;
	if (!v)
		return 0;
	size_t n = wf_model_reports(c->model, c->context_id, v, all);
	int sort = p->sort;
	qsort_r(v, n, sizeof(v[0]), cmp_reports, &sort);
	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s", v[i]->id);
	free(v);
	return n;
}

static void rep_row_text(const struct wf_view_ctx *c, const char *id, char *buf,
			 size_t size)
{
	const struct wf_report *r = wf_model_report(c->model, id);
	if (!r) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, "%s %s %s %s %s %s %s", r->id, wf_report_kind_name(r->kind),
		 wf_report_state_name(r->state), r->incident_id ? r->incident_id : "",
		 r->platform_id ? r->platform_id : "", r->author ? r->author : "",
		 r->text ? r->text : "");
}

static const char *kind_short(enum wf_report_kind k)
{
	switch (k) {
	case WF_REP_NEW_VARIANT:
		return "variant";
	case WF_REP_REFERRAL:
		return "referral";
	case WF_REP_PUBLIC_INTEREST:
		return "pub-int";
	case WF_REP_ACTIVATION_REQUEST:
		return "activate";
	case WF_REP_SITUATION_NOTE:
		return "note";
	default:
		return "?";
	}
}

/* The state as one glyph: colour is never the only signal. */
static const char *state_glyph(enum wf_report_state s, bool ascii)
{
	if (s == WF_REPST_OPEN)
		return ascii ? "o" : "\xE2\x97\x8F"; /* ● */
	if (s == WF_REPST_TRIAGED)
		return ascii ? "+" : "\xE2\x9C\x93"; /* ✓ */
	return ascii ? "x" : "\xE2\x9C\x97";	     /* ✗ */
}

/* Columns: state 2, kind 9, age 5, incident 9, platform 8, author 10, text. */
#define TEXT_X 43
static void rep_draw_header(const struct wf_view_ctx *c, WINDOW *w, int y, int x,
			    int cols)
{
	int h = wf_theme_attr(WF_ROLE_HEADER);
	(void)c;
	wattron(w, h);
	mvwhline(w, y, x - 2, ' ', cols + 2);
	wattroff(w, h);
	wf_text_draw(w, y, x, "S KIND", 11, h);
	wf_text_draw_right(w, y, x + 11, "AGE", 4, h);
	wf_text_draw(w, y, x + 16, "INCIDENT", 8, h);
	wf_text_draw(w, y, x + 25, "PLATF", 7, h);
	wf_text_draw(w, y, x + 33, "AUTHOR", 9, h);
	if (cols > TEXT_X + 4)
		wf_text_draw(w, y, x + TEXT_X, "TEXT", cols - TEXT_X, h);
}

/* The first line of s, at most cols columns. */
static void draw_first_line(WINDOW *w, int y, int x, const char *s, int cols, int attr)
{
	if (!s || cols <= 0)
		return;
	size_t n = strcspn(s, "\n");
	wf_text_draw_n(w, y, x, s, n, cols, attr);
}

static void rep_draw_row(const struct wf_view_ctx *c, WINDOW *w, int y, int x, int cols,
			 const char *id, int attr)
{
	const struct wf_report *r = wf_model_report(c->model, id);
	char buf[32];
	if (!r)
		return;
	bool sel = attr != wf_theme_attr(WF_ROLE_TEXT);
	bool open = r->state == WF_REPST_OPEN;
	int a = open || sel ? attr : wf_theme_attr(WF_ROLE_DIM);
	wf_text_draw(w, y, x, state_glyph(r->state, c->ascii), 1,
		     open && !sel ? wf_theme_attr(WF_ROLE_DUE_SOON) : a);
	wf_text_draw(w, y, x + 2, kind_short(r->kind), 8, a);
	wf_fmt_duration(c->now - r->created_at, buf, sizeof(buf));
	wf_text_draw_right(w, y, x + 11, buf, 4, a);
	wf_text_draw(w, y, x + 16, r->incident_id ? r->incident_id : "-", 8, a);
	wf_text_draw(w, y, x + 25, r->platform_id ? r->platform_id : "-", 7, a);
	wf_text_draw(w, y, x + 33, r->author, 9, a);
	if (cols > TEXT_X + 4)
		draw_first_line(w, y, x + TEXT_X, r->text, cols - TEXT_X, a);
}

static void rep_draw(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		     struct wf_rect r)
{
	wf_pane_draw_list(p, c, w, r);
}

/* The decision about report r: its triage decision, else an open one whose
 * subject_ref names it. */
static const struct wf_decision *linked_decision(const struct wf_view_ctx *c,
						 const struct wf_report *r)
{
	const struct wf_decision *v[1024];
	if (r->decision_id && wf_model_decision(c->model, r->decision_id))
		return wf_model_decision(c->model, r->decision_id);
	size_t n = wf_model_open_decisions(c->model, WF_SORT_DEC_DUE, NULL, v, 1024);
	for (size_t i = 0; i < n; i++)
		if (v[i]->subject_ref && strcmp(v[i]->subject_ref, r->id) == 0)
			return v[i];
	return NULL;
}

static void outbox_lines(const struct wf_view_ctx *c, struct wf_lines *l,
			 const char *id)
{
	const struct wf_outbox_record *rec[64];
	char a[16];
	size_t n = c->outbox ? wf_outbox_list(c->outbox, rec, 64) : 0, shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!wf_request_is_triage_of(rec[i]->path, id)) /* the report's own */
			continue;
		if (shown++ == 0) {
			wf_lines_blank(l);
			wf_lines_printf(l, wf_theme_attr(WF_ROLE_HEADER),
					"Your actions in the outbox");
		}
		wf_fmt_clock(rec[i]->created_at, a, sizeof(a));
		wf_lines_printf(l,
				rec[i]->state >= WF_OUTBOX_CONFLICT
					? wf_theme_attr(WF_ROLE_ERROR)
					: wf_theme_attr(WF_ROLE_TEXT),
				"  %sZ  %-8s %s%s", a, rec[i]->kind,
				wf_outbox_state_name(rec[i]->state),
				rec[i]->state == WF_OUTBOX_HELD ? " (u undoes it)"
								: "");
		if (rec[i]->message[0])
			wf_lines_text(l, "      ", rec[i]->message,
				      wf_theme_attr(WF_ROLE_TEXT));
	}
}

static void rep_detail(const struct wf_view_ctx *c, struct wf_lines *l, const char *id)
{
	const struct wf_report *r = wf_model_report(c->model, id);
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_HEADER);
	char a[16];
	if (!r) {
		wf_lines_printf(l, t, "(report %s is gone)", id);
		return;
	}
	wf_lines_printf(l, wf_theme_attr(WF_ROLE_PANE_TITLE), "Report %s: %s, %s",
			r->id, wf_report_kind_name(r->kind),
			wf_report_state_name(r->state));
	wf_lines_text(l, "Incident", r->incident_id ? r->incident_id : "-", t);
	wf_lines_text(l, "Platform", r->platform_id ? r->platform_id : "-", t);
	wf_lines_text(l, "Author", r->author, t);
	wf_fmt_clock(r->created_at, a, sizeof(a));
	wf_lines_printf(l, t, "Filed: %sZ   version: %lld   needs a decision: %s", a,
			(long long)r->version, r->needs_decision ? "yes" : "no");
	if (r->reason && r->reason[0])
		wf_lines_text(l,
			      r->state == WF_REPST_DISMISSED ? "Dismissed" : "Triaged",
			      r->reason, t);
	wf_lines_blank(l);
	wf_lines_text(l, "Text", r->text, t);
	wf_lines_blank(l);
	const struct wf_decision *d = linked_decision(c, r);
	wf_lines_printf(l, h, "Linked decision");
	if (d) {
		struct wf_quorum q = wf_decision_quorum(d);
		wf_lines_printf(l, t, "  %s  %s  %s  %zu vote(s), quorum %d/%d", d->id,
				wf_decision_kind_name(d->kind),
				wf_decision_state_name(d->state), d->n_votes,
				q.approvals, q.needed);
		wf_lines_text(l, "  subject", d->subject, t);
	} else {
		wf_lines_printf(l, wf_theme_attr(WF_ROLE_DIM),
				"  none (P proposes one about this report)");
	}
	wf_lines_blank(l);
	wf_lines_printf(l, h, "History");
	wf_lines_printf(l, t, "  %sZ  filed", a);
	wf_lines_text(l, "      by", r->author, t);
	for (size_t i = 0; d && i < d->n_votes; i++) {
		wf_fmt_clock(d->votes[i].at, a, sizeof(a));
		wf_lines_printf(l, t, "  %sZ  %s on %s", a,
				wf_vote_action_name(d->votes[i].action), d->id);
		wf_lines_text(l, "      by", d->votes[i].by, t);
		if (d->votes[i].reason && *d->votes[i].reason)
			wf_lines_text(l, "  reason", d->votes[i].reason, t);
	}
	if (r->state != WF_REPST_OPEN)
		wf_lines_printf(l, t, "  now %s (version %lld)",
				wf_report_state_name(r->state), (long long)r->version);
	outbox_lines(c, l, r->id);
	wf_lines_blank(l);
	wf_lines_printf(
		l, wf_theme_attr(WF_ROLE_DIM),
		"t triaged  x dismissed (reason)  P propose a decision about it");
}

static int cmp_oldest(const void *a, const void *b)
{
	const struct wf_report *x = *(const struct wf_report *const *)a;
	const struct wf_report *y = *(const struct wf_report *const *)b;
	if (x->created_at != y->created_at)
		return x->created_at < y->created_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

size_t wf_pane_reports_notes(const struct wf_view_ctx *c, struct wf_lines *l,
			     const char *incident_id)
{
	const struct wf_incident *inc = wf_model_incident(c->model, incident_id);
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_PANE_TITLE);
	char a[16];
	size_t all = wf_model_count_reports(c->model), k = 0;
	const struct wf_report **v = all ? malloc(all * sizeof(*v)) : NULL;
	size_t n = v ? wf_model_reports(c->model, incident_id, v, all) : 0;
	if (n > 1)
		qsort(v, n, sizeof(v[0]), cmp_oldest);
	wf_lines_text(l, "Incident", inc && inc->title ? inc->title : incident_id, h);
	wf_lines_blank(l);
	for (size_t i = 0; i < n; i++) {
		if (v[i]->kind != WF_REP_SITUATION_NOTE)
			continue;
		k++;
		wf_fmt_clock(v[i]->created_at, a, sizeof(a));
		char who[160], plat[100] = "";
		wf_text_sanitize(v[i]->author, strlen(v[i]->author), 40, c->ascii, who,
				 sizeof(who));
		if (v[i]->platform_id)
			wf_text_sanitize(v[i]->platform_id, strlen(v[i]->platform_id),
					 30, c->ascii, plat, sizeof(plat));
		wf_lines_printf(l, wf_theme_attr(WF_ROLE_HEADER), "%sZ  %s%s%s%s", a,
				who, plat[0] ? " (" : "", plat, plat[0] ? ")" : "");
		wf_lines_text(l, NULL, v[i]->text, t);
		wf_lines_blank(l);
	}
	free(v);
	if (k == 0)
		wf_lines_printf(l, wf_theme_attr(WF_ROLE_DIM),
				"No situation notes yet: n files one.");
	return k;
}

const struct wf_pane_ops wf_pane_reports = {
	.name = "reports",
	.title = "5 Reports",
	.sorts = rep_sorts,
	.n_sorts = 3,
	.collect = rep_collect,
	.row_text = rep_row_text,
	.draw = rep_draw,
	.draw_row = rep_draw_row,
	.draw_header = rep_draw_header,
	.draw_detail = rep_detail,
};
