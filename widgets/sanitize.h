/* sanitize.h - untrusted text made safe in a buffer: the decoder of display units,
 * display widths and wf_text_sanitize() (window titles, notifications, stderr). It
 * replaces C0 controls (CR, BS, TAB, ESC included), DEL, C1 controls, bidi overrides
 * and other format characters, line and paragraph separators and invalid UTF-8 with
 * U+FFFD, and clips by display columns (wcwidth). No curses: widgets/text.h draws
 * the same units on screen. */
#ifndef WF_WIDGETS_SANITIZE_H
#define WF_WIDGETS_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Replacement for one unsafe unit in a buffer (U+FFFD); on screen a reverse '?'. */
#define WF_TEXT_PLACEHOLDER "\xEF\xBF\xBD"

/* One display unit of a string: a printable code point (with the combining marks
 * that follow it), or a placeholder for something unsafe. */
struct wf_text_unit {
	uint32_t cp[4]; /* base then combining marks; cp[0] 0 for a placeholder */
	int n_cp;
	int width; /* display columns: 1 or 2 */
	bool placeholder;
	size_t bytes; /* input bytes consumed */
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

/* True when the terminal's locale cannot show UTF-8 (draw ASCII fallbacks). */
bool wf_text_ascii_locale(void);

#endif
