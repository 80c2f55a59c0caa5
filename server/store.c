/* store.c - the store interface of store.h: picks the engine from the --db string
 * (a PostgreSQL connection string or an SQLite path) and forwards every call to
 * that engine's store_ops table (store_engine.h). */
#include "store_engine.h"

#include <ctype.h>
#include <string.h>

bool store_is_postgres(const char *db)
{
	static const char *const keys[] = {"host",
					   "hostaddr",
					   "port",
					   "dbname",
					   "user",
					   "password",
					   "passfile",
					   "service",
					   "sslmode",
					   "application_name",
					   "connect_timeout",
					   "options",
					   "target_session_attrs",
					   NULL};
	if (strncmp(db, "postgresql://", 13) == 0 ||
	    strncmp(db, "postgres://", 11) == 0)
		return true;
	/* A libpq keyword string starts with a known keyword and '='. */
	while (isspace((unsigned char)*db))
		db++;
	size_t n = strcspn(db, "= \t");
	const char *p = db + n;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return false;
	for (int i = 0; keys[i]; i++)
		if (strlen(keys[i]) == n && strncmp(db, keys[i], n) == 0)
			return true;
	return false;
}

struct store *store_open(const char *db, int64_t retention, char *err, size_t errsz)
{
	if (store_is_postgres(db))
		return store_pg_open(db, retention, err, errsz);
	return store_sqlite_open(db, retention, err, errsz);
}

const char *store_engine_name(struct store *st)
{
	return st->ops->name;
}

void store_close(struct store *st)
{
	if (st)
		st->ops->close(st);
}

int store_attach_hub(struct store *st, struct hub *h, size_t preload)
{
	return st->ops->attach_hub(st, h, preload);
}

int store_fetch_events(void *ctx, int64_t after, int max, struct hub_event **out)
{
	struct store *st = ctx;
	return st->ops->fetch_events(st, after, max, out);
}

int store_sync_hub(struct store *st, int64_t upto)
{
	return st->ops->sync_hub(st, upto);
}

int store_begin(struct store *st)
{
	return st->ops->begin(st);
}

int store_commit(struct store *st)
{
	return st->ops->commit(st);
}

void store_rollback(struct store *st)
{
	st->ops->rollback(st);
}

int64_t store_emit_event(struct store *st, enum wf_event_type type, json_t *data)
{
	return st->ops->emit_event(st, type, data);
}

int64_t store_next_seq(struct store *st)
{
	return st->ops->next_seq(st);
}

int64_t store_cursor(struct store *st)
{
	return st->ops->cursor(st);
}

json_t *store_get_resource(struct store *st, const char *kind, const char *id)
{
	return st->ops->get_resource(st, kind, id);
}

int store_put_resource(struct store *st, const char *kind, const char *id, json_t *obj,
		       bool open, const char *group)
{
	return st->ops->put_resource(st, kind, id, obj, open, group);
}

bool store_has_group(struct store *st, const char *kind, const char *group)
{
	return st->ops->has_group(st, kind, group);
}

json_t *store_list_open_group(struct store *st, const char *kind, const char *group)
{
	return st->ops->list_open_group(st, kind, group);
}

json_t *store_list_resources(struct store *st, const char *kind, int open_filter,
			     int limit)
{
	return st->ops->list_resources(st, kind, open_filter, limit);
}

int store_add_sighting(struct store *st, int64_t seq, json_t *item)
{
	return st->ops->add_sighting(st, seq, item);
}

json_t *store_list_sightings(struct store *st, int limit)
{
	return st->ops->list_sightings(st, limit);
}

int store_add_stats(struct store *st, const char *incident_id, const char *platform_id,
		    int64_t t_ms, const struct stats_delta *d)
{
	return st->ops->add_stats(st, incident_id, platform_id, t_ms, d);
}

json_t *store_list_stats(struct store *st, int64_t now_ms)
{
	return st->ops->list_stats(st, now_ms);
}

int store_idem_get(struct store *st, const char *token, const char *key, int *status,
		   char **body)
{
	return st->ops->idem_get(st, token, key, status, body);
}

int store_idem_put(struct store *st, const char *token, const char *key, int status,
		   const char *body)
{
	return st->ops->idem_put(st, token, key, status, body);
}

json_t *store_kv_get(struct store *st, const char *key)
{
	return st->ops->kv_get(st, key);
}

int store_kv_put(struct store *st, const char *key, json_t *doc)
{
	return st->ops->kv_put(st, key, doc);
}

int store_lead_try(struct store *st, const char *job)
{
	return st->ops->lead_try(st, job);
}

void store_lead_release(struct store *st, const char *job)
{
	st->ops->lead_release(st, job);
}

void store_lock(struct store *st)
{
	st->ops->lock(st);
}

void store_unlock(struct store *st)
{
	st->ops->unlock(st);
}

int store_set_durable(struct store *st, bool durable)
{
	return st->ops->set_durable(st, durable);
}

const char *store_last_error(struct store *st)
{
	return st->ops->last_error(st);
}
