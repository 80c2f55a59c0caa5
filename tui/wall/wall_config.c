/* wall_config.c - the wall display's settings (defaults, the wall_* keys of the
 * config file) and its pure rules: the banner that says why the data is not live and
 * how old it is, and the burn-in shift of the layout (see wall.h). */
#include "wall.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "util/config.h"

void wf_wall_config_default(struct wf_wall_config *c)
{
	memset(c, 0, sizeof(*c));
	c->rotate_s = WF_WALL_ROTATE_S;
	c->shift_s = WF_WALL_SHIFT_S;
	c->retry_s = 60;
}

static int wall_config_set(struct wf_wall_config *c, const char *key, const char *v,
			   char *msg, size_t size)
{
	char *end;
	long n;
	if (strcmp(key, "wall_retry_s") == 0) {
		n = strtol(v, &end, 10);
		if (end == v || *end || n < 1 || n > 86400) {
			snprintf(msg, size,
				 "wall_retry_s wants a number of seconds 1..86400");
			return -1;
		}
		c->retry_s = (int)n;
		return 0;
	}
	if (strcmp(key, "wall_rotate_s") == 0 || strcmp(key, "wall_shift_s") == 0) {
		bool rot = key[5] == 'r';
		n = strtol(v, &end, 10);
		if (end == v || *end || n < (rot ? 2 : 0) || n > 86400) {
			snprintf(msg, size, "%s wants a number of seconds %d..86400",
				 key, rot ? 2 : 0);
			return -1;
		}
		*(rot ? &c->rotate_s : &c->shift_s) = (int)n;
		return 0;
	}
	if (strcmp(key, "wall_exit_key") == 0) {
		if (strcasecmp(v, "none") == 0 || !*v) {
			c->exit_key = 0;
			return 0;
		}
		if ((v[0] == 'F' || v[0] == 'f') && isdigit((unsigned char)v[1])) {
			n = strtol(v + 1, &end, 10);
			if (!*end && n >= 1 && n <= 12) {
				c->exit_key = KEY_F((int)n);
				c->exit_key_fn = true;
				return 0;
			}
		}
		if (!v[1] && v[0] > ' ' && v[0] < 127) {
			c->exit_key = (unsigned char)v[0];
			c->exit_key_fn = false;
			return 0;
		}
		snprintf(msg, size,
			 "wall_exit_key wants one printable character, F1..F12 "
			 "or none");
		return -1;
	}
	snprintf(msg, size, "unknown wall setting '%.40s'", key);
	return -1;
}

/* What wf_wall_config_parse's lines share. */
struct wall_parse {
	struct wf_wall_config *c;
	const char *file;
	char *err;
	size_t errsize;
	int bad;
};

static int wall_parse_line(char *key, char *value, int line, void *ctx)
{
	struct wall_parse *p = ctx;
	char msg[160];
	if (wall_config_set(p->c, key, value, msg, sizeof(msg)) >= 0)
		return 0;
	if (!p->bad++ && p->err && p->errsize) /* the first one is told */
		snprintf(p->err, p->errsize, "%s:%d: %s",
			 p->file ? p->file : "<config>", line, msg);
	return -1;
}

int wf_wall_config_parse(struct wf_wall_config *c, const char *text, size_t len,
			 const char *file, char *err, size_t errsize)
{
	struct wall_parse p = {c, file, err, errsize, 0};
	if (err && errsize)
		err[0] = '\0';
	/* Other parts' keys, and lines of 256 bytes or more, are skipped. */
	return wf_config_foreach(text, len, "wall_", 255, WF_CONFIG_STRIP_COMMENT,
				 wall_parse_line, &p);
}

/* "45 s", "4 min", "2 h 05 min", "3 days". */
static void wall_fmt_age(int64_t ms, char *out, size_t size)
{
	int64_t s = ms < 0 ? 0 : ms / 1000;
	if (s < 60)
		snprintf(out, size, "%lld s", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lld min", (long long)(s / 60));
	else if (s < 48 * 3600)
		snprintf(out, size, "%lld h %02lld min", (long long)(s / 3600),
			 (long long)(s / 60 % 60));
	else
		snprintf(out, size, "%lld days", (long long)(s / 86400));
}

bool wf_wall_banner(const struct wf_conn *cn, int64_t now, int retry_s, char *out,
		    size_t size)
{
	/* The data was the backend's state as of the last byte it sent (an event or a
	 * heartbeat: the stream is ordered, so a heartbeat vouches for everything
	 * before it). */
	int64_t hb = cn->heartbeat_s > 0 ? cn->heartbeat_s : 15;
	int64_t last = cn->last_event > cn->last_data ? cn->last_event : cn->last_data;
	char age[48], data[80], retry[80] = "";
	bool live_state = cn->state == WF_CONN_LIVE || cn->state == WF_CONN_POLLING ||
			  cn->state == WF_CONN_REPLAY;
	bool silent = last > 0 && now - last > 2 * hb * 1000;
	out[0] = '\0';
	if (cn->state == WF_CONN_REPLAY || (live_state && !silent && last > 0))
		return false;
	if (live_state && last == 0) /* synced, nothing sent yet */
		return false;
	wall_fmt_age(now - last, age, sizeof(age));
	if (last > 0)
		snprintf(data, sizeof(data), "data %s old", age);
	else
		snprintf(data, sizeof(data), "no data yet");
	if (cn->state == WF_CONN_RECONNECTING || cn->state == WF_CONN_OFFLINE) {
		if (cn->next_try > now) {
			wall_fmt_age(cn->next_try - now + 999, age, sizeof(age));
			snprintf(retry, sizeof(retry), " - retry %d in %s", cn->attempt,
				 age);
		} else {
			snprintf(retry, sizeof(retry), " - retry %d now", cn->attempt);
		}
	}
	switch (cn->state) {
	case WF_CONN_AUTH_FAILED:
		snprintf(out, size,
			 "BACKEND REFUSES THIS DISPLAY (token) - %s - retry every %d s",
			 data, retry_s);
		break;
	case WF_CONN_STOPPED:
		snprintf(out, size,
			 "BACKEND STOPPED THIS DISPLAY - %s - retry every %d s", data,
			 retry_s);
		break;
	case WF_CONN_CONNECTING:
		snprintf(out, size, "CONNECTING TO BACKEND - %s", data);
		break;
	case WF_CONN_LIVE:
	case WF_CONN_POLLING:
		snprintf(out, size, "NO DATA FROM BACKEND - %s", data);
		break;
	default:
		snprintf(out, size, "BACKEND UNREACHABLE - %s%s", data, retry);
		break;
	}
	return true;
}

void wf_wall_shift(int64_t now, int shift_s, int *dy, int *dx)
{
	static const int steps[4][2] = {{0, 0}, {0, 1}, {1, 1}, {1, 0}};
	*dy = *dx = 0;
	if (shift_s <= 0 || now < 0)
		return;
	int k = (int)((now / 1000 / shift_s) % 4);
	*dy = steps[k][0];
	*dx = steps[k][1];
}
