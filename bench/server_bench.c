/* server_bench.c - `make bench` rows for watchfloord, against a private server on a
 * loopback port with a temporary database:
 *   1. ingest: sightings/s accepted over loopback with batched POSTs (1000 items a
 *      batch, 4 connections), beside the same POST loop against /v1/health (HTTP
 *      cost only) and a raw SQLite insert loop (WAL, synchronous=FULL, 1000 rows a
 *      transaction) in the same run;
 *   1b. sightings by hash: the same batches with each item given by its PDQ hash
 *      (a few bits off a bank of BANK signals, some matching nothing) instead of
 *      by signal id, beside the same items by id, in the same run;
 *   2. SSE fan-out: delivery latency (POST sent -> frame received) p50/p99 to 500
 *      concurrent streams, beside the same with 1 stream. */
#include <errno.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "bench_server.h"

#define ITEMS 1000
#define INGEST_THREADS 4
#define INGEST_SECONDS 3.0
#define STREAMS 500
#define EVENTS 100
#define EVENT_GAP_MS 20
#define BANK 500       /* PDQ signals posted for the by-hash rows */
#define DISTINCT 50    /* signals a batch's items are spread over */

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* hex of 32 bytes */
static void to_hex(const unsigned char *b, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[64] = '\0';
}

static struct bench_server srv;
static const char *token = "bench-admin-token";

/* POSTs body to path as the admin; returns the status, the answer in a (may be NULL). */
static long post(CURL *c, const char *path, const char *body, struct bench_answer *a)
{
	return bench_post(c, srv.url, token, path, body, a);
}

static int start_server(void)
{
	/* A platform token registers platform p-b (the admin posts on its behalf). */
	static const struct bench_token tokens[] = {
		{"bench-admin-token", "admin bench"},
		{"bench-platform", "platform bench-platform p-b"},
	};
	return bench_server_start(&srv, tokens, 2, NULL);
}

static void stop_server(void)
{
	bench_server_stop(&srv);
}

/* ---- ingest ---- */

static char *batch_body;
static double ingest_deadline;

struct ingest_job {
	const char *path;
	long want;
	long ok;
};

static void *ingest_thread(void *arg)
{
	struct ingest_job *j = arg;
	CURL *c = curl_easy_init();
	while (bench_now_s() < ingest_deadline)
		if (post(c, j->path, batch_body, NULL) == j->want)
			j->ok++;
	curl_easy_cleanup(c);
	return NULL;
}

static double run_ingest(const char *path, long want)
{
	pthread_t t[INGEST_THREADS];
	struct ingest_job j[INGEST_THREADS];
	double start = bench_now_s();
	ingest_deadline = start + INGEST_SECONDS;
	for (int i = 0; i < INGEST_THREADS; i++) {
		j[i] = (struct ingest_job){path, want, 0};
		pthread_create(&t[i], NULL, ingest_thread, &j[i]);
	}
	long ok = 0;
	for (int i = 0; i < INGEST_THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += j[i].ok;
	}
	return (double)ok / (bench_now_s() - start);
}

static double raw_sqlite_rate(void)
{
	char db[300];
	sqlite3 *s;
	sqlite3_stmt *st;
	snprintf(db, sizeof(db), "%s/raw.db", srv.dir);
	if (sqlite3_open(db, &s) != SQLITE_OK)
		return 0;
	sqlite3_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			"CREATE TABLE t(id INTEGER PRIMARY KEY, seq INTEGER, json TEXT);",
		     NULL, NULL, NULL);
	sqlite3_prepare_v2(s, "INSERT INTO t(seq, json) VALUES(?1, ?2)", -1, &st, NULL);
	const char *row = "{\"signal_id\":\"sig-2\",\"count\":1,\"outcome\":\"blocked\","
			  "\"seen_at\":\"2026-11-26T04:30:00.000Z\",\"distance\":3,"
			  "\"hash_type\":\"md5\",\"hash\":\"0123456789abcdef0123456789abcdef\","
			  "\"platform_id\":\"p-b\",\"incident_id\":\"inc-1\"}";
	long rows = 0;
	double start = bench_now_s();
	while (bench_now_s() - start < 2.0) {
		sqlite3_exec(s, "BEGIN", NULL, NULL, NULL);
		for (int i = 0; i < ITEMS; i++) {
			sqlite3_bind_int64(st, 1, rows);
			sqlite3_bind_text(st, 2, row, -1, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_reset(st);
			rows++;
		}
		sqlite3_exec(s, "COMMIT", NULL, NULL, NULL);
	}
	double rate = (double)rows / (bench_now_s() - start);
	sqlite3_finalize(st);
	sqlite3_close(s);
	return rate;
}

/* ---- SSE fan-out ---- */

/* Latency p50/p99 in ms over n streams; returns frames delivered. */
static long run_fanout(int n, double *p50, double *p99)
{
	struct bench_lat r;
	struct bench_sse e;
	const char *base = srv.url;
	*p50 = *p99 = 0;
	if (bench_lat_init(&r, "bench-", 0, EVENTS, (long)n * EVENTS) != 0 ||
	    bench_sse_open(&e, n, &base, 1, token, bench_lat_on_line, &r)) {
		bench_lat_free(&r);
		return 0;
	}
	bench_wait_count(&r.n_ready, n, 20);
	CURL *c = curl_easy_init();
	for (int k = 0; k < EVENTS; k++) {
		bench_lat_post(&r, c, srv.url, token, k);
		usleep(EVENT_GAP_MS * 1000);
	}
	curl_easy_cleanup(c);
	bench_wait_count(&r.n_lat, (long)n * EVENTS, 5);
	bench_sse_close(&e);
	long got = bench_lat_result(&r, p50, p99);
	bench_lat_free(&r);
	return got;
}

int main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (start_server() != 0) {
		fprintf(stderr, "server_bench: cannot start watchfloord\n");
		return 1;
	}
	CURL *c = curl_easy_init();
	struct bench_answer a;
	post(c, "/v1/incidents", "{\"title\":\"bench\"}", &a);
	char inc[80] = "", sig[80] = "";
	sscanf(strstr(a.buf, "\"id\":\"") ? strstr(a.buf, "\"id\":\"") + 6 : "", "%79[^\"]", inc);
	char body[512];
	snprintf(body, sizeof(body),
		 "{\"incident_id\":\"%s\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789ab"
		 "cdef\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-b\"}",
		 inc);
	long st = post(c, "/v1/signals", body, &a);
	if (st != 201) {
		fprintf(stderr, "server_bench: signal: %ld %s\n", st, a.buf);
		stop_server();
		return 1;
	}
	sscanf(strstr(a.buf, "\"id\":\"") + 6, "%79[^\"]", sig);
	curl_easy_cleanup(c);

	size_t cap = 128 + ITEMS * 160;
	batch_body = malloc(cap);
	size_t len = (size_t)snprintf(batch_body, cap,
				      "{\"platform_id\":\"p-b\",\"incident_id\":\"%s\",\"items\":[", inc);
	for (int i = 0; i < ITEMS; i++)
		len += (size_t)snprintf(batch_body + len, cap - len,
					"%s{\"signal_id\":\"%s\",\"count\":1,\"outcome\":\"blocked\","
					"\"seen_at\":\"2026-11-26T04:30:00Z\",\"distance\":3}",
					i ? "," : "", sig);
	snprintf(batch_body + len, cap - len, "]}");

	/* A bank of PDQ signals, and two batches over DISTINCT of them: by id, and by
	 * hash (each item its signal's hash a few bits off; every tenth matches
	 * nothing). */
	static unsigned char bank[BANK][32];
	static char bank_id[BANK][80];
	c = curl_easy_init();
	for (int i = 0; i < BANK; i++) {
		char hex[65];
		for (int k = 0; k < 32; k++)
			bank[i][k] = (unsigned char)next_rand();
		to_hex(bank[i], hex);
		snprintf(body, sizeof(body),
			 "{\"incident_id\":\"%s\",\"type\":\"pdq\",\"value\":\"%s\","
			 "\"quality\":90,\"platform_id\":\"p-b\"}",
			 inc, hex);
		if (post(c, "/v1/signals", body, &a) != 201) {
			fprintf(stderr, "server_bench: pdq signal: %s\n", a.buf);
			stop_server();
			return 1;
		}
		sscanf(strstr(a.buf, "\"id\":\"") + 6, "%79[^\"]", bank_id[i]);
	}
	curl_easy_cleanup(c);
	char *by_id = malloc(cap * 2), *by_hash = malloc(cap * 2);
	size_t li = (size_t)snprintf(by_id, cap * 2,
				     "{\"platform_id\":\"p-b\",\"incident_id\":\"%s\",\"items\":[", inc);
	size_t lh = (size_t)snprintf(by_hash, cap * 2,
				     "{\"platform_id\":\"p-b\",\"incident_id\":\"%s\",\"items\":[", inc);
	for (int i = 0; i < ITEMS; i++) {
		int k = (int)(next_rand() % DISTINCT);
		unsigned char h[32];
		char hex[65];
		memcpy(h, bank[k], 32);
		for (int b = 0; b < 8; b++) /* up to 8 bits off */
			h[next_rand() % 32] ^= (unsigned char)(1u << (next_rand() % 8));
		if (i % 10 == 9)
			for (int b = 0; b < 32; b++)
				h[b] = (unsigned char)next_rand();
		to_hex(h, hex);
		li += (size_t)snprintf(by_id + li, cap * 2 - li,
				       "%s{\"signal_id\":\"%s\",\"count\":1,\"outcome\":\"blocked\","
				       "\"seen_at\":\"2026-11-26T04:30:00Z\",\"distance\":3}",
				       i ? "," : "", bank_id[k]);
		lh += (size_t)snprintf(by_hash + lh, cap * 2 - lh,
				       "%s{\"hash_type\":\"pdq\",\"hash\":\"%s\",\"count\":1,"
				       "\"outcome\":\"blocked\",\"seen_at\":\"2026-11-26T04:30:00Z\"}",
				       i ? "," : "", hex);
	}
	snprintf(by_id + li, cap * 2 - li, "]}");
	snprintf(by_hash + lh, cap * 2 - lh, "]}");

	double ingest = run_ingest("/v1/sightings", 202) * ITEMS;
	char *one_signal = batch_body;
	batch_body = by_id;
	double ingest_id = run_ingest("/v1/sightings", 202) * ITEMS;
	batch_body = by_hash;
	double ingest_hash = run_ingest("/v1/sightings", 202) * ITEMS;
	batch_body = one_signal;
	double health = run_ingest("/v1/health", 405);
	double raw = raw_sqlite_rate();
	printf("watchfloord ingest: POST /v1/sightings, %d items a batch, %d connections, %.0f s\n",
	       ITEMS, INGEST_THREADS, INGEST_SECONDS);
	printf("  sightings accepted             %10.0f items/s\n", ingest);
	printf("  same POSTs to /v1/health (405) %10.0f req/s (HTTP alone; ingest is %.0f req/s)\n",
	       health, ingest / ITEMS);
	printf("  raw sqlite insert, 1000/tx     %10.0f rows/s (ingest is %.2fx of it)\n", raw,
	       raw > 0 ? ingest / raw : 0);
	printf("watchfloord ingest by hash: the same batches over %d of %d PDQ signals\n",
	       DISTINCT, BANK);
	printf("  items by signal id             %10.0f items/s\n", ingest_id);
	printf("  items by pdq hash (10%% unmatched) %6.0f items/s (%.2fx of by id; target "
	       ">= 0.5x)\n",
	       ingest_hash, ingest_id > 0 ? ingest_hash / ingest_id : 0);
	free(by_id);
	free(by_hash);

	double p50_1, p99_1, p50_n, p99_n;
	long got1 = run_fanout(1, &p50_1, &p99_1);
	long gotn = run_fanout(STREAMS, &p50_n, &p99_n);
	printf("watchfloord SSE fan-out: %d events %d ms apart, POST sent -> frame received\n",
	       EVENTS, EVENT_GAP_MS);
	printf("  1 stream       p50 %7.2f ms  p99 %7.2f ms  (%ld/%d frames)\n", p50_1, p99_1,
	       got1, EVENTS);
	printf("  %d streams   p50 %7.2f ms  p99 %7.2f ms  (%ld/%d frames)\n", STREAMS, p50_n,
	       p99_n, gotn, STREAMS * EVENTS);
	free(batch_body);
	stop_server();
	curl_global_cleanup();
	return 0;
}
