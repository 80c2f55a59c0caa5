/* main.c - the watchfloor dashboard's entry point: parses the command line, reads
 * the token, starts the --demo server when asked, builds the model and the client,
 * and runs the interactive dashboard (tui/app.h), the batch modes or a replay. */
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "net/client.h"
#include "net/replay.h"
#include "tui/app.h"
#include "tui/batch.h"
#include "tui/demo.h"
#include "tui/options.h"
#include "tui/signals.h"
#include "util/config.h"
#include "util/wipe.h"
#include "widgets/sanitize.h"

/* "watchfloor: MSG" on stderr; MSG may quote what a server or a file sent, so it
 * goes through the sanitizer. */
static void print_err(const char *msg)
{
	fputs("watchfloor: ", stderr);
	wf_text_fputs(stderr, msg, 500);
	fputc('\n', stderr);
}

/* SIGINT, SIGTERM and SIGHUP go to the one self-pipe (tui/signals.h) that the batch
 * loop and the dashboard poll; a closed pipe or socket is an error, not a signal. */
static int setup_signals(void)
{
	if (wf_signals_open() != 0)
		return -1;
	wf_signals_catch(SIGINT, 0, NULL);
	wf_signals_catch(SIGTERM, 0, NULL);
	wf_signals_catch(SIGHUP, 0, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static int run_replay(const struct wf_options *o, const struct wf_config_file *cf,
		      struct wf_model *m)
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
		return wf_app_run(o, cf, NULL, m);
	struct wf_options bo = *o;
	if (bo.iterations == 0)
		bo.iterations = 1;
	return wf_batch_run(&bo, NULL, m, wf_signals_fd());
}

/* Everything after the command line and the config file: the model, the client
 * (or a replay, or the demo's server), then the dashboard or the batch modes. */
static int run(struct wf_options *o, const struct wf_config_file *cf)
{
	char err[512];
	if (setup_signals() != 0) {
		fprintf(stderr, "watchfloor: cannot set up signal handling\n");
		return 1;
	}
	struct wf_model *m = wf_model_new(&o->limits);
	if (!m) {
		fprintf(stderr, "watchfloor: out of memory\n");
		return 1;
	}
	if (o->replay) {
		int rc = run_replay(o, cf, m);
		wf_model_free(m);
		return rc;
	}

	struct wf_demo demo;
	char *token = NULL;
	int rc = 1;
	memset(&demo, 0, sizeof(demo));
	demo.out_fd = -1;
	if (o->demo) {
		if (wf_demo_start(&demo, o->demo_at_s, err, sizeof(err)) != 0) {
			print_err(err);
			wf_model_free(m);
			return 1;
		}
		o->url = demo.url;
		o->n_alt_urls = 0;
		token = strdup(demo.token);
	} else {
		err[0] = '\0';
		token = wf_client_read_token(o->token_file, err, sizeof(err));
		if (!token && err[0]) {
			print_err(err);
			wf_model_free(m);
			return 2;
		}
	}
	struct wf_client_config cfg;
	wf_options_client_config(o, token, &cfg);
	/* A demo's outbox lives and dies with its private server. */
	cfg.state_dir = o->demo ? demo.dir : NULL;
	/* An export reads once and sends nothing: no outbox to open. */
	cfg.no_outbox = o->export_id != NULL;
	struct wf_client *client = wf_client_new(&cfg, m, err, sizeof(err));
	wf_wipe_free(token);
	if (!client) {
		print_err(err);
	} else {
		rc = o->batch ? wf_batch_run(o, client, m, wf_signals_fd())
			      : wf_app_run(o, cf, client, m);
		wf_client_free(client);
	}
	wf_demo_stop(&demo);
	wf_model_free(m);
	wf_signals_close();
	return rc;
}

int main(int argc, char **argv)
{
	struct wf_options o;
	char err[512];
	/* The terminal's character set for every mode, not only the dashboard: the
	 * sanitizer's widths (wcwidth) and its UTF-8 test read LC_CTYPE, so without it
	 * --batch printed every non-ASCII letter as '?'. */
	setlocale(LC_CTYPE, "");
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
	/* The config file, read once: each part takes its own keys (util/config.h). */
	struct wf_config_file cf;
	wf_config_file_read(&cf, NULL, NULL, 0);
	/* A bad backends line is said and left out (its default stays), as any bad
	 * config line. */
	if (!o.demo && !o.replay &&
	    wf_options_load_backends(&o, &cf, err, sizeof(err)) != 0)
		print_err(err);
	int rc = run(&o, &cf);
	wf_config_file_free(&cf);
	return rc;
}
