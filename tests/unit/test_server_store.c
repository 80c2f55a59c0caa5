/* test_server_store.c - the store interface: which --db strings pick PostgreSQL,
 * the SQLite engine's schema version (written on create, a newer one refused) and
 * the seq contract (+1 per event, nothing kept from a rolled back write). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include <libpq-fe.h>

#include "server/store_engine.h"

static char dir[256];
static char db_path[300];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/wf-store-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/cc.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char path[400];
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static void test_engine_choice(void **state)
{
	(void)state;
	assert_true(store_is_postgres("postgresql://wf@localhost/wf"));
	assert_true(store_is_postgres("postgres://localhost:5433/wf?sslmode=require"));
	assert_true(store_is_postgres("host=/tmp/pg dbname=wf"));
	assert_true(store_is_postgres("  dbname = wf"));
	assert_false(store_is_postgres("watchfloord.db"));
	assert_false(store_is_postgres("/var/lib/watchfloor/cc.db"));
	assert_false(store_is_postgres("a=b.db"));
	assert_false(store_is_postgres("./host=x.db"));
	assert_false(store_is_postgres("postgresql.db"));
}

static int64_t sql_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void test_schema_version(void **state)
{
	(void)state;
	char err[256] = "";
	struct store *st = store_open(db_path, 1000, err, sizeof(err));
	assert_non_null(st);
	assert_string_equal(store_engine_name(st), "sqlite");
	store_close(st);
	assert_int_equal(sql_int("SELECT MAX(version) FROM schema_version"), 4);
	/* Reopening keeps one version row. */
	st = store_open(db_path, 1000, err, sizeof(err));
	assert_non_null(st);
	store_close(st);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM schema_version"), 1);
	/* A database of a newer watchfloord is refused with a message. */
	assert_int_equal(sql_int("UPDATE schema_version SET version = 99 RETURNING version"),
			 99);
	st = store_open(db_path, 1000, err, sizeof(err));
	assert_null(st);
	assert_non_null(strstr(err, "schema version 99"));
}

/* A version 1 database (before stats.kept_exception, unmatched, near_misses) is
 * migrated on open and keeps its rows; the new columns count from 0. */
static void test_migrate_v1(void **state)
{
	(void)state;
	sqlite3 *db;
	char err[256] = "";
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(db,
			     "CREATE TABLE stats(incident_id TEXT NOT NULL, platform_id TEXT NOT "
			     "NULL, width INTEGER NOT NULL, start INTEGER NOT NULL, attempts "
			     "INTEGER NOT NULL, blocked INTEGER NOT NULL, removed INTEGER NOT "
			     "NULL, kept INTEGER NOT NULL, pending INTEGER NOT NULL, variants "
			     "INTEGER NOT NULL, PRIMARY KEY(incident_id, platform_id, width, "
			     "start));"
			     "INSERT INTO stats VALUES('inc-1','p-fb',60,0,5,1,1,3,0,0);"
			     "CREATE TABLE schema_version(version INTEGER NOT NULL);"
			     "INSERT INTO schema_version VALUES(1);",
			     NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	struct store *st = store_open(db_path, 1000, err, sizeof(err));
	assert_non_null(st);
	struct stats_delta d = {.attempts = 2,
				.kept = 2,
				.kept_exception = 2,
				.unmatched = 2,
				.near_misses = 1};
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_add_stats(st, "inc-1", "p-fb", 30000, &d), 0);
	assert_int_equal(store_commit(st), 0);
	store_close(st);
	assert_int_equal(sql_int("SELECT MAX(version) FROM schema_version"), 4);
	assert_int_equal(sql_int("SELECT kept FROM stats WHERE width = 60"), 5);
	assert_int_equal(sql_int("SELECT kept_exception FROM stats WHERE width = 60"), 2);
	/* v4 (issue 14): unmatched uploads and near misses, counting from 0 */
	assert_int_equal(sql_int("SELECT unmatched FROM stats WHERE width = 60"), 2);
	assert_int_equal(sql_int("SELECT near_misses FROM stats WHERE width = 60"), 1);
}

static void test_seq_contract(void **state)
{
	(void)state;
	char err[256] = "";
	struct store *st = store_open(db_path, 1000, err, sizeof(err));
	assert_non_null(st);
	json_t *d = json_pack("{s:s}", "x", "y");
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_next_seq(st), 1);
	assert_int_equal(store_emit_event(st, WF_EV_PLATFORM_UPDATED, d), 1);
	assert_int_equal(store_emit_event(st, WF_EV_PLATFORM_UPDATED, d), 2);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_emit_event(st, WF_EV_PLATFORM_UPDATED, d), 3);
	store_rollback(st);
	assert_int_equal(store_begin(st), 0);
	assert_int_equal(store_emit_event(st, WF_EV_PLATFORM_UPDATED, d), 3);
	assert_int_equal(store_commit(st), 0);
	assert_int_equal(store_cursor(st), 3);
	assert_int_equal(store_lead_try(st, "sim"), 1);
	assert_int_equal(store_sync_hub(st, 3), 0);
	struct hub_event *evs;
	int n = store_fetch_events(st, 0, 10, &evs);
	assert_int_equal(n, 3);
	for (int i = 0; i < n; i++) {
		assert_int_equal(evs[i].seq, i + 1);
		free(evs[i].envelope);
	}
	free(evs);
	json_decref(d);
	store_close(st);
}

/* Every member of the engine's ops table is set (a store function added to one
 * engine only would be a NULL call in the other). */
static void check_ops(const struct store_ops *ops)
{
	size_t first = offsetof(struct store_ops, close);
	size_t n = (sizeof(*ops) - first) / sizeof(void (*)(void));
	assert_true(n > 20);
	for (size_t i = 0; i < n; i++) {
		void (*fp)(void);
		memcpy(&fp, (const unsigned char *)ops + first + i * sizeof(fp), sizeof(fp));
		if (!fp)
			fail_msg("%s: store_ops member %zu is NULL", ops->name, i);
	}
}

static void test_ops_complete(void **state)
{
	(void)state;
	char err[256] = "";
	struct store *st = store_open(db_path, 1000, err, sizeof(err));
	assert_non_null(st);
	check_ops(st->ops);
	store_close(st);
	/* PostgreSQL: on the cluster tests/run.sh started (WF_PG_HOST...). */
	const char *host = getenv("WF_PG_HOST"), *port = getenv("WF_PG_PORT"),
		   *user = getenv("WF_PG_USER");
	if (!host || !port || !user) {
		printf("test_ops_complete: no PostgreSQL cluster, SQLite only\n");
		return;
	}
	char ci[512], db[64];
	snprintf(db, sizeof(db), "wf_unit_store_%d", (int)getpid());
	snprintf(ci, sizeof(ci), "host=%s port=%s user=%s dbname=postgres", host, port, user);
	PGconn *c = PQconnectdb(ci);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	char sql[128];
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	PQclear(PQexec(c, sql));
	snprintf(ci, sizeof(ci), "host=%s port=%s user=%s dbname=%s", host, port, user, db);
	st = store_open(ci, 1000, err, sizeof(err));
	if (!st)
		fail_msg("store_open(%s): %s", ci, err);
	assert_string_equal(store_engine_name(st), "postgresql");
	check_ops(st->ops);
	store_close(st);
	snprintf(sql, sizeof(sql), "DROP DATABASE %s", db);
	PQclear(PQexec(c, sql));
	PQfinish(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_choice),
		cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_contract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops_complete, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
