/* test_client.c - net/client against a scripted fake HTTP server (a forked child on
 * a loopback port): request headers (Accept, Cache-Control, Last-Event-ID, token,
 * compression), a wrong content type, 204, 401, 503 with Retry-After, a reset event
 * re-reading the snapshot, a bad event counted and skipped, outbox records sent
 * only under the identity that made them, and read-only refusing to send. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "model/model.h"
#include "net/client.h"
#include "net/client_internal.h" /* client_request: net's own read-only refusal */
#include "net/outbox.h"

#define TOKEN "secret-token-123"

static const char *const snapshot_body =
	"{\"cursor\":5,\"server_time\":\"2026-11-26T04:30:00.000Z\",\"heartbeat_s\":1,"
	"\"platforms\":[{\"id\":\"p-fb\",\"name\":\"FB\",\"kind\":\"member\",\"hash_"
	"types\":[],"
	"\"last_heartbeat\":null,\"version\":1}],\"incidents\":[],\"signals\":[],"
	"\"reports\":[],"
	"\"decisions\":[],\"sightings\":[],\"stats\":[]}";

static const char *const sse_ok =
	"retry: 100\n\n: hi\n\n"
	"id: 6\nevent: incident.opened\ndata: {\"seq\":6,\"type\":\"incident.opened\","
	"\"time\":\"2026-11-26T04:30:01.000Z\",\"data\":{\"id\":\"inc-1\",\"title\":"
	"\"T\","
	"\"location\":\"\",\"tier\":\"incident\",\"state\":\"active\",\"opened_at\":"
	"\"2026-11-26T04:30:00.000Z\",\"activated_at\":null,\"concluded_at\":null,"
	"\"summary\":\"\",\"version\":1}}\n\n"
	"id: 7\nevent: incident.updated\ndata: {not json\n\n";

static const char *const sse_reset =
	"retry: 100\n\nid: 9\nevent: reset\ndata: {\"seq\":9,\"type\":\"reset\","
	"\"time\":\"2026-11-26T04:30:01.000Z\",\"data\":{\"reason\":\"cursor_expired\"}"
	"}\n\n";

enum scenario {
	SC_NORMAL,
	SC_WRONG_TYPE,
	SC_204,
	SC_401,
	SC_503,
	SC_RESET,
	SC_ETAG,
	SC_RESET_ALWAYS, /* every stream starts with a reset */
	SC_POLL_EMPTY,   /* every long-poll answers at once with no events */
	SC_FUTURE,       /* a sightings event dated a year ahead, then one dated now */
	SC_206,          /* the stream answered 206 with text/event-stream */
	SC_SILENT,       /* the stream sends its events, then nothing, socket open */
	SC_STALL_SNAP,   /* reset; the second snapshot stops halfway, socket open */
	SC_SLOW_SNAP,    /* reset; the second snapshot dribbles in over ~4 s */
};

static void iso_time(int64_t ms, char *buf, size_t size)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char d[32];
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%03dZ", d, (int)(ms % 1000));
}

/* Two sightings events for inc-1 on p-fb: 10 at a time a year ahead, then 6 now. */
static void future_stream(char *buf, size_t size)
{
	char now[40], later[40];
	int64_t t = wf_client_now_ms();
	iso_time(t, now, sizeof(now));
	iso_time(t + 365LL * 24 * 3600 * 1000, later, sizeof(later));
	const char *fmt =
		"id: %d\nevent: sightings\ndata: {\"seq\":%d,\"type\":\"sightings\","
		"\"time\":\"%s\",\"data\":{\"platform_id\":\"p-fb\",\"incident_id\":"
		"\"inc-1\",\"items\":[{\"signal_id\":\"sig-7\",\"count\":%d,"
		"\"outcome\":\"blocked\",\"seen_at\":\"%s\",\"distance\":null,"
		"\"hash_type\":\"md5\",\"hash\":\"0123456789abcdef0123456789abcdef\"}]}}"
		"\n\n";
	int n = snprintf(buf, size, "retry: 100\n\n");
	n += snprintf(buf + n, size - (size_t)n, fmt, 6, 6, later, 10, later);
	snprintf(buf + n, size - (size_t)n, fmt, 7, 7, now, 6, now);
}

struct fake {
	pid_t pid;
	int port;
	char log[64];
};

static void reply(int fd, const char *status, const char *ctype, const char *extra,
		  const char *body, bool stream)
{
	char head[512];
	size_t n = strlen(body);
	if (stream)
		snprintf(head, sizeof(head),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\n%sConnection: "
			 "close\r\n\r\n",
			 status, ctype, extra);
	else
		snprintf(head, sizeof(head),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\n%sContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 status, ctype, extra, n);
	if (write(fd, head, strlen(head)) < 0 || write(fd, body, n) < 0)
		return;
}

/* The snapshot after headers: one byte (JSON whitespace) every 250 ms for 4 s,
 * then the body: slower than the stall limit (2.5 s) in total, never silent. */
static void reply_slowly(int fd, const char *body)
{
	char head[256];
	size_t pad = 16, n = strlen(body);
	snprintf(head, sizeof(head),
		 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		 n + pad);
	if (write(fd, head, strlen(head)) < 0)
		return;
	for (size_t i = 0; i < pad; i++) {
		struct timespec ts = {0, 250 * 1000 * 1000};
		nanosleep(&ts, NULL);
		if (write(fd, " ", 1) < 0)
			return;
	}
	if (write(fd, body, n) < 0)
		return;
}

static void serve(int lfd, enum scenario sc, const char *logpath)
{
	int n_events = 0, n_snap = 0;
	int n_held = 0; /* sockets left open and silent (never closed) */
	FILE *log = fopen(logpath, "w");
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		char req[8192];
		size_t got = 0;
		while (got < sizeof(req) - 1) {
			ssize_t r = read(fd, req + got, sizeof(req) - 1 - got);
			if (r <= 0)
				break;
			got += (size_t)r;
			req[got] = 0;
			if (strstr(req, "\r\n\r\n"))
				break;
		}
		req[got] = 0;
		fprintf(log, "%s\n----\n", req);
		fflush(log);
		const char *err = "{\"error\":{\"code\":\"x\",\"message\":\"nope\"}}";
		if (strncmp(req, "GET /v1/whoami", 14) == 0) {
			if (sc == SC_401)
				reply(fd, "401 Unauthorized", "application/json", "",
				      err, false);
			else
				reply(fd, "200 OK", "application/json", "",
				      "{\"name\":\"olga\",\"role\":\"officer\","
				      "\"platform_id\":null}",
				      false);
		} else if (strncmp(req, "GET /v1/snapshot", 16) == 0) {
			n_snap++;
			if (sc == SC_401)
				reply(fd, "401 Unauthorized", "application/json", "",
				      err, false);
			else if (sc == SC_ETAG && strstr(req, "If-None-Match: \"5\""))
				reply(fd, "304 Not Modified", "application/json",
				      "ETag: \"5\"\r\n", "", false);
			else if (sc == SC_503)
				reply(fd, "503 Service Unavailable", "application/json",
				      "Retry-After: 7\r\n", err, false);
			else if (sc == SC_STALL_SNAP && n_snap == 2 && n_held < 16) {
				char head[256];
				snprintf(head, sizeof(head),
					 "HTTP/1.1 200 OK\r\nContent-Type: "
					 "application/json\r\nContent-Length: %zu"
					 "\r\n\r\n",
					 strlen(snapshot_body));
				if (write(fd, head, strlen(head)) < 0 ||
				    write(fd, snapshot_body, 40) < 0)
					continue;
				n_held++;
				continue;
			} else if (sc == SC_SLOW_SNAP && n_snap == 2)
				reply_slowly(fd, snapshot_body);
			else
				reply(fd, "200 OK", "application/json",
				      "ETag: \"5\"\r\n", snapshot_body, false);
		} else if (strncmp(req, "GET /v1/events", 14) == 0) {
			n_events++;
			if (sc == SC_WRONG_TYPE)
				reply(fd, "200 OK", "text/html", "", "<html>", true);
			else if (sc == SC_204)
				reply(fd, "204 No Content", "text/event-stream", "", "",
				      false);
			else if (sc == SC_206)
				reply(fd, "206 Partial Content", "text/event-stream",
				      "", sse_ok, true);
			else if (sc == SC_SILENT && n_held < 16) {
				const char *h = "HTTP/1.1 200 OK\r\nContent-Type: "
						"text/event-stream\r\n\r\n";
				if (write(fd, h, strlen(h)) < 0 ||
				    write(fd, sse_ok, strlen(sse_ok)) < 0)
					continue;
				n_held++;
				continue;
			} else if ((sc == SC_STALL_SNAP || sc == SC_SLOW_SNAP) &&
				   n_events == 1)
				reply(fd, "200 OK", "text/event-stream", "", sse_reset,
				      true);
			else if (sc == SC_FUTURE && n_events == 1) {
				char body[4096];
				future_stream(body, sizeof(body));
				reply(fd, "200 OK", "text/event-stream", "", body,
				      true);
			} else if (sc == SC_POLL_EMPTY)
				reply(fd, "200 OK", "application/json", "",
				      "{\"cursor\":5,\"events\":[]}", false);
			else if ((sc == SC_RESET && n_events == 1) ||
				 sc == SC_RESET_ALWAYS)
				reply(fd, "200 OK", "text/event-stream", "", sse_reset,
				      true);
			else
				reply(fd, "200 OK", "text/event-stream; charset=utf-8",
				      "", sse_ok, true);
		} else if (strncmp(req, "POST /v1/", 9) == 0) {
			reply(fd, "200 OK", "application/json", "", "{}", false);
		} else {
			reply(fd, "404 Not Found", "application/json", "", err, false);
		}
		close(fd);
	}
}

static void fake_start(struct fake *f, enum scenario sc)
{
	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	getsockname(lfd, (struct sockaddr *)&a, &al);
	f->port = ntohs(a.sin_port);
	snprintf(f->log, sizeof(f->log), "/tmp/wf-test-client-%d.log", (int)getpid());
	f->pid = fork();
	assert_true(f->pid >= 0);
	if (f->pid == 0) {
		/* Never outlive the test, even when an assertion skips fake_stop(). */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(60);
		serve(lfd, sc, f->log);
		_exit(0);
	}
	close(lfd);
}

static void fake_stop(struct fake *f)
{
	kill(f->pid, SIGKILL);
	waitpid(f->pid, NULL, 0);
	unlink(f->log);
}

static char *read_log(struct fake *f)
{
	FILE *l = fopen(f->log, "r");
	static char buf[65536];
	size_t n = l ? fread(buf, 1, sizeof(buf) - 1, l) : 0;
	buf[n] = 0;
	if (l)
		fclose(l);
	return buf;
}

struct run {
	struct fake f;
	struct wf_model *m;
	struct wf_client *c;
	char dir[64];
	bool dir_ready; /* dir made (and filled) by the test */
	int poll_s;     /* --poll=S (0: 1) */
};

static void run_start_mode(struct run *r, enum scenario sc, bool read_only,
			   enum wf_client_mode mode);
static void run_start(struct run *r, enum scenario sc, bool read_only)
{
	run_start_mode(r, sc, read_only, WF_CLIENT_SSE);
}

static void run_start_mode(struct run *r, enum scenario sc, bool read_only,
			   enum wf_client_mode mode)
{
	char url[64], err[256];
	fake_start(&r->f, sc);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", r->f.port);
	if (!r->dir_ready) {
		snprintf(r->dir, sizeof(r->dir), "/tmp/wf-test-client.XXXXXX");
		assert_non_null(mkdtemp(r->dir));
	}
	r->m = wf_model_new(NULL);
	struct wf_client_config cfg = {
		.url = url,
		.token = TOKEN,
		.read_only = read_only,
		.state_dir = r->dir,
		.hold_ms = 0,
		.mode = mode,
		.poll_s = r->poll_s ? r->poll_s : 1,
	};
	r->c = wf_client_new(&cfg, r->m, err, sizeof(err));
	assert_non_null(r->c);
	wf_client_start(r->c);
}

/* Runs the loop until cond holds or ms pass. */
static bool run_until(struct run *r, int ms, bool (*cond)(struct run *))
{
	int64_t end = wf_client_mono_ms() + ms;
	while (wf_client_mono_ms() < end) {
		wf_client_wait(r->c, NULL, 0, 50);
		wf_client_process(r->c);
		if (cond && cond(r))
			return true;
	}
	return cond == NULL;
}

static void run_stop(struct run *r)
{
	char path[128];
	wf_client_free(r->c);
	wf_model_free(r->m);
	fake_stop(&r->f);
	snprintf(path, sizeof(path), "%s/outbox.log", r->dir);
	unlink(path);
	rmdir(r->dir);
}

static bool has_incident(struct run *r)
{
	return wf_model_incident(r->m, "inc-1") != NULL &&
	       wf_model_conn(r->m)->bad_events > 0;
}

static void test_stream_and_headers(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_NORMAL, false);
	assert_true(run_until(&r, 5000, has_incident));
	const struct wf_conn *c = wf_model_conn(r.m);
	assert_string_equal(c->user, "olga");
	assert_string_equal(c->role, "officer");
	assert_int_equal(c->heartbeat_s, 1);
	assert_true(wf_client_synced(r.c));
	assert_int_equal(wf_model_cursor(r.m), 6);
	assert_true(c->bad_events >= 1); /* the bad event: counted, skipped */
	const char *log = read_log(&r.f);
	assert_non_null(strstr(log, "GET /v1/events?after=5 "));
	assert_non_null(strstr(log, "Accept: text/event-stream"));
	assert_non_null(strstr(log, "Cache-Control: no-cache"));
	assert_non_null(strstr(log, "Last-Event-ID: 5"));
	assert_non_null(strstr(log, "Authorization: Bearer " TOKEN));
	assert_non_null(strstr(log, "Accept-Encoding: "));
	/* The stream ends: reconnect with the id of the bad event (7), skipping it. */
	run_until(&r, 1500, NULL);
	log = read_log(&r.f);
	assert_non_null(strstr(log, "Last-Event-ID: 7"));
	run_stop(&r);
}

static bool msg_has_type(struct run *r)
{
	return strstr(wf_model_conn(r->m)->message, "content type") != NULL;
}

static void test_wrong_content_type(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_WRONG_TYPE, false);
	assert_true(run_until(&r, 5000, msg_has_type));
	assert_int_equal(wf_model_conn(r.m)->state, WF_CONN_RECONNECTING);
	assert_true(wf_model_conn(r.m)->attempt >= 1);
	run_stop(&r);
}

static bool stopped(struct run *r)
{
	return wf_client_stopped(r->c);
}

static void test_204_stops(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_204, false);
	assert_true(run_until(&r, 5000, stopped));
	assert_int_equal(wf_model_conn(r.m)->state, WF_CONN_STOPPED);
	run_stop(&r);
}

static void test_401_auth_failed(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_401, false);
	assert_true(run_until(&r, 5000, stopped));
	const struct wf_conn *c = wf_model_conn(r.m);
	assert_int_equal(c->state, WF_CONN_AUTH_FAILED);
	assert_non_null(strstr(c->message, "401"));
	assert_null(strstr(c->message, TOKEN));
	run_stop(&r);
}

static bool retrying(struct run *r)
{
	return wf_model_conn(r->m)->attempt >= 1;
}

static void test_503_retry_after(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_503, false);
	assert_true(run_until(&r, 5000, retrying));
	const struct wf_conn *c = wf_model_conn(r.m);
	assert_int_equal(c->state, WF_CONN_RECONNECTING);
	assert_true(c->next_try - wf_client_now_ms() >= 6000); /* Retry-After: 7 */
	assert_non_null(strstr(c->message, "HTTP 503: nope"));
	assert_true(wf_client_timeout_ms(r.c) >= 6000);
	run_stop(&r);
}

static bool two_syncs(struct run *r)
{
	return wf_client_syncs(r->c) >= 2 && wf_model_incident(r->m, "inc-1");
}

static void test_reset_rereads_snapshot(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_RESET, false);
	assert_true(run_until(&r, 5000, two_syncs));
	run_stop(&r);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static bool outbox_settled(struct run *r)
{
	struct wf_outbox *ob = wf_client_outbox(r->c);
	return wf_outbox_count_state(ob, WF_OUTBOX_FAILED) == 2 &&
	       wf_outbox_count(ob) == 2;
}

/* Shift handover: records left by another officer's token, or older than 23 h,
 * are not sent under the new token (the server keys idempotency per token and for
 * 24 h); this officer's own record is sent, and only after whoami answered. */
/* Pacing against a misbehaving server: resets on every stream start go through the
 * retry backoff from the second one on; empty long-poll answers that come back at
 * once are polled again after ~1 s, not at once. */
static void test_reset_loop_backs_off(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_RESET_ALWAYS, true);
	run_until(&r, 3000, NULL);
	int n = count(read_log(&r.f), "GET /v1/snapshot");
	/* retry: 100 ms, doubling: 100+200+400+800+1600 > 3 s. Without backoff: 100s. */
	if (n > 8)
		print_error("%d snapshots in 3 s\n", n);
	assert_true(n >= 3 && n <= 8);
	assert_int_equal(wf_model_conn(r.m)->state, WF_CONN_RECONNECTING);
	run_stop(&r);
}

static void test_empty_poll_paced(void **state)
{
	(void)state;
	struct run r = {0};
	run_start_mode(&r, SC_POLL_EMPTY, true, WF_CLIENT_LONGPOLL);
	run_until(&r, 3000, NULL);
	int n = count(read_log(&r.f), "GET /v1/events?after=5&wait=");
	if (n > 5)
		print_error("%d polls in 3 s\n", n);
	assert_true(n >= 2 && n <= 5);
	assert_int_equal(wf_model_conn(r.m)->state, WF_CONN_POLLING);
	run_stop(&r);
}

static bool two_batches(struct run *r)
{
	return wf_model_cursor(r->m) >= 7;
}

/* A server dating an event a year ahead must not freeze the rates: with the wall
 * clock given to the model, the sightings that follow, dated now, still count. */
static void test_future_event_keeps_rates(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_FUTURE, true);
	assert_true(run_until(&r, 5000, two_batches));
	struct wf_rates rt;
	wf_model_rates(r.m, "inc-1", "p-fb", wf_client_now_ms(), &rt);
	if (rt.rate1 <= 0)
		print_error("rate1 %f rate5 %f\n", rt.rate1, rt.rate5);
	assert_true(rt.rate1 > 0);
	run_stop(&r);
}

static void test_outbox_identity(void **state)
{
	(void)state;
	struct run r = {0};
	char err[256], fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
	uint64_t id;
	int64_t now = wf_client_now_ms();
	snprintf(r.dir, sizeof(r.dir), "/tmp/wf-test-client.XXXXXX");
	assert_non_null(mkdtemp(r.dir));
	r.dir_ready = true;
	struct wf_outbox *ob = wf_outbox_open(r.dir, false, err, sizeof(err));
	assert_non_null(ob);
	wf_outbox_token_fp("the-previous-token", fp);
	wf_outbox_set_identity(ob, "piet", fp);
	assert_int_equal(wf_outbox_enqueue(ob, "approve", "/v1/decisions/d1/resolve",
					   "{\"action\":\"approve\"}", now, &id),
			 0);
	wf_outbox_token_fp(TOKEN, fp);
	wf_outbox_set_identity(ob, "olga", fp);
	assert_int_equal(wf_outbox_enqueue(ob, "reject", "/v1/decisions/d2/resolve",
					   "{\"action\":\"reject\"}",
					   now - 24 * 3600 * 1000LL, &id),
			 0);
	assert_int_equal(wf_outbox_enqueue(ob, "note", "/v1/decisions/d3/resolve",
					   "{\"action\":\"note\"}", now, &id),
			 0);
	wf_outbox_close(ob);

	run_start(&r, SC_NORMAL, false);
	assert_true(run_until(&r, 5000, outbox_settled));
	ob = wf_client_outbox(r.c);
	const struct wf_outbox_record *recs[4];
	assert_int_equal(wf_outbox_list(ob, recs, 4), 2);
	assert_string_equal(recs[0]->message,
			    "made by piet with another token: review and resend or drop");
	assert_string_equal(recs[1]->message,
			    "older than 23 h: the server no longer knows its key");
	const char *log = read_log(&r.f);
	assert_int_equal(count(log, "POST "), 1);
	assert_non_null(strstr(log, "POST /v1/decisions/d3/resolve"));
	/* Sent under a known identity: whoami answered first. */
	const char *who = strstr(log, "GET /v1/whoami");
	assert_non_null(who);
	assert_true(who < strstr(log, "POST "));
	char path[128];
	snprintf(path, sizeof(path), "%s/outbox.log.corrupt", r.dir);
	unlink(path);
	run_stop(&r);
}

static void test_read_only_sends_nothing(void **state)
{
	(void)state;
	struct run r = {0};
	uint64_t id;
	run_start(&r, SC_NORMAL, true);
	struct wf_outbox *ob = wf_client_outbox(r.c);
	assert_non_null(ob);
	assert_int_equal(wf_outbox_enqueue(ob, "approve", "/v1/decisions/d/resolve",
					   "{\"action\":\"approve\"}",
					   wf_client_now_ms(), &id),
			 -1);
	run_until(&r, 800, NULL);
	assert_null(strstr(read_log(&r.f), "POST"));
	/* net's own refusal, below the outbox: the single place requests are made
	 * refuses anything but GET in read-only mode. */
	assert_null(client_request(r.c, WF_XFER_SEND, "/v1/decisions/d/resolve",
				   "application/json", 30, 0, 1 << 20,
				   "{\"action\":\"approve\"}"));
	struct wf_xfer *get = client_request(r.c, WF_XFER_SNAPSHOT, "/v1/health",
					     "application/json", 30, 0, 1 << 20, NULL);
	assert_non_null(get); /* GET still allowed */
	wf_xfer_free(get);
	run_stop(&r);
}


/* --poll=S: the snapshot again with If-None-Match; a 304 changes no data (no
 * parse, no EV_CHANGED, no new sync) but confirms it fresh: the data age restarts. */
static void test_interval_etag(void **state)
{
	(void)state;
	struct run r = {0};
	run_start_mode(&r, SC_ETAG, true, WF_CLIENT_INTERVAL);
	run_until(&r, 300, NULL);
	if (wf_model_conn(r.m)->state != WF_CONN_POLLING)
		print_error("state %s: %s\n",
			    wf_conn_state_name(wf_model_conn(r.m)->state),
			    wf_model_conn(r.m)->message);
	assert_true(wf_client_synced(r.c));
	assert_int_equal(wf_model_conn(r.m)->state, WF_CONN_POLLING);
	int64_t first = wf_model_conn(r.m)->last_event;
	unsigned flags = 0;
	int64_t end = wf_client_mono_ms() + 2700;
	while (wf_client_mono_ms() < end) {
		wf_client_wait(r.c, NULL, 0, 50);
		flags |= wf_client_process(r.c);
	}
	const char *log = read_log(&r.f);
	assert_true(count(log, "GET /v1/snapshot") >= 2);
	assert_true(count(log, "If-None-Match: \"5\"") >= 1);
	assert_false(flags & (WF_CLIENT_EV_CHANGED | WF_CLIENT_EV_SYNCED));
	assert_int_equal(wf_client_syncs(r.c), 1);
	/* Confirmed fresh by the 304s: not as old as the first sync. */
	assert_true(wf_model_conn(r.m)->last_event >= first + 1000);
	run_stop(&r);

	/* --poll=3 with a 1 s heartbeat: data 2.5 s old is not stale (2 x 3 s). */
	struct run r3 = {.poll_s = 3};
	run_start_mode(&r3, SC_ETAG, true, WF_CLIENT_INTERVAL);
	run_until(&r3, 300, NULL);
	assert_true(wf_client_synced(r3.c));
	assert_int_equal(wf_model_conn(r3.m)->heartbeat_s, 3);
	run_stop(&r3);
}

/* WHATWG: only a 200 opens a stream. A 206 with text/event-stream applies nothing,
 * is shown, and is retried like a 5xx. */
static void test_206_is_an_error(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_206, true);
	assert_true(run_until(&r, 5000, retrying));
	run_until(&r, 300, NULL);
	const struct wf_conn *c = wf_model_conn(r.m);
	if (!strstr(c->message, "206"))
		print_error("message: %s\n", c->message);
	assert_null(wf_model_incident(r.m, "inc-1"));
	assert_int_equal(wf_model_cursor(r.m), 5);
	assert_int_not_equal(c->state, WF_CONN_LIVE);
	assert_non_null(strstr(c->message, "HTTP 206, not 200"));
	/* Retried: the stream was asked for again. */
	run_until(&r, 2500, NULL);
	assert_true(count(read_log(&r.f), "GET /v1/events") >= 2);
	run_stop(&r);
}

static bool msg_dead(struct run *r)
{
	return strstr(wf_model_conn(r->m)->message, "stream dead") != NULL;
}

/* A 1 s heartbeat: a stream silent for 2.5 s is dead, and the message says 2.5 s,
 * the limit as it is (not "2s"). */
static void test_silent_stream_message(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_SILENT, true);
	assert_true(run_until(&r, 6000, msg_dead));
	const struct wf_conn *c = wf_model_conn(r.m);
	assert_string_equal(c->message, "no data for 2.5 s: stream dead, reconnecting");
	assert_int_equal(c->state, WF_CONN_RECONNECTING);
	run_stop(&r);
}

static bool msg_snap_stalled(struct run *r)
{
	return strstr(wf_model_conn(r->m)->message, "snapshot stalled") != NULL;
}

/* A snapshot re-read after a reset that stops halfway is left after 2.5 heartbeats
 * (not after a two-minute timeout), shown, and read again. */
static void test_stalled_snapshot_retried(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_STALL_SNAP, true);
	assert_true(run_until(&r, 6000, msg_snap_stalled));
	const struct wf_conn *c = wf_model_conn(r.m);
	assert_string_equal(c->message,
			    "no data for 2.5 s: snapshot stalled, reconnecting");
	assert_int_equal(c->state, WF_CONN_RECONNECTING);
	assert_true(run_until(&r, 5000, two_syncs));
	assert_true(count(read_log(&r.f), "GET /v1/snapshot") >= 3);
	run_stop(&r);
}

/* A snapshot arriving steadily but slower than the stall limit in total (4 s
 * against 2.5 s) is read whole, not cut. */
static void test_slow_snapshot_not_cut(void **state)
{
	(void)state;
	struct run r = {0};
	run_start(&r, SC_SLOW_SNAP, true);
	assert_true(run_until(&r, 9000, two_syncs));
	assert_int_equal(count(read_log(&r.f), "GET /v1/snapshot"), 2);
	assert_null(strstr(wf_model_conn(r.m)->message, "stalled"));
	run_stop(&r);
}

static void test_token_file(void **state)
{
	(void)state;
	char err[128], path[] = "/tmp/wf-test-token.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc \n", 5), 5);
	close(fd);
	char *t = wf_client_read_token(path, err, sizeof(err));
	assert_string_equal(t, "abc");
	free(t);
	unlink(path);
	assert_null(wf_client_read_token("/nonexistent/x", err, sizeof(err)));
	assert_non_null(strstr(err, "cannot read"));
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_and_headers),
		cmocka_unit_test(test_wrong_content_type),
		cmocka_unit_test(test_204_stops),
		cmocka_unit_test(test_401_auth_failed),
		cmocka_unit_test(test_503_retry_after),
		cmocka_unit_test(test_reset_rereads_snapshot),
		cmocka_unit_test(test_reset_loop_backs_off),
		cmocka_unit_test(test_empty_poll_paced),
		cmocka_unit_test(test_future_event_keeps_rates),
		cmocka_unit_test(test_outbox_identity),
		cmocka_unit_test(test_read_only_sends_nothing),
		cmocka_unit_test(test_interval_etag),
		cmocka_unit_test(test_206_is_an_error),
		cmocka_unit_test(test_silent_stream_message),
		cmocka_unit_test(test_stalled_snapshot_retried),
		cmocka_unit_test(test_slow_snapshot_not_cut),
		cmocka_unit_test(test_token_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
