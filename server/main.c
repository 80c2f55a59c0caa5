/* main.c - watchfloord's entry point: options, startup (tokens, store, hub, HTTP,
 * simulator), the "listening on" line, a reload of the tokens file on SIGHUP, a clean
 * shutdown on SIGINT/SIGTERM, and the `token` subcommand (token.c). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "server/api.h"
#include "server/auth.h"
#include "server/http.h"
#include "server/hub.h"
#include "server/match.h"
#include "server/sim.h"
#include "server/sim_scenario.h"
#include "server/store.h"
#include "server/sweep.h"
#include "server/token.h"

/* --start-at: at most 30 days. */
#define START_AT_MAX_S (30.0 * 24 * 3600)
/* --expire-grace: at most 30 days. */
#define GRACE_MAX_S (30L * 24 * 3600)

/* The in-memory event ring: the newest RING_EVENTS events, but never more than
 * RING_BYTES of envelopes (one sightings event can be ~5 MiB, so 8192 of them would
 * be 40 GiB). Streams further behind read the event log in the store. */
#define RING_EVENTS 8192
#define RING_BYTES ((size_t)64 << 20)

struct options {
	char host[64];
	int port;
	const char *db, *tokens, *simulate, *tls_cert, *tls_key, *log, *stix_name;
	const char *public_url;
	bool header_library; /* --header-check library: no relay in front */
	enum stix_tlp tlp;
	double speed, scale, rate_limit;
	double start_at; /* --start-at: scenario seconds replayed back-dated first */
	long retention;
	long expire_grace; /* seconds past due_at before a decision expires; 0: never */
	int heartbeat;
	unsigned seed;
	struct quorum_rules rules; /* --quorum over the defaults */
	struct match_opts match; /* --match-* thresholds */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: watchfloord [options]\n%s"
		"  --listen ADDR:PORT   numeric address to serve on (default 127.0.0.1:8470;\n"
		"                       port 0 picks a free port; [::1]:PORT for IPv6)\n"
		"  --db PATH|CONNINFO   SQLite file (default ./watchfloord.db), or PostgreSQL:\n"
		"                       postgresql://..., postgres://... or 'host=... dbname=...'\n"
		"                       (several replicas may share one PostgreSQL database)\n"
		"  --tokens FILE        tokens file: SHA256HEX ROLE NAME [ORG] a line (written\n"
		"                       by `watchfloord token`, reloaded on SIGHUP); without\n"
		"                       it every client is a read-only viewer\n"
		"  --simulate FILE      play a scenario (see docs/scenarios.md)\n"
		"  --speed X            scenario seconds per real second (default 1)\n"
		"  --scale F            volume scale of the scenario (default 1; 0.01: light)\n"
		"  --seed N             simulator seed (default 1)\n"
		"  --start-at DURATION  open the scenario DURATION in (e.g. 3h): its first\n"
		"                       DURATION is written at once, back-dated, before the\n"
		"                       listening line; then it goes on live (default 0)\n"
		"  --retention N        events kept for resuming streams (default 100000)\n"
		"  --heartbeat SECONDS  SSE heartbeat interval (default 15)\n"
		"  --expire-grace SECONDS\n"
		"                       an open decision expires this long after its due_at\n"
		"                       (default 3600; 0: never)\n"
		"  --rate-limit N       requests a second per token, bursts of 2N, then 429\n"
		"                       (default 1000; 0: no limit)\n"
		"  --tls-cert FILE      PEM certificate: serve HTTPS (with --tls-key)\n"
		"  --tls-key FILE       PEM private key\n"
		"  --header-check relay|library\n"
		"                       relay (default): each request's header block is\n"
		"                       read before libmicrohttpd (TLS terminated first) and\n"
		"                       refused (400) for a NUL, a control byte or a folded\n"
		"                       line in it; library: libmicrohttpd alone, one copy\n"
		"                       less (behind a proxy that already refuses them)\n"
		"  --quorum KIND=N,...  organisations that close a decision kind (defaults:\n"
		"                       activate, conclude, change_tier, public_interest 2;\n"
		"                       the others 1; see GET /v1/rules)\n"
		"  --log FILE           access log (names token owners, never tokens)\n"
		"  --tlp LEVEL          TLP marking of the STIX export and the TAXII feed:\n"
		"                       white, green, amber (default) or red\n"
		"  --stix-name NAME     the command center's STIX identity name\n"
		"  --public-url URL     how clients reach this server (TAXII discovery's\n"
		"                       URLs behind a proxy), e.g. https://cc.example:8470\n"
		"  --match-pdq N        PDQ hashes within N bits match (default 31)\n"
		"  --match-near N       PDQ near misses up to N bits (default 48)\n"
		"  --match-vpdq-frame N vPDQ frames within N bits match (default 31)\n"
		"  --match-vpdq-share P a vPDQ video matches at P%% of frames (default 80)\n"
		"  --help, --version\n",
		token_usage);
}

static int parse_listen(const char *s, struct options *o)
{
	const char *colon = strrchr(s, ':');
	if (!colon)
		return -1;
	size_t n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(o->host))
		return -1;
	memcpy(o->host, s, n);
	o->host[n] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p < 0 || p > 65535)
		return -1;
	o->port = (int)p;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { O_LISTEN = 256, O_DB, O_TOKENS, O_SIM, O_SPEED, O_SCALE, O_SEED, O_RET,
	       O_HB, O_CERT, O_KEY, O_LOG, O_HELP, O_VERSION, O_RATE, O_GRACE, O_QUORUM,
	       O_START_AT, O_TLP, O_STIX_NAME, O_M_PDQ, O_M_NEAR, O_M_FRAME, O_M_SHARE,
	       O_PUBLIC_URL, O_HEADER_CHECK };
	static const struct option longs[] = {
		{"listen", required_argument, NULL, O_LISTEN},
		{"db", required_argument, NULL, O_DB},
		{"tokens", required_argument, NULL, O_TOKENS},
		{"simulate", required_argument, NULL, O_SIM},
		{"speed", required_argument, NULL, O_SPEED},
		{"scale", required_argument, NULL, O_SCALE},
		{"seed", required_argument, NULL, O_SEED},
		{"start-at", required_argument, NULL, O_START_AT},
		{"retention", required_argument, NULL, O_RET},
		{"heartbeat", required_argument, NULL, O_HB},
		{"rate-limit", required_argument, NULL, O_RATE},
		{"expire-grace", required_argument, NULL, O_GRACE},
		{"tls-cert", required_argument, NULL, O_CERT},
		{"tls-key", required_argument, NULL, O_KEY},
		{"log", required_argument, NULL, O_LOG},
		{"quorum", required_argument, NULL, O_QUORUM},
		{"tlp", required_argument, NULL, O_TLP},
		{"stix-name", required_argument, NULL, O_STIX_NAME},
		{"public-url", required_argument, NULL, O_PUBLIC_URL},
		{"header-check", required_argument, NULL, O_HEADER_CHECK},
		{"match-pdq", required_argument, NULL, O_M_PDQ},
		{"match-near", required_argument, NULL, O_M_NEAR},
		{"match-vpdq-frame", required_argument, NULL, O_M_FRAME},
		{"match-vpdq-share", required_argument, NULL, O_M_SHARE},
		{"help", no_argument, NULL, O_HELP},
		{"version", no_argument, NULL, O_VERSION},
		{NULL, 0, NULL, 0},
	};
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case O_LISTEN:
			if (parse_listen(optarg, o)) {
				fprintf(stderr, "watchfloord: --listen wants ADDR:PORT\n");
				return 2;
			}
			break;
		case O_DB: o->db = optarg; break;
		case O_TOKENS: o->tokens = optarg; break;
		case O_SIM: o->simulate = optarg; break;
		case O_CERT: o->tls_cert = optarg; break;
		case O_KEY: o->tls_key = optarg; break;
		case O_LOG: o->log = optarg; break;
		case O_QUORUM: {
			char why[160];
			if (quorum_rules_parse(&o->rules, optarg, why, sizeof(why))) {
				fprintf(stderr, "watchfloord: %s\n", why);
				return 2;
			}
			break;
		}
		case O_STIX_NAME: o->stix_name = optarg; break;
		case O_HEADER_CHECK:
			if (strcmp(optarg, "relay") != 0 && strcmp(optarg, "library") != 0) {
				fprintf(stderr, "watchfloord: --header-check wants relay or "
						"library\n");
				return 2;
			}
			o->header_library = strcmp(optarg, "library") == 0;
			break;
		case O_PUBLIC_URL:
			if ((strncmp(optarg, "http://", 7) && strncmp(optarg, "https://", 8)) ||
			    strlen(optarg) > 200 || strpbrk(optarg, " \"\\?#")) {
				fprintf(stderr, "watchfloord: --public-url wants "
						"http(s)://HOST[:PORT][/PATH]\n");
				return 2;
			}
			o->public_url = optarg;
			break;
		case O_TLP:
			if (!stix_tlp_parse(optarg, &o->tlp)) {
				fprintf(stderr, "watchfloord: --tlp wants white, green, amber "
						"or red\n");
				return 2;
			}
			break;
		case O_SPEED:
		case O_SCALE: {
			double v = strtod(optarg, &end);
			if (*end || !(v > 0 && v <= 1e6)) {
				fprintf(stderr, "watchfloord: --%s wants a positive number\n",
					c == O_SPEED ? "speed" : "scale");
				return 2;
			}
			*(c == O_SPEED ? &o->speed : &o->scale) = v;
			break;
		}
		case O_RATE: {
			double v = strtod(optarg, &end);
			if (*end || !(v >= 0 && v <= 1e9)) {
				fprintf(stderr, "watchfloord: --rate-limit wants a number >= 0\n");
				return 2;
			}
			o->rate_limit = v;
			break;
		}
		case O_GRACE: {
			long v = strtol(optarg, &end, 10);
			if (*end || end == optarg || v < 0 || v > GRACE_MAX_S) {
				fprintf(stderr, "watchfloord: --expire-grace wants seconds "
						"0..%ld\n", GRACE_MAX_S);
				return 2;
			}
			o->expire_grace = v;
			break;
		}
		case O_START_AT:
			if (scenario_parse_duration(optarg, &o->start_at) != 0 ||
			    o->start_at < 0 || o->start_at > START_AT_MAX_S) {
				fprintf(stderr, "watchfloord: --start-at wants a duration "
						"0..30d (90s, 45m, 3h, 1h30m)\n");
				return 2;
			}
			break;
		case O_M_PDQ:
		case O_M_NEAR:
		case O_M_FRAME:
		case O_M_SHARE: {
			long v = strtol(optarg, &end, 10);
			long lo = c == O_M_SHARE ? 1 : 0, hi = c == O_M_SHARE ? 100 : 256;
			if (*end || end == optarg || v < lo || v > hi) {
				fprintf(stderr, "watchfloord: --%s wants %ld..%ld\n",
					c == O_M_PDQ	 ? "match-pdq"
					: c == O_M_NEAR	 ? "match-near"
					: c == O_M_FRAME ? "match-vpdq-frame"
							 : "match-vpdq-share",
					lo, hi);
				return 2;
			}
			*(c == O_M_PDQ	   ? &o->match.pdq
			  : c == O_M_NEAR  ? &o->match.pdq_near
			  : c == O_M_FRAME ? &o->match.vpdq_frame
					   : &o->match.vpdq_share) = (int)v;
			break;
		}
		case O_SEED: o->seed = (unsigned)strtoul(optarg, NULL, 10); break;
		case O_RET:
		case O_HB: {
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || (c == O_HB && v > 3600)) {
				fprintf(stderr, "watchfloord: --%s wants a positive integer\n",
					c == O_RET ? "retention" : "heartbeat");
				return 2;
			}
			if (c == O_RET)
				o->retention = v;
			else
				o->heartbeat = (int)v;
			break;
		}
		case O_HELP: usage(stdout); return 0;
		case O_VERSION: printf("watchfloord %s\n", WF_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "watchfloord: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (o->match.pdq_near < o->match.pdq) {
		fprintf(stderr, "watchfloord: --match-near must be at least --match-pdq\n");
		return 2;
	}
	if (!o->tls_cert != !o->tls_key) {
		fprintf(stderr, "watchfloord: --tls-cert and --tls-key go together\n");
		return 2;
	}
	return -1;
}

/* Every platform token's platform exists as a platform resource. An officer's
 * fourth column is its organisation (for the quorum), not a platform: registering
 * it made the officer a platform named after them (and, first come, renamed a
 * scenario's platform of that id after the officer). */
static int register_token_platforms(struct server *srv)
{
	for (size_t i = 0; i < auth_count(srv->auth); i++) {
		const struct auth_identity *id = auth_at(srv->auth, i);
		if (!id->platform_id[0] || id->role != AUTH_PLATFORM)
			continue;
		json_t *ht = json_pack("[s,s]", "pdq", "md5");
		int rc = api_ensure_platform(srv, id->platform_id, id->name, "member", ht);
		json_decref(ht);
		if (rc)
			return -1;
	}
	return 0;
}

/* SIGHUP: reads the tokens file again. A file that does not load leaves the tokens
 * in force as they were; either way one line goes to the error log. */
static void reload_tokens(const struct options *o, struct server *srv, struct http *http)
{
	char err[512];
	if (!o->tokens) {
		fprintf(srv->errlog, "watchfloord: SIGHUP: no --tokens file to reload\n");
		fflush(srv->errlog);
		return;
	}
	struct auth *fresh = auth_load(o->tokens, err, sizeof(err));
	size_t closed = 0, n = auth_count(fresh);
	if (!fresh) {
		fprintf(srv->errlog,
			"watchfloord: SIGHUP: tokens not reloaded: %s; the %zu tokens loaded "
			"before stay in force\n",
			err, auth_count(srv->auth));
	} else if (http_reload_auth(http, fresh, &closed) != 0) {
		auth_free(fresh);
		fprintf(srv->errlog, "watchfloord: SIGHUP: tokens not reloaded: out of memory\n");
	} else {
		if (register_token_platforms(srv))
			fprintf(srv->errlog, "watchfloord: SIGHUP: store: %s\n",
				store_last_error(srv->st));
		fprintf(srv->errlog,
			"watchfloord: SIGHUP: reloaded %s: %zu tokens, %zu streams of revoked "
			"tokens closed\n",
			o->tokens, n, closed);
	}
	fflush(srv->errlog);
}

static int run(const struct options *o, sigset_t *sigs)
{
	char err[512] = "";
	int rc = 1;
	FILE *log = NULL;
	struct server srv = {.heartbeat_s = o->heartbeat, .rules = o->rules};
	struct http *http = NULL;
	struct sim *sim = NULL;
	struct sweep *sweep = NULL;
	if (o->log && !(log = fopen(o->log, "a"))) {
		fprintf(stderr, "watchfloord: cannot open --log %s\n", o->log);
		return 1;
	}
	srv.errlog = log ? log : stderr;
	if (o->tokens && !(srv.auth = auth_load(o->tokens, err, sizeof(err))))
		goto out;
	if (!(srv.st = store_open(o->db, o->retention, err, sizeof(err))))
		goto out;
	srv.hub = hub_new(RING_EVENTS, o->heartbeat, store_fetch_events, srv.st);
	if (!srv.hub) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	hub_set_ring_bytes(srv.hub, RING_BYTES);
	/* The signal index follows every signal event the hub publishes from here on
	 * (this process's and other replicas'), then loads what the store holds; both
	 * apply a signal only when its version is newer, so the order does not matter. */
	if (!(srv.match = match_index_new(&o->match))) {
		snprintf(err, sizeof(err), "out of memory");
		goto out;
	}
	hub_set_observer(srv.hub, match_index_observe, srv.match);
	store_attach_hub(srv.st, srv.hub, RING_EVENTS);
	if (match_index_load(srv.match, srv.st)) {
		snprintf(err, sizeof(err), "signal index: out of memory");
		goto out;
	}
	if (register_token_platforms(&srv)) {
		snprintf(err, sizeof(err), "store: %s", store_last_error(srv.st));
		goto out;
	}
	struct http_options ho = {o->host,       o->port, o->tls_cert, o->tls_key, log, 4,
				  o->rate_limit, o->stix_name, o->tlp, o->public_url,
				  !o->header_library};
	if (!(http = http_start(&srv, &ho, err, sizeof(err))))
		goto out;
	/* The simulator before the listening line: with --start-at its past is written
	 * by then, so the first client sees it. */
	if (o->simulate) {
		struct sim_options so = {o->simulate, o->speed, o->scale, o->seed, o->start_at};
		if (!(sim = sim_start(&srv, &so, err, sizeof(err))))
			goto out;
	}
	printf("watchfloord listening on %s://%s%s%s:%d\n", o->tls_cert ? "https" : "http",
	       strchr(o->host, ':') ? "[" : "", o->host, strchr(o->host, ':') ? "]" : "",
	       http_port(http));
	fflush(stdout);
	if (!srv.auth)
		fprintf(stderr, "watchfloord: no --tokens: every client is a read-only "
				"viewer\n");
	if (o->expire_grace > 0 &&
	    !(sweep = sweep_start(&srv, o->expire_grace, err, sizeof(err))))
		goto out;
	for (;;) {
		int sig = 0;
		sigwait(sigs, &sig);
		if (sig != SIGHUP)
			break;
		reload_tokens(o, &srv, http);
	}
	rc = 0;
out:
	if (err[0])
		fprintf(stderr, "watchfloord: %s\n", err);
	sim_stop(sim);
	sweep_stop(sweep);
	if (http)
		http_refuse_new(http);
	if (srv.hub)
		hub_close(srv.hub);
	http_stop(http);
	if (srv.st)
		store_attach_hub(srv.st, NULL, 0); /* nothing publishes into a freed hub */
	hub_free(srv.hub);
	match_index_free(srv.match);
	store_close(srv.st);
	auth_free(srv.auth);
	if (log)
		fclose(log);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "token") == 0)
		return token_main(argc - 1, argv + 1);
	struct options o = {.host = "127.0.0.1", .port = 8470, .db = "watchfloord.db",
			    .speed = 1, .scale = 1, .rate_limit = 1000, .retention = 100000,
			    .heartbeat = 15, .expire_grace = 3600, .tlp = STIX_TLP_AMBER,
			    .match = MATCH_OPTS_DEFAULT,
			    .seed = 1};
	o.rules = quorum_rules_default();
	int r = parse_options(argc, argv, &o);
	if (r >= 0)
		return r;
	/* Signals are taken by sigwait in this thread; every other thread (MHD's,
	 * the hub's, the simulator's) inherits the blocked mask. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Each event stream holds a descriptor: allow as many as the hard limit does. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	return run(&o, &sigs);
}
