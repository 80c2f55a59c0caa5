/* test_theme.c - unit tests of themes/: the file format (every shipped theme parses,
 * mistakes are reported with file and line), colour fitting, and activation of
 * every shipped theme on 8-colour, 256-colour, direct-colour and NO_COLOR terminals
 * (curses screens made with newterm() on /dev/null). Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "themes/theme.h"

static void test_shipped_themes_parse(void **state)
{
	(void)state;
	const char *const *names = wf_theme_names();
	int n = 0;
	for (; names[n]; n++) {
		struct wf_theme t;
		char err[256];
		int rc = wf_theme_load(names[n], &t, err, sizeof err);
		if (rc != 0)
			fail_msg("theme %s: %s", names[n], err);
		assert_string_equal(t.name, names[n]);
	}
	assert_true(n >= 5);
}

/* Every role is set explicitly in every shipped theme file, so adding a role to
 * WF_ROLES without giving it a colour in the themes fails here. */
static void test_shipped_themes_set_every_role(void **state)
{
	(void)state;
	for (const char *const *n = wf_theme_names(); *n; n++) {
		char path[128];
		snprintf(path, sizeof path, "themes/%s.theme", *n);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		char text[16384];
		size_t len = fread(text, 1, sizeof text - 1, f);
		fclose(f);
		text[len] = '\0';
		for (int r = 0; r < WF_ROLE__COUNT; r++) {
			char key[80];
			snprintf(key, sizeof key, "\n%s ",
				 wf_role_key((enum wf_role)r));
			if (!strstr(text, key))
				fail_msg("%s does not set %s", path,
					 wf_role_key((enum wf_role)r));
		}
	}
}

static void test_parse_syntax(void **state)
{
	(void)state;
	const char *text = "# a comment\n"
			   "name = mine\n"
			   "\n"
			   "  selected = black on cyan, bold  # trailing comment\n"
			   "banner=#FF8800 on 17,underline,reverse\n"
			   "text = default\n"
			   "dim = dim\n"
			   "help_key = bright_red\r\n"
			   "sparkline = on grey\n"
			   "header = none\n";
	struct wf_theme t;
	char err[256];
	assert_int_equal(
		wf_theme_parse(text, strlen(text), "mine.theme", &t, err, sizeof err),
		0);
	assert_string_equal(t.name, "mine");
	const struct wf_role_style *s = &t.roles[WF_ROLE_SELECTED];
	assert_int_equal(s->fg.kind, WF_COLOR_INDEX);
	assert_int_equal(s->fg.index, 0);
	assert_int_equal(s->bg.index, 6);
	assert_int_equal(s->attrs, WF_ATTR_BOLD);
	s = &t.roles[WF_ROLE_BANNER];
	assert_int_equal(s->fg.kind, WF_COLOR_RGB);
	assert_int_equal(s->fg.r, 0xff);
	assert_int_equal(s->fg.g, 0x88);
	assert_int_equal(s->fg.b, 0x00);
	assert_int_equal(s->bg.kind, WF_COLOR_INDEX);
	assert_int_equal(s->bg.index, 17);
	assert_int_equal(s->attrs, WF_ATTR_UNDERLINE | WF_ATTR_REVERSE);
	assert_int_equal(t.roles[WF_ROLE_TEXT].fg.kind, WF_COLOR_DEFAULT);
	assert_int_equal(t.roles[WF_ROLE_DIM].attrs, WF_ATTR_DIM);
	assert_int_equal(t.roles[WF_ROLE_HELP_KEY].fg.index, 9);
	assert_int_equal(t.roles[WF_ROLE_HELP_KEY].attrs, 0);
	assert_int_equal(t.roles[WF_ROLE_SPARKLINE].fg.kind, WF_COLOR_DEFAULT);
	assert_int_equal(t.roles[WF_ROLE_SPARKLINE].bg.index, 8);
	assert_int_equal(t.roles[WF_ROLE_HEADER].attrs, 0);
	/* Roles the file does not name keep the built-in default. */
	struct wf_theme d;
	wf_theme_default(&d);
	assert_memory_equal(&t.roles[WF_ROLE_OVERDUE], &d.roles[WF_ROLE_OVERDUE],
			    sizeof d.roles[0]);
}

struct bad_case {
	const char *text;
	const char *expect; /* the whole message */
};

static void test_parse_errors_name_file_and_line(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{"text = default\nbogus = red\n",
		 "x.theme:2: unknown role 'bogus' (see docs/themes.md for the list)"},
		{"\n\n\nselected = black on\n",
		 "x.theme:4: 'on' must be followed by a colour"},
		{"selected = purple\n",
		 "x.theme:1: unknown colour or attribute 'purple'"},
		{"selected = 256\n", "x.theme:1: unknown colour or attribute '256'"},
		{"selected = #12345\n",
		 "x.theme:1: unknown colour or attribute '#12345'"},
		{"selected = red #x\n", "x.theme:1: unknown colour or attribute '#x'"},
		{"selected = #12345g\n",
		 "x.theme:1: unknown colour or attribute '#12345g'"},
		{"# ok\nselected black\n", "x.theme:2: expected 'role = value'"},
		{"selected = red blue\n",
		 "x.theme:1: colour 'blue' where an attribute or 'on' was expected"},
		{"selected = red on blue on green\n",
		 "x.theme:1: two background colours"},
		{"= red\n", "x.theme:1: missing role name before '='"},
		{"selected =\n",
		 "x.theme:1: empty value (use 'default' for the terminal's "
		 "colours)"},
		{"a = b\x01\n",
		 "x.theme:1: unknown role 'a' (see docs/themes.md for the list)"},
		{"selected = re\x1b[31md\n",
		 "x.theme:1: unknown colour or attribute 're?[31md'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct wf_theme t;
		char err[256];
		int rc = wf_theme_parse(cases[i].text, strlen(cases[i].text), "x.theme",
					&t, err, sizeof err);
		assert_int_equal(rc, -1);
		assert_string_equal(err, cases[i].expect);
	}
	/* A NUL byte and an overlong line are mistakes too. */
	struct wf_theme t;
	char err[256];
	assert_int_equal(
		wf_theme_parse("text = red\n\0x", 13, "n.theme", &t, err, sizeof err),
		-1);
	assert_string_equal(err, "n.theme:2: NUL byte in theme file");
	char longl[700];
	memset(longl, 'a', sizeof longl);
	assert_int_equal(
		wf_theme_parse(longl, sizeof longl, "l.theme", &t, err, sizeof err),
		-1);
	assert_string_equal(err, "l.theme:1: line longer than 512 bytes");
	/* A tiny error buffer is never overrun. */
	char small[8];
	assert_int_equal(
		wf_theme_parse("bogus = 1\n", 10, "x.theme", &t, small, sizeof small),
		-1);
	assert_int_equal(strlen(small), 7);
}

static void test_load_falls_back_to_default(void **state)
{
	(void)state;
	char path[] = "/tmp/wf-theme-XXXXXX.theme";
	int fd = mkstemps(path, 6);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("name = broken\nselected = black on cyan\nbanner = blinking\n", f);
	fclose(f);
	struct wf_theme t, d;
	char err[512], expect[600];
	wf_theme_default(&d);
	assert_int_equal(wf_theme_load(path, &t, err, sizeof err), -1);
	snprintf(expect, sizeof expect, "%s:3: unknown colour or attribute 'blinking'",
		 path);
	assert_string_equal(err, expect);
	assert_memory_equal(&t, &d, sizeof t);
	unlink(path);

	assert_int_equal(wf_theme_load("no-such-theme", &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "'no-such-theme' not found"));
	assert_memory_equal(&t, &d, sizeof t);
	assert_int_equal(wf_theme_load("../../etc/passwd.x", &t, err, sizeof err), -1);
	assert_int_equal(wf_theme_load("bad name", &t, err, sizeof err), -1);
	assert_int_equal(wf_theme_load("/nonexistent/x.theme", &t, err, sizeof err),
			 -1);
	assert_string_equal(err, "/nonexistent/x.theme: No such file or directory");
}

static void test_names_cycle(void **state)
{
	(void)state;
	assert_string_equal(wf_theme_next("default"), "light");
	assert_string_equal(wf_theme_next("monochrome"), "default");
	assert_string_equal(wf_theme_next("mine"), "default");
	assert_string_equal(wf_theme_next(NULL), "default");
}

static void test_color_mode_pick(void **state)
{
	(void)state;
	assert_int_equal(wf_color_mode_pick(256, NULL, "1"), WF_COLOR_MODE_NONE);
	assert_int_equal(wf_color_mode_pick(256, NULL, ""), WF_COLOR_MODE_256);
	assert_int_equal(wf_color_mode_pick(8, "truecolor", NULL), WF_COLOR_MODE_8);
	assert_int_equal(wf_color_mode_pick(16, NULL, NULL), WF_COLOR_MODE_16);
	assert_int_equal(wf_color_mode_pick(256, "truecolor", NULL), WF_COLOR_MODE_256);
	assert_int_equal(wf_color_mode_pick(0x1000000, "truecolor", NULL),
			 WF_COLOR_MODE_DIRECT);
	assert_int_equal(wf_color_mode_pick(0x1000000, "24bit", NULL),
			 WF_COLOR_MODE_DIRECT);
	assert_int_equal(wf_color_mode_pick(0x1000000, NULL, NULL), WF_COLOR_MODE_8);
	assert_int_equal(wf_color_mode_pick(0, "truecolor", NULL), WF_COLOR_MODE_NONE);
}

static void test_color_fit(void **state)
{
	(void)state;
	struct wf_color red = {WF_COLOR_RGB, 0, 255, 0, 0};
	struct wf_color orange = {WF_COLOR_RGB, 0, 0xE6, 0x9F, 0x00};
	struct wf_color bright_red = {WF_COLOR_INDEX, 9, 0, 0, 0};
	struct wf_color grey = {WF_COLOR_RGB, 0, 0x80, 0x80, 0x80};
	struct wf_color def = {WF_COLOR_DEFAULT, -1, 0, 0, 0};
	struct wf_color black = {WF_COLOR_RGB, 0, 0, 0, 3};
	bool bold;
	assert_int_equal(wf_color_fit(&red, WF_COLOR_MODE_256, &bold), 196);
	assert_int_equal(wf_color_fit(&orange, WF_COLOR_MODE_256, &bold), 178);
	assert_int_equal(wf_color_fit(&grey, WF_COLOR_MODE_256, &bold), 244);
	assert_int_equal(wf_color_fit(&red, WF_COLOR_MODE_16, &bold), 9);
	assert_int_equal(wf_color_fit(&red, WF_COLOR_MODE_8, &bold), 1);
	assert_true(bold);
	assert_int_equal(wf_color_fit(&bright_red, WF_COLOR_MODE_8, &bold), 1);
	assert_true(bold);
	assert_int_equal(wf_color_fit(&bright_red, WF_COLOR_MODE_256, &bold), 9);
	assert_false(bold);
	assert_int_equal(wf_color_fit(&orange, WF_COLOR_MODE_DIRECT, &bold), 0xE69F00);
	assert_int_equal(wf_color_fit(&black, WF_COLOR_MODE_DIRECT, &bold), 8);
	assert_int_equal(wf_color_fit(&bright_red, WF_COLOR_MODE_DIRECT, &bold),
			 0xFF0000);
	assert_int_equal(wf_color_fit(&def, WF_COLOR_MODE_256, &bold), -1);
	assert_int_equal(wf_color_fit(&red, WF_COLOR_MODE_NONE, &bold), -1);
}

/* Activation on a real curses screen: newterm() with output to /dev/null. */
struct term_case {
	const char *term, *colorterm, *no_color;
	enum wf_color_mode expect;
};

static void activate_all_on(const struct term_case *tc)
{
	setenv("TERM", tc->term, 1);
	if (tc->colorterm)
		setenv("COLORTERM", tc->colorterm, 1);
	else
		unsetenv("COLORTERM");
	if (tc->no_color)
		setenv("NO_COLOR", tc->no_color, 1);
	else
		unsetenv("NO_COLOR");
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	assert_non_null(out);
	assert_non_null(in);
	SCREEN *scr = newterm(tc->term, out, in);
	if (!scr)
		fail_msg("newterm(%s) failed: is ncurses-term installed?", tc->term);
	set_term(scr);
	for (const char *const *n = wf_theme_names(); *n; n++) {
		struct wf_theme t;
		char err[256];
		assert_int_equal(wf_theme_load(*n, &t, err, sizeof err), 0);
		wf_theme_activate(&t);
		if (wf_theme_color_mode() != tc->expect)
			fail_msg("%s on TERM=%s COLORTERM=%s NO_COLOR=%s: mode %s, "
				 "want %s",
				 *n, tc->term, tc->colorterm ? tc->colorterm : "",
				 tc->no_color ? tc->no_color : "",
				 wf_color_mode_name(wf_theme_color_mode()),
				 wf_color_mode_name(tc->expect));
		/* The selected row must stand out in every theme and every mode. */
		int sel = wf_theme_attr(WF_ROLE_SELECTED),
		    txt = wf_theme_attr(WF_ROLE_TEXT);
		assert_true(sel != txt);
		if (tc->expect == WF_COLOR_MODE_NONE) {
			assert_int_equal(sel & A_COLOR, 0);
			assert_true(sel & A_REVERSE);
		} else {
			int pair = PAIR_NUMBER(sel);
			assert_true(pair > 0);
			int fg = -2, bg = -2;
			assert_int_equal(extended_pair_content(pair, &fg, &bg), OK);
			if (tc->expect == WF_COLOR_MODE_8)
				assert_true(fg < 8 && bg < 8);
			else if (tc->expect == WF_COLOR_MODE_256)
				assert_true(fg < 256 && bg < 256);
		}
		/* Drawing with every role works. */
		for (int r = 0; r < WF_ROLE__COUNT; r++) {
			attrset(wf_theme_attr((enum wf_role)r));
			mvaddstr(r % LINES, 0, wf_role_key((enum wf_role)r));
		}
		refresh();
	}
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
}

static void test_activate_every_terminal(void **state)
{
	(void)state;
	static const struct term_case cases[] = {
		{"xterm", NULL, NULL, WF_COLOR_MODE_8},
		{"xterm-256color", NULL, NULL, WF_COLOR_MODE_256},
		{"xterm-256color", "truecolor", NULL, WF_COLOR_MODE_256},
		{"xterm-direct", "truecolor", NULL, WF_COLOR_MODE_DIRECT},
		{"xterm-direct", NULL, NULL, WF_COLOR_MODE_8},
		{"xterm-256color", "truecolor", "1", WF_COLOR_MODE_NONE},
		{"xterm", NULL, "1", WF_COLOR_MODE_NONE},
		{"vt100", NULL, NULL, WF_COLOR_MODE_NONE},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		activate_all_on(&cases[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_parse),
		cmocka_unit_test(test_shipped_themes_set_every_role),
		cmocka_unit_test(test_parse_syntax),
		cmocka_unit_test(test_parse_errors_name_file_and_line),
		cmocka_unit_test(test_load_falls_back_to_default),
		cmocka_unit_test(test_names_cycle),
		cmocka_unit_test(test_color_mode_pick),
		cmocka_unit_test(test_color_fit),
		cmocka_unit_test(test_activate_every_terminal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
