/* notify_dbus.c - the libnotify helper: a child process that owns the D-Bus
 * connection, probes the server (notify_get_server_info, notify_get_server_caps)
 * and shows notifications on request, so a missing, slow or hung server only ever
 * blocks the child. The parent side (helper_*) never blocks: it talks over a
 * non-blocking SOCK_SEQPACKET pair, times every probe and call out, and opens a
 * circuit breaker after repeated failures. */
#include "notify_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <libnotify/notify.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MSG_MAX 8192
#define NOSERVER_RETRY_MS (5 * 60 * 1000)

/* --- child side ------------------------------------------------------------ */

static void child_reply(int fd, const char *s)
{
	(void)!send(fd, s, strlen(s), MSG_NOSIGNAL);
}

static void child_probe(int fd)
{
	char *name = NULL, *vendor = NULL, *version = NULL, *spec = NULL;
	if (!notify_get_server_info(&name, &vendor, &version, &spec)) {
		child_reply(fd, "S0");
		_exit(0);
	}
	bool markup = false;
	GList *caps = notify_get_server_caps();
	for (GList *c = caps; c; c = c->next)
		if (c->data && strcmp(c->data, "body-markup") == 0)
			markup = true;
	g_list_free_full(caps, g_free);
	char msg[128];
	/* The name is the server's to choose: keep it printable ASCII. */
	char clean[64];
	size_t k = 0;
	for (const char *p = name ? name : "?"; *p && k + 1 < sizeof clean; p++)
		clean[k++] = (*p > 0x20 && *p < 0x7f) ? *p : '_';
	clean[k] = '\0';
	snprintf(msg, sizeof msg, "S1 %d %s", markup ? 1 : 0, clean);
	child_reply(fd, msg);
	g_free(name);
	g_free(vendor);
	g_free(version);
	g_free(spec);
}

/* Record from the parent: "N" urgency(1 byte) summary NUL body NUL. */
static void child_loop(int fd)
{
	char buf[MSG_MAX];
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			_exit(0); /* the parent is gone or closed us */
		}
		buf[n] = '\0';
		if (n < 3 || buf[0] != 'N')
			continue;
		int urgency = buf[1] - '0';
		const char *summary = buf + 2;
		const char *body = summary + strlen(summary) + 1;
		if (body >= buf + n)
			body = "";
		NotifyNotification *nn = notify_notification_new(summary, body, NULL);
		notify_notification_set_urgency(nn, (NotifyUrgency)urgency);
		notify_notification_set_category(nn, "watchfloor");
		GError *error = NULL;
		gboolean ok = notify_notification_show(nn, &error);
		if (error)
			g_error_free(error);
		g_object_unref(nn);
		child_reply(fd, ok ? "A1" : "A0");
	}
}

static void child_main(int fd, const char *app_name)
{
	/* Output would land on the curses screen: send it to /dev/null. */
	int null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	if (fd != 3) {
		dup2(fd, 3);
		fd = 3;
	}
	closefrom(4);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_IGN); /* Ctrl-C is for the dashboard; it stops us */
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGWINCH, SIG_DFL);
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (getppid() == 1)
		_exit(0);
	if (!notify_init(app_name)) {
		child_reply(fd, "S0");
		_exit(0);
	}
	child_probe(fd);
	child_loop(fd);
	_exit(0);
}

/* --- parent side ----------------------------------------------------------- */

void helper_init(struct notify_helper *h, const char *app_name, int timeout_ms,
		 int breaker_failures, int cooldown_ms)
{
	memset(h, 0, sizeof(*h));
	h->state = HELPER_OFF;
	h->pid = -1;
	h->fd = -1;
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : 2000;
	h->breaker_failures = breaker_failures > 0 ? breaker_failures : 2;
	h->cooldown_ms = cooldown_ms > 0 ? cooldown_ms : 60000;
	h->noserver_retry_ms = NOSERVER_RETRY_MS;
	snprintf(h->app_name, sizeof h->app_name, "%s",
		 app_name ? app_name : "watchfloor");
}

/* Reaps killed helpers that have exited; with wait, waits for all of them. */
static void helper_reap(struct notify_helper *h, bool wait)
{
	for (size_t i = 0; i < sizeof h->zombies / sizeof h->zombies[0]; i++) {
		if (h->zombies[i] <= 0)
			continue;
		pid_t r;
		while ((r = waitpid(h->zombies[i], NULL, wait ? 0 : WNOHANG)) < 0 &&
		       errno == EINTR)
			;
		if (r != 0)
			h->zombies[i] = 0;
	}
}

/* Kills the helper. The loop does not wait for the process to go away (tearing
 * down a process takes milliseconds): it is reaped by a later helper_poll. */
static void helper_kill(struct notify_helper *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		helper_reap(h, false);
		size_t i = 0;
		while (i < sizeof h->zombies / sizeof h->zombies[0] &&
		       h->zombies[i] > 0)
			i++;
		if (i == sizeof h->zombies / sizeof h->zombies[0]) {
			helper_reap(h, true); /* never more than a few: wait for them */
			i = 0;
		}
		h->zombies[i] = h->pid;
	}
	h->pid = -1;
}

void helper_start(struct notify_helper *h, int64_t now)
{
	int sv[2];
	helper_kill(h);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		h->state = HELPER_BROKEN;
		h->retry_at = now + h->cooldown_ms;
		h->failures++;
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		h->state = HELPER_BROKEN;
		h->retry_at = now + h->cooldown_ms;
		h->failures++;
		return;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(sv[1], h->app_name);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	h->pid = pid;
	h->fd = sv[0];
	h->state = HELPER_PROBING;
	h->since = now;
}

void helper_stop(struct notify_helper *h)
{
	helper_kill(h);
	helper_reap(h, true);
	h->state = HELPER_OFF;
}

/* A probe or call failed (timeout, death, error reply). Breaker open after
 * breaker_failures in a row; otherwise a killed helper is restarted at once. */
static void helper_failed(struct notify_helper *h, int64_t now, bool kill_it)
{
	if (h->state == HELPER_BUSY)
		h->call_lost = true;
	h->failures++;
	h->failures_in_row++;
	if (kill_it)
		helper_kill(h);
	if (h->failures_in_row >= h->breaker_failures) {
		helper_kill(h);
		h->state = HELPER_BROKEN;
		h->trips++;
		h->failures_in_row = 0;
		h->retry_at = now + h->cooldown_ms;
	} else if (kill_it) {
		helper_start(h, now);
	} else {
		h->state = HELPER_IDLE;
	}
}

static void helper_read(struct notify_helper *h, int64_t now)
{
	char buf[160];
	for (;;) {
		ssize_t n = recv(h->fd, buf, sizeof buf - 1, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return; /* EAGAIN: nothing more */
		if (n == 0) {
			/* The helper exited: after "S0" that is expected. */
			if (h->state == HELPER_NOSERVER) {
				helper_kill(h);
				return;
			}
			helper_failed(h, now, true);
			return;
		}
		buf[n] = '\0';
		if (buf[0] == 'S' && h->state == HELPER_PROBING) {
			if (buf[1] == '1') {
				h->state = HELPER_IDLE;
				h->markup = buf[3] == '1';
				snprintf(h->server, sizeof h->server, "%.63s",
					 n > 5 ? buf + 5 : "?");
				h->failures_in_row = 0;
			} else {
				h->state = HELPER_NOSERVER;
				h->server[0] = '\0';
				h->retry_at = now + h->noserver_retry_ms;
			}
		} else if (buf[0] == 'A' && h->state == HELPER_BUSY) {
			if (buf[1] == '1') {
				h->acked++;
				h->failures_in_row = 0;
				h->state = HELPER_IDLE;
			} else {
				helper_failed(h, now, false);
			}
		}
	}
}

void helper_poll(struct notify_helper *h, int64_t now)
{
	if (h->zombies[0] || h->zombies[1] || h->zombies[2] || h->zombies[3])
		helper_reap(h, false);
	if (h->fd >= 0)
		helper_read(h, now);
	switch (h->state) {
	case HELPER_PROBING:
	case HELPER_BUSY:
		if (now - h->since >= h->timeout_ms) {
			/* A server that does not answer: the probe counts double, so a
			 * hung server opens the breaker at once. */
			if (h->state == HELPER_PROBING)
				h->failures_in_row = h->breaker_failures - 1;
			helper_failed(h, now, true);
		}
		break;
	case HELPER_NOSERVER:
	case HELPER_BROKEN:
		if (now >= h->retry_at)
			helper_start(h, now);
		break;
	case HELPER_OFF:
	case HELPER_IDLE:
		break;
	}
}

int helper_send(struct notify_helper *h, int urgency, const char *summary,
		const char *body, int64_t now)
{
	char buf[MSG_MAX];
	if (h->state != HELPER_IDLE || h->fd < 0)
		return -1;
	size_t sl = strnlen(summary, 1024),
	       bl = strnlen(body ? body : "", MSG_MAX - 1100);
	buf[0] = 'N';
	buf[1] = (char)('0' + (urgency < 0 ? 0 : urgency > 2 ? 2 : urgency));
	memcpy(buf + 2, summary, sl);
	buf[2 + sl] = '\0';
	memcpy(buf + 3 + sl, body ? body : "", bl);
	buf[3 + sl + bl] = '\0';
	ssize_t n = send(h->fd, buf, 4 + sl + bl, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0) {
		helper_failed(h, now, true);
		return -1;
	}
	h->state = HELPER_BUSY;
	h->since = now;
	return 0;
}

bool helper_take_lost(struct notify_helper *h)
{
	bool lost = h->call_lost;
	h->call_lost = false;
	return lost;
}

int64_t helper_deadline(const struct notify_helper *h)
{
	switch (h->state) {
	case HELPER_PROBING:
	case HELPER_BUSY:
		return h->since + h->timeout_ms;
	case HELPER_NOSERVER:
	case HELPER_BROKEN:
		return h->retry_at;
	default:
		return INT64_MAX;
	}
}
