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
#include <openssl/evp.h>

#define ROUNDS 100

static char tmpdir[] = "/tmp/wf-latency.XXXXXX";
static char base_url[128];
static const char *token = "latency-officer-token";
static pid_t server_pid, ui_pid;
static int pty_fd = -1;
static char screen[1 << 16]; /* the latest terminal output, a sliding window */
static size_t screen_len;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct answer {
	char buf[4096];
	size_t len;
};

static size_t keep(char *p, size_t s, size_t n, void *u)
{
	struct answer *a = u;
	size_t k = s * n;
	if (a->len + k < sizeof(a->buf)) {
		memcpy(a->buf + a->len, p, k);
		a->len += k;
		a->buf[a->len] = '\0';
	}
	return k;
}

static long post(CURL *c, const char *path, const char *body, struct answer *a)
{
	char url[256], auth[128];
	struct curl_slist *h = NULL;
	long status = 0;
	snprintf(url, sizeof(url), "%s%s", base_url, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	a->len = 0;
	a->buf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	return status;
}

static int start_server(const char *bindir)
{
	char path[600], tokfile[300], db[300];
	unsigned char h[32];
	unsigned hl;
	snprintf(path, sizeof(path), "%s/watchfloord", bindir);
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(tokfile, sizeof(tokfile), "%s/tokens", tmpdir);
	snprintf(db, sizeof(db), "%s/cc.db", tmpdir);
	EVP_Digest(token, strlen(token), h, &hl, EVP_sha256(), NULL);
	FILE *f = fopen(tokfile, "w");
	if (!f)
		return -1;
	for (unsigned i = 0; i < hl; i++)
		fprintf(f, "%02x", h[i]);
	fprintf(f, " officer latency\n");
	fclose(f);
	int fds[2];
	if (pipe(fds))
		return -1;
	server_pid = fork();
	if (server_pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		execl(path, path, "--listen", "127.0.0.1:0", "--db", db, "--tokens", tokfile,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[256];
	if (!out || !fgets(line, sizeof(line), out))
		return -1;
	char *u = strstr(line, "http://");
	if (!u)
		return -1;
	u[strcspn(u, "\r\n")] = '\0';
	snprintf(base_url, sizeof(base_url), "%s", u);
	fclose(out);
	return 0;
}

static int start_ui(const char *bindir)
{
	struct winsize ws = {.ws_row = 45, .ws_col = 160};
	char path[600];
	snprintf(path, sizeof(path), "%s/watchfloor", bindir);
	ui_pid = forkpty(&pty_fd, NULL, NULL, &ws);
	if (ui_pid < 0)
		return -1;
	if (ui_pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("WATCHFLOOR_TOKEN", token, 1);
		char state[400];
		snprintf(state, sizeof(state), "%s/state", tmpdir);
		setenv("XDG_STATE_HOME", state, 1);
		execl(path, path, "--no-notify", "--hold", "0", base_url, (char *)NULL);
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
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
	}
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "screen_latency: could not remove %s\n", tmpdir);
}

int main(int argc, char **argv)
{
	char bindir[512];
	ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
	if (n <= 0)
		return 1;
	bindir[n] = '\0';
	*strrchr(bindir, '/') = '\0';
	strcat(bindir, "/.."); /* build/bench/.. */
	(void)argc;
	(void)argv;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	struct answer a;
	double screen_ms[ROUNDS], post_ms[ROUNDS];
	int done = 0, rc = 1;
	if (start_server(bindir) != 0) {
		fprintf(stderr, "screen_latency: cannot start watchfloord\n");
		goto out;
	}
	if (post(c, "/v1/incidents",
		 "{\"title\":\"ABCDEFGH\",\"tier\":\"protocol_activated\",\"state\":\"active\"}",
		 &a) != 201) {
		fprintf(stderr, "screen_latency: create: %s\n", a.buf);
		goto out;
	}
	char inc[80] = "";
	char *idp = strstr(a.buf, "\"id\":\"");
	if (idp)
		sscanf(idp + 6, "%79[^\"]", inc);
	if (start_ui(bindir) != 0 || wait_screen("ABCDEFGH", 10000) < 0) {
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
		if (post(c, path, body, &a) != 200) {
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
