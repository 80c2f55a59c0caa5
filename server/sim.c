/* sim.c - the simulator's engine: a thread that advances a scenario clock at
 * --speed, runs the scenario's steps when due, and makes synthetic member platforms
 * post signals and sighting batches through the same api_* functions as real ingest.
 * Volumes follow a gamma-shaped upload curve per incident, scaled per platform. */
#include "sim.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/validate.h"
#include "sim_internal.h"
#include "util.h"

#define TICK_MS 1000

uint64_t sim_rng_next(struct sim *s)
{
	uint64_t x = s->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return s->rng = x;
}

double sim_rng_unit(struct sim *s)
{
	return (double)(sim_rng_next(s) >> 11) / 9007199254740992.0;
}

void sim_rng_hex(struct sim *s, char *buf, size_t nhex)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < nhex; i++)
		buf[i] = hex[sim_rng_next(s) & 15];
	buf[nhex] = '\0';
}

/* Gamma CDF for an integer shape k at x = t / theta. */
static double gamma_cdf(int k, double x)
{
	if (x <= 0)
		return 0;
	double term = 1, sum = 1;
	for (int n = 1; n < k; n++) {
		term *= x / n;
		sum += term;
	}
	return 1 - exp(-x) * sum;
}

static void report_error(struct sim *s, int line, int status, const char *text)
{
	FILE *f = s->srv->errlog ? s->srv->errlog : stderr;
	if (s->errors++ < 20) {
		fprintf(f, "watchfloord: sim: scenario line %d: HTTP %d %s\n", line, status,
			text ? text : "");
		fflush(f);
	}
}

/* Runs one write through the API as who. Returns the answer (caller frees) or NULL
 * when it failed (reported). */
json_t *sim_call(struct sim *s, int line, api_write_fn fn,
			const struct auth_identity *who, json_t *body, const char *id)
{
	struct api_request req = {who, body, id};
	int status;
	char *text, key[96];
	bool replayed;
	if (s->cur_step >= 0)
		snprintf(key, sizeof(key), "sim:%s:%ld:%d", s->run, s->cur_step,
			 s->step_calls++);
	api_run_write(s->srv, fn, &req, s->cur_step >= 0 ? key : NULL, &status, &text,
		      &replayed);
	json_decref(body);
	if (status >= 300) {
		report_error(s, line, status, text);
		free(text);
		return NULL;
	}
	json_t *ans = text ? json_loads(text, 0, NULL) : NULL;
	free(text);
	return ans;
}

struct sim_platform *sim_find_platform(struct sim *s, const char *id)
{
	for (size_t i = 0; i < s->n_plats; i++)
		if (id && strcmp(s->plats[i].id, id) == 0)
			return &s->plats[i];
	return NULL;
}

struct sim_incident *sim_find_incident(struct sim *s, const char *ref)
{
	for (size_t i = 0; i < s->n_incs; i++)
		if (ref && strcmp(s->incs[i].ref, ref) == 0)
			return &s->incs[i];
	return NULL;
}

struct sim_label *sim_find_label(struct sim *s, const char *name)
{
	for (size_t i = 0; name && i < s->n_labels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return &s->labels[i];
	return NULL;
}

void sim_add_spread_signal(struct sim_incident *inc, const char *id, bool pdq,
			   const char *value)
{
	struct sim_spread *sp = &inc->spread;
	if (sp->n_signals + 1 > MAX_SIGNALS_PER_SPREAD)
		return;
	struct sim_signal *ns = realloc(sp->signals, (sp->n_signals + 1) * sizeof(*ns));
	char *copy = strdup(id);
	if (ns)
		sp->signals = ns;
	if (ns && copy) {
		struct sim_signal *ss = &sp->signals[sp->n_signals++];
		*ss = (struct sim_signal){copy, pdq, ""};
		if (pdq && value && strlen(value) == 64)
			memcpy(ss->value, value, 65);
		snprintf(inc->last_signal, sizeof(inc->last_signal), "%s", id);
	} else {
		free(copy);
	}
}

/* A platform to contribute a new variant, weighted by volume. */
static struct sim_platform *pick_platform(struct sim *s, const struct sim_spread *sp)
{
	double total = 0;
	for (size_t i = 0; i < s->n_plats; i++)
		if ((!sp->restricted || sp->only[i]) && (s->plats[i].pdq || s->plats[i].md5))
			total += s->plats[i].volume;
	double r = sim_rng_unit(s) * total;
	for (size_t i = 0; i < s->n_plats; i++) {
		if ((sp->restricted && !sp->only[i]) || !(s->plats[i].pdq || s->plats[i].md5))
			continue;
		if ((r -= s->plats[i].volume) <= 0)
			return &s->plats[i];
	}
	return s->n_plats ? &s->plats[0] : NULL;
}

/* Posts one new variant: a PDQ (or MD5) signal and sometimes an MD5 twin. */
void sim_make_variant(struct sim *s, struct sim_incident *inc, int line)
{
	struct sim_spread *sp = &inc->spread;
	struct sim_platform *p = pick_platform(s, sp);
	if (!p || sp->n_signals + 2 > MAX_SIGNALS_PER_SPREAD)
		return;
	char variant[100], value[65];
	snprintf(variant, sizeof(variant), "%.48s-v%d", inc->id, ++sp->made);
	for (int twin = 0; twin < 2; twin++) {
		bool pdq = p->pdq && twin == 0;
		if (twin == 1 && !(p->pdq && p->md5 && sim_rng_unit(s) < 0.35))
			break;
		sim_rng_hex(s, value, pdq ? 64 : 32);
		json_t *body = json_pack("{s:s,s:s,s:s,s:i,s:s,s:s}", "incident_id", inc->id,
					 "type", pdq ? "pdq" : "md5", "value", value,
					 "quality", pdq ? 60 + (int)(sim_rng_next(s) % 41) : 100,
					 "variant_id", variant, "platform_id", p->id);
		json_t *sig = sim_call(s, line, api_post_signal, &p->who, body, NULL);
		const char *id = json_string_value(json_object_get(sig, "id"));
		if (id)
			sim_add_spread_signal(inc, id, pdq, value);
		json_decref(sig);
	}
}

/* Blocked share of a platform t scenario seconds into the spread. */
static double blocked_share(const struct sim_spread *sp, const struct sim_platform *p,
			    double t)
{
	if (p->lag_s < 0 || t <= p->lag_s)
		return 0;
	return sp->block_max * (1 - exp(-(t - p->lag_s) / sp->ramp));
}

/* An upload reported by its PDQ hash: the signal's hash edited by 0..44 bits, so
 * the server attributes most (<= 31) and counts the rest unmatched, near misses. */
static json_t *by_hash_item(struct sim *s, const struct sim_signal *sig, int64_t count,
			    const char *outcome, const char *now)
{
	static const char digits[] = "0123456789abcdef";
	char hex[65];
	memcpy(hex, sig->value, 65);
	int bits = (int)(sim_rng_next(s) % 45);
	for (int i = 0; i < bits; i++) {
		size_t k = sim_rng_next(s) % 64;
		int v = (int)(strchr(digits, hex[k]) - digits) ^ (1 << (sim_rng_next(s) % 4));
		hex[k] = digits[v];
	}
	return json_pack("{s:s,s:s,s:I,s:s,s:s}", "hash_type", "pdq", "hash", hex, "count",
			 (json_int_t)count, "outcome", outcome, "seen_at", now);
}

/* One platform's batch for [t0, t1) of the spread: n attempts split by outcome over
 * up to three signals, newer ones likelier. */
static void post_batch(struct sim *s, struct sim_incident *inc, size_t pi, int64_t n,
		       double t1)
{
	struct sim_spread *sp = &inc->spread;
	struct sim_platform *p = &s->plats[pi];
	if (sp->n_signals == 0 || n <= 0)
		return;
	double b = blocked_share(sp, p, t1);
	int64_t counts[4];
	counts[0] = (int64_t)llround((double)n * b);
	int64_t rest = n - counts[0];
	counts[2] = (int64_t)((double)rest * sp->kept + sim_rng_unit(s));
	counts[1] = (int64_t)((double)(rest - counts[2]) * sp->removed + sim_rng_unit(s));
	if (counts[1] > rest - counts[2])
		counts[1] = rest - counts[2];
	counts[3] = rest - counts[1] - counts[2];
	static const char *const outcomes[4] = {"blocked", "removed", "kept", "pending"};
	char now[40];
	wf_time_format(util_now_ms(), now, sizeof(now));
	json_t *items = json_array();
	for (int o = 0; o < 4; o++) {
		int64_t left = counts[o];
		for (int part = 0; left > 0 && part < 3; part++) {
			int64_t c = part == 2 ? left : left / 2 + (left & 1);
			if (c > 1000000)
				c = 1000000;
			/* Newer signals are likelier: pick from the newest half twice. */
			size_t n_sig = sp->n_signals;
			size_t idx = (size_t)(sim_rng_unit(s) * (double)n_sig);
			if (sim_rng_unit(s) < 0.6)
				idx = n_sig - 1 - (size_t)(sim_rng_unit(s) * (double)((n_sig + 1) / 2));
			const struct sim_signal *sig =
				&sp->signals[idx < n_sig ? idx : n_sig - 1];
			json_t *it;
			if (sp->by_hash > 0 && sig->value[0] && sim_rng_unit(s) < sp->by_hash)
				it = by_hash_item(s, sig, c, outcomes[o], now);
			else
				it = json_pack("{s:s,s:I,s:s,s:s}", "signal_id", sig->id,
					       "count", (json_int_t)c, "outcome", outcomes[o],
					       "seen_at", now);
			if (sig->pdq && json_object_get(it, "signal_id"))
				json_object_set_new(it, "distance",
						    json_integer((json_int_t)(sim_rng_next(s) % 32)));
			json_array_append_new(items, it);
			left -= c;
		}
	}
	json_t *body = json_pack("{s:s,s:s,s:o}", "platform_id", p->id, "incident_id",
				 inc->id, "items", items);
	json_decref(sim_call(s, 0, api_post_sightings, &p->who, body, NULL));
}

/* Advances one spread from scenario time t0 to t1 (both absolute). */
static void advance_spread(struct sim *s, struct sim_incident *inc, double t0, double t1)
{
	struct sim_spread *sp = &inc->spread;
	if (!sp->on || t1 <= sp->start)
		return;
	double a = t0 - sp->start > 0 ? t0 - sp->start : 0, b = t1 - sp->start;
	int want = (int)floor(sp->variants * (1 - exp(-b / sp->tau)));
	for (int i = 0; sp->made < want && i < MAX_NEW_VARIANTS_PER_TICK; i++)
		sim_make_variant(s, inc, 0);
	double g = gamma_cdf(sp->k, b / sp->theta) - gamma_cdf(sp->k, a / sp->theta);
	for (size_t i = 0; i < s->n_plats; i++) {
		if (sp->restricted && !sp->only[i])
			continue;
		sp->acc[i] += s->scale * sp->share * s->plats[i].volume * g;
		int64_t n = (int64_t)floor(sp->acc[i]);
		if (n > 0) {
			sp->acc[i] -= (double)n;
			post_batch(s, inc, i, n, b);
		}
	}
}

/* Plays the scenario from scenario time last to t: the steps due, then the spreads.
 * replay: back-dated (sim_replay_past), each step to its own time. */
static void sim_advance(struct sim *s, double last, double t, bool replay)
{
	while (s->next_step < s->sc.n_steps && s->sc.steps[s->next_step].at <= t) {
		s->cur_step = (long)s->next_step;
		s->step_calls = 0;
		const struct sim_step *st = &s->sc.steps[s->next_step++];
		if (replay)
			util_set_backdate((int64_t)((s->start_at - st->at) * 1000.0));
		sim_run_step(s, st);
		s->cur_step = -1;
		/* After each step: a replica taking over re-runs at most the step
		 * that was under way, with the same keys and the same random state. */
		if (s->shared && !replay)
			sim_state_store(s, last);
	}
	/* A step's uploads are dated at its middle: dated at its end, each minute's
	 * were half a minute late on average, and two steps of different lengths
	 * stacked in one minute bucket where they meet. */
	if (replay)
		util_set_backdate((int64_t)((s->start_at - (last + t) / 2) * 1000.0));
	for (size_t i = 0; i < s->n_incs; i++)
		advance_spread(s, &s->incs[i], last, t);
}

/* The past of --start-at: scenario time 0..start_at played at once, each moment t
 * written as if it were (start_at - t) ago, one wall-clock second per scenario second
 * (whatever --speed), so the streams' minute and hour buckets, the 15-minute and
 * 24-hour figures and the incident's record hold hours of history before the first
 * client connects. Steps of CATCHUP_COARSE_S while more than CATCHUP_FINE_SPAN_S is
 * left; in the last CATCHUP_FINE_SPAN_S (the minute buckets of the last hour) the
 * steps end where the wall clock's minutes end, so each lies in one minute bucket
 * and the minute under way holds only its elapsed part (steps of a minute from the
 * start put part of one minute into the next, and the last one a whole minute into
 * the minute just begun: the first frame's rate was up to twice the real one,
 * "accelerating", "doubling"). */
#define CATCHUP_COARSE_S 600.0
#define CATCHUP_FINE_SPAN_S 3900.0
static double replay_step_end(double last, double start_at, double phase)
{
	double left = start_at - last;
	if (left > CATCHUP_FINE_SPAN_S)
		return last + CATCHUP_COARSE_S < start_at ? last + CATCHUP_COARSE_S : start_at;
	/* Minute ends lie at start_at - phase - 60 k: the nearest one after last. */
	double k = ceil((left - phase) / 60.0) - 1;
	double t = k < 0 ? start_at : start_at - phase - 60.0 * k;
	if (t <= last + 1e-3) /* rounding at a boundary: the next minute */
		t = last + 60.0 < start_at ? last + 60.0 : start_at;
	return t;
}

static void sim_replay_past(struct sim *s)
{
	double last = 0;
	if (s->start_at <= 0)
		return;
	/* Seconds into the wall clock's minute at start_at (the replay takes moments). */
	double phase = fmod((double)util_now_ms() / 1000.0, 60.0);
	/* Simulated history: no fsync per write (a crash now loses only the replay). */
	store_set_durable(s->srv->st, false);
	while (last < s->start_at) {
		double t = replay_step_end(last, s->start_at, phase);
		sim_advance(s, last, t, true);
		last = t;
	}
	util_set_backdate(0);
	store_set_durable(s->srv->st, true);
}

/* Whether this replica runs the scenario now; on taking it over the checkpoint of a
 * shared store sets the clock and the state. */
static bool sim_lead(struct sim *s, bool *leading, int64_t *start, double *last)
{
	int lead = store_lead_try(s->srv->st, "simulator");
	FILE *f = s->srv->errlog ? s->srv->errlog : stderr;
	if (lead == 1 && !*leading) {
		double t = s->start_at;
		char mine[sizeof(s->run)];
		memcpy(mine, s->run, sizeof(mine));
		bool found = s->shared && sim_state_load(s, &t) == 1;
		bool resumed = found && strcmp(mine, s->run) != 0; /* another's run */
		if (s->shared && !found)
			sim_state_store(s, t); /* this run's id, before its first write */
		*start = util_mono_ms() - (int64_t)((t - s->start_at) / s->speed * 1000.0);
		*last = t;
		*leading = true;
		fprintf(f,
			"watchfloord: simulator: running the scenario on this replica (%s at "
			"%.0f s)\n",
			resumed ? "resumed" : "started", t);
		fflush(f);
	} else if (lead != 1 && *leading) {
		*leading = false;
		fprintf(f, "watchfloord: simulator: lost the run-once lock, standing by\n");
		fflush(f);
	} else if (lead == 0 && !*leading && !s->said_standby) {
		fprintf(f, "watchfloord: simulator: another replica runs the scenario, "
			   "standing by\n");
		fflush(f);
	}
	s->said_standby = lead == 0;
	return *leading;
}

static void *sim_main(void *arg)
{
	struct sim *s = arg;
	int64_t start = util_mono_ms(), next_beat = start;
	double last = s->start_at;
	bool leading = false;
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		pthread_mutex_unlock(&s->mu);
		if (!sim_lead(s, &leading, &start, &last)) {
			pthread_mutex_lock(&s->mu);
			if (s->stop)
				break;
			util_cond_wait_until(&s->cond, &s->mu, util_mono_ms() + TICK_MS);
			continue;
		}
		double t = s->start_at + (double)(util_mono_ms() - start) / 1000.0 * s->speed;
		sim_advance(s, last, t, false);
		last = t;
		if (util_mono_ms() >= next_beat) {
			/* Platforms say they are alive even with nothing to post yet. */
			for (size_t i = 0; i < s->n_plats; i++)
				api_heartbeat_platform(s->srv, s->plats[i].id);
			next_beat = util_mono_ms() + 20000;
		}
		if (s->shared)
			sim_state_store(s, t);
		pthread_mutex_lock(&s->mu);
		if (s->stop)
			break;
		util_cond_wait_until(&s->cond, &s->mu, util_mono_ms() + TICK_MS);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct sim *sim_start(struct server *srv, const struct sim_options *opt, char *err,
		      size_t errsz)
{
	struct sim *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->srv = srv;
	s->speed = opt->speed > 0 ? opt->speed : 1;
	s->scale = opt->scale > 0 ? opt->scale : 1;
	s->start_at = opt->start_at > 0 ? opt->start_at : 0;
	if (scenario_load(opt->file, &s->sc, err, errsz) != 0) {
		free(s);
		return NULL;
	}
	s->rng = (uint64_t)(opt->seed ? opt->seed : s->sc.seed) * 0x9E3779B97F4A7C15ULL + 1;
	snprintf(s->board.name, sizeof(s->board.name), "sim:board");
	s->board.role = AUTH_ADMIN;
	snprintf(s->board.key, sizeof(s->board.key), "sim:board");
	if (sim_check_scenario(s, opt->file, err, errsz) != 0) {
		sim_stop(s);
		return NULL;
	}
	s->cur_step = -1;
	/* SQLite is one process: no checkpoint, a restart plays the scenario afresh. */
	s->shared = strcmp(store_engine_name(srv->st), "sqlite") != 0;
	snprintf(s->ident, sizeof(s->ident), "%s seed=%u speed=%g scale=%g start-at=%g",
		 opt->file, opt->seed, s->speed, s->scale, s->start_at);
	snprintf(s->run, sizeof(s->run), "%lld", (long long)util_now_ms());
	/* Before the thread and before the server announces itself: the first client
	 * already sees the history. Replicas: only the one holding the run-once lock,
	 * and only for a run not checkpointed yet. */
	double t_ck;
	if (!s->shared) {
		sim_replay_past(s);
	} else if (store_lead_try(srv->st, "simulator") == 1 && sim_state_load(s, &t_ck) == 0) {
		sim_replay_past(s);
		sim_state_store(s, s->start_at);
	}
	pthread_mutex_init(&s->mu, NULL);
	util_cond_init_monotonic(&s->cond);
	if (pthread_create(&s->thread, NULL, sim_main, s) != 0) {
		snprintf(err, errsz, "cannot start the simulator thread");
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->mu);
		s->n_incs = 0;
		scenario_free(&s->sc);
		free(s);
		return NULL;
	}
	s->thread_started = true;
	return s;
}

void sim_stop(struct sim *s)
{
	if (!s)
		return;
	if (s->thread_started) {
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_signal(&s->cond);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thread, NULL);
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->mu);
	}
	for (size_t i = 0; i < s->n_incs; i++) {
		for (size_t k = 0; k < s->incs[i].spread.n_signals; k++)
			free(s->incs[i].spread.signals[k].id);
		free(s->incs[i].spread.signals);
	}
	scenario_free(&s->sc);
	free(s);
}
