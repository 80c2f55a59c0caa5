/* wall_tiles.c - the wall display's headline figures and their tiles: active
 * incidents, uploads per minute, blocked share, pending decisions and the oldest
 * pending decision, each in big block glyphs (the masks of widgets/bignum.h,
 * magnified up to 3 times, '#' without UTF-8) when the tile is wide and tall
 * enough, else in bold text (see wall.h). */
#include <stdio.h>
#include <string.h>

#include "themes/theme.h"
#include "tui/panes/look.h"
#include "wall.h"
#include "widgets/bignum.h"
#include "widgets/format.h"
#include "widgets/frame.h"
#include "widgets/text.h"

#define WALL_INC_MAX 256
#define WALL_DEC_MAX 1024

struct wall_figures {
	size_t active, protocol;
	struct wf_rates rates;
	size_t pending, overdue;
	int64_t oldest_ms; /* age of the oldest open decision, -1 when none */
};

static void wall_figures_read(const struct wf_model *m, int64_t now,
			      struct wall_figures *f)
{
	const struct wf_incident *inc[WALL_INC_MAX];
	const struct wf_decision *dec[WALL_DEC_MAX];
	memset(f, 0, sizeof(*f));
	size_t n = wf_model_incidents(m, WF_SORT_INC_SEVERITY, now, inc, WALL_INC_MAX);
	for (size_t i = 0; i < n; i++) {
		if (inc[i]->state == WF_INC_CONCLUDED)
			continue;
		f->active++;
		if (inc[i]->tier_rank == WF_TIER_PROTOCOL_ACTIVATED)
			f->protocol++;
	}
	wf_model_rates(m, NULL, NULL, now, &f->rates);
	n = wf_model_open_decisions(m, WF_SORT_DEC_DUE, NULL, dec, WALL_DEC_MAX);
	f->pending = wf_model_count_open_decisions(m);
	f->oldest_ms = -1;
	for (size_t i = 0; i < n; i++) {
		if (dec[i]->due_at > 0 && dec[i]->due_at < now)
			f->overdue++;
		int64_t age = now - dec[i]->created_at;
		if (dec[i]->created_at > 0 && age > f->oldest_ms)
			f->oldest_ms = age < 0 ? 0 : age;
	}
}

struct wall_tile {
	const char *label, *label_short; /* on the frame */
	char value[24];			 /* digits and . : % - only (the big glyphs) */
	char sub[64];			 /* the line under the figure */
	char sub_short[32];		 /* the same for narrow tiles */
	enum wf_role value_role, sub_role;
};

static void tiles_fill(const struct wall_figures *f, bool ascii, struct wall_tile t[5])
{
	char a[16];
	memset(t, 0, 5 * sizeof(*t));
	for (int i = 0; i < 5; i++)
		t[i].value_role = WF_ROLE_BIGNUM, t[i].sub_role = WF_ROLE_BIGNUM_LABEL;
	t[0].label = "ACTIVE INCIDENTS";
	t[0].label_short = "INCIDENTS";
	snprintf(t[0].sub_short, sizeof(t[0].sub_short), "%zu protocol", f->protocol);
	snprintf(t[0].value, sizeof(t[0].value), "%zu", f->active);
	snprintf(t[0].sub, sizeof(t[0].sub), "%zu protocol activated", f->protocol);
	if (f->protocol)
		t[0].sub_role = WF_ROLE_SEV_PROTOCOL;

	t[1].label = "UPLOADS / MIN";
	t[1].label_short = "UPLOADS";
	/* the glyphs have no 'k': from 10,000 the figure counts thousands */
	double r1 = f->rates.rate1;
	bool kilo = r1 >= 9999.5;
	snprintf(t[1].value, sizeof(t[1].value),
		 r1 >= 99999.5 ? "%.0f"
		 : kilo	       ? "%.1f"
			       : "%.0f",
		 kilo ? r1 / 1000.0 : r1);
	enum wf_role tr;
	const char *arrow = wf_look_trend(f->rates.accel, f->rates.rate5, ascii, &tr);
	wf_fmt_count(f->rates.rate15, a, sizeof(a));
	snprintf(t[1].sub, sizeof(t[1].sub), "%s%s  15-min avg %s",
		 kilo ? "thousands  " : "", arrow, a);
	snprintf(t[1].sub_short, sizeof(t[1].sub_short), "%s %s",
		 kilo ? "thousands" : "/min", arrow);
	t[1].sub_role = tr;

	t[2].label = "BLOCKED AT UPLOAD";
	t[2].label_short = "BLOCKED";
	snprintf(t[2].sub_short, sizeof(t[2].sub_short), "last 15 min");
	if (f->rates.blocked_share15 < 0)
		snprintf(t[2].value, sizeof(t[2].value), "-");
	else
		snprintf(t[2].value, sizeof(t[2].value), "%.0f%%",
			 f->rates.blocked_share15 * 100.0);
	snprintf(t[2].sub, sizeof(t[2].sub), "share, last 15 min");

	t[3].label = "PENDING DECISIONS";
	t[3].label_short = "PENDING";
	snprintf(t[3].value, sizeof(t[3].value), "%zu", f->pending);
	snprintf(t[3].sub, sizeof(t[3].sub), "%zu overdue", f->overdue);
	snprintf(t[3].sub_short, sizeof(t[3].sub_short), "%zu overdue", f->overdue);
	if (f->overdue)
		t[3].sub_role = WF_ROLE_OVERDUE;

	t[4].label = "OLDEST PENDING";
	t[4].label_short = "OLDEST";
	int64_t s = f->oldest_ms / 1000;
	if (f->oldest_ms < 0) {
		snprintf(t[4].value, sizeof(t[4].value), "-");
		snprintf(t[4].sub, sizeof(t[4].sub), "no decision waiting");
		snprintf(t[4].sub_short, sizeof(t[4].sub_short), "none waiting");
	} else if (s < 100 * 60) {
		snprintf(t[4].value, sizeof(t[4].value), "%lld:%02lld",
			 (long long)(s / 60), (long long)(s % 60));
		snprintf(t[4].sub, sizeof(t[4].sub), "min:sec waiting");
		snprintf(t[4].sub_short, sizeof(t[4].sub_short), "min:sec");
	} else {
		snprintf(t[4].value, sizeof(t[4].value), "%lld:%02lld",
			 (long long)(s / 3600), (long long)(s / 60 % 60));
		snprintf(t[4].sub, sizeof(t[4].sub), "hours:min waiting");
		snprintf(t[4].sub_short, sizeof(t[4].sub_short), "hours:min");
	}
	if (f->overdue)
		t[4].value_role = WF_ROLE_OVERDUE;
}

/* Centred text in [x, x + cols). */
static void draw_centred(WINDOW *w, int y, int x, int cols, const char *s, int attr)
{
	int tw = wf_text_width(s);
	if (tw > cols)
		tw = cols;
	wf_text_draw(w, y, x + (cols - tw) / 2, s, cols, attr);
}

/* Columns of text in big glyphs magnified `scale` times (each glyph cell becomes
 * scale x scale cells; the gap between characters is scale columns). */
static int big_width(const char *text, int scale)
{
	size_t n = strlen(text);
	return n ? (int)n * (WF_BIGNUM_COLS + 1) * scale - scale : 0;
}

/* wf_bignum_draw magnified: the glyph masks of widgets/bignum.h, each cell drawn as
 * a scale x scale block of full blocks ('#' without UTF-8). */
static void big_draw(WINDOW *w, int y, int x, const char *text, int scale, bool ascii,
		     int attr)
{
	const char *on = ascii ? "#" : "\xe2\x96\x88"; /* U+2588 FULL BLOCK */
	for (int r = 0; r < WF_BIGNUM_ROWS * scale; r++) {
		int col = x;
		for (const char *p = text; *p; p++) {
			const char *m = wf_bignum_mask(*p, r / scale);
			for (int k = 0; k < WF_BIGNUM_COLS * scale; k++, col++)
				wf_text_draw(w, y + r, col,
					     m && m[k / scale] == '#' ? on : " ", 1,
					     attr);
			col += scale;
		}
	}
}

static void tile_draw(WINDOW *w, const struct wall_tile *t, int y, int x, int h,
		      int cols, bool ascii)
{
	WINDOW *sub = derwin(w, h, cols, y, x);
	if (!sub)
		return;
	int in_w = cols - 2, in_h = h - 2;
	bool narrow = wf_text_width(t->label) + 6 > cols;
	wf_frame_draw(sub, narrow ? t->label_short : t->label, NULL,
		      wf_theme_attr(WF_ROLE_PANE_BORDER),
		      wf_theme_attr(WF_ROLE_PANE_TITLE));
	const char *subline = wf_text_width(t->sub) > in_w ? t->sub_short : t->sub;
	int va = wf_theme_attr(t->value_role), sa = wf_theme_attr(t->sub_role);
	int scale = (in_h - 1) / WF_BIGNUM_ROWS;
	if (scale > 3)
		scale = 3;
	while (scale > 0 && big_width(t->value, scale) > in_w)
		scale--;
	if (scale > 0) {
		int bh = WF_BIGNUM_ROWS * scale, bw = big_width(t->value, scale);
		int top = 1 + (in_h - bh - 1) / 2;
		big_draw(sub, top, 1 + (in_w - bw) / 2, t->value, scale, ascii, va);
		draw_centred(sub, top + bh, 1, in_w, subline, sa);
	} else if (in_h >= 2) {
		draw_centred(sub, 1 + (in_h - 2) / 2, 1, in_w, t->value, va | A_BOLD);
		draw_centred(sub, 2 + (in_h - 2) / 2, 1, in_w, subline, sa);
	} else if (in_h == 1) {
		char line[96];
		snprintf(line, sizeof(line), "%s  %s", t->value, t->sub_short);
		if (wf_text_width(line) > in_w)
			snprintf(line, sizeof(line), "%s", t->value);
		draw_centred(sub, 1, 1, in_w, line, va | A_BOLD);
	}
	delwin(sub);
}

void wf_wall_tiles_draw(WINDOW *w, const struct wf_model *m, int64_t now, bool ascii)
{
	struct wall_figures f;
	struct wall_tile t[5];
	int h = getmaxy(w), cols = getmaxx(w);
	wall_figures_read(m, now, &f);
	tiles_fill(&f, ascii, t);
	int x = 0;
	for (int i = 0; i < 5; i++) {
		int tw = (cols - x) / (5 - i);
		if (tw >= 3 && h >= 3)
			tile_draw(w, &t[i], 0, x, h, tw, ascii);
		x += tw;
	}
}
