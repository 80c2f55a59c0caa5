/* transport.c - setting up libcurl easy handles for watchfloord, buffering or
 * streaming their answers, and reading status and headers back. */
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "util/clock.h"
#include "util/wipe.h"

static size_t on_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct wf_xfer *x = ud;
	size_t n = size * nmemb;
	if (x->sink) {
		if (!x->sink_checked) {
			long st = 0;
			curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &st);
			x->sink_checked = true;
			x->sink_on = st >= 200 && st < 300;
		}
		if (x->sink_on)
			return x->sink(x, ptr, n) ? n : 0;
	}
	if (x->len + n + 1 > x->max_body) {
		x->too_large = true;
		return 0;
	}
	if (x->len + n + 1 > x->cap) {
		size_t nc = x->cap ? x->cap : 4096;
		while (nc < x->len + n + 1)
			nc *= 2;
		char *nb = realloc(x->body, nc);
		if (!nb)
			return 0;
		x->body = nb;
		x->cap = nc;
	}
	memcpy(x->body + x->len, ptr, n);
	x->len += n;
	x->body[x->len] = '\0';
	return n;
}

/* libcurl calls this at least on every curl_multi_perform while the exchange runs
 * (and on every byte): any byte moved restarts the stall clock. */
static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)ultotal;
	struct wf_xfer *x = ud;
	int64_t now = wf_clock_mono_ms();
	if (dlnow != x->seen_dl || ulnow != x->seen_ul) {
		x->seen_dl = dlnow;
		x->seen_ul = ulnow;
		x->progress_at = now;
		return 0;
	}
	if (x->stall_ms > 0 && now - x->progress_at >= x->stall_ms) {
		x->stalled = true;
		return 1; /* CURLE_ABORTED_BY_CALLBACK */
	}
	return 0;
}

void wf_xfer_mark_start(struct wf_xfer *x)
{
	x->progress_at = wf_clock_mono_ms();
	x->seen_dl = x->seen_ul = 0;
	x->stalled = false;
}

int64_t wf_xfer_stall_deadline(const struct wf_xfer *x)
{
	return x->stall_ms > 0 ? x->progress_at + x->stall_ms : -1;
}

struct wf_xfer *wf_xfer_new(enum wf_xfer_kind kind, const struct wf_xfer_opts *o)
{
	char url[2048];
	struct wf_xfer *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->kind = kind;
	x->progress_at = wf_clock_mono_ms();
	x->max_body = o->max_body ? o->max_body : 1 << 20;
	size_t bl = strlen(o->base_url);
	while (bl > 0 && o->base_url[bl - 1] == '/')
		bl--;
	if (snprintf(url, sizeof(url), "%.*s%s", (int)bl, o->base_url, o->path) >=
	    (int)sizeof(url))
		goto fail;
	x->easy = curl_easy_init();
	if (!x->easy)
		goto fail;
	CURL *e = x->easy;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->cacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 10L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout_s);
	x->stall_ms = o->stall_ms > 0 ? o->stall_ms : 0;
	if (x->stall_ms > 0) {
		curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(e, CURLOPT_XFERINFODATA, x);
		curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
	}
	curl_easy_setopt(e, CURLOPT_USERAGENT, "watchfloor/" WF_VERSION);
	if (o->accept) {
		char h[128];
		snprintf(h, sizeof(h), "Accept: %s", o->accept);
		if (wf_xfer_add_header(x, h))
			goto fail;
	}
	if (o->token) {
		size_t n = strlen(o->token) + 32;
		char *h = malloc(n);
		if (!h)
			goto fail;
		snprintf(h, n, "Authorization: Bearer %s", o->token);
		int rc = wf_xfer_add_header(x, h);
		wf_wipe(h, n);
		free(h);
		if (rc)
			goto fail;
	}
	return x;
fail:
	wf_xfer_free(x);
	return NULL;
}

int wf_xfer_add_header(struct wf_xfer *x, const char *line)
{
	struct curl_slist *n = curl_slist_append(x->headers, line);
	if (!n)
		return -1;
	x->headers = n;
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	return 0;
}

int wf_xfer_set_post(struct wf_xfer *x, const char *json, size_t len)
{
	free(x->post);
	x->post = malloc(len + 1);
	if (!x->post)
		return -1;
	memcpy(x->post, json, len);
	x->post[len] = '\0';
	curl_easy_setopt(x->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->post);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)len);
	return wf_xfer_add_header(x, "Content-Type: application/json");
}

void wf_xfer_free(struct wf_xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	for (struct curl_slist *s = x->headers; s; s = s->next)
		wf_wipe(s->data, strlen(s->data));
	curl_slist_free_all(x->headers);
	free(x->body);
	free(x->post);
	free(x);
}

long wf_xfer_status(struct wf_xfer *x)
{
	long st = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &st);
	return st;
}

bool wf_xfer_content_type_is(struct wf_xfer *x, const char *type)
{
	char *ct = NULL;
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ct);
	if (!ct)
		return false;
	size_t n = strlen(type);
	if (strncasecmp(ct, type, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

int wf_xfer_retry_after(struct wf_xfer *x)
{
	curl_off_t ra = 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra) != CURLE_OK || ra < 0)
		return 0;
	return ra > 3600 ? 3600 : (int)ra;
}

bool wf_xfer_header(struct wf_xfer *x, const char *name, char *buf, size_t size)
{
	struct curl_header *h = NULL;
	if (curl_easy_header(x->easy, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || !h)
		return false;
	snprintf(buf, size, "%s", h->value);
	return true;
}

void wf_xfer_describe(struct wf_xfer *x, CURLcode rc, char *buf, size_t size)
{
	long st = wf_xfer_status(x);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && st >= 300)) {
		snprintf(buf, size, "%s", curl_easy_strerror(rc));
		return;
	}
	const char *msg = NULL;
	json_t *root = x->body ? json_loadb(x->body, x->len, 0, NULL) : NULL;
	json_t *e = root ? json_object_get(root, "error") : NULL;
	if (e)
		msg = json_string_value(json_object_get(e, "message"));
	snprintf(buf, size, "HTTP %ld%s%.120s", st, msg ? ": " : "", msg ? msg : "");
	json_decref(root);
}
