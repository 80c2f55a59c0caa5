/* test_wall.c - the wall display (tui/wall*.c): the banner text and when data counts
 * as stale, the burn-in shift cycle, the wall_* config keys, and the wall rendered
 * headless (tests/lib/harness.c): tiles and panes from 80x24 to 300x80 within the
 * screen, an unchanged frame writes 0 bytes, every key there is (all characters
 * and KEY_* codes) neither quits nor queues anything, stale data is dimmed. */
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
#include "tui/wall/wall.h"
#include "widgets/text.h"

#define T0 1795667400000LL /* 2026-11-26T04:30:00Z */
#define MIN 60000LL

static void test_banner(void **state)
{
	struct wf_conn c;
	char b[200];
	(void)state;
	memset(&c, 0, sizeof(c));
	c.heartbeat_s = 15;
	c.state = WF_CONN_LIVE;
	c.last_event = c.last_data = T0;
	assert_false(wf_wall_banner(&c, T0 + 20000, 60, b, sizeof(b)));
	assert_string_equal(b, "");
	/* live, but silent for more than twice the heartbeat */
	assert_true(wf_wall_banner(&c, T0 + 31000, 60, b, sizeof(b)));
	assert_string_equal(b, "NO DATA FROM BACKEND - data 31 s old");
	/* the backend went away 4 minutes ago; a heartbeat vouches for the data */
	c.state = WF_CONN_RECONNECTING;
	c.last_data = T0 - 10 * MIN;
	c.attempt = 3;
	c.next_try = T0 + 4 * MIN + 20000;
	assert_true(wf_wall_banner(&c, T0 + 4 * MIN, 60, b, sizeof(b)));
	assert_string_equal(b,
			    "BACKEND UNREACHABLE - data 4 min old - retry 3 in 20 s");
	c.state = WF_CONN_OFFLINE;
	assert_true(wf_wall_banner(&c, T0 + 125 * MIN, 60, b, sizeof(b)));
	assert_non_null(strstr(b, "BACKEND UNREACHABLE - data 2 h 05 min old"));
	c.state = WF_CONN_AUTH_FAILED;
	assert_true(wf_wall_banner(&c, T0 + 3 * 86400000LL, 60, b, sizeof(b)));
	assert_string_equal(b,
			    "BACKEND REFUSES THIS DISPLAY (token) - data 3 days old - "
			    "retry every 60 s");
	c.state = WF_CONN_STOPPED;
	assert_true(wf_wall_banner(&c, T0, 30, b, sizeof(b)));
	assert_non_null(strstr(b, "STOPPED"));
	memset(&c, 0, sizeof(c));
	c.state = WF_CONN_CONNECTING;
	assert_true(wf_wall_banner(&c, T0, 60, b, sizeof(b)));
	assert_string_equal(b, "CONNECTING TO BACKEND - no data yet");
	c.state = WF_CONN_REPLAY;
	assert_false(wf_wall_banner(&c, T0, 60, b, sizeof(b)));
}

static void test_shift(void **state)
{
	int dy, dx, seen = 0;
	(void)state;
	wf_wall_shift(T0, 0, &dy, &dx);
	assert_int_equal(dy + dx, 0);
	for (int k = 0; k < 8; k++) {
		wf_wall_shift(k * 180000LL, 180, &dy, &dx);
		assert_true(dy >= 0 && dy <= 1 && dx >= 0 && dx <= 1);
		seen |= 1 << (dy * 2 + dx);
		int ndy, ndx; /* one cell at a time */
		wf_wall_shift((k + 1) * 180000LL, 180, &ndy, &ndx);
		assert_int_equal(abs(ndy - dy) + abs(ndx - dx), 1);
	}
	assert_int_equal(seen, 15);
}

static void test_config(void **state)
{
	struct wf_wall_config c;
	char err[300];
	(void)state;
	wf_wall_config_default(&c);
	assert_int_equal(c.rotate_s, 20);
	assert_int_equal(c.shift_s, 180);
	assert_int_equal(c.retry_s, 60);
	assert_int_equal(c.exit_key, 0);
	const char *text = "# wall\nnotify = off\nwall_rotate_s = 30  # slower\n"
			   "wall_shift_s=0\nwall_retry_s = 5\nwall_exit_key = F10\n"
			   "theme = wall\n";
	assert_int_equal(
		wf_wall_config_parse(&c, text, strlen(text), "cfg", err, sizeof(err)),
		0);
	assert_int_equal(c.rotate_s, 30);
	assert_int_equal(c.shift_s, 0);
	assert_int_equal(c.retry_s, 5);
	assert_int_equal(c.exit_key, KEY_F(10));
	assert_true(c.exit_key_fn);
	text = "wall_exit_key = x\nwall_rotate_s = 1\nwall_bogus = 3\nwall_exit_key = "
	       "xy\n";
	assert_int_equal(
		wf_wall_config_parse(&c, text, strlen(text), "cfg", err, sizeof(err)),
		3);
	assert_string_equal(err,
			    "cfg:2: wall_rotate_s wants a number of seconds 2..86400");
	assert_int_equal(c.exit_key, 'x');
	assert_false(c.exit_key_fn);
	assert_int_equal(c.rotate_s, 30); /* the bad value left the old one */
}

static int64_t seq;

static void fill(struct wf_harness *h)
{
	char t[32], d[32];
	wf_time_format(T0 - 10 * MIN, t, sizeof(t));
	for (int i = 1; i <= 3; i++)
		assert_int_equal(
			wf_harness_apply(h,
					 "{\"seq\":%lld,\"type\":\"incident.opened\","
					 "\"time\":\"%s\",\"data\":"
					 "{\"id\":\"inc-%d\",\"title\":\"Incident "
					 "number %d\",\"location\":\"R\","
					 "\"tier\":\"content_incident\",\"state\":"
					 "\"active\",\"opened_at\":\"%s\","
					 "\"summary\":\"\",\"version\":1}}",
					 (long long)++seq, t, i, i, t),
			0);
	wf_time_format(T0 + 5 * MIN, d, sizeof(d));
	assert_int_equal(
		wf_harness_apply(h,
				 "{\"seq\":%lld,\"type\":\"decision.opened\",\"time\":"
				 "\"%s\",\"data\":"
				 "{\"id\":\"dec-1\",\"kind\":\"add_signal\",\"incident_"
				 "id\":\"inc-1\","
				 "\"subject\":\"Add the "
				 "hash\",\"subject_ref\":null,\"detail\":\"x\","
				 "\"proposer\":\"sim:board\",\"priority\":\"high\","
				 "\"created_at\":\"%s\","
				 "\"due_at\":\"%s\",\"state\":\"pending\",\"votes\":[],"
				 "\"rationale\":\"\","
				 "\"version\":1}}",
				 (long long)++seq, t, t, d),
		0);
	struct wf_conn c = *wf_model_conn(h->model);
	c.state = WF_CONN_LIVE;
	c.heartbeat_s = 15;
	c.last_event = c.last_data = T0;
	wf_model_set_conn(h->model, &c);
}

static struct wf_wall *wall_attach(struct wf_harness *h)
{
	struct wf_wall_config wc;
	wf_wall_config_default(&wc);
	wc.shift_s = 0;
	struct wf_wall *w = wf_wall_new(&wc, h->model, NULL);
	assert_non_null(w);
	wf_wall_screen(w, &h->active);
	wf_screen_resize(&h->active);
	return w;
}

static void wall_detach(struct wf_harness *h, struct wf_wall *w)
{
	wf_ui_screen(&h->ui, &h->active);
	wf_wall_free(w);
}

static void test_render_sizes(void **state)
{
	static const int sizes[][2] = {{24, 80},  {30, 100}, {40, 120},
				       {50, 160}, {60, 200}, {80, 300}};
	struct wf_harness h;
	char row[4096];
	(void)state;
	assert_int_equal(wf_harness_open(&h, 24, 80, true, false), 0);
	fill(&h);
	struct wf_wall *w = wall_attach(&h);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		wf_harness_resize(&h, sizes[i][0], sizes[i][1]);
		assert_true(wf_harness_frame(&h, T0, true) > 0);
		assert_true(wf_harness_find(&h, "WATCHFLOOR WALL"));
		assert_true(wf_harness_find(&h, "Incidents"));
		assert_true(wf_harness_find(&h, "Propagation"));
		assert_true(wf_harness_find(&h, "Decisions"));
		assert_true(wf_harness_find(&h, "PENDING"));
		assert_true(wf_harness_find(&h, "incident 1/3"));
		assert_false(wf_harness_find(&h, "BACKEND"));
		if (sizes[i][1] >= 120)
			assert_true(wf_harness_find(&h, "█"));
		for (int y = 0; y < sizes[i][0]; y++) {
			wf_harness_row(&h, y, row, sizeof(row));
			assert_true(wf_text_width(row) <= sizes[i][1]);
		}
		/* nothing changed: nothing written */
		assert_int_equal(wf_harness_frame(&h, T0, true), 0);
	}
	/* from 10,000 uploads a minute the tile counts thousands (no 'k' glyph) */
	char t[32];
	wf_time_format(T0 - 5000, t, sizeof(t));
	assert_int_equal(
		wf_harness_apply(
			&h,
			"{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
			"{\"platform_id\":\"p-a\",\"incident_id\":\"inc-1\",\"items\":["
			"{\"signal_id\":"
			"\"sig-1\",\"count\":25300,\"outcome\":\"blocked\",\"seen_at\":"
			"\"%s\","
			"\"hash_type\":\"pdq\",\"hash\":\"%s\"}]}}",
			(long long)++seq, t, t,
			"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b"
			"22"),
		0);
	wf_harness_frame(&h, T0, true);
	assert_true(wf_harness_find(&h, "thousands"));
	/* the rotation moves on after 20 s */
	wf_harness_frame(&h, T0 + 21000, true);
	assert_true(wf_harness_find(&h, "incident 2/3"));
	wall_detach(&h, w);
	wf_harness_close(&h);
}

static void test_every_key(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 120, true, true), 0);
	fill(&h);
	struct wf_wall *w = wall_attach(&h);
	wf_harness_frame(&h, T0, true);
	for (int k = 0; k < 0x3000; k++)
		assert_false(wf_harness_key(&h, k, false) & WF_REACT_QUIT);
	for (int k = KEY_MIN; k <= KEY_MAX; k++)
		if (k != KEY_RESIZE)
			assert_false(wf_harness_key(&h, k, true) & WF_REACT_QUIT);
	/* the wall's gate (its action op, where every wall key goes) */
	assert_int_equal(wf_screen_action(&h.active, wf_action_by_name("approve")),
			 WF_REACT_NONE);
	assert_int_equal(wf_screen_action(&h.active, WF_ACTION_REJECT), WF_REACT_NONE);
	assert_int_equal(wf_screen_action(&h.active, WF_ACTION_QUIT), WF_REACT_NONE);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	assert_false(h.ui.help);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	wf_harness_frame(&h, T0 + 100, true);
	assert_true(wf_harness_find(&h, "WATCHFLOOR WALL"));
	wall_detach(&h, w);
	wf_harness_close(&h);
}

static void test_stale_dimmed(void **state)
{
	struct wf_harness h;
	(void)state;
	assert_int_equal(wf_harness_open(&h, 40, 120, true, false), 0);
	fill(&h);
	struct wf_wall *w = wall_attach(&h);
	wf_harness_frame(&h, T0, true);
	struct wf_conn c = *wf_model_conn(h.model);
	c.state = WF_CONN_RECONNECTING;
	c.attempt = 2;
	wf_model_set_conn(h.model, &c);
	wf_harness_frame(&h, T0 + 10 * MIN, true);
	assert_true(wf_harness_find(&h, "BACKEND UNREACHABLE - data 10 min old"));
	assert_true(
		wf_harness_find(&h, "Incident number 1")); /* the last values stay */
	/* the figures as of the data (T0): dec-1 (due T0 + 5 min) was not overdue then
	 */
	assert_true(wf_harness_find(&h, "0 overdue"));
	assert_true(wf_harness_frame_has(&h, "\033[2m", 4) ||
		    wf_harness_frame_has(&h, ";2m", 3) ||
		    wf_harness_frame_has(&h, "[2;", 3));
	c.state = WF_CONN_LIVE;
	c.last_event = c.last_data = T0 + 10 * MIN + 500;
	wf_model_set_conn(h.model, &c);
	wf_harness_frame(&h, T0 + 10 * MIN + 1000, true);
	assert_false(wf_harness_find(&h, "BACKEND"));
	assert_true(wf_harness_find(&h, "1 overdue"));
	wall_detach(&h, w);
	wf_harness_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner),	  cmocka_unit_test(test_shift),
		cmocka_unit_test(test_config),	  cmocka_unit_test(test_render_sizes),
		cmocka_unit_test(test_every_key), cmocka_unit_test(test_stale_dimmed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
