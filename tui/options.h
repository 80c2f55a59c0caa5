/* options.h - the dashboard's command line, parsed into one struct that every mode
 * (interactive, wall, batch, replay, demo) reads. Tokens are never taken from argv. */
#ifndef WF_TUI_OPTIONS_H
#define WF_TUI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "model/model.h"

#define WF_DEFAULT_URL "http://127.0.0.1:8470"
#define WF_RESOLVE_MAX 16

/* A headless decision vote: --resolve DECISION_ID:ACTION:REASON. */
struct wf_resolve_spec {
	char id[65];
	char action[16]; /* approve, reject, escalate, note */
	char reason[1001];
};

/* A headless officer verb, named as on the `:` command line: --declare,
 * --update INCIDENT, --file-note INCIDENT, --file-report INCIDENT, --propose
 * INCIDENT (the form verbs, fields given with --set NAME=VALUE after it), --triage
 * REPORT[:REASON], --dismiss REPORT:REASON. */
#define WF_VERBS_MAX 16
#define WF_VERB_SETS_MAX 12
struct wf_verb_spec {
	char action[16];   /* the action table's name: "declare", "propose", ... */
	char target[65];   /* the incident or report id; "" for declare */
	char reason[1001]; /* triage, dismiss */
	size_t n_set;
	struct {
		char name[32];
		const char *value; /* points into argv */
	} set[WF_VERB_SETS_MAX];
};

/* --demo opens the scenario this far in unless --demo-at says otherwise. */
#define WF_DEMO_AT_DEFAULT_S (3 * 3600)

/* Backends: `watchfloor URL1 URL2 ...` or the config's `backends = URL1 URL2 ...`
 * (replicas of one command center; the client moves between them). */
#define WF_BACKENDS_MAX 8

struct wf_options {
	const char *url;    /* positional, default WF_DEFAULT_URL */
	const char *alt_urls[WF_BACKENDS_MAX - 1]; /* the further backends */
	size_t n_alt_urls;
	bool url_given;     /* a URL on the command line (the config's backends unused) */
	char backends_buf[2048]; /* the config's backends line, split */
	bool read_only;	    /* --read-only (also set by --wall) */
	bool wall;	    /* --wall */
	int rotate_s;	    /* --rotate S: wall rotation, 0 = config or default */
	int shift_s;	    /* --shift S: wall burn-in shift, -1 = config or default,
			       0 = off */
	bool batch;	    /* --batch */
	bool json;	    /* --json (with --batch) */
	int iterations;	    /* --iterations N; 0 = until interrupted */
	double interval_s;  /* --interval S, default 2 */
	bool poll;	    /* --poll[=S] */
	int poll_s;	    /* 0: long-poll; > 0: interval polling every S */
	bool demo;	    /* --demo */
	int demo_at_s;	    /* --demo-at: seconds into the scenario (default 3 h) */
	bool demo_at_set;
	const char *replay; /* --replay FILE */
	const char *token_file; /* --token-file FILE */
	const char *cacert;	/* --cacert FILE */
	const char *theme;	/* --theme NAME */
	bool no_notify;		/* --no-notify */
	int hold_ms;		/* --hold S: the outbox's undo window, default 5 s */
	double sync_timeout_s;	/* --sync-timeout S: batch waits this long for the
				   first sync before printing anyway (default 30) */
	struct wf_model_limits limits; /* --cap NAME=N (repeatable); defaults else */
	size_t n_resolve;	       /* --resolve (batch only) */
	struct wf_resolve_spec resolve[WF_RESOLVE_MAX];
	size_t n_verbs; /* --declare, --propose, ... (batch only) */
	struct wf_verb_spec verbs[WF_VERBS_MAX];
	const char *export_id;	  /* --export INCIDENT (batch only) */
	const char *export_format; /* --format md|json|stix (default md) */
	const char *export_output; /* --output FILE (default stdout) */
	bool help, version;
};

/* Fills o from argv. Returns 0, or -1 with a message in err (the caller prints it
 * with the usage hint and exits 2). */
int wf_options_parse(int argc, char **argv, struct wf_options *o, char *err,
		     size_t errsize);
void wf_options_usage(FILE *f);
struct wf_config_file;
/* Without a URL on the command line: the `backends = URL ...` line of the config
 * file as read once (util/config.h; NULL or no text: nothing), if any, sets url and
 * alt_urls. Returns 0, or -1 with a message (the line number) in err. */
int wf_options_load_backends(struct wf_options *o, const struct wf_config_file *cf,
			      char *err, size_t errsize);

struct wf_client_config;
/* The network client's settings from the options (url, cacert, read-only, stream or
 * poll mode, hold) with token (borrowed), built here once for tui/main.c and for the
 * wall's fresh clients (tui/app.c). state_dir is NULL (the default folder). */
void wf_options_client_config(const struct wf_options *o, const char *token,
			      struct wf_client_config *out);

#endif
