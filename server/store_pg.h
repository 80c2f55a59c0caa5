/* store_pg.h - what the three files of the PostgreSQL engine share: store_pg.c
 * (connections, schema, transactions), store_pg_rows.c (resources, sightings, stats,
 * idempotency, documents) and store_pg_sync.c (the LISTEN
 * thread that brings this replica's hub up to the database, and run-once jobs under
 * advisory locks). Internal to the engine. */
#ifndef WFD_STORE_PG_H
#define WFD_STORE_PG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store_engine.h"

#define PG_CHANNEL "wf_events"
#define PG_LEAD_MAX 8

struct pg_pending {
	int64_t seq;
	enum wf_event_type type;
	char *envelope;
};

struct pg {
	struct store base;
	char *conninfo;
	int64_t retention;
	/* The write connection: transactions, resource reads, snapshots. */
	PGconn *conn;
	pthread_mutex_t mu;
	int64_t cursor; /* last committed seq this replica knows (snapshot's under lock)
			 */
	int64_t next;	/* next seq to hand out inside the transaction */
	bool in_tx;
	struct pg_pending *pend;
	size_t n_pend, cap_pend;
	/* The transaction's sighting rows in COPY text format, sent at commit in one
	 * COPY (a 1000-item batch is one round trip, not 1000). */
	char *sbuf;
	size_t slen, scap;
	unsigned commits;
	char err[256];
	/* The read connection: event log reads for streams and the hub's catch-up. */
	PGconn *rconn;
	pthread_mutex_t rmu;
	char rerr[256];
	/* Publishing to the hub, in seq order whoever committed. */
	pthread_mutex_t pub_mu;
	struct hub *hub;
	int64_t published; /* last seq handed to the hub */
	int64_t oldest;	   /* oldest retained seq as last seen */
	/* The LISTEN thread. */
	pthread_t listener;
	bool listening;
	int wake[2]; /* a byte on wake[1] ends the thread */
	/* Run-once jobs: session advisory locks on their own connection. */
	PGconn *lconn;
	pthread_mutex_t lmu;
	char *lead_job[PG_LEAD_MAX];
	int n_lead;
};

/* Connects with the session settings every connection of the engine gets; NULL
 * with err set when it fails. */
PGconn *pg_connect(struct pg *st, char *err, size_t errsz);
/* A working connection in *c, reconnecting (and preparing) when it broke; -1 with
 * err set. */
int pg_ensure_conn(struct pg *st, PGconn **c, char *err, size_t errsz);
/* Reads at most max events with seq > after on the read connection (caller holds
 * nothing); count, or -1. */
int pg_read_events(struct pg *st, int64_t after, int max, struct hub_event **out);
/* Publishes to the hub every committed event up to upto that it lacks (pub_mu
 * held). */
int pg_catch_up_locked(struct pg *st, int64_t upto);
/* Starts / stops the LISTEN thread (after the hub is attached). */
int pg_listen_start(struct pg *st);
void pg_listen_stop(struct pg *st);
/* Small helpers of both files. */
static inline struct pg *pg_of(struct store *base)
{
	return (struct pg *)base;
}

static inline int set_err(struct pg *st, const char *what, PGconn *c)
{
	const char *m = c ? PQerrorMessage(c) : "no connection";
	size_t n = strcspn(m, "\n");
	snprintf(st->err, sizeof(st->err), "%s: %.*s", what, (int)n, m);
	return -1;
}

static inline PGresult *exec_prep(PGconn *c, const char *name, int n,
				  const char *const *vals)
{
	return PQexecPrepared(c, name, n, vals, NULL, NULL, 0);
}

static inline bool res_ok(PGresult *r)
{
	ExecStatusType s = PQresultStatus(r);
	return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

static inline void fmt_i64(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%lld", (long long)v);
}

static inline int64_t val_i64(PGresult *r, int row, int col, int64_t dflt)
{
	if (PQntuples(r) <= row || PQgetisnull(r, row, col))
		return dflt;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* store_ops members of store_pg_rows.c (resources, sightings, stats, idempotency,
 * documents: the write connection, mu held by the caller's transaction or lock). */
json_t *pg_get_resource(struct store *base, const char *kind, const char *id);
int pg_put_resource(struct store *base, const char *kind, const char *id, json_t *obj,
		    bool open, const char *group);
bool pg_has_group(struct store *base, const char *kind, const char *group);
json_t *pg_list_open_group(struct store *base, const char *kind, const char *group);
json_t *pg_list_resources(struct store *base, const char *kind, int open_filter,
			  int limit);
int pg_add_sighting(struct store *base, int64_t seq, json_t *item);
json_t *pg_list_sightings(struct store *base, int limit);
int pg_add_stats(struct store *base, const char *incident_id, const char *platform_id,
		 int64_t t_ms, const struct stats_delta *d);
json_t *pg_list_stats(struct store *base, int64_t now_ms);
int pg_idem_get(struct store *base, const char *token, const char *key, int *status,
		char **body);
int pg_idem_put(struct store *base, const char *token, const char *key, int status,
		const char *body);
json_t *pg_kv_get(struct store *base, const char *key);
int pg_kv_put(struct store *base, const char *key, json_t *doc);
/* Sends the transaction's buffered sighting rows (pg_commit, before COMMIT). */
int pg_flush_sightings(struct pg *st);
/* store_ops members of store_pg_sync.c. */
int pg_sync_hub(struct store *base, int64_t upto);
int pg_lead_try(struct store *base, const char *job);
void pg_lead_release(struct store *base, const char *job);
void pg_lead_close(struct pg *st);

#endif
