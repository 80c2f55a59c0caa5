/* mih.c - multi-index hashing over 256-bit hashes: 16 compressed tables (offsets and
 * ids, one per 16-bit substring) over the entries built so far, a tail of newer
 * entries scanned linearly, and the brute-force scan that is the oracle. */
#include "mih.h"

#include <stdlib.h>
#include <string.h>

/* Design. A hash is 16 substrings of 16 bits, paired into 8 aligned 32-bit chunks.
 * Pigeonhole twice: a hash within r of the query has a chunk within S = r/8 bits,
 * and that chunk has a half within S/2 bits. So table t (keyed by substring t) is
 * probed with every key within r/16 bits of the query's substring t (17 probes per
 * table at r = 31), and each entry found is checked first on its chunk: the entry
 * stores its pair's other half (substring t^1) beside its id, and an entry whose
 * two halves are more than S off is dropped without touching its hash. Only the few
 * that pass (about 1%) read their 32-byte hash for the full distance. An entry is
 * reported by the first table that reaches it (recomputed from the hash: no shared
 * "seen" state, so queries run concurrently). The tables are counting-sorted arrays
 * (offsets per key, then ids and halves: 5 bytes per hash per table); entries added
 * after a build sit in a tail that is scanned, and rebuilt past ~n/128. When the
 * probes would cost more than a scan (a small bank, or r/16 above 4) the query scans. */

#define KEYS 65536	/* values of a 16-bit substring */
#define MASK_BITS_MAX 4 /* probe radius per table beyond which we scan */
#define MASKS_MAX 2517	/* masks of 16 bits with at most 4 bits set */
#define TAIL_MIN 1024	/* the tail is indexed past max(TAIL_MIN, n/TAIL_DIV) */
#define TAIL_DIV 128

/* The hot loops are compiled twice on x86-64: with the popcnt instruction, chosen at
 * run time when the CPU has it, and without. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) &&                \
	!defined(__SANITIZE_ADDRESS__) && !defined(MIH_NO_CLONES)
#define MIH_HOT __attribute__((target_clones("popcnt", "default")))
#else
#define MIH_HOT
#endif

struct mih {
	uint64_t (*h)[MIH_WORDS]; /* n hashes, 64-byte aligned */
	uint8_t *active;	  /* a bit per entry */
	size_t n, cap;
	size_t nbase;		   /* entries 0..nbase-1 are in the tables */
	uint32_t *off[MIH_TABLES]; /* KEYS+1 offsets into ids[t] and other[t] */
	uint8_t *ids[MIH_TABLES];  /* nbase ids of 3 bytes, grouped by key */
	uint16_t *
		other[MIH_TABLES]; /* each id's substring t^1 (its pair's other half) */
	uint16_t masks[MASKS_MAX]; /* by popcount: 1, 16, 120, 560, 1820 */
	int masks_upto[MASK_BITS_MAX + 2];
};

/* Ids in the tables take 3 bytes (MIH_ENTRIES_MAX entries an index). */
static inline void id_put(uint8_t *ids, size_t p, uint32_t id)
{
	ids[3 * p] = (uint8_t)id;
	ids[3 * p + 1] = (uint8_t)(id >> 8);
	ids[3 * p + 2] = (uint8_t)(id >> 16);
}

static inline uint32_t id_get(const uint8_t *ids, size_t p)
{
	return (uint32_t)ids[3 * p] | (uint32_t)ids[3 * p + 1] << 8 |
	       (uint32_t)ids[3 * p + 2] << 16;
}

static inline unsigned sub_key(const uint64_t *h, int t)
{
	return (unsigned)(h[t >> 2] >> ((t & 3) * 16)) & 0xffffu;
}

int mih_distance(const uint64_t a[MIH_WORDS], const uint64_t b[MIH_WORDS])
{
	return __builtin_popcountll(a[0] ^ b[0]) + __builtin_popcountll(a[1] ^ b[1]) +
	       __builtin_popcountll(a[2] ^ b[2]) + __builtin_popcountll(a[3] ^ b[3]);
}

struct mih *mih_new(void)
{
	struct mih *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	int k = 0;
	for (int bits = 0; bits <= MASK_BITS_MAX; bits++) {
		x->masks_upto[bits] = k;
		for (unsigned v = 0; v < KEYS; v++)
			if (__builtin_popcount(v) == bits)
				x->masks[k++] = (uint16_t)v;
	}
	x->masks_upto[MASK_BITS_MAX + 1] = k;
	return x;
}

static void free_tables(struct mih *x)
{
	for (int t = 0; t < MIH_TABLES; t++) {
		free(x->off[t]);
		free(x->ids[t]);
		free(x->other[t]);
		x->off[t] = NULL;
		x->ids[t] = NULL;
		x->other[t] = NULL;
	}
	x->nbase = 0;
}

void mih_free(struct mih *x)
{
	if (!x)
		return;
	free_tables(x);
	free(x->h);
	free(x->active);
	free(x);
}

static int grow(struct mih *x)
{
	size_t cap = x->cap ? x->cap * 2 : 1024;
	void *h = NULL;
	if (posix_memalign(&h, 64, cap * sizeof(*x->h)))
		return -1;
	uint8_t *a = realloc(x->active, cap / 8);
	if (!a) {
		free(h);
		return -1;
	}
	memset(a + x->cap / 8, 0, (cap - x->cap) / 8);
	if (x->n)
		memcpy(h, x->h, x->n * sizeof(*x->h));
	free(x->h);
	x->h = h;
	x->active = a;
	x->cap = cap;
	return 0;
}

int64_t mih_add(struct mih *x, const uint64_t hash[MIH_WORDS])
{
	if (x->n >= MIH_ENTRIES_MAX || (x->n == x->cap && grow(x)))
		return -1;
	memcpy(x->h[x->n], hash, sizeof(x->h[0]));
	x->active[x->n / 8] |= (uint8_t)(1u << (x->n % 8));
	return (int64_t)x->n++;
}

static inline bool is_active(const struct mih *x, uint32_t id)
{
	return x->active[id / 8] >> (id % 8) & 1;
}

void mih_set_active(struct mih *x, uint32_t id, bool active)
{
	if (id >= x->n)
		return;
	if (active)
		x->active[id / 8] |= (uint8_t)(1u << (id % 8));
	else
		x->active[id / 8] &= (uint8_t) ~(1u << (id % 8));
}

bool mih_is_active(const struct mih *x, uint32_t id)
{
	return id < x->n && is_active(x, id);
}

size_t mih_count(const struct mih *x)
{
	return x->n;
}

const uint64_t *mih_hash(const struct mih *x, uint32_t id)
{
	return id < x->n ? x->h[id] : NULL;
}

int mih_build(struct mih *x, bool force)
{
	size_t tail = x->n - x->nbase, bound = x->n / TAIL_DIV;
	if (!force && tail <= (bound > TAIL_MIN ? bound : TAIL_MIN))
		return 0;
	uint32_t *off[MIH_TABLES] = {0};
	uint8_t *ids[MIH_TABLES] = {0};
	uint16_t *other[MIH_TABLES] = {0};
	for (int t = 0; t < MIH_TABLES; t++) {
		off[t] = calloc(KEYS + 1, sizeof(uint32_t));
		ids[t] = malloc((x->n ? x->n : 1) * 3);
		other[t] = malloc((x->n ? x->n : 1) * sizeof(uint16_t));
		if (!off[t] || !ids[t] || !other[t]) {
			for (int u = 0; u <= t; u++) {
				free(off[u]);
				free(ids[u]);
				free(other[u]);
			}
			return -1;
		}
	}
	/* Counting sort of the ids by each substring: counts, prefix sums, scatter. */
	for (int t = 0; t < MIH_TABLES; t++) {
		uint32_t *o = off[t];
		for (size_t i = 0; i < x->n; i++)
			o[sub_key(x->h[i], t) + 1]++;
		for (unsigned k = 0; k < KEYS; k++)
			o[k + 1] += o[k];
		for (size_t i = 0; i < x->n; i++) {
			uint32_t p = o[sub_key(x->h[i], t)]++;
			id_put(ids[t], p, (uint32_t)i);
			other[t][p] = (uint16_t)sub_key(x->h[i], t ^ 1);
		}
		/* The scatter moved each start to the next key's start: shift back. */
		memmove(o + 1, o, KEYS * sizeof(uint32_t));
		o[0] = 0;
	}
	free_tables(x);
	memcpy(x->off, off, sizeof(off));
	memcpy(x->ids, ids, sizeof(ids));
	memcpy(x->other, other, sizeof(other));
	x->nbase = x->n;
	return 0;
}

static int push(struct mih_result *res, uint32_t id, int d)
{
	if (res->n == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 16;
		struct mih_hit *h = realloc(res->hits, cap * sizeof(*h));
		if (!h)
			return -1;
		res->hits = h;
		res->cap = cap;
	}
	res->hits[res->n].id = id;
	res->hits[res->n].distance = d;
	res->n++;
	return 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct mih_hit *x = a, *y = b;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void sort_hits(struct mih_result *res)
{
	if (res->n > 1)
		qsort(res->hits, res->n, sizeof(res->hits[0]), hit_cmp);
}

MIH_HOT
static int scan(const struct mih *x, size_t from, const uint64_t q[MIH_WORDS], int r,
		mih_accept_fn accept, void *ctx, struct mih_result *res)
{
	const uint64_t q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
	for (size_t i = from; i < x->n; i++) {
		const uint64_t *h = x->h[i];
		int d = __builtin_popcountll(h[0] ^ q0) +
			__builtin_popcountll(h[1] ^ q1) +
			__builtin_popcountll(h[2] ^ q2) +
			__builtin_popcountll(h[3] ^ q3);
		if (d > r || !is_active(x, (uint32_t)i) ||
		    (accept && !accept(ctx, (uint32_t)i)))
			continue;
		if (push(res, (uint32_t)i, d))
			return -1;
	}
	return 0;
}

int mih_query_brute(const struct mih *x, const uint64_t q[MIH_WORDS], int r,
		    mih_accept_fn accept, void *ctx, struct mih_result *res)
{
	res->n = 0;
	if (scan(x, 0, q, r, accept, ctx, res))
		return -1;
	sort_hits(res);
	return 0;
}

/* The radii of a query at r: by pigeonhole over the 8 aligned 32-bit pairs of
 * substrings, a hash within r has a pair within S = r/8 bits, and so a half of that
 * pair (one table's key) within S/2 bits. */
struct radii {
	int pair, half;
};

static struct radii radii_of(int r)
{
	return (struct radii){r / 8, r / 16};
}

/* Whether probing the tables at these radii costs less than a scan: 16 x masks
 * probes, each reading about nbase/KEYS (id, other half) pairs. */
static bool tables_pay(const struct mih *x, struct radii rd)
{
	if (rd.half > MASK_BITS_MAX || x->nbase == 0)
		return false;
	double probes = (double)MIH_TABLES * x->masks_upto[rd.half + 1];
	double scanned = probes * ((double)x->nbase / KEYS);
	return 4.0 * probes + scanned < (double)x->nbase;
}

bool mih_uses_tables(const struct mih *x, int r)
{
	return r >= 0 && tables_pay(x, radii_of(r));
}

/* Whether table u (u < t) reaches h too, so that table t must not report it. */
static inline bool reached_before(const unsigned *qk, const uint64_t *h, int t,
				  struct radii rd)
{
	for (int u = 0; u < t; u++) {
		int dh = __builtin_popcount(qk[u] ^ sub_key(h, u));
		if (dh <= rd.half &&
		    dh + __builtin_popcount(qk[u ^ 1] ^ sub_key(h, u ^ 1)) <= rd.pair)
			return true;
	}
	return false;
}

MIH_HOT
static int probe_tables(const struct mih *x, const uint64_t q[MIH_WORDS], int r,
			struct radii rd, mih_accept_fn accept, void *ctx,
			struct mih_result *res)
{
	unsigned qk[MIH_TABLES];
	for (int t = 0; t < MIH_TABLES; t++)
		qk[t] = sub_key(q, t);
	const int nmask = x->masks_upto[rd.half + 1];
	uint32_t begin[MASKS_MAX], end[MASKS_MAX];
	for (int t = 0; t < MIH_TABLES; t++) {
		const uint32_t *off = x->off[t];
		const uint8_t *ids = x->ids[t];
		const uint16_t *other = x->other[t];
		const unsigned qo = qk[t ^ 1];
		/* Memory first: every probe's offsets, then every bucket's start, so
		 * the cache misses of one table overlap instead of queueing. */
		for (int m = 0; m < nmask; m++)
			__builtin_prefetch(&off[qk[t] ^ x->masks[m]]);
		for (int m = 0; m < nmask; m++) {
			unsigned key = qk[t] ^ x->masks[m];
			begin[m] = off[key];
			end[m] = off[key + 1];
			__builtin_prefetch(&other[begin[m]]);
		}
		for (int m = 0; m < nmask; m++) {
			/* the pair's other half may differ by what the key left over */
			const int left = rd.pair - __builtin_popcount(x->masks[m]);
			for (uint32_t p = begin[m]; p < end[m]; p++) {
				if (__builtin_popcount(qo ^ other[p]) > left)
					continue;
				uint32_t id = id_get(ids, p);
				const uint64_t *h = x->h[id];
				int d = __builtin_popcountll(h[0] ^ q[0]) +
					__builtin_popcountll(h[1] ^ q[1]) +
					__builtin_popcountll(h[2] ^ q[2]) +
					__builtin_popcountll(h[3] ^ q[3]);
				if (d > r || !is_active(x, id) ||
				    reached_before(qk, h, t, rd) ||
				    (accept && !accept(ctx, id)))
					continue;
				if (push(res, id, d))
					return -1;
			}
		}
	}
	return 0;
}

int mih_query(const struct mih *x, const uint64_t q[MIH_WORDS], int r,
	      mih_accept_fn accept, void *ctx, struct mih_result *res)
{
	res->n = 0;
	if (r < 0)
		return 0;
	struct radii rd = radii_of(r);
	if (!tables_pay(x, rd))
		return mih_query_brute(x, q, r, accept, ctx, res);
	if (probe_tables(x, q, r, rd, accept, ctx, res) ||
	    scan(x, x->nbase, q, r, accept, ctx, res))
		return -1;
	sort_hits(res);
	return 0;
}

void mih_result_free(struct mih_result *res)
{
	free(res->hits);
	res->hits = NULL;
	res->n = res->cap = 0;
}

size_t mih_memory(const struct mih *x)
{
	size_t b = sizeof(*x) + x->cap * sizeof(x->h[0]) + x->cap / 8;
	if (x->off[0])
		b += MIH_TABLES * ((KEYS + 1) * sizeof(uint32_t) +
				   (x->nbase ? x->nbase : 1) * (3 + sizeof(uint16_t)));
	return b;
}
