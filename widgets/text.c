/* text.c - drawing untrusted text into curses windows (see text.h), one sanitized
 * unit at a time (widgets/sanitize.c decodes and measures them). */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Draws one unit at the cursor. */
static void draw_unit(WINDOW *w, const struct wf_text_unit *u, bool ascii, int attr)
{
	if (u->placeholder) {
		waddch(w, (chtype)'?' | (chtype)attr | A_REVERSE);
		return;
	}
	if (ascii || (u->n_cp == 1 && u->cp[0] < 0x80)) {
		waddch(w, (chtype)u->cp[0] | (chtype)attr);
		return;
	}
	wchar_t wc[5];
	for (int i = 0; i < u->n_cp; i++)
		wc[i] = (wchar_t)u->cp[i];
	wc[u->n_cp] = L'\0';
	cchar_t cc;
	if (setcchar(&cc, wc, (attr_t)attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL) ==
	    OK)
		wadd_wch(w, &cc);
}

int wf_text_draw_n(WINDOW *w, int y, int x, const char *s, size_t len, int max_cols,
		   int attr)
{
	struct wf_text_unit u;
	bool ascii = wf_text_ascii_locale();
	int room = getmaxx(w) - x;
	int cols = 0;
	if (!s || room <= 0 || y < 0 || y >= getmaxy(w) || x < 0)
		return 0;
	if (max_cols < 0 || max_cols > room)
		max_cols = room;
	wmove(w, y, x);
	while (wf_text_next(s, len, ascii, &u)) {
		if (cols + u.width > max_cols)
			break;
		draw_unit(w, &u, ascii, attr);
		cols += u.width;
		s += u.bytes;
		len -= u.bytes;
	}
	return cols;
}

int wf_text_draw(WINDOW *w, int y, int x, const char *s, int max_cols, int attr)
{
	return s ? wf_text_draw_n(w, y, x, s, strlen(s), max_cols, attr) : 0;
}

int wf_text_draw_pad(WINDOW *w, int y, int x, const char *s, int max_cols, int attr)
{
	int used = wf_text_draw(w, y, x, s, max_cols, attr);
	int room = getmaxx(w) - x;
	if (max_cols > room)
		max_cols = room;
	for (int c = used; c < max_cols; c++)
		mvwaddch(w, y, x + c, (chtype)' ' | (chtype)attr);
	return max_cols > used ? max_cols : used;
}

int wf_text_draw_right(WINDOW *w, int y, int x, const char *s, int max_cols, int attr)
{
	int width = wf_text_width(s);
	if (width > max_cols)
		width = max_cols;
	return wf_text_draw(w, y, x + max_cols - width, s, width, attr);
}

/* Display columns of the word starting at s (up to a space, LF or the end). */
static int word_width(const char *s, size_t len, bool ascii)
{
	struct wf_text_unit u;
	int w = 0;
	while (len > 0 && *s != ' ' && *s != '\n' && wf_text_next(s, len, ascii, &u)) {
		w += u.width;
		s += u.bytes;
		len -= u.bytes;
	}
	return w;
}

int wf_text_draw_wrapped(WINDOW *w, int y, int x, int rows, int cols, int skip,
			 const char *s, int attr)
{
	struct wf_text_unit u;
	bool ascii = wf_text_ascii_locale();
	size_t len = s ? strlen(s) : 0;
	int line = 0, col = 0;
	bool word_start = true;
	if (!s || cols <= 0)
		return 0;
	while (len > 0) {
		if (*s == '\n') {
			line++;
			col = 0;
			s++;
			len--;
			word_start = true;
			continue;
		}
		if (*s == ' ') {
			word_start = true;
			if (col == 0 && line > 0) { /* no leading space on a wrapped line */
				s++;
				len--;
				continue;
			}
		} else if (word_start) {
			word_start = false;
			int ww = word_width(s, len, ascii);
			if (col > 0 && col + ww > cols) {
				line++;
				col = 0;
			}
		}
		if (!wf_text_next(s, len, ascii, &u))
			break;
		if (col + u.width > cols) {
			line++;
			col = 0;
			if (*s == ' ') {
				s++;
				len--;
				continue;
			}
		}
		int row = line - skip;
		if (row >= 0 && row < rows) {
			wmove(w, y + row, x + col);
			draw_unit(w, &u, ascii, attr);
		}
		col += u.width;
		s += u.bytes;
		len -= u.bytes;
	}
	return line + 1;
}
