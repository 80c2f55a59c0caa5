/* store.h - the durable state of the command center: the event log (seq survives
 * restarts, pruned to --retention events), the current resources as JSON, sighting
 * items, per-bucket stats and idempotency keys. The rest of server/ calls only these
 * functions; two engines implement them (store_engine.h): SQLite (WAL, a file path,
 * the default) and PostgreSQL (a postgresql:// or postgres:// URI, or a libpq
 * keyword string such as "host=/run/pg dbname=wf"; several replicas, one database).
 *
 * Writes happen inside store_begin .. store_commit: one transaction that holds the
 * sequence (SQLite: the store's lock and BEGIN IMMEDIATE; PostgreSQL: the counter
 * row locked FOR UPDATE), so seq grows by exactly one per event in commit order;
 * events emitted in it are published to the hub only after COMMIT returned
 * (durable), so nothing is announced or acknowledged before it is on disk.
 *
 * Adding a store function: declare it here with its contract, add a member of the
 * same name to struct store_ops (store_engine.h), a forwarder in store.c, and an
 * implementation in BOTH engines, store_sqlite.c and store_pg.c (make check runs the
 * backend's tests against both). Keep it engine-neutral: plain C types and jansson
 * values in and out, no SQL text or engine handles across this boundary. */
#ifndef WFD_STORE_H
#define WFD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "hub.h"
#include "model/enums.h"

struct store;

/* Opens (creating and migrating the schema of) the database named by db: a file
 * path (SQLite) or a PostgreSQL connection string (store_is_postgres). err gets a
 * message on failure. */
struct store *store_open(const char *db, int64_t retention, char *err, size_t errsz);
/* Whether db names a PostgreSQL database rather than an SQLite file. */
bool store_is_postgres(const char *db);
/* "sqlite" or "postgresql". */
const char *store_engine_name(struct store *st);
void store_close(struct store *st);
/* Loads the newest events into the hub and keeps publishing to it. h NULL detaches
 * the hub (and stops the PostgreSQL engine's LISTEN thread): call it before
 * hub_free, so that nothing publishes into a freed hub. */
int store_attach_hub(struct store *st, struct hub *h, size_t preload);
/* hub_fetch_fn over the event log (ctx is the store). */
int store_fetch_events(void *ctx, int64_t after, int max, struct hub_event **out);
/* Brings the hub up to at least seq upto when the database has it (events committed
 * by another replica that this one has not published yet); 0, or -1 when the store
 * failed. A no-op for SQLite, where only this process writes. */
int store_sync_hub(struct store *st, int64_t upto);

/* Transactions. begin returns 0, or -1 when the store is unavailable. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Within a transaction: appends an event carrying data (borrowed) and returns its
 * seq, or -1. time_ms 0 means now. */
int64_t store_emit_event(struct store *st, enum wf_event_type type, json_t *data);
/* The seq the next emitted event will get. */
int64_t store_next_seq(struct store *st);
int64_t store_cursor(struct store *st);

/* Resources by kind ("platform", "incident", "signal", "report", "decision"). get
 * returns a new reference or NULL. put stores obj (borrowed); open says whether it
 * is still open (reports, decisions); group is an optional secondary key. */
json_t *store_get_resource(struct store *st, const char *kind, const char *id);
int store_put_resource(struct store *st, const char *kind, const char *id, json_t *obj,
		       bool open, const char *group);
/* Whether a resource of that kind has this group key already. */
bool store_has_group(struct store *st, const char *kind, const char *group);
/* The open resources of kind with this group key (new array). */
json_t *store_list_open_group(struct store *st, const char *kind, const char *group);
/* Every resource of kind, newest first, at most limit (0: all); open_only filters. */
json_t *store_list_resources(struct store *st, const char *kind, int open_filter,
			     int limit);

/* Sighting items (item object borrowed, carrying platform_id and incident_id). */
int store_add_sighting(struct store *st, int64_t seq, json_t *item);
json_t *store_list_sightings(struct store *st, int limit);

/* Adds to the stats buckets (minute and hour) of one incident x platform at t_ms. */
struct stats_delta {
	int64_t attempts, blocked, removed, kept, pending, variants;
	int64_t kept_exception; /* part of kept: under a public-interest exception */
	int64_t unmatched;   /* attempts given by hash that matched no signal */
	int64_t near_misses; /* part of unmatched with a near miss (pdq 32..48) */
};
int store_add_stats(struct store *st, const char *incident_id, const char *platform_id,
		    int64_t t_ms, const struct stats_delta *d);
/* Stats rows: minute buckets since now-60 min and hour buckets since now-24 h. */
json_t *store_list_stats(struct store *st, int64_t now_ms);

/* Idempotency: 1 with the stored answer for (token, key) (body malloc'd), 0 when
 * none, -1 when the lookup failed (the caller must not run the write: it may have
 * been done already). */
int store_idem_get(struct store *st, const char *token, const char *key, int *status,
		   char **body);
int store_idem_put(struct store *st, const char *token, const char *key, int status,
		   const char *body);

/* Small named JSON documents (the simulator's checkpoint). get returns a new
 * reference or NULL (call it under store_lock or in a transaction); put stores doc
 * (borrowed) inside a transaction. */
json_t *store_kv_get(struct store *st, const char *key);
int store_kv_put(struct store *st, const char *key, json_t *doc);

/* Run-once work (the simulator, the expiry sweep): 1 when this process holds the
 * job named job (now or already), 0 when another replica holds it, -1 when the store
 * failed. Held until store_lead_release or the process dies (PostgreSQL: a session
 * advisory lock on its own connection; SQLite: always 1, one process). Call again
 * to take over after a holder died. */
int store_lead_try(struct store *st, const char *job);
void store_lead_release(struct store *st, const char *job);

/* Locks for consistent multi-read answers (the snapshot): between them every read
 * sees one committed state, and store_cursor is the seq of that state. */
void store_lock(struct store *st);
void store_unlock(struct store *st);
const char *store_last_error(struct store *st);

/* Bulk loading (the simulator's replay of a scenario's past, before the server
 * announces itself): with durable false a commit no longer waits for the disk
 * (SQLite synchronous=OFF, PostgreSQL synchronous_commit=off) until it is set back to
 * true (a crash meanwhile may lose those writes, never corrupt the store). 0 or -1. */
int store_set_durable(struct store *st, bool durable);

#endif
