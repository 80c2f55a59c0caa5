/* notify_config.c - the notifier's settings: defaults and the notify_* keys of the
 * config file ($XDG_CONFIG_HOME/watchfloor/config, see docs/notifications.md). */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/config.h"

void wf_notify_config_default(struct wf_notify_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = true;
	c->desktop = true;
	c->due_minutes = 10;
	c->coalesce_ms = 1500;
	c->rate_burst = 3;
	c->rate_interval_ms = 20000;
	c->call_timeout_ms = 2000;
	c->breaker_failures = 2;
	c->breaker_cooldown_ms = 60000;
	c->fallback = WF_FALLBACK_OSC777;
	c->bell_on_critical = true;
	const char *tmux = getenv("TMUX");
	c->tmux = tmux && *tmux;
	c->wall = false;
	c->app_name = "watchfloor";
	c->observe_ms = 200;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcasecmp(v, "on") || !strcasecmp(v, "yes") || !strcasecmp(v, "true") ||
	    !strcmp(v, "1"))
		*out = true;
	else if (!strcasecmp(v, "off") || !strcasecmp(v, "no") ||
		 !strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return -1;
	return 0;
}

static int parse_int(const char *v, long lo, long hi, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (end == v || *end || x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

int wf_notify_config_set(struct wf_notify_config *c, const char *key, const char *value,
			 char *err, size_t errsize)
{
	static const struct {
		const char *key;
		long lo, hi, scale;
		size_t off;
	} ints[] = {
		{"notify_due_minutes", 1, 1440, 1,
		 offsetof(struct wf_notify_config, due_minutes)},
		{"notify_coalesce_ms", 0, 60000, 1,
		 offsetof(struct wf_notify_config, coalesce_ms)},
		{"notify_rate_burst", 1, 100, 1,
		 offsetof(struct wf_notify_config, rate_burst)},
		{"notify_rate_interval_s", 1, 3600, 1000,
		 offsetof(struct wf_notify_config, rate_interval_ms)},
		{"notify_timeout_ms", 50, 30000, 1,
		 offsetof(struct wf_notify_config, call_timeout_ms)},
	};
	static const struct {
		const char *key;
		size_t off;
	} bools[] = {
		{"notify", offsetof(struct wf_notify_config, enabled)},
		{"notify_desktop", offsetof(struct wf_notify_config, desktop)},
		{"notify_bell", offsetof(struct wf_notify_config, bell_on_critical)},
		{"notify_wall", offsetof(struct wf_notify_config, wall)},
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		if (strcmp(key, ints[i].key) != 0)
			continue;
		int v;
		if (parse_int(value, ints[i].lo, ints[i].hi, &v) < 0) {
			snprintf(err, errsize, "%s: expected a number from %ld to %ld",
				 key, ints[i].lo, ints[i].hi);
			return -1;
		}
		*(int *)((char *)c + ints[i].off) = v * (int)ints[i].scale;
		return 1;
	}
	for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
		if (strcmp(key, bools[i].key) != 0)
			continue;
		if (parse_bool(value, (bool *)((char *)c + bools[i].off)) < 0) {
			snprintf(err, errsize, "%s: expected on or off", key);
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "notify_fallback") == 0) {
		static const char *const names[] = {"osc777", "osc9", "bell", "none"};
		for (int i = 0; i < 4; i++)
			if (strcasecmp(value, names[i]) == 0) {
				c->fallback = (enum wf_notify_fallback)i;
				return 1;
			}
		snprintf(err, errsize, "%s: expected osc777, osc9, bell or none", key);
		return -1;
	}
	if (strncmp(key, "notify", 6) == 0) {
		snprintf(err, errsize, "unknown notification setting '%.40s'", key);
		return -1;
	}
	return 0;
}

/* What wf_notify_config_parse's lines share. */
struct notify_parse {
	struct wf_notify_config *c;
	const char *file;
	char *errs;
	size_t errsize;
};

static int notify_parse_line(char *key, char *value, int line, void *ctx)
{
	struct notify_parse *p = ctx;
	char msg[200];
	if (wf_notify_config_set(p->c, key, value, msg, sizeof msg) >= 0)
		return 0;
	wf_config_errs_append(p->errs, p->errsize, "%s:%d: %s",
			      p->file ? p->file : "<config>", line, msg);
	return -1;
}

int wf_notify_config_parse(struct wf_notify_config *c, const char *text, size_t len,
			   const char *file, char *errs, size_t errsize)
{
	struct notify_parse p = {c, file, errs, errsize};
	if (errs && errsize)
		errs[0] = '\0';
	/* Only short notify lines matter: longer ones, or with a NUL, are not ours. */
	return wf_config_foreach(text, len, "notify", 511, WF_CONFIG_STRIP_COMMENT,
				 notify_parse_line, &p);
}

/* Reads the config file into a malloc'd buffer; NULL when absent or unreadable
 * (msg says why unless it is simply absent). */
struct wf_notify *wf_notify_start(const struct wf_config_file *cf, bool no_notify,
				  bool batch, bool wall, wf_notify_write_fn w, void *ctx,
				  int64_t now, struct wf_watch_rules **rules_out, char *msg,
				  size_t msgsize)
{
	struct wf_notify_config c;
	if (msg && msgsize)
		msg[0] = '\0';
	wf_notify_config_default(&c);
	struct wf_watch_rules *rules = wf_watch_rules_new();
	if (cf && cf->text) {
		const char *text = cf->text, *path = cf->path;
		size_t len = cf->len;
		char errs[1024];
		if (wf_notify_config_parse(&c, text, len, path, errs, sizeof errs) > 0)
			snprintf(msg, msgsize, "%s", errs);
		if (rules && wf_watch_rules_parse(rules, text, len, path, errs,
						  sizeof errs) > 0) {
			size_t used = strlen(msg);
			if (used + 1 < msgsize)
				snprintf(msg + used, msgsize - used, "%s%s",
					 used ? "\n" : "", errs);
		}
	}
	c.enabled = c.enabled && !no_notify && !batch && (!wall || c.wall);
	c.rules = rules;
	c.term_write = w;
	c.term_ctx = ctx;
	*rules_out = rules;
	return wf_notify_new(&c, now);
}
