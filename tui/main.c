/* main.c - the watchfloor dashboard's entry point: parses the command line, reads
 * the token, starts the --demo server when asked, builds the model and the client,
 * and runs the interactive dashboard (tui/app.h), the batch modes or a replay. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/model.h"
#include "net/client.h"
#include "net/replay.h"
#include "tui/batch.h"
#include "tui/demo.h"
#include "tui/options.h"
#include "widgets/text.h"

#if defined(__has_include)
#if __has_include("tui/app.h")
#include "tui/app.h"
#define WF_HAVE_APP 1
#endif
#endif

/* The signal self-pipe: the only global state of the program. */
static int sig_pipe[2] = {-1, -1};

/* "watchfloor: MSG" on stderr; MSG may quote what a server or a file sent, so it
 * goes through the sanitizer. */
static void print_err(const char *msg)
{
	fputs("watchfloor: ", stderr);
	wf_text_fputs(stderr, msg, 500);
	fputc('\n', stderr);
}

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], &b, 1) < 0) {
		/* full pipe: a signal is already pending */
	}
	errno = saved;
}

static int setup_signals(void)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int run_interactive(const struct wf_options *o, struct wf_client *client,
			   struct wf_model *m)
{
#ifdef WF_HAVE_APP
	return wf_app_run(o, client, m);
#else
	(void)o;
	(void)client;
	(void)m;
	fprintf(stderr, "watchfloor: the interactive dashboard is not built yet; use "
			"--batch (or --batch --json)\n");
	return 2;
#endif
}

static int run_replay(const struct wf_options *o, struct wf_model *m)
{
	struct wf_replay_stats st;
	char err[300];
	if (wf_replay_file(o->replay, m, &st, err, sizeof(err)) != 0) {
		print_err(err);
		return 1;
	}
	struct wf_conn c = *wf_model_conn(m);
	c.state = WF_CONN_REPLAY;
	c.bad_events = st.bad;
	c.last_event = c.last_data = st.last_time;
	snprintf(c.message, sizeof(c.message), "%.159s", st.first_error);
	wf_model_set_conn(m, &c);
	if (!o->batch)
		return run_interactive(o, NULL, m);
	struct wf_options bo = *o;
	if (bo.iterations == 0)
		bo.iterations = 1;
	return wf_batch_run(&bo, NULL, m, sig_pipe[0]);
}

int main(int argc, char **argv)
{
	struct wf_options o;
	char err[512];
	if (wf_options_parse(argc, argv, &o, err, sizeof(err)) != 0) {
		print_err(err);
		fputs("(watchfloor --help for the options)\n", stderr);
		return 2;
	}
	if (o.help) {
		wf_options_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("watchfloor %s\n", WF_VERSION);
		return 0;
	}
#ifndef WF_HAVE_APP
	if (!o.batch) {
		struct wf_model *none = NULL;
		return run_interactive(&o, NULL, none);
	}
#endif
	if (setup_signals() != 0) {
		fprintf(stderr, "watchfloor: cannot set up signal handling\n");
		return 1;
	}
	struct wf_model *m = wf_model_new(&o.limits);
	if (!m) {
		fprintf(stderr, "watchfloor: out of memory\n");
		return 1;
	}
	if (o.replay) {
		int rc = run_replay(&o, m);
		wf_model_free(m);
		return rc;
	}

	struct wf_demo demo;
	char *token = NULL;
	int rc = 1;
	memset(&demo, 0, sizeof(demo));
	demo.out_fd = -1;
	if (o.demo) {
		if (wf_demo_start(&demo, o.demo_at_s, err, sizeof(err)) != 0) {
			print_err(err);
			wf_model_free(m);
			return 1;
		}
		o.url = demo.url;
		token = strdup(demo.token);
	} else {
		err[0] = '\0';
		token = wf_client_read_token(o.token_file, err, sizeof(err));
		if (!token && err[0]) {
			print_err(err);
			wf_model_free(m);
			return 2;
		}
	}
	struct wf_client_config cfg = {
		.url = o.url,
		.token = token,
		.cacert = o.cacert,
		.read_only = o.read_only,
		.mode = !o.poll	       ? WF_CLIENT_SSE
			: o.poll_s > 0 ? WF_CLIENT_INTERVAL
				       : WF_CLIENT_LONGPOLL,
		.poll_s = o.poll_s,
		.hold_ms = o.hold_ms,
		/* A demo's outbox lives and dies with its private server. */
		.state_dir = o.demo ? demo.dir : NULL,
	};
	struct wf_client *client = wf_client_new(&cfg, m, err, sizeof(err));
	if (token) {
		memset(token, 0, strlen(token));
		free(token);
	}
	if (!client) {
		print_err(err);
	} else {
		rc = o.batch ? wf_batch_run(&o, client, m, sig_pipe[0])
			     : run_interactive(&o, client, m);
		wf_client_free(client);
	}
	wf_demo_stop(&demo);
	wf_model_free(m);
	close(sig_pipe[0]);
	close(sig_pipe[1]);
	return rc;
}
