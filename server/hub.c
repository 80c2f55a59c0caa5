/* hub.c - event ring, stream readers (SSE frames and long-poll answers), suspend and
 * resume of idle streams, and the timer thread for heartbeats and poll deadlines. */
#include "hub.h"

#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/validate.h"
#include "util.h"

#define RETRY_MS 2000
#define FILL_BYTES (64 * 1024)
#define POLL_MAX_EVENTS 1000

struct stream {
	struct hub *hub;
	struct MHD_Connection *conn;
	bool sse;
	bool has_after;
	bool started;
	bool done;
	bool suspended;
	atomic_bool revoked; /* its token was revoked (hub_revoke_streams): end it */
	char owner[65];      /* the token's key (auth_identity.key), "" when anonymous */
	int n_events; /* long-poll: events in the answer so far (for commas) */
	int64_t after;
	int64_t next_beat; /* monotonic ms */
	int64_t deadline;  /* monotonic ms, long-poll only */
	char *out;
	size_t out_len, out_off, out_cap;
	struct stream *prev, *next;
};

struct hub {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	pthread_t timer;
	bool timer_started;
	bool closing;
	int heartbeat_s;
	int64_t cursor, oldest;
	struct hub_event *ring;
	size_t *ring_len;        /* bytes each entry holds (envelope and its NUL) */
	size_t cap, count, head; /* head: index of the oldest entry */
	size_t bytes, max_bytes; /* held by the ring's envelopes, and the budget */
	struct stream *streams;
	bool (*admit)(void *ctx, const char *owner); /* hub_set_stream_check, or NULL */
	void *admit_ctx;
	hub_fetch_fn fetch;
	void *fetch_ctx;
	hub_observe_fn observe;
	void *observe_ctx;
};

static void out_append(struct stream *s, const char *p, size_t n)
{
	if (s->out_len + n + 1 > s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap : 4096;
		while (cap < s->out_len + n + 1)
			cap *= 2;
		char *o = realloc(s->out, cap);
		if (!o)
			abort(); /* out of memory: nothing sensible left to do */
		s->out = o;
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
	s->out[s->out_len] = '\0';
}

static void out_printf(struct stream *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void out_printf(struct stream *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_append(s, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void append_event(struct stream *s, int64_t seq, enum wf_event_type type,
			 const char *envelope)
{
	if (s->sse) {
		out_printf(s, "id: %lld\nevent: %s\ndata: ", (long long)seq,
			   wf_event_type_name(type));
		out_append(s, envelope, strlen(envelope));
		out_append(s, "\n\n", 2);
	} else {
		if (s->n_events++ > 0)
			out_append(s, ",", 1);
		out_append(s, envelope, strlen(envelope));
	}
}

static void append_reset(struct stream *s, int64_t cursor)
{
	char t[40];
	wf_time_format(util_now_ms(), t, sizeof(t));
	/* No id: line, so a client's Last-Event-ID never jumps over what it missed. */
	out_printf(s,
		   "event: reset\ndata: {\"seq\":%lld,\"type\":\"reset\",\"time\":\"%s\","
		   "\"data\":{\"reason\":\"cursor_expired\"}}\n\n",
		   (long long)cursor, t);
}

struct hub *hub_new(size_t ring_cap, int heartbeat_s, hub_fetch_fn fetch, void *ctx)
{
	struct hub *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->ring = calloc(ring_cap ? ring_cap : 1, sizeof(*h->ring));
	h->ring_len = calloc(ring_cap ? ring_cap : 1, sizeof(*h->ring_len));
	if (!h->ring || !h->ring_len) {
		free(h->ring);
		free(h->ring_len);
		free(h);
		return NULL;
	}
	h->cap = ring_cap ? ring_cap : 1;
	h->max_bytes = SIZE_MAX;
	h->heartbeat_s = heartbeat_s > 0 ? heartbeat_s : 15;
	h->fetch = fetch;
	h->fetch_ctx = ctx;
	h->oldest = 1;
	pthread_mutex_init(&h->mu, NULL);
	util_cond_init_monotonic(&h->cond);
	return h;
}

static void resume_locked(struct stream *s)
{
	if (s->suspended) {
		s->suspended = false;
		MHD_resume_connection(s->conn);
	}
}

void hub_close(struct hub *h)
{
	pthread_mutex_lock(&h->mu);
	h->closing = true;
	for (struct stream *s = h->streams; s; s = s->next)
		resume_locked(s);
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->mu);
	if (h->timer_started)
		pthread_join(h->timer, NULL);
	h->timer_started = false;
}

void hub_free(struct hub *h)
{
	if (!h)
		return;
	hub_close(h);
	for (size_t i = 0; i < h->count; i++)
		free(h->ring[(h->head + i) % h->cap].envelope);
	free(h->ring);
	free(h->ring_len);
	pthread_cond_destroy(&h->cond);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

void hub_set_range(struct hub *h, int64_t oldest, int64_t cursor)
{
	pthread_mutex_lock(&h->mu);
	h->oldest = oldest;
	h->cursor = cursor;
	pthread_mutex_unlock(&h->mu);
}

int64_t hub_cursor(struct hub *h)
{
	pthread_mutex_lock(&h->mu);
	int64_t c = h->cursor;
	pthread_mutex_unlock(&h->mu);
	return c;
}

void hub_set_ring_bytes(struct hub *h, size_t max_bytes)
{
	pthread_mutex_lock(&h->mu);
	h->max_bytes = max_bytes;
	pthread_mutex_unlock(&h->mu);
}

void hub_ring_usage(struct hub *h, size_t *count, size_t *bytes)
{
	pthread_mutex_lock(&h->mu);
	*count = h->count;
	*bytes = h->bytes;
	pthread_mutex_unlock(&h->mu);
}

/* Drops the oldest ring entry: streams behind it read the store instead. */
static void ring_drop_oldest_locked(struct hub *h)
{
	free(h->ring[h->head].envelope);
	h->ring[h->head].envelope = NULL;
	h->bytes -= h->ring_len[h->head];
	h->head = (h->head + 1) % h->cap;
	h->count--;
}

void hub_set_observer(struct hub *h, hub_observe_fn fn, void *ctx)
{
	pthread_mutex_lock(&h->mu);
	h->observe = fn;
	h->observe_ctx = ctx;
	pthread_mutex_unlock(&h->mu);
}

void hub_publish_event(struct hub *h, int64_t seq, enum wf_event_type type,
		       char *envelope)
{
	size_t len = strlen(envelope) + 1;
	pthread_mutex_lock(&h->mu);
	hub_observe_fn observe = h->observe;
	void *observe_ctx = h->observe_ctx;
	pthread_mutex_unlock(&h->mu);
	/* Before the ring takes the envelope (which may drop it at once). */
	if (observe)
		observe(observe_ctx, seq, type, envelope);
	pthread_mutex_lock(&h->mu);
	if (h->count > 0 && seq != h->cursor + 1) {
		/* A gap (should not happen): drop the ring, streams fall back to the store. */
		while (h->count > 0)
			ring_drop_oldest_locked(h);
		h->head = 0;
	}
	/* Within both the count and the byte budget; the newest entry always stays. */
	while (h->count > 0 && (h->count == h->cap || h->bytes + len > h->max_bytes))
		ring_drop_oldest_locked(h);
	size_t idx = (h->head + h->count) % h->cap;
	struct hub_event *e = &h->ring[idx];
	e->seq = seq;
	e->type = type;
	e->envelope = envelope;
	h->ring_len[idx] = len;
	h->bytes += len;
	h->count++;
	h->cursor = seq;
	for (struct stream *s = h->streams; s; s = s->next)
		resume_locked(s);
	pthread_mutex_unlock(&h->mu);
}

/* Seq of the oldest event in the ring (cursor + 1 when empty). */
static int64_t ring_first_locked(struct hub *h)
{
	return h->count ? h->ring[h->head].seq : h->cursor + 1;
}

/* Appends events after s->after from the store (called without the lock). */
static int fill_from_store(struct hub *h, struct stream *s, int max)
{
	struct hub_event *evs = NULL;
	int n = h->fetch ? h->fetch(h->fetch_ctx, s->after, max, &evs) : -1;
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (evs[i].seq == s->after + 1) {
			append_event(s, evs[i].seq, evs[i].type, evs[i].envelope);
			s->after = evs[i].seq;
		}
		free(evs[i].envelope);
	}
	free(evs);
	return n;
}

/* Appends ring events after s->after; returns how many, or -1 when the stream's
 * cursor is older than the ring (the store must answer). */
static int fill_from_ring_locked(struct hub *h, struct stream *s, int max_events)
{
	int n = 0;
	int64_t first = ring_first_locked(h);
	if (s->after >= h->cursor)
		return 0;
	if (s->after + 1 < first)
		return -1;
	while (s->after < h->cursor && n < max_events && s->out_len < FILL_BYTES) {
		size_t idx = (h->head + (size_t)(s->after + 1 - first)) % h->cap;
		append_event(s, h->ring[idx].seq, h->ring[idx].type, h->ring[idx].envelope);
		s->after++;
		n++;
	}
	return n;
}

static bool cursor_invalid_locked(struct hub *h, int64_t after)
{
	return after < h->oldest - 1 || after > h->cursor;
}

/* Long-poll: answers at once when events are after the cursor (or the cursor is
 * invalid), else at the deadline. Returns 1 with the answer in s->out, or 0 with the
 * lock held when it must wait. */
static int poll_fill(struct hub *h, struct stream *s, int64_t now)
{
	pthread_mutex_lock(&h->mu);
	if (!s->started) {
		s->started = true;
		if (!s->has_after)
			s->after = h->cursor;
	}
	if (cursor_invalid_locked(h, s->after)) {
		out_printf(s, "{\"cursor\":%lld,\"events\":[],\"reset\":true}",
			   (long long)h->cursor);
		pthread_mutex_unlock(&h->mu);
		s->done = true;
		return 1;
	}
	if (s->after >= h->cursor && now < s->deadline && !h->closing)
		return 0;
	out_printf(s, "{\"events\":[");
	int n = fill_from_ring_locked(h, s, POLL_MAX_EVENTS);
	pthread_mutex_unlock(&h->mu);
	if (n < 0)
		fill_from_store(h, s, POLL_MAX_EVENTS);
	out_printf(s, "],\"cursor\":%lld,\"reset\":false}", (long long)s->after);
	s->done = true;
	return 1;
}

/* SSE: the retry line first, then frames after the cursor, else a heartbeat when
 * due. Returns 1 with s->out filled, 0 with the lock held when it must wait, -1 when
 * the stream ends (server closing). */
static int sse_fill(struct hub *h, struct stream *s, int64_t now)
{
	pthread_mutex_lock(&h->mu);
	if (!s->started) {
		s->started = true;
		out_printf(s, "retry: %d\n\n", RETRY_MS);
		if (!s->has_after)
			s->after = h->cursor;
		else if (cursor_invalid_locked(h, s->after)) {
			append_reset(s, h->cursor);
			s->after = h->cursor;
		}
	} else if (s->after < h->oldest - 1) {
		/* Pruned while this client lagged: it must re-read the snapshot. */
		append_reset(s, h->cursor);
		s->after = h->cursor;
	}
	if (h->closing) {
		pthread_mutex_unlock(&h->mu);
		return s->out_len ? 1 : -1;
	}
	int n = fill_from_ring_locked(h, s, 4096);
	if (n < 0) {
		pthread_mutex_unlock(&h->mu);
		if (fill_from_store(h, s, 1000) <= 0 && s->out_len == 0)
			return -1; /* the store failed: end, the client reconnects */
		pthread_mutex_lock(&h->mu);
	}
	if (s->out_len == 0 && now >= s->next_beat) {
		char t[40];
		wf_time_format(util_now_ms(), t, sizeof(t));
		out_printf(s, ": heartbeat %s\n\n", t);
	}
	if (s->out_len > 0) {
		/* Under the lock: the timer thread reads next_beat. */
		s->next_beat = now + h->heartbeat_s * 1000;
		pthread_mutex_unlock(&h->mu);
		return 1;
	}
	return 0;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	struct hub *h = s->hub;
	(void)pos;
	if (atomic_load(&s->revoked))
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (s->out_off >= s->out_len) {
		s->out_off = s->out_len = 0;
		if (s->done)
			return MHD_CONTENT_READER_END_OF_STREAM;
		int64_t now = util_mono_ms();
		int r = s->sse ? sse_fill(h, s, now) : poll_fill(h, s, now);
		if (r < 0)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (r == 0) {
			/* Nothing to send: park the connection until an event or a deadline
			 * (the lock is held, so a publish cannot slip in between). */
			s->suspended = true;
			MHD_suspend_connection(s->conn);
			pthread_cond_signal(&h->cond);
			pthread_mutex_unlock(&h->mu);
			return 0;
		}
	}
	size_t n = s->out_len - s->out_off;
	if (n > max)
		n = max;
	memcpy(buf, s->out + s->out_off, n);
	s->out_off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;
	struct hub *h = s->hub;
	pthread_mutex_lock(&h->mu);
	if (s->prev)
		s->prev->next = s->next;
	else
		h->streams = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&h->mu);
	free(s->out);
	free(s);
}

static void *timer_main(void *arg)
{
	struct hub *h = arg;
	pthread_mutex_lock(&h->mu);
	while (!h->closing) {
		int64_t now = util_mono_ms();
		int64_t next = now + 1000;
		for (struct stream *s = h->streams; s; s = s->next) {
			if (!s->suspended)
				continue;
			int64_t due = s->sse ? s->next_beat : s->deadline;
			if (due <= now)
				resume_locked(s);
			else if (due < next)
				next = due;
		}
		util_cond_wait_until(&h->cond, &h->mu, next);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct MHD_Response *hub_open_stream(struct hub *h, struct MHD_Connection *conn,
				     bool sse, bool has_after, int64_t after, int wait_s,
				     const char *owner)
{
	struct stream *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->hub = h;
	atomic_init(&s->revoked, false);
	snprintf(s->owner, sizeof(s->owner), "%s", owner ? owner : "");
	s->conn = conn;
	s->sse = sse;
	s->has_after = has_after;
	s->after = after;
	s->next_beat = util_mono_ms() + h->heartbeat_s * 1000;
	s->deadline = util_mono_ms() + (int64_t)wait_s * 1000;
	struct MHD_Response *r = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s, stream_free);
	if (!r) {
		free(s);
		return NULL;
	}
	pthread_mutex_lock(&h->mu);
	if (!h->timer_started && !h->closing) {
		if (pthread_create(&h->timer, NULL, timer_main, h) == 0)
			h->timer_started = true;
	}
	/* Under the lock a revoke pass holds: a token revoked after its request was
	 * admitted either finds this stream in the list or is refused here. */
	if (s->owner[0] && h->admit && !h->admit(h->admit_ctx, s->owner))
		atomic_store(&s->revoked, true);
	s->next = h->streams;
	if (h->streams)
		h->streams->prev = s;
	h->streams = s;
	pthread_mutex_unlock(&h->mu);
	return r;
}

void hub_set_stream_check(struct hub *h, bool (*admit)(void *ctx, const char *owner),
			  void *ctx)
{
	pthread_mutex_lock(&h->mu);
	h->admit = admit;
	h->admit_ctx = ctx;
	pthread_mutex_unlock(&h->mu);
}

size_t hub_revoke_streams(struct hub *h, bool (*keep)(void *ctx, const char *owner),
			  void *ctx)
{
	size_t n = 0;
	pthread_mutex_lock(&h->mu);
	for (struct stream *s = h->streams; s; s = s->next) {
		if (atomic_load(&s->revoked) || keep(ctx, s->owner))
			continue;
		atomic_store(&s->revoked, true);
		resume_locked(s); /* its reader runs once more and ends the stream */
		n++;
	}
	pthread_mutex_unlock(&h->mu);
	return n;
}
