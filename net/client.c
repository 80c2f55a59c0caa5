/* client.c - the connection state machine: whoami, snapshot, then SSE (or long-poll
 * or interval polling), reconnects with jittered exponential backoff, the dead-stream
 * watchdog, and the sending of outbox records; connection state goes to the model. */
#include "client.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "net/decode.h"
#include "net/outbox.h"
#include "net/sse.h"
#include "net/transport.h"

enum phase {
	PH_IDLE,
	PH_SNAPSHOT, /* GET /v1/snapshot in flight */
	PH_STREAM,   /* GET /v1/events as SSE in flight */
	PH_POLL,     /* GET /v1/events long-poll in flight */
	PH_WAIT,     /* waiting for next_try to start `then` */
	PH_STOPPED,
};

enum abort_why { ABORT_NONE, ABORT_RESET, ABORT_CTYPE };

#define SNAPSHOT_MAX (128u << 20)
/* docs/protocol.md: an event is at most 8 MiB (1000 sighting items with the longest
 * hashes stay under 5 MiB); the SSE parser's own default is 1 MiB. */
#define WF_CLIENT_EVENT_MAX (8u << 20)
#define LONGPOLL_WAIT_S 25

struct wf_client {
	char *url, *token, *cacert;
	struct wf_client_config cfg;
	struct wf_model *model;
	CURLM *multi;
	struct wf_outbox *outbox;
	struct wf_sse_parser sse;
	struct wf_conn conn;
	unsigned flags; /* WF_CLIENT_EV_* gathered during one process() */

	enum phase phase, then;
	struct wf_xfer *main, *whoami, *send;
	bool have_whoami;
	int64_t next_try; /* monotonic */
	int64_t retry_ms; /* the server's retry: */
	int64_t last_byte; /* monotonic, of the stream */
	bool synced;
	unsigned syncs;
	char etag[128];
	int64_t rate_start;
	uint64_t rate_count;
	uint64_t rng;
};

int64_t wf_client_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t wf_client_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t rng_next(struct wf_client *c)
{
	uint64_t x = c->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	c->rng = x;
	return x;
}

/* d scaled by a random factor in [0.75, 1.25). */
static int64_t jitter(struct wf_client *c, int64_t d)
{
	return d * 3 / 4 + (int64_t)(rng_next(c) % (uint64_t)(d / 2 + 1));
}

static int64_t dead_ms(const struct wf_client *c)
{
	int64_t hb = c->conn.heartbeat_s > 0 ? c->conn.heartbeat_s : 15;
	return hb * 2500; /* 2.5 x the heartbeat */
}

static void set_message(struct wf_client *c, const char *msg)
{
	/* Cut on a UTF-8 boundary. */
	size_t n = strlen(msg), cap = sizeof(c->conn.message) - 1;
	if (n > cap) {
		n = cap;
		while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(c->conn.message, msg, n);
	c->conn.message[n] = '\0';
}

static void conn_state(struct wf_client *c, enum wf_conn_state s)
{
	c->conn.state = s;
	if (s == WF_CONN_LIVE || s == WF_CONN_POLLING) {
		c->conn.attempt = 0;
		c->conn.next_try = 0;
	}
}

static void wipe_free(char *s)
{
	if (!s)
		return;
	volatile char *v = s;
	while (*v)
		*v++ = 0;
	free(s);
}

static void xfer_drop(struct wf_client *c, struct wf_xfer **xp)
{
	if (!*xp)
		return;
	curl_multi_remove_handle(c->multi, (*xp)->easy);
	wf_xfer_free(*xp);
	*xp = NULL;
}

/* The single place requests are made. Refuses anything but GET in read-only mode. */
static struct wf_xfer *request(struct wf_client *c, enum wf_xfer_kind kind,
			       const char *path, const char *accept, long timeout_s,
			       long low_speed_s, size_t max_body, const char *post)
{
	if (post && c->cfg.read_only)
		return NULL;
	struct wf_xfer_opts o = {
		.base_url = c->url,
		.path = path,
		.token = c->token,
		.cacert = c->cacert,
		.accept = accept,
		.timeout_s = timeout_s,
		.low_speed_time = low_speed_s,
		.max_body = max_body,
	};
	struct wf_xfer *x = wf_xfer_new(kind, &o);
	if (!x)
		return NULL;
	x->owner = c;
	x->started = wf_client_mono_ms();
	if (post && wf_xfer_set_post(x, post, strlen(post)) != 0) {
		wf_xfer_free(x);
		return NULL;
	}
	return x;
}

static bool start(struct wf_client *c, struct wf_xfer *x)
{
	if (curl_multi_add_handle(c->multi, x->easy) != CURLM_OK) {
		wf_xfer_free(x);
		return false;
	}
	return true;
}

static void schedule(struct wf_client *c, enum phase then, int64_t delay_ms);

static void start_whoami(struct wf_client *c)
{
	if (c->whoami || c->have_whoami)
		return;
	struct wf_xfer *x = request(c, WF_XFER_WHOAMI, "/v1/whoami", "application/json",
				    30, 0, 64 << 10, NULL);
	if (x && start(c, x))
		c->whoami = x;
}

static void start_snapshot(struct wf_client *c)
{
	struct wf_xfer *x = request(c, WF_XFER_SNAPSHOT, "/v1/snapshot", "application/json",
				    120, 0, SNAPSHOT_MAX, NULL);
	if (x && c->cfg.mode == WF_CLIENT_INTERVAL && c->synced && c->etag[0]) {
		char h[160];
		snprintf(h, sizeof(h), "If-None-Match: %s", c->etag);
		wf_xfer_add_header(x, h);
	}
	if (!x || !start(c, x)) {
		set_message(c, "cannot start a request (out of memory?)");
		schedule(c, PH_SNAPSHOT, 1000);
		return;
	}
	c->main = x;
	c->phase = PH_SNAPSHOT;
	start_whoami(c);
}

static bool stream_sink(struct wf_xfer *x, const char *buf, size_t len)
{
	struct wf_client *c = x->owner;
	if (!x->verified) {
		if (!wf_xfer_content_type_is(x, "text/event-stream")) {
			x->abort_why = ABORT_CTYPE;
			return false;
		}
		x->verified = true;
		conn_state(c, WF_CONN_LIVE);
		c->conn.message[0] = '\0';
	}
	c->last_byte = wf_client_mono_ms();
	c->conn.last_event = wf_client_now_ms();
	if (wf_sse_feed(&c->sse, buf, len) != 0) {
		x->abort_why = ABORT_RESET;
		return false;
	}
	return true;
}

static void start_stream(struct wf_client *c)
{
	char path[96], h[96];
	long low = (long)(dead_ms(c) * 6 / 5 / 1000) + 1; /* curl's limit: about 3x */
	snprintf(path, sizeof(path), "/v1/events?after=%lld",
		 (long long)wf_model_cursor(c->model));
	struct wf_xfer *x = request(c, WF_XFER_STREAM, path, "text/event-stream", 0, low,
				    64 << 10, NULL);
	if (x) {
		const char *id = wf_sse_last_id(&c->sse);
		snprintf(h, sizeof(h), "Last-Event-ID: %s",
			 *id ? id : path + strlen("/v1/events?after="));
		x->sink = stream_sink;
		if (wf_xfer_add_header(x, "Cache-Control: no-cache") ||
		    wf_xfer_add_header(x, h)) {
			wf_xfer_free(x);
			x = NULL;
		}
	}
	if (!x || !start(c, x)) {
		set_message(c, "cannot start a request (out of memory?)");
		schedule(c, PH_STREAM, 1000);
		return;
	}
	wf_sse_restart(&c->sse);
	c->main = x;
	c->phase = PH_STREAM;
	c->last_byte = wf_client_mono_ms();
}

static void start_poll(struct wf_client *c)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/events?after=%lld&wait=%d",
		 (long long)wf_model_cursor(c->model), LONGPOLL_WAIT_S);
	struct wf_xfer *x = request(c, WF_XFER_POLL, path, "application/json",
				    LONGPOLL_WAIT_S + dead_ms(c) / 1000, 0, SNAPSHOT_MAX, NULL);
	if (!x || !start(c, x)) {
		set_message(c, "cannot start a request (out of memory?)");
		schedule(c, PH_POLL, 1000);
		return;
	}
	c->main = x;
	c->phase = PH_POLL;
}

static void schedule(struct wf_client *c, enum phase then, int64_t delay_ms)
{
	c->phase = PH_WAIT;
	c->then = then;
	c->next_try = wf_client_mono_ms() + delay_ms;
	c->conn.next_try = wf_client_now_ms() + delay_ms;
}

/* After a failure: reconnecting, attempt n, jittered exponential backoff from the
 * server's retry, capped at 60 s, at least Retry-After. */
static void retry_later(struct wf_client *c, enum phase then, int retry_after_s,
			bool offline)
{
	int64_t d = c->retry_ms;
	c->conn.attempt++;
	for (int i = 1; i < c->conn.attempt && d < 60000; i++)
		d *= 2;
	if (d > 60000)
		d = 60000;
	d = jitter(c, d);
	if (d > 60000)
		d = 60000;
	if (retry_after_s > 0 && d < retry_after_s * 1000LL)
		d = retry_after_s * 1000LL;
	c->conn.state = offline ? WF_CONN_OFFLINE : WF_CONN_RECONNECTING;
	schedule(c, then, d);
}

static void stop(struct wf_client *c, enum wf_conn_state s, const char *msg)
{
	xfer_drop(c, &c->main);
	c->phase = PH_STOPPED;
	c->conn.state = s;
	c->conn.next_try = 0;
	set_message(c, msg);
	c->flags |= WF_CLIENT_EV_STOPPED;
}

static bool auth_failed(struct wf_client *c, long st, struct wf_xfer *x)
{
	if (st != 401 && st != 403)
		return false;
	char msg[200];
	wf_xfer_describe(x, CURLE_OK, msg, sizeof(msg));
	char full[200];
	snprintf(full, sizeof(full), "%s: %.150s",
		 st == 401 ? "not authorized (check the token)" : "forbidden", msg);
	stop(c, WF_CONN_AUTH_FAILED, full);
	return true;
}

static int on_sse_event(void *ud, const struct wf_sse_event *sev)
{
	struct wf_client *c = ud;
	struct wf_event ev;
	struct wf_decode_error err;
	if (wf_decode_envelope(sev->data, sev->data_len, &ev, &err) != 0) {
		c->conn.bad_events++;
		set_message(c, err.msg);
		return 0;
	}
	if (ev.type == WF_EV_RESET) {
		wf_event_clear(&ev);
		return 1;
	}
	int64_t now = wf_client_now_ms();
	if (wf_model_apply(c->model, &ev) == WF_APPLY_CHANGED)
		c->flags |= WF_CLIENT_EV_CHANGED;
	c->conn.lag_ms = now - ev.time;
	c->conn.last_data = now;
	c->rate_count++;
	wf_event_clear(&ev);
	return 0;
}

static void after_sync(struct wf_client *c)
{
	switch (c->cfg.mode) {
	case WF_CLIENT_SSE:
		start_stream(c);
		break;
	case WF_CLIENT_LONGPOLL:
		conn_state(c, WF_CONN_POLLING);
		start_poll(c);
		break;
	case WF_CLIENT_INTERVAL:
		conn_state(c, WF_CONN_POLLING);
		schedule(c, PH_SNAPSHOT, jitter(c, c->cfg.poll_s * 1000LL));
		break;
	}
}

static void apply_snapshot(struct wf_client *c, struct wf_xfer *x)
{
	struct wf_snapshot snap;
	struct wf_decode_error err;
	if (wf_decode_snapshot(x->body ? x->body : "", x->len, &snap, &err) != 0) {
		c->conn.bad_events++;
		char msg[300];
		snprintf(msg, sizeof(msg), "bad snapshot: %s", err.msg);
		set_message(c, msg);
		retry_later(c, PH_SNAPSHOT, 0, false);
		return;
	}
	wf_model_reset(c->model);
	for (size_t i = 0; i < snap.n_events; i++)
		wf_model_apply(c->model, &snap.events[i]);
	wf_model_set_cursor(c->model, snap.cursor);
	c->conn.bad_events += snap.n_bad;
	if (snap.n_bad)
		set_message(c, snap.first_bad.msg);
	c->conn.heartbeat_s = snap.heartbeat_s;
	int64_t now = wf_client_now_ms();
	c->conn.lag_ms = now - snap.server_time;
	c->conn.last_event = c->conn.last_data = now;
	char cur[32];
	snprintf(cur, sizeof(cur), "%lld", (long long)snap.cursor);
	wf_sse_set_last_id(&c->sse, cur);
	if (!wf_xfer_header(x, "ETag", c->etag, sizeof(c->etag)))
		c->etag[0] = '\0';
	wf_snapshot_clear(&snap);
	c->synced = true;
	c->syncs++;
	c->flags |= WF_CLIENT_EV_SYNCED | WF_CLIENT_EV_CHANGED;
	after_sync(c);
}

static void failed(struct wf_client *c, struct wf_xfer *x, CURLcode rc, enum phase then)
{
	char msg[200];
	long st = wf_xfer_status(x);
	if (x->too_large)
		snprintf(msg, sizeof(msg), "answer too large");
	else
		wf_xfer_describe(x, rc, msg, sizeof(msg));
	set_message(c, msg);
	/* No server reachable at all: offline (still retrying) rather than reconnecting. */
	bool offline = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
		       rc == CURLE_COULDNT_RESOLVE_PROXY ||
		       (rc == CURLE_OPERATION_TIMEDOUT && st == 0);
	retry_later(c, then, (st == 429 || st >= 500) ? wf_xfer_retry_after(x) : 0, offline);
}

static void done_snapshot(struct wf_client *c, struct wf_xfer *x, CURLcode rc)
{
	long st = wf_xfer_status(x);
	if (rc == CURLE_OK && st == 304) {
		/* Nothing changed: no parse, no model change. */
		conn_state(c, WF_CONN_POLLING);
		schedule(c, PH_SNAPSHOT, jitter(c, c->cfg.poll_s * 1000LL));
		return;
	}
	if (rc == CURLE_OK && auth_failed(c, st, x))
		return;
	if (rc == CURLE_OK && st == 200 && !wf_xfer_content_type_is(x, "application/json")) {
		set_message(c, "snapshot: wrong content type (not application/json)");
		retry_later(c, PH_SNAPSHOT, 0, false);
		return;
	}
	if (rc == CURLE_OK && st == 200) {
		apply_snapshot(c, x);
		return;
	}
	failed(c, x, rc, PH_SNAPSHOT);
}

static void done_stream(struct wf_client *c, struct wf_xfer *x, CURLcode rc)
{
	long st = wf_xfer_status(x);
	if (c->sse.retry_set) {
		c->retry_ms = c->sse.retry_ms;
		if (c->retry_ms < 100)
			c->retry_ms = 100;
		if (c->retry_ms > 60000)
			c->retry_ms = 60000;
	}
	if (c->sse.errors) {
		c->conn.bad_events += c->sse.errors;
		set_message(c, wf_sse_error_name(c->sse.last_error));
		c->sse.errors = 0;
	}
	if (x->abort_why == ABORT_RESET) {
		set_message(c, "the server reset the stream: re-reading the snapshot");
		conn_state(c, WF_CONN_CONNECTING);
		start_snapshot(c);
		return;
	}
	if (x->abort_why == ABORT_CTYPE) {
		set_message(c, "events: wrong content type (not text/event-stream)");
		retry_later(c, PH_STREAM, 0, false);
		return;
	}
	if (st == 204) {
		stop(c, WF_CONN_STOPPED, "the server asked the dashboard to stop (204)");
		return;
	}
	if (auth_failed(c, st, x))
		return;
	if (rc == CURLE_OK && st == 200)
		set_message(c, "the stream ended");
	else if (rc == CURLE_OPERATION_TIMEDOUT && st == 200)
		set_message(c, "the stream went silent: dropped");
	else {
		failed(c, x, rc, PH_STREAM);
		return;
	}
	retry_later(c, PH_STREAM, 0, false);
}

static void done_poll(struct wf_client *c, struct wf_xfer *x, CURLcode rc)
{
	long st = wf_xfer_status(x);
	if (rc == CURLE_OK && auth_failed(c, st, x))
		return;
	if (rc == CURLE_OK && st == 204) {
		stop(c, WF_CONN_STOPPED, "the server asked the dashboard to stop (204)");
		return;
	}
	if (rc != CURLE_OK || st != 200) {
		failed(c, x, rc, PH_POLL);
		return;
	}
	struct wf_poll_batch b;
	struct wf_decode_error err;
	if (!wf_xfer_content_type_is(x, "application/json") ||
	    wf_decode_poll(x->body ? x->body : "", x->len, &b, &err) != 0) {
		c->conn.bad_events++;
		set_message(c, "bad long-poll answer");
		retry_later(c, PH_POLL, 0, false);
		return;
	}
	conn_state(c, WF_CONN_POLLING);
	int64_t now = wf_client_now_ms();
	c->conn.last_event = now;
	bool reset = b.reset;
	for (size_t i = 0; i < b.n_events && !reset; i++) {
		if (b.events[i].type == WF_EV_RESET) {
			reset = true;
			break;
		}
		if (wf_model_apply(c->model, &b.events[i]) == WF_APPLY_CHANGED)
			c->flags |= WF_CLIENT_EV_CHANGED;
		c->conn.lag_ms = now - b.events[i].time;
		c->conn.last_data = now;
		c->rate_count++;
	}
	c->conn.bad_events += b.n_bad;
	if (b.n_bad)
		set_message(c, b.first_bad.msg);
	wf_poll_batch_clear(&b);
	if (reset)
		start_snapshot(c);
	else
		start_poll(c);
}

static void done_whoami(struct wf_client *c, struct wf_xfer *x, CURLcode rc)
{
	long st = wf_xfer_status(x);
	if (rc == CURLE_OK && auth_failed(c, st, x))
		return;
	if (rc != CURLE_OK || st != 200 || !x->body)
		return; /* tried again with the next snapshot */
	json_t *root = json_loadb(x->body, x->len, 0, NULL);
	const char *name = json_string_value(json_object_get(root, "name"));
	const char *role = json_string_value(json_object_get(root, "role"));
	snprintf(c->conn.user, sizeof(c->conn.user), "%s", name ? name : "");
	snprintf(c->conn.role, sizeof(c->conn.role), "%s", role ? role : "");
	c->have_whoami = name != NULL;
	json_decref(root);
}

static void done_send(struct wf_client *c, struct wf_xfer *x, CURLcode rc)
{
	long st = rc == CURLE_OK ? wf_xfer_status(x) : 0;
	if (c->outbox &&
	    wf_outbox_settle(c->outbox, x->outbox_id, (int)st, x->body, x->len,
			     (st == 429 || st >= 500) ? wf_xfer_retry_after(x) : 0,
			     wf_client_now_ms()))
		c->flags |= WF_CLIENT_EV_OUTBOX;
}

static void start_send(struct wf_client *c)
{
	if (!c->outbox || c->send || c->cfg.read_only || c->phase == PH_STOPPED)
		return;
	struct wf_outbox_record *r = wf_outbox_take_due(c->outbox, wf_client_now_ms());
	if (!r)
		return;
	c->flags |= WF_CLIENT_EV_OUTBOX;
	struct wf_xfer *x = request(c, WF_XFER_SEND, r->path, "application/json", 30, 0,
				    1 << 20, r->body);
	char h[200];
	snprintf(h, sizeof(h), "Idempotency-Key: %s", r->key);
	if (x && wf_xfer_add_header(x, h) != 0) {
		wf_xfer_free(x);
		x = NULL;
	}
	if (x)
		x->outbox_id = r->id;
	if (!x || !start(c, x)) {
		wf_outbox_settle(c->outbox, r->id, 0, NULL, 0, 0, wf_client_now_ms());
		return;
	}
	c->send = x;
}

/* The default outbox folder of a server: records are only ever sent to the server
 * they were made for. $XDG_STATE_HOME/watchfloor/http_127.0.0.1_8470 */
static int outbox_dir_for(const char *url, char *buf, size_t size)
{
	if (wf_outbox_default_dir(buf, size) != 0)
		return -1;
	size_t n = strlen(buf);
	if (n + 2 >= size)
		return -1;
	buf[n++] = '/';
	for (const char *u = url; *u && n + 1 < size; u++) {
		char ch = *u;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
		if (!ok && n > 0 && buf[n - 1] == '_')
			continue;
		buf[n++] = ok ? ch : '_';
	}
	while (n > 0 && buf[n - 1] == '_')
		n--;
	buf[n] = '\0';
	return 0;
}

struct wf_client *wf_client_new(const struct wf_client_config *cfg,
				struct wf_model *model, char *err, size_t errsize)
{
	static bool curl_ready; /* curl_global_init once per process */
	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errsize, "libcurl failed to initialize");
			return NULL;
		}
		curl_ready = true;
	}
	if (!cfg->url || (strncmp(cfg->url, "http://", 7) != 0 &&
			  strncmp(cfg->url, "https://", 8) != 0)) {
		snprintf(err, errsize, "the URL must start with http:// or https://");
		return NULL;
	}
	if (cfg->cacert && access(cfg->cacert, R_OK) != 0) {
		snprintf(err, errsize, "cannot read the CA file %s", cfg->cacert);
		return NULL;
	}
	struct wf_client *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	c->cfg = *cfg;
	c->model = model;
	c->url = strdup(cfg->url);
	c->token = cfg->token ? strdup(cfg->token) : NULL;
	c->cacert = cfg->cacert ? strdup(cfg->cacert) : NULL;
	c->cfg.url = c->url;
	c->cfg.token = c->token;
	c->cfg.cacert = c->cacert;
	c->cfg.state_dir = NULL;
	if (c->cfg.poll_s <= 0)
		c->cfg.poll_s = 5;
	c->retry_ms = 2000;
	c->multi = curl_multi_init();
	if (getrandom(&c->rng, sizeof(c->rng), 0) != sizeof(c->rng))
		c->rng = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;
	c->rng |= 1;
	wf_sse_init(&c->sse, WF_CLIENT_EVENT_MAX, WF_CLIENT_EVENT_MAX, on_sse_event, c);
	c->conn = *wf_model_conn(model);
	c->conn.state = WF_CONN_CONNECTING;
	if (!c->url || (cfg->token && !c->token) || (cfg->cacert && !c->cacert) ||
	    !c->multi) {
		snprintf(err, errsize, "out of memory");
		wf_client_free(c);
		return NULL;
	}
	if (!cfg->no_outbox) {
		char dir[1024];
		const char *use = cfg->state_dir;
		if (!use && outbox_dir_for(c->url, dir, sizeof(dir)) == 0)
			use = dir;
		c->outbox = wf_outbox_open(use, cfg->read_only, err, errsize);
		if (!c->outbox) {
			wf_client_free(c);
			return NULL;
		}
		wf_outbox_set_hold(c->outbox, cfg->hold_ms);
	}
	wf_model_set_conn(model, &c->conn);
	return c;
}

void wf_client_free(struct wf_client *c)
{
	if (!c)
		return;
	xfer_drop(c, &c->main);
	xfer_drop(c, &c->whoami);
	xfer_drop(c, &c->send);
	if (c->outbox) {
		wf_outbox_requeue_all(c->outbox);
		wf_outbox_close(c->outbox);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	wf_sse_free(&c->sse);
	free(c->url);
	wipe_free(c->token);
	free(c->cacert);
	free(c);
}

int wf_client_start(struct wf_client *c)
{
	if (c->phase != PH_IDLE)
		return 0;
	c->rate_start = wf_client_mono_ms();
	conn_state(c, WF_CONN_CONNECTING);
	start_snapshot(c);
	start_send(c);
	wf_model_set_conn(c->model, &c->conn);
	return 0;
}

int64_t wf_client_next_deadline(const struct wf_client *c)
{
	int64_t best = -1, now = wf_client_mono_ms();
#define CONSIDER(t)                                                            \
	do {                                                                   \
		int64_t t_ = (t);                                              \
		if (best < 0 || t_ < best)                                     \
			best = t_;                                             \
	} while (0)
	if (c->phase == PH_WAIT)
		CONSIDER(c->next_try);
	if (c->phase == PH_STREAM)
		CONSIDER(c->last_byte + dead_ms(c));
	if (c->rate_count > 0 || c->conn.events_per_s != 0)
		CONSIDER(c->rate_start + 1000);
	if (c->outbox && !c->send && !c->cfg.read_only && c->phase != PH_STOPPED) {
		int64_t due = wf_outbox_next_due(c->outbox);
		if (due >= 0)
			CONSIDER(now + (due - wf_client_now_ms()));
	}
#undef CONSIDER
	return best;
}

int wf_client_timeout_ms(const struct wf_client *c)
{
	int64_t d = wf_client_next_deadline(c);
	if (d < 0)
		return -1;
	d -= wf_client_mono_ms();
	if (d < 0)
		return 0;
	return d > INT_MAX ? INT_MAX : (int)d;
}

int wf_client_wait(struct wf_client *c, struct curl_waitfd *extra, unsigned n_extra,
		   int timeout_ms)
{
	int own = wf_client_timeout_ms(c);
	if (timeout_ms < 0 || (own >= 0 && own < timeout_ms))
		timeout_ms = own;
	if (timeout_ms < 0)
		timeout_ms = 3600 * 1000;
	for (unsigned i = 0; i < n_extra; i++)
		extra[i].revents = 0;
	return curl_multi_poll(c->multi, extra, n_extra, timeout_ms, NULL) == CURLM_OK ? 0
											: -1;
}

void wf_client_wakeup(struct wf_client *c)
{
	curl_multi_wakeup(c->multi);
}

unsigned wf_client_process(struct wf_client *c)
{
	int running = 0;
	CURLMsg *msg;
	int left;
	c->flags = 0;
	curl_multi_perform(c->multi, &running);
	while ((msg = curl_multi_info_read(c->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct wf_xfer *x = NULL;
		CURLcode rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		curl_multi_remove_handle(c->multi, msg->easy_handle);
		if (x == c->main) {
			c->main = NULL;
			if (x->kind == WF_XFER_SNAPSHOT)
				done_snapshot(c, x, rc);
			else if (x->kind == WF_XFER_STREAM)
				done_stream(c, x, rc);
			else if (x->kind == WF_XFER_POLL)
				done_poll(c, x, rc);
		} else if (x == c->whoami) {
			c->whoami = NULL;
			done_whoami(c, x, rc);
		} else if (x == c->send) {
			c->send = NULL;
			done_send(c, x, rc);
		}
		wf_xfer_free(x);
	}
	int64_t now = wf_client_mono_ms();
	if (c->phase == PH_STREAM && c->main && now - c->last_byte > dead_ms(c)) {
		xfer_drop(c, &c->main);
		char m[96];
		snprintf(m, sizeof(m), "no data for %llds: stream dead, reconnecting",
			 (long long)(dead_ms(c) / 1000));
		set_message(c, m);
		retry_later(c, PH_STREAM, 0, false);
	}
	if (c->phase == PH_WAIT && now >= c->next_try) {
		if (c->then == PH_STREAM)
			start_stream(c);
		else if (c->then == PH_POLL)
			start_poll(c);
		else
			start_snapshot(c);
	}
	if (now - c->rate_start >= 1000) {
		c->conn.events_per_s = (double)c->rate_count * 1000.0 / (double)(now - c->rate_start);
		c->rate_count = 0;
		c->rate_start = now;
	}
	start_send(c);
	if (memcmp(wf_model_conn(c->model), &c->conn, sizeof(c->conn)) != 0) {
		wf_model_set_conn(c->model, &c->conn);
		c->flags |= WF_CLIENT_EV_CONN;
	}
	return c->flags;
}

bool wf_client_synced(const struct wf_client *c)
{
	return c->synced;
}

bool wf_client_ready(const struct wf_client *c)
{
	return c->synced && !c->whoami &&
	       (c->conn.state == WF_CONN_LIVE || c->conn.state == WF_CONN_POLLING);
}

bool wf_client_stopped(const struct wf_client *c)
{
	return c->phase == PH_STOPPED;
}

unsigned wf_client_syncs(const struct wf_client *c)
{
	return c->syncs;
}

struct wf_outbox *wf_client_outbox(struct wf_client *c)
{
	return c->outbox;
}

char *wf_client_read_token(const char *token_file, char *err, size_t errsize)
{
	char buf[4096];
	const char *src;
	if (token_file) {
		FILE *f = fopen(token_file, "r");
		if (!f) {
			snprintf(err, errsize, "cannot read the token file %s", token_file);
			return NULL;
		}
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		char *nl = strpbrk(buf, "\r\n");
		if (nl)
			*nl = '\0';
		src = buf;
	} else {
		src = getenv("WATCHFLOOR_TOKEN");
		if (!src)
			return NULL;
	}
	size_t n = strlen(src);
	while (n > 0 && (src[n - 1] == ' ' || src[n - 1] == '\t'))
		n--;
	char *tok = NULL;
	if (n == 0)
		snprintf(err, errsize, "the token is empty");
	else if ((tok = malloc(n + 1)) != NULL) {
		memcpy(tok, src, n);
		tok[n] = '\0';
	}
	volatile char *v = buf;
	for (size_t i = 0; i < sizeof(buf); i++)
		v[i] = 0;
	return tok;
}
