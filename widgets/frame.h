/* frame.h - pane frames (a box with a title) and horizontal percent bars. */
#ifndef WF_WIDGETS_FRAME_H
#define WF_WIDGETS_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

/* Draws a box around the whole window with title (trusted or not: it goes through
 * the sanitizer) on the top border, and an optional right-aligned note. */
void wf_frame_draw(WINDOW *w, const char *title, const char *note, int border_attr,
		   int title_attr);

/* Renders a bar of cols columns filled to frac (0..1) with eighth blocks (or '#'
 * with ascii) into out. Returns the columns rendered. Pure. */
int wf_bar_render(double frac, int cols, bool ascii, char *out, size_t outsize);
/* Draws that bar at (y, x). */
void wf_bar_draw(WINDOW *w, int y, int x, double frac, int cols, int attr);

#endif
