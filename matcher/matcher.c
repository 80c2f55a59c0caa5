/* matcher.c - the typed bank over mih.c: handles, PDQ entries in one index, vPDQ
 * frames in another (a video matches by the share of the query's frames that match),
 * and an open-addressing table for the types matched by exact value. */
#include "matcher.h"

#include <stdlib.h>
#include <string.h>

#include "mih.h"

/* pdq entries are their ids in the pdq index (no per-hash table beside it), videos
 * and exact values index their arrays. */
#define ROOM_PDQ MATCHER_ROOM_PDQ
#define ROOM_VPDQ MATCHER_ROOM_VPDQ
#define ROOM_EXACT MATCHER_ROOM_EXACT
#define LOCAL_MAX MATCHER_INDEX_MAX
#define HANDLE(room, i) ((uint32_t)(room) << MATCHER_ROOM_SHIFT | (uint32_t)(i))
#define ROOM_OF(h) MATCHER_HANDLE_ROOM(h)
#define LOCAL_OF(h) MATCHER_HANDLE_INDEX(h)

struct video {
	uint32_t first, frames; /* ids in the frame index */
	bool active;
};

struct value {
	uint8_t *bytes;
	uint32_t len;
	uint8_t type;
	bool active;
};

struct matcher {
	struct mih *pdq;
	struct mih *frames;
	uint32_t *frame_video; /* frame id -> index of its video */
	size_t frame_cap;
	struct video *vids;
	size_t nvids, vids_cap;
	struct value *vals;
	size_t nvals, vals_cap;
	uint32_t *slots; /* index + 1 of exact values, 0: empty; power of two */
	size_t nslots, used;
};

struct matcher *matcher_new(void)
{
	struct matcher *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->pdq = mih_new();
	m->frames = mih_new();
	if (!m->pdq || !m->frames) {
		matcher_free(m);
		return NULL;
	}
	return m;
}

void matcher_free(struct matcher *m)
{
	if (!m)
		return;
	mih_free(m->pdq);
	mih_free(m->frames);
	for (size_t i = 0; i < m->nvals; i++)
		free(m->vals[i].bytes);
	free(m->vals);
	free(m->vids);
	free(m->frame_video);
	free(m->slots);
	free(m);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int matcher_parse_hex(enum wf_hash_type type, const char *hex, size_t n, uint8_t *out,
		      const char **why)
{
	bool ok;
	switch (type) {
	case WF_HASH_PDQ:
	case WF_HASH_SHA256:
		ok = n == 64;
		*why = "must be 64 hex digits";
		break;
	case WF_HASH_MD5:
	case WF_HASH_VIDEO_MD5:
		ok = n == 32;
		*why = "must be 32 hex digits";
		break;
	case WF_HASH_TMK:
		ok = n >= 2 && n <= 4096 && n % 2 == 0;
		*why = "must be 2..4096 hex digits, an even number";
		break;
	case WF_HASH_VPDQ:
		ok = n >= 64 && n <= 4096 && n % 64 == 0;
		*why = "must be 64..4096 hex digits, a multiple of 64 (one pdq a "
		       "frame)";
		break;
	default:
		ok = false;
		*why = "unknown hash type";
		break;
	}
	if (!ok)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);
		if (hi < 0 || lo < 0) {
			*why = "must be lowercase hex";
			return -1;
		}
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*why = NULL;
	return (int)(n / 2);
}

static int grow_array(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

static uint64_t value_key(uint8_t type, const uint8_t *v, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ type; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ v[i]) * 1099511628211ULL;
	return h;
}

static void slot_put(uint32_t *slots, size_t nslots, uint64_t key, uint32_t index)
{
	size_t i = key & (nslots - 1);
	while (slots[i])
		i = (i + 1) & (nslots - 1);
	slots[i] = index + 1;
}

static int slots_grow(struct matcher *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof(*s));
	if (!s)
		return -1;
	for (size_t i = 0; i < m->nslots; i++) {
		if (!m->slots[i])
			continue;
		const struct value *v = &m->vals[m->slots[i] - 1];
		slot_put(s, n, value_key(v->type, v->bytes, v->len), m->slots[i] - 1);
	}
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	return 0;
}

static void words_of(const uint8_t *b, uint64_t w[MIH_WORDS])
{
	memcpy(w, b, MIH_WORDS * sizeof(uint64_t));
}

static int64_t add_pdq(struct matcher *m, const uint8_t *value)
{
	uint64_t w[MIH_WORDS];
	words_of(value, w);
	if (mih_count(m->pdq) > LOCAL_MAX)
		return -1;
	int64_t id = mih_add(m->pdq, w);
	return id < 0 ? -1 : (int64_t)HANDLE(ROOM_PDQ, id);
}

static int64_t add_vpdq(struct matcher *m, const uint8_t *value, size_t len)
{
	size_t first = mih_count(m->frames), frames = len / 32;
	if (m->nvids > LOCAL_MAX ||
	    grow_array((void **)&m->frame_video, &m->frame_cap, first + frames,
		       sizeof(uint32_t)) ||
	    grow_array((void **)&m->vids, &m->vids_cap, m->nvids + 1,
		       sizeof(struct video)))
		return -1;
	for (size_t f = 0; f < frames; f++) {
		uint64_t w[MIH_WORDS];
		words_of(value + 32 * f, w);
		if (mih_add(m->frames, w) < 0) {
			/* Frames already added stay, inactive and unreachable. */
			for (size_t g = first; g < first + f; g++)
				mih_set_active(m->frames, (uint32_t)g, false);
			return -1;
		}
		m->frame_video[first + f] = (uint32_t)m->nvids;
	}
	m->vids[m->nvids] = (struct video){(uint32_t)first, (uint32_t)frames, true};
	return HANDLE(ROOM_VPDQ, m->nvids++);
}

static int64_t add_exact(struct matcher *m, uint8_t type, const uint8_t *value,
			 size_t len)
{
	if (m->nvals > LOCAL_MAX ||
	    grow_array((void **)&m->vals, &m->vals_cap, m->nvals + 1,
		       sizeof(struct value)) ||
	    ((m->used + 1) * 2 > m->nslots && slots_grow(m)))
		return -1;
	uint8_t *b = malloc(len);
	if (!b)
		return -1;
	memcpy(b, value, len);
	m->vals[m->nvals] = (struct value){b, (uint32_t)len, type, true};
	slot_put(m->slots, m->nslots, value_key(type, value, len), (uint32_t)m->nvals);
	m->used++;
	return HANDLE(ROOM_EXACT, m->nvals++);
}

static bool len_ok(enum wf_hash_type type, size_t len)
{
	switch (type) {
	case WF_HASH_PDQ:
	case WF_HASH_SHA256:
		return len == 32;
	case WF_HASH_MD5:
	case WF_HASH_VIDEO_MD5:
		return len == 16;
	case WF_HASH_TMK:
		return len >= 1 && len <= MATCHER_VALUE_MAX;
	case WF_HASH_VPDQ:
		return len >= 32 && len <= MATCHER_VALUE_MAX && len % 32 == 0;
	default:
		return false;
	}
}

int64_t matcher_add(struct matcher *m, enum wf_hash_type type, const uint8_t *value,
		    size_t len)
{
	if (!len_ok(type, len))
		return -1;
	if (type == WF_HASH_PDQ)
		return add_pdq(m, value);
	if (type == WF_HASH_VPDQ)
		return add_vpdq(m, value, len);
	return add_exact(m, (uint8_t)type, value, len);
}

void matcher_set_active(struct matcher *m, uint32_t handle, bool active)
{
	uint32_t i = LOCAL_OF(handle);
	switch (ROOM_OF(handle)) {
	case ROOM_PDQ:
		mih_set_active(m->pdq, i, active);
		break;
	case ROOM_VPDQ:
		if (i >= m->nvids)
			break;
		m->vids[i].active = active;
		for (uint32_t f = 0; f < m->vids[i].frames; f++)
			mih_set_active(m->frames, m->vids[i].first + f, active);
		break;
	case ROOM_EXACT:
		if (i < m->nvals)
			m->vals[i].active = active;
		break;
	}
}

bool matcher_is_active(const struct matcher *m, uint32_t handle)
{
	uint32_t i = LOCAL_OF(handle);
	switch (ROOM_OF(handle)) {
	case ROOM_PDQ:
		return mih_is_active(m->pdq, i);
	case ROOM_VPDQ:
		return i < m->nvids && m->vids[i].active;
	case ROOM_EXACT:
		return i < m->nvals && m->vals[i].active;
	}
	return false;
}

size_t matcher_count(const struct matcher *m)
{
	return mih_count(m->pdq) + m->nvids + m->nvals;
}

int matcher_build(struct matcher *m, bool force)
{
	return mih_build(m->pdq, force) || mih_build(m->frames, force) ? -1 : 0;
}

static int push(struct matcher_result *res, uint32_t handle, int distance, int share)
{
	if (grow_array((void **)&res->hits, &res->cap, res->n + 1,
		       sizeof(res->hits[0])))
		return -1;
	res->hits[res->n++] = (struct matcher_hit){handle, distance, share};
	return 0;
}

/* The caller's filter seen through an index's ids. */
struct via {
	const uint32_t *video_of; /* NULL: the pdq index */
	const struct matcher_query *q;
};

static bool accept_via(void *ctx, uint32_t id)
{
	const struct via *v = ctx;
	uint32_t h =
		v->video_of ? HANDLE(ROOM_VPDQ, v->video_of[id]) : HANDLE(ROOM_PDQ, id);
	return v->q->accept(v->q->ctx, h);
}

typedef int (*query_fn)(const struct mih *x, const uint64_t q[MIH_WORDS], int r,
			mih_accept_fn accept, void *ctx, struct mih_result *res);

static int find_pdq(const struct matcher *m, const struct matcher_query *q, query_fn fn,
		    struct matcher_result *res)
{
	uint64_t w[MIH_WORDS];
	words_of(q->value, w);
	struct via v = {NULL, q};
	struct mih_result r = {0};
	int rc = fn(m->pdq, w, q->radius, q->accept ? accept_via : NULL, &v, &r);
	/* (distance, id) order is (distance, handle). */
	for (size_t i = 0; rc == 0 && i < r.n; i++)
		rc = push(res, HANDLE(ROOM_PDQ, r.hits[i].id), r.hits[i].distance, 100);
	mih_result_free(&r);
	return rc;
}

struct frame_hit {
	uint32_t handle, qframe;
	int distance;
};

static int frame_hit_cmp(const void *a, const void *b)
{
	const struct frame_hit *x = a, *y = b;
	if (x->handle != y->handle)
		return x->handle < y->handle ? -1 : 1;
	return x->qframe < y->qframe ? -1 : x->qframe > y->qframe;
}

static int video_hit_cmp(const void *a, const void *b)
{
	const struct matcher_hit *x = a, *y = b;
	if (x->share != y->share)
		return x->share > y->share ? -1 : 1;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->handle < y->handle ? -1 : x->handle > y->handle;
}

/* A query frame matches a video when some frame of it is within the radius; the
 * video is a hit when the matched frames are at least min_share of the query's. */
static int find_vpdq(const struct matcher *m, const struct matcher_query *q,
		     query_fn fn, struct matcher_result *res)
{
	size_t nq = q->len / 32;
	struct via v = {m->frame_video, q};
	struct mih_result r = {0};
	struct frame_hit *fh = NULL;
	size_t nfh = 0, fcap = 0;
	int rc = 0;
	for (size_t f = 0; rc == 0 && f < nq; f++) {
		uint64_t w[MIH_WORDS];
		words_of(q->value + 32 * f, w);
		rc = fn(m->frames, w, q->radius, q->accept ? accept_via : NULL, &v, &r);
		for (size_t i = 0; rc == 0 && i < r.n; i++) {
			rc = grow_array((void **)&fh, &fcap, nfh + 1, sizeof(*fh));
			if (rc == 0)
				fh[nfh++] = (struct frame_hit){
					HANDLE(ROOM_VPDQ, m->frame_video[r.hits[i].id]),
					(uint32_t)f, r.hits[i].distance};
		}
	}
	mih_result_free(&r);
	if (nfh > 1)
		qsort(fh, nfh, sizeof(*fh), frame_hit_cmp);
	size_t start = res->n;
	for (size_t i = 0; rc == 0 && i < nfh;) {
		uint32_t h = fh[i].handle;
		size_t matched = 0;
		int best = 256;
		for (uint32_t last = UINT32_MAX; i < nfh && fh[i].handle == h; i++) {
			if (fh[i].qframe != last)
				matched++;
			last = fh[i].qframe;
			if (fh[i].distance < best)
				best = fh[i].distance;
		}
		if (matched * 100 >= (size_t)q->min_share * nq)
			rc = push(res, h, best, (int)(matched * 100 / nq));
	}
	free(fh);
	if (res->n - start > 1)
		qsort(res->hits + start, res->n - start, sizeof(res->hits[0]),
		      video_hit_cmp);
	return rc;
}

static int find_exact(const struct matcher *m, const struct matcher_query *q,
		      struct matcher_result *res)
{
	if (!m->nslots)
		return 0;
	size_t i = value_key((uint8_t)q->type, q->value, q->len) & (m->nslots - 1);
	size_t start = res->n;
	for (; m->slots[i]; i = (i + 1) & (m->nslots - 1)) {
		uint32_t h = HANDLE(ROOM_EXACT, m->slots[i] - 1);
		const struct value *v = &m->vals[m->slots[i] - 1];
		if (v->type != q->type || !v->active || v->len != q->len ||
		    memcmp(v->bytes, q->value, q->len) ||
		    (q->accept && !q->accept(q->ctx, h)))
			continue;
		if (push(res, h, 0, 100))
			return -1;
	}
	/* Probing order is not handle order: sort the (few) equal values. */
	for (size_t a = start + 1; a < res->n; a++)
		for (size_t b = a;
		     b > start && res->hits[b - 1].handle > res->hits[b].handle; b--) {
			struct matcher_hit t = res->hits[b];
			res->hits[b] = res->hits[b - 1];
			res->hits[b - 1] = t;
		}
	return 0;
}

static int find_exact_brute(const struct matcher *m, const struct matcher_query *q,
			    struct matcher_result *res)
{
	for (size_t i = 0; i < m->nvals; i++) {
		const struct value *v = &m->vals[i];
		uint32_t h = HANDLE(ROOM_EXACT, i);
		if (v->type == q->type && v->active && v->len == q->len &&
		    !memcmp(v->bytes, q->value, q->len) &&
		    (!q->accept || q->accept(q->ctx, h)) && push(res, h, 0, 100))
			return -1;
	}
	return 0;
}

static int find(const struct matcher *m, const struct matcher_query *q, bool brute,
		struct matcher_result *res)
{
	res->n = 0;
	if (!len_ok(q->type, q->len))
		return -1;
	if (q->type == WF_HASH_PDQ)
		return find_pdq(m, q, brute ? mih_query_brute : mih_query, res);
	if (q->type == WF_HASH_VPDQ)
		return find_vpdq(m, q, brute ? mih_query_brute : mih_query, res);
	return brute ? find_exact_brute(m, q, res) : find_exact(m, q, res);
}

int matcher_find(const struct matcher *m, const struct matcher_query *q,
		 struct matcher_result *res)
{
	return find(m, q, false, res);
}

int matcher_find_brute(const struct matcher *m, const struct matcher_query *q,
		       struct matcher_result *res)
{
	return find(m, q, true, res);
}

void matcher_result_free(struct matcher_result *res)
{
	free(res->hits);
	res->hits = NULL;
	res->n = res->cap = 0;
}

size_t matcher_memory_pdq(const struct matcher *m)
{
	return mih_memory(m->pdq);
}

size_t matcher_memory(const struct matcher *m)
{
	size_t b = sizeof(*m) + matcher_memory_pdq(m) + mih_memory(m->frames) +
		   m->frame_cap * sizeof(uint32_t) +
		   m->vids_cap * sizeof(struct video) +
		   m->vals_cap * sizeof(struct value) + m->nslots * sizeof(uint32_t);
	for (size_t i = 0; i < m->nvals; i++)
		b += m->vals[i].len;
	return b;
}
