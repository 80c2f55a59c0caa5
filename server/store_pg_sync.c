/* store_pg_sync.c - the PostgreSQL engine's work between replicas: the LISTEN thread
 * (a NOTIFY carries only the new seq; the events are read from wf_events, in order,
 * into this replica's hub), catching the hub up on demand, and run-once jobs under
 * session advisory locks held on their own connection. */
#include "store_pg.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How often the listener also reads the counter itself (a NOTIFY lost with a
 * broken connection, events pruned by another replica). */
#define PULSE_MS 1000
#define RECONNECT_MS 500
/* pg_advisory_lock(LEAD_KEY, hashtext(job)). */
#define LEAD_KEY 0x77660002

int pg_catch_up_locked(struct pg *st, int64_t upto)
{
	while (st->hub && st->published < upto) {
		struct hub_event *evs;
		int n = pg_read_events(st, st->published, 1000, &evs);
		if (n <= 0) {
			free(evs);
			return n < 0 ? -1 : 0;
		}
		for (int i = 0; i < n; i++) {
			if (evs[i].seq <= st->published) {
				free(evs[i].envelope);
				continue;
			}
			if (evs[i].seq != st->published + 1) {
				/* Pruned before this replica read them: streams behind
				 * get the reset event. */
				st->oldest = evs[i].seq;
				hub_set_range(st->hub, st->oldest, st->published);
			}
			hub_publish_event(st->hub, evs[i].seq, evs[i].type,
					  evs[i].envelope);
			st->published = evs[i].seq;
		}
		free(evs);
	}
	return 0;
}

int pg_sync_hub(struct store *base, int64_t upto)
{
	struct pg *st = (struct pg *)base;
	pthread_mutex_lock(&st->pub_mu);
	int rc = st->published < upto ? pg_catch_up_locked(st, upto) : 0;
	pthread_mutex_unlock(&st->pub_mu);
	return rc;
}

/* The counter and the oldest retained seq, read on the read connection. */
static void pulse(struct pg *st)
{
	pthread_mutex_lock(&st->rmu);
	int64_t last = -1, oldest = -1;
	if (pg_ensure_conn(st, &st->rconn, st->rerr, sizeof(st->rerr)) == 0) {
		PGresult *r =
			PQexecPrepared(st->rconn, "pulse", 0, NULL, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			last = PQgetisnull(r, 0, 0)
				       ? 0
				       : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
			oldest = PQgetisnull(r, 0, 1)
					 ? last + 1
					 : strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		}
		PQclear(r);
	}
	pthread_mutex_unlock(&st->rmu);
	if (last < 0)
		return;
	pthread_mutex_lock(&st->pub_mu);
	if (oldest > st->oldest && st->hub) {
		st->oldest = oldest;
		hub_set_range(st->hub, st->oldest, st->published);
	}
	pg_catch_up_locked(st, last);
	pthread_mutex_unlock(&st->pub_mu);
}

static PGconn *listen_connect(struct pg *st)
{
	char err[256];
	PGconn *c = pg_connect(st, err, sizeof(err));
	if (!c)
		return NULL;
	PGresult *r = PQexec(c, "LISTEN " PG_CHANNEL);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		PQfinish(c);
		return NULL;
	}
	return c;
}

static void *listen_main(void *arg)
{
	struct pg *st = arg;
	PGconn *c = NULL;
	for (;;) {
		if (!c && (c = listen_connect(st)))
			pulse(st); /* what was committed while not listening */
		struct pollfd p[2] = {{st->wake[0], POLLIN, 0}, {-1, POLLIN, 0}};
		if (c)
			p[1].fd = PQsocket(c);
		int n = poll(p, 2, c ? PULSE_MS : RECONNECT_MS);
		if (n < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (n == 0) {
			if (c)
				pulse(st);
			continue;
		}
		if (!c || !p[1].revents)
			continue;
		if (!PQconsumeInput(c)) {
			PQfinish(c);
			c = NULL;
			continue;
		}
		int64_t upto = -1;
		PGnotify *nt;
		while ((nt = PQnotifies(c))) {
			int64_t v = strtoll(nt->extra, NULL, 10);
			if (v > upto)
				upto = v;
			PQfreemem(nt);
		}
		if (upto > 0)
			pg_sync_hub(&st->base, upto);
	}
	PQfinish(c);
	return NULL;
}

int pg_listen_start(struct pg *st)
{
	if (st->listening)
		return 0;
	if (pipe(st->wake) != 0) {
		snprintf(st->err, sizeof(st->err), "pipe: %s", strerror(errno));
		return -1;
	}
	fcntl(st->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(st->wake[1], F_SETFD, FD_CLOEXEC);
	if (pthread_create(&st->listener, NULL, listen_main, st) != 0) {
		snprintf(st->err, sizeof(st->err), "cannot start the LISTEN thread");
		return -1;
	}
	st->listening = true;
	return 0;
}

void pg_listen_stop(struct pg *st)
{
	if (st->listening) {
		ssize_t w = write(st->wake[1], "x", 1);
		(void)w;
		pthread_join(st->listener, NULL);
		st->listening = false;
	}
	for (int i = 0; i < 2; i++)
		if (st->wake[i] >= 0)
			close(st->wake[i]);
	st->wake[0] = st->wake[1] = -1;
}

static void lead_forget_all(struct pg *st)
{
	for (int i = 0; i < st->n_lead; i++)
		free(st->lead_job[i]);
	st->n_lead = 0;
}

static int lead_find(struct pg *st, const char *job)
{
	for (int i = 0; i < st->n_lead; i++)
		if (strcmp(st->lead_job[i], job) == 0)
			return i;
	return -1;
}

static PGresult *lead_exec(struct pg *st, const char *fn, const char *job)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT %s(%d, hashtext($1))", fn, LEAD_KEY);
	const char *vals[] = {job};
	return PQexecParams(st->lconn, sql, 1, NULL, vals, NULL, NULL, 0);
}

int pg_lead_try(struct store *base, const char *job)
{
	struct pg *st = (struct pg *)base;
	int rc = -1;
	pthread_mutex_lock(&st->lmu);
	if (st->lconn && lead_find(st, job) >= 0) {
		/* Held while the session lives: check that it still does. */
		PGresult *r = PQexec(st->lconn, "SELECT 1");
		bool alive = PQresultStatus(r) == PGRES_TUPLES_OK;
		PQclear(r);
		if (alive) {
			pthread_mutex_unlock(&st->lmu);
			return 1;
		}
	}
	if (!st->lconn || PQstatus(st->lconn) != CONNECTION_OK) {
		/* A new session holds no lock of the old one. */
		lead_forget_all(st);
		PQfinish(st->lconn);
		char err[256];
		if (!(st->lconn = pg_connect(st, err, sizeof(err))))
			goto out;
	}
	PGresult *r = lead_exec(st, "pg_try_advisory_lock", job);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		rc = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		if (rc == 1 && st->n_lead < PG_LEAD_MAX &&
		    (st->lead_job[st->n_lead] = strdup(job)))
			st->n_lead++;
	}
	PQclear(r);
out:
	pthread_mutex_unlock(&st->lmu);
	return rc;
}

void pg_lead_release(struct store *base, const char *job)
{
	struct pg *st = (struct pg *)base;
	pthread_mutex_lock(&st->lmu);
	int i = lead_find(st, job);
	if (i >= 0) {
		if (st->lconn)
			PQclear(lead_exec(st, "pg_advisory_unlock", job));
		free(st->lead_job[i]);
		st->lead_job[i] = st->lead_job[--st->n_lead];
	}
	pthread_mutex_unlock(&st->lmu);
}

void pg_lead_close(struct pg *st)
{
	lead_forget_all(st);
	PQfinish(st->lconn); /* ends the session: its advisory locks go with it */
	st->lconn = NULL;
}
