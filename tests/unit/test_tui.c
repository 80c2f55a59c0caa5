/* test_tui.c - the dashboard rendered headless (tests/lib/harness.c), byte-exact:
 * an unchanged frame writes 0 bytes; hostile strings put none of their control
 * bytes into the terminal output; CJK, emoji and combining marks are clipped by
 * columns; selection kept by id; filter; read-only gate; triage to the outbox and
 * undo; layouts from "too small" to four panes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/validate.h"
#include "net/outbox.h"
#include "tests/lib/harness.h"
#include "tui/textframe.h"
#include "notify/watch.h"
#include "widgets/text.h"

#define T0 1795667400000LL /* 2026-11-26T04:30:00Z */
#define MIN 60000LL
#define PDQ "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

static int64_t seq;

static void ts(int64_t ms, char *buf)
{
	wf_time_format(ms, buf, 32);
}

static void add_platform(struct wf_harness *h, const char *id, const char *name)
{
	char t[32];
	ts(T0, t);
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"platform.updated\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"name\":\"%s\",\"kind\":\"member\",\"hash_types\":[\"pdq\"],"
		"\"last_heartbeat\":\"%s\",\"version\":1}}",
		(long long)++seq, t, id, name, t), 0);
}

static void add_incident(struct wf_harness *h, const char *id, const char *title_json)
{
	char t[32];
	ts(T0 - 10 * MIN, t);
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"incident.opened\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"title\":%s,\"location\":\"Riverside\",\"tier\":\"content_incident\","
		"\"state\":\"active\",\"opened_at\":\"%s\",\"summary\":\"\",\"version\":1}}",
		(long long)++seq, t, id, title_json, t), 0);
}

static void add_signal(struct wf_harness *h, const char *id, const char *inc)
{
	char t[32];
	ts(T0 - 9 * MIN, t);
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"signal.added\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"incident_id\":\"%s\",\"type\":\"pdq\",\"value\":\"" PDQ "\","
		"\"quality\":90,\"variant_id\":\"v1\",\"new_variant\":true,\"platform_id\":\"p-a\","
		"\"added_at\":\"%s\",\"state\":\"active\",\"version\":1}}",
		(long long)++seq, t, id, inc, t), 0);
}

static void add_sighting(struct wf_harness *h, const char *plat, const char *inc,
			 int count, int64_t at)
{
	char t[32];
	ts(at, t);
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
		"{\"platform_id\":\"%s\",\"incident_id\":\"%s\",\"items\":[{\"signal_id\":\"sig-1\","
		"\"count\":%d,\"outcome\":\"blocked\",\"seen_at\":\"%s\",\"distance\":2,"
		"\"hash_type\":\"pdq\",\"hash\":\"" PDQ "\"}]}}",
		(long long)++seq, t, plat, inc, count, t), 0);
}

static void add_decision(struct wf_harness *h, const char *id, const char *subject_json,
			 int64_t due, int version)
{
	char t[32], d[32];
	ts(T0 - 5 * MIN, t);
	ts(due, d);
	assert_int_equal(wf_harness_apply(h,
		"{\"seq\":%lld,\"type\":\"decision.opened\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"%s\",\"kind\":\"add_signal\",\"incident_id\":\"inc-1\",\"subject\":%s,"
		"\"subject_ref\":null,\"detail\":\"Full text\",\"proposer\":\"sim:board\","
		"\"priority\":\"high\",\"created_at\":\"%s\",\"due_at\":\"%s\",\"state\":\"pending\","
		"\"votes\":[],\"rationale\":\"\",\"version\":%d}}",
		(long long)++seq, t, id, subject_json, t, d, version), 0);
}

static void fill(struct wf_harness *h)
{
	add_platform(h, "p-a", "Alpha Video");
	add_platform(h, "p-b", "Beta Social");
	add_incident(h, "inc-1", "\"Live-streamed attack, Riverside mosque\"");
	add_signal(h, "sig-1", "inc-1");
	for (int i = 0; i < 10; i++)
		add_sighting(h, i % 2 ? "p-a" : "p-b", "inc-1", 5 + i, T0 - (10 - i) * 30000);
	add_decision(h, "dec-1", "\"Add hash of variant 1 to the shared list\"",
		     T0 + 10 * MIN, 1);
	add_decision(h, "dec-2", "\"Activate the incident protocol\"", T0 - 1 * MIN, 1);
}

static void test_four_panes_and_unchanged_frame(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	assert_true(wf_harness_frame(&h, T0, false) > 0);
	assert_true(wf_harness_find(&h, "1 Incidents"));
	assert_true(wf_harness_find(&h, "Live-streamed attack"));
	assert_true(wf_harness_find(&h, "Alpha Video"));
	assert_true(wf_harness_find(&h, "3 Propagation"));
	assert_true(wf_harness_find(&h, "Activate the incident protocol"));
	assert_true(wf_harness_find(&h, "OVER"));
	assert_true(wf_harness_find(&h, "LIVE FEED"));
	/* nothing changed: a frame that is drawn anyway writes nothing */
	size_t same = wf_harness_frame(&h, T0, true);
	if (same)
		fprintf(stderr, "unchanged frame wrote %zu bytes: %.*s\n", same,
			(int)h.frame_len, h.frame);
	assert_int_equal(same, 0);
	assert_int_equal(wf_harness_frame(&h, T0 + 200, false), 0);
	/* one change: a small number of bytes, not a repaint */
	add_decision(&h, "dec-3", "\"Third\"", T0 + 20 * MIN, 1);
	size_t n = wf_harness_frame(&h, T0 + 300, false);
	assert_true(n > 0 && n < 2000);
	wf_harness_close(&h);
}

static void test_hostile_strings(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	/* ESC sequences (clear, OSC title with BEL, DSR via C1 CSI), CR, BS, TAB,
	 * bidi override, zero-width, BOM and invalid UTF-8. */
	add_incident(&h, "inc-2",
		     "\"E\\u001b[2JF\\u001b]0;PWNED\\u0007G\\u009b6nQ\\rR S\\bT U\\tV "
		     "\\u202eevil\\u202c \\u2066x\\u2069 \\u200bz\\ufeff\"");
	add_decision(&h, "dec-9", "\"D\\u001b[31mRED\\u001b[0m\\u000a\\u0085end\"", T0 + 5 * MIN, 1);
	size_t n = wf_harness_frame(&h, T0 + 100, false);
	assert_true(n > 0);
	assert_false(wf_harness_frame_has(&h, "\x1b[2J", 4));
	assert_false(wf_harness_frame_has(&h, "\x1b]", 2));
	assert_false(wf_harness_frame_has(&h, "\x07", 1));
	assert_false(wf_harness_frame_has(&h, "\xc2\x9b", 2));
	assert_false(wf_harness_frame_has(&h, "\xc2\x85", 2));
	assert_false(wf_harness_frame_has(&h, "Q\rR", 3));
	assert_false(wf_harness_frame_has(&h, "S\bT", 3));
	assert_false(wf_harness_frame_has(&h, "U\tV", 3));
	assert_false(wf_harness_frame_has(&h, "\xe2\x80\xae", 3)); /* U+202E */
	assert_false(wf_harness_frame_has(&h, "\xe2\x80\xac", 3));
	assert_false(wf_harness_frame_has(&h, "\xe2\x81\xa6", 3)); /* U+2066 */
	assert_false(wf_harness_frame_has(&h, "\xe2\x80\x8b", 3)); /* U+200B */
	assert_false(wf_harness_frame_has(&h, "\xef\xbb\xbf", 3)); /* BOM */
	assert_false(wf_harness_frame_has(&h, "\x1b[31mRED", 8));
	/* the text is there, with visible placeholders where the controls were */
	assert_true(wf_harness_find(&h, "E?[2JF?]0;PWNED?G?6nQ?R S?T U?V ?evil?"));
	assert_true(wf_harness_find(&h, "D?[31mRED?[0m??end"));
	wf_harness_close(&h);
}

static void test_clipping_wide_and_combining(void **state)
{
	struct wf_harness h;
	char row[512];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 24, 80, false, false), 0);
	WINDOW *w = newwin(3, 20, 0, 0);
	mvwaddstr(w, 0, 0, "....................");
	mvwaddstr(w, 1, 0, "....................");
	mvwaddstr(w, 2, 0, "....................");
	assert_int_equal(wf_text_draw(w, 0, 0, "日本語日本語", 5, 0), 4);
	assert_int_equal(wf_text_draw(w, 1, 0, "\U0001F600\U0001F600\U0001F600", 5, 0), 4);
	assert_int_equal(wf_text_draw(w, 2, 0, "e\u0301e\u0301e\u0301e\u0301", 3, 0), 3);
	assert_int_equal(wf_text_draw(w, 2, 18, "日本", -1, 0), 2); /* window edge */
	wnoutrefresh(w);
	doupdate();
	wf_harness_row(&h, 0, row, sizeof(row));
	assert_memory_equal(row, "日本................", strlen("日本................"));
	wf_harness_row(&h, 1, row, sizeof(row));
	assert_memory_equal(row, "\U0001F600\U0001F600....", strlen("\U0001F600\U0001F600...."));
	wf_harness_row(&h, 2, row, sizeof(row));
	assert_memory_equal(row, "e\u0301e\u0301e\u0301...", strlen("e\u0301e\u0301e\u0301..."));
	assert_non_null(strstr(row, "...日"));
	delwin(w);
	/* wrapping: at word boundaries, long words cut, LF kept, controls shown */
	WINDOW *v = newwin(5, 8, 5, 0);
	assert_int_equal(wf_text_draw_wrapped(v, 0, 0, 5, 8, 0, "hello world\x1b abcdefghijk\nz",
					      0), 5);
	wnoutrefresh(v);
	doupdate();
	wf_harness_row(&h, 5, row, sizeof(row));
	assert_memory_equal(row, "hello   ", 8);
	wf_harness_row(&h, 6, row, sizeof(row));
	assert_memory_equal(row, "world?  ", 8);
	wf_harness_row(&h, 7, row, sizeof(row));
	assert_memory_equal(row, "abcdefgh", 8);
	wf_harness_row(&h, 8, row, sizeof(row));
	assert_memory_equal(row, "ijk     ", 8);
	delwin(v);
	wf_harness_close(&h);
}

static void test_selection_kept_by_id(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	wf_harness_key(&h, '4', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'j', false); /* dec-2 (overdue) first, then dec-1 */
	wf_harness_frame(&h, T0, false);
	assert_string_equal(wf_pane_selected(&h.ui.panes[3]), "dec-1");
	add_decision(&h, "dec-0", "\"Earlier one\"", T0 + 1 * MIN, 1);
	add_decision(&h, "dec-00", "\"Even earlier\"", T0, 1);
	wf_harness_frame(&h, T0 + 10, false);
	assert_string_equal(wf_pane_selected(&h.ui.panes[3]), "dec-1");
	assert_int_equal(h.ui.panes[3].sel, 3);
	wf_harness_close(&h);
}

static void test_filter(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	wf_harness_key(&h, '4', false);
	wf_harness_frame(&h, T0, false);
	assert_int_equal(h.ui.panes[3].n, 2);
	wf_harness_key(&h, '/', false);
	wf_harness_type(&h, "activ(");
	wf_harness_frame(&h, T0, false);
	assert_true(h.ui.prompt_err[0] != '\0'); /* compile error, shown in place */
	assert_true(wf_harness_find(&h, "missing closing parenthesis"));
	wf_harness_key(&h, 127, false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_int_equal(h.ui.panes[3].n, 1);
	assert_true(wf_harness_find(&h, "/activ/"));
	/* keys right after a filter act on the filtered rows, not on what was drawn */
	wf_harness_key(&h, '/', false);
	wf_harness_key(&h, 21, false); /* Ctrl-U */
	wf_harness_type(&h, "hash");
	wf_harness_key(&h, '\r', false);
	wf_harness_key(&h, '\r', false);
	assert_true(h.ui.panes[3].detail);
	assert_string_equal(h.ui.panes[3].detail_id, "dec-1");
	wf_harness_key(&h, 27, false);
	/* a pattern that backtracks catastrophically stops at the match limit */
	wf_harness_key(&h, '/', false);
	wf_harness_key(&h, 21, false); /* Ctrl-U */
	wf_harness_type(&h, "(a+)+$|(x*)*y");
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_int_equal(h.ui.panes[3].n, 0);
	wf_harness_close(&h);
}

static void test_read_only_gate(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, true, true), 0);
	fill(&h);
	wf_harness_key(&h, '4', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'a', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	assert_non_null(strstr(h.ui.msg, "read-only"));
	assert_int_equal(wf_ui_command(&h.ui, "reject"), WF_REACT_DRAW);
	assert_non_null(strstr(h.ui.msg, "read-only"));
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	wf_harness_key(&h, '?', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "(read-only: off)"));
	/* an action without a key shows its : command, not "-" (read as the key -) */
	wf_harness_key(&h, 'G', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, ":untag"));
	assert_true(wf_harness_find(&h, ":reload"));
	assert_false(wf_harness_find(&h, "│ -  "));
	wf_harness_close(&h);
}

static void test_triage_and_undo(void **state)
{
	struct wf_harness h;
	const struct wf_outbox_record *r[4];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, true), 0);
	fill(&h);
	wf_harness_key(&h, '4', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'j', false); /* dec-1 */
	wf_harness_key(&h, 'r', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_REASON);
	wf_harness_key(&h, '\r', false); /* a reason is required for reject */
	assert_int_equal(h.ui.prompt, WF_PROMPT_REASON);
	wf_harness_type(&h, "Not a match ✓");
	wf_harness_key(&h, '\r', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_CONFIRM);
	/* a new decision arriving now does not change what is being confirmed */
	add_decision(&h, "dec-0", "\"Earlier one\"", T0, 1);
	wf_harness_frame(&h, T0, false);
	wf_harness_key(&h, 'y', false);
	assert_int_equal(wf_outbox_count(h.outbox), 1);
	assert_int_equal(wf_outbox_list(h.outbox, r, 4), 1);
	assert_string_equal(r[0]->path, "/v1/decisions/dec-1/resolve");
	assert_non_null(strstr(r[0]->body, "\"action\":\"reject\""));
	assert_non_null(strstr(r[0]->body, "\"version\":1"));
	assert_non_null(strstr(r[0]->body, "Not a match"));
	wf_harness_key(&h, '\r', false); /* the detail shows it in the outbox */
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "reject   held (u undoes it)"));
	wf_harness_key(&h, 27, false);
	wf_harness_key(&h, 'u', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	/* tag two, ; then escalate both with one reason (no confirmation) */
	wf_harness_key(&h, 'g', false);
	wf_harness_key(&h, ' ', false);
	wf_harness_key(&h, ' ', false);
	wf_harness_key(&h, ';', false);
	wf_harness_key(&h, 'e', false);
	wf_harness_type(&h, "needs legal");
	wf_harness_key(&h, '\r', false);
	assert_int_equal(wf_outbox_count(h.outbox), 2);
	assert_int_equal(h.ui.panes[3].n_tags, 0);
	wf_harness_key(&h, 'o', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "escalate held"));
	assert_true(wf_harness_find(&h, "/v1/decisions/dec-0/resolve"));
	wf_harness_key(&h, 27, false);
	/* q asks first when the outbox is not empty; n stays */
	assert_int_equal(wf_harness_key(&h, 'q', false), WF_REACT_DRAW);
	assert_int_equal(h.ui.prompt, WF_PROMPT_QUIT);
	assert_int_equal(wf_harness_key(&h, 'n', false), WF_REACT_DRAW);
	wf_harness_key(&h, 'u', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	assert_int_equal(wf_harness_key(&h, 'q', false), WF_REACT_QUIT);
	wf_harness_close(&h);
}

static void test_layouts_and_details(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	wf_harness_frame(&h, T0, false);
	assert_int_equal(h.ui.layout, WF_LAYOUT_QUAD);
	wf_harness_resize(&h, 24, 80);
	wf_harness_frame(&h, T0, false);
	assert_int_equal(h.ui.layout, WF_LAYOUT_SINGLE);
	assert_true(wf_harness_find(&h, "Live-streamed attack"));
	wf_harness_key(&h, '\t', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Alpha Video"));
	wf_harness_resize(&h, 20, 60);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Terminal too small: 60x20"));
	wf_harness_resize(&h, 60, 200);
	wf_harness_key(&h, '1', false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Timeline"));
	assert_true(wf_harness_find(&h, "Signals (newest first)"));
	/* G (and j past the end) stop with the last line at the bottom: a detail that
	 * fits stays whole (G left its last line alone at the top) */
	wf_harness_key(&h, 'G', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_frame(&h, T0, false);
	assert_int_equal(h.ui.panes[0].detail_skip, 0);
	assert_true(wf_harness_find(&h, "Timeline"));
	for (int i = 0; i < 100; i++)
		wf_harness_key(&h, 'j', false);
	wf_harness_frame(&h, T0, false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Signals (newest first)"));
	wf_harness_key(&h, 27, false);
	wf_harness_key(&h, '4', false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Votes and history"));
	assert_true(wf_harness_find(&h, "Full text"));
	wf_harness_key(&h, 27, false);
	wf_harness_key(&h, 's', false);
	assert_int_equal(h.ui.panes[3].sort, 1);
	wf_harness_key(&h, '1', false);
	wf_harness_key(&h, 'i', false);
	assert_string_equal(h.ui.context_id, "inc-1");
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "ctx inc-1"));
	wf_harness_close(&h);
}

/* Issue 12's effects as a second officer sees them in the incident's detail: the
 * exception and the notification in the timeline, a candidate signal marked as not
 * shared, copies kept under the exception counted apart. */
static void test_effects_in_detail(void **state)
{
	struct wf_harness h;
	char t[32];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 90, 200, false, false), 0);
	fill(&h);
	ts(T0 - 2 * MIN, t);
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"signal.added\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"sig-2\",\"incident_id\":\"inc-1\",\"type\":\"md5\","
		"\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":90,\"variant_id\":\"v2\","
		"\"platform_id\":\"p-b\",\"added_at\":\"%s\",\"state\":\"proposed\",\"version\":1}}",
		(long long)++seq, t, t), 0);
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"exception.granted\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"exc-1\",\"incident_id\":\"inc-1\",\"decision_id\":\"dec-9\","
		"\"signal_id\":\"sig-1\",\"platform_id\":\"p-a\",\"reason\":\"News archive\\u001b[2J copy\","
		"\"granted_by\":[\"p-a\",\"p-b\"],\"granted_at\":\"%s\",\"version\":1}}",
		(long long)++seq, t, t), 0);
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"authority.notified\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"ntf-1\",\"incident_id\":\"inc-1\",\"decision_id\":\"dec-8\","
		"\"authority\":\"NZ Police referral unit\",\"by\":\"olga\",\"approved_by\":[\"p-b\"],"
		"\"at\":\"%s\",\"version\":1}}",
		(long long)++seq, t, t), 0);
	ts(T0 - 1 * MIN, t);
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
		"{\"platform_id\":\"p-a\",\"incident_id\":\"inc-1\",\"items\":[{\"signal_id\":\"sig-1\","
		"\"count\":7,\"outcome\":\"kept\",\"seen_at\":\"%s\",\"exception_id\":\"exc-1\"}]}}",
		(long long)++seq, t, t), 0);
	assert_int_equal(wf_harness_apply(&h,
		"{\"seq\":%lld,\"type\":\"incident.updated\",\"time\":\"%s\",\"data\":"
		"{\"id\":\"inc-1\",\"title\":\"Live-streamed attack, Riverside mosque\","
		"\"tier\":\"protocol_activated\",\"state\":\"active\",\"opened_at\":\"%s\","
		"\"activated_at\":\"%s\",\"summary\":\"\",\"version\":2,\"updated_by\":\"decision dec-2\"}}",
		(long long)++seq, t, t, t), 0);
	wf_harness_key(&h, '1', false);
	wf_harness_key(&h, '\r', false);
	wf_harness_frame(&h, T0, false);
	assert_true(wf_harness_find(&h, "Last change by: decision dec-2"));
	assert_true(wf_harness_find(&h, "protocol activated"));
	assert_true(wf_harness_find(&h, "public-interest exception granted"));
	assert_true(wf_harness_find(&h, "News archive"));
	assert_false(wf_harness_find(&h, "\x1b")); /* the ESC became a placeholder */
	assert_true(wf_harness_find(&h, "granted by: p-a, p-b"));
	assert_true(wf_harness_find(&h, "authority notified"));
	assert_true(wf_harness_find(&h, "NZ Police referral unit"));
	assert_true(wf_harness_find(&h, "(proposed: not shared until approved)"));
	assert_true(wf_harness_find(&h, "(public-interest exception)"));
	assert_true(wf_harness_find(&h, "KEPT-EX"));
	assert_true(wf_harness_find(&h, "Kept under a public-interest exception: 7 in 24 h"));
	wf_harness_close(&h);
}

static void test_text_frame(void **state)
{
	struct wf_harness h;
	char *buf = NULL;
	size_t len = 0;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 24, 80, false, false), 0);
	fill(&h);
	add_incident(&h, "inc-2", "\"E\\u001b[2JF\\rG\\u202eH 日本語\"");
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(wf_text_frame(h.model, T0, 100, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "INCIDENTS (2)"));
	assert_non_null(strstr(buf, "Live-streamed attack"));
	assert_non_null(strstr(buf, "PLATFORMS (2)"));
	assert_non_null(strstr(buf, "PROPAGATION inc-1"));
	assert_non_null(strstr(buf, "PENDING DECISIONS (2)"));
	assert_non_null(strstr(buf, "OVER 1m"));
	for (size_t i = 0; i < len; i++)
		assert_true(buf[i] == '\n' || (unsigned char)buf[i] >= 0x20);
	assert_null(strstr(buf, "\xe2\x80\xae"));
	/* every line within the width, in display columns */
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		if (wf_text_width(line) > 100)
			fail_msg("too wide (%d): %s", wf_text_width(line), line);
	free(buf);
	wf_harness_close(&h);
}

/* Watch rules with the highlight action mark matching incident titles and platforms
 * with a '*' (colour is not the only signal); rows that do not match are unmarked. */
static void test_watch_highlight(void **state)
{
	(void)state;
	struct wf_harness h;
	char err[256];
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	add_incident(&h, "inc-2", "\"Hoax video, Northfield\"");
	struct wf_watch_rules *rules = wf_watch_rules_new();
	assert_int_equal(wf_watch_add(rules, "title /riverside/i highlight", "cfg", 1, err,
				      sizeof err), 0);
	assert_int_equal(wf_watch_add(rules, "platform /^Beta/ highlight", "cfg", 2, err,
				      sizeof err), 0);
	h.ui.watch = rules;
	wf_harness_frame(&h, T0, true);
	char row[512];
	bool riverside = false, hoax = false, beta = false, alpha = false;
	for (int y = 0; y < 40; y++) {
		wf_harness_row(&h, y, row, sizeof row);
		if (strstr(row, "*Live-streamed attack"))
			riverside = true;
		if (strstr(row, "*Hoax video"))
			hoax = true;
		if (strstr(row, "*Beta Social"))
			beta = true;
		if (strstr(row, "*Alpha Video"))
			alpha = true;
	}
	assert_true(riverside);
	assert_false(hoax);
	assert_true(beta);
	assert_false(alpha);
	h.ui.watch = NULL;
	wf_watch_rules_free(rules);
	wf_harness_close(&h);
}

/* Several backends: the status bar names the one in use (sanitized, no scheme). */
static void test_status_backend(void **state)
{
	(void)state;
	struct wf_harness h;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	struct wf_conn c = *wf_model_conn(h.model);
	c.state = WF_CONN_LIVE;
	wf_harness_frame(&h, T0, true);
	assert_false(wf_harness_find(&h, "via "));
	snprintf(c.backend, sizeof(c.backend), "http://10.0.0.12:8470\x1b[2J");
	c.backend_index = 2;
	c.n_backends = 2;
	wf_model_set_conn(h.model, &c);
	wf_harness_frame(&h, T0, true);
	assert_true(wf_harness_find(&h, "via 10.0.0.12:8470"));
	assert_true(wf_harness_find(&h, " 2/2"));
	assert_false(wf_harness_frame_has(&h, "\x1b[2J", 4));
	wf_harness_close(&h);
}

/* Outbox lines that could not be read at start are not silently gone: the status
 * bar counts them and the outbox view says where the copy is. */
static void test_outbox_unreadable_lines_shown(void **state)
{
	(void)state;
	struct wf_harness h;
	char err[256], path[160], corrupt[200];
	uint64_t id;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, true), 0);
	assert_int_equal(wf_outbox_enqueue(h.outbox, "note", "/v1/decisions/dec-1/resolve",
					   "{\"action\":\"note\",\"reason\":\"a\",\"version\":1}", T0, &id), 0);
	assert_int_equal(wf_outbox_enqueue(h.outbox, "note", "/v1/decisions/dec-2/resolve",
					   "{\"action\":\"note\",\"reason\":\"b\",\"version\":1}", T0, &id), 0);
	snprintf(path, sizeof path, "%s", wf_outbox_path(h.outbox));
	wf_outbox_close(h.outbox);
	/* a line in the middle of the file that does not parse */
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char lines[2][4096];
	assert_non_null(fgets(lines[0], sizeof lines[0], f));
	assert_non_null(fgets(lines[1], sizeof lines[1], f));
	fclose(f);
	f = fopen(path, "w");
	fprintf(f, "%s{\"op\":\"add\",\"id\":\n%s", lines[0], lines[1]);
	fclose(f);
	h.outbox = wf_outbox_open(h.state_dir, false, err, sizeof err);
	assert_non_null(h.outbox);
	h.ui.outbox = h.outbox;
	assert_int_equal(wf_outbox_corrupt_count(h.outbox), 1);
	wf_harness_frame(&h, T0, true);
	assert_true(wf_harness_find(&h, "1 unreadable"));
	wf_harness_key(&h, 'o', false);
	wf_harness_frame(&h, T0 + 100, true);
	assert_true(wf_harness_find(&h, "outbox.log.corrupt"));
	snprintf(corrupt, sizeof corrupt, "%s.corrupt", path);
	unlink(corrupt);
	wf_harness_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_four_panes_and_unchanged_frame),
		cmocka_unit_test(test_hostile_strings),
		cmocka_unit_test(test_clipping_wide_and_combining),
		cmocka_unit_test(test_selection_kept_by_id),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_read_only_gate),
		cmocka_unit_test(test_triage_and_undo),
		cmocka_unit_test(test_layouts_and_details),
		cmocka_unit_test(test_effects_in_detail),
		cmocka_unit_test(test_text_frame),
		cmocka_unit_test(test_watch_highlight),
		cmocka_unit_test(test_outbox_unreadable_lines_shown),
		cmocka_unit_test(test_status_backend),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
