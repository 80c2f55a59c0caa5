/* sweep.c - the decision expiry sweep: a thread that wakes every few seconds (a
 * tenth of the grace period, within 1..60 s) and runs api_expire_decisions, which
 * writes through the store like every other write (one transaction, events after
 * COMMIT). */
#include "sweep.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util.h"

struct sweep {
	struct server *srv;
	int64_t grace_ms;
	int64_t period_ms;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool stop;
};

static void *sweep_main(void *arg)
{
	struct sweep *s = arg;
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		pthread_mutex_unlock(&s->mu);
		/* One replica sweeps (the run-once lock); the others retry each period,
		 * so one takes over when the holder dies. */
		if (store_lead_try(s->srv->st, "sweep") == 1 &&
		    api_expire_decisions(s->srv, util_now_ms(), s->grace_ms) < 0)
			fprintf(s->srv->errlog, "watchfloord: expiring decisions: %s\n",
				store_last_error(s->srv->st));
		pthread_mutex_lock(&s->mu);
		if (s->stop)
			break;
		util_cond_wait_until(&s->cond, &s->mu, util_mono_ms() + s->period_ms);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

struct sweep *sweep_start(struct server *srv, int64_t grace_s, char *err, size_t errsz)
{
	struct sweep *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	s->srv = srv;
	s->grace_ms = grace_s * 1000;
	s->period_ms = grace_s / 10 * 1000;
	if (s->period_ms < 1000)
		s->period_ms = 1000;
	if (s->period_ms > 60000)
		s->period_ms = 60000;
	pthread_mutex_init(&s->mu, NULL);
	util_cond_init_monotonic(&s->cond);
	if (pthread_create(&s->thread, NULL, sweep_main, s) != 0) {
		snprintf(err, errsz, "cannot start the expiry sweep thread");
		pthread_cond_destroy(&s->cond);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	return s;
}

void sweep_stop(struct sweep *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
