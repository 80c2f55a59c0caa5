/* keymap.c - key names (tig/neomutt notation), the binding table over the action
 * table's defaults, the config file's bind/unbind/mouse lines (through
 * util/config.h's one walk), and the keymap in force. */
#include <curses.h>

#include "keymap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/config.h"

static const struct {
	const char *name; /* as written between < > (case-insensitive) */
	int key;
} named_keys[] = {
	{"Enter", '\n'},	 {"Return", '\r'},	 {"Esc", WF_KEY_ESC},
	{"Escape", WF_KEY_ESC},	 {"Tab", '\t'},		 {"S-Tab", KEY_BTAB},
	{"BackTab", KEY_BTAB},	 {"Space", ' '},	 {"Up", KEY_UP},
	{"Down", KEY_DOWN},	 {"Left", KEY_LEFT},	 {"Right", KEY_RIGHT},
	{"Home", KEY_HOME},	 {"End", KEY_END},	 {"PageDown", KEY_NPAGE},
	{"PgDown", KEY_NPAGE},	 {"PgDn", KEY_NPAGE},	 {"PageUp", KEY_PPAGE},
	{"PgUp", KEY_PPAGE},	 {"Backspace", KEY_BACKSPACE}, {"Delete", KEY_DC},
	{"Del", KEY_DC},	 {"Insert", KEY_IC},	 {"Ins", KEY_IC},
	{"lt", '<'},		 {"gt", '>'},
};

static struct wf_keymap keymap_in_force;
static bool keymap_installed;

void wf_keymap_defaults(struct wf_keymap *km)
{
	memset(km, 0, sizeof(*km));
	km->mouse = true;
	for (int a = 0; a < WF_ACTION__COUNT; a++) {
		const struct wf_action_def *d = wf_action_def((enum wf_action)a);
		for (int k = 0; k < 3; k++)
			km->keys[a][k] = d->keys[k];
	}
}

void wf_keymap_unbind(struct wf_keymap *km, int key)
{
	for (int a = 0; a < WF_ACTION__COUNT; a++) {
		int n = 0;
		for (int k = 0; k < WF_KEYMAP_KEYS; k++)
			if (km->keys[a][k] && km->keys[a][k] != key)
				km->keys[a][n++] = km->keys[a][k];
		while (n < WF_KEYMAP_KEYS)
			km->keys[a][n++] = 0;
	}
}

int wf_keymap_bind(struct wf_keymap *km, int key, enum wf_action a)
{
	if ((int)a < 0 || a >= WF_ACTION__COUNT || key == 0)
		return -1;
	int free_slot = -1;
	for (int k = 0; k < WF_KEYMAP_KEYS; k++) {
		if (km->keys[a][k] == key)
			return 0;
		if (!km->keys[a][k] && free_slot < 0)
			free_slot = k;
	}
	if (free_slot < 0)
		return -1;
	wf_keymap_unbind(km, key);
	for (int k = 0; k < WF_KEYMAP_KEYS; k++)
		if (!km->keys[a][k]) {
			km->keys[a][k] = key;
			break;
		}
	return 0;
}

enum wf_action wf_keymap_action(const struct wf_keymap *km, int key)
{
	if (key == 0)
		return WF_ACTION_NONE;
	for (int a = 0; a < WF_ACTION__COUNT; a++)
		for (int k = 0; k < WF_KEYMAP_KEYS; k++)
			if (km->keys[a][k] == key)
				return (enum wf_action)a;
	return WF_ACTION_NONE;
}

/* "F5" / "f5": F1..F63. */
static int function_key(const char *s, int *key)
{
	if ((s[0] != 'F' && s[0] != 'f') || !s[1])
		return -1;
	char *end;
	long n = strtol(s + 1, &end, 10);
	if (*end || n < 1 || n > 63 || s[1] == '+' || s[1] == '-')
		return -1;
	*key = KEY_F((int)n);
	return 0;
}

/* "C-x", "c-x", "^X": Ctrl with a letter or one of @[\]^_ . */
static int ctrl_key(const char *s, int *key)
{
	char c;
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] && !s[3])
		c = s[2];
	else if (s[0] == '^' && s[1] && !s[2])
		c = s[1];
	else
		return -1;
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c < '@' || c > '_')
		return -1;
	*key = c & 0x1f;
	return 0;
}

int wf_key_parse(const char *s, int *key)
{
	size_t n = strlen(s);
	if (n == 1 && (unsigned char)s[0] > ' ' && (unsigned char)s[0] < 127) {
		*key = s[0];
		return 0;
	}
	char inner[32];
	if (n >= 3 && s[0] == '<' && s[n - 1] == '>' && n - 2 < sizeof(inner)) {
		memcpy(inner, s + 1, n - 2);
		inner[n - 2] = '\0';
		for (size_t i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++)
			if (strcasecmp(inner, named_keys[i].name) == 0) {
				*key = named_keys[i].key;
				return 0;
			}
		return function_key(inner, key) == 0 || ctrl_key(inner, key) == 0 ? 0 : -1;
	}
	return function_key(s, key) == 0 || ctrl_key(s, key) == 0 ? 0 : -1;
}

void wf_key_name(int key, char *out, size_t size)
{
	for (size_t i = 0; i < sizeof(named_keys) / sizeof(named_keys[0]); i++) {
		if (named_keys[i].key == key && key != '<' && key != '>' &&
		    strcmp(named_keys[i].name, "Escape") != 0 &&
		    strcmp(named_keys[i].name, "BackTab") != 0 &&
		    strncmp(named_keys[i].name, "Pg", 2) != 0 &&
		    strcmp(named_keys[i].name, "Del") != 0 &&
		    strcmp(named_keys[i].name, "Ins") != 0) {
			snprintf(out, size, "<%s>", named_keys[i].name);
			return;
		}
	}
	if (key >= KEY_F(1) && key <= KEY_F(63))
		snprintf(out, size, "F%d", key - KEY_F0);
	else if (key > 0 && key <= 26)
		snprintf(out, size, "C-%c", key + 'a' - 1);
	else if (key > 26 && key < 32) /* C-[ C-\ C-] C-^ C-_, as ctrl_key reads them */
		snprintf(out, size, "C-%c", key + '@');
	else if (key > ' ' && key < 127)
		snprintf(out, size, "%c", key);
	else
		snprintf(out, size, "#%d", key);
}

void wf_keymap_keys_text(const struct wf_keymap *km, enum wf_action a, char *out,
			 size_t size)
{
	out[0] = '\0';
	if ((int)a < 0 || a >= WF_ACTION__COUNT)
		return;
	for (int k = 0; k < WF_KEYMAP_KEYS; k++) {
		int key = km->keys[a][k];
		/* Enter arrives as '\n', '\r' or KEY_ENTER: one name is enough. */
		if (!key || ((key == '\r' || key == KEY_ENTER) && out[0]))
			continue;
		char kn[16];
		wf_key_name(key, kn, sizeof(kn));
		if (out[0])
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, kn, size - strlen(out) - 1);
	}
}

/* A bind or unbind line, kept until every one is read: they apply in file order. */
struct keymap_cmd {
	int line;
	bool bind;
	char args[256];
};
#define KEYMAP_CMDS_MAX 512

struct keymap_parse {
	struct wf_keymap *km;
	const char *file;
	char *errs;
	size_t errsize;
	struct keymap_cmd *cmds;
	size_t n;
	bool full;
};

/* Splits "KEY ACTION" into two words; false unless exactly want words. */
static bool split_words(char *s, char **w, int want)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == want)
			return false;
		w[n++] = t;
	}
	return n == want;
}

static int keymap_bad(struct keymap_parse *p, int line, const char *fmt, const char *arg)
{
	char msg[200];
	snprintf(msg, sizeof(msg), fmt, arg);
	wf_config_errs_append(p->errs, p->errsize, "%s:%d: %s", p->file, line, msg);
	return -1;
}

static int keymap_bind(struct keymap_parse *p, char *value, int line)
{
	char *w[2];
	int k;
	if (!split_words(value, w, 2))
		return keymap_bad(p, line, "%s", "bind wants KEY ACTION");
	if (wf_key_parse(w[0], &k) != 0)
		return keymap_bad(p, line,
				  "bind: unknown key '%.40s' (a, C-x, F5, <Enter>, <PageDown>, ...)",
				  w[0]);
	enum wf_action a = wf_action_by_name(w[1]);
	if (a == WF_ACTION_NONE)
		return keymap_bad(p, line, "bind: unknown action '%.40s' (see the help, ?)",
				  w[1]);
	if (wf_keymap_bind(p->km, k, a) != 0)
		return keymap_bad(p, line, "bind: %s has too many keys", w[1]);
	return 0;
}

static int keymap_unbind(struct keymap_parse *p, char *value, int line)
{
	char *w[1];
	int k;
	if (!split_words(value, w, 1))
		return keymap_bad(p, line, "%s", "unbind wants KEY");
	if (wf_key_parse(w[0], &k) != 0)
		return keymap_bad(p, line, "unbind: unknown key '%.40s'", w[0]);
	wf_keymap_unbind(p->km, k);
	return 0;
}

/* Keeps a bind (ctx: parse, key "bind") or unbind line for keymap_apply. */
static int keymap_collect(char *key, char *value, int line, void *ctx)
{
	struct keymap_parse *p = ctx;
	if (!value)
		return keymap_bad(p, line, "%s", "line too long");
	if (p->n == KEYMAP_CMDS_MAX) {
		if (!p->full)
			keymap_bad(p, line, "more than %s bind and unbind lines: the rest is left out",
				   "512");
		p->full = true;
		return -1;
	}
	struct keymap_cmd *c = &p->cmds[p->n++];
	c->line = line;
	c->bind = strcmp(key, "bind") == 0;
	snprintf(c->args, sizeof(c->args), "%s", value);
	return 0;
}

static int cmd_by_line(const void *a, const void *b)
{
	return ((const struct keymap_cmd *)a)->line - ((const struct keymap_cmd *)b)->line;
}

static int keymap_mouse_line(char *key, char *value, int line, void *ctx)
{
	struct keymap_parse *p = ctx;
	(void)key;
	if (strcmp(value, "on") == 0 || strcmp(value, "yes") == 0)
		p->km->mouse = true;
	else if (strcmp(value, "off") == 0 || strcmp(value, "no") == 0)
		p->km->mouse = false;
	else
		return keymap_bad(p, line, "mouse: '%.40s' is not on or off", value);
	return 0;
}

int wf_keymap_parse(struct wf_keymap *km, const char *text, size_t len,
		    const char *file, char *errs, size_t errsize)
{
	struct keymap_parse p = {km, file, errs, errsize, NULL, 0, false};
	unsigned cmd = WF_CONFIG_COMMAND | WF_CONFIG_STRIP_COMMENT | WF_CONFIG_REPORT_LONG;
	int bad = 0;
	p.cmds = malloc(KEYMAP_CMDS_MAX * sizeof(*p.cmds));
	if (!p.cmds) {
		wf_config_errs_append(errs, errsize, "%s: out of memory", file);
		return 1;
	}
	bad += wf_config_foreach(text, len, "bind", 255, cmd, keymap_collect, &p);
	bad += wf_config_foreach(text, len, "unbind", 255, cmd, keymap_collect, &p);
	qsort(p.cmds, p.n, sizeof(*p.cmds), cmd_by_line);
	for (size_t i = 0; i < p.n; i++)
		if ((p.cmds[i].bind ? keymap_bind : keymap_unbind)(&p, p.cmds[i].args,
								    p.cmds[i].line) != 0)
			bad++;
	free(p.cmds);
	bad += wf_config_foreach(text, len, "mouse", 255,
				 WF_CONFIG_WHOLE_KEY | WF_CONFIG_STRIP_COMMENT, keymap_mouse_line,
				 &p);
	return bad;
}

int wf_keymap_load(struct wf_keymap *km, const struct wf_config_file *cf, char *errs,
		   size_t errsize)
{
	wf_keymap_defaults(km);
	if (errs && errsize)
		errs[0] = '\0';
	if (!cf || !cf->text)
		return 0;
	return wf_keymap_parse(km, cf->text, cf->len, cf->path, errs, errsize);
}

void wf_keymap_install(const struct wf_keymap *km)
{
	if (km) {
		keymap_in_force = *km;
		keymap_installed = true;
	} else {
		keymap_installed = false;
	}
}

const struct wf_keymap *wf_keymap_current(void)
{
	if (!keymap_installed) {
		wf_keymap_defaults(&keymap_in_force);
		keymap_installed = true;
	}
	return &keymap_in_force;
}
