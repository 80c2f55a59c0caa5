/* form_draw.c - drawing the form widget (form.h): the fields with their labels,
 * the cursor, validation messages under their field, the keys line, and the
 * summary. The form scrolls so that the focused field is always in view. */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "text.h"

#define GAP 2 /* columns between label and value */
#define LINES_MAX 512

/* A visual line of a multi-line value: bytes [start, end) of buf. */
struct seg {
	size_t start, end;
};

/* Wraps s into segments of at most cols columns; LF ends a segment (and is in no
 * segment). Returns how many (at least one). */
static int wrap(const char *s, int cols, struct seg *out, int cap)
{
	int n = 0;
	size_t len = strlen(s), at = 0, start = 0;
	int w = 0;
	if (cols < 1)
		cols = 1;
	while (at < len && n < cap - 1) {
		if (s[at] == '\n') {
			out[n++] = (struct seg){start, at};
			at++;
			start = at;
			w = 0;
			continue;
		}
		struct wf_text_unit u;
		if (!wf_text_next(s + at, len - at, false, &u))
			break;
		if (w + u.width > cols) {
			out[n++] = (struct seg){start, at};
			start = at;
			w = 0;
		}
		w += u.width;
		at += u.bytes;
	}
	out[n++] = (struct seg){start, at < len ? at : len};
	return n;
}

/* The segment the cursor is in. */
static int cursor_seg(const struct seg *sg, int n, size_t cursor)
{
	for (int i = 0; i < n; i++)
		if (cursor >= sg[i].start &&
		    (cursor < sg[i].end ||
		     (cursor == sg[i].end &&
		      (i + 1 == n || sg[i + 1].start != sg[i].end))))
			return i;
	return n - 1;
}

/* Draws the unit at s (or a space at the end) in reverse: the cursor. */
static void draw_cursor(WINDOW *w, int y, int x, const char *s, int attr)
{
	struct wf_text_unit u;
	size_t len = strlen(s);
	if (*s && *s != '\n' && wf_text_next(s, len, false, &u))
		wf_text_draw_n(w, y, x, s, u.bytes, u.width, attr | A_REVERSE);
	else
		mvwaddch(w, y, x, ' ' | attr | A_REVERSE);
}

/* One line of text from buf[start..end) in cols columns; the cursor when it is in
 * there (focused). */
static void draw_span(WINDOW *w, int y, int x, int cols, const char *buf, size_t start,
		      size_t end, const struct wf_form_field *fl, bool focused,
		      int attr)
{
	/* keep the cursor in view on one-line fields: skip whole units from start */
	if (focused && fl->kind != WF_FIELD_MULTILINE) {
		while (start < fl->cursor &&
		       wf_text_width_n(buf + start, fl->cursor - start) > cols - 1) {
			struct wf_text_unit u;
			if (!wf_text_next(buf + start, end - start, false, &u))
				break;
			start += u.bytes;
		}
	}
	mvwhline(w, y, x, ' ' | attr, cols);
	wf_text_draw_n(w, y, x, buf + start, end - start, cols, attr);
	if (focused && fl->cursor >= start && fl->cursor <= end) {
		int cx = wf_text_width_n(buf + start, fl->cursor - start);
		if (cx < cols)
			draw_cursor(w, y, x + cx, buf + fl->cursor, attr);
	}
}

/* The enum's value between arrows, then the other values dimmed. */
static void draw_enum(WINDOW *w, int y, int x, int cols, const struct wf_form_field *fl,
		      bool focused, const struct wf_form_style *st)
{
	const char *const *names = fl->shown ? fl->shown : fl->values;
	const char *cur = names[fl->choice][0] ? names[fl->choice] : "(none)";
	int attr = focused ? st->focus : st->value;
	int used = 0;
	used += wf_text_draw(w, y, x, st->ascii ? "< " : "\xE2\x80\xB9 ", cols, attr);
	used += wf_text_draw(w, y, x + used, cur, cols - used, attr | A_BOLD);
	used += wf_text_draw(w, y, x + used, st->ascii ? " >" : " \xE2\x80\xBA",
			     cols - used, attr);
	if (!focused)
		return;
	for (int k = 1; k < fl->n_values && used + 2 < cols; k++) {
		const char *s = names[(fl->choice + k) % fl->n_values];
		used += 1;
		used += wf_text_draw(w, y, x + used, s[0] ? s : "(none)", cols - used,
				     st->dim);
	}
}

/* Rows field i takes: its value rows plus a message row when it has an error. */
static int field_rows(const struct wf_form_field *fl)
{
	if (fl->hidden)
		return 0;
	return (fl->kind == WF_FIELD_MULTILINE ? fl->rows : 1) + (fl->error[0] ? 1 : 0);
}

int wf_form_height(const struct wf_form *f)
{
	int rows = 0;
	if (f->mode == WF_FORM_SUMMARY) {
		for (int i = 0; i < f->n; i++)
			if (!f->fields[i].hidden)
				rows += f->fields[i].kind == WF_FIELD_MULTILINE &&
							f->fields[i].buf[0]
						? 3
						: 1;
		rows += f->note[0] ? 2 : 0;
	} else {
		for (int i = 0; i < f->n; i++)
			rows += field_rows(&f->fields[i]);
	}
	return rows + 6; /* frame, a blank line above, the hint and keys lines below */
}

static void draw_field(const struct wf_form *f, int i, WINDOW *w, int y, int x, int vx,
		       int vcols, int top, int bottom, const struct wf_form_style *st)
{
	const struct wf_form_field *fl = &f->fields[i];
	bool focused = i == f->focus;
	int attr = focused ? st->focus : st->value;
	if (y >= top && y < bottom) {
		wf_text_draw(w, y, x,
			     focused ? (st->ascii ? ">" : "\xE2\x96\xB8") : " ", 1,
			     st->focus);
		wf_text_draw(w, y, x + 2, fl->label, vx - x - 2 - GAP,
			     fl->error[0] ? st->error : st->label);
	}
	int rows = fl->kind == WF_FIELD_MULTILINE ? fl->rows : 1;
	if (fl->kind == WF_FIELD_ENUM) {
		if (y >= top && y < bottom)
			draw_enum(w, y, vx, vcols, fl, focused, st);
	} else if (fl->kind == WF_FIELD_MULTILINE) {
		struct seg sg[LINES_MAX];
		int n = wrap(fl->buf, vcols - 1, sg, LINES_MAX);
		int cl = focused ? cursor_seg(sg, n, fl->cursor) : 0;
		int first = cl >= rows ? cl - rows + 1 : 0;
		for (int r = 0; r < rows; r++) {
			if (y + r < top || y + r >= bottom)
				continue;
			int k = first + r;
			if (k < n)
				draw_span(w, y + r, vx, vcols, fl->buf, sg[k].start,
					  sg[k].end, fl, focused && k == cl, attr);
			else
				mvwhline(w, y + r, vx, ' ' | attr, vcols);
		}
		if (n > rows && y >= top && y < bottom) {
			char more[24];
			snprintf(more, sizeof(more), "%d/%d", cl + 1, n);
			wf_text_draw(w, y + rows - 1 < bottom ? y + rows - 1 : y, x + 2,
				     more, vx - x - 2 - GAP, st->dim);
		}
	} else if (y >= top && y < bottom) {
		draw_span(w, y, vx, vcols, fl->buf, 0, strlen(fl->buf), fl, focused,
			  attr);
	}
	if (fl->error[0] && y + rows >= top && y + rows < bottom) {
		int ex = wf_text_draw(w, y + rows, vx,
				      st->ascii ? "! " : "\xE2\x86\xB3 ", vcols,
				      st->error);
		wf_text_draw(w, y + rows, vx + ex, fl->error, vcols - ex, st->error);
	}
}

static void draw_edit(const struct wf_form *f, WINDOW *w, int h, int wd,
		      const struct wf_form_style *st)
{
	int x = 2, vx = x + 2 + f->label_cols + GAP;
	if (vx > wd / 2)
		vx = wd / 2;
	int vcols = wd - vx - 2;
	if (vcols < 4)
		vcols = 4;
	int top = 2, bottom = h - 3; /* then the hint line, the keys line */
	/* scroll so that the focused field (and its message) is in view */
	int y = 0, fy = 0, fh = 1;
	for (int i = 0; i < f->n; i++) {
		if (i == f->focus) {
			fy = y;
			fh = field_rows(&f->fields[i]);
		}
		y += field_rows(&f->fields[i]);
	}
	int avail = bottom - top, off = 0;
	if (fy + fh > avail)
		off = fy + fh - avail;
	y = top - off;
	for (int i = 0; i < f->n; i++) {
		if (f->fields[i].hidden)
			continue;
		draw_field(f, i, w, y, x, vx, vcols, top, bottom, st);
		y += field_rows(&f->fields[i]);
	}
	const struct wf_form_field *fl = &f->fields[f->focus];
	const char *keys =
		fl->kind == WF_FIELD_ENUM ? "Tab/S-Tab fields  Left/Right/Space values "
					    " Ctrl-D review  Esc cancel"
		: fl->kind == WF_FIELD_MULTILINE
			? "Tab/S-Tab fields  Enter new line  Ctrl-D review  Esc cancel"
			: "Tab/S-Tab fields  Enter next  Ctrl-D review  Esc cancel";
	if (fl->hint && h - 3 >= top)
		wf_text_draw(w, h - 3, x + 2, fl->hint, wd - x - 4, st->dim);
	wf_text_draw(w, h - 2, x, keys, wd - x - 2, st->dim);
}

static void draw_summary(const struct wf_form *f, WINDOW *w, int h, int wd,
			 const struct wf_form_style *st)
{
	int x = 2, vx = x + f->label_cols + GAP;
	if (vx > wd / 2)
		vx = wd / 2;
	int vcols = wd - vx - 2, y = 2, bottom = h - 2;
	wf_text_draw(w, 1, x, "Check before sending:", wd - 4, st->title);
	for (int i = 0; i < f->n && y < bottom; i++) {
		const struct wf_form_field *fl = &f->fields[i];
		if (fl->hidden)
			continue;
		wf_text_draw(w, y, x, fl->label, vx - x - GAP, st->label);
		if (fl->kind == WF_FIELD_ENUM) {
			const char *const *names = fl->shown ? fl->shown : fl->values;
			const char *s = names[fl->choice];
			wf_text_draw(w, y, vx, s[0] ? s : "(none)", vcols,
				     (int)(st->value | A_BOLD));
			y++;
		} else if (fl->kind == WF_FIELD_MULTILINE) {
			int want = fl->buf[0] ? 3 : 1; /* an empty text takes one row */
			int rows = bottom - y < want ? bottom - y : want;
			int n = wf_text_draw_wrapped(w, y, vx, rows, vcols, 0, fl->buf,
						     st->value | A_BOLD);
			if (!fl->buf[0])
				wf_text_draw(w, y, vx, "(empty)", vcols, st->dim);
			else if (n > rows)
				wf_text_draw(w, y + rows - 1, x, "(more)", vx - x - GAP,
					     st->dim);
			y += rows;
		} else {
			wf_text_draw(w, y, vx, fl->buf[0] ? fl->buf : "(empty)", vcols,
				     fl->buf[0] ? (int)(st->value | A_BOLD) : st->dim);
			y++;
		}
	}
	if (f->note[0] && y + 1 < bottom)
		wf_text_draw(w, y + 1, x, f->note, wd - 4, st->dim);
	wf_text_draw(w, h - 2, x, "Enter/y send  e edit  Esc cancel: nothing is sent",
		     wd - x - 2, st->focus);
}

void wf_form_draw(const struct wf_form *f, WINDOW *w, const struct wf_form_style *st)
{
	int h, wd;
	getmaxyx(w, h, wd);
	werase(w);
	wf_frame_draw(w, f->title, f->mode == WF_FORM_SUMMARY ? "summary" : NULL,
		      st->border, st->title);
	if (h < 5 || wd < 20 || f->n == 0)
		return;
	if (f->mode == WF_FORM_SUMMARY)
		draw_summary(f, w, h, wd, st);
	else
		draw_edit(f, w, h, wd, st);
}
