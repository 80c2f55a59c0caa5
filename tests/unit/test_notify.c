/* test_notify.c - unit tests of the notifier (notify/notify*.c): sanitizing and markup
 * escaping, terminal sequences (OSC 777/9, tmux), the first look staying quiet,
 * each kind of notice, coalescing a burst into one summary, the rate limit, config
 * keys, and the route without a session bus (the helper's probe fails, the
 * terminal fallback is used, and no call waits). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/tools/model_feed.h"
#include "notify/notify.h"
#include "util/config.h"

/* The terminal as the notifier sees it: every write, appended. */
struct term {
	char buf[65536];
	size_t len;
	int writes;
};

static void term_write(void *ctx, const char *bytes, size_t len)
{
	struct term *t = ctx;
	if (t->len + len < sizeof t->buf) {
		memcpy(t->buf + t->len, bytes, len);
		t->len += len;
		t->buf[t->len] = '\0';
	}
	t->writes++;
}

static int __attribute__((unused)) count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* A terminal-only notifier (no helper process) writing into *t. */
static struct wf_notify *term_notifier(struct term *t,
				       const struct wf_watch_rules *rules, int64_t now)
{
	struct wf_notify_config c;
	wf_notify_config_default(&c);
	c.desktop = false;
	c.tmux = false;
	c.rules = rules;
	c.term_write = term_write;
	c.term_ctx = t;
	memset(t, 0, sizeof(*t));
	return wf_notify_new(&c, now);
}

static void test_sanitize(void **state)
{
	(void)state;
	char out[256];
	wf_notify_sanitize("Attack\033[2J at \xe2\x80\xae"
			   "evil\x07 \xff end\n",
			   out, sizeof out, -1);
	assert_string_equal(out, "Attack\xEF\xBF\xBD[2J at \xEF\xBF\xBD"
				 "evil\xEF\xBF\xBD \xEF\xBF\xBD end\xEF\xBF\xBD");
	wf_notify_sanitize("abcdefghij", out, sizeof out, 4);
	assert_string_equal(out, "abcd");
	wf_notify_sanitize(NULL, out, sizeof out, 4);
	assert_string_equal(out, "");
	wf_notify_escape_markup("<b>Tom & \"Jerry's\"</b>", out, sizeof out);
	assert_string_equal(out,
			    "&lt;b&gt;Tom &amp; &quot;Jerry&apos;s&quot;&lt;/b&gt;");
	/* A small buffer never gets a cut entity or a cut UTF-8 sequence. */
	wf_notify_escape_markup("ab&", out, 6);
	assert_string_equal(out, "ab");
	wf_notify_escape_markup("ab\xc3\xa9", out, 4);
	assert_string_equal(out, "ab");
}

static void test_terminal_sequences(void **state)
{
	(void)state;
	char out[512];
	size_t n = wf_notify_format_terminal(WF_FALLBACK_OSC777, false, false,
					     "New; incident", "a\nb", out, sizeof out);
	assert_string_equal(out, "\033]777;notify;New, incident;a b\033\\");
	assert_int_equal(n, strlen(out));
	wf_notify_format_terminal(WF_FALLBACK_OSC9, false, true, "T", "B", out,
				  sizeof out);
	assert_string_equal(out, "\033]9;T: B\033\\\a");
	wf_notify_format_terminal(WF_FALLBACK_OSC9, true, false, "T", "", out,
				  sizeof out);
	assert_string_equal(out, "\033Ptmux;\033\033]9;T\033\033\\\033\\");
	wf_notify_format_terminal(WF_FALLBACK_BELL, true, false, "T", "B", out,
				  sizeof out);
	assert_string_equal(out, "\a");
	assert_int_equal(wf_notify_format_terminal(WF_FALLBACK_NONE, false, true, "T",
						   "B", out, sizeof out),
			 0);
}

static void test_first_look_is_quiet_then_new_incident(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_model *m = feed_model_new(NULL);
	feed_incident(m, "inc-1", "Old incident", WF_TIER_INCIDENT, WF_INC_ACTIVE, 1,
		      now);
	struct wf_notify *n = term_notifier(&t, NULL, now);
	wf_notify_observe(n, m, now);
	wf_notify_tick(n, now + 10000);
	assert_int_equal(t.writes, 0);

	feed_incident(m, "inc-2", "Attack\033[31m <b>live</b>",
		      WF_TIER_CONTENT_INCIDENT, WF_INC_ACTIVE, 1, now + 20000);
	wf_notify_observe(n, m, now + 20000);
	assert_int_equal(t.writes, 0); /* held for the coalescing window */
	assert_true(wf_notify_next_deadline(n) <= now + 20000 + 1500);
	wf_notify_tick(n, now + 21500);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf,
			       "\033]777;notify;New incident: Attack\xEF\xBF\xBD[31m "
			       "<b>live</b>;tier content_incident, active, "
			       "Christchurch, NZ\033\\"));
	/* critical: the fallback rings the bell too */
	assert_int_equal(t.buf[t.len - 1], '\a');
	struct wf_notify_stats st;
	wf_notify_get_stats(n, &st);
	assert_int_equal(st.route, WF_ROUTE_TERMINAL);
	assert_int_equal(st.sent_terminal, 1);
	wf_notify_free(n);
	wf_model_free(m);
}

/* A full incidents table (cap 3, all open and lower) still takes a protocol-activated
 * incident, so it is notified: an open incident is never refused to keep an older,
 * lower one (model/caps.c). */
static void test_full_table_still_notifies(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_model_limits lim = wf_model_limits_default();
	lim.incidents = 3;
	struct wf_model *m = feed_model_new(&lim);
	feed_incident(m, "inc-1", "One", WF_TIER_AWARENESS, WF_INC_MONITORING, 1, now);
	feed_incident(m, "inc-2", "Two", WF_TIER_AWARENESS, WF_INC_MONITORING, 1, now);
	feed_incident(m, "inc-3", "Three", WF_TIER_INCIDENT, WF_INC_MONITORING, 1, now);
	struct wf_notify *n = term_notifier(&t, NULL, now);
	wf_notify_observe(n, m, now);
	wf_notify_tick(n, now + 10000);
	assert_int_equal(t.writes, 0);
	assert_int_equal(feed_incident(m, "inc-4", "Protocol now", WF_TIER_PROTOCOL_ACTIVATED,
				       WF_INC_ACTIVE, 1, now + 20000),
			 WF_APPLY_CHANGED);
	wf_notify_observe(n, m, now + 20000);
	wf_notify_tick(n, now + 30000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "New incident: Protocol now"));
	wf_notify_free(n);
	wf_model_free(m);
}

static void set_state(struct wf_model *m, enum wf_conn_state st)
{
	struct wf_conn c = *wf_model_conn(m);
	c.state = st;
	wf_model_set_conn(m, &c);
}

/* The dashboard observes from its first loop turn, long before the snapshot: the
 * snapshot's incidents must not come out as new, and a reset (the snapshot read
 * again) must not either, while incidents opened meanwhile do. */
static void test_waits_for_the_snapshot(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_model *m = wf_model_new(NULL); /* CONNECTING */
	struct wf_notify *n = term_notifier(&t, NULL, now);
	wf_notify_observe(n, m, now);
	feed_incident(m, "inc-1", "From the snapshot", WF_TIER_CONTENT_INCIDENT,
		      WF_INC_ACTIVE, 1, now);
	wf_notify_observe(n, m, now + 10);
	set_state(m, WF_CONN_RECONNECTING); /* not synced yet: still nothing */
	wf_notify_observe(n, m, now + 20);
	set_state(m, WF_CONN_LIVE);
	wf_notify_observe(n, m, now + 30);
	wf_notify_tick(n, now + 5000);
	assert_int_equal(t.writes, 0);
	/* a reset: the snapshot is read again, with one incident opened meanwhile */
	set_state(m, WF_CONN_CONNECTING);
	wf_model_reset(m);
	wf_notify_observe(n, m, now + 6000);
	feed_incident(m, "inc-1", "From the snapshot", WF_TIER_CONTENT_INCIDENT,
		      WF_INC_ACTIVE, 1, now + 6000);
	feed_incident(m, "inc-2", "Opened meanwhile", WF_TIER_INCIDENT, WF_INC_ACTIVE,
		      1, now + 6000);
	wf_notify_observe(n, m, now + 6010);
	set_state(m, WF_CONN_LIVE);
	wf_notify_observe(n, m, now + 6020);
	wf_notify_tick(n, now + 9000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "New incident: Opened meanwhile"));
	assert_null(strstr(t.buf, "From the snapshot"));
	wf_notify_free(n);
	wf_model_free(m);
}

static void test_escalation_and_decisions(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_model *m = feed_model_new(NULL);
	feed_incident(m, "inc-1", "Stream", WF_TIER_AWARENESS, WF_INC_MONITORING, 1,
		      now);
	feed_decision(m, "dec-0", "inc-1", "Already there", WF_PRIO_HIGH, now + 3600000,
		      now);
	struct wf_notify *n = term_notifier(&t, NULL, now);
	wf_notify_observe(n, m, now);

	feed_incident(m, "inc-1", "Stream", WF_TIER_PROTOCOL_ACTIVATED, WF_INC_ACTIVE,
		      2, now + 1000);
	wf_notify_observe(n, m, now + 1000);
	wf_notify_tick(n, now + 3000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(
		t.buf, "Escalated: Stream;tier awareness -> protocol_activated"));

	/* A new high-priority decision; a normal one says nothing. */
	t.len = 0;
	t.writes = 0;
	feed_decision(m, "dec-1", "inc-1", "Activate the protocol", WF_PRIO_HIGH,
		      now + 3600000, now + 4000);
	feed_decision(m, "dec-2", "inc-1", "Routine", WF_PRIO_NORMAL, now + 3600000,
		      now + 4000);
	wf_notify_observe(n, m, now + 4000);
	wf_notify_tick(n, now + 6000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf,
			       "Decision needed: Activate the protocol;activate, high "
			       "priority Stream"));

	/* Due within 10 minutes: each open decision once. dec-0 and dec-1 are high. */
	t.len = 0;
	t.writes = 0;
	int64_t later = now + 3600000 - 9 * 60000;
	wf_notify_observe(n, m, later);
	wf_notify_tick(n, later + 1500);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "watchfloor: 3 new events;3 decisions due soon"));
	assert_non_null(strstr(t.buf, "Decision due in 9 min: Routine"));
	wf_notify_observe(n, m, later + 60000);
	wf_notify_tick(n, later + 70000);
	assert_int_equal(t.writes, 1);
	wf_notify_free(n);
	wf_model_free(m);
}

static void test_burst_coalesces(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_model *m = feed_model_new(NULL);
	struct wf_notify *n = term_notifier(&t, NULL, now);
	wf_notify_observe(n, m, now);
	char id[32], title[64];
	/* 200 incidents over one second, observed every 10 ms like a busy loop. */
	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof id, "inc-%d", i);
		snprintf(title, sizeof title, "Incident %d", i);
		feed_incident(m, id, title, WF_TIER_INCIDENT, WF_INC_ACTIVE, 1,
			      now + i * 5);
		if (i % 2 == 0)
			wf_notify_observe(n, m, now + i * 5);
	}
	wf_notify_observe(n, m, now + 1000);
	/* looks every 200 ms: the first notice is queued at +200, out at +1700 */
	wf_notify_tick(n, now + 1700);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf,
			       "watchfloor: 200 new events;200 new incidents "
			       "New incident: Incident 0 New incident: Incident 1"));
	assert_non_null(strstr(t.buf, "... and 196 more"));
	struct wf_notify_stats st;
	wf_notify_get_stats(n, &st);
	assert_int_equal(st.flushes, 1);
	assert_int_equal(st.coalesced, 199);
	wf_notify_free(n);
	wf_model_free(m);
}

static void test_rate_limit(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_model *m = feed_model_new(NULL);
	struct wf_notify *n = term_notifier(&t, NULL, now);
	wf_notify_observe(n, m, now);
	char id[32];
	/* One new incident every 2 s for 60 s: burst 3, then one per 20 s. */
	int64_t end = now + 60000;
	for (int i = 0; now + i * 2000 < end; i++) {
		snprintf(id, sizeof id, "inc-%d", i);
		feed_incident(m, id, id, WF_TIER_INCIDENT, WF_INC_ACTIVE, 1,
			      now + i * 2000);
		for (int64_t ms = 0; ms < 2000; ms += 100)
			wf_notify_observe(n, m, now + i * 2000 + ms);
	}
	/* 3 at once, then t=20 s, 40 s, 60 s at most. */
	assert_true(t.writes >= 4);
	assert_true(t.writes <= 3 + 3);
	/* Nothing is lost: the held notices come out as one summary. */
	for (int64_t ms = 0; ms <= 40000; ms += 500)
		wf_notify_tick(n, end + ms);
	struct wf_notify_stats st;
	wf_notify_get_stats(n, &st);
	assert_int_equal(st.notices, 30);
	assert_int_equal(st.flushes + st.coalesced, 30);
	wf_notify_free(n);
	wf_model_free(m);
}

static void test_watch_hits_notify_and_bell(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char errs[512];
	const char *cfg = "watch = title /mosque/i notify,bell\n"
			  "watch = report /live ?stream/i bell\n"
			  "watch = hash /^d41d8c/ notify\n"
			  "watch = platform /^Gab$/ highlight\n";
	assert_int_equal(
		wf_watch_rules_parse(r, cfg, strlen(cfg), "cfg", errs, sizeof errs), 0);
	struct wf_model *m = feed_model_new(NULL);
	feed_platform(m, "p-gab", "Gab", now);
	feed_incident(m, "inc-1", "Quiet", WF_TIER_AWARENESS, WF_INC_MONITORING, 1,
		      now);
	struct wf_notify *n = term_notifier(&t, r, now);
	wf_notify_observe(n, m, now);

	/* report text with a bell rule: a bell, no notification */
	feed_report(m, "rep-1", "p-gab", "a livestream link", now + 100);
	wf_notify_observe(n, m, now + 100);
	/* within observe_ms of the last look: the look waits, the deadline says so */
	assert_true(wf_notify_next_deadline(n) <= now + 200);
	wf_notify_observe(n, m, now + 200);
	wf_notify_tick(n, now + 2000);
	assert_string_equal(t.buf, "\a");

	t.len = 0;
	t.buf[0] = '\0';
	t.writes = 0;
	feed_signal(m, "sig-1", "inc-1", "p-gab", "d41d8cd98f00b204e9800998ecf8427e",
		    now + 3000);
	feed_incident(m, "inc-1", "Shooting at MOSQUE", WF_TIER_AWARENESS,
		      WF_INC_MONITORING, 2, now + 3000);
	wf_notify_observe(n, m, now + 3000);
	wf_notify_tick(n, now + 5000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "2 watch hits"));
	assert_non_null(
		strstr(t.buf, "Watch (hash): d41d8cd98f00b204e9800998ecf8427e"));
	assert_non_null(strstr(t.buf, "Watch (title): Shooting at MOSQUE"));
	assert_int_equal(t.buf[t.len - 1], '\a');
	/* highlight only: the dashboard asks, the notifier stays quiet */
	assert_int_equal(wf_watch_match(r, WF_WATCH_PLATFORM, "Gab", 3),
			 WF_WATCH_HIGHLIGHT);
	wf_notify_free(n);
	wf_model_free(m);
	wf_watch_rules_free(r);
}

static void test_disabled_does_nothing(void **state)
{
	(void)state;
	struct term t;
	memset(&t, 0, sizeof t);
	struct wf_notify_config c;
	wf_notify_config_default(&c);
	c.enabled = false;
	c.term_write = term_write;
	c.term_ctx = &t;
	int64_t now = 1700000000000;
	struct wf_model *m = feed_model_new(NULL);
	struct wf_notify *n = wf_notify_new(&c, now);
	assert_int_equal(wf_notify_fd(n), -1); /* no helper was started */
	wf_notify_observe(n, m, now);
	feed_incident(m, "inc-1", "X", WF_TIER_CONTENT_INCIDENT, WF_INC_ACTIVE, 1, now);
	wf_notify_observe(n, m, now + 10);
	wf_notify_tick(n, now + 10000);
	assert_int_equal(t.writes, 0);
	assert_true(wf_notify_next_deadline(n) == INT64_MAX);
	assert_string_equal(wf_notify_describe(n), "off");
	wf_notify_free(n);
	wf_model_free(m);
}

static void test_config_keys(void **state)
{
	(void)state;
	struct wf_notify_config c;
	wf_notify_config_default(&c);
	char errs[512];
	const char *text = "# watchfloor config\n"
			   "server = https://example.org\n"
			   "notify = off\n"
			   "notify_due_minutes = 15   # a comment\n"
			   "notify_fallback = osc9\n"
			   "notify_rate_interval_s = 30\n"
			   "notify_due_minutes = soon\n"
			   "notify_colour = red\n"
			   "notify_wall = on\n";
	assert_int_equal(wf_notify_config_parse(&c, text, strlen(text), "config", errs,
						sizeof errs),
			 2);
	assert_string_equal(
		errs, "config:7: notify_due_minutes: expected a number from 1 to "
		      "1440\nconfig:8: unknown notification setting 'notify_colour'");
	assert_false(c.enabled);
	assert_int_equal(c.due_minutes, 15);
	assert_int_equal(c.fallback, WF_FALLBACK_OSC9);
	assert_int_equal(c.rate_interval_ms, 30000);
	assert_true(c.wall);
}

/* wf_notify_start: the config file's notify keys and watch rules, and the modes. */
static void test_start_reads_config_and_modes(void **state)
{
	(void)state;
	char dir[] = "/tmp/wf-notify-cfg-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256];
	snprintf(path, sizeof path, "%s/watchfloor", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/watchfloor/config", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("notify_desktop = off\nnotify_coalesce_ms = 0\nwatch = title /bad(/\n"
	      "watch = title /mosque/i bell\nnotify_fallback = loud\n",
	      f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	struct term t;
	memset(&t, 0, sizeof t);
	struct wf_watch_rules *rules = NULL;
	char msg[1024];
	int64_t now = 1700000000000;
	struct wf_config_file cf; /* read once, as the dashboard does (util/config.h) */
	assert_int_equal(wf_config_file_read(&cf, NULL, msg, sizeof msg), 0);
	struct wf_notify *n = wf_notify_start(&cf, false, false, false, term_write, &t,
					      now, &rules, msg, sizeof msg);
	assert_non_null(n);
	assert_int_equal(wf_watch_rules_count(rules), 1);
	assert_non_null(
		strstr(msg, "/watchfloor/config:5: notify_fallback: expected osc777"));
	assert_non_null(strstr(msg, "/watchfloor/config:3: watch: bad pattern"));
	assert_int_equal(wf_notify_fd(n), -1); /* desktop off: no helper */
	struct wf_model *m = feed_model_new(NULL);
	wf_notify_observe(n, m, now);
	feed_incident(m, "i", "Mosque", WF_TIER_AWARENESS, WF_INC_MONITORING, 1, now);
	wf_notify_observe(n, m, now + 200); /* the next look (observe_ms) */
	assert_string_equal(t.buf + t.len - 1, "\a");
	wf_notify_free(n);
	wf_watch_rules_free(rules);
	/* --no-notify, --batch and --wall (without notify_wall) are off */
	for (int mode = 0; mode < 3; mode++) {
		n = wf_notify_start(&cf, mode == 0, mode == 1, mode == 2, term_write,
				    &t, now, &rules, msg, sizeof msg);
		assert_string_equal(wf_notify_describe(n), "off");
		wf_notify_free(n);
		wf_watch_rules_free(rules);
	}
	wf_config_file_free(&cf);
	wf_model_free(m);
	unlink(path);
	snprintf(path, sizeof path, "%s/watchfloor", dir);
	rmdir(path);
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
}

/* The notifier's cost while nothing is notified: 1,000 model changes 10 ms apart
 * (signals, reports, incident updates with nothing to say) with platform, hash and
 * report watch rules that never match. The model is compared at most every 200 ms,
 * nothing is sanitized, and only the newest reports and signals are walked. */
static void test_observe_costs_little_without_notices(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char errs[512], id[32], md5[40];
	const char *cfg = "watch = platform /^gab$/i notify\n"
			  "watch = hash /^d41d8c/ notify\n"
			  "watch = report /mosque/i notify\n";
	assert_int_equal(
		wf_watch_rules_parse(r, cfg, strlen(cfg), "cfg", errs, sizeof errs), 0);
	struct wf_model *m = feed_model_new(NULL);
	feed_platform(m, "p-fb", "Facebook", now);
	for (int i = 0; i < 200; i++) {
		snprintf(id, sizeof id, "inc-%d", i);
		feed_incident(m, id, "Known", WF_TIER_INCIDENT, WF_INC_ACTIVE, 1, now);
	}
	for (int i = 0; i < 50; i++) {
		snprintf(id, sizeof id, "dec-%d", i);
		feed_decision(m, id, "inc-1", "Later", WF_PRIO_NORMAL, now + 86400000,
			      now);
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "sig-%d", i);
		snprintf(md5, sizeof md5, "%032x", i);
		feed_signal(m, id, "inc-1", "p-fb", md5, now - 3600000 + i * 1000);
	}
	for (int i = 0; i < 500; i++) {
		snprintf(id, sizeof id, "rep-%d", i);
		feed_report(m, id, "p-fb", "nothing to see", now - 3600000 + i * 1000);
	}
	struct wf_notify *n = term_notifier(&t, r, now);
	wf_notify_observe(n, m, now);
	struct wf_notify_stats st0, st;
	wf_notify_get_stats(n, &st0);
	assert_int_equal(st0.walked, 3500); /* the first look records everything */

	for (int i = 1; i <= 1000; i++) {
		int64_t at = now + i * 10;
		snprintf(id, sizeof id, "new-%d", i);
		snprintf(md5, sizeof md5, "%032x", 100000 + i);
		if (i % 3 == 0)
			feed_signal(m, id, "inc-2", "p-fb", md5, at);
		else if (i % 3 == 1)
			feed_report(m, id, "p-fb", "still nothing", at);
		else
			feed_incident(m, "inc-3", "Known", WF_TIER_INCIDENT,
				      WF_INC_ACTIVE, 1 + i, at);
		wf_notify_observe(n, m, at);
	}
	/* a change within 200 ms of the last look waits; the deadline says when */
	int64_t end = now + 10000;
	feed_incident(m, "inc-3", "Known", WF_TIER_INCIDENT, WF_INC_ACTIVE, 2000,
		      end + 1);
	wf_notify_observe(n, m, end + 1);
	assert_true(wf_notify_next_deadline(n) <= end + 200);
	wf_notify_observe(n, m, end + 200);
	wf_notify_tick(n, end + 5000);
	wf_notify_get_stats(n, &st);
	print_message("looks %lu, walked %lu, sanitized %lu\n", st.looks - st0.looks,
		      st.walked - st0.walked, st.sanitized);
	assert_int_equal(t.writes, 0);
	assert_int_equal(st.notices, 0);
	assert_int_equal(st.sanitized, 0);
	/* 10 s of changes: 50 looks, not 1,000 */
	assert_true(st.looks - st0.looks <= 10000 / 200 + 1);
	/* each look walks the entries since a second before the last look's
	 * newest: 1.2 s of changes, two in three adding one every 10 ms, about
	 * 80; not all 3,500+ */
	assert_true(st.walked - st0.walked <= 51 * 90);
	/* and every new one was walked */
	assert_true(st.walked - st0.walked >= 667);
	wf_notify_free(n);
	wf_model_free(m);
	wf_watch_rules_free(r);
}

/* Walking only the newest still sees every new entry: one stamped a little before
 * the newest already seen (it arrived late), and the ones after an entry stamped
 * far in the future. Neither is notified twice. */
static void test_watch_sees_late_and_after_future(void **state)
{
	(void)state;
	struct term t;
	int64_t now = 1700000000000;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char errs[512];
	const char *cfg = "watch = hash /^d41d8c/ notify\n";
	assert_int_equal(
		wf_watch_rules_parse(r, cfg, strlen(cfg), "cfg", errs, sizeof errs), 0);
	struct wf_model *m = feed_model_new(NULL);
	feed_signal(m, "s0", "inc-1", "p-fb", "00", now);
	struct wf_notify *n = term_notifier(&t, r, now);
	wf_notify_observe(n, m, now);
	feed_signal(m, "s1", "inc-1", "p-fb", "01", now + 5000);
	wf_notify_observe(n, m, now + 5000);
	/* stamped 500 ms before s1, arrives after it */
	feed_signal(m, "s2", "inc-1", "p-fb", "d41d8c-late", now + 4500);
	wf_notify_observe(n, m, now + 5300);
	/* stamped an hour ahead; then a normal one */
	feed_signal(m, "s3", "inc-1", "p-fb", "d41d8c-future", now + 3600000);
	wf_notify_observe(n, m, now + 5600);
	feed_signal(m, "s4", "inc-1", "p-fb", "d41d8c-after", now + 5800);
	wf_notify_observe(n, m, now + 5900);
	for (int i = 0; i < 10; i++) {
		feed_signal(m, i % 2 ? "s0" : "s1", "inc-1", "p-fb", "x", now);
		wf_notify_observe(n, m, now + 6200 + i * 300);
	}
	wf_notify_tick(n, now + 20000);
	struct wf_notify_stats st;
	wf_notify_get_stats(n, &st);
	assert_int_equal(st.notices, 3);
	assert_non_null(strstr(t.buf, "d41d8c-late"));
	assert_non_null(strstr(t.buf, "d41d8c-future"));
	assert_non_null(strstr(t.buf, "d41d8c-after"));
	wf_notify_free(n);
	wf_model_free(m);
	wf_watch_rules_free(r);
}

/* Strict UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int len = *p < 0x80		? 1
			  : (*p & 0xE0) == 0xC0 ? 2
			  : (*p & 0xF0) == 0xE0 ? 3
			  : (*p & 0xF8) == 0xF0 ? 4
						: 0;
		if (!len || (len == 2 && *p < 0xC2))
			return false;
		uint32_t cp = len == 1 ? *p : *p & (0x7F >> len);
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		p += len;
	}
	return true;
}

/* A summary of four long multibyte notices is cut to fit its body, at a character
 * boundary wherever the cut falls (D-Bus refuses invalid UTF-8). */
static void test_summary_cut_at_utf8_boundary(void **state)
{
	(void)state;
	char *old = setlocale(LC_ALL, NULL);
	char saved[64];
	snprintf(saved, sizeof saved, "%s", old ? old : "C");
	if (!setlocale(LC_ALL, "C.UTF-8"))
		assert_non_null(setlocale(LC_ALL, "en_US.UTF-8"));
	/* 100 columns of e-acute with three combining acutes: 8 bytes a column, so
	 * each notice is cut near its 512 bytes and four overflow the body */
	char title[1024];
	for (int shift = 0; shift < 8; shift++) {
		size_t o = 0;
		for (int i = 0; i < shift; i++)
			title[o++] = 'x';
		for (int i = 0; i < 100; i++)
			o += (size_t)snprintf(title + o, sizeof title - o,
					      "\xC3\xA9\xCC\x81\xCC\x81\xCC\x81");
		struct term t;
		int64_t now = 1700000000000;
		struct wf_notify *n = term_notifier(&t, NULL, now);
		for (int k = 0; k < 5; k++)
			wf_notify_post(n, WF_NOTIFY_WATCH_HIT, WF_URGENCY_LOW, title,
				       "body", now);
		wf_notify_tick(n, now + 2000);
		assert_int_equal(t.writes, 1);
		assert_non_null(strstr(t.buf, "watchfloor: 5 new events;5 watch hits"));
		assert_true(t.len > 1500); /* the body was full */
		if (!valid_utf8(t.buf))
			fail_msg("a cut UTF-8 sequence with %d leading bytes", shift);
		wf_notify_free(n);
	}
	setlocale(LC_ALL, saved);
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* No session bus at all: the helper's probe fails, the fallback is used, and no
 * call into the notifier takes long. */
static void test_no_session_bus_falls_back(void **state)
{
	(void)state;
	unsetenv("DBUS_SESSION_BUS_ADDRESS");
	unsetenv("DISPLAY");
	unsetenv("WAYLAND_DISPLAY");
	setenv("XDG_RUNTIME_DIR", "/nonexistent-wf-test", 1);
	struct term t;
	memset(&t, 0, sizeof t);
	struct wf_notify_config c;
	wf_notify_config_default(&c);
	c.tmux = false;
	c.term_write = term_write;
	c.term_ctx = &t;
	int64_t now = wall_ms();
	struct wf_model *m = feed_model_new(NULL);
	struct wf_notify *n = wf_notify_new(&c, now);
	wf_notify_observe(n, m, now);
	feed_incident(m, "inc-1", "Nobody listens", WF_TIER_INCIDENT, WF_INC_ACTIVE, 1,
		      now);
	int64_t worst = 0;
	while (t.writes == 0 && wall_ms() - now < 5000) {
		struct timespec a, b, pause = {0, 10 * 1000 * 1000};
		clock_gettime(CLOCK_MONOTONIC, &a);
		wf_notify_observe(n, m, wall_ms());
		clock_gettime(CLOCK_MONOTONIC, &b);
		int64_t us = (b.tv_sec - a.tv_sec) * 1000000 +
			     (b.tv_nsec - a.tv_nsec) / 1000;
		if (us > worst)
			worst = us;
		nanosleep(&pause, NULL);
	}
	struct wf_notify_stats st;
	wf_notify_get_stats(n, &st);
	assert_int_equal(st.route, WF_ROUTE_TERMINAL);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "New incident: Nobody listens"));
	print_message("worst notifier call: %lld us\n", (long long)worst);
	assert_true(worst < 20000);
	wf_notify_free(n);
	wf_model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_terminal_sequences),
		cmocka_unit_test(test_first_look_is_quiet_then_new_incident),
		cmocka_unit_test(test_full_table_still_notifies),
		cmocka_unit_test(test_waits_for_the_snapshot),
		cmocka_unit_test(test_escalation_and_decisions),
		cmocka_unit_test(test_burst_coalesces),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_watch_hits_notify_and_bell),
		cmocka_unit_test(test_disabled_does_nothing),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_start_reads_config_and_modes),
		cmocka_unit_test(test_no_session_bus_falls_back),
		cmocka_unit_test(test_observe_costs_little_without_notices),
		cmocka_unit_test(test_watch_sees_late_and_after_future),
		cmocka_unit_test(test_summary_cut_at_utf8_boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
