/* pane_sightings.c - pane 2: per platform the upload attempts over 1 min / 15 min /
 * 24 h, blocked share, removed, unmatched uploads over 15 min (given by hash,
 * matching no signal), last seen and a marker for a platform gone quiet; under the
 * table the live feed of the latest sightings and unmatched uploads. The context
 * incident (`i`) narrows both. */
#include <stdio.h>
#include <string.h>

#include "look.h"
#include "notify/watch.h"
#include "pane.h"
#include "widgets/format.h"
#include "widgets/text.h"

#define PLAT_MAX 256
#define FEED_MAX 64

static const char *const plat_sorts[] = {"rate", "name", "blocked"};

static size_t plat_collect(const struct wf_pane *p, const struct wf_view_ctx *c,
			   wf_row_id *ids, size_t cap)
{
	const struct wf_platform *v[PLAT_MAX];
	size_t n = wf_model_platforms(c->model, (enum wf_platform_sort)p->sort,
				      c->context_id, c->now, v,
				      cap < PLAT_MAX ? cap : PLAT_MAX);
	for (size_t i = 0; i < n; i++)
		snprintf(ids[i], sizeof(ids[i]), "%s", v[i]->id);
	return n;
}

static void plat_row_text(const struct wf_view_ctx *c, const char *id, char *buf,
			  size_t size)
{
	const struct wf_platform *p = wf_model_platform(c->model, id);
	snprintf(buf, size, "%s %s %s", id, p && p->name ? p->name : "",
		 p ? wf_platform_kind_name(p->kind) : "");
}

/* Right of the name: 1m 6, 15m 7, 24h 7, blk 5, removed 7, unmatched 6, last 6,
 * quiet 6. */
#define PLAT_RIGHT 50

static void plat_draw_header(const struct wf_view_ctx *c, WINDOW *w, int y, int x,
			     int cols)
{
	int h = wf_theme_attr(WF_ROLE_HEADER);
	int rx = x + cols - PLAT_RIGHT;
	(void)c;
	wattron(w, h);
	mvwhline(w, y, x - 2, ' ', cols + 2);
	wattroff(w, h);
	wf_text_draw(w, y, x, "PLATFORM", rx - x, h);
	wf_text_draw_right(w, y, rx, "1M", 6, h);
	wf_text_draw_right(w, y, rx + 6, "15M", 7, h);
	wf_text_draw_right(w, y, rx + 13, "24H", 7, h);
	wf_text_draw_right(w, y, rx + 20, "BLK", 5, h);
	wf_text_draw_right(w, y, rx + 25, "REMVD", 7, h);
	wf_text_draw_right(w, y, rx + 32, "UNMT", 6, h);
	wf_text_draw_right(w, y, rx + 38, "LAST", 6, h);
}

static void plat_draw_row(const struct wf_view_ctx *c, WINDOW *w, int y, int x, int cols,
			  const char *id, int attr)
{
	const struct wf_platform *p = wf_model_platform(c->model, id);
	char buf[32];
	if (!p)
		return;
	bool sel = attr != wf_theme_attr(WF_ROLE_TEXT);
	struct wf_rates r;
	wf_model_rates(c->model, c->context_id, id, c->now, &r);
	int rx = x + cols - PLAT_RIGHT;
	if (wf_look_watched(c->watch, WF_WATCH_PLATFORM, p->id) ||
	    wf_look_watched(c->watch, WF_WATCH_PLATFORM, p->name)) {
		int hl = sel ? attr : wf_theme_attr(WF_ROLE_WATCH);
		wf_text_draw(w, y, x, "*", 1, hl);
		wf_text_draw(w, y, x + 1, p->name, rx - x - 2, hl);
	} else {
		wf_text_draw(w, y, x, p->name, rx - x - 1, attr);
	}
	wf_fmt_count((double)r.last1.attempts, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx, buf, 6, attr);
	wf_fmt_count((double)r.last15.attempts, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 6, buf, 7, attr);
	wf_fmt_count((double)r.last24h.attempts, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 13, buf, 7, attr);
	wf_fmt_percent(r.blocked_share15, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 20, buf, 5, attr);
	wf_fmt_count((double)r.last24h.removed, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 25, buf, 7, attr);
	wf_fmt_count((double)r.last15.unmatched, buf, sizeof(buf));
	wf_text_draw_right(w, y, rx + 32, r.last15.unmatched ? buf : "-", 6,
			   r.last15.unmatched && !sel ? wf_theme_attr(WF_ROLE_WATCH) : attr);
	if (r.last_seen > 0 && r.last_seen >= c->now)
		snprintf(buf, sizeof(buf), "now");
	else if (r.last_seen > 0)
		wf_fmt_duration(c->now - r.last_seen, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "-");
	wf_text_draw_right(w, y, rx + 38, buf, 6, attr);
	if (wf_look_platform_quiet(p, &r, c->now))
		wf_text_draw(w, y, rx + 45, "QUIET", 5,
			     sel ? attr : wf_theme_attr(WF_ROLE_QUIET));
}

static void feed_draw(const struct wf_view_ctx *c, WINDOW *w, struct wf_rect r)
{
	struct wf_feed_item f[FEED_MAX];
	int h = wf_theme_attr(WF_ROLE_HEADER), t = wf_theme_attr(WF_ROLE_TEXT);
	size_t n = wf_model_feed(c->model, c->context_id, f,
				 (size_t)r.h - 1 < FEED_MAX ? (size_t)r.h - 1 : FEED_MAX);
	wattron(w, h);
	mvwhline(w, r.y, r.x, ' ', r.w);
	wattroff(w, h);
	wf_text_draw(w, r.y, r.x + 2, "LIVE FEED  time      platform         hash", r.w - 2, h);
	bool narrow = r.w < 72;
	int pw = narrow ? 10 : 16, hw = narrow ? 8 : 16;
	for (size_t i = 0; i < n; i++) {
		char clk[16], cnt[16];
		int y = r.y + 1 + (int)i, x = r.x + 2;
		const struct wf_platform *p = wf_model_platform(c->model, f[i].platform_id);
		wf_fmt_clock(f[i].seen_at, clk, sizeof(clk));
		x += wf_text_draw(w, y, x, clk, 8, wf_theme_attr(WF_ROLE_DIM)) + (narrow ? 1 : 3);
		wf_text_draw(w, y, x, p ? p->name : f[i].platform_id, pw, t);
		x += pw + 1;
		x += wf_text_draw(w, y, x, f[i].has_hash ? wf_hash_type_name(f[i].hash_type) : "?",
				  9, t);
		x += 1;
		x += wf_text_draw(w, y, x, f[i].has_hash ? f[i].hash_short : "", hw,
				  wf_theme_attr(WF_ROLE_DIM)) + 1;
		snprintf(cnt, sizeof(cnt), "x%lld", (long long)f[i].count);
		x += wf_text_draw(w, y, x, cnt, 7, t) + 1;
		if (f[i].unmatched) {
			char um[32];
			if (f[i].distance >= 0)
				snprintf(um, sizeof(um), "UNMATCHED near d=%d", f[i].distance);
			else
				snprintf(um, sizeof(um), "UNMATCHED");
			x += wf_text_draw(w, y, x, um, r.x + r.w - x,
					  wf_theme_attr(WF_ROLE_WATCH)) +
			     1;
		}
		wf_text_draw(w, y, x, wf_outcome_name(f[i].outcome), r.x + r.w - x,
			     wf_theme_attr(wf_look_outcome_role(f[i].outcome)));
	}
	if (n == 0)
		wf_text_draw(w, r.y + 1, r.x + 2, "(no sightings yet)", r.w - 2,
			     wf_theme_attr(WF_ROLE_DIM));
}

static void plat_draw(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		      struct wf_rect r)
{
	int want = (int)p->n + 2;
	int feed = r.h - want;
	if (feed < r.h / 3)
		feed = r.h / 3;
	if (feed < 3)
		feed = r.h >= 8 ? 3 : 0;
	struct wf_rect top = {r.y, r.x, r.h - feed, r.w};
	wf_pane_draw_list(p, c, w, top);
	if (feed > 1) {
		struct wf_rect bottom = {r.y + r.h - feed, r.x, feed, r.w};
		feed_draw(c, w, bottom);
	}
}

static void plat_detail(const struct wf_view_ctx *c, struct wf_lines *l, const char *id)
{
	const struct wf_platform *p = wf_model_platform(c->model, id);
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_HEADER);
	char a[16], b[16], d[16], e[16];
	if (!p) {
		wf_lines_printf(l, t, "(platform %s is gone)", id);
		return;
	}
	wf_lines_text(l, "Platform", p->name, wf_theme_attr(WF_ROLE_PANE_TITLE));
	wf_lines_text(l, "Id", p->id, t);
	wf_lines_text(l, "Kind", wf_platform_kind_name(p->kind), t);
	char types[128] = "";
	for (int i = 0; i < WF_HASH__COUNT; i++)
		if (p->hash_types & (1u << i)) {
			strncat(types, wf_hash_type_name((enum wf_hash_type)i),
				sizeof(types) - strlen(types) - 2);
			strncat(types, " ", sizeof(types) - strlen(types) - 1);
		}
	wf_lines_text(l, "Hash types", types, t);
	if (p->last_heartbeat) {
		wf_fmt_clock(p->last_heartbeat, a, sizeof(a));
		wf_fmt_duration(c->now - p->last_heartbeat, b, sizeof(b));
		wf_lines_printf(l, t, "Heartbeat: %sZ (%s ago)", a, b);
	}
	wf_lines_blank(l);
	wf_lines_printf(l, h, "%-32s %7s %7s %7s %6s", "INCIDENT", "1 MIN", "15 MIN", "24 H",
			"BLK");
	const struct wf_incident *inc[128];
	size_t n = wf_model_incidents(c->model, WF_SORT_INC_SEVERITY, c->now, inc, 128);
	for (size_t i = 0; i < n; i++) {
		struct wf_rates r;
		char title[140];
		wf_model_rates(c->model, inc[i]->id, id, c->now, &r);
		if (r.last24h.attempts == 0)
			continue;
		wf_text_sanitize(inc[i]->title, strlen(inc[i]->title), 32, c->ascii, title,
				 sizeof(title));
		wf_fmt_count((double)r.last1.attempts, a, sizeof(a));
		wf_fmt_count((double)r.last15.attempts, b, sizeof(b));
		wf_fmt_count((double)r.last24h.attempts, d, sizeof(d));
		wf_fmt_percent(r.blocked_share15, e, sizeof(e));
		int pad = 32 - wf_text_width(title);
		wf_lines_printf(l, t, "%s%*s %7s %7s %7s %6s", title, pad > 0 ? pad : 0, "", a,
				b, d, e);
	}
}

const struct wf_pane_ops wf_pane_sightings = {
	.name = "sightings",
	.title = "2 Sightings by platform",
	.sorts = plat_sorts,
	.n_sorts = 3,
	.collect = plat_collect,
	.row_text = plat_row_text,
	.draw = plat_draw,
	.draw_row = plat_draw_row,
	.draw_header = plat_draw_header,
	.draw_detail = plat_detail,
};
