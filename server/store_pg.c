/* store_pg.c - the PostgreSQL engine of the store (store_engine.h), for several
 * watchfloord replicas on one database: schema and its version, write transactions
 * that take the seq counter row FOR UPDATE (so seq is +1 per event in commit order
 * across replicas), resources, sightings, stats and idempotency keys. */
#include "store_pg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/validate.h"
#include "util.h"

#define IDEM_KEEP_MS (48LL * 3600 * 1000)
#define MAINTAIN_EVERY 2000
/* pg_advisory_xact_lock key that serialises schema creation between replicas. */
#define SCHEMA_LOCK_KEY 0x77660001

/* Version 1 is this schema; a later version appends its step to migrations and
 * bumps SCHEMA_VERSION (run in order in the open's transaction). */
#define SCHEMA_VERSION 4
static const char schema_v1[] =
	"CREATE TABLE wf_counter(id integer PRIMARY KEY CHECK (id = 1),"
	" last_seq bigint NOT NULL);"
	"INSERT INTO wf_counter VALUES(1, 0);"
	"CREATE TABLE wf_events(seq bigint PRIMARY KEY, type text NOT NULL,"
	" envelope text NOT NULL);"
	"CREATE TABLE wf_resources(kind text NOT NULL, id text NOT NULL,"
	" json text NOT NULL, open boolean NOT NULL, grp text,"
	" rid bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY(kind, id));"
	"CREATE INDEX wf_resources_grp ON wf_resources(kind, grp);"
	"CREATE INDEX wf_resources_rid ON wf_resources(kind, rid);"
	"CREATE TABLE wf_sightings(id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	" seq bigint NOT NULL, json text NOT NULL);"
	"CREATE TABLE wf_stats(incident_id text NOT NULL, platform_id text NOT NULL,"
	" width integer NOT NULL, start bigint NOT NULL, attempts bigint NOT NULL,"
	" blocked bigint NOT NULL, removed bigint NOT NULL, kept bigint NOT NULL,"
	" pending bigint NOT NULL, variants bigint NOT NULL,"
	" PRIMARY KEY(incident_id, platform_id, width, start));"
	"CREATE TABLE wf_idem(token text NOT NULL, key text NOT NULL,"
	" status integer NOT NULL, body text NOT NULL, at bigint NOT NULL,"
	" PRIMARY KEY(token, key));";
static const char *const migrations[SCHEMA_VERSION + 1] = {
	[1] = schema_v1,
	/* issue 12: the part of kept kept under a public-interest exception */
	[2] = "ALTER TABLE wf_stats ADD COLUMN kept_exception bigint NOT NULL DEFAULT "
	      "0",
	[3] = "CREATE TABLE wf_kv(key text PRIMARY KEY, json text NOT NULL)",
	/* issue 14: uploads given by hash that matched no signal, and near misses */
	[4] = "ALTER TABLE wf_stats ADD COLUMN unmatched bigint NOT NULL DEFAULT 0,"
	      " ADD COLUMN near_misses bigint NOT NULL DEFAULT 0",
};

/* Prepared on every connection of the engine. */
static const struct {
	const char *name, *sql;
	int nparams;
} prepared[] = {
	{"ev_ins", "INSERT INTO wf_events(seq, type, envelope) VALUES($1, $2, $3)", 3},
	{"ev_fetch",
	 "SELECT seq, type, envelope FROM wf_events WHERE seq > $1 ORDER BY seq LIMIT "
	 "$2",
	 2},
	{"res_get", "SELECT json FROM wf_resources WHERE kind = $1 AND id = $2", 2},
	{"res_put",
	 "INSERT INTO wf_resources(kind, id, json, open, grp) VALUES($1, $2, $3, $4, "
	 "$5)"
	 " ON CONFLICT(kind, id) DO UPDATE SET json = excluded.json,"
	 " open = excluded.open, grp = excluded.grp",
	 5},
	{"res_group", "SELECT 1 FROM wf_resources WHERE kind = $1 AND grp = $2 LIMIT 1",
	 2},
	{"res_open_group",
	 "SELECT json FROM wf_resources WHERE kind = $1 AND grp = $2 AND open ORDER BY "
	 "rid",
	 2},
	{"stats_add",
	 "INSERT INTO wf_stats AS s(incident_id, platform_id, width, start, attempts,"
	 " blocked, removed, kept, pending, variants, kept_exception, unmatched,"
	 " near_misses) "
	 "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,"
	 "$10,$11,$12,$13) ON CONFLICT(incident_id, platform_id, width, start) DO "
	 "UPDATE SET"
	 " attempts = s.attempts + excluded.attempts, blocked = s.blocked +"
	 " excluded.blocked, removed = s.removed + excluded.removed, kept = s.kept +"
	 " excluded.kept, pending = s.pending + excluded.pending, variants = s.variants"
	 " + excluded.variants, kept_exception = s.kept_exception +"
	 " excluded.kept_exception, unmatched = s.unmatched + excluded.unmatched,"
	 " near_misses = s.near_misses + excluded.near_misses",
	 13},
	{"idem_get", "SELECT status, body FROM wf_idem WHERE token = $1 AND key = $2",
	 2},
	{"idem_put",
	 "INSERT INTO wf_idem(token, key, status, body, at) VALUES($1, $2, $3, $4, $5)"
	 " ON CONFLICT(token, key) DO UPDATE SET status = excluded.status,"
	 " body = excluded.body, at = excluded.at",
	 5},
	{"kv_get", "SELECT json FROM wf_kv WHERE key = $1", 1},
	{"kv_put",
	 "INSERT INTO wf_kv(key, json) VALUES($1, $2) ON CONFLICT(key) DO UPDATE SET"
	 " json = excluded.json",
	 2},
	{"pulse",
	 "SELECT (SELECT last_seq FROM wf_counter WHERE id = 1),"
	 " (SELECT min(seq) FROM wf_events)",
	 0},
};

static const char *pg_last_error(struct store *base)
{
	return pg_of(base)->err;
}

static PGconn *connect_plain(struct pg *st, char *err, size_t errsz)
{
	PGconn *c = PQconnectdb(st->conninfo);
	if (!c || PQstatus(c) != CONNECTION_OK) {
		const char *m = c ? PQerrorMessage(c) : "out of memory";
		snprintf(err, errsz, "cannot connect to PostgreSQL: %.*s",
			 (int)strcspn(m, "\n"), m);
		PQfinish(c);
		return NULL;
	}
	/* A replica that froze inside a transaction must not hold the seq counter
	 * for long: the server ends such a session (its transaction rolls back). */
	PGresult *r = PQexec(c, "SET idle_in_transaction_session_timeout = '15s';"
				"SET client_min_messages = warning");
	PQclear(r);
	return c;
}

PGconn *pg_connect(struct pg *st, char *err, size_t errsz)
{
	PGconn *c = connect_plain(st, err, errsz);
	if (!c)
		return NULL;
	for (size_t i = 0; i < sizeof(prepared) / sizeof(prepared[0]); i++) {
		PGresult *r = PQprepare(c, prepared[i].name, prepared[i].sql,
					prepared[i].nparams, NULL);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok) {
			const char *m = PQerrorMessage(c);
			snprintf(err, errsz, "prepare %s: %.*s", prepared[i].name,
				 (int)strcspn(m, "\n"), m);
			PQfinish(c);
			return NULL;
		}
	}
	return c;
}

int pg_ensure_conn(struct pg *st, PGconn **c, char *err, size_t errsz)
{
	if (*c && PQstatus(*c) == CONNECTION_OK)
		return 0;
	PQfinish(*c);
	*c = pg_connect(st, err, errsz);
	return *c ? 0 : -1;
}

static int ensure_conn(struct pg *st, PGconn **c)
{
	return pg_ensure_conn(st, c, st->err, sizeof(st->err));
}

/* Creates or migrates the schema, one replica at a time. */
static int migrate(struct pg *st, PGconn *c, char *err, size_t errsz)
{
	char sql[128];
	snprintf(sql, sizeof(sql),
		 "BEGIN; SELECT pg_advisory_xact_lock(%d);"
		 "CREATE TABLE IF NOT EXISTS wf_schema(version integer NOT NULL)",
		 SCHEMA_LOCK_KEY);
	PGresult *r = PQexec(c, sql);
	bool ok = res_ok(r);
	PQclear(r);
	r = ok ? PQexec(c, "SELECT max(version) FROM wf_schema") : NULL;
	ok = ok && PQresultStatus(r) == PGRES_TUPLES_OK;
	int64_t v = ok ? val_i64(r, 0, 0, 0) : 0;
	PQclear(r);
	if (ok && v > SCHEMA_VERSION) {
		snprintf(err, errsz,
			 "database schema version %lld is newer than this "
			 "watchfloord's (%d)",
			 (long long)v, SCHEMA_VERSION);
		PQclear(PQexec(c, "ROLLBACK"));
		return -1;
	}
	for (int64_t i = v + 1; ok && i <= SCHEMA_VERSION; i++) {
		r = PQexec(c, migrations[i]);
		ok = res_ok(r);
		PQclear(r);
		snprintf(sql, sizeof(sql),
			 "DELETE FROM wf_schema; INSERT INTO wf_schema VALUES(%lld)",
			 (long long)i);
		r = ok ? PQexec(c, sql) : NULL;
		ok = ok && res_ok(r);
		PQclear(r);
	}
	r = ok ? PQexec(c, "COMMIT") : NULL;
	ok = ok && res_ok(r) && strcmp(PQcmdStatus(r), "COMMIT") == 0;
	PQclear(r);
	if (!ok) {
		const char *m = PQerrorMessage(c);
		snprintf(err, errsz, "schema: %.*s", (int)strcspn(m, "\n"), m);
		PQclear(PQexec(c, "ROLLBACK"));
		return -1;
	}
	(void)st;
	return 0;
}

static void pg_close(struct store *base);
static const struct store_ops pg_ops;

struct store *store_pg_open(const char *conninfo, int64_t retention, char *err,
			    size_t errsz)
{
	struct pg *st = calloc(1, sizeof(*st));
	if (!st || !(st->conninfo = strdup(conninfo))) {
		free(st);
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	st->base.ops = &pg_ops;
	st->wake[0] = st->wake[1] = -1;
	pthread_mutex_init(&st->mu, NULL);
	pthread_mutex_init(&st->rmu, NULL);
	pthread_mutex_init(&st->pub_mu, NULL);
	pthread_mutex_init(&st->lmu, NULL);
	st->retention = retention > 0 ? retention : 1;
	PGconn *c0 = connect_plain(st, err, errsz);
	int mrc = c0 ? migrate(st, c0, err, errsz) : -1;
	PQfinish(c0);
	if (mrc != 0 || !(st->conn = pg_connect(st, err, errsz)) ||
	    !(st->rconn = pg_connect(st, err, errsz))) {
		pg_close(&st->base);
		return NULL;
	}
	PGresult *r = exec_prep(st->conn, "pulse", 0, NULL);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		snprintf(err, errsz, "reading the seq counter: %s",
			 PQerrorMessage(st->conn));
		PQclear(r);
		pg_close(&st->base);
		return NULL;
	}
	st->cursor = val_i64(r, 0, 0, 0);
	st->oldest = val_i64(r, 0, 1, st->cursor + 1);
	st->next = st->cursor + 1;
	PQclear(r);
	return &st->base;
}

static void drop_pending(struct pg *st)
{
	for (size_t i = 0; i < st->n_pend; i++)
		free(st->pend[i].envelope);
	st->n_pend = 0;
}

static void pg_close(struct store *base)
{
	struct pg *st = pg_of(base);
	pg_listen_stop(st);
	pg_lead_close(st);
	drop_pending(st);
	free(st->pend);
	free(st->sbuf);
	PQfinish(st->conn);
	PQfinish(st->rconn);
	pthread_mutex_destroy(&st->mu);
	pthread_mutex_destroy(&st->rmu);
	pthread_mutex_destroy(&st->pub_mu);
	pthread_mutex_destroy(&st->lmu);
	free(st->conninfo);
	free(st);
}

int pg_read_events(struct pg *st, int64_t after, int max, struct hub_event **out)
{
	*out = NULL;
	if (max <= 0)
		return 0;
	struct hub_event *evs = calloc((size_t)max, sizeof(*evs));
	if (!evs)
		return -1;
	char a[24], m[24];
	fmt_i64(a, sizeof(a), after);
	fmt_i64(m, sizeof(m), max);
	const char *vals[] = {a, m};
	int n = 0;
	pthread_mutex_lock(&st->rmu);
	PGresult *r = NULL;
	if (pg_ensure_conn(st, &st->rconn, st->rerr, sizeof(st->rerr)) == 0)
		r = exec_prep(st->rconn, "ev_fetch", 2, vals);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		pthread_mutex_unlock(&st->rmu);
		free(evs);
		return -1;
	}
	int rows = PQntuples(r);
	for (int i = 0; i < rows && n < max; i++) {
		enum wf_event_type t = WF_EV_RESET;
		wf_event_type_parse(PQgetvalue(r, i, 1), &t);
		evs[n].seq = val_i64(r, i, 0, 0);
		evs[n].type = t;
		if (!(evs[n].envelope = strdup(PQgetvalue(r, i, 2))))
			break;
		n++;
	}
	PQclear(r);
	pthread_mutex_unlock(&st->rmu);
	*out = evs;
	return n;
}

static int pg_fetch_events(struct store *base, int64_t after, int max,
			   struct hub_event **out)
{
	return pg_read_events(pg_of(base), after, max, out);
}

static int pg_attach_hub(struct store *base, struct hub *h, size_t preload)
{
	struct pg *st = pg_of(base);
	if (!h) {
		pg_listen_stop(st); /* it publishes: stopped before the hub goes */
		pthread_mutex_lock(&st->pub_mu);
		st->hub = NULL;
		pthread_mutex_unlock(&st->pub_mu);
		return 0;
	}
	pthread_mutex_lock(&st->pub_mu);
	st->hub = h;
	int64_t cursor = st->cursor;
	int64_t from = cursor - (int64_t)preload;
	if (from < st->oldest - 1)
		from = st->oldest - 1;
	st->published = from;
	hub_set_range(h, st->oldest, from);
	pg_catch_up_locked(st, cursor);
	hub_set_range(h, st->oldest, st->published);
	pthread_mutex_unlock(&st->pub_mu);
	return pg_listen_start(st);
}

static void pg_lock(struct store *base)
{
	struct pg *st = pg_of(base);
	pthread_mutex_lock(&st->mu);
	if (ensure_conn(st, &st->conn) != 0)
		return;
	PGresult *r =
		PQexec(st->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
				 "SELECT last_seq FROM wf_counter WHERE id = 1");
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		st->cursor = val_i64(r, 0, 0, st->cursor);
	} else {
		/* No consistent view: drop the connection so that every read of this
		 * snapshot fails (503) instead of mixing states; the next call
		 * reconnects. */
		set_err(st, "snapshot", st->conn);
		PQfinish(st->conn);
		st->conn = NULL;
	}
	PQclear(r);
}

static void pg_unlock(struct store *base)
{
	struct pg *st = pg_of(base);
	if (st->conn && PQstatus(st->conn) == CONNECTION_OK)
		PQclear(PQexec(st->conn, "COMMIT"));
	pthread_mutex_unlock(&st->mu);
}

static int pg_begin(struct store *base)
{
	struct pg *st = pg_of(base);
	pthread_mutex_lock(&st->mu);
	if (ensure_conn(st, &st->conn) != 0) {
		pthread_mutex_unlock(&st->mu);
		return -1;
	}
	/* The counter row, locked until COMMIT: writers of every replica take turns,
	 * and the seqs this transaction hands out follow the last committed one. */
	PGresult *r =
		PQexec(st->conn, "BEGIN; SELECT last_seq FROM wf_counter WHERE id = 1"
				 " FOR UPDATE");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		set_err(st, "begin", st->conn);
		PQclear(r);
		PQclear(PQexec(st->conn, "ROLLBACK"));
		pthread_mutex_unlock(&st->mu);
		return -1;
	}
	st->cursor = val_i64(r, 0, 0, 0);
	PQclear(r);
	st->in_tx = true;
	st->next = st->cursor + 1;
	return 0;
}

static void pg_rollback(struct store *base)
{
	struct pg *st = pg_of(base);
	if (st->conn && PQstatus(st->conn) == CONNECTION_OK)
		PQclear(PQexec(st->conn, "ROLLBACK"));
	drop_pending(st);
	st->slen = 0;
	st->in_tx = false;
	st->next = st->cursor + 1;
	pthread_mutex_unlock(&st->mu);
}

/* Retention and housekeeping after a commit (mu held, no transaction open). */
static void pg_maintain(struct pg *st)
{
	int64_t keep_from = st->cursor - st->retention + 1;
	int64_t slack = st->retention / 16 > 1 ? st->retention / 16 : 1;
	pthread_mutex_lock(&st->pub_mu);
	int64_t oldest = st->oldest;
	pthread_mutex_unlock(&st->pub_mu);
	bool prune = keep_from - oldest >= slack ||
		     (keep_from > oldest && st->commits % MAINTAIN_EVERY == 0);
	bool house = st->commits % MAINTAIN_EVERY == 0;
	char sql[512];
	if (prune && keep_from > oldest) {
		snprintf(sql, sizeof(sql), "DELETE FROM wf_events WHERE seq < %lld",
			 (long long)keep_from);
		PGresult *r = PQexec(st->conn, sql);
		bool ok = res_ok(r);
		PQclear(r);
		pthread_mutex_lock(&st->pub_mu);
		if (ok && keep_from > st->oldest) {
			st->oldest = keep_from;
			if (st->hub)
				hub_set_range(st->hub, st->oldest, st->published);
		}
		pthread_mutex_unlock(&st->pub_mu);
	}
	if (house) {
		int64_t now = util_now_ms();
		snprintf(sql, sizeof(sql),
			 "DELETE FROM wf_idem WHERE at < %lld;"
			 "DELETE FROM wf_stats WHERE (width = 60 AND start < %lld) OR"
			 " (width = 3600 AND start < %lld);"
			 "DELETE FROM wf_sightings WHERE id < (SELECT max(id) FROM"
			 " wf_sightings) - 100000",
			 (long long)(now - IDEM_KEEP_MS),
			 (long long)(now - 3 * 3600000LL),
			 (long long)(now - 48 * 3600000LL));
		PQclear(PQexec(st->conn, sql));
	}
}

/* Hands this transaction's events to the hub in seq order (pub_mu held). */
static void publish_pending_locked(struct pg *st)
{
	int64_t first = st->pend[0].seq, last = st->pend[st->n_pend - 1].seq;
	if (st->hub && st->published == first - 1) {
		for (size_t i = 0; i < st->n_pend; i++)
			hub_publish_event(st->hub, st->pend[i].seq, st->pend[i].type,
					  st->pend[i].envelope);
		st->published = last;
		st->n_pend = 0;
		return;
	}
	/* Another replica's events came first and are not published yet (or the
	 * listener already read ours): read them all from the table in order. */
	if (st->hub && st->published < last)
		pg_catch_up_locked(st, last);
	drop_pending(st);
}

static int pg_commit(struct store *base)
{
	struct pg *st = pg_of(base);
	char sql[200];
	if (st->n_pend) {
		long long last = (long long)st->pend[st->n_pend - 1].seq;
		snprintf(sql, sizeof(sql),
			 "UPDATE wf_counter SET last_seq = %lld WHERE id = 1;"
			 "SELECT pg_notify('" PG_CHANNEL "', '%lld'); COMMIT",
			 last, last);
	} else {
		snprintf(sql, sizeof(sql), "COMMIT");
	}
	if (pg_flush_sightings(st) != 0) {
		pg_rollback(base);
		return -1;
	}
	PGresult *r = PQexec(st->conn, sql);
	/* COMMIT of a transaction that failed earlier answers ROLLBACK. */
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK &&
		  strcmp(PQcmdStatus(r), "COMMIT") == 0;
	PQclear(r);
	if (!ok) {
		set_err(st, "commit", st->conn);
		pg_rollback(base);
		return -1;
	}
	st->in_tx = false;
	if (st->n_pend) {
		st->cursor = st->pend[st->n_pend - 1].seq;
		pthread_mutex_lock(&st->pub_mu);
		publish_pending_locked(st);
		pthread_mutex_unlock(&st->pub_mu);
	}
	st->next = st->cursor + 1;
	st->commits++;
	pg_maintain(st);
	pthread_mutex_unlock(&st->mu);
	return 0;
}

static int64_t pg_next_seq(struct store *base)
{
	return pg_of(base)->next;
}

static int64_t pg_cursor(struct store *base)
{
	return pg_of(base)->cursor;
}

static int64_t pg_emit_event(struct store *base, enum wf_event_type type, json_t *data)
{
	struct pg *st = pg_of(base);
	char t[40], seqs[24];
	int64_t seq = st->next;
	wf_time_format(util_now_ms(), t, sizeof(t));
	json_t *env = json_pack("{s:I,s:s,s:s,s:O}", "seq", (json_int_t)seq, "type",
				wf_event_type_name(type), "time", t, "data", data);
	char *text = env ? json_dumps(env, JSON_COMPACT) : NULL;
	json_decref(env);
	if (!text)
		return -1;
	if (st->n_pend == st->cap_pend) {
		size_t cap = st->cap_pend ? st->cap_pend * 2 : 16;
		struct pg_pending *p = realloc(st->pend, cap * sizeof(*p));
		if (!p) {
			free(text);
			return -1;
		}
		st->pend = p;
		st->cap_pend = cap;
	}
	fmt_i64(seqs, sizeof(seqs), seq);
	const char *vals[] = {seqs, wf_event_type_name(type), text};
	PGresult *r = exec_prep(st->conn, "ev_ins", 3, vals);
	bool ok = res_ok(r);
	PQclear(r);
	if (!ok) {
		set_err(st, "event", st->conn);
		free(text);
		return -1;
	}
	st->pend[st->n_pend++] = (struct pg_pending){seq, type, text};
	st->next++;
	return seq;
}

static int pg_set_durable(struct store *base, bool durable)
{
	struct pg *st = pg_of(base);
	int rc = -1;
	pthread_mutex_lock(&st->mu); /* between transactions */
	if (ensure_conn(st, &st->conn) == 0) {
		const char *sql = durable ? "SET synchronous_commit = on"
					  : "SET synchronous_commit = off";
		PGresult *r = PQexec(st->conn, sql);
		rc = 0;
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = set_err(st, "synchronous_commit", st->conn);
		PQclear(r);
	}
	pthread_mutex_unlock(&st->mu);
	return rc;
}

static const struct store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.attach_hub = pg_attach_hub,
	.fetch_events = pg_fetch_events,
	.sync_hub = pg_sync_hub,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.emit_event = pg_emit_event,
	.next_seq = pg_next_seq,
	.cursor = pg_cursor,
	.get_resource = pg_get_resource,
	.put_resource = pg_put_resource,
	.has_group = pg_has_group,
	.list_open_group = pg_list_open_group,
	.list_resources = pg_list_resources,
	.add_sighting = pg_add_sighting,
	.list_sightings = pg_list_sightings,
	.add_stats = pg_add_stats,
	.list_stats = pg_list_stats,
	.idem_get = pg_idem_get,
	.idem_put = pg_idem_put,
	.kv_get = pg_kv_get,
	.kv_put = pg_kv_put,
	.lead_try = pg_lead_try,
	.lead_release = pg_lead_release,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.last_error = pg_last_error,
	.set_durable = pg_set_durable,
};
