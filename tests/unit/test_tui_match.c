/* test_tui_match.c - the backend's matching on the dashboard, headless
 * (tests/lib/harness.c): unmatched uploads of a sightings event appear within the
 * next frame in the sightings pane (UNMT column, UNMATCHED in the live feed) and the
 * propagation pane (unmatched per minute, near misses); a signal's detail lists its
 * nearest neighbours; the incident detail lists its variants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/validate.h"
#include "tests/lib/harness.h"

#define T0 1795667400000LL /* 2026-11-26T04:30:00Z */
#define MIN 60000LL
#define PDQ "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
#define PDQ2 "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b23"
#define FAR "0707070f1f0b57b0f9c8f5ddfc709c0f4c91d12a699de1e2cc194c63b16364dd"

static int64_t seq;

static void ts(int64_t ms, char *buf)
{
	wf_time_format(ms, buf, 32);
}

static void fill(struct wf_harness *h)
{
	char t[32];
	ts(T0 - 10 * MIN, t);
	assert_int_equal(
		wf_harness_apply(h,
				 "{\"seq\":%lld,\"type\":\"platform.updated\",\"time\":"
				 "\"%s\",\"data\":"
				 "{\"id\":\"p-a\",\"name\":\"Alpha "
				 "Video\",\"kind\":\"member\",\"hash_types\":[\"pdq\"],"
				 "\"last_heartbeat\":\"%s\",\"version\":1}}",
				 (long long)++seq, t, t),
		0);
	assert_int_equal(
		wf_harness_apply(h,
				 "{\"seq\":%lld,\"type\":\"incident.opened\",\"time\":"
				 "\"%s\",\"data\":"
				 "{\"id\":\"inc-1\",\"title\":\"Riverside\","
				 "\"location\":\"\",\"tier\":\"content_incident\","
				 "\"state\":\"active\",\"opened_at\":\"%s\","
				 "\"summary\":\"\",\"version\":1}}",
				 (long long)++seq, t, t),
		0);
	const char *sigs[][5] = {
		/* id, value, variant, nearest json, minutes before T0 */
		{"sig-1", PDQ, "v1", "null", "9"},
		{"sig-2", PDQ2, "v1",
		 "{\"signal_id\":\"sig-1\",\"variant_id\":\"v1\",\"distance\":1}", "8"},
		{"sig-3", FAR, "v9",
		 "{\"signal_id\":\"sig-1\",\"variant_id\":\"v1\",\"distance\":44}",
		 "7"},
	};
	for (size_t i = 0; i < 3; i++) {
		ts(T0 - atoi(sigs[i][4]) * MIN, t);
		assert_int_equal(
			wf_harness_apply(h,
					 "{\"seq\":%lld,\"type\":\"signal.added\","
					 "\"time\":\"%s\",\"data\":"
					 "{\"id\":\"%s\",\"incident_id\":\"inc-1\","
					 "\"type\":\"pdq\",\"value\":\"%s\","
					 "\"quality\":90,\"variant_id\":\"%s\",\"new_"
					 "variant\":%s,\"platform_id\":\"p-a\","
					 "\"added_at\":\"%s\",\"state\":\"active\","
					 "\"version\":1,\"nearest\":%s}}",
					 (long long)++seq, t, sigs[i][0], sigs[i][1],
					 sigs[i][2], i == 1 ? "false" : "true", t,
					 sigs[i][3]),
			0);
	}
}

/* One sightings event of unmatched uploads only (items empty). */
static void unmatched_batch(struct wf_harness *h, int64_t at)
{
	char t[32];
	ts(at, t);
	assert_int_equal(
		wf_harness_apply(
			h,
			"{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
			"{\"platform_id\":\"p-a\",\"incident_id\":\"inc-1\",\"items\":["
			"],\"unmatched\":["
			"{\"hash_type\":\"pdq\",\"hash\":\"" FAR
			"\",\"count\":13,\"outcome\":\"pending\","
			"\"seen_at\":\"%s\",\"nearest\":{\"signal_id\":\"sig-1\","
			"\"variant_id\":\"v1\","
			"\"distance\":40}},"
			"{\"hash_type\":\"pdq\",\"hash\":\"" PDQ
			"\",\"count\":24,\"outcome\":\"removed\","
			"\"seen_at\":\"%s\",\"nearest\":null}]}}",
			(long long)++seq, t, t, t),
		0);
}

static bool row_with(struct wf_harness *h, const char *a, const char *b)
{
	char row[1024];
	for (int y = 0; y < 90; y++) {
		wf_harness_row(h, y, row, sizeof(row));
		if (strstr(row, a) && strstr(row, b))
			return true;
	}
	return false;
}

static void test_unmatched_in_panes_within_a_frame(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 60, 180, false, false), 0);
	fill(&h);
	wf_harness_frame(&h, T0, true);
	assert_true(wf_harness_find(&h, "UNMT"));
	assert_false(wf_harness_find(&h, "UNMATCHED"));
	assert_false(wf_harness_find(&h, "NEAR MISSES"));
	unmatched_batch(&h, T0 - 20000);
	/* the next frame shows them: no second frame, no clock tick needed */
	assert_true(wf_harness_frame(&h, T0, false) > 0);
	assert_true(row_with(&h, "Alpha Video", "37"));		 /* UNMT over 15 min */
	assert_true(wf_harness_find(&h, "UNMATCHED near d=40")); /* live feed */
	assert_true(row_with(&h, "x24", "UNMATCHED"));
	assert_true(wf_harness_find(&h, "unmatched 37/min 37/15m near 13"));
	assert_true(wf_harness_find(&h, "NEAR MISSES"));
	assert_true(wf_harness_find(&h, "d=40 ~ sig-1 x13"));
	wf_harness_close(&h);
}

static void test_model_variants_and_neighbours(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	struct wf_variant v[8];
	size_t n = wf_model_variants(h.model, "inc-1", T0, v, 8);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].variant_id, "v1");
	assert_int_equal(v[0].n_signals, 2);
	assert_string_equal(v[0].first->id, "sig-1");
	assert_int_equal(v[0].n_platforms, 1);
	assert_string_equal(v[1].variant_id, "v9");
	struct wf_neighbour nb[8];
	n = wf_model_neighbours(h.model, "sig-1", nb, 8);
	assert_int_equal(n, 2);
	assert_string_equal(nb[0].id, "sig-2");
	assert_int_equal(nb[0].distance, 1);
	assert_true(nb[0].theirs);
	assert_string_equal(nb[1].id, "sig-3");
	n = wf_model_neighbours(h.model, "sig-3", nb, 8);
	assert_int_equal(n, 1);
	assert_string_equal(nb[0].id, "sig-1");
	assert_false(nb[0].theirs);
	assert_int_equal(nb[0].distance, 44);
	struct wf_near_miss nm[4];
	assert_int_equal(wf_model_near_misses(h.model, NULL, nm, 4), 0);
	unmatched_batch(&h, T0 - 20000);
	assert_int_equal(wf_model_near_misses(h.model, NULL, nm, 4), 1);
	assert_int_equal(nm[0].distance, 40);
	assert_int_equal(nm[0].count, 13);
	assert_int_equal(wf_model_near_misses(h.model, "inc-2", nm, 4), 0);
	struct wf_rates r;
	wf_model_rates(h.model, "inc-1", "p-a", T0, &r);
	assert_int_equal(r.last15.unmatched, 37);
	assert_int_equal(r.last15.near_misses, 13);
	assert_int_equal(r.last15.attempts, 37);
	/* items may be empty only beside unmatched uploads */
	char t[32];
	ts(T0 - 5 * MIN, t);
	assert_int_equal(
		wf_harness_apply(
			&h,
			"{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
			"{\"platform_id\":\"p-a\",\"incident_id\":\"inc-1\",\"items\":["
			"]}}",
			(long long)++seq, t),
		-1); /* no items and no unmatched: refused */
	wf_harness_close(&h);
}

/* The incident detail lists its variants with their signals; a decision about a
 * signal shows the signal and its nearest neighbours. */
static void test_details_show_variants_and_neighbours(void **state)
{
	struct wf_harness h;
	char t[32], d[32];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 90, 200, false, false), 0);
	fill(&h);
	ts(T0 - 5 * MIN, t);
	ts(T0 + 30 * MIN, d);
	assert_int_equal(wf_harness_apply(&h,
					  "{\"seq\":%lld,\"type\":\"decision.opened\","
					  "\"time\":\"%s\",\"data\":"
					  "{\"id\":\"dec-1\",\"kind\":\"add_signal\","
					  "\"incident_id\":\"inc-1\","
					  "\"subject\":\"Share pdq candidate "
					  "sig-3\",\"subject_ref\":\"sig-3\","
					  "\"detail\":\"Nearest signal sig-1 at "
					  "distance 44\",\"proposer\":\"p\","
					  "\"priority\":\"normal\",\"created_at\":\"%"
					  "s\",\"due_at\":\"%s\","
					  "\"state\":\"pending\",\"votes\":[],"
					  "\"rationale\":\"\",\"version\":1}}",
					  (long long)++seq, t, t, d),
			 0);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, '1', false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Variants (2, first seen first)"));
	assert_true(row_with(&h, "v1", "2 signals"));
	assert_true(row_with(&h, "v9", "1 signal "));
	assert_true(row_with(&h, "sig-2", "~ sig-1 d=1"));
	assert_true(row_with(&h, "sig-3", "~ sig-1 d=44"));
	wf_harness_key(&h, 27, false);
	wf_harness_key(&h, '4', false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Signal sig-3"));
	assert_true(wf_harness_find(&h, "Nearest neighbours (1)"));
	assert_true(row_with(&h, "sig-1", "distance 44"));
	assert_true(row_with(&h, "sig-1", "(nearest when this one was added)"));
	wf_harness_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unmatched_in_panes_within_a_frame),
		cmocka_unit_test(test_model_variants_and_neighbours),
		cmocka_unit_test(test_details_show_variants_and_neighbours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
