/* notify.h - desktop notifications for the dashboard: compares the model with what
 * it saw before (new incident, tier/state escalation, new high-priority decision,
 * decision due soon, watch-rule hit), coalesces bursts into one summary, holds a
 * rate limit, maps severity to urgency and sanitizes every text. Delivery never
 * blocks the loop: libnotify runs in a helper child process (probed at start with
 * notify_get_server_info, every call under a timeout, a circuit breaker after
 * repeated failures); without a notification server the fallback is a terminal
 * notification (OSC 777 / OSC 9, wrapped for tmux) or the bell, written through a
 * callback the dashboard provides. See docs/notifications.md.
 *
 * Loop integration (all calls are O(model) at most and never wait):
 *   start:        wf_notify_new(&cfg, now)  (after the curses screen is up)
 *   after events: wf_notify_observe(n, model, now)  (every wake-up is fine: it
 *                 compares at most every observe_ms, 200 ms by default)
 *   poll timeout: min(own deadline, wf_notify_next_deadline(n))
 *   poll fds:     wf_notify_fd(n) for POLLIN (optional: ticking on the deadline works)
 *   on wake-up:   wf_notify_tick(n, now)
 *   exit:         wf_notify_free(n)
 * Times are Unix milliseconds, the same clock as the model's due_at. */
#ifndef WF_NOTIFY_NOTIFY_H
#define WF_NOTIFY_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "notify/watch.h"

struct wf_config_file;

enum wf_notify_kind {
	WF_NOTIFY_NEW_INCIDENT,
	WF_NOTIFY_ESCALATION,
	WF_NOTIFY_DECISION_HIGH, /* a new high-priority open decision */
	WF_NOTIFY_DECISION_DUE,	 /* an open decision due within due_minutes */
	WF_NOTIFY_WATCH_HIT,
	WF_NOTIFY__KINDS
};

/* The values of libnotify's NotifyUrgency. */
enum wf_notify_urgency {
	WF_URGENCY_LOW = 0,
	WF_URGENCY_NORMAL = 1,
	WF_URGENCY_CRITICAL = 2,
};

enum wf_notify_fallback {
	WF_FALLBACK_OSC777, /* ESC ] 777 ; notify ; SUMMARY ; BODY ESC \  (foot,
			       wezterm, urxvt, ghostty, ...) */
	WF_FALLBACK_OSC9, /* ESC ] 9 ; TEXT ESC \  (iTerm2, kitty, Windows Terminal) */
	WF_FALLBACK_BELL, /* BEL only */
	WF_FALLBACK_NONE,
};

/* Writes bytes to the terminal, from the loop thread (the dashboard owns the tty). */
typedef void (*wf_notify_write_fn)(void *ctx, const char *bytes, size_t len);

struct wf_notify_config {
	bool enabled;	      /* false: --no-notify, --batch, or wall `notify = off` */
	bool desktop;	      /* try libnotify (false: terminal fallback only) */
	int due_minutes;      /* "due soon" threshold; default 10 */
	int coalesce_ms;      /* notices within this window become one; default 1500 */
	int rate_burst;	      /* at most this many notifications at once ... */
	int rate_interval_ms; /* ... then one per interval; defaults 3, 20000 */
	int call_timeout_ms;  /* probe or Notify call slower than this fails; 2000 */
	int breaker_failures; /* failures in a row that open the breaker; 2 */
	int breaker_cooldown_ms;	  /* how long the breaker stays open; 60000 */
	enum wf_notify_fallback fallback; /* default OSC 777 */
	bool bell_on_critical; /* the fallback rings the bell for critical too; true */
	bool tmux; /* wrap terminal sequences for tmux; default: $TMUX set */
	bool wall; /* notify in --wall mode too (key notify_wall); false.
		      The dashboard sets enabled = wall in wall mode. */
	const struct wf_watch_rules *rules; /* borrowed, may be NULL */
	wf_notify_write_fn term_write;	    /* NULL: no terminal fallback */
	void *term_ctx;
	const char *app_name; /* "watchfloor" */
	int observe_ms; /* compare the model at most this often; default 200. A change
			   seen sooner is looked at when the interval ends (in
			   wf_notify_next_deadline), so ingest bursts cost one look */
};

/* Defaults (enabled, desktop on, tmux from the environment). */
void wf_notify_config_default(struct wf_notify_config *c);
/* Sets one config-file key: notify (on/off), notify_desktop (on/off),
 * notify_due_minutes, notify_coalesce_ms, notify_rate_burst, notify_rate_interval_s,
 * notify_timeout_ms, notify_fallback (osc777, osc9, bell, none), notify_bell
 * (on/off), notify_wall (on/off). Returns 1 when the key was one of these and was set,
 * 0 when the key is not a notify key, -1 with a message in err for a bad value. */
int wf_notify_config_set(struct wf_notify_config *c, const char *key, const char *value,
			 char *err, size_t errsize);
/* Reads the notify_* keys of config text (other keys ignored), reporting bad values
 * as "FILE:LINE: message" lines in errs. Returns the number of bad lines. */
int wf_notify_config_parse(struct wf_notify_config *c, const char *text, size_t len,
			   const char *file, char *errs, size_t errsize);

struct wf_notify;

/* For the dashboard: takes the config file as read once (util/config.h; NULL or no
 * text: defaults) for the notify_* keys and the watch rules, applies the modes (no_notify, batch: off; wall: only with
 * notify_wall = on), and starts the notifier writing its fallback through w/ctx.
 * *rules_out gets the watch rules (the caller frees them after the notifier; also
 * for wf_watch_match highlighting). Problems with the file go into msg as
 * "FILE:LINE: message" lines ("" when none). NULL only when out of memory. */
struct wf_notify *wf_notify_start(const struct wf_config_file *cf, bool no_notify,
				  bool batch, bool wall, wf_notify_write_fn w, void *ctx,
				  int64_t now, struct wf_watch_rules **rules_out, char *msg,
				  size_t msgsize);

/* Starts the notifier; with desktop on, forks the helper that probes the server.
 * Returns NULL only when out of memory. The config is copied (rules and term_ctx
 * stay borrowed). */
struct wf_notify *wf_notify_new(const struct wf_notify_config *cfg, int64_t now);
/* Stops the helper (killing it if it hangs) and frees everything. */
void wf_notify_free(struct wf_notify *n);

/* Compares the model with the previous call and queues notices: at most every
 * observe_ms (a change seen sooner is deferred; wf_notify_next_deadline says
 * until when), walking only the reports and signals newer than the ones it saw
 * (by their time, with a second of slack for late arrivals). Skipped while
 * the connection state is CONNECTING (a snapshot is being read); the first look at
 * a synced model (LIVE, POLLING or REPLAY) only records what is there, so the
 * opening snapshot is not notified. Also does the work of wf_notify_tick. */
void wf_notify_observe(struct wf_notify *n, const struct wf_model *m, int64_t now);
/* Queues one notice directly (for events the model does not show). urgency as
 * enum wf_notify_urgency; title and body are untrusted (sanitized here). */
void wf_notify_post(struct wf_notify *n, enum wf_notify_kind kind, int urgency,
		    const char *title, const char *body, int64_t now);
/* Flushes due notices, reads helper replies, handles timeouts. */
void wf_notify_tick(struct wf_notify *n, int64_t now);
/* When the notifier next needs a tick (Unix ms), or INT64_MAX for never. */
int64_t wf_notify_next_deadline(const struct wf_notify *n);
/* The helper's socket to add to poll (POLLIN), or -1. */
int wf_notify_fd(const struct wf_notify *n);
/* Turns notifications on or off at run time (e.g. a wall key). */
void wf_notify_set_enabled(struct wf_notify *n, bool on);

enum wf_notify_route {
	WF_ROUTE_OFF,	   /* disabled */
	WF_ROUTE_PROBING,  /* waiting for the server probe */
	WF_ROUTE_DESKTOP,  /* a notification server answered */
	WF_ROUTE_TERMINAL, /* no server (or breaker open): terminal fallback */
};

struct wf_notify_stats {
	enum wf_notify_route route;
	unsigned long notices;	     /* notices queued */
	unsigned long sent_desktop;  /* Notify calls acknowledged by the helper */
	unsigned long sent_terminal; /* fallback notifications written */
	unsigned long bells;
	unsigned long flushes;	 /* notifications emitted (either way) */
	unsigned long coalesced; /* notices merged into a summary */
	unsigned long failures;	 /* helper timeouts, deaths, failed calls */
	unsigned long breaker_trips;
	/* The cost of watching the model (for tests): */
	unsigned long looks;	 /* comparisons of a changed model */
	unsigned long walked;	 /* report and signal entries examined */
	unsigned long sanitized; /* texts sanitized (only to build a notice) */
	char server[64];	 /* the server's name, "" if none */
	bool markup;		 /* server supports body-markup */
};
void wf_notify_get_stats(const struct wf_notify *n, struct wf_notify_stats *out);
/* One line for the status bar / help: "desktop (dunst)", "terminal (OSC 777)",
 * "off". */
const char *wf_notify_describe(const struct wf_notify *n);

/* Text helpers, pure (exposed for tests). */
/* Sanitizes untrusted text into out: no C0/C1 controls, bidi or format characters,
 * no invalid UTF-8 (U+FFFD instead), at most max_cols columns. */
void wf_notify_sanitize(const char *s, char *out, size_t outsize, int max_cols);
/* Escapes & < > ' " as XML entities (for servers with body-markup). */
void wf_notify_escape_markup(const char *s, char *out, size_t outsize);
/* Formats a terminal notification for `fb` (summary and body already sanitized);
 * ';' becomes ',' in OSC fields; tmux wraps it in a DCS passthrough. Returns the
 * length written (out NUL-terminated), 0 for WF_FALLBACK_NONE. */
size_t wf_notify_format_terminal(enum wf_notify_fallback fb, bool tmux, bool bell,
				 const char *summary, const char *body, char *out,
				 size_t outsize);

#endif
