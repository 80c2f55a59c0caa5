/* bench_server.h - what the benchmarks that need a backend share: a private
 * watchfloord on a loopback port with a temporary database and tokens file, and a
 * POST helper. Header-only (static inline), because every bench C file is its own
 * program. */
#ifndef WF_BENCH_SERVER_H
#define WF_BENCH_SERVER_H

#include <signal.h>
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
 * in extra, may be NULL). Returns 0 with s->url set, or -1. */
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
	char *u = strstr(line, "http://");
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
