/* screen_latency.c - `make bench` row: event to screen. A private watchfloord on a
 * loopback port, the real dashboard on a pseudo-terminal (160x45, xterm-256color);
 * an officer renames one incident 100 times, and each time the clock runs from the
 * POST until the new title's bytes have been written to the terminal. Beside it, in
 * the same run, the POST's own round trip (the server's share). Budget (DESIGN.md):
 * p99 under 100 ms. Titles are 8 letters that differ from the previous title in every
 * position and never repeat a letter, so curses writes them as one run of bytes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "bench_server.h"

#define ROUNDS 100

static struct bench_server srv;
static const char *token = "latency-officer-token";
static pid_t ui_pid;
static int pty_fd = -1;
static char screen[1 << 16]; /* the latest terminal output, a sliding window */
static size_t screen_len;

static double now_ms(void)
{
	return bench_now_s() * 1e3;
}

static int start_ui(void)
{
	struct winsize ws = {.ws_row = 45, .ws_col = 160};
	char path[600], build[512];
	if (bench_build_dir(build, sizeof(build)))
		return -1;
	snprintf(path, sizeof(path), "%s/watchfloor", build);
	ui_pid = forkpty(&pty_fd, NULL, NULL, &ws);
	if (ui_pid < 0)
		return -1;
	if (ui_pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("WATCHFLOOR_TOKEN", token, 1);
		char state[400];
		snprintf(state, sizeof(state), "%s/state", srv.dir);
		setenv("XDG_STATE_HOME", state, 1);
		execl(path, path, "--no-notify", "--hold", "0", srv.url, (char *)NULL);
		_exit(127);
	}
	fcntl(pty_fd, F_SETFL, fcntl(pty_fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

/* Reads what the dashboard wrote until needle shows up or timeout_ms pass; returns the
 * time it was seen, or -1. */
static double wait_screen(const char *needle, double timeout_ms)
{
	double end = now_ms() + timeout_ms;
	for (;;) {
		if (memmem(screen, screen_len, needle, strlen(needle)))
			return now_ms();
		double left = end - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = {.fd = pty_fd, .events = POLLIN};
		if (poll(&p, 1, (int)(left < 1 ? 1 : left)) <= 0)
			continue;
		char buf[8192];
		ssize_t n = read(pty_fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		if (screen_len + (size_t)n > sizeof(screen)) { /* keep the recent half */
			size_t half = sizeof(screen) / 2;
			size_t keep_n = screen_len < half ? screen_len : half;
			memmove(screen, screen + screen_len - keep_n, keep_n);
			screen_len = keep_n;
		}
		memcpy(screen + screen_len, buf, (size_t)n);
		screen_len += (size_t)n;
	}
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void cleanup(void)
{
	if (ui_pid > 0) {
		kill(ui_pid, SIGTERM);
		waitpid(ui_pid, NULL, 0);
	}
	bench_server_stop(&srv);
}

int main(int argc, char **argv)
{
	static const struct bench_token tokens[] = {{"latency-officer-token",
						       "officer latency"}};
	(void)argc;
	(void)argv;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	struct bench_answer a;
	double screen_ms[ROUNDS], post_ms[ROUNDS];
	int done = 0, rc = 1;
	if (bench_server_start(&srv, tokens, 1, NULL) != 0) {
		fprintf(stderr, "screen_latency: cannot start watchfloord\n");
		goto out;
	}
	if (bench_post(c, srv.url, token, "/v1/incidents",
		 "{\"title\":\"ABCDEFGH\",\"tier\":\"content_incident\",\"state\":\"active\"}",
		 &a) != 201) {
		fprintf(stderr, "screen_latency: create: %s\n", a.buf);
		goto out;
	}
	char inc[80] = "";
	char *idp = strstr(a.buf, "\"id\":\"");
	if (idp)
		sscanf(idp + 6, "%79[^\"]", inc);
	if (start_ui() != 0 || wait_screen("ABCDEFGH", 10000) < 0) {
		fprintf(stderr, "screen_latency: the dashboard did not show the incident\n");
		goto out;
	}
	for (int i = 1; i <= ROUNDS; i++) {
		char title[9], body[256], path[128];
		for (int k = 0; k < 8; k++)
			title[k] = (char)('A' + (i + k) % 26);
		title[8] = '\0';
		snprintf(path, sizeof(path), "/v1/incidents/%s", inc);
		snprintf(body, sizeof(body), "{\"title\":\"%s\",\"version\":%d}", title, i);
		screen_len = 0;
		double t0 = now_ms();
		if (bench_post(c, srv.url, token, path, body, &a) != 200) {
			fprintf(stderr, "screen_latency: update: %s\n", a.buf);
			goto out;
		}
		double t1 = now_ms();
		double seen = wait_screen(title, 2000);
		if (seen < 0) {
			fprintf(stderr, "screen_latency: title %s never reached the screen\n", title);
			goto out;
		}
		post_ms[done] = t1 - t0;
		screen_ms[done] = seen - t0;
		done++;
		usleep(30000 + (useconds_t)(rand() % 40000)); /* off the frame beat */
	}
	qsort(screen_ms, (size_t)done, sizeof(double), cmp);
	qsort(post_ms, (size_t)done, sizeof(double), cmp);
	printf("event to screen: %d incident renames, POST sent -> title written to the pty\n",
	       done);
	printf("  to the screen  p50 %7.2f ms  p99 %7.2f ms  (budget p99 < 100 ms)\n",
	       screen_ms[done / 2], screen_ms[done * 99 / 100]);
	printf("  POST answered  p50 %7.2f ms  p99 %7.2f ms  (the server's share)\n",
	       post_ms[done / 2], post_ms[done * 99 / 100]);
	rc = 0;
out:
	cleanup();
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}
