/* test_decode.c - the wire decoder: every event type decodes to the right typed
 * event, and a table of malformed inputs is refused with an error naming the field
 * and leaves nothing allocated (ASan checks the latter). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "net/decode.h"

#define PDQ "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
#define MD5 "d41d8cd98f00b204e9800998ecf8427e"
#define T0 "2026-11-26T04:00:00.000Z"

#define ENV(type, data)                                                        \
	"{\"seq\":7,\"type\":\"" type "\",\"time\":\"" T0 "\",\"data\":" data "}"

#define PLATFORM "{\"id\":\"p-fb\",\"name\":\"Facebook\",\"kind\":\"member\",\"hash_types\":[\"pdq\",\"md5\"],\"last_heartbeat\":null,\"version\":1}"
#define INCIDENT "{\"id\":\"inc-1\",\"title\":\"Attack\",\"location\":\"Riverside\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"activated_at\":null,\"concluded_at\":null,\"summary\":\"\",\"version\":2}"
#define SIGNAL "{\"id\":\"sig-1\",\"incident_id\":\"inc-1\",\"type\":\"pdq\",\"value\":\"" PDQ "\",\"quality\":90,\"variant_id\":\"var-1\",\"new_variant\":true,\"platform_id\":\"p-fb\",\"added_at\":\"" T0 "\",\"state\":\"active\",\"version\":1}"
#define SIGHTINGS "{\"platform_id\":\"p-fb\",\"incident_id\":\"inc-1\",\"items\":[{\"signal_id\":\"sig-1\",\"count\":12,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\",\"distance\":4,\"hash_type\":\"pdq\",\"hash\":\"" PDQ "\"},{\"signal_id\":\"sig-2\",\"count\":1,\"outcome\":\"removed\",\"seen_at\":\"" T0 "\",\"distance\":null}]}"
#define REPORT "{\"id\":\"rep-1\",\"kind\":\"public_interest\",\"incident_id\":\"inc-1\",\"platform_id\":null,\"author\":\"Newsroom\",\"text\":\"We need to keep a clip\",\"state\":\"open\",\"needs_decision\":true,\"created_at\":\"" T0 "\",\"version\":1}"
#define DECISION_P(state) "{\"id\":\"dec-1\",\"kind\":\"activate\",\"incident_id\":\"inc-1\",\"subject\":\"Activate\",\"subject_ref\":\"inc-1\",\"detail\":\"\",\"proposer\":\"board\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"2026-11-26T04:15:00Z\",\"state\":\"" state "\",\"votes\":[{\"by\":\"alice\",\"action\":\"note\",\"reason\":\"looking\",\"at\":\"" T0 "\"}],\"rationale\":\"\",\"version\":3}"
#define DECISION DECISION_P("pending")
/* The quorum fields of issue 12 (protocol.md, Quorum / Exception / Notification). */
#define DECISION_Q "{\"id\":\"dec-2\",\"kind\":\"change_tier\",\"incident_id\":\"inc-1\",\"subject\":\"Raise\",\"subject_ref\":\"inc-1\",\"detail\":\"\",\"proposer\":\"board\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"votes\":[{\"by\":\"alice\",\"action\":\"approve\",\"reason\":\"\",\"at\":\"" T0 "\",\"org\":\"p-fb\",\"counted\":true},{\"by\":\"bob\",\"action\":\"approve\",\"reason\":\"\",\"at\":\"" T0 "\",\"org\":\"p-fb\",\"counted\":false}],\"rationale\":\"\",\"version\":3,\"needed\":2,\"approved_by\":[\"p-fb\"],\"rejected_by\":[],\"proposed_tier\":\"content_incident\",\"keep_platform_id\":null,\"authority\":null}"
#define EXCEPTION "{\"id\":\"exc-9\",\"incident_id\":\"inc-1\",\"decision_id\":\"dec-4\",\"signal_id\":\"sig-1\",\"report_id\":null,\"platform_id\":\"p-news\",\"reason\":\"Newsroom archive\",\"granted_by\":[\"p-fb\",\"p-yt\"],\"granted_at\":\"" T0 "\",\"version\":1}"
#define NOTIFICATION "{\"id\":\"ntf-9\",\"incident_id\":\"inc-1\",\"decision_id\":\"dec-5\",\"authority\":\"NZ Police\",\"by\":\"alice\",\"approved_by\":[\"p-fb\"],\"at\":\"" T0 "\",\"version\":1}"

static int decode(const char *s, struct wf_event *ev, struct wf_decode_error *err)
{
	return wf_decode_envelope(s, strlen(s), ev, err);
}

static void test_every_event_type(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		enum wf_event_type type;
	} cases[] = {
		{ENV("platform.updated", PLATFORM), WF_EV_PLATFORM_UPDATED},
		{ENV("incident.opened", INCIDENT), WF_EV_INCIDENT_OPENED},
		{ENV("incident.updated", INCIDENT), WF_EV_INCIDENT_UPDATED},
		{ENV("signal.added", SIGNAL), WF_EV_SIGNAL_ADDED},
		{ENV("sightings", SIGHTINGS), WF_EV_SIGHTINGS},
		{ENV("report.opened", REPORT), WF_EV_REPORT_OPENED},
		{ENV("report.updated", REPORT), WF_EV_REPORT_UPDATED},
		{ENV("decision.opened", DECISION), WF_EV_DECISION_OPENED},
		{ENV("decision.updated", DECISION), WF_EV_DECISION_UPDATED},
		{ENV("decision.resolved", DECISION_P("approved")), WF_EV_DECISION_RESOLVED},
		{ENV("reset", "{\"reason\":\"cursor_expired\"}"), WF_EV_RESET},
		{ENV("decision.updated", DECISION_Q), WF_EV_DECISION_UPDATED},
		{ENV("exception.granted", EXCEPTION), WF_EV_EXCEPTION_GRANTED},
		{ENV("authority.notified", NOTIFICATION), WF_EV_AUTHORITY_NOTIFIED},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wf_event ev;
		struct wf_decode_error err = {{0}};
		int rc = decode(cases[i].json, &ev, &err);
		if (rc)
			fail_msg("case %zu: %s", i, err.msg);
		assert_int_equal(ev.type, cases[i].type);
		assert_int_equal(ev.seq, 7);
		assert_true(ev.time > 0);
		wf_event_clear(&ev);
	}
}

static void test_fields_decoded(void **state)
{
	(void)state;
	struct wf_event ev;
	struct wf_decode_error err;
	assert_int_equal(decode(ENV("sightings", SIGHTINGS), &ev, &err), 0);
	struct wf_sightings *s = &ev.u.sightings;
	assert_string_equal(s->platform_id, "p-fb");
	assert_int_equal(s->n_items, 2);
	assert_int_equal(s->items[0].count, 12);
	assert_int_equal(s->items[0].outcome, WF_OUT_BLOCKED);
	assert_int_equal(s->items[0].distance, 4);
	assert_true(s->items[0].has_hash);
	assert_string_equal(s->items[0].hash, PDQ);
	assert_int_equal(s->items[1].distance, -1);
	assert_false(s->items[1].has_hash);
	wf_event_clear(&ev);

	assert_int_equal(decode(ENV("incident.opened", INCIDENT), &ev, &err), 0);
	assert_string_equal(ev.u.incident.title, "Attack");
	assert_int_equal(ev.u.incident.tier_rank, WF_TIER_INCIDENT);
	assert_int_equal(ev.u.incident.state, WF_INC_ACTIVE);
	assert_int_equal(ev.u.incident.activated_at, 0);
	wf_event_clear(&ev);

	/* An unknown tier of the open enum is kept as given. */
	const char *other = ENV("incident.updated",
				"{\"id\":\"inc-2\",\"title\":\"x\",\"tier\":\"regional_alert\",\"state\":\"monitoring\",\"opened_at\":\"" T0 "\",\"version\":1}");
	assert_int_equal(decode(other, &ev, &err), 0);
	assert_string_equal(ev.u.incident.tier, "regional_alert");
	assert_int_equal(ev.u.incident.tier_rank, WF_TIER_UNKNOWN);
	wf_event_clear(&ev);

	assert_int_equal(decode(ENV("decision.opened", DECISION), &ev, &err), 0);
	assert_int_equal(ev.u.decision.n_votes, 1);
	assert_int_equal(ev.u.decision.votes[0].action, WF_VOTE_NOTE);
	assert_int_equal(ev.u.decision.priority, WF_PRIO_HIGH);
	assert_int_equal(ev.u.decision.version, 3);
	wf_event_clear(&ev);

	assert_int_equal(decode(ENV("platform.updated", PLATFORM), &ev, &err), 0);
	assert_int_equal(ev.u.platform.hash_types, (1u << WF_HASH_PDQ) | (1u << WF_HASH_MD5));
	wf_event_clear(&ev);
}

/* The fields of issue 12: quorum on decisions, votes' organisations, candidate
 * signals, report triage reasons, exceptions, notifications, kept-under-exception
 * items; and their defaults when an older server leaves them out. */
static void test_quorum_fields(void **state)
{
	(void)state;
	struct wf_event ev;
	struct wf_decode_error err;
	assert_int_equal(decode(ENV("decision.updated", DECISION_Q), &ev, &err), 0);
	struct wf_decision *d = &ev.u.decision;
	assert_int_equal(d->needed, 2);
	assert_int_equal(d->n_approved_by, 1);
	assert_string_equal(d->approved_by[0], "p-fb");
	assert_int_equal(d->n_rejected_by, 0);
	assert_string_equal(d->proposed_tier, "content_incident");
	assert_null(d->keep_platform_id);
	assert_null(d->authority);
	assert_string_equal(d->votes[0].org, "p-fb");
	assert_true(d->votes[0].counted);
	assert_false(d->votes[1].counted);
	wf_event_clear(&ev);

	/* who opened and last changed an incident (a decision's effect names it) */
	assert_int_equal(decode(ENV("incident.updated", "{\"id\":\"inc-1\",\"title\":\"t\",\"tier\":\"protocol_activated\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":3,\"opened_by\":\"olga\",\"updated_by\":\"decision dec-4\"}"), &ev, &err), 0);
	assert_string_equal(ev.u.incident.opened_by, "olga");
	assert_string_equal(ev.u.incident.updated_by, "decision dec-4");
	wf_event_clear(&ev);
	assert_int_equal(decode(ENV("incident.opened", INCIDENT), &ev, &err), 0);
	assert_null(ev.u.incident.updated_by);
	wf_event_clear(&ev);

	/* an older decision: one vote closes it, nobody counted */
	assert_int_equal(decode(ENV("decision.opened", DECISION), &ev, &err), 0);
	assert_int_equal(ev.u.decision.needed, 1);
	assert_int_equal(ev.u.decision.n_approved_by, 0);
	assert_null(ev.u.decision.votes[0].org);
	assert_false(ev.u.decision.votes[0].counted);
	wf_event_clear(&ev);

	assert_int_equal(decode(ENV("exception.granted", EXCEPTION), &ev, &err), 0);
	assert_string_equal(ev.u.exception.signal_id, "sig-1");
	assert_null(ev.u.exception.report_id);
	assert_string_equal(ev.u.exception.platform_id, "p-news");
	assert_string_equal(ev.u.exception.reason, "Newsroom archive");
	assert_int_equal(ev.u.exception.n_granted_by, 2);
	assert_string_equal(ev.u.exception.granted_by[1], "p-yt");
	wf_event_clear(&ev);

	assert_int_equal(decode(ENV("authority.notified", NOTIFICATION), &ev, &err), 0);
	assert_string_equal(ev.u.notification.authority, "NZ Police");
	assert_string_equal(ev.u.notification.by, "alice");
	assert_int_equal(ev.u.notification.n_approved_by, 1);
	wf_event_clear(&ev);

	const char *rep_t = ENV("report.updated", "{\"id\":\"rep-1\",\"kind\":\"referral\",\"author\":\"a\",\"text\":\"t\",\"state\":\"dismissed\",\"decision_id\":\"dec-3\",\"reason\":\"duplicate\",\"created_at\":\"" T0 "\",\"version\":2}");
	assert_int_equal(decode(rep_t, &ev, &err), 0);
	assert_string_equal(ev.u.report.decision_id, "dec-3");
	assert_string_equal(ev.u.report.reason, "duplicate");
	wf_event_clear(&ev);
	assert_int_equal(decode(ENV("report.opened", REPORT), &ev, &err), 0);
	assert_null(ev.u.report.decision_id);
	assert_string_equal(ev.u.report.reason, "");
	wf_event_clear(&ev);

	const char *cand = ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"md5\",\"value\":\"" MD5 "\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"state\":\"proposed\",\"version\":1}");
	assert_int_equal(decode(cand, &ev, &err), 0);
	assert_int_equal(ev.u.signal.state, WF_SIG_PROPOSED);
	wf_event_clear(&ev);

	const char *kept = ENV("sightings", "{\"platform_id\":\"p-news\",\"incident_id\":\"inc-1\",\"items\":[{\"signal_id\":\"sig-1\",\"count\":2,\"outcome\":\"kept\",\"seen_at\":\"" T0 "\",\"exception_id\":\"exc-9\"},{\"signal_id\":\"sig-1\",\"count\":1,\"outcome\":\"kept\",\"seen_at\":\"" T0 "\",\"exception_id\":null}]}");
	assert_int_equal(decode(kept, &ev, &err), 0);
	assert_string_equal(ev.u.sightings.items[0].exception_id, "exc-9");
	assert_null(ev.u.sightings.items[1].exception_id);
	wf_event_clear(&ev);
}

/* The malformed table: each input must be refused, with the named field in the
 * message. */
static void test_malformed_table(void **state)
{
	(void)state;
	static char big[5000];
	static char title201[300], longid[100], items1001[120000];
	memset(big, 'a', 4001);
	big[4001] = 0;
	memset(title201, 'x', 201);
	memset(longid, 'i', 65);
	{
		size_t n = 0;
		n += (size_t)sprintf(items1001 + n, ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":["));
		n -= 1; /* drop the envelope's closing brace */
		for (int i = 0; i < 1001; i++)
			n += (size_t)sprintf(items1001 + n, "%s{\"signal_id\":\"s\",\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\"}",
					     i ? "," : "");
		sprintf(items1001 + n, "]}}");
	}
	char report_big[6000], inc_title[600], sig_longid[400];
	snprintf(report_big, sizeof(report_big), ENV("report.opened", "{\"id\":\"r\",\"kind\":\"referral\",\"author\":\"a\",\"text\":\"%s\",\"state\":\"open\",\"created_at\":\"" T0 "\",\"version\":1}"), big);
	snprintf(inc_title, sizeof(inc_title), ENV("incident.opened", "{\"id\":\"i\",\"title\":\"%s\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":1}"), title201);
	snprintf(sig_longid, sizeof(sig_longid), ENV("platform.updated", "{\"id\":\"%s\",\"name\":\"n\",\"kind\":\"member\",\"version\":1}"), longid);

	const struct {
		const char *json;
		const char *expect; /* a substring of the error */
	} bad[] = {
		/* not JSON / not an object */
		{"", "invalid JSON"},
		{"{\"seq\":1,", "invalid JSON"},
		{"[1,2,3]", "must be an object"},
		{"\"text\"", "invalid JSON"},
		{"{\"seq\":1,\"seq\":2,\"type\":\"reset\",\"time\":\"" T0 "\",\"data\":{}}", "invalid JSON"},
		/* envelope */
		{"{\"type\":\"reset\",\"time\":\"" T0 "\",\"data\":{}}", "'seq'"},
		{"{\"seq\":0,\"type\":\"platform.updated\",\"time\":\"" T0 "\",\"data\":{}}", "'seq'"},
		{"{\"seq\":-3,\"type\":\"reset\",\"time\":\"" T0 "\",\"data\":{}}", "'seq'"},
		{"{\"seq\":1.5,\"type\":\"reset\",\"time\":\"" T0 "\",\"data\":{}}", "'seq'"},
		{"{\"seq\":\"1\",\"type\":\"reset\",\"time\":\"" T0 "\",\"data\":{}}", "'seq'"},
		{"{\"seq\":1,\"type\":\"incident.exploded\",\"time\":\"" T0 "\",\"data\":{}}", "unknown event type"},
		{"{\"seq\":1,\"type\":\"stats\",\"time\":\"" T0 "\",\"data\":{}}", "unknown event type"},
		{"{\"seq\":1,\"type\":7,\"time\":\"" T0 "\",\"data\":{}}", "'type'"},
		{"{\"seq\":1,\"type\":\"reset\",\"time\":\"yesterday\",\"data\":{}}", "'time'"},
		{"{\"seq\":1,\"type\":\"reset\",\"time\":\"2026-02-30T00:00:00Z\",\"data\":{}}", "'time'"},
		{"{\"seq\":1,\"type\":\"reset\",\"time\":\"2026-11-26T04:00:00+02:00\",\"data\":{}}", "'time'"},
		{"{\"seq\":1,\"type\":\"reset\",\"time\":\"" T0 "\"}", "'data'"},
		{ENV("reset", "[]"), "must be an object"},
		/* wrong types and missing fields */
		{ENV("incident.opened", "{\"id\":\"i\",\"title\":5,\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":1}"), "data.title"},
		{ENV("incident.opened", "{\"id\":\"i\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":1}"), "data.title': is missing"},
		{ENV("incident.opened", "{\"id\":\"i\",\"title\":\"t\",\"tier\":\"incident\",\"state\":\"burning\",\"opened_at\":\"" T0 "\",\"version\":1}"), "data.state"},
		{ENV("incident.opened", "{\"id\":\"i\",\"title\":\"t\",\"tier\":\"Incident!\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":1}"), "data.tier"},
		{ENV("incident.opened", "{\"id\":\"i\",\"title\":\"t\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":0}"), "data.version"},
		{ENV("incident.opened", "{\"id\":\"i\",\"title\":\"t\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\"}"), "data.version"},
		{ENV("incident.opened", "{\"id\":\"a b\",\"title\":\"t\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":\"" T0 "\",\"version\":1}"), "data.id"},
		{ENV("platform.updated", "{\"id\":\"p\",\"name\":\"n\",\"kind\":\"partner\",\"version\":1}"), "data.kind"},
		{ENV("platform.updated", "{\"id\":\"p\",\"name\":\"n\",\"kind\":\"member\",\"hash_types\":[\"crc32\"],\"version\":1}"), "data.hash_types"},
		{ENV("platform.updated", "{\"id\":\"p\",\"name\":\"n\",\"kind\":\"member\",\"hash_types\":\"pdq\",\"version\":1}"), "data.hash_types"},
		{ENV("platform.updated", "{\"id\":\"p\",\"name\":\"\",\"kind\":\"member\",\"version\":1}"), "data.name"},
		{ENV("report.opened", "{\"id\":\"r\",\"kind\":\"referral\",\"author\":\"a\",\"text\":\"t\",\"state\":\"open\",\"needs_decision\":\"yes\",\"created_at\":\"" T0 "\",\"version\":1}"), "data.needs_decision"},
		{ENV("decision.resolved", DECISION), "data.state"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"vote\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"version\":1}"), "data.kind"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"urgent\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"version\":1}"), "data.priority"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"votes\":[{\"by\":\"a\",\"action\":\"shrug\",\"at\":\"" T0 "\"}],\"version\":1}"), "data.votes[0].action"},
		/* oversize strings */
		{report_big, "data.text"},
		{inc_title, "data.title"},
		{sig_longid, "data.id"},
		/* bad hash formats */
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"pdq\",\"value\":\"" MD5 "\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.value"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"pdq\",\"value\":\"F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.value"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"md5\",\"value\":\"d41d8cd98f00b204e9800998ecf8427\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.value"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"sha256\",\"value\":\"" PDQ "0\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.value"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"pdq\",\"value\":\"g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.value"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"ahash\",\"value\":\"" PDQ "\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.type"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[{\"signal_id\":\"s\",\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\",\"hash_type\":\"md5\",\"hash\":\"" PDQ "\"}]}"), "data.items[0].hash"},
		/* numbers out of range */
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"pdq\",\"value\":\"" PDQ "\",\"quality\":101,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.quality"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"pdq\",\"value\":\"" PDQ "\",\"quality\":-1,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"version\":1}"), "data.quality"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[{\"signal_id\":\"s\",\"count\":0,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\"}]}"), "data.items[0].count"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[{\"signal_id\":\"s\",\"count\":1000001,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\"}]}"), "data.items[0].count"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[{\"signal_id\":\"s\",\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\",\"distance\":257}]}"), "data.items[0].distance"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[{\"signal_id\":\"s\",\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"" T0 "\"},{\"signal_id\":\"s\",\"count\":1,\"outcome\":\"lost\",\"seen_at\":\"" T0 "\"}]}"), "data.items[1].outcome"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[]}"), "data.items"},
		{items1001, "data.items"},
		/* issue 12's fields */
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"needed\":0,\"version\":1}"), "data.needed"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"needed\":33,\"version\":1}"), "data.needed"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"approved_by\":\"p-fb\",\"version\":1}"), "data.approved_by"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"rejected_by\":[\"\"],\"version\":1}"), "data.rejected_by"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"change_tier\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"proposed_tier\":\"Tier 1\",\"version\":1}"), "data.proposed_tier"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"public_interest\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"keep_platform_id\":\"a b\",\"version\":1}"), "data.keep_platform_id"},
		{ENV("decision.opened", "{\"id\":\"d\",\"kind\":\"activate\",\"subject\":\"s\",\"proposer\":\"p\",\"priority\":\"high\",\"created_at\":\"" T0 "\",\"due_at\":\"" T0 "\",\"state\":\"pending\",\"votes\":[{\"by\":\"a\",\"action\":\"approve\",\"at\":\"" T0 "\",\"counted\":1}],\"version\":1}"), "data.votes[0].counted"},
		{ENV("signal.added", "{\"id\":\"s\",\"incident_id\":\"i\",\"type\":\"md5\",\"value\":\"" MD5 "\",\"quality\":90,\"variant_id\":\"v\",\"platform_id\":\"p\",\"added_at\":\"" T0 "\",\"state\":\"candidate\",\"version\":1}"), "data.state"},
		{ENV("sightings", "{\"platform_id\":\"p\",\"incident_id\":\"i\",\"items\":[{\"signal_id\":\"s\",\"count\":1,\"outcome\":\"kept\",\"seen_at\":\"" T0 "\",\"exception_id\":7}]}"), "data.items[0].exception_id"},
		{ENV("exception.granted", "{\"id\":\"e\",\"granted_at\":\"" T0 "\",\"version\":1}"), "data.decision_id"},
		{ENV("exception.granted", "{\"id\":\"e\",\"decision_id\":\"d\",\"granted_by\":[1],\"granted_at\":\"" T0 "\",\"version\":1}"), "data.granted_by"},
		{ENV("authority.notified", "{\"id\":\"n\",\"decision_id\":\"d\",\"authority\":\"\",\"by\":\"a\",\"at\":\"" T0 "\",\"version\":1}"), "data.authority"},
		{ENV("authority.notified", "{\"id\":\"n\",\"decision_id\":\"d\",\"authority\":\"x\",\"at\":\"" T0 "\",\"version\":1}"), "data.by"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wf_event ev;
		struct wf_decode_error err = {{0}};
		memset(&ev, 0xAB, sizeof(ev));
		int rc = decode(bad[i].json, &ev, &err);
		if (rc == 0) {
			wf_event_clear(&ev);
			fail_msg("case %zu was accepted", i);
		}
		if (!strstr(err.msg, bad[i].expect))
			fail_msg("case %zu: error '%s' does not mention '%s'", i, err.msg,
				 bad[i].expect);
		/* refused input leaves a cleared event: clearing again is harmless */
		wf_event_clear(&ev);
	}
}

static void test_snapshot(void **state)
{
	(void)state;
	const char *snap =
		"{\"cursor\":42,\"server_time\":\"" T0 "\",\"heartbeat_s\":5,"
		"\"platforms\":[" PLATFORM "],\"incidents\":[" INCIDENT "],"
		"\"signals\":[" SIGNAL ",{\"id\":\"bad\"}],\"reports\":[" REPORT "],"
		"\"decisions\":[" DECISION "],"
		"\"stats\":[{\"incident_id\":\"inc-1\",\"platform_id\":\"p-fb\",\"start\":\"2026-11-26T04:00:00Z\",\"width_s\":60,\"attempts\":10,\"blocked\":5,\"removed\":3,\"kept\":0,\"pending\":2,\"variants\":1}],"
		"\"sightings\":[{\"platform_id\":\"p-fb\",\"incident_id\":\"inc-1\",\"signal_id\":\"sig-1\",\"count\":3,\"outcome\":\"removed\",\"seen_at\":\"" T0 "\"}],"
		"\"exceptions\":[" EXCEPTION "],\"notifications\":[" NOTIFICATION ",{\"id\":\"n\"}]}";
	struct wf_snapshot s;
	struct wf_decode_error err;
	assert_int_equal(wf_decode_snapshot(snap, strlen(snap), &s, &err), 0);
	assert_int_equal(s.cursor, 42);
	assert_int_equal(s.heartbeat_s, 5);
	assert_int_equal(s.n_events, 9);
	assert_int_equal(s.n_bad, 2);
	assert_non_null(strstr(s.first_bad.msg, "signals[1]"));
	assert_int_equal(s.events[0].type, WF_EV_PLATFORM_UPDATED);
	assert_int_equal(s.events[5].type, WF_EV_STATS);
	assert_int_equal(s.events[6].type, WF_EV_SIGHTINGS);
	assert_int_equal(s.events[6].seq, 0);
	assert_int_equal(s.events[7].type, WF_EV_EXCEPTION_GRANTED);
	assert_int_equal(s.events[8].type, WF_EV_AUTHORITY_NOTIFIED);
	wf_snapshot_clear(&s);

	/* kept_exception in a stats row: optional, never more than kept */
	const char *st_ok = "{\"cursor\":1,\"server_time\":\"" T0 "\",\"stats\":[{\"incident_id\":\"i\",\"platform_id\":\"p\",\"start\":\"2026-11-26T04:00:00Z\",\"width_s\":60,\"attempts\":10,\"blocked\":5,\"removed\":0,\"kept\":5,\"pending\":0,\"variants\":0,\"kept_exception\":4},{\"incident_id\":\"i\",\"platform_id\":\"p\",\"start\":\"2026-11-26T04:01:00Z\",\"width_s\":60,\"attempts\":10,\"blocked\":5,\"removed\":0,\"kept\":5,\"pending\":0,\"variants\":0,\"kept_exception\":6}]}";
	assert_int_equal(wf_decode_snapshot(st_ok, strlen(st_ok), &s, &err), 0);
	assert_int_equal(s.n_events, 1);
	assert_int_equal(s.events[0].u.stats.kept_exception, 4);
	assert_int_equal(s.n_bad, 1);
	assert_non_null(strstr(s.first_bad.msg, "kept_exception"));
	wf_snapshot_clear(&s);

	const char *bad = "{\"server_time\":\"" T0 "\"}";
	assert_int_equal(wf_decode_snapshot(bad, strlen(bad), &s, &err), -1);
	assert_non_null(strstr(err.msg, "cursor"));
	const char *bad2 = "{\"cursor\":1,\"server_time\":\"" T0 "\",\"incidents\":{}}";
	assert_int_equal(wf_decode_snapshot(bad2, strlen(bad2), &s, &err), -1);
	assert_non_null(strstr(err.msg, "incidents"));
}

static void test_poll(void **state)
{
	(void)state;
	const char *p = "{\"cursor\":8,\"reset\":false,\"events\":[" ENV("incident.opened", INCIDENT) ",{\"seq\":8}]}";
	struct wf_poll_batch b;
	struct wf_decode_error err;
	assert_int_equal(wf_decode_poll(p, strlen(p), &b, &err), 0);
	assert_int_equal(b.cursor, 8);
	assert_int_equal(b.n_events, 1);
	assert_int_equal(b.n_bad, 1);
	wf_poll_batch_clear(&b);
	const char *r = "{\"cursor\":8,\"reset\":true,\"events\":[]}";
	assert_int_equal(wf_decode_poll(r, strlen(r), &b, &err), 0);
	assert_true(b.reset);
	wf_poll_batch_clear(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_event_type),
		cmocka_unit_test(test_fields_decoded),
		cmocka_unit_test(test_quorum_fields),
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_poll),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
