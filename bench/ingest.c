/* ingest.c - `make bench`: events per second through the dashboard's ingest path
 * (SSE parse + envelope decode + model apply) against a bare json_loadb+json_decref
 * loop over the same payloads in the same run, and `jq -c .` over the same events
 * when jq is installed. Payloads are realistic: mostly sightings batches (1..40 items
 * with pdq hashes), some signals, incident updates and decisions. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "model/model.h"
#include "model/validate.h"
#include "net/decode.h"
#include "net/sse.h"

#define N_EVENTS 20000
#define N_PLATFORMS 24
#define N_SIGNALS 400
#define ROUNDS 5

struct payloads {
	char **p;
	size_t *len;
	size_t n;
	char *sse; /* the whole stream */
	size_t sse_len;
};

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void)
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

static void hex(char *out, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++)
		out[i] = digits[next_rand() % 16];
	out[n] = '\0';
}

static char sig_hash[N_SIGNALS][65];

static char *make_event(int64_t seq, int64_t t)
{
	char ts[40], body[65536];
	int r = (int)(next_rand() % 100);
	size_t n = 0;
	wf_time_format(t, ts, sizeof(ts));
	if (seq <= N_PLATFORMS) {
		n = (size_t)snprintf(body, sizeof(body),
				     "{\"seq\":%lld,\"type\":\"platform.updated\","
				     "\"time\":\"%s\",\"data\":"
				     "{\"id\":\"p-%lld\",\"name\":\"Platform "
				     "%lld\",\"kind\":\"member\","
				     "\"hash_types\":[\"pdq\",\"md5\"],\"last_"
				     "heartbeat\":\"%s\",\"version\":1}}",
				     (long long)seq, ts, (long long)seq, (long long)seq,
				     ts);
	} else if (seq <= N_PLATFORMS + 3) {
		n = (size_t)snprintf(body, sizeof(body),
				     "{\"seq\":%lld,\"type\":\"incident.opened\","
				     "\"time\":\"%s\",\"data\":"
				     "{\"id\":\"inc-%lld\",\"title\":\"Live-streamed "
				     "attack %lld\",\"location\":\"Riverside\","
				     "\"tier\":\"content_incident\",\"state\":"
				     "\"active\",\"opened_at\":\"%s\","
				     "\"activated_at\":\"%s\",\"concluded_at\":null,"
				     "\"summary\":\"Copies spreading\",\"version\":1}}",
				     (long long)seq, ts, (long long)seq, (long long)seq,
				     ts, ts);
	} else if (seq <= N_PLATFORMS + 3 + N_SIGNALS) {
		int k = (int)(seq - N_PLATFORMS - 4);
		n = (size_t)snprintf(
			body, sizeof(body),
			"{\"seq\":%lld,\"type\":\"signal.added\",\"time\":\"%s\","
			"\"data\":"
			"{\"id\":\"sig-%d\",\"incident_id\":\"inc-%d\",\"type\":"
			"\"pdq\",\"value\":\"%s\","
			"\"quality\":90,\"variant_id\":\"v-%d\",\"new_variant\":true,"
			"\"platform_id\":\"p-%d\","
			"\"added_at\":\"%s\",\"state\":\"active\",\"version\":1}}",
			(long long)seq, ts, k, N_PLATFORMS + 1 + k % 3, sig_hash[k],
			k / 2, 1 + k % N_PLATFORMS, ts);
	} else if (r < 90) {
		int items = 1 + (int)(next_rand() % 40);
		int plat = 1 + (int)(next_rand() % N_PLATFORMS);
		int inc = N_PLATFORMS + 1 + (int)(next_rand() % 3);
		n = (size_t)snprintf(
			body, sizeof(body),
			"{\"seq\":%lld,\"type\":\"sightings\",\"time\":\"%s\",\"data\":"
			"{\"platform_id\":\"p-%d\",\"incident_id\":\"inc-%d\","
			"\"items\":[",
			(long long)seq, ts, plat, inc);
		static const char *const outcomes[] = {"blocked", "blocked", "blocked",
						       "removed", "pending", "kept"};
		for (int i = 0; i < items; i++) {
			int s = (int)(next_rand() % N_SIGNALS);
			n += (size_t)snprintf(body + n, sizeof(body) - n,
					      "%s{\"signal_id\":\"sig-%d\",\"count\":%"
					      "d,\"outcome\":\"%s\","
					      "\"seen_at\":\"%s\",\"distance\":%d,"
					      "\"hash_type\":\"pdq\",\"hash\":\"%s\"}",
					      i ? "," : "", s,
					      1 + (int)(next_rand() % 20),
					      outcomes[next_rand() % 6], ts,
					      (int)(next_rand() % 32), sig_hash[s]);
		}
		n += (size_t)snprintf(body + n, sizeof(body) - n, "]}}");
	} else if (r < 95) {
		int inc = N_PLATFORMS + 1 + (int)(next_rand() % 3);
		n = (size_t)snprintf(body, sizeof(body),
				     "{\"seq\":%lld,\"type\":\"incident.updated\","
				     "\"time\":\"%s\",\"data\":"
				     "{\"id\":\"inc-%d\",\"title\":\"Live-streamed "
				     "attack %d\",\"location\":\"Riverside\","
				     "\"tier\":\"protocol_activated\",\"state\":"
				     "\"active\",\"opened_at\":\"%s\","
				     "\"activated_at\":\"%s\",\"concluded_at\":null,"
				     "\"summary\":\"Copies spreading fast\","
				     "\"version\":%lld}}",
				     (long long)seq, ts, inc, inc, ts, ts,
				     (long long)seq);
	} else {
		n = (size_t)snprintf(body, sizeof(body),
				     "{\"seq\":%lld,\"type\":\"decision.opened\","
				     "\"time\":\"%s\",\"data\":"
				     "{\"id\":\"dec-%lld\",\"kind\":\"add_signal\","
				     "\"incident_id\":\"inc-%d\","
				     "\"subject\":\"Add variant hash to the shared "
				     "list\",\"subject_ref\":null,"
				     "\"detail\":\"A new variant was reported by a "
				     "member platform.\",\"proposer\":\"sim:board\","
				     "\"priority\":\"normal\",\"created_at\":\"%s\","
				     "\"due_at\":\"%s\",\"state\":\"pending\","
				     "\"votes\":[{\"by\":\"bob\",\"action\":\"note\","
				     "\"reason\":\"checking\",\"at\":\"%s\"}],"
				     "\"rationale\":\"\",\"version\":1}}",
				     (long long)seq, ts, (long long)seq,
				     N_PLATFORMS + 1, ts, ts, ts);
	}
	return strndup(body, n);
}

static void make_payloads(struct payloads *pl)
{
	int64_t t0 = ((int64_t)time(NULL) - 1800) * 1000;
	for (int i = 0; i < N_SIGNALS; i++)
		hex(sig_hash[i], 64);
	pl->n = N_EVENTS;
	pl->p = calloc(pl->n, sizeof(*pl->p));
	pl->len = calloc(pl->n, sizeof(*pl->len));
	size_t cap = 1 << 20, used = 0;
	pl->sse = malloc(cap);
	for (size_t i = 0; i < pl->n; i++) {
		int64_t seq = (int64_t)i + 1;
		pl->p[i] = make_event(seq, t0 + (int64_t)i * 1800000 / N_EVENTS);
		pl->len[i] = strlen(pl->p[i]);
		size_t need = pl->len[i] + 80;
		while (used + need > cap) {
			cap *= 2;
			pl->sse = realloc(pl->sse, cap);
		}
		const char *type = strstr(pl->p[i], "\"type\":\"") + 8;
		int tl = (int)(strchr(type, '"') - type);
		used += (size_t)snprintf(pl->sse + used, cap - used,
					 "id: %lld\nevent: %.*s\ndata: %s\n\n",
					 (long long)seq, tl, type, pl->p[i]);
		if (i % 500 == 0)
			used += (size_t)snprintf(pl->sse + used, cap - used,
						 ": heartbeat\n\n");
	}
	pl->sse_len = used;
}

struct sink {
	struct wf_model *m;
	uint64_t events, bad;
};

static int on_event(void *ud, const struct wf_sse_event *ev)
{
	struct sink *s = ud;
	struct wf_event e;
	struct wf_decode_error err;
	if (wf_decode_envelope(ev->data, ev->data_len, &e, &err) != 0) {
		s->bad++;
		return 0;
	}
	wf_model_apply(s->m, &e);
	wf_event_clear(&e);
	s->events++;
	return 0;
}

static double run_ingest(const struct payloads *pl, uint64_t *bad)
{
	struct sink s = {wf_model_new(NULL), 0, 0};
	struct wf_sse_parser p;
	wf_sse_init(&p, 0, 0, on_event, &s);
	double t = now_s();
	for (size_t off = 0; off < pl->sse_len; off += 16384) {
		size_t n = pl->sse_len - off < 16384 ? pl->sse_len - off : 16384;
		wf_sse_feed(&p, pl->sse + off, n);
	}
	t = now_s() - t;
	*bad = s.bad + (s.events != pl->n);
	wf_sse_free(&p);
	wf_model_free(s.m);
	return (double)pl->n / t;
}

static double run_bare(const struct payloads *pl)
{
	json_error_t e;
	size_t ok = 0;
	double t = now_s();
	for (size_t i = 0; i < pl->n; i++) {
		json_t *j = json_loadb(pl->p[i], pl->len[i], 0, &e);
		ok += j != NULL;
		json_decref(j);
	}
	t = now_s() - t;
	return ok == pl->n ? (double)pl->n / t : 0;
}

static double run_jq(const struct payloads *pl)
{
	char path[] = "/tmp/wf-bench-XXXXXX";
	char cmd[256];
	if (system("command -v jq >/dev/null 2>&1") != 0)
		return -1;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	for (size_t i = 0; i < pl->n; i++) {
		fwrite(pl->p[i], 1, pl->len[i], f);
		fputc('\n', f);
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "jq -c . %s >/dev/null", path);
	double t = now_s();
	int rc = system(cmd);
	t = now_s() - t;
	unlink(path);
	return rc == 0 ? (double)pl->n / t : -1;
}

int main(void)
{
	struct payloads pl;
	uint64_t bad = 0;
	double best_ingest = 0, best_bare = 0;
	make_payloads(&pl);
	for (int r = 0; r < ROUNDS; r++) {
		double a = run_ingest(&pl, &bad);
		double b = run_bare(&pl);
		if (a > best_ingest)
			best_ingest = a;
		if (b > best_bare)
			best_bare = b;
	}
	double jq = run_jq(&pl);
	printf("ingest: %zu events (%.1f MB of SSE, 90%% sightings batches of 1..40 "
	       "items), best of %d\n",
	       pl.n, pl.sse_len / 1e6, ROUNDS);
	printf("  SSE parse + decode + apply  %10.0f events/s\n", best_ingest);
	printf("  bare json_loadb+json_decref %10.0f events/s\n", best_bare);
	printf("  ratio                       %10.2fx (budget >= 0.75x)%s\n",
	       best_ingest / best_bare,
	       best_ingest / best_bare >= 0.75 ? "" : "  BELOW BUDGET");
	if (jq > 0)
		printf("  jq -c .                     %10.0f events/s (ingest is %.1fx "
		       "faster)\n",
		       jq, best_ingest / jq);
	else
		printf("  jq -c .                     (jq not installed)\n");
	if (bad)
		printf("  WARNING: %llu events failed to decode\n",
		       (unsigned long long)bad);
	for (size_t i = 0; i < pl.n; i++)
		free(pl.p[i]);
	free(pl.p);
	free(pl.len);
	free(pl.sse);
	return bad ? 1 : 0;
}
