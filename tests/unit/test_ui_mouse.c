/* test_ui_mouse.c - the mouse on the headless dashboard (tui/ui_mouse.c): a press
 * focuses the pane under it and selects the row drawn there, a second press on the
 * same row within 400 ms (or ncurses' DOUBLE_CLICKED) opens its detail, a slower
 * one does not, the wheel moves the selection three rows, and a prompt takes no
 * clicks. Positions come from the frame drawn, as a terminal would report them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "model/validate.h"
#include "tests/lib/harness.h"
#include "tui/ui.h"

#define T0 1795667400000LL
#define MIN 60000LL

static int64_t seq;

static void add(struct wf_harness *h, const char *type, const char *data)
{
	char t[32];
	wf_time_format(T0, t, sizeof(t));
	assert_int_equal(wf_harness_apply(h, "{\"seq\":%lld,\"type\":\"%s\",\"time\":\"%s\","
					     "\"data\":%s}",
					  (long long)++seq, type, t, data),
			 0);
}

static void fill(struct wf_harness *h)
{
	char d[600], due[32];
	add(h, "incident.opened",
	    "{\"id\":\"inc-1\",\"title\":\"Mouse incident\",\"location\":\"x\",\"tier\":"
	    "\"incident\",\"state\":\"active\",\"opened_at\":\"2026-11-26T04:00:00Z\","
	    "\"summary\":\"\",\"version\":1}");
	for (int i = 1; i <= 6; i++) {
		wf_time_format(T0 + i * MIN, due, sizeof(due));
		snprintf(d, sizeof(d),
			 "{\"id\":\"dec-%d\",\"kind\":\"add_signal\",\"incident_id\":\"inc-1\","
			 "\"subject\":\"Decision number %d\",\"subject_ref\":null,\"detail\":\"d\","
			 "\"proposer\":\"sim:board\",\"priority\":\"normal\",\"created_at\":"
			 "\"2026-11-26T04:10:00Z\",\"due_at\":\"%s\",\"state\":\"pending\","
			 "\"votes\":[],\"rationale\":\"\",\"version\":1}",
			 i, i, due);
		add(h, "decision.opened", d);
	}
}

/* The screen line showing text, or -1. */
static int line_of(struct wf_harness *h, const char *text)
{
	char row[2048];
	for (int y = 0; y < LINES; y++) {
		wf_harness_row(h, y, row, sizeof(row));
		if (strstr(row, text))
			return y;
	}
	return -1;
}

static const char *selected(struct wf_harness *h)
{
	return wf_pane_selected(&h->ui.panes[WF_PANE_DECISIONS]);
}

static void test_click_select_open(void **state)
{
	(void)state;
	struct wf_harness h;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	wf_harness_frame(&h, T0, true);
	int y3 = line_of(&h, "Decision number 3");
	assert_true(y3 > 0);
	int x = 120; /* the decisions pane: the bottom right quarter */
	assert_int_not_equal(h.ui.focus, WF_PANE_DECISIONS);
	wf_ui_mouse(&h.ui, y3, x, BUTTON1_PRESSED, 1000);
	assert_int_equal(h.ui.focus, WF_PANE_DECISIONS);
	assert_string_equal(selected(&h), "dec-3");
	assert_false(h.ui.panes[WF_PANE_DECISIONS].detail);
	/* The same row again within 400 ms: its detail. */
	wf_ui_mouse(&h.ui, y3, x, BUTTON1_PRESSED, 1300);
	assert_true(h.ui.panes[WF_PANE_DECISIONS].detail);
	/* In the detail view a click selects nothing. */
	wf_ui_mouse(&h.ui, y3 + 1, x, BUTTON1_PRESSED, 2000);
	assert_string_equal(selected(&h), "dec-3");
	wf_ui_dispatch(&h.ui, WF_ACTION_BACK);
	assert_false(h.ui.panes[WF_PANE_DECISIONS].detail);
	wf_harness_frame(&h, T0, true);
	/* Two presses 500 ms apart: two clicks, no detail. */
	int y5 = line_of(&h, "Decision number 5");
	wf_ui_mouse(&h.ui, y5, x, BUTTON1_PRESSED, 5000);
	wf_ui_mouse(&h.ui, y5, x, BUTTON1_PRESSED, 5500);
	assert_string_equal(selected(&h), "dec-5");
	assert_false(h.ui.panes[WF_PANE_DECISIONS].detail);
	/* Two presses on different rows: no detail either. */
	int y2 = line_of(&h, "Decision number 2");
	wf_ui_mouse(&h.ui, y2, x, BUTTON1_PRESSED, 8000);
	wf_ui_mouse(&h.ui, y5, x, BUTTON1_PRESSED, 8100);
	assert_string_equal(selected(&h), "dec-5");
	assert_false(h.ui.panes[WF_PANE_DECISIONS].detail);
	/* ncurses' own double click opens at once. */
	wf_ui_mouse(&h.ui, y2, x, BUTTON1_DOUBLE_CLICKED, 12000);
	assert_string_equal(selected(&h), "dec-2");
	assert_true(h.ui.panes[WF_PANE_DECISIONS].detail);
	wf_ui_dispatch(&h.ui, WF_ACTION_BACK);
	/* A click on the incidents pane focuses it. */
	int yi = line_of(&h, "Mouse incident");
	assert_true(yi >= 0);
	wf_ui_mouse(&h.ui, yi, 10, BUTTON1_PRESSED, 20000);
	assert_int_equal(h.ui.focus, WF_PANE_INCIDENTS);
	wf_harness_close(&h);
}

static void test_wheel_and_prompt(void **state)
{
	(void)state;
	struct wf_harness h;
	assert_int_equal(wf_harness_open(&h, 40, 160, false, false), 0);
	fill(&h);
	wf_harness_frame(&h, T0, true);
	int y1 = line_of(&h, "Decision number 1");
	wf_ui_mouse(&h.ui, y1, 120, BUTTON1_PRESSED, 1000);
	assert_string_equal(selected(&h), "dec-1");
	wf_ui_mouse(&h.ui, y1, 120, BUTTON5_PRESSED, 3000);
	assert_string_equal(selected(&h), "dec-4");
	wf_ui_mouse(&h.ui, y1, 120, BUTTON4_PRESSED, 4000);
	assert_string_equal(selected(&h), "dec-1");
	/* With the filter prompt open the mouse does nothing. */
	wf_harness_key(&h, '/', false);
	assert_int_not_equal(h.ui.prompt, WF_PROMPT_NONE);
	int y4 = line_of(&h, "Decision number 4");
	wf_ui_mouse(&h.ui, y4, 120, BUTTON1_PRESSED, 9000);
	assert_string_equal(selected(&h), "dec-1");
	wf_harness_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_click_select_open),
		cmocka_unit_test(test_wheel_and_prompt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
