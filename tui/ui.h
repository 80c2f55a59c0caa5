/* ui.h - the interactive dashboard's screen state, independent of the network: the
 * five panes (reports a tab beside decisions) and their windows, layout, focus, prompts, help, detail views, the
 * status bar, and the dispatch of actions (the single read-only gate). tui/app.c
 * runs it, as a struct wf_screen (tui/screen.h, wf_ui_screen), inside the event loop
 * with the network client; tests drive it headless on a model they fill themselves
 * (tests/lib/harness.c).
 *
 * Key handlers return reaction flags (WF_REACT_*); the loop decides when to draw:
 * frames are coalesced and drawn only when something changed. */
#ifndef WF_TUI_UI_H
#define WF_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>

#include "model/model.h"
#include "model/model.h"
#include "tui/actions.h"
#include "tui/panes/pane.h"
#include "tui/screen.h"
#include "verbs.h"

struct wf_outbox;

enum wf_layout { WF_LAYOUT_TOO_SMALL, WF_LAYOUT_SINGLE, WF_LAYOUT_QUAD };
enum wf_prompt_kind {
	WF_PROMPT_NONE,
	WF_PROMPT_FILTER,
	WF_PROMPT_COMMAND,
	WF_PROMPT_REASON,
	WF_PROMPT_CONFIRM,
	WF_PROMPT_QUIT,
};

#define WF_UI_PANES WF_PANE__COUNT /* ui->panes[] is indexed by enum wf_pane_id */
#define WF_UI_MIN_COLS 80
#define WF_UI_MIN_ROWS 24
#define WF_UI_QUAD_COLS 120
#define WF_UI_QUAD_ROWS 32

/* A triage action waiting for its reason and confirmation: bound to ids and the
 * versions seen when the key was pressed, never to rows. Decisions (approve, ...)
 * or reports (triage, dismiss). */
struct wf_ui_triage {
	enum wf_action action;
	size_t n;
	wf_row_id ids[WF_PANE_TAGS_MAX];
	int64_t versions[WF_PANE_TAGS_MAX];
	char reason[1001];
};

struct wf_ui {
	struct wf_model *model;
	struct wf_outbox *outbox; /* NULL: triage is refused with a message */
	bool read_only;
	bool ascii;
	struct wf_screen_hooks hooks; /* themes (tui/screen.h) */
	const char *quit_note; /* what happens to the outbox after quitting */
	struct wf_pane panes[WF_UI_PANES];
	WINDOW *win[WF_UI_PANES];
	int slot; /* quad layout: the pane shown bottom right (decisions or reports) */
	WINDOW *overlay; /* detail and help, over the panes' area */
	WINDOW *tabs;    /* single layout: which pane is shown */
	WINDOW *msgline, *status;
	enum wf_layout layout;
	int rows, cols;
	int focus;
	bool zoom;
	bool help;
	int help_skip;
	bool outbox_view; /* the outbox overlay (o) */
	bool notes_view;  /* the situation notes of notes_incident (N) */
	int notes_skip;   /* lines scrolled off the top; -1: show the newest */
	int notes_max;    /* the largest skip at the last draw: at it, new notes follow */
	wf_row_id notes_incident;
	struct wf_verb verb; /* the open form (verb.open), see verbs.h */
	enum wf_prompt_kind prompt;
	char prompt_buf[1001];
	char prompt_err[200];
	char prompt_saved[256]; /* the filter before `/`, for Esc */
	struct wf_ui_triage triage;
	bool tag_prefix; /* `;` pressed: the next action goes to all tagged rows */
	wf_row_id context_id;
	bool paused;
	uint64_t paused_gen;
	char msg[256];
	int msg_role;
	int64_t msg_until;
	uint64_t undo_ids[WF_PANE_TAGS_MAX];
	size_t n_undo;
	uint64_t announced[64]; /* outbox records whose conflict was shown */
	size_t n_announced;
	int64_t now;
	uint64_t drawn_gen;
	bool dirty, full;
	bool rows_stale; /* filter, sort or context changed since the rows were read */
	unsigned frames;
	const struct wf_watch_rules *watch; /* watch rules whose action is highlight */
	int64_t click_at;	 /* the last click on a row (monotonic ms), 0: none */
	int click_pane, click_row; /* where it was: a second one there opens it */
};

/* Call after initscr() and the theme's activation. */
int wf_ui_init(struct wf_ui *ui, struct wf_model *m, struct wf_outbox *ob,
	       bool read_only);
void wf_ui_free(struct wf_ui *ui);
/* Recomputes the layout from the terminal's size (LINES x COLS) and remakes the
 * windows. */
void wf_ui_resize(struct wf_ui *ui);
/* One key from wget_wch (is_key: a KEY_* code). Returns WF_REACT_*. */
unsigned wf_ui_key(struct wf_ui *ui, wint_t ch, bool is_key);
/* A mouse event at screen cell (y, x) (ncurses bstate; now_ms: a monotonic clock):
 * focus and select on a click, open on a second click on the same row within
 * 400 ms, scroll on the wheel (tui/ui_mouse.c). Returns WF_REACT_*. */
unsigned wf_ui_mouse(struct wf_ui *ui, int y, int x, unsigned long bstate, int64_t now_ms);
/* Runs one action through the gate (read-only, selection, pane). */
unsigned wf_ui_dispatch(struct wf_ui *ui, enum wf_action a);
/* Runs a command line ("approve", "filter RE", "drop", "theme dark", ...). */
unsigned wf_ui_command(struct wf_ui *ui, const char *line);
/* Sets the time; marks the frame dirty when the model or the clock second changed. */
void wf_ui_set_now(struct wf_ui *ui, int64_t now_ms);
/* Looks at the outbox for new conflicts or refusals and shows them. */
void wf_ui_outbox_changed(struct wf_ui *ui);
/* A message on the message line for a few seconds (role: WF_ROLE_*). */
void wf_ui_message(struct wf_ui *ui, int role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Draws a frame when dirty: werase + draw + wnoutrefresh per window, one doupdate. */
void wf_ui_render(struct wf_ui *ui);
bool wf_ui_dirty(const struct wf_ui *ui);
/* The dashboard as a screen for the loop (tui/screen.h); ui stays the caller's. */
void wf_ui_screen(struct wf_ui *ui, struct wf_screen *out);
/* Re-reads every pane's rows (render does it; dispatch too when they are stale, so
 * a key never acts on rows the screen no longer shows). */
void wf_ui_refresh(struct wf_ui *ui);

/* --- internal to tui/ui*.c --- */
void wf_ui_draw_status(struct wf_ui *ui, WINDOW *w);
void wf_ui_draw_msgline(struct wf_ui *ui, WINDOW *w);
void wf_ui_draw_help(struct wf_ui *ui, WINDOW *w);
void wf_ui_draw_outbox(struct wf_ui *ui, WINDOW *w);
void wf_ui_draw_tabs(struct wf_ui *ui, WINDOW *w);
void wf_ui_draw_form(struct wf_ui *ui, WINDOW *w);
void wf_ui_draw_notes(struct wf_ui *ui, WINDOW *w, const struct wf_view_ctx *c);
void wf_ui_view_ctx(struct wf_ui *ui, struct wf_view_ctx *c);
/* ui_verbs.c: form verbs, report triage, the notes view. */
unsigned wf_ui_verb_start(struct wf_ui *ui, enum wf_action a);
unsigned wf_ui_form_key(struct wf_ui *ui, wint_t ch, bool is_key);
/* The open reports t or x applies to; those whose triage decision waits for more
 * organisations are held back (counted in *held, said on the message line). */
size_t wf_ui_report_targets(struct wf_ui *ui, struct wf_ui_triage *t, size_t *held);
size_t wf_ui_report_enqueue(struct wf_ui *ui);
unsigned wf_ui_notes_open(struct wf_ui *ui);
unsigned wf_ui_resend_start(struct wf_ui *ui);
void wf_ui_resend_now(struct wf_ui *ui);

#endif
