/* theme.c - the built-in default theme and the curses side of themes: colour pairs
 * fitted to what the terminal can show (direct colour, nearest of 256, 16 or 8),
 * NO_COLOR honoured. Parsing is in theme_parse.c, finding files in theme_load.c. */
#include "theme.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#define WF_ROLE_KEY(N, K, FG, BG, AT) K,
static const char *const role_keys[] = {WF_ROLES(WF_ROLE_KEY)};
#define WF_ROLE_FG(N, K, FG, BG, AT) FG,
static const char *const role_fg[] = {WF_ROLES(WF_ROLE_FG)};
#define WF_ROLE_BG(N, K, FG, BG, AT) BG,
static const char *const role_bg[] = {WF_ROLES(WF_ROLE_BG)};
#define WF_ROLE_AT(N, K, FG, BG, AT) AT,
static const char *const role_at[] = {WF_ROLES(WF_ROLE_AT)};

static const char *const basic_names[] = {"black", "red",     "green", "yellow",
					  "blue",  "magenta", "cyan",  "white"};

const char *wf_role_key(enum wf_role r)
{
	return (unsigned)r < WF_ROLE__COUNT ? role_keys[r] : "?";
}

static struct wf_color basic(const char *name)
{
	struct wf_color c = {WF_COLOR_DEFAULT, -1, 0, 0, 0};
	for (int i = 0; i < 8; i++)
		if (strcmp(name, basic_names[i]) == 0) {
			c.kind = WF_COLOR_INDEX;
			c.index = i;
		}
	return c;
}

static unsigned attrs_of(const char *list)
{
	unsigned a = 0;
	if (strstr(list, "bold"))
		a |= WF_ATTR_BOLD;
	if (strstr(list, "dim"))
		a |= WF_ATTR_DIM;
	if (strstr(list, "reverse"))
		a |= WF_ATTR_REVERSE;
	if (strstr(list, "underline"))
		a |= WF_ATTR_UNDERLINE;
	return a;
}

void wf_theme_default(struct wf_theme *t)
{
	memset(t, 0, sizeof(*t));
	strcpy(t->name, "default");
	for (int r = 0; r < WF_ROLE__COUNT; r++) {
		t->roles[r].fg = basic(role_fg[r]);
		t->roles[r].bg = basic(role_bg[r]);
		t->roles[r].attrs = attrs_of(role_at[r]);
	}
}

static int role_attr[WF_ROLE__COUNT];
static enum wf_color_mode active_mode = WF_COLOR_MODE_NONE;

const char *wf_color_mode_name(enum wf_color_mode m)
{
	static const char *const names[] = {"none", "8", "16", "256", "direct"};
	return (unsigned)m <= WF_COLOR_MODE_DIRECT ? names[m] : "?";
}

static int curses_attrs(unsigned a)
{
	int out = 0;
	if (a & WF_ATTR_BOLD)
		out |= A_BOLD;
	if (a & WF_ATTR_DIM)
		out |= A_DIM;
	if (a & WF_ATTR_REVERSE)
		out |= A_REVERSE;
	if (a & WF_ATTR_UNDERLINE)
		out |= A_UNDERLINE;
	return out;
}

enum wf_color_mode wf_color_mode_pick(int colors, const char *colorterm,
				      const char *no_color)
{
	if (no_color && *no_color)
		return WF_COLOR_MODE_NONE;
	bool truecolor = colorterm && (strcmp(colorterm, "truecolor") == 0 ||
				       strcmp(colorterm, "24bit") == 0);
	/* A direct-colour terminfo (xterm-direct) takes numbers above 7 as RGB, so
	 * without COLORTERM only the 8 basic colours are safe there. */
	if (colors >= 0x1000000)
		return truecolor ? WF_COLOR_MODE_DIRECT : WF_COLOR_MODE_8;
	if (colors >= 256)
		return WF_COLOR_MODE_256;
	if (colors >= 16)
		return WF_COLOR_MODE_16;
	if (colors >= 8)
		return WF_COLOR_MODE_8;
	return WF_COLOR_MODE_NONE;
}

/* xterm's default values of the 16 ANSI colours. */
static const unsigned char ansi_rgb[16][3] = {
	{0, 0, 0},	 {205, 0, 0},	{0, 205, 0},   {205, 205, 0},
	{0, 0, 238},	 {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0},	{0, 255, 0},   {255, 255, 0},
	{92, 92, 255},	 {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
};
static const int cube_level[6] = {0, 95, 135, 175, 215, 255};

static void index_rgb(int i, int rgb[3])
{
	if (i < 16) {
		for (int k = 0; k < 3; k++)
			rgb[k] = ansi_rgb[i][k];
	} else if (i < 232) {
		i -= 16;
		rgb[0] = cube_level[i / 36];
		rgb[1] = cube_level[(i / 6) % 6];
		rgb[2] = cube_level[i % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (i - 232);
	}
}

/* Squared distance, weighted roughly by the eye's sensitivity. */
static long dist(const int a[3], const int b[3])
{
	long dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
	return 3 * dr * dr + 4 * dg * dg + 2 * db * db;
}

static int nearest(const int rgb[3], int from, int to)
{
	int best = from;
	long best_d = -1;
	for (int i = from; i < to; i++) {
		int c[3];
		index_rgb(i, c);
		long d = dist(rgb, c);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

int wf_color_fit(const struct wf_color *c, enum wf_color_mode m, bool *bold)
{
	int rgb[3];
	if (bold)
		*bold = false;
	if (c->kind == WF_COLOR_DEFAULT || m == WF_COLOR_MODE_NONE)
		return -1;
	if (c->kind == WF_COLOR_INDEX) {
		if (c->index < 0 || c->index > 255)
			return -1;
		index_rgb(c->index, rgb);
	} else {
		rgb[0] = c->r;
		rgb[1] = c->g;
		rgb[2] = c->b;
	}
	switch (m) {
	case WF_COLOR_MODE_DIRECT: {
		/* Numbers 0-7 are the ANSI colours; anything else is 0xRRGGBB. */
		if (c->kind == WF_COLOR_INDEX && c->index < 8)
			return c->index;
		int v = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
		return v < 8 ? 8 : v;
	}
	case WF_COLOR_MODE_256:
		if (c->kind == WF_COLOR_INDEX)
			return c->index;
		/* 16-255 only: 0-15 are whatever the user's palette made of them. */
		return nearest(rgb, 16, 256);
	case WF_COLOR_MODE_16:
		return c->kind == WF_COLOR_INDEX && c->index < 16 ? c->index
								  : nearest(rgb, 0, 16);
	case WF_COLOR_MODE_8: {
		int i = c->kind == WF_COLOR_INDEX && c->index < 16
				? c->index
				: nearest(rgb, 0, 16);
		if (i >= 8) {
			if (bold)
				*bold = true;
			i -= 8;
		}
		return i;
	}
	default:
		return -1;
	}
}

void wf_theme_activate(const struct wf_theme *t)
{
	enum wf_color_mode mode = WF_COLOR_MODE_NONE;
	bool have_default = false;
	if (has_colors()) {
		const char *nc = getenv("NO_COLOR");
		if (!(nc && *nc)) {
			start_color();
			have_default = use_default_colors() == OK;
			mode = wf_color_mode_pick(COLORS, getenv("COLORTERM"), nc);
		}
	}
	active_mode = mode;
	for (int r = 0; r < WF_ROLE__COUNT; r++) {
		const struct wf_role_style *s = &t->roles[r];
		int a = curses_attrs(s->attrs);
		if (mode != WF_COLOR_MODE_NONE && r + 1 < COLOR_PAIRS) {
			bool bright = false;
			int fg = wf_color_fit(&s->fg, mode, &bright);
			int bg = wf_color_fit(&s->bg, mode, NULL);
			if (!have_default) {
				fg = fg < 0 ? COLOR_WHITE : fg;
				bg = bg < 0 ? COLOR_BLACK : bg;
			}
			if (bright)
				a |= A_BOLD;
#if defined(NCURSES_EXT_COLORS)
			init_extended_pair(r + 1, fg, bg);
#else
			init_pair((short)(r + 1), (short)fg, (short)bg);
#endif
			a |= (int)COLOR_PAIR(r + 1);
		} else if (s->bg.kind != WF_COLOR_DEFAULT &&
			   !(s->attrs & WF_ATTR_REVERSE)) {
			a |= A_REVERSE; /* no colour: a coloured background becomes
					   reverse */
		}
		role_attr[r] = a;
	}
}

int wf_theme_attr(enum wf_role r)
{
	return (unsigned)r < WF_ROLE__COUNT ? role_attr[r] : 0;
}

enum wf_color_mode wf_theme_color_mode(void)
{
	return active_mode;
}
