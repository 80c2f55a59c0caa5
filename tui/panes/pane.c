/* pane.c - the machinery every pane shares (see pane.h): rows, selection by id,
 * filter, tags, list drawing and the detail line writer. */
#include "pane.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "themes/theme.h"
#include "widgets/list.h"
#include "widgets/text.h"

#define PANE_OPS_ENTRY(N, OPS) [WF_PANE_##N] = &OPS,
const struct wf_pane_ops *const wf_pane_ops_by_id[WF_PANE__COUNT] = {
	WF_PANES(PANE_OPS_ENTRY)};

#define PANE_ROWS_MAX 2048
#define FILTER_MATCH_LIMIT 100000
#define FILTER_DEPTH_LIMIT 2000
#define FILTER_HEAP_LIMIT 1024 /* KiB */

int wf_pane_init(struct wf_pane *p, const struct wf_pane_ops *ops)
{
	memset(p, 0, sizeof(*p));
	p->ops = ops;
	p->cap = PANE_ROWS_MAX;
	p->ids = calloc(p->cap, sizeof(*p->ids));
	p->tags = calloc(WF_PANE_TAGS_MAX, sizeof(*p->tags));
	p->sel = -1;
	p->page_rows = 10;
	if (!p->ids || !p->tags)
		return -1;
	return 0;
}

static void filter_free(struct wf_pane *p)
{
	pcre2_match_data_free(p->match);
	pcre2_match_context_free(p->mctx);
	pcre2_code_free(p->filter);
	p->match = NULL;
	p->mctx = NULL;
	p->filter = NULL;
	p->filter_src[0] = '\0';
}

void wf_pane_free(struct wf_pane *p)
{
	filter_free(p);
	free(p->ids);
	free(p->tags);
	p->ids = NULL;
	p->tags = NULL;
}

bool wf_pane_filter_match(const struct wf_pane *p, const char *text)
{
	if (!p->filter)
		return true;
	int rc = pcre2_match(p->filter, (PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, 0, 0,
			     p->match, p->mctx);
	return rc >= 0;
}

static void select_at(struct wf_pane *p, int i);

void wf_pane_refresh(struct wf_pane *p, const struct wf_view_ctx *c)
{
	size_t n = p->ops->collect(p, c, p->ids, p->cap);
	if (p->filter && p->ops->row_text) {
		char text[2048];
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			p->ops->row_text(c, p->ids[i], text, sizeof(text));
			if (wf_pane_filter_match(p, text)) {
				if (k != i)
					memcpy(p->ids[k], p->ids[i], sizeof(p->ids[k]));
				k++;
			}
		}
		n = k;
	}
	p->n = n;
	if (n == 0) {
		p->sel = -1; /* keep sel_id: it comes back if the row does */
		return;
	}
	if (p->sel_id[0] && p->pinned) {
		for (size_t i = 0; i < n; i++)
			if (strcmp(p->ids[i], p->sel_id) == 0) {
				p->sel = (int)i;
				return;
			}
	}
	/* The selected row went away: take the row at its place; not pinned yet: the
	 * first row. */
	select_at(p, p->sel < 0 || !p->pinned ? 0 : p->sel);
}

void wf_pane_select_index(struct wf_pane *p, int i)
{
	p->pinned = true;
	select_at(p, i);
}

static void select_at(struct wf_pane *p, int i)
{
	if (p->n == 0) {
		p->sel = -1;
		return;
	}
	if (i < 0)
		i = 0;
	if (i >= (int)p->n)
		i = (int)p->n - 1;
	p->sel = i;
	memcpy(p->sel_id, p->ids[i], sizeof(p->sel_id));
}

void wf_pane_move(struct wf_pane *p, int delta)
{
	wf_pane_select_index(p, wf_list_move(p->sel, delta, (int)p->n));
}

const char *wf_pane_selected(const struct wf_pane *p)
{
	return p->sel >= 0 && (size_t)p->sel < p->n ? p->ids[p->sel] : NULL;
}

int wf_pane_set_filter(struct wf_pane *p, const char *pattern, char *err,
		       size_t errsize)
{
	if (!pattern || !*pattern) {
		filter_free(p);
		return 0;
	}
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &code, &off,
				       NULL);
	if (!re) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errsize, "at %zu: %s", (size_t)off, (const char *)msg);
		return -1;
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	if (!md || !mc) {
		pcre2_match_data_free(md);
		pcre2_match_context_free(mc);
		pcre2_code_free(re);
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	pcre2_set_match_limit(mc, FILTER_MATCH_LIMIT);
	pcre2_set_depth_limit(mc, FILTER_DEPTH_LIMIT);
	pcre2_set_heap_limit(mc, FILTER_HEAP_LIMIT);
	filter_free(p);
	p->filter = re;
	p->match = md;
	p->mctx = mc;
	snprintf(p->filter_src, sizeof(p->filter_src), "%s", pattern);
	return 0;
}

bool wf_pane_tagged(const struct wf_pane *p, const char *id)
{
	for (size_t i = 0; i < p->n_tags; i++)
		if (strcmp(p->tags[i], id) == 0)
			return true;
	return false;
}

void wf_pane_tag_toggle(struct wf_pane *p, const char *id)
{
	for (size_t i = 0; i < p->n_tags; i++)
		if (strcmp(p->tags[i], id) == 0) {
			memmove(p->tags + i, p->tags + i + 1,
				(p->n_tags - i - 1) * sizeof(*p->tags));
			p->n_tags--;
			return;
		}
	if (p->n_tags < WF_PANE_TAGS_MAX)
		snprintf(p->tags[p->n_tags++], sizeof(p->tags[0]), "%s", id);
}

void wf_pane_tags_clear(struct wf_pane *p)
{
	p->n_tags = 0;
}

void wf_pane_draw_list(struct wf_pane *p, const struct wf_view_ctx *c, WINDOW *w,
		       struct wf_rect r)
{
	if (r.h <= 0 || r.w <= 2)
		return;
	if (p->ops->draw_header) {
		p->ops->draw_header(c, w, r.y, r.x + 2, r.w - 2);
		r.y++;
		r.h--;
	}
	p->page_rows = r.h > 1 ? r.h : 1;
	p->list_y = r.y;
	p->list_rows = r.h;
	if (p->n == 0) {
		wf_text_draw(w, r.y, r.x + 2, p->filter ? "(nothing matches the filter)"
							: "(none)",
			     r.w - 2, wf_theme_attr(WF_ROLE_DIM));
		return;
	}
	p->top = wf_list_fit(p->top, p->sel, (int)p->n, r.h);
	for (int row = 0; row < r.h && p->top + row < (int)p->n; row++) {
		const char *id = p->ids[p->top + row];
		bool sel = p->top + row == p->sel;
		int attr = sel ? wf_theme_attr(WF_ROLE_SELECTED) : wf_theme_attr(WF_ROLE_TEXT);
		int y = r.y + row;
		if (sel) {
			wattron(w, attr);
			mvwhline(w, y, r.x, ' ', r.w);
			wattroff(w, attr);
		}
		bool tagged = wf_pane_tagged(p, id);
		mvwaddch(w, y, r.x, (sel ? '>' : ' ') | (chtype)attr);
		mvwaddch(w, y, r.x + 1,
			 (tagged ? '*' : ' ') |
				 (chtype)(tagged ? wf_theme_attr(WF_ROLE_TAGGED) : attr));
		p->ops->draw_row(c, w, y, r.x + 2, r.w - 2, id, attr);
	}
}

/* ---- detail line writer ---- */

static bool lines_visible(const struct wf_lines *l, int *row)
{
	*row = l->line - l->skip;
	return *row >= 0 && *row < l->rows;
}

void wf_lines_printf(struct wf_lines *l, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	int row;
	if (lines_visible(l, &row))
		wf_text_draw(l->w, l->y + row, l->x, buf, l->cols, attr);
	l->line++;
}

void wf_lines_blank(struct wf_lines *l)
{
	l->line++;
}

void wf_lines_text(struct wf_lines *l, const char *label, const char *text, int attr)
{
	int lw = 0, row;
	if (label) {
		lw = (int)strlen(label) + 2;
		if (lines_visible(l, &row)) {
			wf_text_draw(l->w, l->y + row, l->x, label,
				     l->cols, wf_theme_attr(WF_ROLE_HEADER));
			wf_text_draw(l->w, l->y + row, l->x + lw - 2, ": ", 2,
				     wf_theme_attr(WF_ROLE_TEXT));
		}
	}
	if (!text || !*text) {
		l->line++;
		return;
	}
	int start = l->line - l->skip;
	int skip = start < 0 ? -start : 0;
	int y = l->y + (start < 0 ? 0 : start);
	int rows = l->rows - (start < 0 ? 0 : start);
	if (rows < 0)
		rows = 0;
	int n = wf_text_draw_wrapped(l->w, y, l->x + lw, rows, l->cols - lw, skip, text,
				     attr);
	l->line += n;
}
