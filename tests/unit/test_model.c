/* test_model.c - the model: every event type applied; duplicates and out-of-order
 * versions change nothing; time windows roll over across buckets and long gaps;
 * caps hold; sorted views; the id map survives heavy insert/delete churn. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "model/table.h"
#include "model/validate.h"
#include "net/decode.h"

#define PDQ "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
#define MIN 60000LL

static int64_t T0; /* 2026-11-26T04:00:00Z */

static void ts(int64_t ms, char *buf)
{
	wf_time_format(ms, buf, 32);
}

/* Decodes an envelope built from printf arguments and applies it. */
static enum wf_apply_result apply_json(struct wf_model *m, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct wf_event ev;
	struct wf_decode_error err;
	if (wf_decode_envelope(buf, strlen(buf), &ev, &err))
		fail_msg("decode: %s in %s", err.msg, buf);
	enum wf_apply_result r = wf_model_apply(m, &ev);
	wf_event_clear(&ev);
	return r;
}

static enum wf_apply_result incident(struct wf_model *m, int64_t seq, const char *id,
				     const char *tier, const char *state,
				     int64_t version, int64_t opened)
{
	char t[32];
	ts(opened, t);
	return apply_json(m,
			  "{\"seq\":%lld,\"type\":\"incident.updated\",\"time\":\"%s\",\"data\":"
			  "{\"id\":\"%s\",\"title\":\"Incident %s\",\"tier\":\"%s\",\"state\":\"%s\","
			  "\"opened_at\":\"%s\",\"version\":%lld}}",
			  (long long)seq, t, id, id, tier, state, t, (long long)version);
}

static enum wf_apply_result sighting(struct wf_model *m, int64_t seq, const char *inc,
				     const char *plat, const char *sig, int count,
				     const char *outcome, int64_t at)
{
	char t[32];
	ts(at, t);
	return apply_json(m,
			  "{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
			  "{\"platform_id\":\"%s\",\"incident_id\":\"%s\",\"items\":[{\"signal_id\":\"%s\","
			  "\"count\":%d,\"outcome\":\"%s\",\"seen_at\":\"%s\"}]}}",
			  (long long)seq, t, plat, inc, sig, count, outcome, t);
}

static enum wf_apply_result decision(struct wf_model *m, int64_t seq, const char *type,
				     const char *id, const char *state, int64_t version,
				     int64_t due)
{
	char t[32], d[32];
	ts(T0, t);
	ts(due, d);
	return apply_json(m,
			  "{\"seq\":%lld,\"type\":\"%s\",\"time\":\"%s\",\"data\":"
			  "{\"id\":\"%s\",\"kind\":\"activate\",\"incident_id\":\"inc-1\",\"subject\":\"Activate\","
			  "\"proposer\":\"board\",\"priority\":\"normal\",\"created_at\":\"%s\",\"due_at\":\"%s\","
			  "\"state\":\"%s\",\"votes\":[],\"version\":%lld}}",
			  (long long)seq, type, t, id, t, d, state, (long long)version);
}

static int setup(void **state)
{
	assert_true(wf_time_parse("2026-11-26T04:00:00Z", &T0));
	*state = wf_model_new(NULL);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	wf_model_free(*state);
	return 0;
}

static void test_every_event_type(void **state)
{
	struct wf_model *m = *state;
	char t[32];
	ts(T0, t);
	assert_int_equal(apply_json(m, "{\"seq\":1,\"type\":\"platform.updated\",\"time\":\"%s\",\"data\":{\"id\":\"p-fb\",\"name\":\"Facebook\",\"kind\":\"member\",\"version\":1}}", t), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":2,\"type\":\"incident.opened\",\"time\":\"%s\",\"data\":{\"id\":\"inc-1\",\"title\":\"Attack\",\"tier\":\"incident\",\"state\":\"monitoring\",\"opened_at\":\"%s\",\"version\":1}}", t, t), WF_APPLY_CHANGED);
	assert_int_equal(incident(m, 3, "inc-1", "protocol_activated", "active", 2, T0), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":4,\"type\":\"signal.added\",\"time\":\"%s\",\"data\":{\"id\":\"sig-1\",\"incident_id\":\"inc-1\",\"type\":\"pdq\",\"value\":\"" PDQ "\",\"quality\":90,\"variant_id\":\"v1\",\"new_variant\":true,\"platform_id\":\"p-fb\",\"added_at\":\"%s\",\"version\":1}}", t, t), WF_APPLY_CHANGED);
	assert_int_equal(sighting(m, 5, "inc-1", "p-fb", "sig-1", 10, "blocked", T0), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":6,\"type\":\"report.opened\",\"time\":\"%s\",\"data\":{\"id\":\"rep-1\",\"kind\":\"referral\",\"author\":\"a\",\"text\":\"look\",\"state\":\"open\",\"created_at\":\"%s\",\"version\":1}}", t, t), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":7,\"type\":\"report.updated\",\"time\":\"%s\",\"data\":{\"id\":\"rep-1\",\"kind\":\"referral\",\"author\":\"a\",\"text\":\"look\",\"state\":\"triaged\",\"created_at\":\"%s\",\"version\":2}}", t, t), WF_APPLY_CHANGED);
	assert_int_equal(decision(m, 8, "decision.opened", "dec-1", "pending", 1, T0 + 15 * MIN), WF_APPLY_CHANGED);
	assert_int_equal(decision(m, 9, "decision.updated", "dec-1", "escalated", 2, T0 + 15 * MIN), WF_APPLY_CHANGED);
	assert_int_equal(wf_model_count_open_decisions(m), 1);
	assert_int_equal(decision(m, 10, "decision.resolved", "dec-1", "approved", 3, T0 + 15 * MIN), WF_APPLY_CHANGED);
	assert_int_equal(wf_model_count_open_decisions(m), 0);
	assert_int_equal(apply_json(m, "{\"seq\":11,\"type\":\"reset\",\"time\":\"%s\",\"data\":{\"reason\":\"cursor_expired\"}}", t), WF_APPLY_RESET);

	assert_int_equal(wf_model_cursor(m), 10);
	assert_string_equal(wf_model_platform(m, "p-fb")->name, "Facebook");
	const struct wf_incident *i = wf_model_incident(m, "inc-1");
	assert_int_equal(i->tier_rank, WF_TIER_PROTOCOL_ACTIVATED);
	assert_int_equal(i->state, WF_INC_ACTIVE);
	assert_int_equal(wf_model_report(m, "rep-1")->state, WF_REPST_TRIAGED);
	assert_int_equal(wf_model_decision(m, "dec-1")->state, WF_DECST_APPROVED);
	assert_non_null(wf_model_signal(m, "sig-1"));

	struct wf_rates r;
	wf_model_rates(m, "inc-1", NULL, T0 + 30000, &r);
	assert_int_equal(r.last1.attempts, 10);
	assert_int_equal(r.last1.blocked, 10);
	assert_int_equal(r.last15.variants, 1);

	struct wf_feed_item feed[4];
	assert_int_equal(wf_model_feed(m, NULL, feed, 4), 1);
	assert_true(feed[0].has_hash); /* filled from the known signal */
	assert_string_equal(feed[0].hash_short, "f8f8f0cee0f4a84f");
	assert_int_equal(feed[0].count, 10);
}

/* Issue 12: exceptions and notifications are kept and listed per incident; a
 * decision's quorum and an organisation's counted vote; copies kept under an
 * exception are counted apart and left out of the blocked share. */
static void test_quorum_records(void **state)
{
	struct wf_model *m = *state;
	char t[32], t2[32];
	ts(T0, t);
	ts(T0 + MIN, t2);
	assert_int_equal(apply_json(m, "{\"seq\":1,\"type\":\"decision.updated\",\"time\":\"%s\",\"data\":{\"id\":\"dec-1\",\"kind\":\"activate\",\"incident_id\":\"inc-1\",\"subject\":\"Activate\",\"proposer\":\"board\",\"priority\":\"high\",\"created_at\":\"%s\",\"due_at\":\"%s\",\"state\":\"pending\",\"votes\":[{\"by\":\"alice\",\"action\":\"approve\",\"at\":\"%s\",\"org\":\"p-fb\",\"counted\":true},{\"by\":\"carol\",\"action\":\"reject\",\"reason\":\"too early\",\"at\":\"%s\",\"org\":\"p-yt\",\"counted\":true}],\"needed\":2,\"approved_by\":[\"p-fb\"],\"rejected_by\":[\"p-yt\"],\"version\":3}}", t, t, t2, t, t), WF_APPLY_CHANGED);
	const struct wf_decision *d = wf_model_decision(m, "dec-1");
	struct wf_quorum q = wf_decision_quorum(d);
	assert_int_equal(q.needed, 2);
	assert_int_equal(q.approvals, 1);
	assert_int_equal(q.rejections, 1);
	assert_int_equal(wf_decision_org_vote(d, "p-fb"), WF_VOTE_APPROVE);
	assert_int_equal(wf_decision_org_vote(d, "p-yt"), WF_VOTE_REJECT);
	assert_int_equal(wf_decision_org_vote(d, "p-tw"), WF_VOTE__COUNT);
	assert_int_equal(wf_decision_org_vote(d, NULL), WF_VOTE__COUNT);

	assert_int_equal(apply_json(m, "{\"seq\":2,\"type\":\"exception.granted\",\"time\":\"%s\",\"data\":{\"id\":\"exc-2\",\"incident_id\":\"inc-1\",\"decision_id\":\"dec-9\",\"signal_id\":\"sig-1\",\"platform_id\":\"p-news\",\"reason\":\"archive\",\"granted_by\":[\"p-fb\",\"p-yt\"],\"granted_at\":\"%s\",\"version\":1}}", t, t), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":3,\"type\":\"exception.granted\",\"time\":\"%s\",\"data\":{\"id\":\"exc-2\",\"decision_id\":\"dec-9\",\"granted_at\":\"%s\",\"version\":1}}", t, t), WF_APPLY_UNCHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":4,\"type\":\"authority.notified\",\"time\":\"%s\",\"data\":{\"id\":\"ntf-4\",\"incident_id\":\"inc-1\",\"decision_id\":\"dec-8\",\"authority\":\"NZ Police\",\"by\":\"alice\",\"approved_by\":[\"p-fb\"],\"at\":\"%s\",\"version\":1}}", t, t2), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":5,\"type\":\"authority.notified\",\"time\":\"%s\",\"data\":{\"id\":\"ntf-5\",\"incident_id\":\"inc-2\",\"decision_id\":\"dec-7\",\"authority\":\"eSafety\",\"by\":\"bob\",\"at\":\"%s\",\"version\":1}}", t, t), WF_APPLY_CHANGED);
	assert_int_equal(wf_model_count_exceptions(m), 1);
	assert_int_equal(wf_model_count_notifications(m), 2);
	const struct wf_exception *ex[4];
	assert_int_equal(wf_model_exceptions(m, "inc-1", ex, 4), 1);
	assert_string_equal(ex[0]->platform_id, "p-news");
	assert_int_equal(wf_model_exceptions(m, "inc-2", ex, 4), 0);
	assert_ptr_equal(wf_model_signal_exception(m, "sig-1", "p-news"), ex[0]);
	assert_null(wf_model_signal_exception(m, "sig-1", "p-fb"));
	assert_ptr_equal(wf_model_signal_exception(m, "sig-1", NULL), ex[0]);
	const struct wf_notification *no[4];
	assert_int_equal(wf_model_notifications(m, NULL, no, 4), 2);
	assert_string_equal(no[0]->authority, "NZ Police"); /* newest first */
	assert_int_equal(wf_model_notifications(m, "inc-2", no, 4), 1);
	assert_ptr_equal(wf_model_notification(m, "ntf-5"), no[0]);

	/* 10 blocked, 4 kept under the exception, 2 kept without one */
	assert_int_equal(sighting(m, 6, "inc-1", "p-news", "sig-1", 10, "blocked", T0), WF_APPLY_CHANGED);
	assert_int_equal(apply_json(m, "{\"seq\":7,\"type\":\"sightings\",\"time\":\"%s\",\"data\":{\"platform_id\":\"p-news\",\"incident_id\":\"inc-1\",\"items\":[{\"signal_id\":\"sig-1\",\"count\":4,\"outcome\":\"kept\",\"seen_at\":\"%s\",\"exception_id\":\"exc-2\"},{\"signal_id\":\"sig-1\",\"count\":2,\"outcome\":\"kept\",\"seen_at\":\"%s\"}]}}", t, t, t), WF_APPLY_CHANGED);
	struct wf_rates r;
	wf_model_rates(m, "inc-1", "p-news", T0 + 30000, &r);
	assert_int_equal(r.last15.attempts, 16);
	assert_int_equal(r.last15.kept, 6);
	assert_int_equal(r.last15.kept_exception, 4);
	assert_int_equal(r.last24h.kept_exception, 4);
	assert_true(r.blocked_share15 > 0.83 && r.blocked_share15 < 0.84); /* 10 / 12 */

	/* a snapshot's stats row carries kept_exception too */
	struct wf_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = WF_EV_STATS;
	ev.u.stats.incident_id = strdup("inc-1");
	ev.u.stats.platform_id = strdup("p-tw");
	ev.u.stats.start = T0;
	ev.u.stats.width_s = 60;
	ev.u.stats.attempts = 5;
	ev.u.stats.kept = 5;
	ev.u.stats.kept_exception = 5;
	assert_int_equal(wf_model_apply(m, &ev), WF_APPLY_CHANGED);
	wf_event_clear(&ev);
	wf_model_rates(m, "inc-1", "p-tw", T0 + 30000, &r);
	assert_int_equal(r.last15.kept_exception, 5);
	assert_true(r.blocked_share15 < 0); /* nothing left to judge the list by */
}

static void test_duplicates_and_versions(void **state)
{
	struct wf_model *m = *state;
	assert_int_equal(incident(m, 1, "inc-1", "incident", "active", 5, T0), WF_APPLY_CHANGED);
	uint64_t gen = wf_model_generation(m);
	/* the same event again: same seq */
	assert_int_equal(incident(m, 1, "inc-1", "incident", "active", 5, T0), WF_APPLY_UNCHANGED);
	/* a later event carrying an older version */
	assert_int_equal(incident(m, 2, "inc-1", "awareness", "monitoring", 4, T0), WF_APPLY_UNCHANGED);
	/* same version, later seq */
	assert_int_equal(incident(m, 3, "inc-1", "awareness", "monitoring", 5, T0), WF_APPLY_UNCHANGED);
	assert_int_equal(wf_model_generation(m), gen);
	assert_int_equal(wf_model_incident(m, "inc-1")->tier_rank, WF_TIER_INCIDENT);

	/* sightings are additive, so only the cursor protects them */
	assert_int_equal(sighting(m, 4, "inc-1", "p", "s", 7, "removed", T0), WF_APPLY_CHANGED);
	assert_int_equal(sighting(m, 4, "inc-1", "p", "s", 7, "removed", T0), WF_APPLY_UNCHANGED);
	assert_int_equal(sighting(m, 2, "inc-1", "p", "s", 7, "removed", T0), WF_APPLY_UNCHANGED);
	struct wf_rates r;
	wf_model_rates(m, NULL, NULL, T0 + 1000, &r);
	assert_int_equal(r.last1.attempts, 7);
	assert_int_equal(r.last1.removed, 7);
	struct wf_model_counters c = wf_model_counters(m);
	assert_int_equal(c.duplicates, 5);

	/* snapshot entries (seq 0) obey versions only */
	struct wf_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = WF_EV_INCIDENT_UPDATED;
	ev.u.incident.id = strdup("inc-1");
	ev.u.incident.title = strdup("t");
	ev.u.incident.tier = strdup("incident");
	ev.u.incident.version = 5;
	assert_int_equal(wf_model_apply(m, &ev), WF_APPLY_UNCHANGED);
	wf_event_clear(&ev);
}

static void test_window_rollover(void **state)
{
	struct wf_model *m = *state;
	int64_t seq = 1;
	/* one minute of 60/min, then 10 minutes ramping 10, 20, ... 100 */
	sighting(m, seq++, "inc-1", "p1", "s", 60, "blocked", T0);
	for (int k = 1; k <= 10; k++)
		sighting(m, seq++, "inc-1", "p1", "s", k * 10, k % 2 ? "blocked" : "removed",
			 T0 + k * MIN + 5000);
	struct wf_rates r;
	int64_t now = T0 + 10 * MIN + 30000; /* halfway through minute 10 */
	wf_model_rates(m, "inc-1", "p1", now, &r);
	/* trailing minute: all of minute 10 (100) and half of minute 9 (90/2) */
	assert_int_equal(r.last1.attempts, 145);
	assert_true(r.rate1 > r.rate5 && r.rate5 > r.rate15);
	assert_true(r.accel > 0);
	assert_true(r.doubling_min > 0);
	/* 15 minutes back reaches the start: everything */
	assert_int_equal(r.last15.attempts, 60 + 550);
	assert_int_equal(r.last24h.attempts, 610);
	double s[WF_MINUTES];
	wf_model_series(m, "inc-1", NULL, now, WF_SERIES_ATTEMPTS, s);
	assert_true(s[WF_MINUTES - 1] == 100);
	assert_true(s[WF_MINUTES - 11] == 60);
	assert_true(s[WF_MINUTES - 12] == 0);
	wf_model_series(m, "inc-1", NULL, now, WF_SERIES_BLOCKED_SHARE, s);
	assert_true(s[WF_MINUTES - 1] == 0.0);    /* k=10: removed */
	assert_true(s[WF_MINUTES - 2] == 1.0);    /* k=9: blocked */
	assert_true(s[WF_MINUTES - 12] == -1.0);  /* no attempts */

	/* a gap of two hours: the minute ring is stale, the hour ring still counts */
	int64_t later = T0 + 130 * MIN;
	wf_model_rates(m, "inc-1", NULL, later, &r);
	assert_int_equal(r.last15.attempts, 0);
	assert_int_equal(r.last24h.attempts, 610);
	assert_true(r.blocked_share15 < 0);
	/* new data in a slot that held an old minute replaces it, not adds to it */
	sighting(m, seq++, "inc-1", "p1", "s", 3, "pending", later);
	wf_model_rates(m, "inc-1", NULL, later + 1000, &r);
	assert_int_equal(r.last1.attempts, 3);
	assert_int_equal(r.last1.pending, 3);
	assert_int_equal(r.last24h.attempts, 613);

	/* a gap of more than a day: everything old is out of the windows */
	int64_t much_later = T0 + 26 * 60 * MIN;
	wf_model_rates(m, "inc-1", NULL, much_later, &r);
	assert_int_equal(r.last24h.attempts, 0);
	/* and an item older than the day window is not counted at all */
	sighting(m, seq++, "inc-1", "p1", "s", 5, "blocked", much_later);
	sighting(m, seq++, "inc-1", "p1", "s", 9, "blocked", T0);
	assert_int_equal(wf_model_counters(m).out_of_window, 1);
	wf_model_rates(m, "inc-1", NULL, much_later + 1000, &r);
	assert_int_equal(r.last24h.attempts, 5);
}

static void test_stats_rows_idempotent(void **state)
{
	struct wf_model *m = *state;
	struct wf_event ev;
	for (int round = 0; round < 2; round++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = WF_EV_STATS;
		ev.u.stats.incident_id = strdup("inc-1");
		ev.u.stats.platform_id = strdup("p1");
		ev.u.stats.start = T0;
		ev.u.stats.width_s = 60;
		ev.u.stats.attempts = 40;
		ev.u.stats.blocked = 30;
		ev.u.stats.variants = 2;
		enum wf_apply_result r = wf_model_apply(m, &ev);
		assert_int_equal(r, round == 0 ? WF_APPLY_CHANGED : WF_APPLY_UNCHANGED);
		wf_event_clear(&ev);
	}
	struct wf_rates r;
	wf_model_rates(m, "inc-1", "p1", T0 + 30000, &r);
	assert_int_equal(r.last1.attempts, 40);
	assert_true(r.blocked_share15 == 0.75);
	assert_true(r.variants_per_hour == 2);
}

static void test_caps(void **state)
{
	(void)state;
	struct wf_model_limits l = wf_model_limits_default();
	l.decisions = 3;
	l.signals = 4;
	l.feed = 5;
	l.pairs = 2;
	struct wf_model *m = wf_model_new(&l);
	int64_t seq = 1;
	char id[16];
	/* three open decisions fill the table; a fourth is refused */
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "d%d", i);
		assert_int_equal(decision(m, seq++, "decision.opened", id, "pending", 1, T0 + i * MIN), WF_APPLY_CHANGED);
	}
	assert_int_equal(decision(m, seq++, "decision.opened", "d3", "pending", 1, T0), WF_APPLY_REFUSED);
	assert_int_equal(wf_model_counters(m).cap_refused, 1);
	/* once one is closed, it makes room */
	assert_int_equal(decision(m, seq++, "decision.resolved", "d1", "rejected", 2, T0), WF_APPLY_CHANGED);
	assert_int_equal(decision(m, seq++, "decision.opened", "d3", "pending", 1, T0), WF_APPLY_CHANGED);
	assert_null(wf_model_decision(m, "d1"));
	assert_int_equal(wf_model_count_decisions(m), 3);

	/* signals are a ring: the oldest goes */
	char t[32];
	ts(T0, t);
	for (int i = 0; i < 6; i++)
		assert_int_equal(apply_json(m, "{\"seq\":%lld,\"type\":\"signal.added\",\"time\":\"%s\",\"data\":{\"id\":\"sig-%d\",\"incident_id\":\"inc-1\",\"type\":\"pdq\",\"value\":\"" PDQ "\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"%s\",\"version\":1}}", (long long)seq++, t, i, t), WF_APPLY_CHANGED);
	assert_int_equal(wf_model_count_signals(m), 4);
	assert_null(wf_model_signal(m, "sig-0"));
	assert_null(wf_model_signal(m, "sig-1"));
	assert_non_null(wf_model_signal(m, "sig-5"));

	/* the feed keeps the newest five; pairs are capped at two */
	for (int i = 0; i < 8; i++) {
		char plat[8];
		snprintf(plat, sizeof(plat), "p%d", i % 3);
		sighting(m, seq++, "inc-1", plat, "sig-5", i + 1, "blocked", T0 + i * 1000);
	}
	struct wf_feed_item f[10];
	assert_int_equal(wf_model_feed(m, NULL, f, 10), 5);
	assert_int_equal(f[0].count, 8);
	assert_int_equal(f[4].count, 4);
	assert_true(wf_model_counters(m).evicted >= 2);
	wf_model_free(m);
}

static enum wf_apply_result decision_prio(struct wf_model *m, int64_t seq, const char *id,
					  const char *state, const char *prio,
					  int64_t created)
{
	char t[32];
	ts(created, t);
	return apply_json(m,
			  "{\"seq\":%lld,\"type\":\"decision.updated\",\"time\":\"%s\",\"data\":"
			  "{\"id\":\"%s\",\"kind\":\"activate\",\"incident_id\":\"inc-1\",\"subject\":\"A\","
			  "\"proposer\":\"board\",\"priority\":\"%s\",\"created_at\":\"%s\",\"due_at\":\"%s\","
			  "\"state\":\"%s\",\"votes\":[],\"version\":1}}",
			  (long long)seq, t, id, prio, t, t, state);
}

/* Full tables give way by need: concluded before open, lower tier and state before
 * higher, older before newer (an open incident is never refused to keep an older,
 * lower one); the same for decisions. What is not held is counted per table, once
 * per id, until it is held again or a snapshot starts the count afresh. */
static void test_caps_by_need(void **state)
{
	(void)state;
	struct wf_model_limits l = wf_model_limits_default();
	l.incidents = 3;
	l.decisions = 2;
	struct wf_model *m = wf_model_new(&l);
	int64_t seq = 1;
	char note[200];
	incident(m, seq++, "a", "awareness", "monitoring", 1, T0);
	incident(m, seq++, "b", "incident", "active", 1, T0 + MIN);
	incident(m, seq++, "c", "content_incident", "concluded", 1, T0 + 2 * MIN);
	assert_int_equal(wf_model_caps_note(m, note, sizeof(note)), 0);
	assert_string_equal(note, "");
	/* A protocol-activated incident: the concluded one goes, however high. */
	assert_int_equal(incident(m, seq++, "d", "protocol_activated", "active", 1, T0 + 3 * MIN),
			 WF_APPLY_CHANGED);
	assert_null(wf_model_incident(m, "c"));
	/* A newer awareness incident: the older one of the same tier and state goes. */
	assert_int_equal(incident(m, seq++, "e", "awareness", "monitoring", 1, T0 + 4 * MIN),
			 WF_APPLY_CHANGED);
	assert_null(wf_model_incident(m, "a"));
	/* An older, lower one than everything held is the one refused. */
	assert_int_equal(incident(m, seq++, "f", "awareness", "monitoring", 1, T0 - MIN),
			 WF_APPLY_REFUSED);
	assert_non_null(wf_model_incident(m, "b"));
	assert_non_null(wf_model_incident(m, "d"));
	assert_non_null(wf_model_incident(m, "e"));
	struct wf_model_not_held h = wf_model_not_held(m);
	assert_int_equal(h.n[WF_CAP_INCIDENTS], 3); /* c, a, f */
	/* Sent again, still not held: counted once. */
	incident(m, seq++, "f", "awareness", "monitoring", 2, T0 - MIN);
	assert_int_equal(wf_model_not_held(m).n[WF_CAP_INCIDENTS], 3);
	assert_int_equal(wf_model_count_incidents(m), 3);
	wf_model_caps_note(m, note, sizeof(note));
	assert_string_equal(note, "+3 incidents not shown, cap 3");

	/* Decisions: closed before open, lower priority before higher, older first. */
	decision_prio(m, seq++, "d1", "pending", "high", T0);
	decision_prio(m, seq++, "d2", "approved", "high", T0 + MIN);
	assert_int_equal(decision_prio(m, seq++, "d3", "pending", "low", T0 + 2 * MIN),
			 WF_APPLY_CHANGED);
	assert_null(wf_model_decision(m, "d2"));
	assert_int_equal(decision_prio(m, seq++, "d4", "pending", "normal", T0 + 3 * MIN),
			 WF_APPLY_CHANGED);
	assert_null(wf_model_decision(m, "d3"));
	assert_int_equal(decision_prio(m, seq++, "d5", "pending", "low", T0 + 4 * MIN),
			 WF_APPLY_REFUSED);
	assert_int_equal(wf_model_not_held(m).n[WF_CAP_DECISIONS], 3);
	wf_model_caps_note(m, note, sizeof(note));
	assert_string_equal(note, "+3 incidents not shown, cap 3; "
				  "+3 decisions not shown, cap 2");
	/* d3, evicted earlier, comes back as high: held again (d4, normal, goes) and
	 * no longer counted. */
	assert_int_equal(decision_prio(m, seq++, "d3", "pending", "high", T0 + 5 * MIN),
			 WF_APPLY_CHANGED);
	assert_null(wf_model_decision(m, "d4"));
	assert_int_equal(wf_model_not_held(m).n[WF_CAP_DECISIONS], 3); /* d2 d5 d4 */
	assert_non_null(wf_model_decision(m, "d3"));
	/* A snapshot starts afresh. */
	wf_model_reset(m);
	assert_int_equal(wf_model_not_held(m).total, 0);
	/* --cap NAME=N finds its field. */
	size_t *f = wf_model_limit_by_name(&l, "incidents");
	assert_true(f == &l.incidents);
	assert_null(wf_model_limit_by_name(&l, "nope"));
	wf_model_free(m);
}

static void test_sorted_views(void **state)
{
	struct wf_model *m = *state;
	incident(m, 1, "a", "awareness", "monitoring", 1, T0);
	incident(m, 2, "b", "protocol_activated", "active", 1, T0 - MIN);
	incident(m, 3, "c", "content_incident", "active", 1, T0 + MIN);
	incident(m, 4, "d", "unheard_of", "active", 1, T0);
	incident(m, 5, "e", "protocol_activated", "concluded", 1, T0);
	const struct wf_incident *out[8];
	size_t n = wf_model_incidents(m, WF_SORT_INC_SEVERITY, T0, out, 8);
	assert_int_equal(n, 5);
	assert_string_equal(out[0]->id, "b");
	assert_string_equal(out[1]->id, "e");
	assert_string_equal(out[2]->id, "c");
	assert_string_equal(out[3]->id, "a");
	assert_string_equal(out[4]->id, "d");
	sighting(m, 6, "a", "p1", "s", 50, "blocked", T0);
	sighting(m, 7, "c", "p1", "s", 10, "blocked", T0);
	n = wf_model_incidents(m, WF_SORT_INC_RATE, T0 + 1000, out, 2);
	assert_int_equal(n, 2);
	assert_string_equal(out[0]->id, "a");
	assert_string_equal(out[1]->id, "c");

	decision(m, 8, "decision.opened", "late", "pending", 1, T0 + 30 * MIN);
	decision(m, 9, "decision.opened", "soon", "pending", 1, T0 + 5 * MIN);
	decision(m, 10, "decision.opened", "done", "approved", 1, T0 + 1 * MIN);
	decision(m, 11, "decision.opened", "esc", "escalated", 1, T0 + 10 * MIN);
	const struct wf_decision *d[8];
	n = wf_model_open_decisions(m, WF_SORT_DEC_DUE, NULL, d, 8);
	assert_int_equal(n, 3);
	assert_string_equal(d[0]->id, "soon");
	assert_string_equal(d[1]->id, "esc");
	assert_string_equal(d[2]->id, "late");

	char t[32];
	ts(T0, t);
	apply_json(m, "{\"seq\":12,\"type\":\"platform.updated\",\"time\":\"%s\",\"data\":{\"id\":\"p1\",\"name\":\"Zeta\",\"kind\":\"member\",\"version\":1}}", t);
	apply_json(m, "{\"seq\":13,\"type\":\"platform.updated\",\"time\":\"%s\",\"data\":{\"id\":\"p2\",\"name\":\"Alpha\",\"kind\":\"non_member\",\"version\":1}}", t);
	const struct wf_platform *p[4];
	n = wf_model_platforms(m, WF_SORT_PLAT_RATE, NULL, T0 + 1000, p, 4);
	assert_int_equal(n, 2);
	assert_string_equal(p[0]->id, "p1");
	n = wf_model_platforms(m, WF_SORT_PLAT_NAME, NULL, T0, p, 4);
	assert_string_equal(p[0]->name, "Alpha");
}

static void test_top_signals(void **state)
{
	struct wf_model *m = *state;
	char t[32];
	ts(T0, t);
	for (int i = 0; i < 3; i++)
		apply_json(m, "{\"seq\":%d,\"type\":\"signal.added\",\"time\":\"%s\",\"data\":{\"id\":\"s%d\",\"incident_id\":\"inc-1\",\"type\":\"pdq\",\"value\":\"" PDQ "\",\"quality\":90,\"variant_id\":\"v%d\",\"platform_id\":\"p\",\"added_at\":\"%s\",\"version\":1}}", i + 1, t, i, i, t);
	sighting(m, 10, "inc-1", "p", "s0", 5, "blocked", T0);
	sighting(m, 11, "inc-1", "p", "s2", 50, "blocked", T0 + MIN);
	sighting(m, 12, "inc-1", "p", "s1", 20, "blocked", T0 + 2 * MIN);
	sighting(m, 13, "inc-1", "p", "s0", 1, "blocked", T0 - 20 * MIN); /* outside 15 min */
	struct wf_signal_rank top[2];
	size_t n = wf_model_top_signals(m, "inc-1", T0 + 2 * MIN, top, 2);
	assert_int_equal(n, 2);
	assert_string_equal(top[0].signal->id, "s2");
	assert_int_equal(top[0].attempts15, 50);
	assert_string_equal(top[1].signal->id, "s1");
}

static void test_reset_and_conn(void **state)
{
	struct wf_model *m = *state;
	incident(m, 5, "inc-1", "incident", "active", 1, T0);
	struct wf_conn c = *wf_model_conn(m);
	c.state = WF_CONN_LIVE;
	uint64_t g = wf_model_generation(m);
	wf_model_set_conn(m, &c);
	assert_true(wf_model_generation(m) > g);
	g = wf_model_generation(m);
	wf_model_set_conn(m, &c);
	assert_int_equal(wf_model_generation(m), g);
	wf_model_reset(m);
	assert_int_equal(wf_model_count_incidents(m), 0);
	assert_int_equal(wf_model_cursor(m), 0);
	assert_int_equal(wf_model_conn(m)->state, WF_CONN_LIVE);
	assert_string_equal(wf_conn_state_name(WF_CONN_AUTH_FAILED), "auth failed");
}

static void test_idmap_churn(void **state)
{
	(void)state;
	struct wf_idmap map;
	enum { N = 500 };
	static char keys[N][16];
	assert_true(wf_idmap_init(&map, N));
	unsigned seed = 7;
	bool present[N] = {false};
	for (int i = 0; i < N; i++)
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
	for (int round = 0; round < 20000; round++) {
		seed = seed * 1103515245u + 12345u;
		int k = (int)((seed >> 8) % N);
		if (present[k]) {
			wf_idmap_del(&map, keys[k]);
			present[k] = false;
		} else {
			wf_idmap_put(&map, keys[k], (uint32_t)k);
			present[k] = true;
		}
		if (round % 1000 == 0)
			for (int j = 0; j < N; j++)
				assert_int_equal(wf_idmap_get(&map, keys[j]),
						 present[j] ? (uint32_t)j : UINT32_MAX);
	}
	wf_idmap_free(&map);
}

static void test_time(void **state)
{
	(void)state;
	int64_t ms;
	char buf[32];
	assert_true(wf_time_parse("1970-01-01T00:00:00Z", &ms));
	assert_int_equal(ms, 0);
	assert_true(wf_time_parse("2026-11-26T04:30:00.5Z", &ms));
	wf_time_format(ms, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T04:30:00.500Z");
	assert_true(wf_time_parse("2024-02-29T23:59:59.999999999+00:00", &ms));
	assert_false(wf_time_parse("2023-02-29T00:00:00Z", &ms));
	assert_false(wf_time_parse("2026-11-26 04:30:00Z", &ms));
	assert_false(wf_time_parse("2026-11-26T04:30:00", &ms));
	assert_false(wf_time_parse("2026-11-26T04:30:00.Z", &ms));
	assert_false(wf_time_parse("2026-11-26T24:00:00Z", &ms));
	assert_true(wf_valid_hash(WF_HASH_VPDQ, PDQ PDQ));
	assert_false(wf_valid_hash(WF_HASH_VPDQ, PDQ "ab"));
	assert_true(wf_valid_hash(WF_HASH_TMK, "abcd"));
	assert_false(wf_valid_hash(WF_HASH_TMK, "abc"));
	assert_true(wf_valid_utf8("h\xc3\xa9", 3));
	assert_false(wf_valid_utf8("\xc3", 1));
	assert_false(wf_valid_utf8("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(wf_valid_utf8("\xc0\x80", 2));     /* overlong */
}

/* One event stamped far in the future must not push later sightings out of the
 * windows once the caller has told the model its wall clock. */
static void test_future_event_clamped(void **state)
{
	struct wf_model *m = *state;
	wf_model_set_now(m, T0);
	sighting(m, 1, "inc-1", "p1", "s", 4, "blocked", T0 + 48 * 60 * MIN);
	sighting(m, 2, "inc-1", "p1", "s", 6, "removed", T0);
	assert_int_equal(wf_model_counters(m).out_of_window, 0);
	struct wf_rates r;
	wf_model_rates(m, "inc-1", NULL, T0 + 1000, &r);
	assert_int_equal(r.last1.attempts, 6);
	/* without the wall clock, the same stream loses the second sighting */
	wf_model_reset(m);
	wf_model_set_now(m, 0);
	sighting(m, 1, "inc-1", "p1", "s", 4, "blocked", T0 + 48 * 60 * MIN);
	sighting(m, 2, "inc-1", "p1", "s", 6, "removed", T0);
	assert_int_equal(wf_model_counters(m).out_of_window, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_event_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quorum_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicates_and_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_rollover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_rows_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_by_need, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sorted_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_and_conn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_event_clamped, setup, teardown),
		cmocka_unit_test(test_idmap_churn),
		cmocka_unit_test_setup_teardown(test_time, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
