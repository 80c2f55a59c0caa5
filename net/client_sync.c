/* client_sync.c - keeping the model in sync with watchfloord: whoami, snapshot, then
 * SSE (or long-poll, or interval polling with ETag), reconnects with the server's
 * retry and jittered exponential backoff capped at 60 s, Retry-After, auth and 204
 * stops, content-type checks, and the connection state the status bar shows. */
#include "client_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "net/decode.h"

static void client_set_message(struct wf_client *c, const char *msg)
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
	c->msg_bad = false;
}

static void client_note_bad(struct wf_client *c, uint64_t n, const char *msg)
{
	c->conn.bad_events += n;
	client_set_message(c, msg);
	c->msg_bad = true;
}

static void client_conn_state(struct wf_client *c, enum wf_conn_state s)
{
	if (s == WF_CONN_LIVE || s == WF_CONN_POLLING) {
		/* Recovered: the error that was shown no longer holds. */
		if (c->conn.state != s && !c->msg_bad)
			c->conn.message[0] = '\0';
		c->conn.attempt = 0;
		c->conn.next_try = 0;
	}
	c->conn.state = s;
}

static void schedule(struct wf_client *c, enum phase then, int64_t delay_ms);
static void client_retry_later(struct wf_client *c, enum phase then, int retry_after_s,
			       bool offline);
static void done_snapshot(struct wf_xfer *x, CURLcode rc);
static void done_stream(struct wf_xfer *x, CURLcode rc);
static void done_poll(struct wf_xfer *x, CURLcode rc);
static void done_whoami(struct wf_xfer *x, CURLcode rc);
static int on_sse_event(void *ud, const struct wf_sse_event *sev);


static void start_whoami(struct wf_client *c)
{
	c->whoami_retry = 0;
	if (c->whoami || c->have_whoami)
		return;
	struct wf_xfer *x =
		client_request(c, WF_XFER_WHOAMI, "/v1/whoami", "application/json", 30,
			       client_stall_ms(c), 64 << 10, NULL);
	if (x)
		client_start_xfer(c, x, &c->whoami, done_whoami);
}

/* No total timeout: a large snapshot arriving steadily over a slow path is never
 * cut; one that stops moving is, after client_stall_ms(). */
static void start_snapshot(struct wf_client *c)
{
	struct wf_xfer *x =
		client_request(c, WF_XFER_SNAPSHOT, "/v1/snapshot", "application/json",
			       0, client_stall_ms(c), SNAPSHOT_MAX, NULL);
	if (x && c->cfg.mode == WF_CLIENT_INTERVAL && c->synced && c->etag[0]) {
		char h[160];
		snprintf(h, sizeof(h), "If-None-Match: %s", c->etag);
		wf_xfer_add_header(x, h);
	}
	if (!x || !client_start_xfer(c, x, &c->main, done_snapshot)) {
		client_set_message(c, "cannot start a request (out of memory?)");
		schedule(c, PH_SNAPSHOT, 1000);
		return;
	}
	c->phase = PH_SNAPSHOT;
	start_whoami(c);
}

static bool stream_sink(struct wf_xfer *x, const char *buf, size_t len)
{
	struct wf_client *c = x->owner;
	if (!x->verified) {
		/* WHATWG: any status but 200 fails the connection (206 included). */
		if (wf_xfer_status(x) != 200) {
			x->abort_why = ABORT_STATUS;
			return false;
		}
		if (!wf_xfer_content_type_is(x, "text/event-stream")) {
			x->abort_why = ABORT_CTYPE;
			return false;
		}
		x->verified = true;
		client_conn_state(c, WF_CONN_LIVE);
	}
	c->conn.last_event = wf_client_now_ms();
	int rc = wf_sse_feed(&c->sse, buf, len);
	if (c->sse.errors) {
		char m[80];
		snprintf(m, sizeof(m), "event dropped: %s",
			 wf_sse_error_name(c->sse.last_error));
		client_note_bad(c, c->sse.errors, m);
		c->sse.errors = 0;
	}
	if (rc != 0) {
		x->abort_why = ABORT_RESET;
		return false;
	}
	return true;
}

/* A stream that moves no byte (event or heartbeat) for 2.5 heartbeats is dead. */
static void start_stream(struct wf_client *c)
{
	char path[96], h[96];
	snprintf(path, sizeof(path), "/v1/events?after=%lld",
		 (long long)wf_model_cursor(c->model));
	struct wf_xfer *x = client_request(c, WF_XFER_STREAM, path, "text/event-stream",
					   0, client_stall_ms(c), 64 << 10, NULL);
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
	if (!x || !client_start_xfer(c, x, &c->main, done_stream)) {
		client_set_message(c, "cannot start a request (out of memory?)");
		schedule(c, PH_STREAM, 1000);
		return;
	}
	wf_sse_restart(&c->sse);
	c->phase = PH_STREAM;
}

/* The server holds a long-poll up to LONGPOLL_WAIT_S without a byte: its stall
 * limit is that wait plus the usual one. */
static void start_poll(struct wf_client *c)
{
	char path[128];
	snprintf(path, sizeof(path), "/v1/events?after=%lld&wait=%d",
		 (long long)wf_model_cursor(c->model), LONGPOLL_WAIT_S);
	struct wf_xfer *x = client_request(
		c, WF_XFER_POLL, path, "application/json", 0,
		LONGPOLL_WAIT_S * 1000LL + client_stall_ms(c), SNAPSHOT_MAX, NULL);
	if (!x || !client_start_xfer(c, x, &c->main, done_poll)) {
		client_set_message(c, "cannot start a request (out of memory?)");
		schedule(c, PH_POLL, 1000);
		return;
	}
	c->phase = PH_POLL;
}

static void schedule(struct wf_client *c, enum phase then, int64_t delay_ms)
{
	c->phase = PH_WAIT;
	c->then = then;
	c->next_try = wf_client_mono_ms() + delay_ms;
}

/* After a failure: reconnecting, attempt n, jittered exponential backoff from the
 * server's retry, capped at 60 s, at least Retry-After. */
static void client_retry_later(struct wf_client *c, enum phase then, int retry_after_s,
			       bool offline)
{
	int64_t d = c->retry_ms;
	c->conn.attempt++;
	for (int i = 1; i < c->conn.attempt && d < 60000; i++)
		d *= 2;
	if (d > 60000)
		d = 60000;
	d = client_jitter(c, d);
	if (d > 60000)
		d = 60000;
	if (retry_after_s > 0 && d < retry_after_s * 1000LL)
		d = retry_after_s * 1000LL;
	c->conn.state = offline ? WF_CONN_OFFLINE : WF_CONN_RECONNECTING;
	schedule(c, then, d);
	/* For "next try in N s"; regular polling leaves the status bar alone. */
	c->conn.next_try = wf_client_now_ms() + d;
}

static void client_stop(struct wf_client *c, enum wf_conn_state s, const char *msg)
{
	client_xfer_drop(c, &c->main);
	c->phase = PH_STOPPED;
	c->conn.state = s;
	c->conn.next_try = 0;
	client_set_message(c, msg);
	c->flags |= WF_CLIENT_EV_STOPPED;
}

/* The server said reset: re-read the snapshot. Once at once; a reset again before
 * any event was applied goes through the retry backoff (a server that resets every
 * stream must not make snapshot/stream/reset a busy loop). */
static void reread_after_reset(struct wf_client *c)
{
	c->resets++;
	if (c->resets < 2) {
		start_snapshot(c);
		return;
	}
	c->conn.attempt = (int)(c->resets < 20 ? c->resets : 20) - 2;
	client_retry_later(c, PH_SNAPSHOT, 0, false);
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
	client_stop(c, WF_CONN_AUTH_FAILED, full);
	return true;
}

/* The one place the server's events reach the model: it learns the wall clock
 * first, so that an event dated ahead of it (a server clock gone wrong) is counted
 * as now + 5 min and cannot push the later ones out of the rate windows. */
static enum wf_apply_result apply_event(struct wf_client *c, struct wf_event *ev,
					int64_t now)
{
	wf_model_set_now(c->model, now);
	return wf_model_apply(c->model, ev);
}

static int on_sse_event(void *ud, const struct wf_sse_event *sev)
{
	struct wf_client *c = ud;
	struct wf_event ev;
	struct wf_decode_error err;
	if (wf_decode_envelope(sev->data, sev->data_len, &ev, &err) != 0) {
		client_note_bad(c, 1, err.msg);
		return 0;
	}
	if (ev.type == WF_EV_RESET) {
		wf_event_clear(&ev);
		return 1;
	}
	int64_t now = wf_client_now_ms();
	c->resets = 0;
	if (apply_event(c, &ev, now) == WF_APPLY_CHANGED)
		c->flags |= WF_CLIENT_EV_CHANGED;
	/* The server's now minus the event's time (never below 0: the skew holds
	 * the snapshot's own latency). */
	c->conn.lag_ms = now - c->skew_ms - ev.time;
	if (c->conn.lag_ms < 0)
		c->conn.lag_ms = 0;
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
		client_conn_state(c, WF_CONN_POLLING);
		start_poll(c);
		break;
	case WF_CLIENT_INTERVAL:
		client_conn_state(c, WF_CONN_POLLING);
		schedule(c, PH_SNAPSHOT, client_jitter(c, c->cfg.poll_s * 1000LL));
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
		client_set_message(c, msg);
		client_retry_later(c, PH_SNAPSHOT, 0, false);
		return;
	}
	int64_t now = wf_client_now_ms();
	wf_model_reset(c->model);
	for (size_t i = 0; i < snap.n_events; i++)
		apply_event(c, &snap.events[i], now);
	wf_model_set_cursor(c->model, snap.cursor);
	if (snap.n_bad)
		client_note_bad(c, snap.n_bad, snap.first_bad.msg);
	c->conn.heartbeat_s = snap.heartbeat_s;
	c->hb_known = snap.heartbeat_s > 0;
	/* Interval polling hears from the server every poll_s, not every heartbeat:
	 * the status bar's "old" (2 x heartbeat_s) must not call confirmed data stale. */
	if (c->cfg.mode == WF_CLIENT_INTERVAL && c->conn.heartbeat_s < c->cfg.poll_s)
		c->conn.heartbeat_s = c->cfg.poll_s;
	c->skew_ms = now - snap.server_time;
	c->conn.lag_ms = 0;
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

/* "no data for 15 s: snapshot stalled, reconnecting": the limit as it is. */
static void stall_message(const struct wf_xfer *x, char *buf, size_t size)
{
	static const char *const what[] = {
		[WF_XFER_WHOAMI] = "whoami stalled",
		[WF_XFER_SNAPSHOT] = "snapshot stalled",
		[WF_XFER_STREAM] = "stream dead",
		[WF_XFER_POLL] = "long-poll stalled",
		[WF_XFER_SEND] = "request stalled",
	};
	char secs[24];
	client_format_secs(x->stall_ms, secs, sizeof(secs));
	snprintf(buf, size, "no data for %s s: %s, reconnecting", secs, what[x->kind]);
}

static void failed(struct wf_client *c, struct wf_xfer *x, CURLcode rc, enum phase then)
{
	char msg[200];
	long st = wf_xfer_status(x);
	if (x->stalled)
		stall_message(x, msg, sizeof(msg));
	else if (x->too_large)
		snprintf(msg, sizeof(msg), "answer too large");
	else
		wf_xfer_describe(x, rc, msg, sizeof(msg));
	/* Several backends: a connection failure, a stall or a 5xx moves to the next
	 * (the retry below resumes from the cursor there). */
	if ((rc != CURLE_OK || x->stalled || st >= 500) && client_next_backend(c)) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, "; next: backend %d/%d",
			 c->conn.backend_index, c->conn.n_backends);
	}
	client_set_message(c, msg);
	/* No server reachable at all: offline (still retrying) rather than
	 * reconnecting. */
	bool offline = !x->stalled && (rc == CURLE_COULDNT_CONNECT ||
				       rc == CURLE_COULDNT_RESOLVE_HOST ||
				       rc == CURLE_COULDNT_RESOLVE_PROXY ||
				       (rc == CURLE_OPERATION_TIMEDOUT && st == 0));
	client_retry_later(c, then,
			   (st == 429 || st >= 500) ? wf_xfer_retry_after(x) : 0,
			   offline);
}

static void done_snapshot(struct wf_xfer *x, CURLcode rc)
{
	struct wf_client *c = x->owner;
	long st = wf_xfer_status(x);
	if (rc == CURLE_OK && st == 304) {
		/* Nothing changed: no parse, no model change; but the data is
		 * confirmed fresh, so its age (status bar) starts again. */
		client_conn_state(c, WF_CONN_POLLING);
		c->conn.last_event = wf_client_now_ms();
		schedule(c, PH_SNAPSHOT, client_jitter(c, c->cfg.poll_s * 1000LL));
		return;
	}
	if (rc == CURLE_OK && auth_failed(c, st, x))
		return;
	if (rc == CURLE_OK && st == 200 &&
	    !wf_xfer_content_type_is(x, "application/json")) {
		client_set_message(
			c, "snapshot: wrong content type (not application/json)");
		client_retry_later(c, PH_SNAPSHOT, 0, false);
		return;
	}
	if (rc == CURLE_OK && st == 200) {
		apply_snapshot(c, x);
		return;
	}
	failed(c, x, rc, PH_SNAPSHOT);
}

static void done_stream(struct wf_xfer *x, CURLcode rc)
{
	struct wf_client *c = x->owner;
	long st = wf_xfer_status(x);
	if (c->sse.retry_set) {
		c->retry_ms = c->sse.retry_ms;
		if (c->retry_ms < 100)
			c->retry_ms = 100;
		if (c->retry_ms > 60000)
			c->retry_ms = 60000;
	}
	if (x->abort_why == ABORT_RESET) {
		client_set_message(
			c, "the server reset the stream: re-reading the snapshot");
		client_conn_state(c, WF_CONN_CONNECTING);
		reread_after_reset(c);
		return;
	}
	if (x->abort_why == ABORT_CTYPE) {
		client_set_message(
			c, "events: wrong content type (not text/event-stream)");
		client_retry_later(c, PH_STREAM, 0, false);
		return;
	}
	if (st == 204) {
		client_stop(c, WF_CONN_STOPPED,
			    "the server asked the dashboard to stop (204)");
		return;
	}
	/* Any other 2xx than 200 (a 206 from a proxy, say) is no stream: an error
	 * the officer sees, retried like a 5xx (Retry-After honoured). */
	if (x->abort_why == ABORT_STATUS ||
	    (rc == CURLE_OK && st >= 200 && st < 300 && st != 200)) {
		char m[96];
		snprintf(m, sizeof(m), "events: HTTP %ld, not 200: stream refused", st);
		client_set_message(c, m);
		client_retry_later(c, PH_STREAM, wf_xfer_retry_after(x), false);
		return;
	}
	if (auth_failed(c, st, x))
		return;
	if (rc == CURLE_OK && st == 200)
		client_set_message(c, "the stream ended");
	else if (x->stalled) {
		char m[160];
		stall_message(x, m, sizeof(m));
		if (client_next_backend(c)) {
			size_t n = strlen(m);
			snprintf(m + n, sizeof(m) - n, "; next: backend %d/%d",
				 c->conn.backend_index, c->conn.n_backends);
		}
		client_set_message(c, m);
	} else {
		failed(c, x, rc, PH_STREAM);
		return;
	}
	client_retry_later(c, PH_STREAM, 0, false);
}

static void done_poll(struct wf_xfer *x, CURLcode rc)
{
	struct wf_client *c = x->owner;
	long st = wf_xfer_status(x);
	if (rc == CURLE_OK && auth_failed(c, st, x))
		return;
	if (rc == CURLE_OK && st == 204) {
		client_stop(c, WF_CONN_STOPPED,
			    "the server asked the dashboard to stop (204)");
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
		client_set_message(c, "bad long-poll answer");
		client_retry_later(c, PH_POLL, 0, false);
		return;
	}
	client_conn_state(c, WF_CONN_POLLING);
	int64_t now = wf_client_now_ms();
	c->conn.last_event = now;
	bool reset = b.reset;
	for (size_t i = 0; i < b.n_events && !reset; i++) {
		if (b.events[i].type == WF_EV_RESET) {
			reset = true;
			break;
		}
		c->resets = 0;
		if (apply_event(c, &b.events[i], now) == WF_APPLY_CHANGED)
			c->flags |= WF_CLIENT_EV_CHANGED;
		c->conn.lag_ms = now - c->skew_ms - b.events[i].time;
		if (c->conn.lag_ms < 0)
			c->conn.lag_ms = 0;
		c->conn.last_data = now;
		c->rate_count++;
	}
	if (b.n_bad)
		client_note_bad(c, b.n_bad, b.first_bad.msg);
	bool empty = b.n_events == 0 && b.n_bad == 0;
	wf_poll_batch_clear(&b);
	if (reset)
		reread_after_reset(c);
	else if (empty && wf_client_mono_ms() - x->started < LONGPOLL_MIN_MS)
		schedule(c, PH_POLL, client_jitter(c, LONGPOLL_MIN_MS));
	else
		start_poll(c);
}

static void done_whoami(struct wf_xfer *x, CURLcode rc)
{
	struct wf_client *c = x->owner;
	long st = wf_xfer_status(x);
	if (rc == CURLE_OK && auth_failed(c, st, x))
		return;
	json_t *root = rc == CURLE_OK && st == 200 && x->body
			       ? json_loadb(x->body, x->len, 0, NULL)
			       : NULL;
	const char *name = json_string_value(json_object_get(root, "name"));
	const char *role = json_string_value(json_object_get(root, "role"));
	if (!name || !*name) {
		/* The outbox waits for it: asked again soon, not only at the next
		 * snapshot. */
		json_decref(root);
		c->whoami_retry = wf_client_mono_ms() + client_jitter(c, 5000);
		return;
	}
	snprintf(c->conn.user, sizeof(c->conn.user), "%s", name);
	snprintf(c->conn.role, sizeof(c->conn.role), "%s", role ? role : "");
	/* The organisation our votes count for (protocol.md, Quorum); an older server
	 * has none: the officer is an organisation of its own. */
	const char *org = json_string_value(json_object_get(root, "org"));
	snprintf(c->conn.org, sizeof(c->conn.org), "%s", org && *org ? org : name);
	c->have_whoami = true;
	if (c->outbox)
		wf_outbox_set_identity(c->outbox, name, NULL);
	json_decref(root);
}

void client_sync_init(struct wf_client *c)
{
	wf_sse_init(&c->sse, WF_CLIENT_EVENT_MAX, WF_CLIENT_EVENT_MAX, on_sse_event, c);
}

void client_sync_start(struct wf_client *c)
{
	client_conn_state(c, WF_CONN_CONNECTING);
	start_snapshot(c);
}

void client_sync_tick(struct wf_client *c, int64_t now)
{
	if (c->phase == PH_WAIT && now >= c->next_try) {
		if (c->then == PH_STREAM)
			start_stream(c);
		else if (c->then == PH_POLL)
			start_poll(c);
		else
			start_snapshot(c);
	}
	if (!c->have_whoami && !c->whoami && c->whoami_retry > 0 &&
	    now >= c->whoami_retry && c->phase != PH_STOPPED)
		start_whoami(c);
}

int64_t client_sync_deadline(const struct wf_client *c)
{
	int64_t best = c->phase == PH_WAIT ? c->next_try : -1;
	if (!c->have_whoami && !c->whoami && c->whoami_retry > 0 &&
	    (best < 0 || c->whoami_retry < best))
		best = c->whoami_retry;
	return best;
}
