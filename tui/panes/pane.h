/* pane.h - what every pane of the dashboard shares: an ops struct (one file per
 * pane: tui/pane_*.c), a list of row ids kept in display order, the selection kept
 * by id (so new rows arriving above it never move it), a PCRE2 filter, tags, a sort
 * index and the detail view state. Panes draw from the model through a
 * struct wf_view_ctx and never keep model pointers between frames. */
#ifndef WF_TUI_PANES_PANE_H
#define WF_TUI_PANES_PANE_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>
#include <pcre2.h>

#include "model/model.h"

/* What a frame draws from: the model as of `now` (Unix ms). */
struct wf_outbox;
struct wf_watch_rules;

struct wf_view_ctx {
	const struct wf_model *model;
	int64_t now;
	const char *context_id; /* incident chosen with `i`, or NULL: all incidents */
	const char *focus_incident; /* context, else the selected incident, or NULL */
	bool read_only;
	bool ascii;
	const struct wf_outbox *outbox; /* NULL without one */
	const struct wf_watch_rules *watch; /* highlight rules, or NULL */
};

struct wf_rect {
	int y, x, h, w;
};

typedef char wf_row_id[WF_ID_MAX + 1];

struct wf_pane;
struct wf_lines;

struct wf_pane_ops {
	const char *name;  /* "incidents", ... */
	const char *title; /* shown on the frame */
	const char *const *sorts; /* names of the sort orders */
	int n_sorts;
	/* Fills ids with the rows in display order (unfiltered); returns how many. */
	size_t (*collect)(const struct wf_pane *p, const struct wf_view_ctx *c,
			  wf_row_id *ids, size_t cap);
	/* The text a filter matches for one row (raw fields joined by spaces). */
	void (*row_text)(const struct wf_view_ctx *c, const char *id, char *buf,
			 size_t size);
	/* Draws the pane's content inside r (the frame is drawn by the caller). */
	void (*draw)(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		     struct wf_rect r);
	/* Draws one list row of id at (y, x) in cols columns with attr as the base. */
	void (*draw_row)(const struct wf_view_ctx *c, WINDOW *w, int y, int x, int cols,
			 const char *id, int attr);
	/* The column headings of the list, or NULL. */
	void (*draw_header)(const struct wf_view_ctx *c, WINDOW *w, int y, int x,
			    int cols);
	/* Detail view of id through a line writer (see struct wf_lines). */
	void (*draw_detail)(const struct wf_view_ctx *c, struct wf_lines *l,
			    const char *id);
};

#define WF_PANE_TAGS_MAX 256

struct wf_pane {
	const struct wf_pane_ops *ops;
	wf_row_id *ids; /* rows after filtering, display order */
	size_t n, cap;
	wf_row_id sel_id; /* the selection, by id ("" = none) */
	int sel, top;
	bool pinned; /* the officer moved the selection: keep it by id; until then it
			stays on the first row */
	int page_rows; /* rows of the list as last drawn, for PgUp/PgDn */
	int list_y, list_rows; /* where the list's first row was last drawn (window
				  line) and how many rows it has: clicks (ui_mouse.c) */
	int sort;
	pcre2_code *filter;
	pcre2_match_data *match;
	pcre2_match_context *mctx;
	char filter_src[256];
	wf_row_id *tags;
	size_t n_tags;
	bool detail; /* detail view of detail_id open */
	wf_row_id detail_id;
	int detail_skip;
};

/* Line writer for detail views: lines before `skip` are counted, not drawn. */
struct wf_lines {
	WINDOW *w;
	int y, x, rows, cols, skip;
	int line; /* lines written so far */
};
/* A line of trusted text (printf-style) with attr. */
void wf_lines_printf(struct wf_lines *l, int attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "label: " then untrusted text, wrapped (LF kept as a line break). */
void wf_lines_text(struct wf_lines *l, const char *label, const char *text, int attr);
void wf_lines_blank(struct wf_lines *l);

int wf_pane_init(struct wf_pane *p, const struct wf_pane_ops *ops);
void wf_pane_free(struct wf_pane *p);
/* Re-reads the rows from the model, applies the filter, and finds the selection
 * again by id (when that id is gone, the row now at its place is selected). */
void wf_pane_refresh(struct wf_pane *p, const struct wf_view_ctx *c);
/* Moves the selection by delta rows (clamped); from then on it is kept by id. */
void wf_pane_move(struct wf_pane *p, int delta);
void wf_pane_select_index(struct wf_pane *p, int i);
/* The selected id, or NULL. */
const char *wf_pane_selected(const struct wf_pane *p);
/* Sets (pattern non-empty) or clears the filter. -1 with a message on a compile
 * error (the old filter stays). UTF mode, caseless, with match limits. */
int wf_pane_set_filter(struct wf_pane *p, const char *pattern, char *err,
		       size_t errsize);
/* True when text matches the filter (or there is none). */
bool wf_pane_filter_match(const struct wf_pane *p, const char *text);
bool wf_pane_tagged(const struct wf_pane *p, const char *id);
void wf_pane_tag_toggle(struct wf_pane *p, const char *id);
void wf_pane_tags_clear(struct wf_pane *p);
/* Draws the list rows into r (header line first when the pane has one). */
void wf_pane_draw_list(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		       struct wf_rect r);

/* Every pane, once: X(NAME, ops). The order is the dashboard's (keys 1..5, Tab) and
 * the index of ui->panes[]; a new pane is one line here and one pane_*.c. Reports
 * is a tab beside decisions in the quad layout. */
#define WF_PANES(X)                                                                    \
	X(INCIDENTS, wf_pane_incidents)                                                \
	X(SIGHTINGS, wf_pane_sightings)                                                \
	X(PROPAGATION, wf_pane_propagation)                                            \
	X(DECISIONS, wf_pane_decisions)                                                \
	X(REPORTS, wf_pane_reports)

#define WF_PANE_ID_MEMBER(N, OPS) WF_PANE_##N,
enum wf_pane_id { WF_PANES(WF_PANE_ID_MEMBER) WF_PANE__COUNT };

#define WF_PANE_OPS_DECLARE(N, OPS) extern const struct wf_pane_ops OPS;
WF_PANES(WF_PANE_OPS_DECLARE)

/* The ops of each pane by id: the one array the dashboard and the wall both use. */
extern const struct wf_pane_ops *const wf_pane_ops_by_id[WF_PANE__COUNT];

/* The notes view: the incident's situation notes, oldest first (newest last), as a
 * conversation. Returns how many. */
size_t wf_pane_reports_notes(const struct wf_view_ctx *c, struct wf_lines *l,
			     const char *incident_id);

#endif
