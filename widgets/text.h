/* text.h - the one way untrusted text reaches the screen. Every string that came over
 * the network goes through wf_text_draw() (curses) or wf_text_sanitize() (a buffer,
 * for window titles and notifications). Both replace C0 controls (CR, BS, TAB, ESC
 * included), DEL, C1 controls, bidi overrides and other format characters, line and
 * paragraph separators and invalid UTF-8 with visible placeholders, and clip by
 * display columns (wcwidth), so wide CJK, emoji and combining marks never spill past
 * their cell budget. Widgets know nothing of the domain. */
#ifndef WF_WIDGETS_TEXT_H
#define WF_WIDGETS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "widgets/sanitize.h" /* the units, widths and buffers drawn here */

/* Draws s at (y, x) of w with attr, sanitized, at most max_cols columns and never
 * past the window's right edge. Placeholders are a '?' with attr | A_REVERSE.
 * Returns the columns used. NULL s draws nothing. */
int wf_text_draw(WINDOW *w, int y, int x, const char *s, int max_cols, int attr);
int wf_text_draw_n(WINDOW *w, int y, int x, const char *s, size_t len, int max_cols,
		   int attr);
/* Like wf_text_draw, then pads with spaces to exactly max_cols columns. */
int wf_text_draw_pad(WINDOW *w, int y, int x, const char *s, int max_cols, int attr);
/* Right-aligned in a field of max_cols columns ending before x + max_cols. */
int wf_text_draw_right(WINDOW *w, int y, int x, const char *s, int max_cols, int attr);

/* Wraps s into lines of `cols` columns (LF breaks a line; other controls are
 * placeholders), skips the first `skip` lines and draws at most `rows` lines from
 * (y, x). Returns the total number of lines s needs at that width. */
int wf_text_draw_wrapped(WINDOW *w, int y, int x, int rows, int cols, int skip,
			 const char *s, int attr);

#endif
