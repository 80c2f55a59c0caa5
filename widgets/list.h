/* list.h - the arithmetic of scrolled lists: which row is at the top so that the
 * selection stays visible, and moving a selection by lines or pages. Pure. */
#ifndef WF_WIDGETS_LIST_H
#define WF_WIDGETS_LIST_H

#include <stddef.h>

/* New top row for a list of n rows shown in `rows` lines with row sel selected
 * (-1: none), starting from the current top: moves as little as possible, and keeps
 * the list from scrolling past its end. */
int wf_list_fit(int top, int sel, int n, int rows);
/* sel moved by delta (clamped to 0..n-1; -1 when n is 0). */
int wf_list_move(int sel, int delta, int n);

#endif
