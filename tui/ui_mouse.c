/* ui_mouse.c - the mouse on the dashboard: a click focuses the pane under it and
 * selects the row clicked, a second click on the same row soon after opens its
 * detail, the wheel moves through the pane (or scrolls help and detail views).
 * Everything goes through wf_ui_dispatch, so no click can do what a key may not:
 * nothing here mutates, and the wall display never sees the mouse. */
#include <curses.h>

#include "ui.h"

#define DOUBLE_CLICK_MS 400
#define WHEEL_ROWS 3

/* The pane whose window holds the screen cell (y, x), or -1. */
static int pane_at(const struct wf_ui *ui, int y, int x)
{
	int shown[WF_UI_PANES], n = 0;
	if (ui->layout == WF_LAYOUT_QUAD) {
		for (int i = 0; i < WF_PANE_DECISIONS; i++)
			shown[n++] = i;
		shown[n++] = ui->slot;
	} else {
		shown[n++] = ui->focus;
	}
	for (int i = 0; i < n; i++) {
		WINDOW *w = ui->win[shown[i]];
		if (w && wenclose(w, y, x))
			return shown[i];
	}
	return -1;
}

/* The list row (index into p->ids) drawn at screen line y of pane i, or -1. */
static int row_at(const struct wf_ui *ui, int i, int y)
{
	const struct wf_pane *p = &ui->panes[i];
	if (p->detail || p->list_rows <= 0)
		return -1;
	int r = y - getbegy(ui->win[i]) - p->list_y;
	if (r < 0 || r >= p->list_rows || p->top + r >= (int)p->n)
		return -1;
	return p->top + r;
}

unsigned wf_ui_mouse(struct wf_ui *ui, int y, int x, unsigned long bstate, int64_t now_ms)
{
	bool wheel_up = bstate & BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
	bool wheel_down = bstate & BUTTON5_PRESSED;
#else
	bool wheel_down = false;
#endif
	/* ncurses folds a press and release read together into CLICKED, and two
	 * clicks into DOUBLE_CLICKED (even with mouseinterval 0). */
	bool press = bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED);
	bool dbl = bstate & (BUTTON1_DOUBLE_CLICKED | BUTTON1_TRIPLE_CLICKED);
	unsigned react = WF_REACT_NONE;
	if (ui->layout == WF_LAYOUT_TOO_SMALL || ui->verb.open || ui->prompt != WF_PROMPT_NONE)
		return WF_REACT_NONE; /* forms and prompts take keys only */
	bool overlay = ui->help || ui->outbox_view || ui->notes_view ||
		       ui->panes[ui->focus].detail;
	int i = overlay ? ui->focus : pane_at(ui, y, x);
	if (wheel_up || wheel_down) {
		if (i < 0)
			return WF_REACT_NONE;
		if (!overlay && i != ui->focus)
			react |= wf_ui_dispatch(ui, (enum wf_action)(WF_ACTION_PANE1 + i));
		for (int k = 0; k < WHEEL_ROWS; k++)
			react |= wf_ui_dispatch(ui, wheel_up ? WF_ACTION_UP : WF_ACTION_DOWN);
		return react;
	}
	if (!(press || dbl) || overlay || i < 0)
		return WF_REACT_NONE;
	if (i != ui->focus)
		react |= wf_ui_dispatch(ui, (enum wf_action)(WF_ACTION_PANE1 + i));
	int row = row_at(ui, i, y);
	if (row < 0) {
		ui->click_at = 0;
		return react | WF_REACT_DRAW;
	}
	struct wf_pane *p = &ui->panes[i];
	wf_pane_select_index(p, row);
	ui->dirty = true;
	react |= WF_REACT_DRAW;
	bool twice = dbl || (ui->click_at && now_ms - ui->click_at <= DOUBLE_CLICK_MS &&
			     ui->click_pane == i && ui->click_row == row);
	if (twice) {
		ui->click_at = 0;
		return react | wf_ui_dispatch(ui, WF_ACTION_OPEN);
	}
	ui->click_at = now_ms;
	ui->click_pane = i;
	ui->click_row = row;
	return react;
}
