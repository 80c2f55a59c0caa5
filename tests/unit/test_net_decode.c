/* test_net_decode.c - decoder fixes found while building net/: a reset event with
 * seq 0 (a server whose event log is empty answers a client's newer cursor with its
 * cursor, 0) decodes as a reset; any other event with seq 0 stays invalid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/model.h"
#include "net/decode.h"

static void test_reset_seq_zero(void **state)
{
	(void)state;
	const char *reset =
		"{\"seq\":0,\"type\":\"reset\",\"time\":\"2026-11-26T04:30:00.000Z\","
		"\"data\":{\"reason\":\"cursor_expired\"}}";
	struct wf_event ev;
	struct wf_decode_error err;
	assert_int_equal(wf_decode_envelope(reset, strlen(reset), &ev, &err), 0);
	assert_int_equal(ev.type, WF_EV_RESET);
	assert_int_equal(ev.seq, 0);
	struct wf_model *m = wf_model_new(NULL);
	assert_int_equal(wf_model_apply(m, &ev), WF_APPLY_RESET);
	wf_event_clear(&ev);
	wf_model_free(m);
}

static void test_other_seq_zero_refused(void **state)
{
	(void)state;
	const char *inc =
		"{\"seq\":0,\"type\":\"incident.opened\",\"time\":\"2026-11-26T04:30:"
		"00Z\","
		"\"data\":{\"id\":\"inc-1\",\"title\":\"T\",\"tier\":\"incident\","
		"\"state\":\"active\",\"opened_at\":\"2026-11-26T04:30:00Z\","
		"\"version\":1}}";
	struct wf_event ev;
	struct wf_decode_error err;
	assert_int_equal(wf_decode_envelope(inc, strlen(inc), &ev, &err), -1);
	assert_non_null(strstr(err.msg, "seq"));
	const char *neg =
		"{\"seq\":-1,\"type\":\"reset\",\"time\":\"2026-11-26T04:30:00Z\","
		"\"data\":{}}";
	assert_int_equal(wf_decode_envelope(neg, strlen(neg), &ev, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_seq_zero),
		cmocka_unit_test(test_other_seq_zero_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
