/* matcher.h - the signal bank as a matcher: PDQ nearest neighbours within a Hamming
 * threshold (mih.h), vPDQ videos by the frame rule, MD5 / SHA-256 / video MD5 / TMK by
 * exact value. Entries are handles the caller maps to its signals. Pure C, no I/O. */
#ifndef WF_MATCHER_H
#define WF_MATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/enums.h"

#define MATCHER_PDQ_THRESHOLD 31 /* two PDQ hashes within 31 bits: the same picture */
#define MATCHER_VPDQ_SHARE 80	 /* percent of the query's frames that must match */
#define MATCHER_VALUE_MAX 2048	 /* bytes of a decoded value (4096 hex digits) */

struct matcher;

/* A handle is a room (pdq, vpdq, exact types) in its top 4 bits and an index there
 * that counts 0, 1, 2, ... in the order of matcher_add, so a caller can keep its own
 * data about entries in one dense array per room. */
#define MATCHER_ROOM_PDQ 0u
#define MATCHER_ROOM_VPDQ 1u
#define MATCHER_ROOM_EXACT 2u
#define MATCHER_ROOMS 3
#define MATCHER_ROOM_SHIFT 28
#define MATCHER_INDEX_MAX ((1u << MATCHER_ROOM_SHIFT) - 1)
#define MATCHER_HANDLE_ROOM(h) ((uint32_t)(h) >> MATCHER_ROOM_SHIFT)
#define MATCHER_HANDLE_INDEX(h) ((uint32_t)(h)&MATCHER_INDEX_MAX)

struct matcher_hit {
	uint32_t handle;
	int distance; /* pdq: Hamming; vpdq: the closest matched frame; exact: 0 */
	int share;    /* vpdq: percent of the query's frames within the frame threshold;
		       * others: 100 */
};

struct matcher_result {
	struct matcher_hit *hits;
	size_t n, cap;
};

/* Only hits whose handle accept lets through (NULL: all). */
typedef bool (*matcher_accept_fn)(void *ctx, uint32_t handle);

struct matcher_query {
	enum wf_hash_type type;
	const uint8_t *value; /* decoded (matcher_parse_hex) */
	size_t len;
	int radius;    /* pdq: hits within this distance; vpdq: the frame threshold */
	int min_share; /* vpdq: hits with at least this share (0..100) */
	matcher_accept_fn accept;
	void *ctx;
};

struct matcher *matcher_new(void);
void matcher_free(struct matcher *m);

/* Decodes a hash's lowercase hex into out (at least MATCHER_VALUE_MAX bytes) and
 * checks its length against the type (pdq, sha256: 64 digits; md5, video_md5: 32;
 * tmk: 2..4096, even; vpdq: 64..4096, a multiple of 64). Returns the byte count, or
 * -1 with a reason in *why. */
int matcher_parse_hex(enum wf_hash_type type, const char *hex, size_t hexlen,
		      uint8_t *out, const char **why);

/* Adds an active entry (the value is copied) and returns its handle, or -1 (bad
 * length for the type, or out of memory). */
int64_t matcher_add(struct matcher *m, enum wf_hash_type type, const uint8_t *value,
		    size_t len);
/* Disabled and rejected signals never match; a handle can be re-activated. */
void matcher_set_active(struct matcher *m, uint32_t handle, bool active);
bool matcher_is_active(const struct matcher *m, uint32_t handle);
size_t matcher_count(const struct matcher *m);
/* Indexes recent additions when worthwhile (force: always); see mih_build. */
int matcher_build(struct matcher *m, bool force);

/* Every active entry of q->type matching q, best first: pdq by (distance, handle),
 * vpdq by (share descending, distance, handle), exact types by handle. res is
 * emptied first. 0, or -1 (out of memory, or a value of the wrong length). Reads
 * only: concurrent queries are safe while nothing writes. brute: the scan that the
 * tests and the bench compare against. */
int matcher_find(const struct matcher *m, const struct matcher_query *q,
		 struct matcher_result *res);
int matcher_find_brute(const struct matcher *m, const struct matcher_query *q,
		       struct matcher_result *res);
void matcher_result_free(struct matcher_result *res);

/* Bytes held by the PDQ index (hashes included), and by everything. */
size_t matcher_memory_pdq(const struct matcher *m);
size_t matcher_memory(const struct matcher *m);

#endif
