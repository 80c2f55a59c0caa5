/* wall.h - the wall display (`--wall`): a read-only kiosk screen for the operations
 * room, drawn instead of the four-pane dashboard. Big-number tiles for the headline
 * figures (tui/wall_tiles.c), the incidents, the propagation of one incident at a
 * time (rotating through the active ones), the pending decisions and, on big
 * screens, the live feed. It never shows stale data as live: when the backend is
 * unreachable, silent or refuses the display, every figure is dimmed and a banner
 * says so with the age of the data. The whole layout moves by one cell every few
 * minutes against burn-in.
 *
 * It is a screen of its own (tui/screen.h, wf_wall_screen): the loop resizes it,
 * feeds it keys and asks it for frames as it does the dashboard's; only actions
 * flagged WF_ACT_WALL in tui/actions.h pass its gate (wf_action_permitted). It
 * shares the panes (tui/panes/) with the dashboard, never the dashboard's state. */
#ifndef WF_TUI_WALL_WALL_H
#define WF_TUI_WALL_WALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>

#include "model/model.h"
#include "tui/screen.h"

struct wf_wall;

#define WF_WALL_ROTATE_S 20 /* default seconds per incident on the propagation pane */
#define WF_WALL_SHIFT_S 180 /* default seconds between burn-in shifts */

struct wf_wall_config {
	int rotate_s;	  /* seconds per incident (>= 2) */
	int shift_s;	  /* seconds between shifts of the layout; 0: never */
	int exit_key;	  /* a key that ends the wall (config wall_exit_key), 0: none */
	bool exit_key_fn; /* exit_key is a curses KEY_* code, not a character */
	int retry_s;	  /* seconds between retries after the backend refused the
			     display (401/403) or told it to stop (204); default 60 */
};

void wf_wall_config_default(struct wf_wall_config *c);
/* Reads the wall_* keys of the config file text (key = value lines, # comments;
 * other keys are left alone): wall_rotate_s, wall_shift_s, wall_retry_s,
 * wall_exit_key (one printable character, F1..F12, or none). Returns the number of bad
 * lines, with the first as "FILE:LINE: message" in err. Pure. */
int wf_wall_config_parse(struct wf_wall_config *c, const char *text, size_t len,
			 const char *file, char *err, size_t errsize);

/* Creates the wall's state (its panes) drawing model m (borrowed, like hooks, which
 * may be NULL: no themes). Call after initscr() and the theme's activation; the
 * first frame lays out the windows. NULL when out of memory. */
struct wf_wall *wf_wall_new(const struct wf_wall_config *cfg, const struct wf_model *m,
			    const struct wf_screen_hooks *hooks);
void wf_wall_free(struct wf_wall *w);

/* The wall as a screen for the loop. Its key op: KEY_RESIZE remakes the windows,
 * the configured exit key quits, keys of actions flagged WF_ACT_WALL act (no
 * prompts), every other key is ignored. Its action op is the gate: next / previous
 * incident (Tab, j/k, arrows), back to the rotation's start (g, Home), theme (T),
 * redraw (Ctrl-L); anything else returns WF_REACT_NONE. */
void wf_wall_screen(struct wf_wall *w, struct wf_screen *out);

/* Pure, for tests and the banner: "BACKEND UNREACHABLE - data 4 min old" and the
 * like for a connection as seen at `now` (Unix ms); "" when the data is live.
 * Returns true when the data must be shown as stale (dimmed). */
bool wf_wall_banner(const struct wf_conn *cn, int64_t now, int retry_s, char *out,
		    size_t size);
/* Pure: the burn-in offset (0 or 1 each) at `now` for a shift every shift_s. */
void wf_wall_shift(int64_t now, int shift_s, int *dy, int *dx);

/* --- internal to tui/wall*.c --- */
/* The five headline tiles side by side filling w (tui/wall_tiles.c). */
void wf_wall_tiles_draw(WINDOW *w, const struct wf_model *m, int64_t now, bool ascii);

#endif
