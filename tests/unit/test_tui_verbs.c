/* test_tui_verbs.c - the officer's verbs on the headless dashboard (tests/lib/
 * harness.c): each form verb's keys end as exactly one outbox record with the body
 * the protocol asks for, Esc and u leave nothing, read-only refuses them; the
 * reports pane (a tab beside decisions), triage by key and with tags, and the notes
 * view as a conversation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/validate.h"
#include "net/outbox.h"
#include "tests/lib/harness.h"
#include "tui/actions.h"

#define T0 1795667400000LL /* 2026-11-26T04:30:00Z */
#define MIN 60000LL

static int64_t seq;

static void add_incident(struct wf_harness *h, const char *id, const char *title)
{
	char t[32];
	wf_time_format(T0 - 10 * MIN, t, sizeof(t));
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"incident.opened\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"title\":\"%s\",\"location\":\"Riverside\",\"tier\":\"incident\","
		"\"state\":\"monitoring\",\"opened_at\":\"%s\",\"summary\":\"So far\",\"version\":4}}",
		(long long)++seq, t, id, title, t), 0);
}

static void add_report(struct wf_harness *h, const char *id, const char *kind,
		       const char *author, const char *text_json, int64_t at,
		       const char *state)
{
	char t[32];
	wf_time_format(at, t, sizeof(t));
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"report.opened\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"kind\":\"%s\",\"incident_id\":\"inc-1\",\"platform_id\":\"p-fb\","
		"\"author\":\"%s\",\"text\":%s,\"state\":\"%s\",\"needs_decision\":false,"
		"\"created_at\":\"%s\",\"version\":2}}",
		(long long)++seq, t, id, kind, author, text_json, state, t), 0);
}

static void fill(struct wf_harness *h)
{
	add_incident(h, "inc-1", "Live-streamed attack");
	add_report(h, "rep-1", "referral", "fb-bot", "\"Re-upload ring\\nsecond line\"",
		   T0 - 8 * MIN, "open");
	add_report(h, "rep-2", "situation_note", "olga", "\"First note: origin is a forum\"",
		   T0 - 7 * MIN, "open");
	add_report(h, "rep-3", "situation_note", "yuki",
		   "\"Second note \\u001b[2J with an escape\"", T0 - 6 * MIN, "open");
	add_report(h, "rep-4", "new_variant", "yt-bot", "\"Mirrored copy\"", T0 - 9 * MIN,
		   "triaged");
}

static void add_signal(struct wf_harness *h, const char *id, const char *st)
{
	char t[32];
	wf_time_format(T0 - 5 * MIN, t, sizeof(t));
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"signal.added\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"incident_id\":\"inc-1\",\"type\":\"md5\","
		"\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":100,"
		"\"variant_id\":\"v1\",\"new_variant\":true,\"platform_id\":\"p-fb\","
		"\"added_at\":\"%s\",\"state\":\"%s\",\"version\":1}}",
		(long long)++seq, t, id, t, st), 0);
}

static void keys(struct wf_harness *h, const char *s)
{
	wf_harness_type(h, s);
}

static const struct wf_outbox_record *only_record(struct wf_harness *h)
{
	const struct wf_outbox_record *r[4];
	assert_int_equal(wf_outbox_list(h->outbox, r, 4), 1);
	return r[0];
}

/* I: declare an incident; Tab, enum values, multi-line text, summary, send; u. */
static void test_declare(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, false, true), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'I', false);
	assert_true(h.ui.verb.open);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Declare an incident"));
	wf_harness_key(&h, 4, false); /* Ctrl-D: the title is required */
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "required"));
	assert_int_equal(h.ui.verb.form.mode, WF_FORM_EDIT);
	keys(&h, "Bomb hoax \xE5\xAD\x97");
	wf_harness_key(&h, '\t', false);
	keys(&h, "Auckland");
	wf_harness_key(&h, '\t', false);
	wf_harness_key(&h, KEY_RIGHT, true); /* tier: content_incident */
	wf_harness_key(&h, '\t', false);
	wf_harness_key(&h, '\t', false); /* state stays monitoring */
	keys(&h, "line one");
	wf_harness_key(&h, '\r', false);
	keys(&h, "line two");
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "line two"));
	wf_harness_key(&h, 4, false);
	assert_int_equal(h.ui.verb.form.mode, WF_FORM_SUMMARY);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Check before sending"));
	assert_int_equal(wf_outbox_count(h.outbox), 0); /* nothing before the summary */
	wf_harness_key(&h, 'y', false);
	assert_false(h.ui.verb.open);
	const struct wf_outbox_record *r = only_record(&h);
	assert_string_equal(r->path, "/v1/incidents");
	assert_string_equal(r->kind, "declare");
	assert_non_null(strstr(r->body, "\"title\":\"Bomb hoax \xE5\xAD\x97\""));
	assert_non_null(strstr(r->body, "\"tier\":\"content_incident\""));
	assert_non_null(strstr(r->body, "\"state\":\"monitoring\""));
	assert_non_null(strstr(r->body, "\"summary\":\"line one\\nline two\""));
	assert_int_equal(r->state, WF_OUTBOX_HELD);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "declare (new incident) queued"));
	wf_harness_key(&h, 'u', false); /* undo within the hold: nothing left */
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	/* Esc cancels a form: nothing queued */
	wf_harness_key(&h, 'I', false);
	keys(&h, "x");
	wf_harness_key(&h, 27, false);
	assert_false(h.ui.verb.open);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	wf_harness_close(&h);
}

/* n, E and R on the selected incident. */
static void test_note_update_report(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 24, 80, false, true), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'n', false);
	assert_true(h.ui.verb.open);
	keys(&h, "Origin: a forum post at 04:12");
	wf_harness_key(&h, 4, false);
	wf_harness_key(&h, '\r', false);
	const struct wf_outbox_record *r = only_record(&h);
	assert_string_equal(r->path, "/v1/reports");
	assert_string_equal(r->kind, "note");
	assert_non_null(strstr(r->body, "\"kind\":\"situation_note\""));
	assert_non_null(strstr(r->body, "\"incident_id\":\"inc-1\""));
	wf_harness_key(&h, 'u', false);
	/* E: only the changed field, with the version seen */
	wf_harness_key(&h, 'E', false);
	assert_true(h.ui.verb.open);
	wf_harness_key(&h, 4, false); /* nothing changed yet */
	assert_int_equal(h.ui.verb.form.mode, WF_FORM_EDIT);
	keys(&h, "; spreading");
	wf_harness_key(&h, 4, false);
	wf_harness_key(&h, 'y', false);
	r = only_record(&h);
	assert_string_equal(r->path, "/v1/incidents/inc-1");
	assert_non_null(strstr(r->body, "\"summary\":\"So far; spreading\""));
	assert_non_null(strstr(r->body, "\"version\":4"));
	assert_null(strstr(r->body, "location"));
	wf_harness_key(&h, 'u', false);
	/* R: a referral that needs a decision */
	wf_harness_key(&h, 'R', false);
	wf_harness_key(&h, 'r', false); /* kind: referral */
	wf_harness_key(&h, '\t', false);
	wf_harness_key(&h, 'y', false); /* needs a decision: yes */
	wf_harness_key(&h, '\t', false);
	keys(&h, "Mirror site");
	wf_harness_key(&h, 4, false);
	wf_harness_key(&h, 'y', false);
	r = only_record(&h);
	assert_non_null(strstr(r->body, "\"kind\":\"referral\""));
	assert_non_null(strstr(r->body, "\"needs_decision\":true"));
	wf_harness_close(&h);
}

/* P: every decision kind, with its own fields. */
static void test_propose_kinds(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, false, true), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	/* change_tier: the proposed tier is asked for and sent */
	wf_harness_key(&h, 'P', false);
	wf_harness_key(&h, 'c', false); /* change_tier */
	assert_string_equal(wf_form_get(&h.ui.verb.form, "kind"), "change_tier");
	assert_string_equal(wf_form_get(&h.ui.verb.form, "subject"),
			    "Change the incident's tier");
	assert_false(h.ui.verb.form.fields[wf_form_find(&h.ui.verb.form, "proposed_tier")].hidden);
	wf_harness_key(&h, 4, false);
	wf_harness_key(&h, 'y', false);
	const struct wf_outbox_record *r = only_record(&h);
	assert_string_equal(r->path, "/v1/decisions");
	assert_non_null(strstr(r->body, "\"proposed_tier\":\"content_incident\""));
	assert_non_null(strstr(r->body, "\"due_in_s\":900"));
	assert_non_null(strstr(r->body, "\"subject_ref\":\"inc-1\""));
	assert_null(strstr(r->body, "authority"));
	wf_harness_key(&h, 'u', false);
	/* notify_authority: the authority is required */
	wf_harness_key(&h, 'P', false);
	wf_harness_key(&h, 'n', false);
	assert_string_equal(wf_form_get(&h.ui.verb.form, "kind"), "notify_authority");
	wf_harness_key(&h, 4, false);
	assert_int_equal(h.ui.verb.form.mode, WF_FORM_EDIT);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "the authority's name"));
	keys(&h, "NZ Police");
	wf_harness_key(&h, 4, false);
	wf_harness_key(&h, 'y', false);
	r = only_record(&h);
	assert_non_null(strstr(r->body, "\"authority\":\"NZ Police\""));
	assert_null(strstr(r->body, "proposed_tier"));
	wf_harness_key(&h, 'u', false);
	/* disable_signal needs a known signal; public_interest an organisation */
	wf_harness_key(&h, 'P', false);
	wf_harness_key(&h, 'd', false);
	assert_string_equal(wf_form_get(&h.ui.verb.form, "kind"), "disable_signal");
	wf_harness_key(&h, 4, false);
	assert_int_equal(h.ui.verb.form.mode, WF_FORM_EDIT); /* inc-1 is no signal */
	wf_harness_key(&h, 27, false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	/* with signals: disable_signal suggests the newest active one, add_signal the
	 * newest proposed one, and the suggestion follows the kind */
	add_signal(&h, "sig-act", "active");
	add_signal(&h, "sig-cand", "proposed");
	wf_harness_key(&h, 'P', false);
	wf_harness_key(&h, 'd', false);
	assert_string_equal(wf_form_get(&h.ui.verb.form, "subject_ref"), "sig-act");
	wf_harness_key(&h, 'a', false); /* activate -> add_signal */
	wf_harness_key(&h, 'a', false);
	assert_string_equal(wf_form_get(&h.ui.verb.form, "kind"), "add_signal");
	assert_string_equal(wf_form_get(&h.ui.verb.form, "subject_ref"), "sig-cand");
	wf_harness_key(&h, 'c', false); /* change_tier: back to the incident */
	assert_string_equal(wf_form_get(&h.ui.verb.form, "subject_ref"), "inc-1");
	wf_harness_key(&h, 27, false);
	/* from the reports pane: about the report; public_interest keeps its platform */
	wf_harness_key(&h, '5', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'P', false);
	assert_string_equal(wf_form_get(&h.ui.verb.form, "subject_ref"),
			    h.ui.panes[4].sel_id);
	wf_harness_key(&h, 'p', false);
	assert_string_equal(wf_form_get(&h.ui.verb.form, "kind"), "public_interest");
	assert_string_equal(wf_form_get(&h.ui.verb.form, "keep_platform_id"), "p-fb");
	wf_harness_key(&h, 4, false);
	wf_harness_key(&h, 'y', false);
	r = only_record(&h);
	assert_non_null(strstr(r->body, "\"keep_platform_id\":\"p-fb\""));
	wf_harness_close(&h);
}

/* The reports pane: open first (oldest first), triage by key, dismiss needs a
 * reason, tags; the notes view: notes oldest first, sanitized. */
static void test_reports_pane_and_notes(void **state)
{
	struct wf_harness h;
	char row[512];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, false, true), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "| 5 reports (4)")); /* the tab beside decisions */
	wf_harness_key(&h, '5', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "5 Reports"));
	assert_int_equal(h.ui.panes[4].n, 4);
	assert_string_equal(h.ui.panes[4].ids[0], "rep-1"); /* open, oldest */
	assert_string_equal(h.ui.panes[4].ids[3], "rep-4"); /* the triaged one last */
	assert_true(wf_harness_find(&h, "fb-bot    Re-upload"));
	assert_false(wf_harness_find(&h, "second line")); /* the first line only */
	/* t: triaged, reason optional */
	wf_harness_key(&h, 't', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_REASON);
	wf_harness_key(&h, '\r', false);
	const struct wf_outbox_record *r = only_record(&h);
	assert_string_equal(r->path, "/v1/reports/rep-1/triage");
	assert_non_null(strstr(r->body, "\"state\":\"triaged\""));
	assert_non_null(strstr(r->body, "\"version\":2"));
	wf_harness_key(&h, 'u', false);
	/* x: dismissed, a reason is required; tags with ; */
	wf_harness_key(&h, ' ', false);
	wf_harness_key(&h, ' ', false);
	wf_harness_key(&h, ';', false);
	wf_harness_key(&h, 'x', false);
	wf_harness_key(&h, '\r', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_REASON); /* still asking */
	keys(&h, "duplicate");
	wf_harness_key(&h, '\r', false);
	assert_int_equal(wf_outbox_count(h.outbox), 2);
	assert_int_equal(h.ui.panes[4].n_tags, 0);
	wf_harness_key(&h, 'u', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	/* triage keys only on the reports pane */
	wf_harness_key(&h, '4', false);
	wf_harness_key(&h, 't', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	/* detail of a report */
	wf_harness_key(&h, '5', false);
	wf_harness_key(&h, 'g', false);
	wf_harness_key(&h, 't', false); /* held in the outbox: the detail lists it */
	wf_harness_key(&h, '\r', false);
	assert_int_equal(wf_outbox_count(h.outbox), 1);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Report rep-1: referral, open"));
	assert_true(wf_harness_find(&h, "second line"));
	assert_true(wf_harness_find(&h, "Linked decision"));
	assert_true(wf_harness_find(&h, "Your actions in the outbox"));
	assert_true(wf_harness_find(&h, "triage   held (u undoes it)"));
	wf_harness_key(&h, 27, false);
	wf_harness_key(&h, 'u', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	/* a triaged report's detail gives the reason */
	char t[32];
	wf_time_format(T0 - 9 * MIN, t, sizeof(t));
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"report.updated\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"rep-4\",\"kind\":\"new_variant\",\"incident_id\":\"inc-1\","
		"\"platform_id\":\"p-yt\",\"author\":\"yt-bot\",\"text\":\"Mirrored copy\","
		"\"state\":\"triaged\",\"needs_decision\":false,\"created_at\":\"%s\","
		"\"reason\":\"hash shared as sig-9\",\"version\":3}}",
		(long long)++seq, t, t), 0);
	wf_harness_key(&h, 'G', false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Triaged: hash shared as sig-9"));
	wf_harness_key(&h, 27, false);
	/* N: the notes of inc-1, oldest first, the escape a placeholder */
	wf_harness_key(&h, 'N', false);
	assert_true(h.ui.notes_view);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Situation notes of inc-1"));
	int first = -1, second = -1;
	for (int y = 0; y < 32; y++) {
		wf_harness_row(&h, y, row, sizeof(row));
		if (strstr(row, "First note"))
			first = y;
		if (strstr(row, "Second note"))
			second = y;
	}
	assert_true(first > 0 && second > first);
	assert_false(wf_harness_frame_has(&h, "\x1b[2J", 4));
	assert_false(wf_harness_find(&h, "Re-upload ring")); /* notes only */
	wf_harness_key(&h, 27, false);
	assert_false(h.ui.notes_view);
	wf_harness_close(&h);
}

/* The quorum on screen: 1/2 in the list, who voted in the detail, and the officer
 * whose organisation already approved is told so before voting again. */
static void test_quorum_shown(void **state)
{
	struct wf_harness h;
	char t[32], due[32];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, false, true), 0);
	fill(&h);
	wf_time_format(T0 - 2 * MIN, t, sizeof(t));
	wf_time_format(T0 + 20 * MIN, due, sizeof(due));
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"decision.updated\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"dec-9\",\"kind\":\"activate\",\"incident_id\":\"inc-1\","
		"\"subject\":\"Activate the protocol\",\"subject_ref\":\"inc-1\",\"detail\":\"\","
		"\"proposer\":\"olga\",\"priority\":\"high\",\"created_at\":\"%s\","
		"\"due_at\":\"%s\",\"state\":\"pending\",\"votes\":[{\"by\":\"olga\","
		"\"action\":\"approve\",\"reason\":\"\",\"at\":\"%s\",\"org\":\"p-fb\","
		"\"counted\":true},{\"by\":\"fiona\",\"action\":\"approve\",\"reason\":\"me too\","
		"\"at\":\"%s\",\"org\":\"p-fb\",\"counted\":false}],\"rationale\":\"\","
		"\"needed\":2,\"approved_by\":[\"p-fb\"],\"rejected_by\":[],\"version\":3}}",
		(long long)++seq, t, t, due, t, t), 0);
	struct wf_conn conn = *wf_model_conn(h.model);
	snprintf(conn.org, sizeof(conn.org), "p-yt");
	wf_model_set_conn(h.model, &conn);
	wf_harness_key(&h, '4', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "QUOR"));
	assert_true(wf_harness_find(&h, "1/2 "));
	wf_harness_key(&h, 'a', false); /* another organisation: counts 2 of 2 */
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "This closes the decision."));
	wf_harness_key(&h, 'n', false);
	/* our organisation is the one that approved */
	snprintf(conn.org, sizeof(conn.org), "p-fb");
	wf_model_set_conn(h.model, &conn);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "1/2*"));
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Quorum: 1 of 2 organisations approved, 0 rejected"));
	assert_true(wf_harness_find(&h, "approved by: p-fb"));
	assert_true(wf_harness_find(&h, "Your organisation (p-fb) already approved"));
	assert_true(wf_harness_find(&h, "not counted: organisation already voted"));
	wf_harness_key(&h, 'a', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "your org already approved: will not count"));
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "this vote will not count"));
	wf_harness_key(&h, 'n', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	wf_harness_close(&h);
}

/* The notes view opens at the newest note and follows new ones while at the end. */
static void test_notes_follow(void **state)
{
	struct wf_harness h;
	char text[64], id[16];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 24, 80, false, true), 0);
	add_incident(&h, "inc-1", "Notes");
	for (int i = 0; i < 12; i++) {
		snprintf(id, sizeof(id), "n-%d", i);
		snprintf(text, sizeof(text), "\"note number %02d\"", i);
		add_report(&h, id, "situation_note", "olga", text, T0 - (20 - i) * MIN, "open");
	}
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'N', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "note number 11"));
	assert_false(wf_harness_find(&h, "note number 00"));
	add_report(&h, "n-12", "situation_note", "yuki", "\"note number 12\"", T0, "open");
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "note number 12"));
	wf_harness_key(&h, 'g', false); /* the top: the first note, and it stays there */
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "note number 00"));
	add_report(&h, "n-13", "situation_note", "yuki", "\"note number 13\"", T0, "open");
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "note number 00"));
	wf_harness_close(&h);
}

/* Read-only: every verb refused at the gate, no form opened. */
static void test_read_only_refuses_verbs(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, true, true), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	const char verbs[] = {'I', 'E', 'n', 'R', 'P'};
	for (size_t i = 0; i < sizeof(verbs); i++) {
		wf_harness_key(&h, verbs[i], false);
		assert_false(h.ui.verb.open);
	}
	wf_harness_key(&h, '5', false);
	wf_harness_key(&h, 't', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "read-only: triage is not available"));
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	wf_harness_close(&h);
}

/* S: a vote that met a 409 is resent, after a confirmation naming the new state,
 * with the decision's current version; the conflict record goes. */
static void test_resend_conflict(void **state)
{
	struct wf_harness h;
	char t[32], due[32], fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
	const struct wf_outbox_record *r[4];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, false, true), 0);
	wf_outbox_token_fp("tok", fp);
	wf_outbox_set_identity(h.outbox, "olga", fp);
	fill(&h);
	wf_time_format(T0 - 2 * MIN, t, sizeof(t));
	wf_time_format(T0 + 20 * MIN, due, sizeof(due));
	const char *dec = "{\"seq\":%lld,\"type\":\"decision.updated\",\"time\":\"%s\","
			  "\"data\":{\"id\":\"dec-9\",\"kind\":\"activate\",\"incident_id\":"
			  "\"inc-1\",\"subject\":\"Activate\",\"subject_ref\":\"inc-1\","
			  "\"detail\":\"\",\"proposer\":\"olga\",\"priority\":\"high\","
			  "\"created_at\":\"%s\",\"due_at\":\"%s\",\"state\":\"pending\","
			  "\"votes\":[],\"rationale\":\"\",\"needed\":2,\"approved_by\":[%s],"
			  "\"rejected_by\":[],\"version\":%d}}";
	assert_int_equal(wf_harness_apply(&h, dec, (long long)++seq, t, t, due, "", 3), 0);
	wf_harness_key(&h, 'S', false); /* nothing in conflict yet */
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	wf_harness_key(&h, '4', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'a', false);
	keys(&h, "mine");
	wf_harness_key(&h, '\r', false);
	wf_harness_key(&h, 'y', false);
	assert_int_equal(wf_outbox_list(h.outbox, r, 4), 1);
	/* sent, and answered 409: another organisation approved first (version 4) */
	struct wf_outbox_record *sent = wf_outbox_take_due(h.outbox, T0 + 60000);
	assert_non_null(sent);
	uint64_t old = sent->id;
	const char *answer = "{\"error\":{\"code\":\"conflict\",\"message\":\"version\"}}";
	wf_outbox_settle(h.outbox, old, 409, answer, strlen(answer), 0, T0 + 60000);
	assert_int_equal(wf_outbox_get(h.outbox, old)->state, WF_OUTBOX_CONFLICT);
	assert_int_equal(wf_harness_apply(&h, dec, (long long)++seq, t, t, due, "\"p-fb\"", 4),
			 0);
	wf_harness_key(&h, 'S', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_CONFIRM);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Someone voted first on dec-9 (now 1/2, version 4)"));
	wf_harness_key(&h, 'y', false);
	assert_int_equal(wf_outbox_list(h.outbox, r, 4), 1);
	assert_true(r[0]->id != old);
	assert_int_equal(r[0]->state, WF_OUTBOX_HELD);
	assert_string_equal(r[0]->path, "/v1/decisions/dec-9/resolve");
	assert_non_null(strstr(r[0]->body, "\"version\":4"));
	assert_non_null(strstr(r[0]->body, "\"reason\":\"mine\""));
	assert_non_null(strstr(r[0]->body, "\"action\":\"approve\""));
	wf_harness_key(&h, 'u', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	wf_harness_close(&h);
}

/* t on a report whose triage decision needs two organisations (none voted) is held
 * back with a message: the server would refuse it (422); nothing is queued. */
static void test_triage_waits_for_quorum(void **state)
{
	struct wf_harness h;
	char t[32], due[32];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 32, 120, false, true), 0);
	add_incident(&h, "inc-1", "Quorum triage");
	wf_time_format(T0 - 2 * MIN, t, sizeof(t));
	wf_time_format(T0 + 20 * MIN, due, sizeof(due));
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"report.opened\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"rep-q\",\"kind\":\"referral\",\"incident_id\":\"inc-1\","
		"\"platform_id\":\"p-fb\",\"author\":\"fb-bot\",\"text\":\"needs two\","
		"\"state\":\"open\",\"needs_decision\":true,\"created_at\":\"%s\","
		"\"decision_id\":\"dec-q\",\"version\":1}}",
		(long long)++seq, t, t), 0);
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"decision.opened\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"dec-q\",\"kind\":\"triage_report\",\"incident_id\":\"inc-1\","
		"\"subject\":\"Triage rep-q\",\"subject_ref\":\"rep-q\",\"detail\":\"\","
		"\"proposer\":\"fb-bot\",\"priority\":\"normal\",\"created_at\":\"%s\","
		"\"due_at\":\"%s\",\"state\":\"pending\",\"votes\":[],\"rationale\":\"\","
		"\"needed\":2,\"approved_by\":[],\"rejected_by\":[],\"version\":1}}",
		(long long)++seq, t, t, due), 0);
	wf_harness_key(&h, '5', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 't', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "1 report waits for a quorum of organisations"));
	assert_true(wf_harness_find(&h, "(dec-q, pane 4)"));
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	/* the detail names the decision and its quorum */
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "dec-q  triage_report  pending  0 vote(s), quorum 0/2"));
	wf_harness_close(&h);
}

/* The gate: every verb sends (MUTATES), so read-only and the wall refuse it; the
 * `:` names are those --batch takes. */
static void test_verbs_gate(void **state)
{
	const enum wf_action verbs[] = {WF_ACTION_DECLARE,	   WF_ACTION_UPDATE_INCIDENT,
					WF_ACTION_FILE_NOTE,	   WF_ACTION_FILE_REPORT,
					WF_ACTION_PROPOSE,	   WF_ACTION_TRIAGE,
					WF_ACTION_DISMISS};
	const char *const names[] = {"declare", "update",  "file-note", "file-report",
				     "propose", "triage", "dismiss"};
	(void)state;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		const struct wf_action_def *d = wf_action_def(verbs[i]);
		assert_true(d->flags & WF_ACT_MUTATES);
		assert_true(wf_action_permitted(d, false, false));
		assert_false(wf_action_permitted(d, true, false));
		assert_false(wf_action_permitted(d, true, true));
		assert_false(wf_action_permitted(d, false, true));
		assert_int_equal(wf_action_by_name(names[i]), verbs[i]);
	}
	/* the notes view and the reports pane only read */
	assert_true(wf_action_permitted(wf_action_def(WF_ACTION_NOTES), true, false));
	assert_true(wf_action_permitted(wf_action_def(WF_ACTION_PANE5), true, false));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_declare),
		cmocka_unit_test(test_note_update_report),
		cmocka_unit_test(test_propose_kinds),
		cmocka_unit_test(test_reports_pane_and_notes),
		cmocka_unit_test(test_quorum_shown),
		cmocka_unit_test(test_notes_follow),
		cmocka_unit_test(test_read_only_refuses_verbs),
		cmocka_unit_test(test_verbs_gate),
		cmocka_unit_test(test_triage_waits_for_quorum),
		cmocka_unit_test(test_resend_conflict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
