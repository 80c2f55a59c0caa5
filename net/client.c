/* client.c - the client's lifecycle and its loop API (wait, process, deadlines),
 * running transfers (each ends through its own completion), stall limits, events
 * per second, and the sender of outbox records; keeping in sync with the server is
 * client_sync.c. */
#include "client_internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>

#include "util/clock.h"
#include "util/wipe.h"

int64_t wf_client_now_ms(void)
{
	return wf_clock_now_ms();
}

int64_t wf_client_mono_ms(void)
{
	return wf_clock_mono_ms();
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

int64_t client_jitter(struct wf_client *c, int64_t d)
{
	return d * 3 / 4 + (int64_t)(rng_next(c) % (uint64_t)(d / 2 + 1));
}

int64_t client_stall_ms(const struct wf_client *c)
{
	if (!c->hb_known || c->conn.heartbeat_s <= 0)
		return 15000;
	return c->conn.heartbeat_s * 2500; /* 2.5 x the heartbeat */
}

void client_format_secs(int64_t ms, char *buf, size_t size)
{
	if (ms % 1000 == 0)
		snprintf(buf, size, "%lld", (long long)(ms / 1000));
	else if (ms % 100 == 0)
		snprintf(buf, size, "%lld.%lld", (long long)(ms / 1000),
			 (long long)(ms % 1000 / 100));
	else
		snprintf(buf, size, "%.2f", (double)ms / 1000.0);
}

struct wf_xfer *client_request(struct wf_client *c, enum wf_xfer_kind kind,
			       const char *path, const char *accept, long timeout_s,
			       int64_t stall_ms, size_t max_body, const char *post)
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
		.stall_ms = stall_ms,
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

bool client_start_xfer(struct wf_client *c, struct wf_xfer *x, struct wf_xfer **slot,
		       wf_xfer_done_fn done)
{
	x->slot = slot;
	x->done = done;
	wf_xfer_mark_start(x);
	if (curl_multi_add_handle(c->multi, x->easy) != CURLM_OK) {
		wf_xfer_free(x);
		return false;
	}
	*slot = x;
	return true;
}

void client_xfer_drop(struct wf_client *c, struct wf_xfer **xp)
{
	if (!*xp)
		return;
	curl_multi_remove_handle(c->multi, (*xp)->easy);
	wf_xfer_free(*xp);
	*xp = NULL;
}

static void done_send(struct wf_xfer *x, CURLcode rc)
{
	struct wf_client *c = x->owner;
	long st = rc == CURLE_OK ? wf_xfer_status(x) : 0;
	if (c->outbox &&
	    wf_outbox_settle(c->outbox, x->outbox_id, (int)st, x->body, x->len,
			     (st == 429 || st >= 500) ? wf_xfer_retry_after(x) : 0,
			     wf_client_now_ms()))
		c->flags |= WF_CLIENT_EV_OUTBOX;
}

static void start_send(struct wf_client *c)
{
	/* Only under a known identity: records made by another officer (or with
	 * another token) must not go out under this one's name. */
	if (!c->outbox || c->send || c->cfg.read_only || c->phase == PH_STOPPED ||
	    !c->have_whoami)
		return;
	struct wf_outbox_record *r = wf_outbox_take_due(c->outbox, wf_client_now_ms());
	if (!r)
		return;
	c->flags |= WF_CLIENT_EV_OUTBOX;
	struct wf_xfer *x = client_request(c, WF_XFER_SEND, r->path, "application/json",
					   30, client_stall_ms(c), 1 << 20, r->body);
	char h[200];
	snprintf(h, sizeof(h), "Idempotency-Key: %s", r->key);
	if (x && wf_xfer_add_header(x, h) != 0) {
		wf_xfer_free(x);
		x = NULL;
	}
	if (x)
		x->outbox_id = r->id;
	if (!x || !client_start_xfer(c, x, &c->send, done_send))
		wf_outbox_settle(c->outbox, r->id, 0, NULL, 0, 0, wf_client_now_ms());
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

static bool url_ok(const char *u)
{
	return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
}

bool client_next_backend(struct wf_client *c)
{
	if (c->n_urls < 2)
		return false;
	c->cur_url = (c->cur_url + 1) % c->n_urls;
	c->url = c->urls[c->cur_url];
	snprintf(c->conn.backend, sizeof(c->conn.backend), "%s", c->url);
	c->conn.backend_index = (int)c->cur_url + 1;
	return true;
}

struct wf_client *wf_client_new(const struct wf_client_config *cfg,
				struct wf_model *model, char *err, size_t errsize)
{
	if (!url_ok(cfg->url)) {
		snprintf(err, errsize, "the URL must start with http:// or https://");
		return NULL;
	}
	if (cfg->n_alt_urls + 1 > WF_CLIENT_BACKENDS_MAX) {
		snprintf(err, errsize, "at most %d backends", WF_CLIENT_BACKENDS_MAX);
		return NULL;
	}
	for (size_t i = 0; i < cfg->n_alt_urls; i++) {
		if (!url_ok(cfg->alt_urls[i])) {
			snprintf(err, errsize, "backend %zu: the URL must start with http:// "
					       "or https://", i + 2);
			return NULL;
		}
	}
	if (cfg->cacert && access(cfg->cacert, R_OK) != 0) {
		snprintf(err, errsize, "cannot read the CA file %s", cfg->cacert);
		return NULL;
	}
	/* Reference-counted and thread-safe since libcurl 7.84: one per client. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errsize, "libcurl failed to initialize");
		return NULL;
	}
	struct wf_client *c = calloc(1, sizeof(*c));
	if (!c) {
		curl_global_cleanup();
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	c->cfg = *cfg;
	c->model = model;
	bool urls_ok = true;
	c->n_urls = 1 + cfg->n_alt_urls;
	for (size_t i = 0; i < c->n_urls; i++)
		urls_ok &= (c->urls[i] = strdup(i ? cfg->alt_urls[i - 1] : cfg->url)) != NULL;
	c->url = c->urls[0];
	c->token = cfg->token ? strdup(cfg->token) : NULL;
	c->cacert = cfg->cacert ? strdup(cfg->cacert) : NULL;
	c->cfg.url = c->url;
	c->cfg.token = c->token;
	c->cfg.cacert = c->cacert;
	c->cfg.state_dir = NULL;
	c->cfg.alt_urls = NULL;
	c->cfg.n_alt_urls = 0;
	if (c->cfg.poll_s <= 0)
		c->cfg.poll_s = 5;
	c->retry_ms = 2000;
	c->multi = curl_multi_init();
	if (getrandom(&c->rng, sizeof(c->rng), 0) != sizeof(c->rng))
		c->rng = (uint64_t)getpid() * 0x9E3779B97F4A7C15ull;
	c->rng |= 1;
	client_sync_init(c);
	c->conn = *wf_model_conn(model);
	c->conn.state = WF_CONN_CONNECTING;
	c->conn.backend[0] = '\0';
	c->conn.backend_index = c->conn.n_backends = 0;
	if (urls_ok && c->n_urls > 1) {
		snprintf(c->conn.backend, sizeof(c->conn.backend), "%s", c->url);
		c->conn.backend_index = 1;
		c->conn.n_backends = (int)c->n_urls;
	}
	if (!urls_ok || (cfg->token && !c->token) || (cfg->cacert && !c->cacert) ||
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
		char fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
		wf_outbox_token_fp(c->token, fp);
		wf_outbox_set_identity(c->outbox, NULL, fp);
	}
	wf_model_set_conn(model, &c->conn);
	return c;
}

void wf_client_free(struct wf_client *c)
{
	if (!c)
		return;
	client_xfer_drop(c, &c->main);
	client_xfer_drop(c, &c->whoami);
	client_xfer_drop(c, &c->send);
	client_xfer_drop(c, &c->fetch);
	free(c->fetch_body);
	if (c->outbox) {
		wf_outbox_requeue_all(c->outbox);
		wf_outbox_close(c->outbox);
	}
	if (c->multi)
		curl_multi_cleanup(c->multi);
	wf_sse_free(&c->sse);
	for (size_t i = 0; i < c->n_urls; i++)
		free(c->urls[i]);
	wf_wipe_free(c->token);
	free(c->cacert);
	free(c);
	curl_global_cleanup();
}

int wf_client_start(struct wf_client *c)
{
	if (c->phase != PH_IDLE)
		return 0;
	c->rate_start = wf_client_mono_ms();
	client_sync_start(c);
	start_send(c);
	wf_model_set_conn(c->model, &c->conn);
	return 0;
}

int64_t wf_client_next_deadline(const struct wf_client *c)
{
	int64_t best = -1, now = wf_client_mono_ms();
#define CONSIDER(t)                                                                    \
	do {                                                                           \
		int64_t t_ = (t);                                                      \
		if (best < 0 || t_ < best)                                             \
			best = t_;                                                     \
	} while (0)
	int64_t sync = client_sync_deadline(c);
	if (sync >= 0)
		CONSIDER(sync);
	/* A stalled transfer ends in libcurl's progress callback, which runs on
	 * every process(): wake up when one would stall (not before "now + 50 ms"
	 * once passed, so a transfer libcurl has not run yet is no busy loop). */
	struct wf_xfer *const xs[] = {c->main, c->whoami, c->send, c->fetch};
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		int64_t d = xs[i] ? wf_xfer_stall_deadline(xs[i]) : -1;
		if (d >= 0)
			CONSIDER(d > now ? d : now + 50);
	}
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
	return curl_multi_poll(c->multi, extra, n_extra, timeout_ms, NULL) == CURLM_OK
		       ? 0
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
		if (x->slot && *x->slot == x)
			*x->slot = NULL;
		if (x->done)
			x->done(x, rc);
		wf_xfer_free(x);
	}
	int64_t now = wf_client_mono_ms();
	client_sync_tick(c, now);
	if (now - c->rate_start >= 1000) {
		c->conn.events_per_s =
			(double)c->rate_count * 1000.0 / (double)(now - c->rate_start);
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
			snprintf(err, errsize, "cannot read the token file %s",
				 token_file);
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
	wf_wipe(buf, sizeof(buf));
	return tok;
}
