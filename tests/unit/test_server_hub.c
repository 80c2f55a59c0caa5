/* test_server_hub.c - the hub's event ring keeps within both its event count and its
 * byte budget, dropping the oldest events first, and always keeps the newest one
 * even when it alone is over the budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/hub.h"

/* An envelope of exactly len bytes (plus its NUL), malloc'd: the hub takes it. */
static char *envelope(size_t len)
{
	char *e = malloc(len + 1);
	assert_non_null(e);
	memset(e, 'x', len);
	e[len] = '\0';
	return e;
}

static void test_byte_budget(void **state)
{
	(void)state;
	struct hub *h = hub_new(100, 15, NULL, NULL);
	size_t count, bytes;
	assert_non_null(h);
	hub_set_ring_bytes(h, 10000);
	hub_set_range(h, 1, 0);
	for (int64_t seq = 1; seq <= 50; seq++) {
		hub_publish_event(h, seq, WF_EV_SIGHTINGS, envelope(999));
		hub_ring_usage(h, &count, &bytes);
		assert_true(bytes <= 10000);
		assert_int_equal(bytes, count * 1000);
	}
	hub_ring_usage(h, &count, &bytes);
	assert_int_equal(count, 10);
	assert_int_equal(hub_cursor(h), 50);
	/* One event over the whole budget: it alone stays. */
	hub_publish_event(h, 51, WF_EV_SIGHTINGS, envelope(20000));
	hub_ring_usage(h, &count, &bytes);
	assert_int_equal(count, 1);
	assert_int_equal(bytes, 20001);
	/* The next one pushes it out. */
	hub_publish_event(h, 52, WF_EV_SIGHTINGS, envelope(99));
	hub_ring_usage(h, &count, &bytes);
	assert_int_equal(count, 1);
	assert_int_equal(bytes, 100);
	hub_publish_event(h, 53, WF_EV_SIGHTINGS, envelope(99));
	hub_ring_usage(h, &count, &bytes);
	assert_int_equal(count, 2);
	assert_int_equal(bytes, 200);
	hub_free(h);
}

static void test_count_cap(void **state)
{
	(void)state;
	struct hub *h = hub_new(4, 15, NULL, NULL);
	size_t count, bytes;
	assert_non_null(h);
	hub_set_range(h, 1, 0);
	for (int64_t seq = 1; seq <= 10; seq++)
		hub_publish_event(h, seq, WF_EV_SIGHTINGS, envelope(9));
	hub_ring_usage(h, &count, &bytes);
	assert_int_equal(count, 4);
	assert_int_equal(bytes, 40);
	/* A gap empties the ring before the new event goes in. */
	hub_publish_event(h, 20, WF_EV_SIGHTINGS, envelope(9));
	hub_ring_usage(h, &count, &bytes);
	assert_int_equal(count, 1);
	assert_int_equal(bytes, 10);
	hub_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_byte_budget),
		cmocka_unit_test(test_count_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
