/* spark.c - sparkline rendering (see spark.h). */
#include "spark.h"

#include <math.h>
#include <string.h>

#include "text.h"

static const char *const spark_utf8[9] = {" ", "▁", "▂", "▃", "▄",
					   "▅", "▆", "▇", "█"};
static const char spark_ascii[9] = {' ', '_', '.', ',', '-', '=', '+', '*', '#'};

int wf_spark_level(double x, double max)
{
	if (!(x > 0) || !(max > 0) || !isfinite(x))
		return 0;
	double f = x / max;
	if (f > 1)
		f = 1;
	int lvl = (int)ceil(f * 8.0);
	return lvl < 1 ? 1 : lvl > 8 ? 8 : lvl;
}

int wf_spark_render(const double *v, size_t n, int cols, double max, bool ascii,
		    bool show_zero, char *out, size_t outsize)
{
	size_t o = 0;
	int done = 0;
	if (outsize == 0)
		return 0;
	if (cols < 0)
		cols = 0;
	size_t first = n > (size_t)cols ? n - (size_t)cols : 0;
	if (max <= 0) {
		for (size_t i = first; i < n; i++)
			if (v[i] > max)
				max = v[i];
	}
	for (size_t i = first; i < n; i++) {
		int lvl = v[i] < 0 ? 0 : wf_spark_level(v[i], max);
		if (lvl == 0 && v[i] >= 0 && show_zero)
			lvl = 1;
		const char *g = spark_utf8[lvl];
		char a[2] = {spark_ascii[lvl], 0};
		if (ascii)
			g = a;
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

int wf_spark_draw(WINDOW *w, int y, int x, const double *v, size_t n, int cols,
		  double max, int attr)
{
	char buf[4 * 512 + 1];
	if (cols > 512)
		cols = 512;
	int done = wf_spark_render(v, n, cols, max, wf_text_ascii_locale(), false, buf,
				   sizeof(buf));
	return wf_text_draw(w, y, x + (cols - done), buf, done, attr);
}
