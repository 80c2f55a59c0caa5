/* test_server_match.c - the server's signal index follows the signal events the hub
 * publishes, whoever wrote them (this process or another replica): a new signal
 * matches at once, a disabled or rejected one stops, an older version changes
 * nothing, other events and bad envelopes are ignored; nearest and near misses by
 * the thresholds; incidents kept apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matcher/matcher.h"
#include "server/hub.h"
#include "server/match.h"

#define P0 "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

static int64_t seq;

/* Publishes a signal.added envelope as the store does after a commit. */
static void publish_signal(struct hub *h, const char *id, const char *inc,
			   const char *type, const char *value, const char *state,
			   int version)
{
	char *env = malloc(1024);
	assert_non_null(env);
	snprintf(env, 1024,
		 "{\"seq\":%lld,\"type\":\"signal.added\",\"time\":\"2026-11-26T04:00:"
		 "00.000Z\","
		 "\"data\":{\"id\":\"%s\",\"incident_id\":\"%s\",\"type\":\"%s\","
		 "\"value\":\"%s\","
		 "\"quality\":90,\"variant_id\":\"v-%s\",\"new_variant\":true,"
		 "\"platform_id\":\"p-fb\",\"added_at\":\"2026-11-26T04:00:00.000Z\","
		 "\"state\":\"%s\",\"version\":%d}}",
		 (long long)++seq, id, inc, type, value, id, state, version);
	hub_publish_event(h, seq, WF_EV_SIGNAL_ADDED, env);
}

static void publish_raw(struct hub *h, enum wf_event_type type, const char *text)
{
	hub_publish_event(h, ++seq, type, strdup(text));
}

/* P0 with the first n bits flipped, as hex. */
static void flipped(int n, char *out)
{
	uint8_t b[32];
	const char *why;
	assert_int_equal(matcher_parse_hex(WF_HASH_PDQ, P0, 64, b, &why), 32);
	for (int i = 0; i < n; i++)
		b[i / 8] ^= (uint8_t)(1u << (i % 8));
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static int nearest(struct match_index *mi, const char *hex, const char *inc,
		   struct match_found *f)
{
	uint8_t b[32];
	const char *why;
	assert_int_equal(matcher_parse_hex(WF_HASH_PDQ, hex, 64, b, &why), 32);
	return match_index_nearest(mi, WF_HASH_PDQ, b, 32, inc, f);
}

static void test_follows_hub_events(void **state)
{
	(void)state;
	struct match_opts o = MATCH_OPTS_DEFAULT;
	struct match_index *mi = match_index_new(&o);
	struct hub *h = hub_new(16, 15, NULL, NULL);
	assert_non_null(mi);
	assert_non_null(h);
	hub_set_range(h, 1, 0);
	hub_set_observer(h, match_index_observe, mi);
	struct match_found f;
	char q[65];
	flipped(10, q);
	assert_int_equal(nearest(mi, q, "inc-1", &f), -1);
	assert_string_equal(f.signal_id, "");

	/* another replica's signal arrives as an event: it matches at once */
	publish_signal(h, "sig-1", "inc-1", "pdq", P0, "active", 1);
	assert_int_equal(match_index_count(mi), 1);
	assert_int_equal(nearest(mi, q, "inc-1", &f), 1);
	assert_string_equal(f.signal_id, "sig-1");
	assert_string_equal(f.variant_id, "v-sig-1");
	assert_int_equal(f.distance, 10);
	/* another incident does not see it; NULL sees every incident */
	assert_int_equal(nearest(mi, q, "inc-2", &f), -1);
	assert_int_equal(nearest(mi, q, NULL, &f), 1);

	/* near misses: 32..48 bits off; beyond 48 nothing */
	flipped(40, q);
	assert_int_equal(nearest(mi, q, "inc-1", &f), 0);
	assert_int_equal(f.distance, 40);
	assert_false(match_within(&o, WF_HASH_PDQ, &f));
	flipped(49, q);
	assert_int_equal(nearest(mi, q, "inc-1", &f), -1);

	/* disabled (version 2) stops matching; the same event again changes nothing */
	flipped(10, q);
	publish_signal(h, "sig-1", "inc-1", "pdq", P0, "disabled", 2);
	assert_int_equal(nearest(mi, q, "inc-1", &f), -1);
	assert_int_equal(match_index_count(mi), 1);
	/* an older version (a late or replayed event) does not bring it back */
	publish_signal(h, "sig-1", "inc-1", "pdq", P0, "active", 1);
	assert_int_equal(nearest(mi, q, "inc-1", &f), -1);
	/* a newer one does */
	publish_signal(h, "sig-1", "inc-1", "pdq", P0, "active", 3);
	assert_int_equal(nearest(mi, q, "inc-1", &f), 1);
	/* proposed and rejected signals do not match */
	publish_signal(h, "sig-2", "inc-1", "pdq", P0, "proposed", 1);
	publish_signal(h, "sig-1", "inc-1", "pdq", P0, "rejected", 4);
	assert_int_equal(nearest(mi, q, "inc-1", &f), -1);
	publish_signal(h, "sig-2", "inc-1", "pdq", P0, "active", 2);
	assert_int_equal(nearest(mi, q, "inc-1", &f), 1);
	assert_string_equal(f.signal_id, "sig-2");

	/* other events and bad envelopes are ignored */
	publish_raw(h, WF_EV_SIGHTINGS, "{\"data\":{\"id\":\"sig-9\"}}");
	publish_raw(h, WF_EV_SIGNAL_ADDED, "{not json");
	publish_raw(h, WF_EV_SIGNAL_ADDED,
		    "{\"data\":{\"id\":\"sig-8\",\"type\":\"pdq\",\"value\":\"zz\","
		    "\"incident_id\":\"inc-1\",\"variant_id\":\"v\"}}");
	assert_int_equal(match_index_count(mi), 2);

	/* exact types by value */
	publish_signal(h, "sig-3", "inc-1", "md5", "0123456789abcdef0123456789abcdef",
		       "active", 1);
	uint8_t b[16];
	const char *why;
	matcher_parse_hex(WF_HASH_MD5, "0123456789abcdef0123456789abcdef", 32, b, &why);
	assert_int_equal(match_index_nearest(mi, WF_HASH_MD5, b, 16, "inc-1", &f), 1);
	assert_string_equal(f.signal_id, "sig-3");
	b[0] ^= 1;
	assert_int_equal(match_index_nearest(mi, WF_HASH_MD5, b, 16, "inc-1", &f), -1);

	hub_close(h);
	hub_free(h);
	match_index_free(mi);
}

/* The thresholds are the server's options. */
static void test_thresholds(void **state)
{
	(void)state;
	struct match_opts o = {20, 30, 31, 80};
	struct match_index *mi = match_index_new(&o);
	json_t *sig = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i}", "id", "sig-1",
				"incident_id", "inc-1", "type", "pdq", "value", P0,
				"variant_id", "v1", "state", "active", "version", 1);
	assert_int_equal(match_index_apply(mi, sig), 0);
	json_decref(sig);
	struct match_found f;
	char q[65];
	flipped(20, q);
	assert_int_equal(nearest(mi, q, "inc-1", &f), 1);
	flipped(21, q);
	assert_int_equal(nearest(mi, q, "inc-1", &f), 0);
	flipped(31, q);
	assert_int_equal(nearest(mi, q, "inc-1", &f), -1);
	/* not a signal */
	json_t *bad = json_pack("{s:s}", "id", "x");
	assert_int_equal(match_index_apply(mi, bad), -1);
	json_decref(bad);
	match_index_free(mi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follows_hub_events),
		cmocka_unit_test(test_thresholds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
