/* matcher_bench.c - `make bench`: a bank of 1 million PDQ hashes (random, plus
 * clusters of planted near neighbours) in the matcher: index build time, memory per
 * hash, and lookups/s at threshold 31 beside brute force on the same queries, whose
 * answers must be identical. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matcher/matcher.h"
#include "matcher/mih.h"

#define BANK 1000000
#define CLUSTERS 20000 /* planted: 20000 originals x 5 edited copies */
#define COPIES 5
#define QUERIES 400   /* compared with brute force */
#define MIH_ROUNDS 10 /* the index runs the same queries this many times */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void flip(uint8_t *h, int d)
{
	uint8_t orig[32];
	memcpy(orig, h, 32);
	for (int done = 0; done < d;) {
		int b = (int)(next() % 256);
		if ((h[b / 8] ^ orig[b / 8]) & (1u << (b % 8)))
			continue;
		h[b / 8] ^= (uint8_t)(1u << (b % 8));
		done++;
	}
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
			rss = 0;
		fclose(f);
	}
	return rss * 4;
}

int main(void)
{
	uint8_t(*bank)[32] = malloc((size_t)BANK * 32);
	uint8_t(*qs)[32] = malloc(QUERIES * 32);
	if (!bank || !qs)
		return 1;
	/* Random hashes, then clusters: an original and edited copies 4..40 bits off.
	 */
	size_t n = 0;
	while (n < BANK - CLUSTERS * (COPIES + 1))
		for (int w = 0; w < 4; w++, n += w == 4)
			memcpy(bank[n] + 8 * w, &(uint64_t){next()}, 8);
	while (n < BANK) {
		for (int w = 0; w < 4; w++)
			memcpy(bank[n] + 8 * w, &(uint64_t){next()}, 8);
		size_t orig = n++;
		for (int c = 0; c < COPIES && n < BANK; c++, n++) {
			memcpy(bank[n], bank[orig], 32);
			flip(bank[n], 4 + (int)(next() % 37));
		}
	}
	/* Queries: half are new edits (0..40 bits) of planted hashes, half random. */
	for (int q = 0; q < QUERIES; q++) {
		if (q % 2) {
			for (int w = 0; w < 4; w++)
				memcpy(qs[q] + 8 * w, &(uint64_t){next()}, 8);
		} else {
			size_t p = BANK - 1 - next() % (CLUSTERS * (COPIES + 1));
			memcpy(qs[q], bank[p], 32);
			flip(qs[q], (int)(next() % 41));
		}
	}
	long rss0 = rss_kb();
	struct matcher *m = matcher_new();
	double t0 = now_s();
	for (size_t i = 0; i < BANK; i++)
		if (matcher_add(m, WF_HASH_PDQ, bank[i], 32) < 0)
			return 1;
	double t1 = now_s();
	if (matcher_build(m, true))
		return 1;
	double t2 = now_s();
	long rss1 = rss_kb();

	struct matcher_result a = {0}, b = {0};
	struct matcher_query mq = {.type = WF_HASH_PDQ, .len = 32, .radius = 31};
	size_t *counts = calloc(QUERIES, sizeof(size_t));
	size_t hits = 0, mismatches = 0, matched_queries = 0;
	double tb = now_s();
	for (int q = 0; q < QUERIES; q++) {
		mq.value = qs[q];
		if (matcher_find_brute(m, &mq, &b))
			return 1;
		counts[q] = b.n;
		hits += b.n;
		matched_queries += b.n > 0;
		/* keep the brute answer to compare: the index runs right after */
		if (matcher_find(m, &mq, &a))
			return 1;
		if (a.n != b.n)
			mismatches++;
		else
			for (size_t i = 0; i < a.n; i++)
				if (a.hits[i].handle != b.hits[i].handle ||
				    a.hits[i].distance != b.hits[i].distance) {
					mismatches++;
					break;
				}
	}
	double brute_s = now_s() - tb; /* includes one index pass: subtract below */
	double ti = now_s();
	for (int r = 0; r < MIH_ROUNDS; r++)
		for (int q = 0; q < QUERIES; q++) {
			mq.value = qs[q];
			if (matcher_find(m, &mq, &a) || a.n != counts[q])
				mismatches++;
		}
	double mih_s = (now_s() - ti) / MIH_ROUNDS;
	brute_s -= mih_s;
	/* the uniform worst case alone: random queries only */
	double tr = now_s();
	for (int r = 0; r < MIH_ROUNDS; r++)
		for (int q = 1; q < QUERIES; q += 2) {
			mq.value = qs[q];
			if (matcher_find(m, &mq, &a))
				mismatches++;
		}
	double rand_s = (now_s() - tr) / MIH_ROUNDS;

	size_t mem = matcher_memory(m);
	double brute_rate = QUERIES / brute_s, mih_rate = QUERIES / mih_s;
	printf("matcher: %d PDQ hashes (%d random, %d planted: %d originals x %d edits "
	       "4..40 bits off), %d queries (half edits 0..40 bits of planted, half "
	       "random), threshold 31\n",
	       BANK, BANK - CLUSTERS * (COPIES + 1), CLUSTERS * (COPIES + 1), CLUSTERS,
	       COPIES, QUERIES);
	printf("  add 1M                      %10.0f ms\n", (t1 - t0) * 1e3);
	printf("  index build (16 tables)     %10.0f ms\n", (t2 - t1) * 1e3);
	printf("  memory per hash             %10.1f bytes beyond the 32-byte hash "
	       "(counted; RSS grew %.1f bytes/hash) (target <= ~100)\n",
	       (double)(mem - (size_t)BANK * 32) / BANK,
	       (double)(rss1 - rss0) * 1024.0 / BANK - 32.0);
	printf("  brute force                 %10.0f lookups/s\n", brute_rate);
	printf("  index (MIH, m=16, r/m=1)    %10.0f lookups/s (random queries only: "
	       "%.0f/s)\n",
	       mih_rate, (QUERIES / 2) / rand_s);
	printf("  ratio                       %10.1fx (target >= 20x)\n",
	       mih_rate / brute_rate);
	printf("  answers                     %10zu hits over %zu queries with a "
	       "match; "
	       "%zu differ from brute force%s\n",
	       hits, matched_queries, mismatches, mismatches ? "  WARNING" : "");
	matcher_result_free(&a);
	matcher_result_free(&b);
	matcher_free(m);
	free(counts);
	free(bank);
	free(qs);
	return mismatches ? 1 : 0;
}
