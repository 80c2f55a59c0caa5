/* frame.c - pane frames and percent bars (see frame.h). */
#include "frame.h"

#include <math.h>
#include <string.h>

#include "text.h"

void wf_frame_draw(WINDOW *w, const char *title, const char *note, int border_attr,
		   int title_attr)
{
	int width = getmaxx(w);
	wattron(w, border_attr);
	box(w, 0, 0);
	wattroff(w, border_attr);
	if (width < 6)
		return;
	int used = 0;
	if (title) {
		mvwaddch(w, 0, 1, ' ' | (chtype)title_attr);
		used = wf_text_draw(w, 0, 2, title, width - 6, title_attr);
		waddch(w, ' ' | (chtype)title_attr);
	}
	if (note) {
		int room = width - 4 - used - 4;
		int nw = wf_text_width(note);
		if (room > 2) {
			if (nw > room)
				nw = room;
			wf_text_draw(w, 0, width - 2 - nw, note, nw, border_attr);
		}
	}
}

int wf_bar_render(double frac, int cols, bool ascii, char *out, size_t outsize)
{
	static const char *const eighths[8] = {"", "▏", "▎", "▍",
					       "▌", "▋", "▊", "▉"};
	size_t o = 0;
	int done = 0;
	if (outsize == 0)
		return 0;
	if (!(frac >= 0))
		frac = 0;
	if (frac > 1)
		frac = 1;
	int total = (int)lround(frac * cols * 8);
	for (int c = 0; c < cols; c++) {
		int e = total - c * 8;
		const char *g;
		if (e >= 8)
			g = ascii ? "#" : "█";
		else if (e <= 0)
			g = ascii ? "." : " ";
		else
			g = ascii ? (e >= 4 ? "#" : ".") : eighths[e];
		size_t gl = strlen(g);
		if (o + gl + 1 > outsize)
			break;
		memcpy(out + o, g, gl);
		o += gl;
		done++;
	}
	out[o] = '\0';
	return done;
}

void wf_bar_draw(WINDOW *w, int y, int x, double frac, int cols, int attr)
{
	char buf[4 * 256 + 1];
	if (cols > 256)
		cols = 256;
	wf_bar_render(frac, cols, wf_text_ascii_locale(), buf, sizeof(buf));
	wf_text_draw(w, y, x, buf, cols, attr);
}
