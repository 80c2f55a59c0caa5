/* app.c - the dashboard's event loop (see app.h): curses setup and teardown, the
 * signals it routes to the self-pipe (tui/signals.h: SIGWINCH, SIGINT, SIGTERM,
 * SIGHUP), the config file (read once by main.c) handed to the parts, waiting
 * on the client with the terminal and the pipe as extra fds, key reading, frame
 * pacing and themes. */
#include "app.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "net/client.h"
#include "notify/notify.h" /* notifications hook, see app_notify_* */
#include "themes/theme.h"
#include "tui/batch_export.h" /* :export, see app_export */
#include "tui/keymap.h"
#include "tui/keyseq.h" /* escape sequences dropped from the keys */
#include "tui/options.h"
#include "tui/screen.h"
#include "tui/signals.h"
#include "tui/wall/wall.h" /* the wall screen, see app_wall_* */
#include "ui.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/wipe.h"
#include "widgets/sanitize.h"

#define FRAME_MIN_MS 50 /* at most 20 frames a second */

/* The signals the loop wakes up for, routed to the self-pipe while it runs. */
struct app_signals {
	struct sigaction old[4];
};
static const int app_sigs[4] = {SIGWINCH, SIGINT, SIGTERM, SIGHUP};

static int signals_install(struct app_signals *s)
{
	if (wf_signals_open() != 0)
		return -1;
	for (int i = 0; i < 4; i++)
		wf_signals_catch(app_sigs[i], SA_RESTART, &s->old[i]);
	return 0;
}

static void signals_restore(struct app_signals *s)
{
	for (int i = 0; i < 4; i++)
		wf_signals_restore(app_sigs[i], &s->old[i]);
}

struct app {
	struct wf_screen screen; /* what the loop drives: the dashboard or the wall */
	struct wf_ui ui;
	bool ui_ready; /* ui was initialized (not in --wall mode) */
	struct wf_theme theme;
	struct wf_client *client;
	int64_t last_frame;
	int dead_tty; /* wake-ups in a row with the terminal readable but no key */
	bool quit;
	const struct wf_config_file *config; /* as main.c read it, or NULL */
	struct wf_notify *notify;     /* notifications hook */
	struct wf_watch_rules *watch; /* watch rules (wf_watch_match for highlights) */
	struct wf_wall *wall;         /* --wall: the wall screen */
	struct wf_client *own_client; /* wall: a client made here after a refusal */
	int64_t stopped_at;           /* wall: when the client stopped, 0 if not */
	int retry_s;                  /* wall: the pace of retries after a refusal */
	bool exporting;               /* :export: a fetch is running */
	enum wf_export_format export_format;
	char export_path[1024];
	struct wf_keyseq keyseq; /* escape sequences dropped from the keys */
};

/* --- notifications hook (notify/notify.h, docs/notifications.md) ---------------
 * The notifier never blocks: libnotify runs in its helper process; its terminal
 * fallback (OSC 777/9, bell) is written here, between frames. */
static void app_notify_write(void *ctx, const char *bytes, size_t len)
{
	(void)ctx;
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, bytes, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a notification is not worth blocking for */
		bytes += n;
		len -= (size_t)n;
	}
}

static void app_notify_start(struct app *a, const struct wf_options *opt, int64_t now)
{
	char msg[1024];
	a->notify = wf_notify_start(a->config, opt ? opt->no_notify : false,
				    opt ? opt->batch : false, opt ? opt->wall : false,
				    app_notify_write, NULL, now, &a->watch, msg, sizeof msg);
	a->ui.watch = a->watch;
	if (msg[0])
		wf_screen_message(&a->screen, WF_ROLE_ERROR, "%s", msg);
}

static void app_notify_stop(struct app *a)
{
	wf_notify_free(a->notify);
	wf_watch_rules_free(a->watch);
}
/* --- end of the notifications hook -------------------------------------------- */

/* --- the wall (tui/wall/wall.h, --wall) ---------------------------------------
 * The wall is the screen instead of the dashboard; raw mode makes Ctrl-C, Ctrl-Z,
 * Ctrl-\ and Ctrl-S plain keys, so only SIGINT/SIGTERM sent to the process (or the
 * config's wall_exit_key) end it. */
static void app_wall_start(struct app *a, const struct wf_options *opt,
			   const struct wf_model *model, const struct wf_screen_hooks *hooks)
{
	struct wf_wall_config wc;
	char err[300];
	if (!opt || !opt->wall)
		return;
	wf_wall_config_default(&wc);
	const struct wf_config_file *cf = a->config;
	int bad = cf && cf->text ? wf_wall_config_parse(&wc, cf->text, cf->len, cf->path, err,
							sizeof(err))
				 : 0;
	if (opt->rotate_s > 0)
		wc.rotate_s = opt->rotate_s;
	if (opt->shift_s >= 0)
		wc.shift_s = opt->shift_s;
	a->retry_s = wc.retry_s;
	a->wall = wf_wall_new(&wc, model, hooks);
	if (!a->wall)
		return; /* out of memory: the read-only dashboard instead */
	raw();
	wf_wall_screen(a->wall, &a->screen);
	wf_screen_resize(&a->screen);
	if (bad > 0)
		wf_screen_message(&a->screen, WF_ROLE_ERROR, "%s", err);
}

/* A wall never gives up: after the backend refused the display (401/403: say a
 * token was revoked and is being re-issued) or told it to stop (204), the client
 * stops for good; every retry_s the wall re-reads the token (file or environment)
 * and starts a fresh client with the settings tui/main.c used (read-only: no
 * outbox). Returns the client the loop uses from now on. The first client stays
 * main.c's to free; the ones made here are freed here. */
static struct wf_client *app_wall_retry(struct app *a, const struct wf_options *opt,
					struct wf_model *model, int64_t now)
{
	char err[300] = "";
	if (!a->wall || !a->client || !wf_client_stopped(a->client)) {
		a->stopped_at = 0;
		return a->client;
	}
	if (a->stopped_at == 0)
		a->stopped_at = now;
	if (now - a->stopped_at < (int64_t)a->retry_s * 1000)
		return a->client;
	a->stopped_at = now;
	char *token = wf_client_read_token(opt->token_file, err, sizeof(err));
	struct wf_client_config cfg;
	wf_options_client_config(opt, token, &cfg);
	cfg.read_only = true;
	struct wf_client *c = (token || !err[0]) ? wf_client_new(&cfg, model, err, sizeof(err))
						 : NULL;
	wf_wipe_free(token);
	if (!c) {
		wf_screen_message(&a->screen, WF_ROLE_ERROR, "%s", err);
		return a->client;
	}
	wf_client_free(a->own_client);
	a->own_client = a->client = c;
	wf_client_start(c);
	return c;
}

static void app_wall_stop(struct app *a)
{
	wf_wall_free(a->wall);
	wf_client_free(a->own_client);
}
/* --- end of the wall ------------------------------------------------------------ */

/* The `T` / `:theme NAME` hook. */
static int app_theme(void *arg, const char *name, char *msg, size_t size)
{
	struct app *a = arg;
	char err[300];
	const char *want = name ? name : wf_theme_next(a->theme.name);
	struct wf_theme t;
	if (wf_theme_load(want, &t, err, sizeof(err)) != 0) {
		snprintf(msg, size, "%s", err);
		return -1;
	}
	a->theme = t;
	wf_theme_activate(&a->theme);
	snprintf(msg, size, "theme %s (%s colour)", a->theme.name,
		 wf_color_mode_name(wf_theme_color_mode()));
	return 0;
}

/* The `:export` hook: the fetch runs on the client beside the stream; the loop
 * writes the file when the answer is in (app_export_done). */
static int app_export(void *arg, const char *incident_id, const char *format,
		      const char *path, char *msg, size_t size)
{
	struct app *a = arg;
	enum wf_export_format f;
	if (!a->client) {
		snprintf(msg, size, "export: no backend (replay)");
		return -1;
	}
	if (!wf_export_format_parse(format, &f)) {
		snprintf(msg, size, "export: format md, json or stix");
		return -1;
	}
	if (a->exporting) {
		snprintf(msg, size, "export: one is running already");
		return -1;
	}
	if (path)
		snprintf(a->export_path, sizeof(a->export_path), "%s", path);
	else
		wf_export_default_name(incident_id, f, wf_client_now_ms(), a->export_path,
				       sizeof(a->export_path));
	if (wf_export_fetch_start(a->client, incident_id, f) != 0) {
		snprintf(msg, size, "export: cannot start the request");
		return -1;
	}
	a->exporting = true;
	a->export_format = f;
	snprintf(msg, size, "export: fetching %s's record from the backend...", incident_id);
	return 0;
}

static void app_export_done(struct app *a)
{
	char msg[600], safe[700], real[4096];
	long status;
	if (!a->exporting)
		return;
	a->exporting = false;
	int rc = wf_export_finish(a->client, a->export_format, a->export_path, msg,
				  sizeof(msg), &status);
	const char *shown = rc == 0 && realpath(a->export_path, real) ? real : a->export_path;
	if (rc == 0)
		snprintf(msg, sizeof(msg), "export: wrote %s", shown);
	wf_text_sanitize(msg, strlen(msg), 200, false, safe, sizeof(safe));
	wf_screen_message(&a->screen, rc == 0 ? WF_ROLE_PROMPT : WF_ROLE_ERROR, "%s%s",
			  rc == 0 ? "" : "export failed: ", safe);
}

/* The config's `theme = NAME|PATH` line (the last one counts). */
static int app_config_theme(char *key, char *value, int line, void *ctx)
{
	(void)key;
	(void)line;
	snprintf(ctx, 128, "%s", value);
	return 0;
}

/* Puts the keys (bind, unbind) and the mouse setting of a config text in force
 * (tui/keymap.h); msg says how it went: the first bad line as FILE:LINE: message.
 * Returns the number of bad lines. */
static int app_keys_apply(struct app *a, const struct wf_config_file *cf, char *msg,
			  size_t size)
{
	struct wf_keymap km;
	char errs[1024];
	int bad = wf_keymap_load(&km, cf, errs, sizeof(errs));
	wf_keymap_install(&km);
	/* The wall never reads the mouse (its screen takes no clicks). */
	bool mouse = km.mouse && !a->wall;
	mousemask(mouse ? ALL_MOUSE_EVENTS : 0, NULL);
	mouseinterval(0); /* presses at once; double clicks are timed in ui_mouse.c */
	if (bad) {
		char *nl = strchr(errs, '\n');
		if (nl)
			*nl = '\0';
		snprintf(msg, size, "config: %d bad line%s, the rest applies: %s", bad < 0 ? 1 : bad,
			 bad == 1 ? "" : "s", errs);
	} else {
		snprintf(msg, size, "config read: keys and mouse (%s)", mouse ? "on" : "off");
	}
	return bad;
}

/* SIGHUP and :reload: the config file read again, its keys and mouse in force. */
static int app_reload_keys(void *arg, char *msg, size_t size)
{
	struct wf_config_file cf;
	char err[300];
	if (wf_config_file_read(&cf, NULL, err, sizeof(err)) != 0) {
		wf_config_file_free(&cf);
		snprintf(msg, size, "config not read again: %s", err);
		return 1;
	}
	int bad = app_keys_apply(arg, &cf, msg, size);
	wf_config_file_free(&cf);
	return bad;
}

static void app_resize(struct app *a)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	wf_screen_resize(&a->screen);
}

static void app_signals_read(struct app *a)
{
	unsigned char buf[64];
	ssize_t n;
	while ((n = read(wf_signals_fd(), buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH) {
				app_resize(a);
			} else if (buf[i] == SIGHUP) {
				/* Reload, as :reload does. A terminal that hung up is found
				 * by the dead-terminal check of the loop instead. */
				char msg[512];
				int bad = app_reload_keys(a, msg, sizeof(msg));
				wf_screen_message(&a->screen, bad ? WF_ROLE_ERROR : WF_ROLE_DIM,
						  "SIGHUP: %s", msg);
			} else {
				a->quit = true;
			}
		}
	}
}

/* Reads keys until none is left; returns how many. */
static int app_keys_read(struct app *a)
{
	wint_t ch, keys[2];
	bool is_key[2];
	int r, n = 0;
	while (!a->quit && (r = wget_wch(stdscr, &ch)) != ERR) {
		/* Escape sequences terminfo does not know (a paste) are dropped. */
		int k = wf_keyseq_feed(&a->keyseq, ch, r == KEY_CODE_YES, keys, is_key);
		for (int i = 0; i < k && !a->quit; i++)
			if (wf_screen_key(&a->screen, keys[i], is_key[i]) & WF_REACT_QUIT)
				a->quit = true;
		n++;
	}
	if (!a->quit && wf_keyseq_flush(&a->keyseq, &ch) &&
	    (wf_screen_key(&a->screen, ch, false) & WF_REACT_QUIT))
		a->quit = true;
	return n;
}

/* How long the loop may sleep: until the next frame is allowed when one is due,
 * else until the next clock second (the status bar clock, ages and countdowns). */
static int app_timeout(struct app *a, int64_t now_wall, int64_t now_mono)
{
	int t;
	if (wf_screen_dirty(&a->screen)) {
		int64_t wait = a->last_frame + FRAME_MIN_MS - now_mono;
		t = wait > 0 ? (int)wait : 0;
	} else {
		t = (int)(1000 - now_wall % 1000) + 2;
	}
	if (a->client) {
		int ct = wf_client_timeout_ms(a->client);
		if (ct >= 0 && ct < t)
			t = ct;
	}
	int64_t nd = wf_notify_next_deadline(a->notify) - now_wall; /* notifications */
	if (nd < t)
		t = nd > 0 ? (int)nd : 0;
	return t;
}

static void app_curses_start(void)
{
	initscr();
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	typeahead(-1); /* one write per frame: no typeahead polls in doupdate */
	curs_set(0);
	leaveok(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	refresh(); /* stdscr untouched from now on: wget_wch never repaints it */
}

int wf_app_run(const struct wf_options *opt, const struct wf_config_file *config,
	       struct wf_client *client, struct wf_model *model)
{
	struct app a; /* about 30 KiB, on the stack of the one thread */
	struct app_signals sigs;
	char err[300] = "";
	memset(&a, 0, sizeof(a));
	a.client = client;
	a.config = config;
	setlocale(LC_ALL, "");
	if (signals_install(&sigs) != 0) {
		fprintf(stderr, "watchfloor: cannot set up signal handling\n");
		return 1;
	}
	app_curses_start();
	/* The config file as main.c read it: the wall, the notifier and the keys each
	 * take their keys, the theme its `theme =` (which --theme overrides). */
	char config_theme[128] = "";
	if (config && config->text)
		wf_config_foreach(config->text, config->len, "theme", sizeof(config_theme) - 1,
				  WF_CONFIG_WHOLE_KEY | WF_CONFIG_STRIP_COMMENT, app_config_theme,
				  config_theme);
	const char *theme = opt && opt->theme ? opt->theme
			    : config_theme[0] ? config_theme
			    : opt && opt->wall ? "wall" /* the wall has its own default */
					       : "default";
	if (wf_theme_load(theme, &a.theme, err, sizeof(err)) != 0) {
		/* the default is used; err is shown below */
	}
	wf_theme_activate(&a.theme);
	const struct wf_screen_hooks hooks = {.arg = &a, .theme = app_theme,
					      .export = app_export, .reload = app_reload_keys};
	app_wall_start(&a, opt, model, &hooks); /* --wall: the wall is the screen */
	if (!a.wall) {
		bool ro = !client || (opt && (opt->read_only || opt->wall)); /* replay: nothing to send */
		if (wf_ui_init(&a.ui, model, client ? wf_client_outbox(client) : NULL, ro) != 0) {
			endwin();
			signals_restore(&sigs);
			fprintf(stderr, "watchfloor: out of memory\n");
			return 1;
		}
		a.ui_ready = true;
		a.ui.hooks = hooks;
		if (opt && opt->demo)
			a.ui.quit_note = "The demo's outbox is discarded.";
		wf_ui_screen(&a.ui, &a.screen);
	}
	wf_screen_set_now(&a.screen, client ? wf_client_now_ms() : wf_clock_now_ms());
	char keys_msg[512];
	if (app_keys_apply(&a, config, keys_msg, sizeof(keys_msg)) != 0 && !err[0])
		snprintf(err, sizeof(err), "%s", keys_msg);
	if (err[0])
		wf_screen_message(&a.screen, WF_ROLE_ERROR, "%s", err);
	else if (!client)
		wf_screen_message(&a.screen, WF_ROLE_DIM, "replay: nothing is sent from this view");
	app_notify_start(&a, opt, client ? wf_client_now_ms() : wf_clock_now_ms()); /* notifications */
	if (config && config->error[0]) /* unreadable: every part keeps its defaults */
		wf_screen_message(&a.screen, WF_ROLE_ERROR, "%s", config->error);
	if (client)
		wf_client_start(client);
	wf_screen_render(&a.screen, false);
	a.last_frame = wf_clock_mono_ms();
	while (!a.quit) {
		int64_t now = client ? wf_client_now_ms() : wf_clock_now_ms();
		int timeout = app_timeout(&a, now, wf_clock_mono_ms());
		struct curl_waitfd fds[2] = {
			{.fd = STDIN_FILENO, .events = CURL_WAIT_POLLIN},
			{.fd = wf_signals_fd(), .events = CURL_WAIT_POLLIN},
		};
		bool tty_ready;
		if (client) {
			if (wf_client_wait(client, fds, 2, timeout) < 0)
				break;
			tty_ready = fds[0].revents != 0;
			unsigned ev = wf_client_process(client);
			if ((ev & WF_CLIENT_EV_OUTBOX) && a.ui_ready)
				wf_ui_outbox_changed(&a.ui);
			if (ev & WF_CLIENT_EV_FETCHED)
				app_export_done(&a); /* :export */
			if (ev & WF_CLIENT_EV_STOPPED)
				wf_screen_message(&a.screen, WF_ROLE_ERROR, "%s",
						  wf_model_conn(model)->message);
			client = app_wall_retry(&a, opt, model, now); /* wall */
		} else {
			struct pollfd pf[2] = {{STDIN_FILENO, POLLIN, 0},
					       {wf_signals_fd(), POLLIN, 0}};
			if (poll(pf, 2, timeout) < 0 && errno != EINTR)
				break;
			tty_ready = pf[0].revents != 0;
		}
		/* Both are cheap when nothing is there: read them on every wake-up. */
		app_signals_read(&a);
		/* A terminal that stays readable without giving keys is gone (EOF or
		 * hang-up): stop instead of spinning. */
		if (app_keys_read(&a) == 0 && tty_ready) {
			if (++a.dead_tty > 100)
				a.quit = true;
		} else {
			a.dead_tty = 0;
		}
		wf_screen_set_now(&a.screen, client ? wf_client_now_ms() : wf_clock_now_ms());
		/* notifications: compare the model with the last look, flush, time out */
		wf_notify_observe(a.notify, model, client ? wf_client_now_ms() : wf_clock_now_ms());
		int64_t m = wf_clock_mono_ms();
		if (!a.quit && wf_screen_dirty(&a.screen) && m - a.last_frame >= FRAME_MIN_MS) {
			wf_screen_render(&a.screen, false);
			a.last_frame = m;
		}
	}
	app_notify_stop(&a); /* notifications */
	app_wall_stop(&a);
	if (a.ui_ready)
		wf_ui_free(&a.ui);
	endwin();
	signals_restore(&sigs);
	return 0;
}
