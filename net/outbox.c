/* outbox.c - the durable queue of mutating requests: records held, queued, sent,
 * settled (conflict, failed, done), the identity they go out under, the open and
 * close of an outbox. Every change is a line of its file first (outbox_log.c). */
#include "outbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "model/validate.h"

static const char *const state_names[] = {"held", "queued", "sending", "conflict",
					  "failed"};

const char *wf_outbox_state_name(enum wf_outbox_state s)
{
	return (unsigned)s < 5 ? state_names[s] : "?";
}

int outbox_set_err(struct wf_outbox *ob, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ob->err, sizeof(ob->err), fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t rng_next(struct wf_outbox *ob)
{
	uint64_t x = ob->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	ob->rng = x;
	return x;
}

int wf_outbox_default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/watchfloor", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.local/state/watchfloor", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

void outbox_rec_free(struct wf_outbox_record *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->body);
	free(r->current);
	free(r);
}

struct wf_outbox_record *outbox_find(const struct wf_outbox *ob, uint64_t id,
				     size_t *at)
{
	for (size_t i = 0; i < ob->n; i++)
		if (ob->recs[i]->id == id) {
			if (at)
				*at = i;
			return ob->recs[i];
		}
	return NULL;
}

void outbox_remove_at(struct wf_outbox *ob, size_t i)
{
	outbox_rec_free(ob->recs[i]);
	memmove(ob->recs + i, ob->recs + i + 1, (ob->n - i - 1) * sizeof(*ob->recs));
	ob->n--;
}

int outbox_push(struct wf_outbox *ob, struct wf_outbox_record *r)
{
	if (ob->n == ob->cap) {
		size_t nc = ob->cap ? ob->cap * 2 : 16;
		struct wf_outbox_record **nr = realloc(ob->recs, nc * sizeof(*nr));
		if (!nr)
			return -1;
		ob->recs = nr;
		ob->cap = nc;
	}
	ob->recs[ob->n++] = r;
	return 0;
}

struct wf_outbox *wf_outbox_open(const char *dir, bool read_only, char *err,
				 size_t errsize)
{
	struct wf_outbox *ob = calloc(1, sizeof(*ob));
	if (!ob) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	ob->fd = -1;
	ob->read_only = read_only;
	ob->hold_ms = 5000;
	ob->next_id = 1;
	if (getrandom(&ob->rng, sizeof(ob->rng), 0) != sizeof(ob->rng))
		ob->rng = (uint64_t)getpid() * 2654435761u;
	ob->rng |= 1;
	if (read_only)
		return ob; /* nothing is ever sent: no file */
	if (dir)
		snprintf(ob->dir, sizeof(ob->dir), "%s", dir);
	else if (wf_outbox_default_dir(ob->dir, sizeof(ob->dir)) != 0) {
		snprintf(err, errsize, "outbox: set XDG_STATE_HOME or HOME");
		goto fail;
	}
	snprintf(ob->path, sizeof(ob->path), "%s/outbox.log", ob->dir);
	if (outbox_make_dirs(ob->dir) != 0) {
		snprintf(err, errsize, "outbox: cannot create %s: %s", ob->dir,
			 strerror(errno));
		goto fail;
	}
	ob->fd = open(ob->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (ob->fd < 0 && errno == ENOENT) {
		/* Created: the new name is made durable with the folder. */
		ob->fd = open(ob->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (ob->fd >= 0)
			outbox_sync_dir(ob->dir);
	}
	if (ob->fd < 0) {
		snprintf(err, errsize, "outbox: cannot open %s: %s", ob->path,
			 strerror(errno));
		goto fail;
	}
	if (flock(ob->fd, LOCK_EX | LOCK_NB) != 0) {
		char who[48] = "another watchfloor";
		long pid = outbox_holder_read(ob);
		if (pid > 0)
			snprintf(who, sizeof(who), "another watchfloor (pid %ld)", pid);
		snprintf(err, errsize,
			 "%s holds the outbox for this server and state folder (%s): "
			 "only one dashboard at a time may send decisions from it. "
			 "Stop it, or start this one with --read-only to watch without "
			 "an outbox",
			 who, ob->path);
		goto fail;
	}
	ob->locked = true;
	outbox_holder_write(ob);
	if (outbox_load(ob) != 0 || ((ob->compact_now || ob->lines > ob->n * 2 + 16) &&
				     wf_outbox_compact(ob) != 0)) {
		snprintf(err, errsize, "outbox: %s", ob->err);
		goto fail;
	}
	return ob;
fail:
	wf_outbox_close(ob);
	return NULL;
}

void wf_outbox_close(struct wf_outbox *ob)
{
	if (!ob)
		return;
	for (size_t i = 0; i < ob->n; i++)
		outbox_rec_free(ob->recs[i]);
	free(ob->recs);
	if (ob->locked) {
		char path[1100];
		outbox_holder_path(ob, path, sizeof(path));
		unlink(path);
	}
	if (ob->fd >= 0)
		close(ob->fd);
	free(ob);
}

void wf_outbox_set_identity(struct wf_outbox *ob, const char *name,
			    const char *token_fp)
{
	snprintf(ob->who, sizeof(ob->who), "%s", name ? name : "");
	if (token_fp)
		snprintf(ob->token_fp, sizeof(ob->token_fp), "%s", token_fp);
}

void wf_outbox_token_fp(const char *token, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!token || !*token ||
	    !EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL) ||
	    len * 2 < WF_OUTBOX_TOKEN_FP_LEN) {
		snprintf(out, WF_OUTBOX_TOKEN_FP_LEN + 1, "-");
		return;
	}
	for (size_t i = 0; i < WF_OUTBOX_TOKEN_FP_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void wf_outbox_set_hold(struct wf_outbox *ob, int hold_ms)
{
	ob->hold_ms = hold_ms < 0 ? 5000 : hold_ms;
}

int wf_outbox_enqueue(struct wf_outbox *ob, const char *kind, const char *path,
		      const char *json_body, int64_t now_ms, uint64_t *id_out)
{
	unsigned char rnd[16];
	if (ob->read_only || ob->fd < 0)
		return outbox_set_err(ob, "read-only: nothing can be sent");
	if (ob->broken)
		return -1; /* the error of the write that broke it stays */
	if (!outbox_valid_path(path))
		return outbox_set_err(ob, "bad path");
	json_t *b = json_body ? json_loads(json_body, 0, NULL) : NULL;
	bool ok = b && json_is_object(b);
	json_decref(b);
	if (!ok || strlen(json_body) > (1u << 20))
		return outbox_set_err(
			ob, "the body must be a JSON object of at most 1 MiB");
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return outbox_set_err(ob, "no randomness for the idempotency key");
	struct wf_outbox_record *r = calloc(1, sizeof(*r));
	if (!r)
		return outbox_set_err(ob, "out of memory");
	r->id = ob->next_id++;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(r->key + 2 * i, 3, "%02x", rnd[i]);
	snprintf(r->kind, sizeof(r->kind), "%s", kind ? kind : "");
	r->path = strdup(path);
	r->body = strdup(json_body);
	r->created_at = now_ms;
	snprintf(r->who, sizeof(r->who), "%s", ob->who);
	snprintf(r->token_fp, sizeof(r->token_fp), "%s", ob->token_fp);
	r->hold_until = now_ms + ob->hold_ms;
	r->state = ob->hold_ms > 0 ? WF_OUTBOX_HELD : WF_OUTBOX_QUEUED;
	r->next_try = now_ms;
	json_t *line = r->path && r->body ? outbox_add_line(r) : NULL;
	if (!line || outbox_append_json(ob, line) != 0 || outbox_push(ob, r) != 0) {
		if (!line)
			outbox_set_err(ob, "out of memory");
		json_decref(line);
		outbox_rec_free(r);
		return -1;
	}
	json_decref(line);
	if (id_out)
		*id_out = r->id;
	return 0;
}

int wf_outbox_undo(struct wf_outbox *ob, uint64_t id)
{
	size_t at = 0;
	struct wf_outbox_record *r = outbox_find(ob, id, &at);
	if (!r || r->state != WF_OUTBOX_HELD)
		return outbox_set_err(ob, "too late to undo: already sent");
	if (outbox_append_del(ob, id, "undo") != 0)
		return -1;
	outbox_remove_at(ob, at);
	return 0;
}

int wf_outbox_drop(struct wf_outbox *ob, uint64_t id)
{
	size_t at = 0;
	struct wf_outbox_record *r = outbox_find(ob, id, &at);
	if (!r || (r->state != WF_OUTBOX_CONFLICT && r->state != WF_OUTBOX_FAILED))
		return outbox_set_err(
			ob, "only a conflict or a refused request can be dropped");
	if (outbox_append_del(ob, id, "drop") != 0)
		return -1;
	outbox_remove_at(ob, at);
	if (ob->lines > ob->n * 2 + 64)
		wf_outbox_compact(ob);
	return 0;
}

size_t wf_outbox_count(const struct wf_outbox *ob)
{
	return ob ? ob->n : 0;
}

size_t wf_outbox_count_state(const struct wf_outbox *ob, enum wf_outbox_state s)
{
	size_t n = 0;
	for (size_t i = 0; ob && i < ob->n; i++)
		n += ob->recs[i]->state == s;
	return n;
}

size_t wf_outbox_list(const struct wf_outbox *ob, const struct wf_outbox_record **out,
		      size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; ob && i < ob->n && n < cap; i++)
		out[n++] = ob->recs[i];
	return n;
}

const struct wf_outbox_record *wf_outbox_get(const struct wf_outbox *ob, uint64_t id)
{
	return outbox_find(ob, id, NULL);
}

const char *wf_outbox_error(const struct wf_outbox *ob)
{
	return ob->err;
}

size_t wf_outbox_corrupt_count(const struct wf_outbox *ob)
{
	return ob ? ob->corrupt : 0;
}

bool wf_outbox_broken(const struct wf_outbox *ob)
{
	return ob && ob->broken;
}

const char *wf_outbox_path(const struct wf_outbox *ob)
{
	return ob->path;
}

/* A due record may only go out under the identity that made it (the server keeps
 * keys per token) and while the server still knows its key. Otherwise FAILED. */
static bool vet(struct wf_outbox *ob, struct wf_outbox_record *r, int64_t now_ms)
{
	bool other_tok = strcmp(r->token_fp, ob->token_fp) != 0;
	bool other_who = r->who[0] && strcmp(r->who, ob->who) != 0;
	if (other_tok || other_who)
		snprintf(r->message, sizeof(r->message),
			 "made by %s with another token: review and resend or drop",
			 r->who[0] ? r->who : "an unknown officer");
	else if (now_ms - r->created_at > WF_OUTBOX_MAX_AGE_MS)
		snprintf(r->message, sizeof(r->message),
			 "older than 23 h: the server no longer knows its key");
	else
		return true;
	r->state = WF_OUTBOX_FAILED;
	r->status = 0;
	outbox_append_state(ob, r);
	return false;
}

struct wf_outbox_record *wf_outbox_take_due(struct wf_outbox *ob, int64_t now_ms)
{
	if (ob->read_only || ob->fd < 0 || !ob->who[0] || !ob->token_fp[0])
		return NULL;
	for (size_t i = 0; i < ob->n; i++) {
		struct wf_outbox_record *r = ob->recs[i];
		if (r->state == WF_OUTBOX_HELD && r->hold_until <= now_ms) {
			r->state = WF_OUTBOX_QUEUED;
			r->next_try = now_ms;
		}
	}
	for (size_t i = 0; i < ob->n; i++) {
		struct wf_outbox_record *r = ob->recs[i];
		if (r->state == WF_OUTBOX_QUEUED && r->next_try <= now_ms &&
		    vet(ob, r, now_ms)) {
			r->state = WF_OUTBOX_SENDING;
			r->attempts++;
			return r;
		}
	}
	return NULL;
}

int64_t wf_outbox_next_due(const struct wf_outbox *ob)
{
	int64_t best = -1;
	if (!ob || ob->read_only || !ob->who[0] || !ob->token_fp[0])
		return -1;
	for (size_t i = 0; i < ob->n; i++) {
		const struct wf_outbox_record *r = ob->recs[i];
		int64_t t = r->state == WF_OUTBOX_HELD	   ? r->hold_until
			    : r->state == WF_OUTBOX_QUEUED ? r->next_try
							   : -1;
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

static void error_message(struct wf_outbox_record *r, int status, const char *body,
			  size_t len)
{
	json_t *root = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *msg = json_string_value(
		json_object_get(json_object_get(root, "error"), "message"));
	snprintf(r->message, sizeof(r->message), "HTTP %d%s%s", status, msg ? ": " : "",
		 msg ? msg : "");
	free(r->current);
	r->current = NULL;
	json_t *cur = json_object_get(root, "current");
	if (status == 409 && json_is_object(cur))
		r->current = json_dumps(cur, JSON_COMPACT);
	json_decref(root);
}

int wf_outbox_settle(struct wf_outbox *ob, uint64_t id, int status, const char *body,
		     size_t body_len, int retry_after_s, int64_t now_ms)
{
	size_t at = 0;
	struct wf_outbox_record *r = outbox_find(ob, id, &at);
	if (!r || r->state != WF_OUTBOX_SENDING)
		return 0;
	r->status = status;
	if (status >= 200 && status < 300) {
		if (outbox_append_del(ob, id, "done") != 0) {
			/* Not recorded as done: it would be sent again, which the key
			 * makes harmless. Keep it queued. */
			r->state = WF_OUTBOX_QUEUED;
			r->next_try = now_ms + 1000;
			return 1;
		}
		outbox_remove_at(ob, at);
		if (ob->lines > ob->n * 2 + 64)
			wf_outbox_compact(ob);
		return 1;
	}
	if (status == 409 || (status >= 400 && status < 500 && status != 429)) {
		r->state = status == 409 ? WF_OUTBOX_CONFLICT : WF_OUTBOX_FAILED;
		error_message(r, status, body, body_len);
		outbox_append_state(ob, r);
		return 1;
	}
	/* 5xx, 429, network: retry with jittered exponential backoff. */
	int64_t d = 1000;
	for (int i = 1; i < r->attempts && d < 60000; i++)
		d *= 2;
	if (d > 60000)
		d = 60000;
	d = d / 2 + (int64_t)(rng_next(ob) % (uint64_t)(d / 2 + 1));
	if (retry_after_s > 0 && d < retry_after_s * 1000LL)
		d = retry_after_s * 1000LL;
	if (status)
		error_message(r, status, body, body_len);
	else
		snprintf(r->message, sizeof(r->message), "network error, retrying");
	r->state = WF_OUTBOX_QUEUED;
	r->next_try = now_ms + d;
	return 1;
}

void wf_outbox_requeue_all(struct wf_outbox *ob)
{
	for (size_t i = 0; ob && i < ob->n; i++)
		if (ob->recs[i]->state == WF_OUTBOX_SENDING)
			ob->recs[i]->state = WF_OUTBOX_QUEUED;
}
