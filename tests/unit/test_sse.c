/* test_sse.c - the SSE parser's conformance table: every fixture is fed whole and
 * in chunks of every size from 1 to 7 bytes and must give the same events, last
 * event ID, retry and error count each time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/sse.h"

struct fixture {
	const char *name;
	const char *in;
	size_t in_len;	     /* 0: strlen(in) */
	const char *events;  /* each event as "<type|id|data>" (data bytes as is) */
	const char *last_id; /* after the whole input */
	int64_t retry;	     /* -1: none set */
	unsigned errors;
	size_t max_event; /* 0: default */
};

#define BIG_N 300

static const struct fixture fixtures[] = {
	{"simple", "data: hello\n\n", 0, "<message||hello>", "", -1, 0, 0},
	{"typed with id", "id: 7\nevent: incident.updated\ndata: {}\n\n", 0,
	 "<incident.updated|7|{}>", "7", -1, 0, 0},
	{"CRLF", "data: a\r\n\r\ndata: b\r\n\r\n", 0, "<message||a><message||b>", "",
	 -1, 0, 0},
	{"CR only", "data: a\r\rdata: b\r\r", 0, "<message||a><message||b>", "", -1, 0,
	 0},
	{"mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", 0,
	 "<message||a\nb\nc>", "", -1, 0, 0},
	{"CR then LF is one line end, CR CR two", "data: x\r\r\ndata: y\n\n", 0,
	 "<message||x><message||y>", "", -1, 0, 0},
	{"multi-line data joined with LF", "data: one\ndata: two\ndata:\n\n", 0,
	 "<message||one\ntwo\n>", "", -1, 0, 0},
	{"one leading space removed only", "data:  two spaces\ndata:nospace\n\n", 0,
	 "<message|| two spaces\nnospace>", "", -1, 0, 0},
	{"comments ignored", ": heartbeat\n:\ndata: x\n: mid\n\n", 0, "<message||x>",
	 "", -1, 0, 0},
	{"field without colon: empty value", "data\n\ndata\ndata\n\n", 0,
	 "<message||><message||\n>", "", -1, 0, 0},
	{"names are case-sensitive", "Data: no\nDATA: no\nEvent: x\ndata: yes\n\n", 0,
	 "<message||yes>", "", -1, 0, 0},
	{"unknown fields ignored", "foo: bar\nretryx: 5\ndata: d\n\n", 0,
	 "<message||d>", "", -1, 0, 0},
	{"event type reset after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n", 0,
	 "<a||1><message||2>", "", -1, 0, 0},
	{"event type without data fires nothing and is reset",
	 "event: a\n\ndata: 2\n\n", 0, "<message||2>", "", -1, 0, 0},
	{"id kept across events", "id: 5\ndata: a\n\ndata: b\n\n", 0,
	 "<message|5|a><message|5|b>", "5", -1, 0, 0},
	{"empty id clears", "id: 5\ndata: a\n\nid\ndata: b\n\n", 0,
	 "<message|5|a><message||b>", "", -1, 0, 0},
	{"id: with empty value clears", "id: 5\ndata: a\n\nid:\ndata: b\n\n", 0,
	 "<message|5|a><message||b>", "", -1, 0, 0},
	{"id with NUL ignored", "id: 5\ndata: a\n\nid: 6\0x\ndata: b\n\n", 32,
	 "<message|5|a><message|5|b>", "5", -1, 0, 0},
	{"id committed without event", "id: 9\n\n", 0, "", "9", -1, 0, 0},
	{"id not committed before the blank line", "id: 9\ndata: x", 0, "", "", -1, 0,
	 0},
	{"id set in a block without data, used by next", "id: 3\n\ndata: z\n\n", 0,
	 "<message|3|z>", "3", -1, 0, 0},
	{"retry all digits", "retry: 2000\n\n", 0, "", "", 2000, 0, 0},
	{"retry with junk ignored", "retry: 20x0\nretry: -1\nretry: 1.5\nretry:\n\n", 0,
	 "", "", -1, 0, 0},
	{"retry last valid wins", "retry: 10\nretry: 3a\nretry: 30\n", 0, "", "", 30, 0,
	 0},
	{"unfinished event discarded", "data: a\n\ndata: b\n", 0, "<message||a>", "",
	 -1, 0, 0},
	{"unfinished line discarded", "data: a\n\ndata: b", 0, "<message||a>", "", -1,
	 0, 0},
	{"BOM stripped",
	 "\xEF\xBB\xBF"
	 "data: x\n\n",
	 0, "<message||x>", "", -1, 0, 0},
	{"only one BOM stripped",
	 "\xEF\xBB\xBF\xEF\xBB\xBF"
	 "data: x\n\n",
	 0, "", "", -1, 0, 0},
	{"second BOM kept inside data",
	 "\xEF\xBB\xBF"
	 "data: \xEF\xBB\xBFx\n\n",
	 0, "<message||\xEF\xBB\xBFx>", "", -1, 0, 0},
	{"valid UTF-8 kept", "data: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\n\n", 0,
	 "<message||caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80>", "", -1, 0, 0},
	{"invalid byte to U+FFFD",
	 "data: a\xFF"
	 "b\n\n",
	 0,
	 "<message||a\xEF\xBF\xBD"
	 "b>",
	 "", -1, 0, 0},
	{"truncated sequence to one U+FFFD",
	 "data: a\xE2\x82"
	 "b\n\n",
	 0,
	 "<message||a\xEF\xBF\xBD"
	 "b>",
	 "", -1, 0, 0},
	{"lone continuation bytes", "data: \x80\x80\n\n", 0,
	 "<message||\xEF\xBF\xBD\xEF\xBF\xBD>", "", -1, 0, 0},
	{"overlong and surrogate", "data: \xC0\xAF|\xED\xA0\x80\n\n", 0,
	 "<message||\xEF\xBF\xBD\xEF\xBF\xBD|\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD>", "",
	 -1, 0, 0},
	{"truncated sequence before LF", "data: \xF0\x9F\x98\n\n", 0,
	 "<message||\xEF\xBF\xBD>", "", -1, 0, 0},
	{"invalid bytes in field names", "d\xFFta: x\ndata: y\n\n", 0, "<message||y>",
	 "", -1, 0, 0},
	{"NUL inside data kept", "data: a\0b\n\n", 11, "<message||a\0b>", "", -1, 0, 0},
	{"oversize event dropped, stream goes on",
	 "data: 0123456789\ndata: 0123456789\n\ndata: ok\n\n", 0, "<message||ok>", "",
	 -1, 1, 16},
	{"oversize line dropped, stream goes on",
	 "data: 01234567890123456789\n\nid: 2\ndata: fine\n\n", 0, "<message|2|fine>",
	 "2", -1, 1, 16},
	{"oversize comment harmless", ": 01234567890123456789\ndata: fine\n\n", 0,
	 "<message||fine>", "", -1, 0, 16},
	{"colon inside the value kept", "data: a:b: c\n\n", 0, "<message||a:b: c>", "",
	 -1, 0, 0},
	{"empty event field means message", "event\ndata: x\n\nevent:\ndata: y\n\n", 0,
	 "<message||x><message||y>", "", -1, 0, 0},
	{"retry with a second space is not all digits", "retry:  5\n\n", 0, "", "", -1,
	 0, 0},
	{"retry without space", "retry:7\n", 0, "", "", 7, 0, 0},
	{"id keeps inner spaces and a trailing space", "id: a b \ndata: x\n\n", 0,
	 "<message|a b |x>", "a b ", -1, 0, 0},
	{"field name with a space is unknown", "data : x\ndata: y\n\n", 0,
	 "<message||y>", "", -1, 0, 0},
	{"leading blank lines fire nothing", "\n\n\r\n\rdata: x\n\n", 0, "<message||x>",
	 "", -1, 0, 0},
	{"BOM after the start is not stripped",
	 "\n\xEF\xBB\xBF"
	 "data: x\n\n",
	 0, "", "", -1, 0, 0},
	{"CR LF inside a run of data lines", "data: 1\r\ndata: 2\r\n\r\n", 0,
	 "<message||1\n2>", "", -1, 0, 0},
	{"the protocol's frame",
	 "retry: 2000\n\n: heartbeat 2026-11-26T04:30:15.000Z\n\nid: 1235\n"
	 "event: incident.updated\ndata: {\"seq\":1235}\n\n",
	 0, "<incident.updated|1235|{\"seq\":1235}>", "1235", 2000, 0, 0},
};

struct collect {
	char out[4096];
	size_t n;
};

static int on_event(void *ud, const struct wf_sse_event *ev)
{
	struct collect *c = ud;
	assert_true(c->n + ev->type_len + ev->id_len + ev->data_len + 4 <
		    sizeof(c->out));
	assert_int_equal(strlen(ev->type), ev->type_len);
	assert_int_equal(ev->data[ev->data_len], '\0');
	c->out[c->n++] = '<';
	memcpy(c->out + c->n, ev->type, ev->type_len);
	c->n += ev->type_len;
	c->out[c->n++] = '|';
	memcpy(c->out + c->n, ev->id, ev->id_len);
	c->n += ev->id_len;
	c->out[c->n++] = '|';
	memcpy(c->out + c->n, ev->data, ev->data_len);
	c->n += ev->data_len;
	c->out[c->n++] = '>';
	return 0;
}

static void run_fixture(const struct fixture *f, size_t chunk)
{
	struct wf_sse_parser p;
	struct collect c = {.n = 0};
	size_t len = f->in_len ? f->in_len : strlen(f->in);
	wf_sse_init(&p, f->max_event, f->max_event, on_event, &c);
	if (chunk == 0) {
		assert_int_equal(wf_sse_feed(&p, f->in, len), 0);
	} else {
		for (size_t i = 0; i < len; i += chunk) {
			size_t n = len - i < chunk ? len - i : chunk;
			assert_int_equal(wf_sse_feed(&p, f->in + i, n), 0);
		}
	}
	size_t want = strlen(f->events);
	if (strcmp(f->name, "NUL inside data kept") == 0)
		want = 14;
	if (c.n != want || memcmp(c.out, f->events, want) != 0) {
		print_error("fixture '%s' chunk %zu: got '%.*s' want '%.*s'\n", f->name,
			    chunk, (int)c.n, c.out, (int)want, f->events);
		fail();
	}
	if (strcmp(wf_sse_last_id(&p), f->last_id) != 0) {
		print_error("fixture '%s' chunk %zu: last id '%s' want '%s'\n", f->name,
			    chunk, wf_sse_last_id(&p), f->last_id);
		fail();
	}
	if (f->retry < 0)
		assert_false(p.retry_set);
	else
		assert_int_equal(p.retry_ms, f->retry);
	if (p.errors != f->errors) {
		print_error("fixture '%s' chunk %zu: errors %llu want %u\n", f->name,
			    chunk, (unsigned long long)p.errors, f->errors);
		fail();
	}
	wf_sse_free(&p);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		for (size_t chunk = 0; chunk <= 7; chunk++)
			run_fixture(&fixtures[i], chunk);
}

/* Restart (a reconnect) keeps the last event ID but forgets partial input; the BOM
 * check starts again. */
static void test_restart(void **state)
{
	(void)state;
	struct wf_sse_parser p;
	struct collect c = {.n = 0};
	wf_sse_init(&p, 0, 0, on_event, &c);
	wf_sse_feed(&p, "id: 4\ndata: a\n\ndata: partial", 29);
	wf_sse_restart(&p);
	wf_sse_feed(&p,
		    "\xEF\xBB\xBF"
		    "data: b\n\n",
		    12);
	c.out[c.n] = 0;
	assert_string_equal(c.out, "<message|4|a><message|4|b>");
	assert_string_equal(wf_sse_last_id(&p), "4");
	wf_sse_set_last_id(&p, "99");
	wf_sse_feed(&p, "data: c\n\n", 9);
	c.out[c.n] = 0;
	assert_string_equal(c.out, "<message|4|a><message|4|b><message|99|c>");
	wf_sse_free(&p);
}

static int stop_cb(void *ud, const struct wf_sse_event *ev)
{
	(void)ev;
	(*(int *)ud)++;
	return 42;
}

static void test_callback_stops(void **state)
{
	(void)state;
	struct wf_sse_parser p;
	int n = 0;
	wf_sse_init(&p, 0, 0, stop_cb, &n);
	assert_int_equal(wf_sse_feed(&p, "data: a\n\ndata: b\n\n", 18), 42);
	assert_int_equal(n, 1);
	wf_sse_free(&p);
}

/* A big event at the default cap: exactly at the limit passes, one more byte fails. */
static void test_default_cap(void **state)
{
	(void)state;
	struct wf_sse_parser p;
	struct collect c = {.n = 0};
	size_t n = WF_SSE_DEFAULT_MAX + 100;
	char *big = malloc(n);
	assert_non_null(big);
	memcpy(big, "data: ", 6);
	memset(big + 6, 'x', n - 6 - 2);
	big[n - 2] = '\n';
	big[n - 1] = '\n';
	wf_sse_init(&p, 0, 0, NULL, &c);
	wf_sse_feed(&p, big, n);
	assert_int_equal(p.errors, 1);
	assert_int_equal(p.events, 0);
	wf_sse_feed(&p, "data: ok\n\n", 10);
	assert_int_equal(p.events, 1);
	wf_sse_free(&p);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_default_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
