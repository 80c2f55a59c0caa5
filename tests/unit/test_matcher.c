/* test_matcher.c - the matcher against brute force: random banks with neighbours
 * planted at every distance 0..40, duplicates, disabled entries, a tail added after
 * the build, filters; the vPDQ frame rule at 79% / 80% / 100%; exact types; hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matcher/matcher.h"
#include "matcher/mih.h"

static uint64_t rng = 88172645463325252ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void random_hash(uint64_t h[4])
{
	for (int i = 0; i < 4; i++)
		h[i] = next();
}

/* A copy of h with exactly d distinct bits flipped. */
static void flip(const uint64_t h[4], int d, uint64_t out[4])
{
	memcpy(out, h, 32);
	int done = 0;
	while (done < d) {
		int b = (int)(next() % 256);
		uint64_t bit = 1ULL << (b % 64);
		if ((out[b / 64] ^ h[b / 64]) & bit)
			continue;
		out[b / 64] ^= bit;
		done++;
	}
}

static void same_hits(const struct mih_result *a, const struct mih_result *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->hits[i].id, b->hits[i].id);
		assert_int_equal(a->hits[i].distance, b->hits[i].distance);
	}
}

static bool odd_only(void *ctx, uint32_t id)
{
	(void)ctx;
	return id & 1;
}

#define BANK 70000 /* past 65536: the third byte of the tables' ids is used */
#define QUERIES 40

/* Every query has a neighbour at each distance 0..40 (some twice: duplicates);
 * every radius that probes the tables, and some that scan, agree with brute force. */
static void test_mih_equals_brute(void **state)
{
	struct mih *x = mih_new();
	uint64_t(*qs)[4] = malloc(QUERIES * sizeof(*qs));
	for (int i = 0; i < BANK; i++) {
		uint64_t h[4];
		random_hash(h);
		assert_true(mih_add(x, h) >= 0);
	}
	for (int q = 0; q < QUERIES; q++) {
		random_hash(qs[q]);
		for (int d = 0; d <= 40; d++) {
			uint64_t h[4];
			flip(qs[q], d, h);
			assert_true(mih_add(x, h) >= 0);
			if (d % 7 == 0)
				assert_true(mih_add(x, h) >= 0); /* a duplicate */
		}
	}
	/* Disabled entries: every 5th, including planted ones. */
	for (uint32_t id = 0; id < mih_count(x); id += 5)
		mih_set_active(x, id, false);
	assert_int_equal(mih_build(x, true), 0);
	assert_true(mih_uses_tables(x, 31));
	assert_true(mih_uses_tables(x, 47));
	/* A tail after the build: more neighbours, not yet in the tables. */
	for (int q = 0; q < QUERIES; q++)
		for (int d = 0; d <= 40; d += 3) {
			uint64_t h[4];
			flip(qs[q], d, h);
			assert_true(mih_add(x, h) >= 0);
		}
	const int radii[] = {0, 1, 15, 16, 17, 30, 31, 32, 40, 47, 48, 70};
	struct mih_result a = {0}, b = {0};
	size_t planted_hits = 0;
	for (int q = 0; q < QUERIES; q++)
		for (size_t k = 0; k < sizeof(radii) / sizeof(radii[0]); k++) {
			int r = radii[k];
			assert_int_equal(mih_query(x, qs[q], r, NULL, NULL, &a), 0);
			assert_int_equal(mih_query_brute(x, qs[q], r, NULL, NULL, &b),
					 0);
			same_hits(&a, &b);
			for (size_t i = 0; i < a.n; i++) {
				assert_true(a.hits[i].distance <= r);
				assert_true(mih_is_active(x, a.hits[i].id));
			}
			if (r == 31)
				planted_hits += a.n;
			assert_int_equal(mih_query(x, qs[q], r, odd_only, NULL, &a), 0);
			assert_int_equal(
				mih_query_brute(x, qs[q], r, odd_only, NULL, &b), 0);
			same_hits(&a, &b);
		}
	/* 32 planted + 5 duplicates + 11 tail per query within 31, minus disabled. */
	assert_true(planted_hits > QUERIES * 30);
	/* Random queries far from everything: nothing within 31 either way. */
	for (int q = 0; q < 20; q++) {
		uint64_t h[4];
		random_hash(h);
		assert_int_equal(mih_query(x, h, 31, NULL, NULL, &a), 0);
		assert_int_equal(mih_query_brute(x, h, 31, NULL, NULL, &b), 0);
		same_hits(&a, &b);
	}
	/* Re-enabled entries come back. */
	mih_set_active(x, 0, true);
	assert_int_equal(mih_query(x, mih_hash(x, 0), 0, NULL, NULL, &a), 0);
	assert_true(a.n >= 1);
	assert_int_equal(a.hits[0].id, 0);
	mih_result_free(&a);
	mih_result_free(&b);
	free(qs);
	mih_free(x);
}

/* The automatic build indexes the tail only past its bound, and stays exact. */
static void test_mih_incremental(void **state)
{
	struct mih *x = mih_new();
	uint64_t base[4];
	random_hash(base);
	struct mih_result a = {0}, b = {0};
	for (int i = 0; i < 5000; i++) {
		uint64_t h[4];
		if (i % 3)
			random_hash(h);
		else
			flip(base, (int)(next() % 41), h);
		assert_true(mih_add(x, h) >= 0);
		assert_int_equal(mih_build(x, false), 0);
		if (i % 500 == 0) {
			assert_int_equal(mih_query(x, base, 31, NULL, NULL, &a), 0);
			assert_int_equal(mih_query_brute(x, base, 31, NULL, NULL, &b),
					 0);
			same_hits(&a, &b);
		}
	}
	assert_int_equal(mih_query(x, base, 31, NULL, NULL, &a), 0);
	assert_int_equal(mih_query_brute(x, base, 31, NULL, NULL, &b), 0);
	same_hits(&a, &b);
	assert_true(a.n > 100);
	mih_result_free(&a);
	mih_result_free(&b);
	mih_free(x);
}

static void bytes_of(const uint64_t h[4], uint8_t *out)
{
	memcpy(out, h, 32);
}

static void same_matches(const struct matcher_result *a, const struct matcher_result *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_int_equal(a->hits[i].handle, b->hits[i].handle);
		assert_int_equal(a->hits[i].distance, b->hits[i].distance);
		assert_int_equal(a->hits[i].share, b->hits[i].share);
	}
}

/* The typed bank: pdq beside other types, handles, filters, disable. */
static void test_matcher_pdq(void **state)
{
	struct matcher *m = matcher_new();
	uint8_t v[32];
	uint64_t q[4];
	random_hash(q);
	int64_t first = -1;
	for (int i = 0; i < 20000; i++) {
		uint64_t h[4];
		if (i % 50 == 0)
			flip(q, i / 50 % 41, h);
		else
			random_hash(h);
		bytes_of(h, v);
		/* sha256 values of the same bytes never answer a pdq query */
		assert_true(matcher_add(m, WF_HASH_SHA256, v, 32) >= 0);
		int64_t hd = matcher_add(m, WF_HASH_PDQ, v, 32);
		assert_true(hd >= 0);
		if (first < 0)
			first = hd;
	}
	assert_int_equal(matcher_build(m, true), 0);
	bytes_of(q, v);
	struct matcher_query mq = {
		.type = WF_HASH_PDQ, .value = v, .len = 32, .radius = 31};
	struct matcher_result a = {0}, b = {0};
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(matcher_find_brute(m, &mq, &b), 0);
	same_matches(&a, &b);
	assert_true(a.n >= 10);
	assert_int_equal(a.hits[0].handle, first);
	assert_int_equal(a.hits[0].distance, 0);
	for (size_t i = 1; i < a.n; i++)
		assert_true(a.hits[i - 1].distance <= a.hits[i].distance);
	size_t before = a.n;
	matcher_set_active(m, (uint32_t)first, false);
	assert_false(matcher_is_active(m, (uint32_t)first));
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, before - 1);
	assert_true(a.hits[0].handle != (uint32_t)first);
	mq.accept = odd_only;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(matcher_find_brute(m, &mq, &b), 0);
	same_matches(&a, &b);
	/* a wrong length is an error, not a match */
	mq.len = 31;
	assert_int_equal(matcher_find(m, &mq, &a), -1);
	assert_true(matcher_memory_pdq(m) > 20000 * 32);
	matcher_result_free(&a);
	matcher_result_free(&b);
	matcher_free(m);
}

/* A video of n frames that share the first k frames (within 31) with base. */
static void video(const uint8_t *base, size_t n, size_t k, uint8_t *out)
{
	for (size_t f = 0; f < n; f++) {
		uint64_t h[4], g[4];
		memcpy(h, base + 32 * f, 32);
		if (f < k)
			flip(h, (int)(f % 32), g);
		else
			random_hash(g);
		bytes_of(g, out + 32 * f);
	}
}

static void test_matcher_vpdq_rule(void **state)
{
	struct matcher *m = matcher_new();
	uint8_t bank[64 * 32], q[64 * 32];
	for (size_t f = 0; f < 64; f++) {
		uint64_t h[4];
		random_hash(h);
		bytes_of(h, bank + 32 * f);
	}
	int64_t vid = matcher_add(m, WF_HASH_VPDQ, bank, 64 * 32);
	assert_true(vid >= 0);
	for (int i = 0; i < 300; i++) { /* unrelated videos */
		uint8_t other[8 * 32];
		video(bank, 8, 0, other);
		assert_true(matcher_add(m, WF_HASH_VPDQ, other, sizeof(other)) >= 0);
	}
	assert_int_equal(matcher_build(m, true), 0);
	struct matcher_result a = {0}, b = {0};
	struct matcher_query mq = {
		.type = WF_HASH_VPDQ, .value = q, .radius = 31, .min_share = 80};
	struct {
		size_t n, k;
		int share;
		bool match;
	} cases[] = {
		{43, 34, 79, false}, /* 79.07% */
		{20, 16, 80, true},  /* exactly 80% */
		{5, 4, 80, true},    /* exactly 80% */
		{19, 15, 78, false}, /* 78.9% */
		{10, 10, 100, true}, {64, 64, 100, true},
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		video(bank, cases[c].n, cases[c].k, q);
		mq.len = cases[c].n * 32;
		mq.min_share = 80;
		assert_int_equal(matcher_find(m, &mq, &a), 0);
		assert_int_equal(matcher_find_brute(m, &mq, &b), 0);
		same_matches(&a, &b);
		assert_int_equal(a.n, cases[c].match ? 1 : 0);
		if (cases[c].match) {
			assert_int_equal(a.hits[0].handle, vid);
			assert_int_equal(a.hits[0].share, cases[c].share);
			assert_int_equal(a.hits[0].distance, 0);
		}
		mq.min_share = 1; /* near misses: the share is reported */
		assert_int_equal(matcher_find(m, &mq, &a), 0);
		assert_int_equal(a.n, 1);
		assert_int_equal(a.hits[0].share, cases[c].share);
	}
	/* A query frame matching several frames of the video counts once. */
	video(bank, 5, 5, q);
	memcpy(q + 32, q, 32);
	mq.len = 5 * 32;
	mq.min_share = 80;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.hits[0].share, 100);
	matcher_set_active(m, (uint32_t)vid, false);
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 0);
	matcher_result_free(&a);
	matcher_result_free(&b);
	matcher_free(m);
}

static void test_matcher_exact(void **state)
{
	struct matcher *m = matcher_new();
	uint8_t v[32] = {1, 2, 3}, w[32] = {1, 2, 4};
	int64_t md5 = matcher_add(m, WF_HASH_MD5, v, 16);
	int64_t vmd5 = matcher_add(m, WF_HASH_VIDEO_MD5, v, 16);
	int64_t sha = matcher_add(m, WF_HASH_SHA256, v, 32);
	int64_t dup = matcher_add(m, WF_HASH_MD5, v, 16);
	int64_t tmk = matcher_add(m, WF_HASH_TMK, v, 7);
	assert_int_equal(matcher_add(m, WF_HASH_MD5, v, 32), -1);
	for (int i = 0; i < 5000; i++) { /* enough to rehash the table */
		uint64_t h[4];
		random_hash(h);
		bytes_of(h, w);
		assert_true(matcher_add(m, WF_HASH_MD5, w, 16) >= 0);
	}
	struct matcher_result a = {0}, b = {0};
	struct matcher_query mq = {.type = WF_HASH_MD5, .value = v, .len = 16};
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 2);
	assert_int_equal(a.hits[0].handle, md5);
	assert_int_equal(a.hits[1].handle, dup);
	assert_int_equal(a.hits[0].distance, 0);
	assert_int_equal(matcher_find_brute(m, &mq, &b), 0);
	same_matches(&a, &b);
	mq.type = WF_HASH_VIDEO_MD5;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.hits[0].handle, vmd5);
	mq.type = WF_HASH_SHA256;
	mq.len = 32;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.hits[0].handle, sha);
	mq.type = WF_HASH_TMK;
	mq.len = 7;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.hits[0].handle, tmk);
	mq.len = 8; /* a longer value is another value */
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 0);
	matcher_set_active(m, (uint32_t)md5, false);
	mq.type = WF_HASH_MD5;
	mq.len = 16;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.hits[0].handle, dup);
	w[0] ^= 1; /* one bit off: exact types have no near matches */
	mq.value = w;
	assert_int_equal(matcher_find(m, &mq, &a), 0);
	assert_int_equal(a.n, 0);
	matcher_result_free(&a);
	matcher_result_free(&b);
	matcher_free(m);
}

static void test_matcher_parse_hex(void **state)
{
	uint8_t out[MATCHER_VALUE_MAX];
	const char *why;
	const char *pdq =
		"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
	assert_int_equal(matcher_parse_hex(WF_HASH_PDQ, pdq, 64, out, &why), 32);
	assert_int_equal(out[0], 0xf8);
	assert_int_equal(out[31], 0x22);
	assert_int_equal(matcher_parse_hex(WF_HASH_PDQ, pdq, 63, out, &why), -1);
	assert_non_null(strstr(why, "64"));
	assert_int_equal(matcher_parse_hex(WF_HASH_MD5, pdq, 64, out, &why), -1);
	assert_int_equal(matcher_parse_hex(WF_HASH_MD5, pdq, 32, out, &why), 16);
	char up[65];
	memcpy(up, pdq, 65);
	up[10] = 'F';
	assert_int_equal(matcher_parse_hex(WF_HASH_PDQ, up, 64, out, &why), -1);
	assert_non_null(strstr(why, "lowercase"));
	up[10] = 'g';
	assert_int_equal(matcher_parse_hex(WF_HASH_SHA256, up, 64, out, &why), -1);
	assert_int_equal(matcher_parse_hex(WF_HASH_VPDQ, pdq, 64, out, &why), 32);
	assert_int_equal(matcher_parse_hex(WF_HASH_VPDQ, pdq, 32, out, &why), -1);
	assert_int_equal(matcher_parse_hex(WF_HASH_TMK, pdq, 3, out, &why), -1);
	assert_int_equal(matcher_parse_hex(WF_HASH_TMK, pdq, 2, out, &why), 1);
	assert_int_equal(matcher_parse_hex(WF_HASH__COUNT, pdq, 64, out, &why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mih_equals_brute),
		cmocka_unit_test(test_mih_incremental),
		cmocka_unit_test(test_matcher_pdq),
		cmocka_unit_test(test_matcher_vpdq_rule),
		cmocka_unit_test(test_matcher_exact),
		cmocka_unit_test(test_matcher_parse_hex),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
