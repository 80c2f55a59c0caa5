/* pane_incidents.c - pane 1: every incident with tier, state, title, age, uploads
 * per minute and its trend, platforms hit and blocked share; its detail view is the
 * incident's timeline (with the exceptions granted and authorities notified),
 * signals (proposed, rejected, disabled) and per-platform table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail_match.h"
#include "look.h"
#include "notify/watch.h"
#include "pane.h"
#include "widgets/format.h"
#include "widgets/text.h"

#define INC_MAX 512

static const char *const inc_sorts[] = {"severity", "rate", "age"};

static size_t inc_collect(const struct wf_pane *p, const struct wf_view_ctx *c,
			  wf_row_id *ids, size_t cap)
{
	const struct wf_incident *v[INC_MAX];
	size_t n = wf_model_incidents(c->model, (enum wf_incident_sort)p->sort, c->now, v,
				      cap < INC_MAX ? cap : INC_MAX);
	for (size_t i = 0; i < n; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s", v[i]->id);
	return n;
}

static void inc_row_text(const struct wf_view_ctx *c, const char *id, char *buf,
			 size_t size)
{
	const struct wf_incident *inc = wf_model_incident(c->model, id);
	if (!inc) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, size, "%s %s %s %s %s", inc->id, inc->tier ? inc->tier : "",
		 wf_incident_state_name(inc->state), inc->title ? inc->title : "",
		 inc->location ? inc->location : "");
}

/* Column widths right of the title: age 5, rate 7, platforms 4, blocked 5. */
#define INC_RIGHT 23

static void inc_draw_header(const struct wf_view_ctx *c, WINDOW *w, int y, int x,
			    int cols)
{
	int h = wf_theme_attr(WF_ROLE_HEADER);
	int tw = cols - 5 - 8 - INC_RIGHT;
	(void)c;
	wattron(w, h);
	mvwhline(w, y, x - 2, ' ', cols + 2);
	wattroff(w, h);
	wf_text_draw(w, y, x, "TIER", 4, h);
	wf_text_draw(w, y, x + 5, "STATE", 7, h);
	wf_text_draw(w, y, x + 13, "TITLE", tw, h);
	wf_text_draw_right(w, y, x + cols - INC_RIGHT, "AGE", 5, h);
	wf_text_draw_right(w, y, x + cols - INC_RIGHT + 5, "UP/MIN", 7, h);
	wf_text_draw_right(w, y, x + cols - INC_RIGHT + 12, "PLAT", 5, h);
	wf_text_draw_right(w, y, x + cols - INC_RIGHT + 17, "BLK", 5, h);
}

static void inc_draw_row(const struct wf_view_ctx *c, WINDOW *w, int y, int x, int cols,
			 const char *id, int attr)
{
	const struct wf_incident *inc = wf_model_incident(c->model, id);
	char buf[64];
	if (!inc)
		return;
	bool sel = attr != wf_theme_attr(WF_ROLE_TEXT);
	enum wf_role role = wf_look_tier(inc, buf, sizeof(buf));
	wf_text_draw(w, y, x, buf, 4, sel ? attr : wf_theme_attr(role));
	wf_text_draw(w, y, x + 5, wf_look_state(inc->state), 7,
		     sel ? attr : wf_theme_attr(wf_look_state_role(inc->state)));
	int tw = cols - 13 - INC_RIGHT - 1;
	if (wf_look_watched(c->watch, WF_WATCH_TITLE, inc->title)) {
		int hl = sel ? attr : wf_theme_attr(WF_ROLE_WATCH);
		wf_text_draw(w, y, x + 12, "*", 1, hl);
		wf_text_draw(w, y, x + 13, inc->title, tw, hl);
	} else {
		wf_text_draw(w, y, x + 13, inc->title, tw, attr);
	}
	int rx = x + cols - INC_RIGHT;
	wf_fmt_duration(c->now - inc->opened_at, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx, buf, 5, attr);
	struct wf_rates r;
	wf_model_rates(c->model, inc->id, NULL, c->now, &r);
	enum wf_role trole;
	const char *arrow = wf_look_trend(r.accel, r.rate5, c->ascii, &trole);
	wf_fmt_count(r.rate1, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 5, buf, 6, attr);
	wf_text_draw(w, y, rx + 11, arrow, 1, sel ? attr : wf_theme_attr(trole));
	snprintf(buf, sizeof(buf), "%d", wf_look_platforms_hit(c->model, inc->id, c->now));
	wf_text_draw_right(w, y, rx + 12, buf, 5, attr);
	wf_fmt_percent(r.blocked_share15, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 17, buf, 5, attr);
}

static void inc_draw(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		     struct wf_rect r)
{
	wf_pane_draw_list(p, c, w, r);
}

static void time_line(struct wf_lines *l, const struct wf_view_ctx *c,
		      const char *what, int64_t t)
{
	char clk[16], ago[16];
	if (!t)
		return;
	wf_fmt_clock(t, clk, sizeof(clk));
	wf_fmt_duration(c->now - t, ago, sizeof(ago));
	wf_lines_printf(l, wf_theme_attr(WF_ROLE_TEXT), "  %sZ  %-5s ago  %s", clk, ago,
			what);
}

struct tl_entry {
	int64_t t;
	const char *what;
	const struct wf_report *rep;
	const struct wf_decision *dec;
	const struct wf_exception *exc;
	const struct wf_notification *ntf;
};

/* Organisations as "a, b" (untrusted: shown through wf_lines_text). */
static const char *orgs_text(char *const *v, size_t n, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used + 1 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", v[i]);
	return buf;
}

/* An exception granted or an authority notified, as timeline lines. */
static void record_lines(const struct wf_view_ctx *c, struct wf_lines *l,
			 const struct tl_entry *e)
{
	int t = wf_theme_attr(WF_ROLE_TEXT);
	char orgs[400];
	if (e->exc) {
		const struct wf_exception *x = e->exc;
		time_line(l, c, "public-interest exception granted", e->t);
		wf_lines_text(l, "         keeps", x->platform_id ? x->platform_id : "(nobody)",
			      t);
		if (x->signal_id)
			wf_lines_text(l, "        signal", x->signal_id, t);
		if (x->report_id)
			wf_lines_text(l, "        report", x->report_id, t);
		wf_lines_text(l, "        reason", x->reason, t);
		wf_lines_text(l, "    granted by",
			      orgs_text(x->granted_by, x->n_granted_by, orgs, sizeof(orgs)), t);
	} else {
		const struct wf_notification *n = e->ntf;
		time_line(l, c, "authority notified", e->t);
		wf_lines_text(l, "     authority", n->authority, t);
		wf_lines_text(l, "            by", n->by, t);
		wf_lines_text(l, "   approved by",
			      orgs_text(n->approved_by, n->n_approved_by, orgs, sizeof(orgs)), t);
	}
}

static int tl_cmp(const void *a, const void *b)
{
	const struct tl_entry *x = a, *y = b;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Opened / activated / concluded, reports and open decisions, oldest first. */
static void timeline(const struct wf_view_ctx *c, struct wf_lines *l,
		     const struct wf_incident *inc)
{
	struct tl_entry e[3 + 32 + 32 + 16 + 16];
	const struct wf_report *rep[32];
	const struct wf_decision *dec[32];
	const struct wf_exception *exc[16];
	const struct wf_notification *ntf[16];
	size_t n = 0;
	int t = wf_theme_attr(WF_ROLE_TEXT);
	const int64_t at[3] = {inc->opened_at, inc->activated_at, inc->concluded_at};
	const char *what[3] = {"opened", "protocol activated", "concluded"};
	for (int i = 0; i < 3; i++)
		if (at[i])
			e[n++] = (struct tl_entry){at[i], what[i], NULL, NULL, NULL, NULL};
	size_t nr = wf_model_reports(c->model, inc->id, rep, 32);
	for (size_t i = 0; i < nr; i++)
		e[n++] = (struct tl_entry){rep[i]->created_at, NULL, rep[i], NULL, NULL, NULL};
	size_t nd = wf_model_open_decisions(c->model, WF_SORT_DEC_NEWEST, inc->id, dec, 32);
	for (size_t i = 0; i < nd; i++)
		e[n++] = (struct tl_entry){dec[i]->created_at, NULL, NULL, dec[i], NULL, NULL};
	size_t nx = wf_model_exceptions(c->model, inc->id, exc, 16);
	for (size_t i = 0; i < nx; i++)
		e[n++] = (struct tl_entry){exc[i]->granted_at, NULL, NULL, NULL, exc[i], NULL};
	size_t nn = wf_model_notifications(c->model, inc->id, ntf, 16);
	for (size_t i = 0; i < nn; i++)
		e[n++] = (struct tl_entry){ntf[i]->at, NULL, NULL, NULL, NULL, ntf[i]};
	qsort(e, n, sizeof(e[0]), tl_cmp);
	for (size_t i = 0; i < n; i++) {
		if (e[i].exc || e[i].ntf) {
			record_lines(c, l, &e[i]);
		} else if (e[i].what) {
			time_line(l, c, e[i].what, e[i].t);
		} else if (e[i].rep) {
			char what_buf[96];
			snprintf(what_buf, sizeof(what_buf), "report %s (%s)",
				 wf_report_kind_name(e[i].rep->kind),
				 wf_report_state_name(e[i].rep->state));
			time_line(l, c, what_buf, e[i].t);
			wf_lines_text(l, "            by", e[i].rep->author, t);
			wf_lines_text(l, "          text", e[i].rep->text, t);
		} else {
			char what_buf[96];
			snprintf(what_buf, sizeof(what_buf), "decision %s proposed (%s)",
				 e[i].dec->id, wf_decision_state_name(e[i].dec->state));
			time_line(l, c, what_buf, e[i].t);
			wf_lines_text(l, "       subject", e[i].dec->subject, t);
		}
	}
}

static void inc_detail(const struct wf_view_ctx *c, struct wf_lines *l, const char *id)
{
	const struct wf_incident *inc = wf_model_incident(c->model, id);
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_HEADER);
	char buf[64], a[16], b[16], d[16], e[16];
	if (!inc) {
		wf_lines_printf(l, t, "(incident %s is gone)", id);
		return;
	}
	wf_lines_text(l, "Incident", inc->title, wf_theme_attr(WF_ROLE_PANE_TITLE));
	wf_lines_text(l, "Id", inc->id, t);
	enum wf_role role = wf_look_tier(inc, buf, sizeof(buf));
	wf_lines_text(l, "Tier", inc->tier, wf_theme_attr(role));
	wf_lines_text(l, "State", wf_incident_state_name(inc->state), t);
	wf_lines_text(l, "Location", inc->location, t);
	wf_lines_text(l, "Summary", inc->summary, t);
	if (inc->updated_by)
		wf_lines_text(l, "Last change by", inc->updated_by, t);
	struct wf_rates r;
	wf_model_rates(c->model, inc->id, NULL, c->now, &r);
	wf_fmt_percent(r.blocked_share15, a, sizeof(a));
	wf_lines_printf(l, t,
			"Rates: %.1f / %.1f / %.1f per min (1/5/15)  blocked %s  "
			"variants/h %.0f",
			r.rate1, r.rate5, r.rate15, a, r.variants_per_hour);
	if (r.last24h.kept_exception > 0) {
		wf_fmt_count((double)r.last24h.kept_exception, b, sizeof(b));
		wf_lines_printf(l, t,
				"Kept under a public-interest exception: %s in 24 h (allowed, "
				"not counted against the blocked share)",
				b);
	}
	wf_lines_blank(l);
	wf_lines_printf(l, h, "Timeline");
	timeline(c, l, inc);
	wf_lines_blank(l);
	wf_lines_printf(l, h, "%-24s %7s %7s %7s %6s %7s %7s", "PLATFORM", "1 MIN", "15 MIN",
			"24 H", "BLK", "REMOVED", "KEPT-EX");
	const struct wf_platform *pl[128];
	size_t np = wf_model_platforms(c->model, WF_SORT_PLAT_RATE, inc->id, c->now, pl, 128);
	for (size_t i = 0; i < np; i++) {
		struct wf_rates pr;
		char name[80];
		wf_model_rates(c->model, inc->id, pl[i]->id, c->now, &pr);
		if (pr.last24h.attempts == 0)
			continue;
		wf_text_sanitize(pl[i]->name, strlen(pl[i]->name), 24, c->ascii, name,
				 sizeof(name));
		wf_fmt_count((double)pr.last1.attempts, a, sizeof(a));
		wf_fmt_count((double)pr.last15.attempts, b, sizeof(b));
		wf_fmt_count((double)pr.last24h.attempts, d, sizeof(d));
		wf_fmt_percent(pr.blocked_share15, e, sizeof(e));
		wf_fmt_count((double)pr.last24h.removed, buf, sizeof(buf));
		char kx[16];
		wf_fmt_count((double)pr.last24h.kept_exception, kx, sizeof(kx));
		int pad = 24 - wf_text_width(name);
		wf_lines_printf(l, t, "%s%*s %7s %7s %7s %6s %7s %7s", name, pad > 0 ? pad : 0,
				"", a, b, d, e, buf, kx);
	}
	wf_lines_blank(l);
	wf_detail_variants(c, l, inc->id);
	wf_lines_blank(l);
	wf_lines_printf(l, h, "Signals (newest first)");
	const struct wf_signal *sig[64];
	size_t ns = wf_model_signals(c->model, inc->id, sig, 64);
	for (size_t i = 0; i < ns; i++) {
		wf_fmt_clock(sig[i]->added_at, a, sizeof(a));
		char val[20];
		wf_text_sanitize(sig[i]->value, strlen(sig[i]->value), 16, true, val,
				 sizeof(val));
		/* Only active signals are on the shared list. */
		static const char *const mark[WF_SIG__COUNT] = {
			[WF_SIG_ACTIVE] = "",
			[WF_SIG_DISABLED] = "(disabled)",
			[WF_SIG_PROPOSED] = "(proposed: not shared until approved)",
			[WF_SIG_REJECTED] = "(rejected)",
		};
		bool dim = sig[i]->state == WF_SIG_DISABLED || sig[i]->state == WF_SIG_REJECTED;
		const struct wf_exception *x =
			wf_model_signal_exception(c->model, sig[i]->id, NULL);
		wf_lines_printf(l, dim ? wf_theme_attr(WF_ROLE_DIM) : t,
				"  %sZ %-9s %-16s q%-3d %s%s%s", a,
				wf_hash_type_name(sig[i]->type), val, sig[i]->quality,
				sig[i]->new_variant ? "new variant " : "",
				mark[sig[i]->state], x ? " (public-interest exception)" : "");
	}
}

const struct wf_pane_ops wf_pane_incidents = {
	.name = "incidents",
	.title = "1 Incidents",
	.sorts = inc_sorts,
	.n_sorts = 3,
	.collect = inc_collect,
	.row_text = inc_row_text,
	.draw = inc_draw,
	.draw_row = inc_draw_row,
	.draw_header = inc_draw_header,
	.draw_detail = inc_detail,
};
