/* notify_probe.c - drives the notifier the way the dashboard loop does, for the
 * integration tests (tests/integration/notify_*.sh): a model fed with events, a
 * loop that calls wf_notify_observe()/wf_notify_tick() every few milliseconds and
 * times every call, and the terminal fallback captured into a file. Prints
 * "key: value" lines (route, counters, call times) on stdout; what the
 * notification must say is the test's to know (hard-coded there, not computed
 * with the sanitizer under test).
 *
 *   notify_probe [--title TEXT] [--burst N] [--no-notify] [--terminal-only]
 *                [--run-ms MS] [--timeout-ms MS] [--term-out FILE]
 *                [--stop-pid PID] [--min-shown N]
 * --stop-pid: once the notification server has answered the probe, stop PID (the
 * daemon) with SIGSTOP before any event is fed, so the Notify call itself hangs.
 * --min-shown: past --run-ms, go on (up to 30 s more) until N notifications were
 * shown (acknowledged by the daemon or written by the fallback): a slow machine
 * makes the run longer instead of failing the test. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/tools/model_feed.h"
#include "notify/notify.h"

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct term_file {
	FILE *f;
	unsigned long writes;
};

static void term_write(void *ctx, const char *bytes, size_t len)
{
	struct term_file *t = ctx;
	t->writes++;
	if (t->f) {
		fwrite(bytes, 1, len, t->f);
		fflush(t->f);
	}
}

static const char *const route_names[] = {"off", "probing", "desktop", "terminal"};

int main(int argc, char **argv)
{
	const char *title = "Live-streamed attack";
	const char *term_out = NULL;
	int burst = 0, run_ms = 3000, timeout_ms = 0, stop_pid = 0, min_shown = 0;
	bool enabled = true, desktop = true;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--title") && v)
			title = v, i++;
		else if (!strcmp(a, "--burst") && v)
			burst = atoi(v), i++;
		else if (!strcmp(a, "--run-ms") && v)
			run_ms = atoi(v), i++;
		else if (!strcmp(a, "--timeout-ms") && v)
			timeout_ms = atoi(v), i++;
		else if (!strcmp(a, "--term-out") && v)
			term_out = v, i++;
		else if (!strcmp(a, "--stop-pid") && v)
			stop_pid = atoi(v), i++;
		else if (!strcmp(a, "--min-shown") && v)
			min_shown = atoi(v), i++;
		else if (!strcmp(a, "--no-notify"))
			enabled = false;
		else if (!strcmp(a, "--terminal-only"))
			desktop = false;
		else {
			fprintf(stderr, "notify_probe: unknown argument %s\n", a);
			return 2;
		}
	}
	struct term_file tf = {term_out ? fopen(term_out, "wb") : NULL, 0};
	struct wf_notify_config cfg;
	wf_notify_config_default(&cfg);
	cfg.enabled = enabled;
	cfg.desktop = desktop;
	cfg.tmux = false;
	cfg.term_write = term_write;
	cfg.term_ctx = &tf;
	if (timeout_ms > 0)
		cfg.call_timeout_ms = timeout_ms;

	/* Room for a burst of 1,000 open incidents (the default cap is 256). */
	struct wf_model_limits lim = wf_model_limits_default();
	lim.incidents = 2048;
	struct wf_model *m = feed_model_new(&lim);
	int64_t start = wall_ms();
	feed_incident(m, "inc-old", "Known before start", WF_TIER_INCIDENT,
		      WF_INC_ACTIVE, 1, start);
	int64_t t0 = mono_us();
	struct wf_notify *n = wf_notify_new(&cfg, start);
	int64_t new_us = mono_us() - t0;
	if (!n || !m)
		return 1;

	/* The loop: every 5 ms, like a dashboard woken by input and events. Events
	 * start after 300 ms (the opening snapshot is observed first). */
	int64_t calls = 0, total_us = 0, max_us = 0;
	int fed = 0, to_feed = burst > 0 ? burst : 1;
	for (;;) {
		int64_t now = wall_ms();
		if (now - start >= run_ms) {
			struct wf_notify_stats s1;
			wf_notify_get_stats(n, &s1);
			unsigned long shown = s1.sent_desktop + s1.sent_terminal;
			if (shown >= (unsigned long)min_shown ||
			    now - start >= run_ms + 30000)
				break;
		}
		if (stop_pid > 0) {
			struct wf_notify_stats s0;
			wf_notify_get_stats(n, &s0);
			if (s0.route == WF_ROUTE_DESKTOP) {
				kill(stop_pid, SIGSTOP);
				printf("stopped_daemon_at_ms: %lld\n",
				       (long long)(now - start));
				stop_pid = 0;
			}
		}
		if (now - start >= 300 && fed < to_feed && stop_pid == 0) {
			/* A burst arrives over about a second: 1/100 of it per turn. */
			int step = to_feed / 100 > 0 ? to_feed / 100 : 1;
			for (int k = 0; k < step && fed < to_feed; k++, fed++) {
				char id[32], t[64];
				snprintf(id, sizeof id, "inc-%d", fed);
				snprintf(t, sizeof t, "Burst incident %d", fed);
				feed_incident(m, id, burst > 0 ? t : title,
					      WF_TIER_CONTENT_INCIDENT, WF_INC_ACTIVE,
					      1, now);
			}
		}
		int64_t a = mono_us();
		wf_notify_observe(n, m, now);
		int64_t us = mono_us() - a;
		calls++;
		total_us += us;
		if (us > max_us)
			max_us = us;
		struct timespec pause = {0, 5 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	struct wf_notify_stats st;
	wf_notify_get_stats(n, &st);
	printf("run_ms: %lld\n", (long long)(wall_ms() - start));
	printf("route: %s\n", route_names[st.route]);
	printf("describe: %s\n", wf_notify_describe(n));
	printf("server: %s\n", st.server);
	printf("markup: %d\n", st.markup ? 1 : 0);
	printf("fed: %d\n", fed);
	printf("notices: %lu\n", st.notices);
	printf("flushes: %lu\n", st.flushes);
	printf("sent_desktop: %lu\n", st.sent_desktop);
	printf("sent_terminal: %lu\n", st.sent_terminal);
	printf("term_writes: %lu\n", tf.writes);
	printf("bells: %lu\n", st.bells);
	printf("failures: %lu\n", st.failures);
	printf("breaker_trips: %lu\n", st.breaker_trips);
	printf("new_us: %lld\n", (long long)new_us);
	printf("calls: %lld\n", (long long)calls);
	printf("max_call_us: %lld\n", (long long)max_us);
	printf("mean_call_us: %lld\n", (long long)(calls ? total_us / calls : 0));
	t0 = mono_us();
	wf_notify_free(n);
	printf("free_us: %lld\n", (long long)(mono_us() - t0));
	wf_model_free(m);
	if (tf.f)
		fclose(tf.f);
	return 0;
}
