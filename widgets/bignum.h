/* bignum.h - big glyphs for headline figures read from across a room: each
 * character is 3 columns wide (4 with the gap) and 5 rows high, drawn with full
 * blocks, or '#' on terminals without UTF-8. Covers 0-9 . , : % - + / and space;
 * other characters draw as blank. */
#ifndef WF_WIDGETS_BIGNUM_H
#define WF_WIDGETS_BIGNUM_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#define WF_BIGNUM_ROWS 5
#define WF_BIGNUM_COLS 3

/* Row `row` (0..4) of character c as a 3-character mask: '#' for a filled cell,
 * ' ' for an empty one. NULL when c has no glyph. Pure. */
const char *wf_bignum_mask(char c, int row);
/* Columns the text needs (4 per character, minus the last gap). */
int wf_bignum_width(const char *text);
/* Draws text at (y, x) in big glyphs. Returns the columns used. */
int wf_bignum_draw(WINDOW *w, int y, int x, const char *text, int attr);

#endif
