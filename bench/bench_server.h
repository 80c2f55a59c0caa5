/* bench_server.h - what the benchmarks that need a backend share: a private
 * watchfloord on a loopback port with a temporary database and tokens file, a
 * POST helper, and the SSE fan-out pieces (event streams read by a thread, and a
 * recorder of POST -> frame latencies). Header-only (static inline), because every
 * bench C file is its own program. */
#ifndef WF_BENCH_SERVER_H
#define WF_BENCH_SERVER_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

struct bench_server {
	char url[128];
	char dir[64];
	pid_t pid;
};

/* One line of the tokens file: the token itself and "ROLE NAME [PLATFORM]". */
struct bench_token {
	const char *token;
	const char *rest;
};

/* An answer body, kept up to 4 KiB. */
struct bench_answer {
	char buf[4096];
	size_t len;
};

static inline double bench_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline size_t bench_sink(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

static inline size_t bench_keep(char *p, size_t s, size_t n, void *u)
{
	struct bench_answer *a = u;
	size_t k = s * n;
	if (a->len + k < sizeof(a->buf)) {
		memcpy(a->buf + a->len, p, k);
		a->len += k;
		a->buf[a->len] = '\0';
	}
	return k;
}

/* An event stream read line by line (a CURLOPT_WRITEFUNCTION with the struct as its
 * WRITEDATA): on_line gets each line without its newline; longer lines are cut. */
struct bench_lines {
	char carry[8192];
	size_t len;
	int ready; /* for on_line: the stream has said retry: */
	void (*on_line)(struct bench_lines *s, const char *line);
	void *user; /* for on_line */
};

static inline size_t bench_lines_write(char *p, size_t sz, size_t n, void *u)
{
	struct bench_lines *s = u;
	size_t k = sz * n;
	for (size_t i = 0; i < k; i++) {
		if (p[i] == '\n') {
			s->carry[s->len] = '\0';
			s->on_line(s, s->carry);
			s->len = 0;
		} else if (s->len + 1 < sizeof(s->carry)) {
			s->carry[s->len++] = p[i];
		}
	}
	return k;
}

/* POSTs a JSON body to base_url + path as token; returns the status (0 when the
 * request failed), the answer in a (NULL: discarded). */
static inline long bench_post(CURL *c, const char *base_url, const char *token,
			      const char *path, const char *body, struct bench_answer *a)
{
	char url[256], auth[160];
	struct curl_slist *h = NULL;
	long status = 0;
	snprintf(url, sizeof(url), "%s%s", base_url, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, a ? bench_keep : bench_sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	if (a) {
		a->len = 0;
		a->buf[0] = '\0';
	}
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	return status;
}

/* For qsort: doubles in ascending order. */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Sleeps in 10 ms steps until *v reaches want or seconds have passed. */
static inline void bench_wait_count(atomic_long *v, long want, double seconds)
{
	double until = bench_now_s() + seconds;
	while (atomic_load(v) < want && bench_now_s() < until)
		usleep(10000);
}

/* ---- SSE fan-out ---- */

/* POST -> frame latencies of incident.opened events: event k is posted with the title
 * PREFIXk (or PREFIXg-k when generation g > 0, frames of other generations then
 * ignored), and every frame of it a stream receives records now - sent_at[k]. Its
 * on_line is bench_lat_on_line, with the recorder as the streams' user. */
struct bench_lat {
	const char *prefix;
	char marker[64]; /* "title":"PREFIX, as it stands in a data: line */
	int generation;
	int events;
	_Atomic double *sent_at; /* [events] */
	double *lat;		 /* [cap] seconds, the first n_lat filled */
	long cap;
	atomic_long n_lat;
	atomic_long n_ready; /* streams that have said retry: */
};

/* A recorder for events 0..events-1 and up to cap frames; -1 when out of memory
 * (bench_lat_free it either way). */
static inline int bench_lat_init(struct bench_lat *r, const char *prefix,
				 int generation, int events, long cap)
{
	r->prefix = prefix;
	snprintf(r->marker, sizeof(r->marker), "\"title\":\"%s", prefix);
	r->generation = generation;
	r->events = events;
	r->sent_at = calloc((size_t)events, sizeof(*r->sent_at));
	r->lat = calloc((size_t)cap, sizeof(*r->lat));
	r->cap = cap;
	atomic_init(&r->n_lat, 0);
	atomic_init(&r->n_ready, 0);
	return r->sent_at && r->lat ? 0 : -1;
}

/* Frees the recorder's arrays. */
static inline void bench_lat_free(struct bench_lat *r)
{
	free(r->sent_at);
	free(r->lat);
}

/* A bench_lines on_line: counts the stream ready on its first retry: line, records a
 * latency on a data: line of one of the recorder's incident.opened events. */
static inline void bench_lat_on_line(struct bench_lines *s, const char *line)
{
	struct bench_lat *r = s->user;
	if (!s->ready && strncmp(line, "retry:", 6) == 0) {
		s->ready = 1;
		atomic_fetch_add(&r->n_ready, 1);
	}
	const char *t = strstr(line, r->marker);
	if (strncmp(line, "data: ", 6) != 0 || !t || !strstr(line, "incident.opened"))
		return;
	t += strlen(r->marker);
	int g = 0, k = -1;
	if (r->generation > 0 ? sscanf(t, "%d-%d", &g, &k) == 2 && g == r->generation
			      : sscanf(t, "%d", &k) == 1) {
		if (k >= 0 && k < r->events) {
			long i = atomic_fetch_add(&r->n_lat, 1);
			if (i < r->cap)
				r->lat[i] = bench_now_s() - atomic_load(&r->sent_at[k]);
		}
	}
}

/* POSTs event k (an incident with the recorder's title) to base_url as token, its
 * send time noted first; returns the status. */
static inline long bench_lat_post(struct bench_lat *r, CURL *c, const char *base_url,
				  const char *token, int k)
{
	char body[128];
	if (r->generation > 0)
		snprintf(body, sizeof(body), "{\"title\":\"%s%d-%d\"}", r->prefix,
			 r->generation, k);
	else
		snprintf(body, sizeof(body), "{\"title\":\"%s%d\"}", r->prefix, k);
	atomic_store(&r->sent_at[k], bench_now_s());
	return bench_post(c, base_url, token, "/v1/incidents", body, NULL);
}

/* Once the streams are closed: sorts the latencies, p50 and p99 in ms (0 when there
 * are none); returns how many were recorded (at most cap). */
static inline long bench_lat_result(struct bench_lat *r, double *p50, double *p99)
{
	long got = atomic_load(&r->n_lat);
	if (got > r->cap)
		got = r->cap;
	qsort(r->lat, (size_t)got, sizeof(r->lat[0]), bench_cmp_double);
	*p50 = got ? r->lat[got / 2] * 1000 : 0;
	*p99 = got ? r->lat[got * 99 / 100] * 1000 : 0;
	return got;
}

/* n GET /v1/events streams on one multi handle, driven by a thread of their own
 * (bench_multi_thread) from bench_sse_open to bench_sse_close. */
struct bench_sse {
	CURLM *m;
	atomic_int stop;
	pthread_t thread;
	int n;
	CURL **hs;
	struct bench_lines *ss;
	struct curl_slist *h;
};

/* The streams' thread: runs the multi handle until stop is set or every transfer
 * has ended. */
static inline void *bench_multi_thread(void *arg)
{
	struct bench_sse *e = arg;
	int running = 1;
	while (!atomic_load(&e->stop) && running) {
		curl_multi_perform(e->m, &running);
		curl_multi_poll(e->m, NULL, 0, 50, NULL);
	}
	return NULL;
}

/* Opens n streams as token, stream i on base_urls[i % n_urls] (each a server's
 * http://host:port), every line to on_line with user, and starts their thread. */
static inline int
bench_sse_open(struct bench_sse *e, int n, const char *const *base_urls, int n_urls,
	       const char *token,
	       void (*on_line)(struct bench_lines *s, const char *line), void *user)
{
	char url[256], auth[160];
	memset(e, 0, sizeof(*e));
	e->n = n;
	e->hs = calloc((size_t)n, sizeof(*e->hs));
	e->ss = calloc((size_t)n, sizeof(*e->ss));
	if (!e->hs || !e->ss) {
		free(e->hs);
		free(e->ss);
		return -1;
	}
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	e->h = curl_slist_append(e->h, auth);
	e->h = curl_slist_append(e->h, "Accept: text/event-stream");
	e->m = curl_multi_init();
	curl_multi_setopt(e->m, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
	for (int i = 0; i < n; i++) {
		snprintf(url, sizeof(url), "%s/v1/events", base_urls[i % n_urls]);
		e->hs[i] = curl_easy_init();
		curl_easy_setopt(e->hs[i], CURLOPT_URL, url);
		curl_easy_setopt(e->hs[i], CURLOPT_HTTPHEADER, e->h);
		e->ss[i].on_line = on_line;
		e->ss[i].user = user;
		curl_easy_setopt(e->hs[i], CURLOPT_WRITEFUNCTION, bench_lines_write);
		curl_easy_setopt(e->hs[i], CURLOPT_WRITEDATA, &e->ss[i]);
		curl_easy_setopt(e->hs[i], CURLOPT_FORBID_REUSE, 1L);
		curl_multi_add_handle(e->m, e->hs[i]);
	}
	atomic_init(&e->stop, 0);
	pthread_create(&e->thread, NULL, bench_multi_thread, e);
	return 0;
}

/* Stops the thread and closes the streams. */
static inline void bench_sse_close(struct bench_sse *e)
{
	atomic_store(&e->stop, 1);
	pthread_join(e->thread, NULL);
	for (int i = 0; i < e->n; i++) {
		curl_multi_remove_handle(e->m, e->hs[i]);
		curl_easy_cleanup(e->hs[i]);
	}
	curl_multi_cleanup(e->m);
	curl_slist_free_all(e->h);
	free(e->hs);
	free(e->ss);
}

/* The folder of the running benchmark's binary's parent (build/), into buf. */
static inline int bench_build_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 4);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*strrchr(buf, '/') = '\0'; /* build/bench */
	strcat(buf, "/..");
	return 0;
}

/* Starts build/watchfloord with the given tokens (and extra flags, NULL-ended list
 * in extra, may be NULL). Returns 0 with s->url set (http://host:port, or
 * https://host:port with --tls-cert among the flags), or -1. */
static inline int bench_server_start(struct bench_server *s, const struct bench_token *tok,
				     size_t n_tok, const char *const *extra)
{
	char bin[600], build[512], tokfile[128], db[128];
	const char *argv[32];
	size_t argc = 0;
	memset(s, 0, sizeof(*s));
	if (bench_build_dir(build, sizeof(build)))
		return -1;
	snprintf(bin, sizeof(bin), "%s/watchfloord", build);
	snprintf(s->dir, sizeof(s->dir), "/tmp/wf-bench.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(tokfile, sizeof(tokfile), "%s/tokens", s->dir);
	snprintf(db, sizeof(db), "%s/cc.db", s->dir);
	FILE *f = fopen(tokfile, "w");
	if (!f)
		return -1;
	for (size_t i = 0; i < n_tok; i++) {
		unsigned char h[32];
		unsigned hl;
		EVP_Digest(tok[i].token, strlen(tok[i].token), h, &hl, EVP_sha256(), NULL);
		for (unsigned k = 0; k < hl; k++)
			fprintf(f, "%02x", h[k]);
		fprintf(f, " %s\n", tok[i].rest);
	}
	fclose(f);
	argv[argc++] = bin;
	argv[argc++] = "--listen";
	argv[argc++] = "127.0.0.1:0";
	argv[argc++] = "--db";
	argv[argc++] = db;
	argv[argc++] = "--tokens";
	argv[argc++] = tokfile;
	for (size_t i = 0; extra && extra[i] && argc < 31; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	int fds[2];
	if (pipe(fds))
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *in = fdopen(fds[0], "r");
	char line[256];
	if (!in || !fgets(line, sizeof(line), in)) {
		fprintf(stderr, "bench: %s did not start\n", bin);
		if (in)
			fclose(in);
		return -1;
	}
	fclose(in);
	char *u = strstr(line, "https://");
	if (!u)
		u = strstr(line, "http://");
	if (!u)
		return -1;
	u[strcspn(u, "\r\n")] = '\0';
	snprintf(s->url, sizeof(s->url), "%s", u);
	return 0;
}

/* SIGTERM, reap, remove the folder. */
static inline void bench_server_stop(struct bench_server *s)
{
	char cmd[128];
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
	if (s->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench: could not remove %s\n", s->dir);
		s->dir[0] = '\0';
	}
}

#endif
