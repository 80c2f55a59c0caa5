/* test_server_idem.c - the write runner and idempotency keys: a repeated key gets
 * the first answer without running the write again, and when the key cannot be
 * looked up (the store fails) the answer is 503 and the write does not run (it may
 * have been done already). */
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

#include "server/api.h"
#include "server/store.h"

static char dir[256];
static char db_path[300];
static int calls;

static int setup(void **state)
{
	char err[256];
	snprintf(dir, sizeof(dir), "/tmp/wf-idem-test.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/cc.db", dir);
	struct server *srv = calloc(1, sizeof(*srv));
	if (!srv)
		return -1;
	srv->st = store_open(db_path, 1000, err, sizeof(err));
	calls = 0;
	*state = srv;
	return srv->st ? 0 : -1;
}

static int teardown(void **state)
{
	struct server *srv = *state;
	char path[400];
	store_close(srv->st);
	free(srv);
	const char *suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

/* A write that counts its runs and emits one event. */
static void count_write(struct server *srv, const struct api_request *req,
			struct api_reply *rep)
{
	(void)req;
	calls++;
	json_t *o = json_pack("{s:s,s:i}", "id", "inc-x", "n", calls);
	if (store_emit_event(srv->st, WF_EV_INCIDENT_OPENED, o) < 0) {
		json_decref(o);
		api_error(rep, 503, "store");
		return;
	}
	rep->status = 201;
	rep->body = o;
}

static void run(struct server *srv, const char *key, int *status, char **text,
		bool *replayed)
{
	static const struct auth_identity who = {.name = "olga", .role = AUTH_OFFICER,
						 .key = "abc"};
	struct api_request req = {&who, NULL, NULL};
	api_run_write(srv, count_write, &req, key, status, text, replayed);
}

static void test_replay(void **state)
{
	struct server *srv = *state;
	int status;
	char *first, *again;
	bool replayed;
	run(srv, "k1", &status, &first, &replayed);
	assert_int_equal(status, 201);
	assert_false(replayed);
	run(srv, "k1", &status, &again, &replayed);
	assert_int_equal(status, 201);
	assert_true(replayed);
	assert_string_equal(first, again);
	assert_int_equal(calls, 1);
	assert_int_equal(store_cursor(srv->st), 1);
	free(first);
	free(again);
}

/* Runs sql on a second connection to the database. */
static void exec_beside(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_lookup_failure(void **state)
{
	struct server *srv = *state;
	int status;
	char *text;
	bool replayed;
	run(srv, "k1", &status, &text, &replayed);
	assert_int_equal(status, 201);
	free(text);
	/* The idempotency table goes away: every lookup now fails in sqlite3_step. */
	exec_beside("ALTER TABLE idem RENAME TO idem_gone");
	const char *keys[] = {"k1", "k2"};
	for (int i = 0; i < 2; i++) {
		run(srv, keys[i], &status, &text, &replayed);
		assert_int_equal(status, 503);
		assert_false(replayed);
		assert_non_null(text);
		assert_non_null(strstr(text, "\"unavailable\""));
		free(text);
	}
	assert_int_equal(calls, 1);
	assert_int_equal(store_cursor(srv->st), 1);
	/* The store still works for writes without a key. */
	run(srv, NULL, &status, &text, &replayed);
	assert_int_equal(status, 201);
	free(text);
	assert_int_equal(calls, 2);
	assert_int_equal(store_cursor(srv->st), 2);
	int found = 0;
	char *body = NULL;
	assert_int_equal(store_begin(srv->st), 0);
	found = store_idem_get(srv->st, "abc", "k1", &status, &body);
	store_rollback(srv->st);
	assert_int_equal(found, -1);
	assert_null(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_failure, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
