/* test_http_frame.c - the request framer in front of libmicrohttpd (server/
 * http_frame.c): what it refuses and why (a NUL, a control byte, an obs-fold line,
 * whitespace before the colon, a bare CR, ambiguous framing, a long header block),
 * what it passes on and when (a header block whole, once it ended well; body bytes
 * as they come), and that feeding a stream byte by byte gives what feeding it whole
 * gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server/http_frame.h"

struct outcome {
	bool ok;
	size_t released;
	unsigned requests;
	int status;
	char reason[160];
};

static struct outcome feed(const char *p, size_t n, size_t step)
{
	struct http_frame f;
	struct outcome o = {true, 0, 0, 0, ""};
	http_frame_init(&f);
	for (size_t i = 0; i < n && o.ok; i += step) {
		size_t rel;
		o.ok = http_frame_feed(&f, p + i, n - i < step ? n - i : step, &rel);
		o.released += rel;
	}
	o.requests = f.requests;
	o.status = f.status;
	snprintf(o.reason, sizeof(o.reason), "%s", f.reason);
	return o;
}

/* Whole and byte by byte must agree; returns the whole run. */
static struct outcome feed_both(const char *p, size_t n)
{
	struct outcome a = feed(p, n, n ? n : 1), b = feed(p, n, 1);
	assert_int_equal(a.ok, b.ok);
	assert_int_equal(a.released, b.released);
	assert_int_equal(a.requests, b.requests);
	assert_int_equal(a.status, b.status);
	assert_string_equal(a.reason, b.reason);
	return a;
}

#define S(lit) lit, sizeof(lit) - 1

static void test_refused(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		int status;
		const char *reason; /* a part of it */
	} cases[] = {
		{S("GET / HTTP/1.1\r\nAuthorization: Bearer t\0junk\r\n\r\n"), 400,
		 "header 'Authorization': a NUL byte in the value"},
		{S("GET / HTTP/1.1\r\nLast-Event-ID: 20\0junk\r\n\r\n"), 400, "NUL"},
		{S("GET / HTTP/1.1\r\nLast-Event-ID: 20\r\n 0\r\n\r\n"), 400,
		 "obsolete line folding"},
		{S("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n"), 400,
		 "obsolete line folding"},
		{S("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), 400,
		 "whitespace between the request line"},
		{S("GET / HTTP/1.1\r\nAuthorization : x\r\n\r\n"), 400,
		 "header 'Authorization': whitespace before the colon"},
		{S("GET / HTTP/1.1\r\nX\t: a\r\n\r\n"), 400,
		 "whitespace before the colon"},
		{S("GET / HTTP/1.1\r\nX: a\x01"
		   "b\r\n\r\n"),
		 400, "control byte 0x01"},
		{S("GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n"), 400, "control byte 0x7f"},
		{S("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"), 400, "bare CR"},
		{S("GET / HTTP/1.1\r\nX: a\r\n\rx"), 400, "bare CR"},
		{S("GET / HTTP/1.1\r\nNoColon\r\n\r\n"), 400, "has no colon"},
		{S("GET / HTTP/1.1\r\n: v\r\n\r\n"), 400, "empty name"},
		{S("GET / HTTP/1.1\r\nBad\"Name: v\r\n\r\n"), 400, "not a token"},
		{S("GET /a\0b HTTP/1.1\r\n\r\n"), 400, "request target"},
		{S("GET /\x80 HTTP/1.1\r\n\r\n"), 400, "request target"},
		{S("GET  / HTTP/1.1\r\n\r\n"), 400, "request target"},
		{S("GET / HTTP/1.1 x\r\n\r\n"), 400, "no HTTP version"},
		{S("GET / HTTP/2.0\r\n\r\n"), 505, "HTTP/2.0 is not supported"},
		{S("GET / FTP/1.1\r\n\r\n"), 400, "no HTTP version"},
		{S(" GET / HTTP/1.1\r\n\r\n"), 400, "must start with a method"},
		{S("\r\rGET / HTTP/1.1\r\n\r\n"), 400, "CR not followed by LF"},
		{S("POST / HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: "
		   "chunked\r\n\r\n"),
		 400, "both Content-Length and Transfer-Encoding"},
		{S("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n"),
		 400, "two different Content-Length"},
		{S("POST / HTTP/1.1\r\nContent-Length: -2\r\n\r\n"), 400,
		 "not a decimal length"},
		{S("POST / HTTP/1.1\r\nContent-Length: 2, 2\r\n\r\n"), 400,
		 "not a decimal length"},
		{S("POST / HTTP/1.1\r\nContent-Length: 1234567890123456789\r\n\r\n"),
		 400, "not a decimal length"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501,
		 "'gzip, chunked' is not supported"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: "
		   "chunked\r\nTransfer-Encoding: "
		   "chunked\r\n\r\n"),
		 400, "given twice"},
		{S("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400,
		 "HTTP/1.0"},
		/* libmicrohttpd 0.9.75 keeps trailing whitespace: "chunked " is no
		 * chunked there, "5 " no length; refused rather than read apart. */
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked \r\n\r\n"), 400,
		 "header 'Transfer-Encoding': whitespace after the value"},
		{S("POST / HTTP/1.1\r\nContent-Length: 5\t\r\n\r\nhello"), 400,
		 "header 'Content-Length': whitespace after the value"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), 400,
		 "malformed chunk size"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\n{}"), 400,
		 "CRLF"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}}\r\n"),
		 400, "longer than its size"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;a\x01\r\n"),
		 400, "chunk extension"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
		   "1000000000000000\r\n"),
		 400, "over 2^60"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: "
		   "\0\r\n\r\n"),
		 400, "NUL"},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: a\r\n "
		   "b\r\n\r\n"),
		 400, "obsolete line folding"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o = feed_both(cases[i].in, cases[i].len);
		if (o.ok || o.status != cases[i].status ||
		    !strstr(o.reason, cases[i].reason))
			fail_msg("case %zu: want %d '%s', got %s %d '%s'", i,
				 cases[i].status, cases[i].reason,
				 o.ok ? "ok" : "refused", o.status, o.reason);
		/* Nothing of the refused request's header block was passed on. */
		assert_true(o.released < cases[i].len);
	}
}

static void test_passed(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		unsigned requests;
	} cases[] = {
		{S("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t "
		   "\t\r\n\r\n"),
		 1},
		{S("GET / HTTP/1.0\r\n\r\n"), 1},
		{S("GET / HTTP/1.1\nHost: x\nX: y\n\n"), 1}, /* bare LF lines */
		{S("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		 1}, /* empty lines first */
		{S("GET / HTTP/1.1\r\nX: caf\xc3\xa9 \x80\xff\r\nX-Empty:\r\n\r\n"), 1},
		{S("GET /a?b=%00&c=d HTTP/1.1\r\nHost: x\r\n\r\n"), 1},
		{S("POST / HTTP/1.1\r\ncontent-LENGTH: \t 5\r\n\r\nhello"), 1},
		{S("POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: "
		   "2\r\n\r\n{}"),
		 1},
		{S("POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"
		   "2\r\n{}\r\nA;name=\"v\"\r\n0123456789\r\n0\r\nX-T: t\r\n\r\n"),
		 1},
		{S("GET / HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\nContent-Length: "
		   "3\r\n\r\nabc"
		   "GET /x HTTP/1.1\r\n\r\n"),
		 3},
		{S("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\nGET / "
		   "HTTP/1.1\r\n\r\n"),
		 2},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct outcome o = feed_both(cases[i].in, cases[i].len);
		if (!o.ok)
			fail_msg("case %zu refused: %d %s", i, o.status, o.reason);
		assert_int_equal(o.released, cases[i].len);
		assert_int_equal(o.requests, cases[i].requests);
	}
}

/* A header block is held until its empty line, then passed on whole; a body's bytes
 * as they come; a chunk size line once it is whole. */
static void test_release_points(void **state)
{
	(void)state;
	struct http_frame f;
	size_t rel;
	const char head[] = "POST /v1/x HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
	size_t hn = sizeof(head) - 1;
	http_frame_init(&f);
	assert_true(http_frame_feed(&f, head, hn - 1, &rel));
	assert_int_equal(rel, 0);
	assert_int_equal(f.requests, 0);
	assert_string_equal(f.method, "POST");
	assert_string_equal(f.target, "/v1/x");
	assert_true(http_frame_feed(&f, head + hn - 1, 1, &rel));
	assert_int_equal(rel, hn);
	assert_int_equal(f.requests, 1);
	assert_true(f.in_message);
	assert_true(http_frame_feed(&f, "0123", 4, &rel));
	assert_int_equal(rel, 4);
	assert_true(http_frame_feed(&f, "456789GET", 9, &rel));
	assert_int_equal(rel, 6); /* the next request's start is held */
	assert_false(f.in_message);
	/* A refusal in the next block: nothing more is released, and stays so. */
	assert_false(http_frame_feed(&f, " / HTTP/1.1\r\nX: \0\r\n\r\n", 21, &rel));
	assert_int_equal(rel, 0);
	assert_true(http_frame_failed(&f));
	assert_false(http_frame_feed(&f, "more", 4, &rel));
	assert_int_equal(rel, 0);
	assert_int_equal(f.status, 400);

	const char chunked[] = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
	http_frame_init(&f);
	assert_true(http_frame_feed(&f, chunked, sizeof(chunked) - 1, &rel));
	assert_int_equal(rel, sizeof(chunked) - 1);
	assert_true(http_frame_feed(&f, "1", 1, &rel));
	assert_int_equal(rel, 0);
	assert_true(http_frame_feed(&f, "0\r\nabc", 6, &rel));
	assert_int_equal(rel, 7); /* "10\r\n" and three bytes of data */
	assert_true(f.in_message);
	/* A cut chunk: the request stays in_message (libmicrohttpd never ends it). */
	assert_false(http_frame_feed(&f, "defghijklmnopXX", 15, &rel));
	assert_int_equal(rel,
			 13); /* the rest of the data, not what stands for its CRLF */
	assert_true(f.in_message);
	assert_int_equal(f.requests, 1);
}

static void test_head_limit(void **state)
{
	(void)state;
	size_t n = HTTP_FRAME_HEAD_MAX + 100;
	char *big = malloc(n);
	assert_non_null(big);
	memcpy(big, "GET / HTTP/1.1\r\nX-Big: ", 23);
	memset(big + 23, 'a', n - 23);
	struct outcome o = feed_both(big, n);
	assert_false(o.ok);
	assert_int_equal(o.status, 431);
	assert_non_null(strstr(o.reason, "over 32 KiB"));
	assert_int_equal(o.released, 0);
	/* Just under the limit is fine. */
	size_t m = HTTP_FRAME_HEAD_MAX;
	memcpy(big + m - 4, "\r\n\r\n", 4);
	o = feed_both(big, m);
	assert_true(o.ok);
	assert_int_equal(o.released, m);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_passed),
		cmocka_unit_test(test_release_points),
		cmocka_unit_test(test_head_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
