/* theme_parse.c - the theme file format, parsed without curses or I/O: one
 * `role = [FG] [on BG] [, attribute...]` a line, `#` comments, colour words as in
 * docs/themes.md. The first mistake stops parsing with "FILE:LINE: message". */
#include "theme.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 512
#define TOKENS_MAX 16

static const char *const color_names[] = {"black", "red",     "green", "yellow",
					  "blue",  "magenta", "cyan",  "white"};

static const struct {
	const char *name;
	unsigned attr;
} attr_names[] = {
	{"bold", WF_ATTR_BOLD},
	{"dim", WF_ATTR_DIM},
	{"reverse", WF_ATTR_REVERSE},
	{"underline", WF_ATTR_UNDERLINE},
	{"none", 0},
	{"normal", 0},
};

static int basic_index(const char *w)
{
	for (int i = 0; i < 8; i++)
		if (strcasecmp(w, color_names[i]) == 0)
			return i;
	return -1;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int wf_color_parse(const char *w, struct wf_color *out)
{
	struct wf_color c = {WF_COLOR_DEFAULT, -1, 0, 0, 0};
	int i;
	if (strcasecmp(w, "default") == 0) {
		*out = c;
		return 0;
	}
	if ((i = basic_index(w)) >= 0) {
		c.kind = WF_COLOR_INDEX;
		c.index = i;
		*out = c;
		return 0;
	}
	if (strncasecmp(w, "bright_", 7) == 0 && (i = basic_index(w + 7)) >= 0) {
		c.kind = WF_COLOR_INDEX;
		c.index = 8 + i;
		*out = c;
		return 0;
	}
	if (strcasecmp(w, "grey") == 0 || strcasecmp(w, "gray") == 0) {
		c.kind = WF_COLOR_INDEX;
		c.index = 8;
		*out = c;
		return 0;
	}
	if (w[0] == '#') {
		int v[6];
		if (strlen(w) != 7)
			return -1;
		for (int k = 0; k < 6; k++)
			if ((v[k] = hex_digit(w[1 + k])) < 0)
				return -1;
		c.kind = WF_COLOR_RGB;
		c.r = (unsigned char)(v[0] * 16 + v[1]);
		c.g = (unsigned char)(v[2] * 16 + v[3]);
		c.b = (unsigned char)(v[4] * 16 + v[5]);
		*out = c;
		return 0;
	}
	if (w[0] >= '0' && w[0] <= '9' && strlen(w) <= 3) {
		int n = 0;
		for (const char *p = w; *p; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			n = n * 10 + (*p - '0');
		}
		if (n > 255)
			return -1;
		c.kind = WF_COLOR_INDEX;
		c.index = n;
		*out = c;
		return 0;
	}
	return -1;
}

static int attr_lookup(const char *w, unsigned *attr)
{
	for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++)
		if (strcasecmp(w, attr_names[i].name) == 0) {
			*attr = attr_names[i].attr;
			return 0;
		}
	return -1;
}

/* Copies w into out for an error message: printable ASCII only, at most 32 bytes. */
static const char *shown(const char *w, char *out, size_t size)
{
	size_t n = 0;
	for (; *w && n + 1 < size && n < 32; w++)
		out[n++] = (*w >= 0x20 && *w < 0x7f) ? *w : '?';
	out[n] = '\0';
	return out;
}

struct parse_ctx {
	const char *file;
	int line;
	char *err;
	size_t errsize;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int
fail(struct parse_ctx *c, const char *fmt, ...)
{
	if (c->err && c->errsize) {
		int n = snprintf(c->err, c->errsize, "%s:%d: ", c->file, c->line);
		if (n >= 0 && (size_t)n < c->errsize) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->errsize - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* value: tokens separated by blanks and commas: [FG] [on BG] attributes... */
static int parse_style(struct parse_ctx *c, char *value, struct wf_role_style *out)
{
	struct wf_role_style s = {
		{WF_COLOR_DEFAULT, -1, 0, 0, 0}, {WF_COLOR_DEFAULT, -1, 0, 0, 0}, 0};
	bool have_fg = false, have_bg = false, want_bg = false;
	char buf[40];
	int ntok = 0;
	for (char *save = NULL, *tok = strtok_r(value, " \t,", &save); tok;
	     tok = strtok_r(NULL, " \t,", &save)) {
		unsigned a;
		struct wf_color col;
		if (++ntok > TOKENS_MAX)
			return fail(c, "too many words in the value");
		if (want_bg) {
			if (wf_color_parse(tok, &col) < 0)
				return fail(
					c,
					"'on' must be followed by a colour, not '%s'",
					shown(tok, buf, sizeof buf));
			s.bg = col;
			have_bg = true;
			want_bg = false;
		} else if (strcasecmp(tok, "on") == 0) {
			if (have_bg)
				return fail(c, "two background colours");
			want_bg = true;
		} else if (attr_lookup(tok, &a) == 0) {
			s.attrs |= a;
		} else if (wf_color_parse(tok, &col) == 0) {
			if (have_fg || have_bg)
				return fail(c,
					    "colour '%s' where an attribute or 'on' "
					    "was expected",
					    shown(tok, buf, sizeof buf));
			s.fg = col;
			have_fg = true;
		} else {
			return fail(c, "unknown colour or attribute '%s'",
				    shown(tok, buf, sizeof buf));
		}
	}
	if (want_bg)
		return fail(c, "'on' must be followed by a colour");
	if (ntok == 0)
		return fail(c,
			    "empty value (use 'default' for the terminal's colours)");
	*out = s;
	return 0;
}

static int parse_line(struct parse_ctx *c, char *line, struct wf_theme *t)
{
	char buf[40];
	/* A comment: '#' first on the line (after blanks), or a '#' with a blank on
	 * both sides (the end of the line counts as blank) after a value. So #rrggbb
	 * is never mistaken for one. */
	for (char *p = line; *p; p++) {
		if (*p != '#')
			continue;
		bool first = strspn(line, " \t") == (size_t)(p - line);
		bool spaced =
			p > line && (p[-1] == ' ' || p[-1] == '\t') &&
			(p[1] == '\0' || p[1] == ' ' || p[1] == '\t' || p[1] == '\r');
		if (first || spaced) {
			*p = '\0';
			break;
		}
	}
	char *s = trim(line);
	if (*s == '\0')
		return 0;
	char *eq = strchr(s, '=');
	if (!eq)
		return fail(c, "expected 'role = value'");
	*eq = '\0';
	char *key = trim(s), *value = trim(eq + 1);
	if (*key == '\0')
		return fail(c, "missing role name before '='");
	if (strcmp(key, "name") == 0) {
		size_t n = strlen(value);
		if (n == 0 || n >= sizeof(t->name))
			return fail(c, "name must be 1 to %zu bytes",
				    sizeof(t->name) - 1);
		memcpy(t->name, value, n + 1);
		return 0;
	}
	for (int r = 0; r < WF_ROLE__COUNT; r++)
		if (strcmp(key, wf_role_key((enum wf_role)r)) == 0)
			return parse_style(c, value, &t->roles[r]);
	return fail(c, "unknown role '%s' (see docs/themes.md for the list)",
		    shown(key, buf, sizeof buf));
}

int wf_theme_parse(const char *text, size_t len, const char *file, struct wf_theme *t,
		   char *err, size_t errsize)
{
	struct parse_ctx c = {file ? file : "<theme>", 0, err, errsize};
	char line[LINE_MAX_BYTES + 1];
	size_t i = 0;
	wf_theme_default(t);
	if (err && errsize)
		err[0] = '\0';
	while (i < len) {
		size_t n = 0;
		c.line++;
		while (i < len && text[i] != '\n') {
			if (text[i] == '\0')
				return fail(&c, "NUL byte in theme file");
			if (n >= LINE_MAX_BYTES)
				return fail(&c, "line longer than %d bytes",
					    LINE_MAX_BYTES);
			line[n++] = text[i++];
		}
		line[n] = '\0';
		i++; /* the newline */
		if (parse_line(&c, line, t) < 0)
			return -1;
	}
	return 0;
}
