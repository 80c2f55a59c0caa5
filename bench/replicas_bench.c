/* replicas_bench.c - `make bench` rows for watchfloord on PostgreSQL, side by side in
 * one run with SQLite (the cluster is the one bench/run.sh starts through
 * tests/lib/pg.sh; WF_PG_HOST, WF_PG_PORT, WF_PG_USER):
 *   1. ingest: sightings/s (1000-item batches, 4 connections, 3 s) on SQLite, on
 *      PostgreSQL with one replica, and with two replicas writing (2 connections
 *      each) to one database;
 *   2. SSE fan-out: POST -> frame p50/p99 to 500 streams on one replica, beside 500
 *      streams split 250/250 over two replicas (POSTs to the first). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpq-fe.h>

#include "bench_server.h"

#define ITEMS 1000
#define INGEST_THREADS 4
#define INGEST_SECONDS 3.0
#define STREAMS 500
#define EVENTS 100
#define EVENT_GAP_MS 20

static const char *token = "bench-admin-token";
static const struct bench_token tokens[] = {
	{"bench-admin-token", "admin bench"},
	{"bench-platform", "platform bench-platform p-b"},
};

/* A fresh database NAME on the cluster; its libpq string into out. */
static int pg_new_db(const char *name, char *out, size_t size)
{
	const char *host = getenv("WF_PG_HOST"), *port = getenv("WF_PG_PORT"),
		   *user = getenv("WF_PG_USER");
	if (!host || !port || !user)
		return -1;
	char ci[512], sql[160];
	snprintf(ci, sizeof(ci), "host=%s port=%s user=%s dbname=postgres", host, port, user);
	PGconn *c = PQconnectdb(ci);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		return -1;
	}
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
	PQclear(PQexec(c, sql));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	PQfinish(c);
	snprintf(out, size, "host=%s port=%s user=%s dbname=%s", host, port, user, name);
	return ok ? 0 : -1;
}

/* Up to two replicas on db (NULL: SQLite in the server's own folder). */
static int start(struct bench_server *s, int n, const char *db)
{
	const char *extra[] = {"--db", db, NULL};
	for (int i = 0; i < n; i++)
		if (bench_server_start(&s[i], tokens, 2, db ? extra : NULL) != 0)
			return -1;
	return 0;
}

static void stop(struct bench_server *s, int n)
{
	for (int i = 0; i < n; i++)
		bench_server_stop(&s[i]);
}

/* An incident and a signal on s; the sightings batch body into *body. */
static int seed(struct bench_server *s, char **body)
{
	CURL *c = curl_easy_init();
	struct bench_answer a;
	char inc[80] = "", sig[80] = "", b[512];
	long st = bench_post(c, s->url, token, "/v1/incidents", "{\"title\":\"bench\"}", &a);
	const char *p = strstr(a.buf, "\"id\":\"");
	if (st != 201 || !p)
		goto fail;
	sscanf(p + 6, "%79[^\"]", inc);
	snprintf(b, sizeof(b),
		 "{\"incident_id\":\"%s\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789ab"
		 "cdef\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-b\"}",
		 inc);
	st = bench_post(c, s->url, token, "/v1/signals", b, &a);
	if (st != 201 || !(p = strstr(a.buf, "\"id\":\"")))
		goto fail;
	sscanf(p + 6, "%79[^\"]", sig);
	curl_easy_cleanup(c);
	size_t cap = 128 + ITEMS * 160, len;
	*body = malloc(cap);
	len = (size_t)snprintf(*body, cap, "{\"platform_id\":\"p-b\",\"incident_id\":\"%s\",\"items\":[",
			       inc);
	for (int i = 0; i < ITEMS; i++)
		len += (size_t)snprintf(*body + len, cap - len,
					"%s{\"signal_id\":\"%s\",\"count\":1,\"outcome\":\"blocked\","
					"\"seen_at\":\"2026-11-26T04:30:00Z\",\"distance\":3}",
					i ? "," : "", sig);
	snprintf(*body + len, cap - len, "]}");
	return 0;
fail:
	fprintf(stderr, "replicas_bench: seeding: %ld %s\n", st, a.buf);
	curl_easy_cleanup(c);
	return -1;
}

struct ingest_job {
	const char *url, *body;
	double deadline;
	long ok;
};

static void *ingest_thread(void *arg)
{
	struct ingest_job *j = arg;
	CURL *c = curl_easy_init();
	while (bench_now_s() < j->deadline)
		if (bench_post(c, j->url, token, "/v1/sightings", j->body, NULL) == 202)
			j->ok++;
	curl_easy_cleanup(c);
	return NULL;
}

/* Items/s over INGEST_THREADS connections spread round robin over n servers. */
static double ingest(struct bench_server *s, int n, const char *body)
{
	pthread_t t[INGEST_THREADS];
	struct ingest_job j[INGEST_THREADS];
	double t0 = bench_now_s();
	for (int i = 0; i < INGEST_THREADS; i++) {
		j[i] = (struct ingest_job){s[i % n].url, body, t0 + INGEST_SECONDS, 0};
		pthread_create(&t[i], NULL, ingest_thread, &j[i]);
	}
	long ok = 0;
	for (int i = 0; i < INGEST_THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += j[i].ok;
	}
	return (double)ok * ITEMS / (bench_now_s() - t0);
}

static double ingest_row(const char *name, int n, const char *db)
{
	struct bench_server s[2];
	char *body = NULL;
	double r = -1;
	memset(s, 0, sizeof(s));
	if (start(s, n, db) == 0 && seed(&s[0], &body) == 0)
		r = ingest(s, n, body);
	else
		fprintf(stderr, "replicas_bench: %s: cannot start\n", name);
	free(body);
	stop(s, n);
	return r;
}

/* ---- SSE fan-out ---- */

/* STREAMS streams split over n replicas, EVENTS POSTs to the first; p50/p99 ms. */
static long fanout(struct bench_server *s, int n, double *p50, double *p99)
{
	struct bench_lat r;
	struct bench_sse e;
	const char *base[2] = {s[0].url, n > 1 ? s[1].url : s[0].url};
	if (bench_lat_init(&r, "fan-", 0, EVENTS, (long)STREAMS * EVENTS) != 0 ||
	    bench_sse_open(&e, STREAMS, base, n, token, bench_lat_on_line, &r)) {
		bench_lat_free(&r);
		return 0;
	}
	bench_wait_count(&r.n_ready, STREAMS, 20);
	CURL *c = curl_easy_init();
	for (int k = 0; k < EVENTS; k++) {
		bench_lat_post(&r, c, s[0].url, token, k);
		usleep(EVENT_GAP_MS * 1000);
	}
	curl_easy_cleanup(c);
	bench_wait_count(&r.n_lat, (long)STREAMS * EVENTS, 5);
	bench_sse_close(&e);
	long got = bench_lat_result(&r, p50, p99);
	bench_lat_free(&r);
	return got;
}

static long fanout_row(int n, const char *db, double *p50, double *p99)
{
	struct bench_server s[2];
	long got = -1;
	memset(s, 0, sizeof(s));
	if (start(s, n, db) == 0)
		got = fanout(s, n, p50, p99);
	stop(s, n);
	return got;
}

int main(void)
{
	char one[512], two[512], fan1[512], fan2[512];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (pg_new_db("wf_bench_one", one, sizeof(one)) || pg_new_db("wf_bench_two", two, sizeof(two)) ||
	    pg_new_db("wf_bench_fan1", fan1, sizeof(fan1)) ||
	    pg_new_db("wf_bench_fan2", fan2, sizeof(fan2))) {
		printf("watchfloord replicas: skipped (no PostgreSQL cluster: bench/run.sh starts "
		       "one with tests/lib/pg.sh)\n");
		return 0;
	}
	double sq = ingest_row("sqlite", 1, NULL);
	double pg1 = ingest_row("postgresql, 1 replica", 1, one);
	double pg2 = ingest_row("postgresql, 2 replicas", 2, two);
	printf("watchfloord ingest by engine: POST /v1/sightings, %d items a batch, %d "
	       "connections, %.0f s each\n",
	       ITEMS, INGEST_THREADS, INGEST_SECONDS);
	printf("  sqlite (WAL, synchronous=FULL)      %10.0f items/s\n", sq);
	printf("  postgresql, 1 replica               %10.0f items/s (%.2fx of sqlite; "
	       "target >= 0.5x)\n",
	       pg1, sq > 0 ? pg1 / sq : 0);
	printf("  postgresql, 2 replicas writing      %10.0f items/s (%.2fx of 1 replica; "
	       "target > 1x)\n",
	       pg2, pg1 > 0 ? pg2 / pg1 : 0);
	double a50 = 0, a99 = 0, b50 = 0, b99 = 0;
	long ga = fanout_row(1, fan1, &a50, &a99);
	long gb = fanout_row(2, fan2, &b50, &b99);
	printf("watchfloord SSE fan-out on postgresql: %d streams, %d events %d ms apart, POST "
	       "(to replica 1) -> frame\n",
	       STREAMS, EVENTS, EVENT_GAP_MS);
	printf("  %d on 1 replica          p50 %7.2f ms  p99 %7.2f ms  (%ld/%d frames)\n", STREAMS,
	       a50, a99, ga, STREAMS * EVENTS);
	printf("  %d over 2 replicas       p50 %7.2f ms  p99 %7.2f ms  (%ld/%d frames)\n",
	       STREAMS, b50, b99, gb, STREAMS * EVENTS);
	curl_global_cleanup();
	return 0;
}
