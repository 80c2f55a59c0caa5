/* mih.h - an exact Hamming-radius index over 256-bit hashes (PDQ, vPDQ frames) by
 * multi-index hashing: 16 tables keyed by the hash's 16-bit substrings, probed with
 * every key within floor(r/16) bits, plus a short unindexed tail. Pure, no I/O. */
#ifndef WF_MIH_H
#define WF_MIH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MIH_WORDS 4   /* a hash is 4 x 64 bits */
#define MIH_TABLES 16 /* substrings of 16 bits */
#define MIH_ENTRIES_MAX ((1u << 24) - 1) /* ids are 3 bytes in the tables */

struct mih;

struct mih_hit {
	uint32_t id;
	int distance;
};

/* A growable answer: hits in (distance, id) order after mih_query. */
struct mih_result {
	struct mih_hit *hits;
	size_t n, cap;
};

/* Optional filter: an entry is a hit only when accept(ctx, id) is true. */
typedef bool (*mih_accept_fn)(void *ctx, uint32_t id);

struct mih *mih_new(void);
void mih_free(struct mih *x);

/* Appends a hash (active) and returns its id (0, 1, 2, ...), or -1 when out of
 * memory or full (MIH_ENTRIES_MAX, about 16.7 million). The hash is searchable at
 * once (in the tail until the next build). */
int64_t mih_add(struct mih *x, const uint64_t hash[MIH_WORDS]);
/* Active entries match; inactive ones (disabled, rejected) never do. */
void mih_set_active(struct mih *x, uint32_t id, bool active);
bool mih_is_active(const struct mih *x, uint32_t id);
size_t mih_count(const struct mih *x);
const uint64_t *mih_hash(const struct mih *x, uint32_t id);

/* Indexes the tail when it has grown past its bound (about n/128, at least 1024), or
 * always when force. 0, or -1 when out of memory (the index stays exact: the tail
 * is then simply longer). */
int mih_build(struct mih *x, bool force);

/* Every active entry within radius r (0..256) of q that accept lets through, into
 * res (emptied first), sorted by (distance, id). 0, or -1 when out of memory. Reads
 * only: concurrent queries on one index are safe while nothing writes. */
int mih_query(const struct mih *x, const uint64_t q[MIH_WORDS], int r,
	      mih_accept_fn accept, void *ctx, struct mih_result *res);
/* The baseline and test oracle: the same answer by scanning every entry. */
int mih_query_brute(const struct mih *x, const uint64_t q[MIH_WORDS], int r,
		    mih_accept_fn accept, void *ctx, struct mih_result *res);
void mih_result_free(struct mih_result *res);

/* Hamming distance of two hashes. */
int mih_distance(const uint64_t a[MIH_WORDS], const uint64_t b[MIH_WORDS]);

/* Whether a query at radius r probes the tables (true) or scans (a small bank, or
 * a radius where probing would cost more than the scan). For tests and the bench. */
bool mih_uses_tables(const struct mih *x, int r);

/* Bytes the index holds now (arrays at their capacity), hashes included. */
size_t mih_memory(const struct mih *x);

#endif
