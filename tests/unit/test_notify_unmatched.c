/* test_notify_unmatched.c - a watch rule on unmatched uploads (`watch = unmatched
 * /PATTERN/`): a sightings event carrying uploads no signal matched notifies once
 * per upload whose platform (name, else id) the pattern matches, with the near miss
 * in the body; the first look stays quiet and an upload is never notified twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "net/decode.h"
#include "notify/notify.h"
#include "tests/tools/model_feed.h"

struct term {
	char buf[16384];
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

#define PDQ "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

static void unmatched(struct wf_model *m, const char *platform, const char *nearest,
		      int64_t at)
{
	char buf[2048], t[32], near[160] = "null";
	wf_time_format(at, t, sizeof t);
	if (nearest)
		snprintf(near, sizeof near,
			 "{\"signal_id\":\"%s\",\"variant_id\":\"v1\",\"distance\":40}",
			 nearest);
	snprintf(buf, sizeof buf,
		 "{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":{"
		 "\"platform_id\":"
		 "\"%s\",\"incident_id\":\"inc-1\",\"items\":[],\"unmatched\":[{\"hash_"
		 "type\":"
		 "\"pdq\",\"hash\":\"" PDQ
		 "\",\"count\":5,\"outcome\":\"pending\",\"seen_at\":"
		 "\"%s\",\"nearest\":%s}]}}",
		 (long long)++feed_seq, t, platform, t, near);
	struct wf_event ev;
	struct wf_decode_error err;
	assert_int_equal(wf_decode_envelope(buf, strlen(buf), &ev, &err), 0);
	assert_int_equal(wf_model_apply(m, &ev), WF_APPLY_CHANGED);
	wf_event_clear(&ev);
}

static void test_watch_unmatched(void **state)
{
	(void)state;
	struct term t = {0};
	int64_t now = 1795667400000LL;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char errs[256];
	const char *cfg = "watch = unmatched /^Gab$|^p-yt$/ notify\n";
	assert_int_equal(
		wf_watch_rules_parse(r, cfg, strlen(cfg), "cfg", errs, sizeof errs), 0);
	struct wf_model *m = feed_model_new(NULL);
	feed_platform(m, "p-gab", "Gab", now);
	feed_platform(m, "p-fb", "Facebook", now);
	feed_incident(m, "inc-1", "Riverside", WF_TIER_INCIDENT, WF_INC_ACTIVE, 1, now);
	unmatched(m, "p-gab", NULL, now - 1000); /* before the first look: quiet */
	struct wf_notify_config c;
	wf_notify_config_default(&c);
	c.desktop = false;
	c.tmux = false;
	c.rules = r;
	c.term_write = term_write;
	c.term_ctx = &t;
	struct wf_notify *n = wf_notify_new(&c, now);
	wf_notify_observe(n, m, now);
	wf_notify_tick(n, now + 2000);
	assert_int_equal(t.writes, 0);

	/* a Facebook upload does not match the rule; Gab's does */
	unmatched(m, "p-fb", NULL, now + 1000);
	unmatched(m, "p-gab", "sig-7", now + 1000);
	wf_notify_observe(n, m, now + 3000);
	wf_notify_tick(n, now + 5000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "Watch (unmatched): Gab"));
	assert_non_null(strstr(t.buf, "near sig-7 (d=40)"));
	assert_null(strstr(t.buf, "Facebook"));

	/* nothing new: nothing more; an id matches when the platform is unknown */
	t.len = 0;
	t.buf[0] = '\0';
	t.writes = 0;
	feed_incident(m, "inc-1", "Riverside", WF_TIER_INCIDENT, WF_INC_ACTIVE, 2,
		      now + 9000);
	wf_notify_observe(n, m, now + 9000);
	wf_notify_tick(n, now + 12000);
	assert_int_equal(t.writes, 0);
	unmatched(m, "p-yt", NULL, now + 13000);
	wf_notify_observe(n, m, now + 13000);
	wf_notify_tick(n, now + 16000);
	assert_int_equal(t.writes, 1);
	assert_non_null(strstr(t.buf, "Watch (unmatched): p-yt"));
	wf_notify_free(n);
	wf_model_free(m);
	wf_watch_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch_unmatched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
