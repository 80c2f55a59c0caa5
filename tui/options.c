/* options.c - command-line parsing with getopt_long; checks the combinations
 * (--json needs --batch, --resolve needs --batch, --wall implies --read-only,
 * --rotate and --shift need --wall). */
#include "options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "net/client.h"
#include "util/config.h"
#include "tui/actions.h"

enum {
	OPT_READ_ONLY = 256,
	OPT_WALL,
	OPT_ROTATE,
	OPT_SHIFT,
	OPT_BATCH,
	OPT_JSON,
	OPT_ITERATIONS,
	OPT_INTERVAL,
	OPT_POLL,
	OPT_DEMO_AT,
	OPT_DEMO,
	OPT_REPLAY,
	OPT_TOKEN_FILE,
	OPT_CACERT,
	OPT_THEME,
	OPT_NO_NOTIFY,
	OPT_HOLD,
	OPT_RESOLVE,
	OPT_VERB,
	OPT_SET,
	OPT_SYNC_TIMEOUT,
	OPT_CAP,
	OPT_TOKEN,
	OPT_EXPORT,
	OPT_FORMAT,
	OPT_OUTPUT,
	OPT_HELP,
	OPT_VERSION,
};

/* The usage text is kept as it prints. */
/* clang-format off */
void wf_options_usage(FILE *f)
{
	fputs("usage: watchfloor [OPTIONS] [URL...]\n"
	      "The terminal dashboard of the crisis command center (URL default "
	      WF_DEFAULT_URL ").\n"
	      "Several URLs (or the config's `backends = URL URL`) are replicas of one\n"
	      "backend: on failure the dashboard moves to the next, from its cursor.\n"
	      "\n"
	      "  --read-only         never send anything but GET (no triage)\n"
	      "  --wall              wall display: read-only kiosk, never exits\n"
	      "  --rotate S          with --wall: seconds per incident on the propagation\n"
	      "                      pane (default 20)\n"
	      "  --shift S           with --wall: move the layout a cell every S seconds\n"
	      "                      against burn-in (default 180; 0: never)\n"
	      "  --batch             no terminal UI: print state to stdout (like top -b)\n"
	      "  --json              with --batch: one JSON object a line (docs/cli.md)\n"
	      "  --iterations N      with --batch: print N times, then exit (0: forever)\n"
	      "  --interval S        with --batch: seconds between prints (default 2)\n"
	      "  --poll[=S]          no streaming: long-poll, or with S poll the snapshot\n"
	      "                      every S seconds (ETag, jittered)\n"
	      "  --demo              start a private watchfloord simulating an incident\n"
	      "  --demo-at DURATION  with --demo: open the incident DURATION in, its past\n"
	      "                      already there (default 3h; 0: from its start, 60x)\n"
	      "  --replay FILE       apply a recorded NDJSON file of events, no server\n"
	      "  --token-file FILE   read the API token from FILE (else $WATCHFLOOR_TOKEN)\n"
	      "  --cacert FILE       trust this CA bundle for https:// (verification is\n"
	      "                      always on)\n"
	      "  --theme NAME        colour theme\n"
	      "  --no-notify         no desktop notifications\n"
	      "  --hold S            outbox undo window in seconds (default 5)\n"
	      "  --resolve ID:ACTION:REASON\n"
	      "                      with --batch: vote on a decision through the outbox\n"
	      "                      (ACTION approve|reject|escalate|note); repeatable\n"
	      "  --declare | --update INC | --file-note INC | --file-report INC |\n"
	      "  --propose INC       with --batch: an officer verb through the outbox, its\n"
	      "                      form's fields given by --set NAME=VALUE after it\n"
	      "  --triage REP[:REASON], --dismiss REP:REASON\n"
	      "                      with --batch: triage or dismiss a report\n"
	      "  --export INCIDENT   with --batch: write the incident's record from the\n"
	      "                      backend and exit (docs/interop.md)\n"
	      "  --format F          with --export: md (default), json or stix\n"
	      "  --output FILE       with --export: write FILE (default: stdout)\n"
	      "  --sync-timeout S    with --batch: wait at most S seconds for the first\n"
	      "                      sync before printing anyway (default 30)\n"
	      "  --cap NAME=N        hold at most N of a table (incidents 4096, decisions\n"
	      "                      8192, reports 8192, signals 16384, platforms 512,\n"
	      "                      pairs 4096, feed 256, exceptions 1024,\n"
	      "                      notifications 1024); what is not held is shown\n"
	      "  --help, --version\n",
	      f);
}
/* clang-format on */

static int parse_resolve(const char *arg, struct wf_resolve_spec *r, char *err,
			 size_t errsize)
{
	const char *c1 = strchr(arg, ':');
	const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || (size_t)(c1 - arg) >= sizeof(r->id) ||
	    (size_t)(c2 - c1 - 1) >= sizeof(r->action) ||
	    strlen(c2 + 1) >= sizeof(r->reason)) {
		snprintf(err, errsize, "--resolve wants DECISION_ID:ACTION:REASON");
		return -1;
	}
	memcpy(r->id, arg, (size_t)(c1 - arg));
	r->id[c1 - arg] = '\0';
	memcpy(r->action, c1 + 1, (size_t)(c2 - c1 - 1));
	r->action[c2 - c1 - 1] = '\0';
	strcpy(r->reason, c2 + 1);
	if (!wf_valid_id(r->id)) {
		snprintf(err, errsize, "--resolve: '%s' is not a decision id", r->id);
		return -1;
	}
	/* The vote actions of the action table (tui/actions.h): decision actions
	 * that send something. */
	const struct wf_action_def *d = wf_action_def(wf_action_by_name(r->action));
	if (!d || !(d->flags & WF_ACT_DECISIONS) || !(d->flags & WF_ACT_MUTATES)) {
		snprintf(err, errsize,
			 "--resolve: action must be approve, reject, escalate or note");
		return -1;
	}
	return 0;
}

/* --declare, --update ID, ..., --triage ID[:REASON], --dismiss ID:REASON. */
static int parse_verb(struct wf_options *o, const char *name, const char *arg,
		      char *err, size_t errsize)
{
	if (o->n_verbs == WF_VERBS_MAX) {
		snprintf(err, errsize, "at most %d verbs (--declare, --propose, ...)",
			 WF_VERBS_MAX);
		return -1;
	}
	struct wf_verb_spec *v = &o->verbs[o->n_verbs];
	memset(v, 0, sizeof(*v));
	snprintf(v->action, sizeof(v->action), "%s", name);
	if (arg) {
		const char *colon = strchr(arg, ':');
		bool report =
			strcmp(name, "triage") == 0 || strcmp(name, "dismiss") == 0;
		size_t n = report && colon ? (size_t)(colon - arg) : strlen(arg);
		if (n >= sizeof(v->target) ||
		    strlen(colon && report ? colon + 1 : "") >= sizeof(v->reason)) {
			snprintf(err, errsize, "--%s: too long", name);
			return -1;
		}
		memcpy(v->target, arg, n);
		v->target[n] = '\0';
		if (report && colon)
			snprintf(v->reason, sizeof(v->reason), "%s", colon + 1);
		if (!wf_valid_id(v->target)) {
			snprintf(err, errsize, "--%s: '%.64s' is not an id", name,
				 v->target);
			return -1;
		}
		if (strcmp(name, "dismiss") == 0 && !v->reason[0]) {
			snprintf(err, errsize, "--dismiss wants REPORT_ID:REASON");
			return -1;
		}
	}
	o->n_verbs++;
	return 0;
}

/* --set NAME=VALUE: a field of the verb given before it. */
static int parse_set(struct wf_options *o, const char *arg, char *err, size_t errsize)
{
	const char *eq = strchr(arg, '=');
	struct wf_verb_spec *v = o->n_verbs ? &o->verbs[o->n_verbs - 1] : NULL;
	if (!v || !eq || eq == arg || (size_t)(eq - arg) >= sizeof(v->set[0].name)) {
		snprintf(err, errsize,
			 "--set wants NAME=VALUE after --declare, --update, "
			 "--file-note, "
			 "--file-report or --propose");
		return -1;
	}
	if (v->n_set == WF_VERB_SETS_MAX) {
		snprintf(err, errsize, "at most %d --set per verb", WF_VERB_SETS_MAX);
		return -1;
	}
	memcpy(v->set[v->n_set].name, arg, (size_t)(eq - arg));
	v->set[v->n_set].name[eq - arg] = '\0';
	v->set[v->n_set].value = eq + 1;
	v->n_set++;
	return 0;
}

/* A duration: a bare number of seconds, or numbers each with a unit s, m, h or d
 * ("90s", "3h", "1h30m"). */
static int parse_duration(const char *s, int *out)
{
	static const char units[] = "smhd";
	static const double mult[] = {1, 60, 3600, 86400};
	char *end;
	double total = 0, v = strtod(s, &end);
	if (end != s && *end == '\0') {
		total = v;
	} else {
		while (*s) {
			v = strtod(s, &end);
			const char *u = end != s && *end ? strchr(units, *end) : NULL;
			if (!u || !(v >= 0))
				return -1;
			total += v * mult[u - units];
			s = end + 1;
		}
	}
	if (!(total >= 0 && total <= 1e9))
		return -1;
	*out = (int)total;
	return 0;
}

static int parse_number(const char *name, const char *arg, double min, double max,
			double *out, char *err, size_t errsize)
{
	char *end;
	double v = strtod(arg, &end);
	if (end == arg || *end || v < min || v > max) {
		snprintf(err, errsize, "%s wants a number %g..%g", name, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int wf_options_parse(int argc, char **argv, struct wf_options *o, char *err,
		     size_t errsize)
{
	static const struct option longs[] = {
		{"read-only", no_argument, NULL, OPT_READ_ONLY},
		{"wall", no_argument, NULL, OPT_WALL},
		{"rotate", required_argument, NULL, OPT_ROTATE},
		{"shift", required_argument, NULL, OPT_SHIFT},
		{"batch", no_argument, NULL, OPT_BATCH},
		{"json", no_argument, NULL, OPT_JSON},
		{"iterations", required_argument, NULL, OPT_ITERATIONS},
		{"interval", required_argument, NULL, OPT_INTERVAL},
		{"poll", optional_argument, NULL, OPT_POLL},
		{"demo", no_argument, NULL, OPT_DEMO},
		{"demo-at", required_argument, NULL, OPT_DEMO_AT},
		{"replay", required_argument, NULL, OPT_REPLAY},
		{"token-file", required_argument, NULL, OPT_TOKEN_FILE},
		{"cacert", required_argument, NULL, OPT_CACERT},
		{"theme", required_argument, NULL, OPT_THEME},
		{"no-notify", no_argument, NULL, OPT_NO_NOTIFY},
		{"hold", required_argument, NULL, OPT_HOLD},
		{"resolve", required_argument, NULL, OPT_RESOLVE},
		{"export", required_argument, NULL, OPT_EXPORT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, OPT_OUTPUT},
		{"declare", no_argument, NULL, OPT_VERB},
		{"update", required_argument, NULL, OPT_VERB},
		{"file-note", required_argument, NULL, OPT_VERB},
		{"file-report", required_argument, NULL, OPT_VERB},
		{"propose", required_argument, NULL, OPT_VERB},
		{"triage", required_argument, NULL, OPT_VERB},
		{"dismiss", required_argument, NULL, OPT_VERB},
		{"set", required_argument, NULL, OPT_SET},
		{"sync-timeout", required_argument, NULL, OPT_SYNC_TIMEOUT},
		{"cap", required_argument, NULL, OPT_CAP},
		{"token", required_argument, NULL, OPT_TOKEN},
		{"help", no_argument, NULL, OPT_HELP},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	double v;
	int ch;
	memset(o, 0, sizeof(*o));
	o->url = WF_DEFAULT_URL;
	o->interval_s = 2;
	o->hold_ms = 5000;
	o->sync_timeout_s = 30;
	o->shift_s = -1;
	o->limits = wf_model_limits_default();
	opterr = 0;
	optind = 1;
	int li = 0;
	while ((ch = getopt_long(argc, argv, "hV", longs, &li)) != -1) {
		switch (ch) {
		case OPT_VERB:
			if (parse_verb(o, longs[li].name, optarg, err, errsize))
				return -1;
			break;
		case OPT_SET:
			if (parse_set(o, optarg, err, errsize))
				return -1;
			break;
		case OPT_READ_ONLY:
			o->read_only = true;
			break;
		case OPT_WALL:
			o->wall = o->read_only = true;
			break;
		case OPT_ROTATE:
			if (parse_number("--rotate", optarg, 2, 86400, &v, err,
					 errsize))
				return -1;
			o->rotate_s = (int)v;
			break;
		case OPT_SHIFT:
			if (parse_number("--shift", optarg, 0, 86400, &v, err, errsize))
				return -1;
			o->shift_s = (int)v;
			break;
		case OPT_BATCH:
			o->batch = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_ITERATIONS:
			if (parse_number("--iterations", optarg, 0, 1e9, &v, err,
					 errsize))
				return -1;
			o->iterations = (int)v;
			break;
		case OPT_INTERVAL:
			if (parse_number("--interval", optarg, 0.05, 86400, &v, err,
					 errsize))
				return -1;
			o->interval_s = v;
			break;
		case OPT_POLL:
			o->poll = true;
			o->poll_s = 0;
			if (optarg) {
				if (parse_number("--poll", optarg, 1, 3600, &v, err,
						 errsize))
					return -1;
				o->poll_s = (int)v;
			}
			break;
		case OPT_DEMO:
			o->demo = true;
			break;
		case OPT_DEMO_AT:
			if (parse_duration(optarg, &o->demo_at_s) != 0 ||
			    o->demo_at_s > 30 * 86400) {
				snprintf(err, errsize, "--demo-at wants a duration 0..30d "
						       "(90s, 45m, 3h, 1h30m)");
				return -1;
			}
			o->demo_at_set = true;
			break;
		case OPT_REPLAY:
			o->replay = optarg;
			break;
		case OPT_TOKEN_FILE:
			o->token_file = optarg;
			break;
		case OPT_CACERT:
			o->cacert = optarg;
			break;
		case OPT_THEME:
			o->theme = optarg;
			break;
		case OPT_NO_NOTIFY:
			o->no_notify = true;
			break;
		case OPT_HOLD:
			if (parse_number("--hold", optarg, 0, 3600, &v, err, errsize))
				return -1;
			o->hold_ms = (int)(v * 1000);
			break;
		case OPT_RESOLVE:
			if (o->n_resolve == WF_RESOLVE_MAX) {
				snprintf(err, errsize, "at most %d --resolve",
					 WF_RESOLVE_MAX);
				return -1;
			}
			if (parse_resolve(optarg, &o->resolve[o->n_resolve], err,
					  errsize))
				return -1;
			o->n_resolve++;
			break;
		case OPT_CAP: {
			char name[32];
			const char *eq = strchr(optarg, '=');
			size_t *field = NULL;
			if (eq && (size_t)(eq - optarg) < sizeof(name)) {
				memcpy(name, optarg, (size_t)(eq - optarg));
				name[eq - optarg] = '\0';
				field = wf_model_limit_by_name(&o->limits, name);
			}
			if (!field) {
				snprintf(err, errsize,
					 "--cap wants NAME=N, NAME one of incidents, "
					 "decisions, reports, signals, platforms, "
					 "pairs, "
					 "feed, exceptions, notifications");
				return -1;
			}
			if (parse_number("--cap", eq + 1, 1, 1000000, &v, err, errsize))
				return -1;
			*field = (size_t)v;
			break;
		}
		case OPT_SYNC_TIMEOUT:
			if (parse_number("--sync-timeout", optarg, 0, 3600, &v, err,
					 errsize))
				return -1;
			o->sync_timeout_s = v;
			break;
		case OPT_TOKEN:
			snprintf(err, errsize,
				 "a token is never taken from the command line (other "
				 "users "
				 "can read it there): use --token-file FILE or "
				 "WATCHFLOOR_TOKEN");
			return -1;
		case OPT_EXPORT:
			if (!wf_valid_id(optarg)) {
				snprintf(err, errsize, "--export: '%s' is not an incident id",
					 optarg);
				return -1;
			}
			o->export_id = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "md") && strcmp(optarg, "json") &&
			    strcmp(optarg, "stix")) {
				snprintf(err, errsize, "--format wants md, json or stix");
				return -1;
			}
			o->export_format = optarg;
			break;
		case OPT_OUTPUT:
			o->export_output = optarg;
			break;
		case 'h':
		case OPT_HELP:
			o->help = true;
			break;
		case 'V':
		case OPT_VERSION:
			o->version = true;
			break;
		default:
			snprintf(err, errsize, "unknown or incomplete option '%s'",
				 argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		o->url = argv[optind++];
		o->url_given = true;
	}
	while (optind < argc) {
		if (o->n_alt_urls == WF_BACKENDS_MAX - 1) {
			snprintf(err, errsize, "at most %d backend URLs ('%s' is extra)",
				 WF_BACKENDS_MAX, argv[optind]);
			return -1;
		}
		o->alt_urls[o->n_alt_urls++] = argv[optind++];
	}
	if (o->json && !o->batch) {
		snprintf(err, errsize, "--json goes with --batch");
		return -1;
	}
	if (o->n_verbs && !o->batch) {
		snprintf(err, errsize, "--%s goes with --batch", o->verbs[0].action);
		return -1;
	}
	if (o->export_id && !o->batch) {
		snprintf(err, errsize, "--export goes with --batch");
		return -1;
	}
	if ((o->export_format || o->export_output) && !o->export_id) {
		snprintf(err, errsize, "--format and --output go with --export");
		return -1;
	}
	if (o->export_id && (o->n_resolve || o->n_verbs || o->json)) {
		snprintf(err, errsize, "--export runs alone (no --json, --resolve or verbs)");
		return -1;
	}
	if (o->n_resolve && !o->batch) {
		snprintf(err, errsize, "--resolve goes with --batch");
		return -1;
	}
	if ((o->rotate_s || o->shift_s >= 0) && !o->wall) {
		snprintf(err, errsize, "--rotate and --shift go with --wall");
		return -1;
	}
	if (o->demo_at_set && !o->demo) {
		snprintf(err, errsize, "--demo-at goes with --demo");
		return -1;
	}
	if (o->demo && !o->demo_at_set)
		o->demo_at_s = WF_DEMO_AT_DEFAULT_S;
	if (o->demo && o->replay) {
		snprintf(err, errsize, "--demo and --replay exclude each other");
		return -1;
	}
	return 0;
}

void wf_options_client_config(const struct wf_options *o, const char *token,
			      struct wf_client_config *out)
{
	memset(out, 0, sizeof(*out));
	out->url = o->url;
	out->token = token;
	out->cacert = o->cacert;
	out->read_only = o->read_only;
	out->mode = !o->poll	    ? WF_CLIENT_SSE
		    : o->poll_s > 0 ? WF_CLIENT_INTERVAL
				    : WF_CLIENT_LONGPOLL;
	out->poll_s = o->poll_s;
	out->hold_ms = o->hold_ms;
	out->alt_urls = o->alt_urls;
	out->n_alt_urls = o->n_alt_urls;
}

struct backends_ctx {
	struct wf_options *o;
	char *err;
	size_t errsize;
	int bad;
};

static int backends_line(char *key, char *value, int line, void *ctx)
{
	struct backends_ctx *b = ctx;
	struct wf_options *o = b->o;
	(void)key;
	snprintf(o->backends_buf, sizeof(o->backends_buf), "%s", value ? value : "");
	o->n_alt_urls = 0;
	size_t n = 0;
	for (char *save, *t = strtok_r(o->backends_buf, " \t,", &save); t;
	     t = strtok_r(NULL, " \t,", &save)) {
		if (n == WF_BACKENDS_MAX) {
			snprintf(b->err, b->errsize, "config line %d: at most %d backends",
				 line, WF_BACKENDS_MAX);
			b->bad = 1;
			o->url = WF_DEFAULT_URL;
			o->n_alt_urls = 0;
			return -1;
		}
		if (n == 0)
			o->url = t;
		else
			o->alt_urls[o->n_alt_urls++] = t;
		n++;
	}
	if (n == 0) {
		o->url = WF_DEFAULT_URL;
		snprintf(b->err, b->errsize, "config line %d: backends = wants URLs", line);
		b->bad = 1;
		return -1;
	}
	return 0;
}

int wf_options_load_backends(struct wf_options *o, const struct wf_config_file *cf,
			      char *err, size_t errsize)
{
	if (o->url_given || !cf || !cf->text)
		return 0;
	struct backends_ctx b = {o, err, errsize, 0};
	wf_config_foreach(cf->text, cf->len, "backends", WF_CONFIG_LINE_MAX,
			  WF_CONFIG_STRIP_COMMENT | WF_CONFIG_WHOLE_KEY, backends_line, &b);
	return b.bad ? -1 : 0;
}
