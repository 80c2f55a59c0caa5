/* wall.c - the wall display's screen (see wall.h): layout from 80x24 to 300x80 and
 * beyond, the top bar, the stale-data banner and dimming, the rotation of the
 * propagation pane through the active incidents, burn-in shifts, and the few keys
 * that act on a wall. The panes are the dashboard's own (tui/panes/) drawn with
 * the rotating incident as their focus; nothing here can send anything. */
#include "wall.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "themes/theme.h"
#include "tui/panes/pane.h"
#include "widgets/format.h"
#include "widgets/frame.h"
#include "widgets/text.h"

#define WALL_INC_MAX 256
#define WALL_MIN_COLS 60
#define WALL_MIN_ROWS 16

/* The panes by id (tui/panes/pane.h); the sightings pane is the live feed. */
enum {
	P_INC = WF_PANE_INCIDENTS,
	P_FEED = WF_PANE_SIGHTINGS,
	P_PROP = WF_PANE_PROPAGATION,
	P_DEC = WF_PANE_DECISIONS,
	P_COUNT = WF_PANE__COUNT,
};

struct wf_wall {
	struct wf_wall_config cfg;
	const struct wf_model *model;
	struct wf_screen_hooks hooks;
	int64_t now;
	bool ascii;
	bool dirty, full;   /* a frame is due; it repaints the whole terminal */
	uint64_t drawn_gen; /* the model's generation of the last frame */
	char msg[256];	    /* a theme change, a config mistake */
	int64_t msg_until;
	struct wf_pane panes[P_COUNT];
	WINDOW *top, *banner, *tiles, *pw[P_COUNT];
	bool laid_out; /* the windows match rows, cols, stale, dy, dx */
	int rows, cols, dy, dx;
	bool stale, small;
	bool banner_on; /* stale, or the caps keep something out */
	int64_t last_seen;  /* the newest last_event / last_data seen: a fresh client
			       after a refusal starts from 0, the data on screen does not
			     */
	wf_row_id rot_id;   /* the incident the propagation pane shows */
	int64_t rot_next;   /* when the rotation moves on (Unix ms) */
	int rot_pos, rot_n; /* its place among the active incidents, for the title */
};

struct wf_wall *wf_wall_new(const struct wf_wall_config *cfg, const struct wf_model *m,
			    const struct wf_screen_hooks *hooks)
{
	struct wf_wall *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cfg = *cfg;
	if (w->cfg.rotate_s < 2)
		w->cfg.rotate_s = 2;
	w->model = m;
	if (hooks)
		w->hooks = *hooks;
	w->ascii = wf_text_ascii_locale();
	w->rows = LINES;
	w->cols = COLS;
	w->dirty = w->full = true;
	w->drawn_gen = (uint64_t)-1;
	for (int i = 0; i < P_COUNT; i++)
		if (wf_pane_init(&w->panes[i], wf_pane_ops_by_id[i]) < 0) {
			wf_wall_free(w);
			return NULL;
		}
	return w;
}

static void wall_windows_free(struct wf_wall *w)
{
	WINDOW **all[P_COUNT + 3] = {&w->top, &w->banner, &w->tiles};
	for (int i = 0; i < P_COUNT; i++)
		all[3 + i] = &w->pw[i];
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i])
			delwin(*all[i]);
		*all[i] = NULL;
	}
	w->laid_out = false;
}

void wf_wall_free(struct wf_wall *w)
{
	if (!w)
		return;
	wall_windows_free(w);
	for (int i = 0; i < P_COUNT; i++)
		wf_pane_free(&w->panes[i]);
	free(w);
}

static WINDOW *wall_win(int h, int wd, int y, int x)
{
	if (h <= 0 || wd <= 0)
		return NULL;
	WINDOW *win = newwin(h, wd, y, x);
	if (win)
		leaveok(win, TRUE);
	return win;
}

/* The layout inside the terminal less one row and one column (the room the burn-in
 * shift moves in): top bar, banner when stale, tiles, then the panes: one column
 * below 110 columns (incidents, propagation, decisions), two up to 180 (incidents
 * over decisions | propagation), else three (incidents over the live feed |
 * propagation | decisions). */
static void wall_layout(struct wf_wall *w)
{
	int margin = w->cfg.shift_s > 0 ? 1 : 0;
	int H = w->rows - margin, W = w->cols - margin, y0 = w->dy, x0 = w->dx;
	wall_windows_free(w);
	w->laid_out = true;
	w->small = w->cols < WALL_MIN_COLS || w->rows < WALL_MIN_ROWS;
	if (w->small)
		return;
	int y = y0;
	w->top = wall_win(1, W, y++, x0);
	int bh = w->banner_on ? (H >= 40 ? 3 : 1) : 0;
	if (bh) {
		w->banner = wall_win(bh, W, y, x0);
		y += bh;
	}
	/* tiles: glyphs 3x (18 rows), 2x (13), 1x (8), or text (4, 3) */
	int left = H - (y - y0);
	int th = left >= 75   ? 18
		 : left >= 52 ? 13
		 : left >= 30 ? 8
		 : left >= 24 ? 4
			      : 3;
	w->tiles = wall_win(th, W, y, x0);
	y += th;
	int ph = H - (y - y0);
	if (W < 110) { /* one column: incidents, propagation, decisions */
		int ih = ph * 3 / 10, dh = ph / 4;
		w->pw[P_INC] = wall_win(ih, W, y, x0);
		w->pw[P_PROP] = wall_win(ph - ih - dh, W, y + ih, x0);
		w->pw[P_DEC] = wall_win(dh, W, y + ph - dh, x0);
	} else if (W >= 180) {
		int c1 = W * 3 / 10, c2 = W * 4 / 10, c3 = W - c1 - c2;
		int ih = ph >= 30 ? ph / 2 : ph;
		w->pw[P_INC] = wall_win(ih, c1, y, x0);
		if (ih < ph)
			w->pw[P_FEED] = wall_win(ph - ih, c1, y + ih, x0);
		w->pw[P_PROP] = wall_win(ph, c2, y, x0 + c1);
		w->pw[P_DEC] = wall_win(ph, c3, y, x0 + c1 + c2);
	} else {
		int c1 = W / 2, ih = ph / 2;
		w->pw[P_INC] = wall_win(ih, c1, y, x0);
		w->pw[P_DEC] = wall_win(ph - ih, c1, y + ih, x0);
		w->pw[P_PROP] = wall_win(ph, W - c1, y, x0 + c1);
	}
}

static void wall_resize(struct wf_wall *w)
{
	w->rows = LINES;
	w->cols = COLS;
	w->dirty = w->full = true;
	wall_windows_free(w);
}

/* Every cell of win gets A_DIM instead of A_BOLD on top of what it has (stale
 * data). */
static void wall_dim(WINDOW *win)
{
	int h = getmaxy(win), wd = getmaxx(win);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < wd; x++) {
			cchar_t cc;
			wchar_t wch[CCHARW_MAX + 1];
			attr_t at;
			short pair;
			if (mvwin_wch(win, y, x, &cc) == ERR ||
			    getcchar(&cc, wch, &at, &pair, NULL) == ERR)
				continue;
			/* bold would win over dim on most terminals */
			mvwchgat(win, y, x, 1, (at & ~A_BOLD) | A_DIM, pair, NULL);
		}
}

/* The active incidents (not concluded), most severe first; moves the rotation on
 * by `step` (0: keep, unless the one shown is gone) and restarts its timer when it
 * moved. */
static void wall_rotate(struct wf_wall *w, int step)
{
	const struct wf_incident *v[WALL_INC_MAX];
	size_t n = wf_model_incidents(w->model, WF_SORT_INC_SEVERITY, w->now, v,
				      WALL_INC_MAX);
	size_t k = 0;
	int at = -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i]->state == WF_INC_CONCLUDED)
			continue;
		if (strcmp(v[i]->id, w->rot_id) == 0)
			at = (int)k;
		v[k++] = v[i];
	}
	w->rot_n = (int)k;
	if (k == 0) {
		w->rot_id[0] = '\0';
		w->rot_pos = 0;
		return;
	}
	if (step == 0 && at >= 0 && w->now < w->rot_next) {
		w->rot_pos = at;
		return;
	}
	if (step == 0)
		step = at >= 0 ? 1 : 0; /* timer ran out, or the one shown is gone */
	int pos = at < 0 ? 0 : (int)(((long)at + step) % (long)k + (long)k) % (int)k;
	w->rot_pos = pos;
	snprintf(w->rot_id, sizeof(w->rot_id), "%s", v[pos]->id);
	w->rot_next = w->now + (int64_t)w->cfg.rotate_s * 1000;
}

static void wall_draw_top(struct wf_wall *w)
{
	WINDOW *win = w->top;
	const struct wf_conn *cn = wf_model_conn(w->model);
	int bar = wf_theme_attr(WF_ROLE_STATUS_BAR);
	char buf[200], a[32];
	wbkgdset(win, ' ' | (chtype)bar);
	werase(win);
	int x = wf_text_draw(win, 0, 0, " WATCHFLOOR WALL ", getmaxx(win),
			     wf_theme_attr(WF_ROLE_PANE_TITLE_FOCUS)) +
		1;
	enum wf_role r = cn->state == WF_CONN_LIVE || cn->state == WF_CONN_POLLING
				 ? WF_ROLE_CONN_LIVE
			 : cn->state == WF_CONN_AUTH_FAILED ? WF_ROLE_CONN_AUTH
			 : cn->state == WF_CONN_OFFLINE	    ? WF_ROLE_CONN_OFFLINE
							    : WF_ROLE_CONN_RECONNECTING;
	snprintf(buf, sizeof(buf), " %s%s ", w->ascii ? "* " : "● ",
		 wf_conn_state_name(cn->state));
	x += wf_text_draw(win, 0, x, buf, getmaxx(win) - x,
			  wf_theme_attr(r) | A_REVERSE) +
	     1;
	int64_t last = w->last_seen;
	if (last > 0) {
		wf_fmt_duration(w->now - last < 0 ? 0 : w->now - last, a, sizeof(a));
		snprintf(buf, sizeof(buf), "data %s old", a);
	} else {
		snprintf(buf, sizeof(buf), "no data yet");
	}
	x += wf_text_draw(win, 0, x, buf, getmaxx(win) - x,
			  w->stale ? wf_theme_attr(WF_ROLE_STATUS_WARN) : bar) +
	     2;
	if (w->msg[0]) /* a theme change, a config mistake */
		x += wf_text_draw(win, 0, x, w->msg, getmaxx(win) - x - 12, bar) + 2;
	wf_fmt_clock(w->now, a, sizeof(a));
	snprintf(buf, sizeof(buf), " %sZ ", a);
	int cw = (int)strlen(buf);
	if (getmaxx(win) - cw > x)
		wf_text_draw(win, 0, getmaxx(win) - cw, buf, cw, bar | A_BOLD);
	wnoutrefresh(win);
}

static void wall_draw_banner(struct wf_wall *w, const char *text)
{
	WINDOW *win = w->banner;
	int attr = wf_theme_attr(WF_ROLE_BANNER) | A_BOLD;
	if (wf_theme_color_mode() == WF_COLOR_MODE_NONE)
		attr |= A_REVERSE; /* NO_COLOR: the band must still stand out */
	wbkgdset(win, ' ' | (chtype)attr);
	werase(win);
	int h = getmaxy(win), wd = getmaxx(win);
	int tw = wf_text_width(text);
	if (tw > wd)
		tw = wd;
	wf_text_draw(win, h / 2, (wd - tw) / 2, text, wd, attr);
	wnoutrefresh(win);
}

static void wall_draw_pane(struct wf_wall *w, int i, const struct wf_view_ctx *c,
			   int64_t now)
{
	struct wf_pane *p = &w->panes[i];
	WINDOW *win = w->pw[i];
	char title[128], note[64] = "";
	if (!win || getmaxy(win) < 3 || getmaxx(win) < 10)
		return;
	werase(win);
	snprintf(title, sizeof(title), "%s", p->ops->name);
	title[0] = (char)(title[0] - 'a' + 'A');
	if (i == P_PROP && w->rot_n > 0) {
		long left = (long)((w->rot_next - now + 999) / 1000);
		snprintf(note, sizeof(note), "incident %d/%d  next in %lds",
			 w->rot_pos + 1, w->rot_n, left < 0 ? 0 : left);
	} else if (i != P_PROP) {
		snprintf(note, sizeof(note), "%zu", p->n);
	}
	wf_frame_draw(win, title, note, wf_theme_attr(WF_ROLE_PANE_BORDER),
		      wf_theme_attr(WF_ROLE_PANE_TITLE));
	struct wf_rect r = {1, 1, getmaxy(win) - 2, getmaxx(win) - 2};
	p->ops->draw(p, c, win, r);
}

static void wall_draw_small(struct wf_wall *w, const char *banner)
{
	char line[160];
	werase(stdscr);
	snprintf(line, sizeof(line),
		 "watchfloor wall: %dx%d is too small (80x24 or more)", w->cols,
		 w->rows);
	wf_text_draw(stdscr, 0, 0, line, w->cols, wf_theme_attr(WF_ROLE_ERROR));
	snprintf(line, sizeof(line), "%s",
		 wf_conn_state_name(wf_model_conn(w->model)->state));
	if (w->rows > 1)
		wf_text_draw(stdscr, 1, 0, banner[0] ? banner : line, w->cols,
			     wf_theme_attr(banner[0] ? WF_ROLE_BANNER : WF_ROLE_TEXT));
	wnoutrefresh(stdscr);
}

/* Draws a frame (wnoutrefresh per window; the caller does doupdate). */
static void wall_draw(struct wf_wall *w)
{
	char banner[400];
	int dy, dx;
	struct wf_conn cn = *wf_model_conn(w->model);
	if (cn.last_event > w->last_seen)
		w->last_seen = cn.last_event;
	if (cn.last_data > w->last_seen)
		w->last_seen = cn.last_data;
	cn.last_event = w->last_seen;
	bool stale =
		wf_wall_banner(&cn, w->now, w->cfg.retry_s, banner, sizeof(banner));
	/* What the caps keep out is said on the banner too, stale or not. */
	char note[160];
	if (wf_model_caps_note(w->model, note, sizeof(note))) {
		size_t n = strlen(banner);
		snprintf(banner + n, sizeof(banner) - n, "%s%s", n ? " - " : "", note);
	}
	bool banner_on = banner[0] != '\0';
	wf_wall_shift(w->now, w->cfg.shift_s, &dy, &dx);
	if (!w->laid_out || stale != w->stale || banner_on != w->banner_on ||
	    dy != w->dy || dx != w->dx) {
		w->stale = stale;
		w->banner_on = banner_on;
		w->dy = dy;
		w->dx = dx;
		wall_layout(w);
		werase(stdscr); /* the margin the shift left behind */
		wnoutrefresh(stdscr);
	}
	if (w->small) {
		wall_draw_small(w, banner);
		return;
	}
	/* Stale: the figures as they were when the data was last confirmed (rates over
	 * "the last minute" would fall to 0 and look like a quiet room). */
	int64_t as_of = stale && w->last_seen > 0 && w->last_seen < w->now
				? w->last_seen
				: w->now;
	struct wf_view_ctx c;
	memset(&c, 0, sizeof(c));
	c.model = w->model;
	c.now = as_of;
	c.read_only = true;
	c.ascii = w->ascii;
	wall_rotate(w, 0);
	c.focus_incident = w->rot_id[0] ? w->rot_id : NULL;
	for (int i = 0; i < P_COUNT; i++) {
		struct wf_pane *p = &w->panes[i];
		if (!w->pw[i])
			continue;
		wf_pane_refresh(p, &c);
		p->sel = -1; /* no cursor on a wall ... */
		for (size_t k = 0; i == P_INC && k < p->n; k++)
			if (strcmp(p->ids[k], w->rot_id) == 0)
				p->sel = (int)k; /* ... but the rotating incident stands
						    out */
	}
	wall_draw_top(w);
	if (w->banner)
		wall_draw_banner(w, banner);
	werase(w->tiles);
	wf_wall_tiles_draw(w->tiles, w->model, as_of, w->ascii);
	if (stale)
		wall_dim(w->tiles);
	wnoutrefresh(w->tiles);
	for (int i = 0; i < P_COUNT; i++) {
		if (!w->pw[i])
			continue;
		wall_draw_pane(w, i, &c, w->now);
		if (stale)
			wall_dim(w->pw[i]);
		wnoutrefresh(w->pw[i]);
	}
}

/* --- the wall as a screen (tui/screen.h) --- */
static void wall_screen_resize(void *self)
{
	wall_resize(self);
}

static void wall_screen_set_now(void *self, int64_t now_ms)
{
	struct wf_wall *w = self;
	if (now_ms / 1000 != w->now / 1000)
		w->dirty = true; /* the clock, the data's age, the rotation's countdown */
	w->now = now_ms;
	if (w->msg[0] && w->msg_until && now_ms > w->msg_until) {
		w->msg[0] = '\0';
		w->dirty = true;
	}
	if (wf_model_generation(w->model) != w->drawn_gen)
		w->dirty = true;
}

static bool wall_screen_dirty(const void *self)
{
	const struct wf_wall *w = self;
	return w->dirty;
}

static void wall_screen_render(void *self, bool force)
{
	struct wf_wall *w = self;
	if (!w->dirty && !force)
		return;
	w->dirty = false;
	if (w->full) {
		w->full = false;
		wf_screen_clear();
	}
	curs_set(0);
	w->drawn_gen = wf_model_generation(w->model);
	wall_draw(w);
	doupdate();
}

static void wall_screen_message(void *self, int role, const char *text)
{
	struct wf_wall *w = self;
	(void)role; /* the top bar shows every message alike */
	snprintf(w->msg, sizeof(w->msg), "%s", text);
	w->msg_until = w->now + 6000;
	w->dirty = true;
}

/* The wall's gate: only actions flagged WF_ACT_WALL act (the wall is read-only). */
static unsigned wall_screen_action(void *self, enum wf_action a)
{
	struct wf_wall *w = self;
	const struct wf_action_def *d = wf_action_def(a);
	char msg[256];
	if (!d || !wf_action_permitted(d, true, true))
		return WF_REACT_NONE;
	w->dirty = true;
	switch (a) {
	case WF_ACTION_NEXT_PANE:
	case WF_ACTION_DOWN:
		wall_rotate(w, 1);
		return WF_REACT_DRAW;
	case WF_ACTION_PREV_PANE:
	case WF_ACTION_UP:
		wall_rotate(w, -1);
		return WF_REACT_DRAW;
	case WF_ACTION_TOP:
		w->rot_id[0] = '\0';
		wall_rotate(w, 0);
		return WF_REACT_DRAW;
	case WF_ACTION_THEME:
		if (wf_screen_theme(&w->hooks, NULL, msg, sizeof(msg)) < 0) {
			wall_screen_message(w, WF_ROLE_ERROR, msg);
			return WF_REACT_DRAW;
		}
		wall_screen_message(w, WF_ROLE_DIM, msg);
		w->full = true;
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	case WF_ACTION_REDRAW:
		w->full = true;
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	case WF_ACTION_RELOAD:
		wf_screen_reload(&w->hooks, msg, sizeof(msg));
		wall_screen_message(w, WF_ROLE_DIM, msg);
		return WF_REACT_DRAW;
	default:
		return WF_REACT_NONE;
	}
}

/* No prompts: the exit key, the keys of wall actions, the resize; nothing else. */
static unsigned wall_screen_key(void *self, wint_t ch, bool is_key)
{
	struct wf_wall *w = self;
	if (is_key && ch == KEY_RESIZE) {
		wall_resize(w);
		return WF_REACT_CLEAR | WF_REACT_DRAW;
	}
	if (w->cfg.exit_key && (int)ch == w->cfg.exit_key &&
	    is_key == w->cfg.exit_key_fn)
		return WF_REACT_QUIT;
	if (!is_key && ch > 126)
		return WF_REACT_NONE;
	enum wf_action a = wf_action_for_key((int)ch);
	if (a == WF_ACTION_NONE)
		return WF_REACT_NONE;
	return wall_screen_action(w, a);
}

static const struct wf_screen_ops wall_screen_ops = {
	.name = "wall",
	.resize = wall_screen_resize,
	.set_now = wall_screen_set_now,
	.dirty = wall_screen_dirty,
	.render = wall_screen_render,
	.key = wall_screen_key,
	.action = wall_screen_action,
	.message = wall_screen_message,
};

void wf_wall_screen(struct wf_wall *w, struct wf_screen *out)
{
	out->ops = &wall_screen_ops;
	out->self = w;
}
