/* list.c - scrolled list arithmetic (see list.h). */
#include "list.h"

int wf_list_fit(int top, int sel, int n, int rows)
{
	if (rows <= 0 || n <= 0)
		return 0;
	if (sel >= n)
		sel = n - 1;
	if (sel >= 0) {
		if (sel < top)
			top = sel;
		if (sel >= top + rows)
			top = sel - rows + 1;
	}
	if (top > n - rows)
		top = n - rows;
	return top < 0 ? 0 : top;
}

int wf_list_move(int sel, int delta, int n)
{
	if (n <= 0)
		return -1;
	long s = (long)(sel < 0 ? 0 : sel) + delta;
	if (s < 0)
		s = 0;
	if (s > n - 1)
		s = n - 1;
	return (int)s;
}
