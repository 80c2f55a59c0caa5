/* theme.c - the built-in default theme and the curses side of themes: colour pairs
 * fitted to what the terminal can show, NO_COLOR honoured. */
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

/* Nearest colour the terminal has, for an 8/16/256-colour terminal. */
static short fit(const struct wf_color *c)
{
	if (c->kind == WF_COLOR_DEFAULT)
		return -1;
	if (c->kind == WF_COLOR_INDEX)
		return (short)(c->index < COLORS ? c->index : c->index % 8);
	/* RGB: the 6x6x6 cube of 256 colours, or the nearest of the 8 basic ones. */
	if (COLORS >= 256) {
		int r = (c->r * 5 + 127) / 255, g = (c->g * 5 + 127) / 255,
		    b = (c->b * 5 + 127) / 255;
		return (short)(16 + 36 * r + 6 * g + b);
	}
	return (short)((c->r > 127 ? 1 : 0) | (c->g > 127 ? 2 : 0) | (c->b > 127 ? 4 : 0));
}

void wf_theme_activate(const struct wf_theme *t)
{
	const char *nc = getenv("NO_COLOR");
	bool color = has_colors() && !(nc && *nc);
	if (color) {
		start_color();
		use_default_colors();
	}
	for (int r = 0; r < WF_ROLE__COUNT; r++) {
		const struct wf_role_style *s = &t->roles[r];
		int a = curses_attrs(s->attrs);
		if (color && r + 1 < COLOR_PAIRS) {
			init_pair((short)(r + 1), fit(&s->fg), fit(&s->bg));
			a |= COLOR_PAIR(r + 1);
		} else if (s->bg.kind != WF_COLOR_DEFAULT) {
			a |= A_REVERSE; /* no colour: a coloured background becomes reverse */
		}
		role_attr[r] = a;
	}
}

int wf_theme_attr(enum wf_role r)
{
	return (unsigned)r < WF_ROLE__COUNT ? role_attr[r] : 0;
}
