/* ui.c - layout, windows and frames of the interactive dashboard (see ui.h). Key
 * handling and dispatch are in ui_keys.c, the status bar, message line, tabs and help
 * in ui_bars.c. */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "themes/theme.h"
#include "widgets/frame.h"
#include "widgets/text.h"

int wf_ui_init(struct wf_ui *ui, struct wf_model *m, struct wf_outbox *ob,
	       bool read_only)
{
	memset(ui, 0, sizeof(*ui));
	ui->model = m;
	ui->outbox = ob;
	ui->read_only = read_only;
	ui->ascii = wf_text_ascii_locale();
	for (int i = 0; i < WF_UI_PANES; i++)
		if (wf_pane_init(&ui->panes[i], wf_pane_ops_by_id[i]) < 0)
			return -1;
	ui->drawn_gen = (uint64_t)-1;
	ui->slot = WF_PANE_DECISIONS;
	wf_ui_resize(ui);
	return 0;
}

static void windows_free(struct wf_ui *ui)
{
	WINDOW **all[WF_UI_PANES + 4] = {&ui->overlay, &ui->tabs, &ui->msgline,
					  &ui->status};
	for (int i = 0; i < WF_UI_PANES; i++)
		all[4 + i] = &ui->win[i];
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i])
			delwin(*all[i]);
		*all[i] = NULL;
	}
}

void wf_ui_free(struct wf_ui *ui)
{
	windows_free(ui);
	wf_verb_close(&ui->verb);
	for (int i = 0; i < WF_UI_PANES; i++)
		wf_pane_free(&ui->panes[i]);
}

static WINDOW *win_new(int h, int w, int y, int x)
{
	WINDOW *win = newwin(h, w, y, x);
	if (win)
		leaveok(win, TRUE);
	return win;
}

void wf_ui_resize(struct wf_ui *ui)
{
	int rows = LINES, cols = COLS;
	windows_free(ui);
	ui->rows = rows;
	ui->cols = cols;
	ui->dirty = ui->full = true;
	if (cols < WF_UI_MIN_COLS || rows < WF_UI_MIN_ROWS) {
		ui->layout = WF_LAYOUT_TOO_SMALL;
		return;
	}
	bool quad = cols >= WF_UI_QUAD_COLS && rows >= WF_UI_QUAD_ROWS && !ui->zoom;
	ui->layout = quad ? WF_LAYOUT_QUAD : WF_LAYOUT_SINGLE;
	int area_y = 0, area_h = rows - 2;
	ui->status = win_new(1, cols, rows - 1, 0);
	ui->msgline = win_new(1, cols, rows - 2, 0);
	if (quad) {
		int lw = cols / 2, th = area_h / 2;
		ui->win[WF_PANE_INCIDENTS] = win_new(th, lw, 0, 0);
		ui->win[WF_PANE_SIGHTINGS] = win_new(th, cols - lw, 0, lw);
		ui->win[WF_PANE_PROPAGATION] = win_new(area_h - th, lw, th, 0);
		ui->win[WF_PANE_DECISIONS] = win_new(area_h - th, cols - lw, th, lw);
		/* a tab of the decisions' place */
		ui->win[WF_PANE_REPORTS] = win_new(area_h - th, cols - lw, th, lw);
	} else {
		ui->tabs = win_new(1, cols, 0, 0);
		area_y = 1;
		area_h--;
		for (int i = 0; i < WF_UI_PANES; i++)
			ui->win[i] = win_new(area_h, cols, area_y, 0);
	}
	ui->overlay = win_new(area_h, cols, area_y, 0);
}

void wf_ui_view_ctx(struct wf_ui *ui, struct wf_view_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->model = ui->model;
	c->now = ui->now;
	c->read_only = ui->read_only;
	c->ascii = ui->ascii;
	c->outbox = ui->outbox;
	c->watch = ui->watch;
	c->context_id = ui->context_id[0] ? ui->context_id : NULL;
	c->focus_incident = c->context_id;
	if (!c->focus_incident) {
		const struct wf_pane *inc = &ui->panes[WF_PANE_INCIDENTS];
		c->focus_incident = wf_pane_selected(inc);
		if (!c->focus_incident && inc->n > 0)
			c->focus_incident = inc->ids[0];
	}
}

void wf_ui_message(struct wf_ui *ui, int role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof(ui->msg), fmt, ap);
	va_end(ap);
	ui->msg_role = role;
	ui->msg_until = ui->now + 6000;
	ui->dirty = true;
}

void wf_ui_set_now(struct wf_ui *ui, int64_t now_ms)
{
	if (now_ms / 1000 != ui->now / 1000)
		ui->dirty = true; /* clocks, ages and countdowns move */
	ui->now = now_ms;
	if (ui->msg[0] && ui->msg_until && now_ms > ui->msg_until) {
		ui->msg[0] = '\0';
		ui->dirty = true;
	}
	if (!ui->paused && wf_model_generation(ui->model) != ui->drawn_gen)
		ui->dirty = true;
}

bool wf_ui_dirty(const struct wf_ui *ui)
{
	return ui->dirty;
}

void wf_ui_refresh(struct wf_ui *ui)
{
	struct wf_view_ctx c;
	wf_ui_view_ctx(ui, &c);
	/* incidents first: the others follow its selection (focus_incident) */
	wf_pane_refresh(&ui->panes[WF_PANE_INCIDENTS], &c);
	wf_ui_view_ctx(ui, &c);
	for (int i = 0; i < WF_UI_PANES; i++)
		if (i != WF_PANE_INCIDENTS)
			wf_pane_refresh(&ui->panes[i], &c);
	ui->drawn_gen = wf_model_generation(ui->model);
	ui->rows_stale = false;
}

static void draw_too_small(struct wf_ui *ui)
{
	char line[128];
	werase(stdscr);
	snprintf(line, sizeof(line), "Terminal too small: %dx%d", ui->cols, ui->rows);
	int y = ui->rows / 2 - 1;
	int a = wf_theme_attr(WF_ROLE_ERROR);
	if (y >= 0) {
		wf_text_draw(stdscr, y, 0, line, ui->cols, a);
		snprintf(line, sizeof(line), "watchfloor needs at least %dx%d", WF_UI_MIN_COLS,
			 WF_UI_MIN_ROWS);
		wf_text_draw(stdscr, y + 1, 0, line, ui->cols, wf_theme_attr(WF_ROLE_TEXT));
		if (y + 2 < ui->rows)
			wf_text_draw(stdscr, y + 2, 0, "q quits", ui->cols,
				     wf_theme_attr(WF_ROLE_DIM));
	}
	wnoutrefresh(stdscr);
}

static void draw_pane(struct wf_ui *ui, int i, const struct wf_view_ctx *c)
{
	struct wf_pane *p = &ui->panes[i];
	WINDOW *w = ui->win[i];
	char note[320];
	int n = 0;
	if (!w)
		return;
	werase(w);
	n += snprintf(note + n, sizeof(note) - (size_t)n, "%s", p->ops->sorts[p->sort]);
	if (p->filter)
		n += snprintf(note + n, sizeof(note) - (size_t)n, " /%.40s/", p->filter_src);
	if (p->n_tags)
		n += snprintf(note + n, sizeof(note) - (size_t)n, " %zu tagged", p->n_tags);
	if (i != WF_PANE_PROPAGATION || p->n)
		snprintf(note + n, sizeof(note) - (size_t)n, " %zu", p->n);
	bool focus = i == ui->focus;
	char title[128];
	int other = i == WF_PANE_DECISIONS ? WF_PANE_REPORTS : WF_PANE_DECISIONS;
	snprintf(title, sizeof(title), "%s%s", p->ops->title,
		 (i != WF_PANE_INCIDENTS && c->context_id) ? " [context]" : "");
	if (ui->layout == WF_LAYOUT_QUAD && i >= WF_PANE_DECISIONS) {
		size_t len = strlen(title); /* the tab beside it */
		snprintf(title + len, sizeof(title) - len, " | %d %s (%zu)", other + 1,
			 ui->panes[other].ops->name, ui->panes[other].n);
	}
	wf_frame_draw(w, title, note,
		      wf_theme_attr(focus ? WF_ROLE_PANE_TITLE : WF_ROLE_PANE_BORDER),
		      wf_theme_attr(focus ? WF_ROLE_PANE_TITLE_FOCUS : WF_ROLE_PANE_TITLE));
	struct wf_rect r = {1, 1, getmaxy(w) - 2, getmaxx(w) - 2};
	p->ops->draw(p, c, w, r);
	wnoutrefresh(w);
}

static void draw_detail(struct wf_ui *ui, const struct wf_view_ctx *c)
{
	struct wf_pane *p = &ui->panes[ui->focus];
	WINDOW *w = ui->overlay;
	const struct wf_pane_ops *ops = p->ops->draw_detail ? p->ops : &wf_pane_sightings;
	werase(w);
	char title[128];
	snprintf(title, sizeof(title), "%s: detail of %s", p->ops->title, p->detail_id);
	wf_frame_draw(w, title, "Esc back  j/k scroll",
		      wf_theme_attr(WF_ROLE_PANE_TITLE),
		      wf_theme_attr(WF_ROLE_PANE_TITLE_FOCUS));
	struct wf_lines l = {w, 1, 2, getmaxy(w) - 2, getmaxx(w) - 4, p->detail_skip, 0};
	ops->draw_detail(c, &l, p->detail_id);
	/* Scrolled no further than the last line at the bottom (G showed the last
	 * line alone at the top, j scrolled the text off the screen). */
	int max_skip = l.line - l.rows > 0 ? l.line - l.rows : 0;
	if (p->detail_skip > max_skip) {
		p->detail_skip = max_skip;
		ui->dirty = true;
	}
	wnoutrefresh(w);
}

void wf_ui_render(struct wf_ui *ui)
{
	struct wf_view_ctx c;
	if (!ui->dirty)
		return;
	ui->dirty = false;
	ui->frames++;
	if (ui->full) {
		ui->full = false;
		wf_screen_clear();
	}
	if (ui->layout == WF_LAYOUT_TOO_SMALL) {
		draw_too_small(ui);
		doupdate();
		return;
	}
	if (!ui->paused || ui->drawn_gen == (uint64_t)-1 || ui->rows_stale)
		wf_ui_refresh(ui);
	wf_ui_view_ctx(ui, &c);
	bool overlay = ui->help || ui->outbox_view || ui->panes[ui->focus].detail ||
		       ui->verb.open || ui->notes_view;
	if (!overlay) {
		if (ui->layout == WF_LAYOUT_QUAD) {
			for (int i = 0; i < WF_PANE_DECISIONS; i++)
				draw_pane(ui, i, &c);
			draw_pane(ui, ui->slot, &c);
		} else {
			wf_ui_draw_tabs(ui, ui->tabs);
			draw_pane(ui, ui->focus, &c);
		}
	} else {
		if (ui->tabs)
			wf_ui_draw_tabs(ui, ui->tabs);
		if (ui->verb.open)
			wf_ui_draw_form(ui, ui->overlay);
		else if (ui->help)
			wf_ui_draw_help(ui, ui->overlay);
		else if (ui->notes_view)
			wf_ui_draw_notes(ui, ui->overlay, &c);
		else if (ui->outbox_view)
			wf_ui_draw_outbox(ui, ui->overlay);
		else
			draw_detail(ui, &c);
	}
	wf_ui_draw_msgline(ui, ui->msgline);
	wf_ui_draw_status(ui, ui->status);
	if (ui->prompt != WF_PROMPT_NONE) {
		curs_set(1);
		leaveok(ui->msgline, FALSE);
		wnoutrefresh(ui->msgline); /* last: the cursor stays on the prompt */
	} else {
		curs_set(0);
		leaveok(ui->msgline, TRUE);
	}
	doupdate();
}

/* --- the dashboard as a screen (tui/screen.h) --- */
static void ui_screen_resize(void *self)
{
	wf_ui_resize(self);
}

static void ui_screen_set_now(void *self, int64_t now_ms)
{
	wf_ui_set_now(self, now_ms);
}

static bool ui_screen_dirty(const void *self)
{
	return wf_ui_dirty(self);
}

static void ui_screen_render(void *self, bool force)
{
	struct wf_ui *ui = self;
	if (force)
		ui->dirty = true;
	wf_ui_render(ui);
}

static unsigned ui_screen_key(void *self, wint_t ch, bool is_key)
{
	return wf_ui_key(self, ch, is_key);
}

static unsigned ui_screen_action(void *self, enum wf_action a)
{
	return wf_ui_dispatch(self, a);
}

static void ui_screen_message(void *self, int role, const char *text)
{
	wf_ui_message(self, role, "%s", text);
}

static const struct wf_screen_ops ui_screen_ops = {
	.name = "dashboard",
	.resize = ui_screen_resize,
	.set_now = ui_screen_set_now,
	.dirty = ui_screen_dirty,
	.render = ui_screen_render,
	.key = ui_screen_key,
	.action = ui_screen_action,
	.message = ui_screen_message,
};

void wf_ui_screen(struct wf_ui *ui, struct wf_screen *out)
{
	out->ops = &ui_screen_ops;
	out->self = ui;
}
