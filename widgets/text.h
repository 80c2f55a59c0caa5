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
#include <stdint.h>
#include <stdio.h>

#include <curses.h>

/* Replacement for one unsafe unit in a buffer (U+FFFD); on screen a reverse '?'. */
#define WF_TEXT_PLACEHOLDER "\xEF\xBF\xBD"

/* One display unit of a string: a printable code point (with the combining marks
 * that follow it), or a placeholder for something unsafe. */
struct wf_text_unit {
	uint32_t cp[4];     /* base then combining marks; cp[0] 0 for a placeholder */
	int n_cp;
	int width;          /* display columns: 1 or 2 */
	bool placeholder;
	size_t bytes;       /* input bytes consumed */
};

/* Decodes the next unit of s[0..len) into *u. Returns false at the end. Strict UTF-8:
 * overlongs, surrogates, values above U+10FFFF and truncated sequences each give one
 * placeholder per bad byte. Zero-width marks are attached to the unit before them
 * (at most 3); a mark with no base is a placeholder; variation selectors are dropped.
 * With ascii (a non-UTF-8 terminal) every non-ASCII unit is a placeholder. */
bool wf_text_next(const char *s, size_t len, bool ascii, struct wf_text_unit *u);

/* Display columns of s once sanitized (placeholders count 1). */
int wf_text_width(const char *s);
int wf_text_width_n(const char *s, size_t len);

/* Writes s sanitized into out (always NUL-terminated, never a cut sequence), using
 * U+FFFD for placeholders (or '?' with ascii), at most max_cols columns (< 0: no
 * limit). Returns the columns written. */
int wf_text_sanitize(const char *s, size_t len, int max_cols, bool ascii, char *out,
		     size_t outsize);

/* Writes s sanitized (as wf_text_sanitize, ASCII placeholders when the locale is
 * not UTF-8) to f, at most max_cols columns (< 0: no limit): the one way untrusted
 * text reaches stderr or stdout. NULL s writes nothing. Returns the columns, or -1
 * on an error (out of memory, write). */
int wf_text_fputs(FILE *f, const char *s, int max_cols);

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

/* True when the terminal's locale cannot show UTF-8 (draw ASCII fallbacks). */
bool wf_text_ascii_locale(void);

#endif
