/* spark.h - sparklines: a series of numbers as one row of block glyphs
 * (▁▂▃▄▅▆▇█), or ASCII (_.-=+*#) on terminals without UTF-8. Values below 0 mean
 * "no data" and show as a blank. No domain knowledge. */
#ifndef WF_WIDGETS_SPARK_H
#define WF_WIDGETS_SPARK_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

/* Renders the last `cols` values of v[0..n) (fewer when n < cols) scaled to max (or to
 * the largest value when max <= 0) into out as UTF-8 (ASCII with ascii). Zero shows
 * as the lowest bar only when show_zero. Returns the columns rendered. */
int wf_spark_render(const double *v, size_t n, int cols, double max, bool ascii,
		    bool show_zero, char *out, size_t outsize);
/* The level 0..8 of value x scaled to max (0: blank). Pure, for tests. */
int wf_spark_level(double x, double max);
/* Draws a sparkline at (y, x), right-aligned in cols columns. */
int wf_spark_draw(WINDOW *w, int y, int x, const double *v, size_t n, int cols,
		  double max, int attr);

#endif
