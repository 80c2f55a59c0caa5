/* store_engine.h - the boundary between store.c (the store_* functions the rest of
 * server/ calls) and the storage engines behind it: store_sqlite.c (SQLite, the
 * embedded default) and store_pg.c (PostgreSQL, several replicas on one database).
 *
 * Each engine embeds struct store as its first member and fills one store_ops
 * table; store.c only forwards. Every member is required (no NULLs), and each has
 * exactly the contract written beside the public function of the same name in
 * store.h. */
#ifndef WFD_STORE_ENGINE_H
#define WFD_STORE_ENGINE_H

#include "store.h"

struct store_ops {
	const char *name; /* "sqlite", "postgresql" */
	void (*close)(struct store *st);
	int (*attach_hub)(struct store *st, struct hub *h, size_t preload);
	int (*fetch_events)(struct store *st, int64_t after, int max,
			    struct hub_event **out);
	int (*sync_hub)(struct store *st, int64_t upto);
	int (*begin)(struct store *st);
	int (*commit)(struct store *st);
	void (*rollback)(struct store *st);
	int64_t (*emit_event)(struct store *st, enum wf_event_type type, json_t *data);
	int64_t (*next_seq)(struct store *st);
	int64_t (*cursor)(struct store *st);
	json_t *(*get_resource)(struct store *st, const char *kind, const char *id);
	int (*put_resource)(struct store *st, const char *kind, const char *id,
			    json_t *obj, bool open, const char *group);
	bool (*has_group)(struct store *st, const char *kind, const char *group);
	json_t *(*list_open_group)(struct store *st, const char *kind,
				   const char *group);
	json_t *(*list_resources)(struct store *st, const char *kind, int open_filter,
				  int limit);
	int (*add_sighting)(struct store *st, int64_t seq, json_t *item);
	json_t *(*list_sightings)(struct store *st, int limit);
	int (*add_stats)(struct store *st, const char *incident_id,
			 const char *platform_id, int64_t t_ms,
			 const struct stats_delta *d);
	json_t *(*list_stats)(struct store *st, int64_t now_ms);
	int (*idem_get)(struct store *st, const char *token, const char *key,
			int *status, char **body);
	int (*idem_put)(struct store *st, const char *token, const char *key,
			int status, const char *body);
	json_t *(*kv_get)(struct store *st, const char *key);
	int (*kv_put)(struct store *st, const char *key, json_t *doc);
	int (*lead_try)(struct store *st, const char *job);
	void (*lead_release)(struct store *st, const char *job);
	void (*lock)(struct store *st);
	void (*unlock)(struct store *st);
	const char *(*last_error)(struct store *st);
	int (*set_durable)(struct store *st, bool durable);
};

struct store {
	const struct store_ops *ops;
};

/* The engines' constructors (same contract as store_open). */
struct store *store_sqlite_open(const char *path, int64_t retention, char *err,
				size_t errsz);
struct store *store_pg_open(const char *conninfo, int64_t retention, char *err,
			    size_t errsz);

#endif
