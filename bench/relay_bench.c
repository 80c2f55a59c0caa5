/* relay_bench.c - `make bench` rows for the header-check relay in front of
 * libmicrohttpd (server/http_front.c): two private watchfloords on loopback ports,
 * one as by default (--header-check relay) and one with --header-check library
 * (libmicrohttpd reads the TCP sockets itself), measured in turn in the same run,
 * ROUNDS rounds (relay first in the 1st and 3rd, library first in the 2nd, so
 * neither always follows the other), the median of each mode's rounds printed with the
 * ratio relay/library:
 *   1. keep-alive GET /v1/whoami: requests/s over 4 connections, each thread its
 *      own easy handle (the connection reused), a small request and answer;
 *   2. ingest: sightings/s accepted with batched POST /v1/sightings (1000 items a
 *      batch, 4 connections), as server_bench.c's ingest row;
 *   3. SSE delivery: latency POST /v1/incidents sent -> frame received, p50/p99,
 *      to STREAMS concurrent GET /v1/events streams, and the frames received out
 *      of those expected (all rounds);
 * and over HTTPS (--tls-cert/--tls-key, a self-signed certificate made with the
 * openssl command at start): two more watchfloords, the relay terminating TLS with
 * OpenSSL beside libmicrohttpd doing it with GnuTLS:
 *   4. a new connection per request: GET /v1/health (no token), FRESH requests a
 *      round one after the other, each a full handshake (no connection reuse, no
 *      TLS session resumption) -> mean ms a request. libcurl sets TCP_NODELAY;
 *      a client with Nagle's algorithm on waits a delayed ACK (~40 ms) on every
 *      new connection to libmicrohttpd's GnuTLS, which sends nothing after the
 *      handshake (no session ticket) that would carry the ACK of the client's
 *      Finished, so the request written after it is held; not measured here;
 *   5. keep-alive GET /v1/whoami over HTTPS: requests/s over 4 connections, as 1. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bench_server.h"

#define ROUNDS 3
#define THREADS 4
#define WHOAMI_SECONDS 1.5
#define ITEMS 1000
#define INGEST_SECONDS 2.0
#define STREAMS 200
#define EVENTS 50
#define EVENT_GAP_MS 20
#define FRESH 100

enum { RELAY, LIBRARY, NMODES };

#define ROWS 5

struct mode {
	const char *name;
	struct bench_server srv;
	struct bench_server tls; /* the same mode with --tls-cert */
	char *batch; /* the sightings batch, naming this server's incident and signal */
	double whoami[ROUNDS], ingest[ROUNDS], p50[ROUNDS], p99[ROUNDS];
	double fresh_ms[ROUNDS], tls_whoami[ROUNDS];
	long frames;
	long errors[ROWS]; /* failed requests of rows 1..5 */
};

static struct mode modes[NMODES] = {{.name = "relay"}, {.name = "library"}};
static const char *token = "bench-admin-token";

/* The folder of the self-signed certificate (cert.pem) and key (key.pem). */
static char tls_dir[64];
static char tls_cert[96], tls_key[96];

static double median(const double *v)
{
	double s[ROUNDS];
	memcpy(s, v, sizeof(s));
	qsort(s, ROUNDS, sizeof(s[0]), bench_cmp_double);
	return s[ROUNDS / 2];
}

static void stop_all(void)
{
	for (int m = 0; m < NMODES; m++) {
		bench_server_stop(&modes[m].srv);
		bench_server_stop(&modes[m].tls);
	}
	if (tls_dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tls_dir);
		if (system(cmd) != 0)
			fprintf(stderr, "relay_bench: could not remove %s\n", tls_dir);
		tls_dir[0] = '\0';
	}
}

/* A self-signed certificate for 127.0.0.1 and its key, in a new folder. */
static int make_cert(void)
{
	char cmd[512];
	snprintf(tls_dir, sizeof(tls_dir), "/tmp/wf-relaybench-tls.XXXXXX");
	if (!mkdtemp(tls_dir)) {
		tls_dir[0] = '\0';
		return -1;
	}
	snprintf(tls_cert, sizeof(tls_cert), "%s/cert.pem", tls_dir);
	snprintf(tls_key, sizeof(tls_key), "%s/key.pem", tls_dir);
	snprintf(
		cmd, sizeof(cmd),
		"openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
		"-addext subjectAltName=IP:127.0.0.1 -keyout '%s' -out '%s' "
		">/dev/null 2>&1",
		tls_key, tls_cert);
	if (system(cmd) != 0 || access(tls_cert, R_OK) || access(tls_key, R_OK)) {
		fprintf(stderr,
			"relay_bench: openssl req could not make a certificate\n");
		return -1;
	}
	return 0;
}

/* Trusts the bench certificate on c when base is an https:// URL. */
static void trust(CURL *c, const char *base)
{
	if (strncmp(base, "https://", 8) == 0)
		curl_easy_setopt(c, CURLOPT_CAINFO, tls_cert);
}

/* An incident and a signal on m's server, and the batch of ITEMS sightings of it. */
static int prepare(struct mode *m)
{
	CURL *c = curl_easy_init();
	struct bench_answer a;
	char inc[80] = "", sig[80] = "", body[512];
	long st = bench_post(c, m->srv.url, token, "/v1/incidents",
			     "{\"title\":\"bench\"}", &a);
	const char *id = strstr(a.buf, "\"id\":\"");
	if (st != 201 || !id || sscanf(id + 6, "%79[^\"]", inc) != 1) {
		fprintf(stderr, "relay_bench: %s: incident: %ld %s\n", m->name, st,
			a.buf);
		curl_easy_cleanup(c);
		return -1;
	}
	snprintf(body, sizeof(body),
		 "{\"incident_id\":\"%s\",\"type\":\"md5\","
		 "\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":90,"
		 "\"variant_id\":\"v1\",\"platform_id\":\"p-b\"}",
		 inc);
	st = bench_post(c, m->srv.url, token, "/v1/signals", body, &a);
	id = strstr(a.buf, "\"id\":\"");
	curl_easy_cleanup(c);
	if (st != 201 || !id || sscanf(id + 6, "%79[^\"]", sig) != 1) {
		fprintf(stderr, "relay_bench: %s: signal: %ld %s\n", m->name, st,
			a.buf);
		return -1;
	}
	size_t cap = 128 + ITEMS * 160;
	m->batch = malloc(cap);
	if (!m->batch)
		return -1;
	size_t len = (size_t)snprintf(
		m->batch, cap,
		"{\"platform_id\":\"p-b\",\"incident_id\":\"%s\",\"items\":[", inc);
	for (int i = 0; i < ITEMS; i++)
		len += (size_t)snprintf(
			m->batch + len, cap - len,
			"%s{\"signal_id\":\"%s\",\"count\":1,\"outcome\":\"blocked\","
			"\"seen_at\":\"2026-11-26T04:30:00Z\",\"distance\":3}",
			i ? "," : "", sig);
	snprintf(m->batch + len, cap - len, "]}");
	return 0;
}

/* ---- whoami and ingest: THREADS connections until a deadline ---- */

struct job {
	struct mode *m;
	const char *base; /* the server's URL: m->srv's or m->tls's */
	double deadline;
	long ok, bad;
};

static void *whoami_thread(void *arg)
{
	struct job *j = arg;
	char url[256], auth[160];
	struct curl_slist *h = NULL;
	CURL *c = curl_easy_init();
	snprintf(url, sizeof(url), "%s/v1/whoami", j->base);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, auth);
	trust(c, j->base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bench_sink);
	while (bench_now_s() < j->deadline) {
		long status = 0;
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		if (status == 200)
			j->ok++;
		else
			j->bad++;
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	return NULL;
}

static void *ingest_thread(void *arg)
{
	struct job *j = arg;
	CURL *c = curl_easy_init();
	while (bench_now_s() < j->deadline)
		if (bench_post(c, j->m->srv.url, token, "/v1/sightings", j->m->batch,
			       NULL) == 202)
			j->ok++;
		else
			j->bad++;
	curl_easy_cleanup(c);
	return NULL;
}

/* Successful requests a second over THREADS threads running fn on the server at
 * base for seconds; the failed ones counted in *errors. */
static double run_threads(struct mode *m, const char *base, void *(*fn)(void *),
			  double seconds, long *errors)
{
	pthread_t t[THREADS];
	struct job j[THREADS];
	double start = bench_now_s();
	long ok = 0;
	for (int i = 0; i < THREADS; i++) {
		j[i] = (struct job){m, base, start + seconds, 0, 0};
		pthread_create(&t[i], NULL, fn, &j[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += j[i].ok;
		*errors += j[i].bad;
	}
	return (double)ok / (bench_now_s() - start);
}

/* ---- HTTPS, a new connection per request ---- */

/* FRESH GET /v1/health on m's TLS server one after the other, each on a connection
 * of its own with a full handshake; mean ms a request into round r. A request
 * that fails, is not answered 200 or did not open a connection is an error. */
static void run_fresh(struct mode *m, int r)
{
	char url[256];
	CURL *c = curl_easy_init();
	snprintf(url, sizeof(url), "%s/v1/health", m->tls.url);
	curl_easy_setopt(c, CURLOPT_URL, url);
	trust(c, m->tls.url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, bench_sink);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	/* No session resumption either: every connection a full handshake. */
	curl_easy_setopt(c, CURLOPT_SSL_SESSIONID_CACHE, 0L);
	double start = bench_now_s();
	for (int k = 0; k < FRESH; k++) {
		long status = 0, conns = 0;
		if (curl_easy_perform(c) == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
			curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
		}
		if (status != 200 || conns != 1)
			m->errors[3]++;
	}
	m->fresh_ms[r] = (bench_now_s() - start) * 1000 / FRESH;
	curl_easy_cleanup(c);
}

/* ---- SSE delivery ---- */

static int generation; /* tags the titles of one measurement's events */

/* STREAMS streams on m's server, EVENTS incidents posted; p50/p99 into round r. */
static void run_sse(struct mode *m, int r)
{
	struct bench_lat rec;
	struct bench_sse e;
	const char *base = m->srv.url;
	generation++;
	if (bench_lat_init(&rec, "relaybench-", generation, EVENTS,
			   (long)STREAMS * EVENTS) != 0 ||
	    bench_sse_open(&e, STREAMS, &base, 1, token, bench_lat_on_line, &rec)) {
		fprintf(stderr, "relay_bench: %s: out of memory\n", m->name);
		bench_lat_free(&rec);
		return;
	}
	bench_wait_count(&rec.n_ready, STREAMS, 10);
	if (atomic_load(&rec.n_ready) < STREAMS)
		fprintf(stderr, "relay_bench: %s: only %ld of %d streams ready\n",
			m->name, atomic_load(&rec.n_ready), STREAMS);
	CURL *c = curl_easy_init();
	for (int k = 0; k < EVENTS; k++) {
		if (bench_lat_post(&rec, c, m->srv.url, token, k) != 201)
			m->errors[2]++;
		usleep(EVENT_GAP_MS * 1000);
	}
	curl_easy_cleanup(c);
	bench_wait_count(&rec.n_lat, (long)STREAMS * EVENTS, 5);
	bench_sse_close(&e);
	m->frames += bench_lat_result(&rec, &m->p50[r], &m->p99[r]);
	bench_lat_free(&rec);
	/* The server finds a stream gone only when writing to it fails (the relay on
	 * the third event after, libmicrohttpd on the second): a few events now, so
	 * the next round does not write to these. */
	c = curl_easy_init();
	for (int k = 0; k < 3; k++) {
		bench_post(c, m->srv.url, token, "/v1/incidents",
			   "{\"title\":\"flush\"}", NULL);
		usleep(30000);
	}
	curl_easy_cleanup(c);
}

/* The i-th mode measured in round r (from 0): relay first in rounds 0 and 2,
 * library first in round 1. */
static struct mode *turn(int r, int i)
{
	return &modes[r % 2 ? NMODES - 1 - i : i];
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

int main(void)
{
	static const struct bench_token tokens[] = {
		{"bench-admin-token", "admin bench"},
		{"bench-platform", "platform bench-platform p-b"},
	};
	/* No rate limit: its default (1000 a second a token) would be measured. */
	static const char *const extra[NMODES][5] = {
		{"--header-check", "relay", "--rate-limit", "0", NULL},
		{"--header-check", "library", "--rate-limit", "0", NULL},
	};
	const char *tls_extra[NMODES][9];
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (make_cert() != 0) {
		stop_all();
		return 1;
	}
	for (int i = 0; i < NMODES; i++) {
		memcpy(tls_extra[i], extra[i], 4 * sizeof(tls_extra[i][0]));
		tls_extra[i][4] = "--tls-cert";
		tls_extra[i][5] = tls_cert;
		tls_extra[i][6] = "--tls-key";
		tls_extra[i][7] = tls_key;
		tls_extra[i][8] = NULL;
		if (bench_server_start(&modes[i].srv, tokens, 2, extra[i]) != 0 ||
		    bench_server_start(&modes[i].tls, tokens, 2, tls_extra[i]) != 0 ||
		    strncmp(modes[i].tls.url, "https://", 8) != 0 ||
		    prepare(&modes[i]) != 0) {
			fprintf(stderr, "relay_bench: cannot start watchfloord (%s)\n",
				modes[i].name);
			stop_all();
			return 1;
		}
	}

	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < NMODES; i++) {
			struct mode *m = turn(r, i);
			m->whoami[r] = run_threads(m, m->srv.url, whoami_thread,
						   WHOAMI_SECONDS, &m->errors[0]);
		}
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < NMODES; i++) {
			struct mode *m = turn(r, i);
			m->ingest[r] = run_threads(m, m->srv.url, ingest_thread,
						   INGEST_SECONDS, &m->errors[1]) *
				       ITEMS;
		}
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < NMODES; i++)
			run_sse(turn(r, i), r);
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < NMODES; i++)
			run_fresh(turn(r, i), r);
	for (int r = 0; r < ROUNDS; r++)
		for (int i = 0; i < NMODES; i++) {
			struct mode *m = turn(r, i);
			m->tls_whoami[r] = run_threads(m, m->tls.url, whoami_thread,
						       WHOAMI_SECONDS, &m->errors[4]);
		}

	struct mode *rl = &modes[RELAY], *lb = &modes[LIBRARY];
	double w[NMODES], g[NMODES], p50[NMODES], p99[NMODES], f[NMODES], tw[NMODES];
	for (int i = 0; i < NMODES; i++) {
		f[i] = median(modes[i].fresh_ms);
		tw[i] = median(modes[i].tls_whoami);
		w[i] = median(modes[i].whoami);
		g[i] = median(modes[i].ingest);
		p50[i] = median(modes[i].p50);
		p99[i] = median(modes[i].p99);
	}
	printf("watchfloord header check: relay (default) beside "
	       "--header-check library, %d rounds, medians\n",
	       ROUNDS);
	printf("  keep-alive GET /v1/whoami, %d conns  "
	       "relay %8.0f req/s    library %8.0f req/s    (%.2fx)\n",
	       THREADS, w[RELAY], w[LIBRARY], ratio(w[RELAY], w[LIBRARY]));
	printf("  ingest, %d-item batches, %d conns  "
	       "relay %8.0f items/s  library %8.0f items/s  (%.2fx)\n",
	       ITEMS, THREADS, g[RELAY], g[LIBRARY], ratio(g[RELAY], g[LIBRARY]));
	printf("  SSE, %d streams, %d events %d ms apart, "
	       "POST sent -> frame received:\n",
	       STREAMS, EVENTS, EVENT_GAP_MS);
	printf("    relay    p50 %7.2f ms  p99 %7.2f ms  (%ld/%d frames)\n", p50[RELAY],
	       p99[RELAY], rl->frames, ROUNDS * STREAMS * EVENTS);
	printf("    library  p50 %7.2f ms  p99 %7.2f ms  (%ld/%d frames)\n",
	       p50[LIBRARY], p99[LIBRARY], lb->frames, ROUNDS * STREAMS * EVENTS);
	printf("    relay/library  p50 %.2fx  p99 %.2fx\n",
	       ratio(p50[RELAY], p50[LIBRARY]), ratio(p99[RELAY], p99[LIBRARY]));
	printf("  HTTPS (relay: OpenSSL, library: GnuTLS):\n");
	char label[64];
	snprintf(label, sizeof(label), "new connection + GET /v1/health, %d in turn",
		 FRESH);
	printf("    %-44s  relay %8.2f ms     library %8.2f ms     (%.2fx)\n", label,
	       f[RELAY], f[LIBRARY], ratio(f[RELAY], f[LIBRARY]));
	snprintf(label, sizeof(label), "keep-alive GET /v1/whoami, %d conns", THREADS);
	printf("    %-44s  relay %8.0f req/s  library %8.0f req/s  (%.2fx)\n", label,
	       tw[RELAY], tw[LIBRARY], ratio(tw[RELAY], tw[LIBRARY]));
	for (int k = 0; k < ROWS; k++)
		if (rl->errors[k] || lb->errors[k])
			printf("  failed requests of row %d: relay %ld, library %ld\n",
			       k + 1, rl->errors[k], lb->errors[k]);

	for (int i = 0; i < NMODES; i++)
		free(modes[i].batch);
	stop_all();
	curl_global_cleanup();
	return 0;
}
