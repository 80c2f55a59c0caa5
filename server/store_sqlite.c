/* store_sqlite.c - the SQLite engine of the store (store_engine.h): schema and its
 * version, transactions, the event log with retention, resources as JSON rows,
 * sightings, stats buckets and idempotency keys. One connection guarded by one mutex;
 * every write is one IMMEDIATE transaction. */
#include "store_engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "model/validate.h"
#include "util.h"

#define IDEM_KEEP_MS (48LL * 3600 * 1000)
#define MAINTAIN_EVERY 2000

enum stmt_id {
	ST_EVENT_INSERT,
	ST_EVENT_FETCH,
	ST_RES_GET,
	ST_RES_PUT,
	ST_RES_GROUP,
	ST_SIGHTING_INSERT,
	ST_STATS_ADD,
	ST_IDEM_GET,
	ST_IDEM_PUT,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_EVENT_INSERT] =
		"INSERT INTO events(seq, type, envelope) VALUES(?1, ?2, ?3)",
	[ST_EVENT_FETCH] = "SELECT seq, type, envelope FROM events WHERE seq > ?1 "
			   "ORDER BY seq LIMIT ?2",
	[ST_RES_GET] = "SELECT json FROM resources WHERE kind = ?1 AND id = ?2",
	[ST_RES_PUT] = "INSERT INTO resources(kind, id, json, open, grp) "
		       "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, id) DO UPDATE SET "
		       "json = excluded.json, open = excluded.open, grp = excluded.grp",
	[ST_RES_GROUP] = "SELECT 1 FROM resources WHERE kind = ?1 AND grp = ?2 LIMIT 1",
	[ST_SIGHTING_INSERT] = "INSERT INTO sightings(seq, json) VALUES(?1, ?2)",
	[ST_STATS_ADD] =
		"INSERT INTO stats(incident_id, platform_id, width, start, attempts, "
		"blocked, removed, kept, pending, variants, kept_exception, unmatched, "
		"near_misses) "
		"VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
		"?9,?10,?11,?12,?13) ON CONFLICT(incident_id, platform_id, width, start) "
		"DO UPDATE "
		"SET "
		"attempts = attempts + excluded.attempts, blocked = blocked + "
		"excluded.blocked, removed = removed + excluded.removed, kept = kept + "
		"excluded.kept, pending = pending + excluded.pending, variants = "
		"variants "
		"+ excluded.variants, kept_exception = kept_exception + "
		"excluded.kept_exception, unmatched = unmatched + excluded.unmatched, "
		"near_misses = near_misses + excluded.near_misses",
	[ST_IDEM_GET] = "SELECT status, body FROM idem WHERE token = ?1 AND key = ?2",
	[ST_IDEM_PUT] = "INSERT OR REPLACE INTO idem(token, key, status, body, at) "
			"VALUES(?1, ?2, ?3, ?4, ?5)",
};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
	" envelope TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS resources(kind TEXT NOT NULL, id TEXT NOT NULL,"
	" json TEXT NOT NULL, open INTEGER NOT NULL, grp TEXT, PRIMARY KEY(kind, id));"
	"CREATE INDEX IF NOT EXISTS resources_grp ON resources(kind, grp);"
	"CREATE TABLE IF NOT EXISTS sightings(id INTEGER PRIMARY KEY, seq INTEGER NOT "
	"NULL,"
	" json TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS stats(incident_id TEXT NOT NULL, platform_id TEXT "
	"NOT"
	" NULL, width INTEGER NOT NULL, start INTEGER NOT NULL, attempts INTEGER NOT "
	"NULL,"
	" blocked INTEGER NOT NULL, removed INTEGER NOT NULL, kept INTEGER NOT NULL,"
	" pending INTEGER NOT NULL, variants INTEGER NOT NULL,"
	" PRIMARY KEY(incident_id, platform_id, width, start));"
	"CREATE TABLE IF NOT EXISTS idem(token TEXT NOT NULL, key TEXT NOT NULL,"
	" status INTEGER NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL,"
	" PRIMARY KEY(token, key));";

/* The schema's version, in table schema_version. Version 1 is the schema above; a
 * later version appends its step to migrations (run in order, each in the open's
 * transaction) and bumps SCHEMA_VERSION. A database from a newer watchfloord is
 * refused rather than misread. */
#define SCHEMA_VERSION 4
static const char *const migrations[SCHEMA_VERSION + 1] = {
	[1] = "", /* created by schema_sql */
	/* issue 12: the part of kept kept under a public-interest exception */
	[2] = "ALTER TABLE stats ADD COLUMN kept_exception INTEGER NOT NULL DEFAULT 0",
	[3] = "CREATE TABLE IF NOT EXISTS kv(key TEXT PRIMARY KEY, json TEXT NOT NULL)",
	/* issue 14: uploads given by hash that matched no signal, and near misses */
	[4] = "ALTER TABLE stats ADD COLUMN unmatched INTEGER NOT NULL DEFAULT 0;"
	      "ALTER TABLE stats ADD COLUMN near_misses INTEGER NOT NULL DEFAULT 0",
};

struct pending_event {
	int64_t seq;
	enum wf_event_type type;
	char *envelope;
};

struct sq {
	struct store base;
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
	pthread_mutex_t mu;
	struct hub *hub;
	int64_t retention;
	int64_t cursor; /* last committed seq */
	int64_t next;	/* next seq to hand out inside the transaction */
	int64_t oldest; /* oldest retained seq (cursor + 1 when none) */
	bool in_tx;
	struct pending_event *pend;
	size_t n_pend, cap_pend;
	unsigned commits;
	char err[256];
};

static int set_err(struct sq *st, const char *what)
{
	snprintf(st->err, sizeof(st->err), "%s: %s", what, sqlite3_errmsg(st->db));
	return -1;
}

static const char *sq_last_error(struct store *base)
{
	struct sq *st = (struct sq *)base;
	return st->err;
}

static sqlite3_stmt *stmt(struct sq *st, enum stmt_id id)
{
	sqlite3_stmt *s = st->stmt[id];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static int64_t query_int(struct sq *st, const char *sql, int64_t dflt)
{
	sqlite3_stmt *s;
	int64_t v = dflt;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return dflt;
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void sq_close(struct store *base);
static const struct store_ops sq_ops;

/* Brings the schema to SCHEMA_VERSION; *msg (sqlite3_malloc'd) says why not. */
static int sq_migrate(struct sq *st, char **msg)
{
	if (sqlite3_exec(st->db,
			 "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS schema_version("
			 "version INTEGER NOT NULL)",
			 NULL, NULL, msg) != SQLITE_OK)
		return -1;
	int64_t v = query_int(st, "SELECT MAX(version) FROM schema_version", 0);
	if (v > SCHEMA_VERSION) {
		*msg = sqlite3_mprintf(
			"database schema version %lld is newer than this "
			"watchfloord's (%d)",
			(long long)v, SCHEMA_VERSION);
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	for (int64_t i = v + 1; i <= SCHEMA_VERSION; i++) {
		char sql[64];
		snprintf(sql, sizeof(sql),
			 "DELETE FROM schema_version;"
			 "INSERT INTO schema_version VALUES(%lld)",
			 (long long)i);
		if (sqlite3_exec(st->db, migrations[i], NULL, NULL, msg) != SQLITE_OK ||
		    sqlite3_exec(st->db, sql, NULL, NULL, msg) != SQLITE_OK) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, msg) != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

struct store *store_sqlite_open(const char *path, int64_t retention, char *err,
				size_t errsz)
{
	struct sq *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	st->base.ops = &sq_ops;
	pthread_mutex_init(&st->mu, NULL);
	st->retention = retention > 0 ? retention : 1;
	if (sqlite3_open_v2(path, &st->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		sq_close(&st->base);
		return NULL;
	}
	char *msg = NULL;
	if (sqlite3_exec(st->db,
			 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "PRAGMA busy_timeout=5000;",
			 NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(st->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK ||
	    sq_migrate(st, &msg) != 0) {
		snprintf(err, errsz, "%s: %s", path, msg ? msg : "schema failed");
		sqlite3_free(msg);
		sq_close(&st->base);
		return NULL;
	}
	for (int i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
				       NULL) != SQLITE_OK) {
			snprintf(err, errsz, "prepare: %s", sqlite3_errmsg(st->db));
			sq_close(&st->base);
			return NULL;
		}
	}
	st->cursor = query_int(st, "SELECT MAX(seq) FROM events", 0);
	st->oldest = query_int(st, "SELECT MIN(seq) FROM events", st->cursor + 1);
	st->next = st->cursor + 1;
	return &st->base;
}

static void sq_close(struct store *base)
{
	struct sq *st = (struct sq *)base;
	if (!st)
		return;
	for (int i = 0; i < ST__COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	for (size_t i = 0; i < st->n_pend; i++)
		free(st->pend[i].envelope);
	free(st->pend);
	if (st->db)
		sqlite3_close(st->db);
	pthread_mutex_destroy(&st->mu);
	free(st);
}

static int sq_fetch_events(struct store *base, int64_t after, int max,
			   struct hub_event **out)
{
	struct sq *st = (struct sq *)base;
	int n = 0;
	*out = NULL;
	if (max <= 0)
		return 0;
	struct hub_event *evs = calloc((size_t)max, sizeof(*evs));
	if (!evs)
		return -1;
	pthread_mutex_lock(&st->mu);
	sqlite3_stmt *s = stmt(st, ST_EVENT_FETCH);
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, max);
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		enum wf_event_type t = WF_EV_RESET;
		wf_event_type_parse((const char *)sqlite3_column_text(s, 1), &t);
		evs[n].seq = sqlite3_column_int64(s, 0);
		evs[n].type = t;
		evs[n].envelope = strdup((const char *)sqlite3_column_text(s, 2));
		if (!evs[n].envelope)
			break;
		n++;
	}
	sqlite3_reset(s);
	pthread_mutex_unlock(&st->mu);
	*out = evs;
	return n;
}

static int sq_attach_hub(struct store *base, struct hub *h, size_t preload)
{
	struct sq *st = (struct sq *)base;
	pthread_mutex_lock(&st->mu);
	st->hub = h;
	int64_t cursor = st->cursor, oldest = st->oldest;
	pthread_mutex_unlock(&st->mu);
	if (!h)
		return 0;
	int64_t from = cursor - (int64_t)preload;
	if (from < oldest - 1)
		from = oldest - 1;
	hub_set_range(h, oldest, from);
	while (from < cursor) {
		struct hub_event *evs;
		int n = sq_fetch_events(&st->base, from, 1000, &evs);
		if (n <= 0) {
			free(evs);
			break;
		}
		for (int i = 0; i < n; i++) {
			hub_publish_event(h, evs[i].seq, evs[i].type, evs[i].envelope);
			from = evs[i].seq;
		}
		free(evs);
	}
	hub_set_range(h, oldest, cursor);
	return 0;
}

static void sq_lock(struct store *base)
{
	struct sq *st = (struct sq *)base;
	pthread_mutex_lock(&st->mu);
}

static void sq_unlock(struct store *base)
{
	struct sq *st = (struct sq *)base;
	pthread_mutex_unlock(&st->mu);
}

static int sq_begin(struct store *base)
{
	struct sq *st = (struct sq *)base;
	pthread_mutex_lock(&st->mu);
	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		set_err(st, "begin");
		pthread_mutex_unlock(&st->mu);
		return -1;
	}
	st->in_tx = true;
	st->next = st->cursor + 1;
	return 0;
}

static void drop_pending(struct sq *st)
{
	for (size_t i = 0; i < st->n_pend; i++)
		free(st->pend[i].envelope);
	st->n_pend = 0;
}

static void sq_rollback(struct store *base)
{
	struct sq *st = (struct sq *)base;
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	drop_pending(st);
	st->in_tx = false;
	st->next = st->cursor + 1;
	pthread_mutex_unlock(&st->mu);
}

/* Retention and housekeeping, in its own transaction after a commit. */
static void sq_maintain(struct sq *st)
{
	int64_t keep_from = st->cursor - st->retention + 1;
	int64_t slack = st->retention / 16 > 1 ? st->retention / 16 : 1;
	bool prune = keep_from - st->oldest >= slack ||
		     (keep_from > st->oldest && st->commits % MAINTAIN_EVERY == 0);
	bool house = st->commits % MAINTAIN_EVERY == 0;
	if (!prune && !house)
		return;
	sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (prune && keep_from > st->oldest) {
		char sql[128];
		snprintf(sql, sizeof(sql), "DELETE FROM events WHERE seq < %lld",
			 (long long)keep_from);
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	if (house) {
		char sql[512];
		int64_t now = util_now_ms();
		snprintf(sql, sizeof(sql),
			 "DELETE FROM idem WHERE at < %lld;"
			 "DELETE FROM stats WHERE (width = 60 AND start < %lld) OR"
			 " (width = 3600 AND start < %lld);"
			 "DELETE FROM sightings WHERE id < (SELECT MAX(id) FROM "
			 "sightings) -"
			 " 100000;",
			 (long long)(now - IDEM_KEEP_MS),
			 (long long)(now - 3 * 3600000LL),
			 (long long)(now - 48 * 3600000LL));
		sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	}
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	if (prune && keep_from > st->oldest) {
		st->oldest = keep_from;
		if (st->hub)
			hub_set_range(st->hub, st->oldest, st->cursor);
	}
}

static int sq_commit(struct store *base)
{
	struct sq *st = (struct sq *)base;
	if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		set_err(st, "commit");
		sq_rollback(&st->base);
		return -1;
	}
	st->in_tx = false;
	for (size_t i = 0; i < st->n_pend; i++) {
		struct pending_event *p = &st->pend[i];
		st->cursor = p->seq;
		if (st->hub)
			hub_publish_event(st->hub, p->seq, p->type, p->envelope);
		else
			free(p->envelope);
	}
	if (st->oldest > st->cursor)
		st->oldest = st->n_pend ? st->pend[0].seq : st->cursor + 1;
	st->n_pend = 0;
	st->commits++;
	sq_maintain(st);
	pthread_mutex_unlock(&st->mu);
	return 0;
}

static int64_t sq_next_seq(struct store *base)
{
	struct sq *st = (struct sq *)base;
	return st->next;
}

static int64_t sq_cursor(struct store *base)
{
	struct sq *st = (struct sq *)base;
	return st->cursor;
}

static int64_t sq_emit_event(struct store *base, enum wf_event_type type, json_t *data)
{
	struct sq *st = (struct sq *)base;
	char t[40];
	int64_t seq = st->next;
	wf_time_format(util_now_ms(), t, sizeof(t));
	json_t *env = json_pack("{s:I,s:s,s:s,s:O}", "seq", (json_int_t)seq, "type",
				wf_event_type_name(type), "time", t, "data", data);
	char *text = env ? json_dumps(env, JSON_COMPACT) : NULL;
	json_decref(env);
	if (!text)
		return -1;
	sqlite3_stmt *s = stmt(st, ST_EVENT_INSERT);
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_text(s, 2, wf_event_type_name(type), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE) {
		set_err(st, "event");
		free(text);
		return -1;
	}
	sqlite3_reset(s);
	if (st->n_pend == st->cap_pend) {
		size_t cap = st->cap_pend ? st->cap_pend * 2 : 16;
		struct pending_event *p = realloc(st->pend, cap * sizeof(*p));
		if (!p) {
			free(text);
			return -1;
		}
		st->pend = p;
		st->cap_pend = cap;
	}
	st->pend[st->n_pend++] = (struct pending_event){seq, type, text};
	st->next++;
	return seq;
}

static json_t *sq_get_resource(struct store *base, const char *kind, const char *id)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = stmt(st, ST_RES_GET);
	json_t *v = NULL;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	sqlite3_reset(s);
	return v;
}

static int sq_put_resource(struct store *base, const char *kind, const char *id,
			   json_t *obj, bool open, const char *group)
{
	struct sq *st = (struct sq *)base;
	char *text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		return -1;
	sqlite3_stmt *s = stmt(st, ST_RES_PUT);
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, open);
	if (group)
		sqlite3_bind_text(s, 5, group, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : set_err(st, "put");
	sqlite3_reset(s);
	free(text);
	return rc;
}

static bool sq_has_group(struct store *base, const char *kind, const char *group)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = stmt(st, ST_RES_GROUP);
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, group, -1, SQLITE_STATIC);
	bool found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
}

/* Runs sql (one text parameter ?1 bound to kind when given) and collects the JSON
 * of column 0 of each row into an array, in reverse when reverse is set. */
static json_t *collect_json(struct sq *st, const char *sql, const char *kind)
{
	sqlite3_stmt *s;
	json_t *arr = json_array();
	if (!arr || sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return arr;
	if (kind)
		sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *v =
			json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
		if (v)
			json_array_append_new(arr, v);
	}
	sqlite3_finalize(s);
	return arr;
}

static json_t *sq_list_open_group(struct store *base, const char *kind,
				  const char *group)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s;
	json_t *arr = json_array();
	const char *sql =
		"SELECT json FROM resources WHERE kind = ?1 AND grp = ?2 AND open = 1"
		" ORDER BY rowid";
	if (!arr || sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, group, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *v =
			json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
		if (v)
			json_array_append_new(arr, v);
	}
	sqlite3_finalize(s);
	return arr;
}

static json_t *sq_list_resources(struct store *base, const char *kind, int open_filter,
				 int limit)
{
	struct sq *st = (struct sq *)base;
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT json FROM (SELECT json, rowid AS r FROM resources WHERE kind "
		 "= ?1"
		 "%s ORDER BY rowid DESC LIMIT %d) ORDER BY r",
		 open_filter < 0 ? ""
		 : open_filter	 ? " AND open = 1"
				 : " AND open = 0",
		 limit > 0 ? limit : -1);
	return collect_json(st, sql, kind);
}

static int sq_add_sighting(struct store *base, int64_t seq, json_t *item)
{
	struct sq *st = (struct sq *)base;
	char *text = json_dumps(item, JSON_COMPACT);
	if (!text)
		return -1;
	sqlite3_stmt *s = stmt(st, ST_SIGHTING_INSERT);
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : set_err(st, "sighting");
	sqlite3_reset(s);
	free(text);
	return rc;
}

static json_t *sq_list_sightings(struct store *base, int limit)
{
	struct sq *st = (struct sq *)base;
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT json FROM (SELECT json, id FROM sightings ORDER BY id DESC "
		 "LIMIT %d)"
		 " ORDER BY id",
		 limit);
	return collect_json(st, sql, NULL);
}

static int sq_add_stats(struct store *base, const char *incident_id,
			const char *platform_id, int64_t t_ms,
			const struct stats_delta *d)
{
	struct sq *st = (struct sq *)base;
	static const int widths[] = {60, 3600};
	for (int i = 0; i < 2; i++) {
		int64_t w = widths[i] * 1000LL;
		sqlite3_stmt *s = stmt(st, ST_STATS_ADD);
		sqlite3_bind_text(s, 1, incident_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, platform_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, widths[i]);
		sqlite3_bind_int64(s, 4, t_ms - ((t_ms % w) + w) % w);
		sqlite3_bind_int64(s, 5, d->attempts);
		sqlite3_bind_int64(s, 6, d->blocked);
		sqlite3_bind_int64(s, 7, d->removed);
		sqlite3_bind_int64(s, 8, d->kept);
		sqlite3_bind_int64(s, 9, d->pending);
		sqlite3_bind_int64(s, 10, d->variants);
		sqlite3_bind_int64(s, 11, d->kept_exception);
		sqlite3_bind_int64(s, 12, d->unmatched);
		sqlite3_bind_int64(s, 13, d->near_misses);
		int rc = sqlite3_step(s);
		sqlite3_reset(s);
		if (rc != SQLITE_DONE)
			return set_err(st, "stats");
	}
	return 0;
}

static json_t *sq_list_stats(struct store *base, int64_t now_ms)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s;
	json_t *arr = json_array();
	const char *sql = "SELECT incident_id, platform_id, width, start, attempts, "
			  "blocked, removed,"
			  " kept, pending, variants, kept_exception, unmatched, "
			  "near_misses FROM stats WHERE "
			  "(width = 60 AND "
			  "start > ?1) OR"
			  " (width = 3600 AND start > ?2) ORDER BY width, start";
	if (!arr || sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return arr;
	sqlite3_bind_int64(s, 1, now_ms - 3600 * 1000LL);
	sqlite3_bind_int64(s, 2, now_ms - 24 * 3600 * 1000LL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *row = json_pack(
			"{s:s,s:s,s:o,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "incident_id",
			(const char *)sqlite3_column_text(s, 0), "platform_id",
			(const char *)sqlite3_column_text(s, 1), "start",
			util_json_time(sqlite3_column_int64(s, 3)), "width_s",
			sqlite3_column_int(s, 2), "attempts",
			(json_int_t)sqlite3_column_int64(s, 4), "blocked",
			(json_int_t)sqlite3_column_int64(s, 5), "removed",
			(json_int_t)sqlite3_column_int64(s, 6), "kept",
			(json_int_t)sqlite3_column_int64(s, 7), "pending",
			(json_int_t)sqlite3_column_int64(s, 8), "variants",
			(json_int_t)sqlite3_column_int64(s, 9), "kept_exception",
			(json_int_t)sqlite3_column_int64(s, 10), "unmatched",
			(json_int_t)sqlite3_column_int64(s, 11), "near_misses",
			(json_int_t)sqlite3_column_int64(s, 12));
		if (row)
			json_array_append_new(arr, row);
	}
	sqlite3_finalize(s);
	return arr;
}

static int sq_idem_get(struct store *base, const char *token, const char *key,
		       int *status, char **body)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = stmt(st, ST_IDEM_GET);
	int found = 0;
	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *b = (const char *)sqlite3_column_text(s, 1);
		*status = sqlite3_column_int(s, 0);
		*body = b ? strdup(b) : NULL;
		found = *body ? 1 : -1;
		if (!*body)
			snprintf(st->err, sizeof(st->err),
				 "idempotency: out of memory");
	} else if (rc != SQLITE_DONE) {
		found = set_err(st, "idempotency");
	}
	sqlite3_reset(s);
	return found;
}

static int sq_idem_put(struct store *base, const char *token, const char *key,
		       int status, const char *body)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s = stmt(st, ST_IDEM_PUT);
	sqlite3_bind_text(s, 1, token, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, status);
	sqlite3_bind_text(s, 4, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, util_now_ms());
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : set_err(st, "idempotency");
	sqlite3_reset(s);
	return rc;
}

/* One process writes an SQLite file: the hub already has every committed event. */
static int sq_sync_hub(struct store *base, int64_t upto)
{
	(void)base;
	(void)upto;
	return 0;
}

static json_t *sq_kv_get(struct store *base, const char *key)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s;
	json_t *v = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT json FROM kv WHERE key = ?1", -1, &s, NULL) !=
	    SQLITE_OK)
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	sqlite3_finalize(s);
	return v;
}

static int sq_kv_put(struct store *base, const char *key, json_t *doc)
{
	struct sq *st = (struct sq *)base;
	sqlite3_stmt *s;
	char *text = json_dumps(doc, JSON_COMPACT);
	if (!text)
		return -1;
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO kv(key, json) VALUES(?1, ?2)",
			       -1, &s, NULL) != SQLITE_OK) {
		free(text);
		return set_err(st, "kv");
	}
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : set_err(st, "kv");
	sqlite3_finalize(s);
	free(text);
	return rc;
}

/* One process: it always holds every run-once job. */
static int sq_lead_try(struct store *base, const char *job)
{
	(void)base;
	(void)job;
	return 1;
}

static void sq_lead_release(struct store *base, const char *job)
{
	(void)base;
	(void)job;
}

static int sq_set_durable(struct store *base, bool durable)
{
	struct sq *st = (struct sq *)base;
	pthread_mutex_lock(&st->mu); /* between transactions */
	const char *sql = durable ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF";
	int rc = 0;
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		rc = set_err(st, "synchronous");
	pthread_mutex_unlock(&st->mu);
	return rc;
}

static const struct store_ops sq_ops = {
	.name = "sqlite",
	.close = sq_close,
	.attach_hub = sq_attach_hub,
	.fetch_events = sq_fetch_events,
	.sync_hub = sq_sync_hub,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.emit_event = sq_emit_event,
	.next_seq = sq_next_seq,
	.cursor = sq_cursor,
	.get_resource = sq_get_resource,
	.put_resource = sq_put_resource,
	.has_group = sq_has_group,
	.list_open_group = sq_list_open_group,
	.list_resources = sq_list_resources,
	.add_sighting = sq_add_sighting,
	.list_sightings = sq_list_sightings,
	.add_stats = sq_add_stats,
	.list_stats = sq_list_stats,
	.idem_get = sq_idem_get,
	.idem_put = sq_idem_put,
	.kv_get = sq_kv_get,
	.kv_put = sq_kv_put,
	.lead_try = sq_lead_try,
	.lead_release = sq_lead_release,
	.lock = sq_lock,
	.unlock = sq_unlock,
	.last_error = sq_last_error,
	.set_durable = sq_set_durable,
};
