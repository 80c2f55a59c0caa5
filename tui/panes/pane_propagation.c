/* pane_propagation.c - pane 3: how fast the focus incident (the context, else the
 * incident selected in pane 1) spreads: 1/5/15-minute rates, acceleration, doubling
 * time, blocked share (copies kept under a public-interest exception are left out
 * of it and counted apart), new variants per hour and unmatched uploads per minute
 * (uploads given by hash that matched no signal: a new variant spreading),
 * sparklines of the last hour in total and per platform, the signals spreading
 * fastest and the latest near misses. */
#include <stdio.h>
#include <string.h>

#include "look.h"
#include "pane.h"
#include "widgets/format.h"
#include "widgets/spark.h"
#include "widgets/text.h"

#define PLAT_MAX 256

static const char *const prop_sorts[] = {"rate", "blocked", "name"};
static const enum wf_platform_sort prop_sort_map[] = {
	WF_SORT_PLAT_RATE, WF_SORT_PLAT_BLOCKED, WF_SORT_PLAT_NAME};

static size_t prop_collect(const struct wf_pane *p, const struct wf_view_ctx *c,
			   wf_row_id *ids, size_t cap)
{
	const struct wf_platform *v[PLAT_MAX];
	size_t k = 0;
	if (!c->focus_incident)
		return 0;
	size_t n = wf_model_platforms(c->model, prop_sort_map[p->sort % 3],
				      c->focus_incident, c->now, v, PLAT_MAX);
	for (size_t i = 0; i < n && k < cap; i++) {
		struct wf_rates r;
		wf_model_rates(c->model, c->focus_incident, v[i]->id, c->now, &r);
		if (r.last24h.attempts == 0)
			continue;
		snprintf(ids[k++], sizeof(ids[0]), "%s", v[i]->id);
	}
	return k;
}

static void prop_row_text(const struct wf_view_ctx *c, const char *id, char *buf,
			  size_t size)
{
	const struct wf_platform *p = wf_model_platform(c->model, id);
	snprintf(buf, size, "%s %s", id, p && p->name ? p->name : "");
}

/* Where a row's sparkline starts, relative to the list's x: after the name, rate and
 * blocked-share columns. The totals above the list use the same column and width, so
 * every sparkline of the pane shares one time axis. */
static int spark_col(int cols)
{
	return (cols >= 60 ? 16 : 10) + 17;
}

static void prop_draw_row(const struct wf_view_ctx *c, WINDOW *w, int y, int x, int cols,
			  const char *id, int attr)
{
	const struct wf_platform *p = wf_model_platform(c->model, id);
	double s[WF_MINUTES];
	char buf[16];
	bool sel = attr != wf_theme_attr(WF_ROLE_TEXT);
	int name_w = cols >= 60 ? 16 : 10;
	wf_text_draw(w, y, x, p ? p->name : id, name_w, attr);
	struct wf_rates r;
	wf_model_rates(c->model, c->focus_incident, id, c->now, &r);
	wf_fmt_count(r.rate1, buf, sizeof(buf));
	wf_text_draw_right(w, y, x + name_w, buf, 6, attr);
	wf_fmt_percent(r.blocked_share15, buf, sizeof(buf));
	wf_text_draw_right(w, y, x + name_w + 6, buf, 5, attr);
	wf_fmt_count((double)r.last1.unmatched, buf, sizeof(buf));
	wf_text_draw_right(w, y, x + name_w + 11, r.last1.unmatched ? buf : "-", 5,
			   r.last1.unmatched && !sel ? wf_theme_attr(WF_ROLE_WATCH) : attr);
	int sw = cols - spark_col(cols);
	if (sw > WF_MINUTES)
		sw = WF_MINUTES;
	if (sw > 4) {
		wf_model_series(c->model, c->focus_incident, id, c->now, WF_SERIES_ATTEMPTS, s);
		wf_spark_draw(w, y, x + spark_col(cols), s, WF_MINUTES, sw, 0,
			      sel ? attr : wf_theme_attr(WF_ROLE_SPARKLINE));
	}
}

static void prop_draw_header(const struct wf_view_ctx *c, WINDOW *w, int y, int x,
			     int cols)
{
	int h = wf_theme_attr(WF_ROLE_HEADER);
	int name_w = cols >= 60 ? 16 : 10;
	(void)c;
	wattron(w, h);
	mvwhline(w, y, x - 2, ' ', cols + 2);
	wattroff(w, h);
	wf_text_draw(w, y, x, "PLATFORM", name_w, h);
	wf_text_draw_right(w, y, x + name_w, "/MIN", 6, h);
	wf_text_draw_right(w, y, x + name_w + 6, "BLK", 5, h);
	wf_text_draw_right(w, y, x + name_w + 11, "UNM", 5, h);
	wf_text_draw(w, y, x + spark_col(cols), "LAST HOUR", cols - spark_col(cols), h);
}

static void label_spark(WINDOW *w, int y, int x, int cols, const char *label,
			const double *s, double max, enum wf_role role)
{
	int t = wf_theme_attr(WF_ROLE_DIM);
	int sx = spark_col(cols);
	wf_text_draw_pad(w, y, x, label, sx - 1, t);
	int sw = cols - sx;
	if (sw > WF_MINUTES)
		sw = WF_MINUTES;
	if (sw > 2)
		wf_spark_draw(w, y, x + sx, s, WF_MINUTES, sw, max, wf_theme_attr(role));
}

static void prop_draw(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		      struct wf_rect r)
{
	int t = wf_theme_attr(WF_ROLE_TEXT);
	const struct wf_incident *inc =
		c->focus_incident ? wf_model_incident(c->model, c->focus_incident) : NULL;
	char line[256], a[16], b[16], d[16], e[16];
	double s[WF_MINUTES];
	if (!inc) {
		wf_text_draw(w, r.y, r.x + 1, "(no incident selected)", r.w - 1,
			     wf_theme_attr(WF_ROLE_DIM));
		return;
	}
	int y = r.y, x = r.x + 1, cols = r.w - 1;
	enum wf_role role = wf_look_tier(inc, a, sizeof(a));
	int used = wf_text_draw(w, y, x, a, 4, wf_theme_attr(role));
	wf_text_draw(w, y, x + used + 1, inc->title, cols - used - 1,
		     wf_theme_attr(WF_ROLE_PANE_TITLE));
	y++;
	struct wf_rates rt;
	wf_model_rates(c->model, inc->id, NULL, c->now, &rt);
	enum wf_role tr;
	const char *arrow = wf_look_trend(rt.accel, rt.rate5, c->ascii, &tr);
	wf_fmt_count(rt.rate1, a, sizeof(a));
	wf_fmt_count(rt.rate5, b, sizeof(b));
	wf_fmt_count(rt.rate15, d, sizeof(d));
	snprintf(line, sizeof(line), "rate/min %s %s %s ", a, b, d);
	used = wf_text_draw(w, y, x, line, cols, t);
	used += wf_text_draw(w, y, x + used, arrow, 1, wf_theme_attr(tr));
	if (rt.doubling_min > 0)
		wf_fmt_duration((int64_t)(rt.doubling_min * 60000.0), e, sizeof(e));
	else
		snprintf(e, sizeof(e), "-");
	wf_fmt_percent(rt.blocked_share15, a, sizeof(a));
	snprintf(line, sizeof(line), " accel %+.1f/min2  doubling %s  blocked %s  "
		 "new variants/h %.0f", rt.accel, e, a, rt.variants_per_hour);
	used += wf_text_draw(w, y, x + used, line, cols - used, t);
	if (rt.last24h.kept_exception > 0 && used < cols) {
		/* allowed copies: left out of the blocked share, not failures */
		wf_fmt_count((double)rt.last24h.kept_exception, b, sizeof(b));
		snprintf(line, sizeof(line), "  kept under exception %s/24h", b);
		wf_text_draw(w, y, x + used, line, cols - used, wf_theme_attr(WF_ROLE_DIM));
	}
	y++;
	/* with the list's geometry, so the totals line up with the platforms' rows */
	wf_model_series(c->model, inc->id, NULL, c->now, WF_SERIES_ATTEMPTS, s);
	label_spark(w, y++, r.x + 2, r.w - 2, "uploads", s, 0, WF_ROLE_SPARKLINE);
	wf_model_series(c->model, inc->id, NULL, c->now, WF_SERIES_BLOCKED_SHARE, s);
	label_spark(w, y++, r.x + 2, r.w - 2, "blocked%", s, 1.0, WF_ROLE_SPARKLINE_ALT);
	wf_model_series(c->model, inc->id, NULL, c->now, WF_SERIES_VARIANTS, s);
	label_spark(w, y++, r.x + 2, r.w - 2, "variants", s, 0, WF_ROLE_SPARKLINE_ALT);
	/* uploads that matched no signal: a variant the bank does not know yet */
	wf_fmt_count((double)rt.last1.unmatched, a, sizeof(a));
	wf_fmt_count((double)rt.last15.unmatched, b, sizeof(b));
	wf_fmt_count((double)rt.last15.near_misses, d, sizeof(d));
	snprintf(line, sizeof(line), "unmatched %s/min %s/15m near %s", a, b, d);
	wf_model_series(c->model, inc->id, NULL, c->now, WF_SERIES_UNMATCHED, s);
	label_spark(w, y++, r.x + 2, r.w - 2, "unmatched", s, 0, WF_ROLE_SPARKLINE_ALT);
	wf_text_draw(w, y++, x + 1, line, cols - 1,
		     wf_theme_attr(rt.last15.unmatched ? WF_ROLE_WATCH : WF_ROLE_DIM));
	int left = r.y + r.h - y;
	struct wf_near_miss near[3];
	size_t n_near = wf_model_near_misses(c->model, inc->id, near, 3);
	int near_rows = n_near && left >= 12 ? 1 + (int)n_near : 0;
	left -= near_rows;
	int sig_rows = left >= 10 ? 4 : 0;
	if (near_rows) {
		int ny = r.y + r.h - near_rows;
		int h = wf_theme_attr(WF_ROLE_HEADER);
		wattron(w, h);
		mvwhline(w, ny, r.x, ' ', r.w);
		wattroff(w, h);
		wf_text_draw(w, ny++, x + 1, "NEAR MISSES (unmatched, a signal near)", cols - 1,
			     h);
		for (size_t i = 0; i < n_near; i++, ny++) {
			char clk[16];
			const struct wf_platform *pl =
				wf_model_platform(c->model, near[i].platform_id);
			wf_fmt_clock(near[i].seen_at, clk, sizeof(clk));
			int cx = x + 1;
			cx += wf_text_draw(w, ny, cx, clk, 8, wf_theme_attr(WF_ROLE_DIM)) + 1;
			cx += wf_text_draw(w, ny, cx, pl ? pl->name : near[i].platform_id, 12, t) +
			      1;
			cx += wf_text_draw(w, ny, cx, near[i].hash_short, 16,
					   wf_theme_attr(WF_ROLE_DIM)) +
			      1;
			if (near[i].hash_type == WF_HASH_VPDQ)
				snprintf(line, sizeof(line), "%d%% of frames ~ %s x%lld",
					 near[i].share, near[i].nearest_id,
					 (long long)near[i].count);
			else
				snprintf(line, sizeof(line), "d=%d ~ %s x%lld", near[i].distance,
					 near[i].nearest_id, (long long)near[i].count);
			wf_text_draw(w, ny, cx, line, x + cols - cx, wf_theme_attr(WF_ROLE_WATCH));
		}
	}
	struct wf_rect list = {y, r.x, left - sig_rows, r.w};
	if (list.h > 1)
		wf_pane_draw_list(p, c, w, list);
	if (sig_rows) {
		struct wf_signal_rank top[3];
		size_t n = wf_model_top_signals(c->model, inc->id, c->now, top, 3);
		y = r.y + r.h - near_rows - sig_rows;
		int h = wf_theme_attr(WF_ROLE_HEADER);
		wattron(w, h);
		mvwhline(w, y, r.x, ' ', r.w);
		wattroff(w, h);
		wf_text_draw(w, y++, x + 1, "FASTEST SIGNALS (15 min)", cols - 1, h);
		for (size_t i = 0; i < n; i++, y++) {
			const struct wf_signal *sg = top[i].signal;
			wf_fmt_count((double)top[i].attempts15, a, sizeof(a));
			int u = wf_text_draw_right(w, y, x + 1, a, 6, t);
			(void)u;
			int cx = x + 8;
			cx += wf_text_draw(w, y, cx, wf_hash_type_name(sg->type), 9, t) + 1;
			cx += wf_text_draw(w, y, cx, sg->value, 16, wf_theme_attr(WF_ROLE_DIM)) + 1;
			if (sg->new_variant)
				cx += wf_text_draw(w, y, cx, "new variant ", 12, t);
			wf_text_draw(w, y, cx, sg->variant_id, x + cols - cx, t);
		}
	}
}

const struct wf_pane_ops wf_pane_propagation = {
	.name = "propagation",
	.title = "3 Propagation",
	.sorts = prop_sorts,
	.n_sorts = 3,
	.collect = prop_collect,
	.row_text = prop_row_text,
	.draw = prop_draw,
	.draw_row = prop_draw_row,
	.draw_header = prop_draw_header,
	.draw_detail = NULL, /* the app opens the platform detail instead */
};
