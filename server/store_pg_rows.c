/* store_pg_rows.c - the PostgreSQL engine's rows (store_pg.h): resources as JSON,
 * sighting rows buffered for one COPY at commit, stats buckets, idempotency keys and
 * named documents, all on the write connection inside the caller's transaction (or
 * its snapshot under store_lock). */
#include "store_pg.h"

#include "util.h"

json_t *pg_get_resource(struct store *base, const char *kind, const char *id)
{
	struct pg *st = pg_of(base);
	const char *vals[] = {kind, id};
	PGresult *r = exec_prep(st->conn, "res_get", 2, vals);
	json_t *v = NULL;
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		set_err(st, "get", st->conn);
	else if (PQntuples(r) == 1)
		v = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	return v;
}

int pg_put_resource(struct store *base, const char *kind, const char *id, json_t *obj,
		    bool open, const char *group)
{
	struct pg *st = pg_of(base);
	char *text = json_dumps(obj, JSON_COMPACT);
	if (!text)
		return -1;
	const char *vals[] = {kind, id, text, open ? "t" : "f", group};
	PGresult *r = exec_prep(st->conn, "res_put", 5, vals);
	int rc = res_ok(r) ? 0 : set_err(st, "put", st->conn);
	PQclear(r);
	free(text);
	return rc;
}

bool pg_has_group(struct store *base, const char *kind, const char *group)
{
	struct pg *st = pg_of(base);
	const char *vals[] = {kind, group};
	PGresult *r = exec_prep(st->conn, "res_group", 2, vals);
	bool found = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
	PQclear(r);
	return found;
}

/* The JSON of column 0 of every row as an array; NULL when the query failed. */
static json_t *collect_json(struct pg *st, PGresult *r)
{
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(st, "list", st->conn);
		PQclear(r);
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; arr && i < PQntuples(r); i++) {
		json_t *v = json_loads(PQgetvalue(r, i, 0), 0, NULL);
		if (v)
			json_array_append_new(arr, v);
	}
	PQclear(r);
	return arr;
}

json_t *pg_list_open_group(struct store *base, const char *kind, const char *group)
{
	struct pg *st = pg_of(base);
	const char *vals[] = {kind, group};
	return collect_json(st, exec_prep(st->conn, "res_open_group", 2, vals));
}

json_t *pg_list_resources(struct store *base, const char *kind, int open_filter,
			  int limit)
{
	struct pg *st = pg_of(base);
	char sql[256], lim[24] = "ALL";
	if (limit > 0)
		fmt_i64(lim, sizeof(lim), limit);
	snprintf(sql, sizeof(sql),
		 "SELECT json FROM (SELECT json, rid FROM wf_resources WHERE kind = $1"
		 "%s ORDER BY rid DESC LIMIT %s) t ORDER BY rid",
		 open_filter < 0 ? ""
		 : open_filter	 ? " AND open"
				 : " AND NOT open",
		 lim);
	const char *vals[] = {kind};
	return collect_json(st,
			    PQexecParams(st->conn, sql, 1, NULL, vals, NULL, NULL, 0));
}

static bool sbuf_put(struct pg *st, const char *p, size_t n)
{
	if (st->slen + n > st->scap) {
		size_t cap = st->scap ? st->scap : 65536;
		while (cap < st->slen + n)
			cap *= 2;
		char *b = realloc(st->sbuf, cap);
		if (!b)
			return false;
		st->sbuf = b;
		st->scap = cap;
	}
	memcpy(st->sbuf + st->slen, p, n);
	st->slen += n;
	return true;
}

/* Buffered for the commit's COPY: "seq TAB json NL", backslash, tab, CR and NL of
 * the JSON escaped as COPY's text format wants. */
int pg_add_sighting(struct store *base, int64_t seq, json_t *item)
{
	struct pg *st = pg_of(base);
	char *text = json_dumps(item, JSON_COMPACT);
	char head[32];
	if (!text)
		return -1;
	int n = snprintf(head, sizeof(head), "%lld\t", (long long)seq);
	bool ok = sbuf_put(st, head, (size_t)n);
	for (const char *p = text; ok && *p; p++) {
		const char *esc = *p == '\\'   ? "\\\\"
				  : *p == '\t' ? "\\t"
				  : *p == '\n' ? "\\n"
				  : *p == '\r' ? "\\r"
					       : NULL;
		ok = esc ? sbuf_put(st, esc, 2) : sbuf_put(st, p, 1);
	}
	ok = ok && sbuf_put(st, "\n", 1);
	free(text);
	if (!ok)
		snprintf(st->err, sizeof(st->err), "sighting: out of memory");
	return ok ? 0 : -1;
}

/* Sends the buffered sighting rows (mu held, in the transaction). */
int pg_flush_sightings(struct pg *st)
{
	if (!st->slen)
		return 0;
	PGresult *r = PQexec(st->conn, "COPY wf_sightings(seq, json) FROM STDIN");
	bool copying = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	bool ok = copying && PQputCopyData(st->conn, st->sbuf, (int)st->slen) == 1;
	if (copying)
		ok = PQputCopyEnd(st->conn, ok ? NULL : "aborted") == 1 && ok;
	while ((r = PQgetResult(st->conn))) {
		ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	st->slen = 0;
	return ok ? 0 : set_err(st, "sightings", st->conn);
}

json_t *pg_list_sightings(struct store *base, int limit)
{
	struct pg *st = pg_of(base);
	char sql[160];
	snprintf(sql, sizeof(sql),
		 "SELECT json FROM (SELECT json, id FROM wf_sightings ORDER BY id DESC"
		 " LIMIT %d) t ORDER BY id",
		 limit);
	return collect_json(st, PQexec(st->conn, sql));
}

int pg_add_stats(struct store *base, const char *incident_id, const char *platform_id,
		 int64_t t_ms, const struct stats_delta *d)
{
	struct pg *st = pg_of(base);
	static const int widths[] = {60, 3600};
	for (int i = 0; i < 2; i++) {
		int64_t w = widths[i] * 1000LL;
		char v[11][24];
		fmt_i64(v[0], sizeof(v[0]), widths[i]);
		fmt_i64(v[1], sizeof(v[1]), t_ms - ((t_ms % w) + w) % w);
		fmt_i64(v[2], sizeof(v[2]), d->attempts);
		fmt_i64(v[3], sizeof(v[3]), d->blocked);
		fmt_i64(v[4], sizeof(v[4]), d->removed);
		fmt_i64(v[5], sizeof(v[5]), d->kept);
		fmt_i64(v[6], sizeof(v[6]), d->pending);
		fmt_i64(v[7], sizeof(v[7]), d->variants);
		fmt_i64(v[8], sizeof(v[8]), d->kept_exception);
		fmt_i64(v[9], sizeof(v[9]), d->unmatched);
		fmt_i64(v[10], sizeof(v[10]), d->near_misses);
		const char *vals[] = {incident_id, platform_id, v[0], v[1], v[2],
				      v[3],	   v[4],	v[5], v[6], v[7],
				      v[8],	   v[9],	v[10]};
		PGresult *r = exec_prep(st->conn, "stats_add", 13, vals);
		bool ok = res_ok(r);
		PQclear(r);
		if (!ok)
			return set_err(st, "stats", st->conn);
	}
	return 0;
}

json_t *pg_list_stats(struct store *base, int64_t now_ms)
{
	struct pg *st = pg_of(base);
	char a[24], b[24];
	fmt_i64(a, sizeof(a), now_ms - 3600 * 1000LL);
	fmt_i64(b, sizeof(b), now_ms - 24 * 3600 * 1000LL);
	const char *vals[] = {a, b};
	PGresult *r = PQexecParams(
		st->conn,
		"SELECT incident_id, platform_id, width, start, attempts, "
		"blocked, removed,"
		" kept, pending, variants, kept_exception, unmatched, near_misses"
		" FROM wf_stats WHERE "
		"(width = 60 "
		"AND start > $1) OR"
		" (width = 3600 AND start > $2) ORDER BY width, start",
		2, NULL, vals, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		set_err(st, "stats", st->conn);
		PQclear(r);
		return NULL;
	}
	json_t *arr = json_array();
	for (int i = 0; arr && i < PQntuples(r); i++) {
		json_t *row = json_pack(
			"{s:s,s:s,s:o,s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
			"incident_id", PQgetvalue(r, i, 0), "platform_id",
			PQgetvalue(r, i, 1), "start",
			util_json_time(val_i64(r, i, 3, 0)), "width_s",
			(int)val_i64(r, i, 2, 0), "attempts",
			(json_int_t)val_i64(r, i, 4, 0), "blocked",
			(json_int_t)val_i64(r, i, 5, 0), "removed",
			(json_int_t)val_i64(r, i, 6, 0), "kept",
			(json_int_t)val_i64(r, i, 7, 0), "pending",
			(json_int_t)val_i64(r, i, 8, 0), "variants",
			(json_int_t)val_i64(r, i, 9, 0), "kept_exception",
			(json_int_t)val_i64(r, i, 10, 0), "unmatched",
			(json_int_t)val_i64(r, i, 11, 0), "near_misses",
			(json_int_t)val_i64(r, i, 12, 0));
		if (row)
			json_array_append_new(arr, row);
	}
	PQclear(r);
	return arr;
}

int pg_idem_get(struct store *base, const char *token, const char *key, int *status,
		char **body)
{
	struct pg *st = pg_of(base);
	const char *vals[] = {token, key};
	PGresult *r = exec_prep(st->conn, "idem_get", 2, vals);
	int found = 0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		found = set_err(st, "idempotency", st->conn);
	} else if (PQntuples(r) == 1) {
		*status = (int)val_i64(r, 0, 0, 500);
		*body = strdup(PQgetvalue(r, 0, 1));
		found = *body ? 1 : -1;
		if (!*body)
			snprintf(st->err, sizeof(st->err),
				 "idempotency: out of memory");
	}
	PQclear(r);
	return found;
}

int pg_idem_put(struct store *base, const char *token, const char *key, int status,
		const char *body)
{
	struct pg *st = pg_of(base);
	char s[24], at[24];
	fmt_i64(s, sizeof(s), status);
	fmt_i64(at, sizeof(at), util_now_ms());
	const char *vals[] = {token, key, s, body, at};
	PGresult *r = exec_prep(st->conn, "idem_put", 5, vals);
	int rc = res_ok(r) ? 0 : set_err(st, "idempotency", st->conn);
	PQclear(r);
	return rc;
}

json_t *pg_kv_get(struct store *base, const char *key)
{
	struct pg *st = pg_of(base);
	const char *vals[] = {key};
	PGresult *r = exec_prep(st->conn, "kv_get", 1, vals);
	json_t *v = NULL;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	return v;
}

int pg_kv_put(struct store *base, const char *key, json_t *doc)
{
	struct pg *st = pg_of(base);
	char *text = json_dumps(doc, JSON_COMPACT);
	if (!text)
		return -1;
	const char *vals[] = {key, text};
	PGresult *r = exec_prep(st->conn, "kv_put", 2, vals);
	int rc = res_ok(r) ? 0 : set_err(st, "kv", st->conn);
	PQclear(r);
	free(text);
	return rc;
}
