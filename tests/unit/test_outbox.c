/* test_outbox.c - the outbox file format: records survive a reopen with their keys,
 * undo and drop only where allowed, settle by status class, a torn last record is
 * cut off, a bad middle line is counted and kept aside, a failed write (file size
 * limit) leaves no half line behind, compaction keeps the live records, and a
 * read-only outbox refuses everything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/outbox.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/wf-outbox-test.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[300];
	(void)state;
	snprintf(path, sizeof(path), "%s/outbox.log", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/outbox.log.corrupt", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}

static struct wf_outbox *open_ob(void)
{
	char err[256];
	struct wf_outbox *ob = wf_outbox_open(dir, false, err, sizeof(err));
	if (!ob)
		print_error("open: %s\n", err);
	assert_non_null(ob);
	char fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
	wf_outbox_token_fp("olga-token", fp);
	wf_outbox_set_identity(ob, "olga", fp);
	return ob;
}

static void append_raw(const char *text)
{
	char path[300];
	snprintf(path, sizeof(path), "%s/outbox.log", dir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static long file_size(void)
{
	char path[300];
	struct stat st;
	snprintf(path, sizeof(path), "%s/outbox.log", dir);
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void test_reopen_keeps_keys(void **state)
{
	(void)state;
	struct wf_outbox *ob = open_ob();
	uint64_t a, b;
	assert_int_equal(wf_outbox_enqueue(ob, "approve", "/v1/decisions/d1/resolve",
					   "{\"action\":\"approve\",\"version\":1}",
					   1000, &a),
			 0);
	assert_int_equal(wf_outbox_enqueue(ob, "note", "/v1/decisions/d2/resolve",
					   "{\"action\":\"note\",\"reason\":\"x\"}",
					   1000, &b),
			 0);
	char key[WF_IDEMPOTENCY_KEY_MAX + 1];
	strcpy(key, wf_outbox_get(ob, a)->key);
	assert_int_equal(strlen(key), 32);
	assert_string_not_equal(key, wf_outbox_get(ob, b)->key);
	assert_int_equal(wf_outbox_get(ob, a)->state, WF_OUTBOX_HELD);
	wf_outbox_close(ob);

	ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 2);
	const struct wf_outbox_record *r = wf_outbox_get(ob, a);
	assert_non_null(r);
	assert_string_equal(r->key, key);
	assert_string_equal(r->path, "/v1/decisions/d1/resolve");
	/* Held in the earlier run: sent at once now. */
	assert_int_equal(r->state, WF_OUTBOX_QUEUED);
	/* New ids do not reuse old ones. */
	uint64_t c;
	assert_int_equal(wf_outbox_enqueue(ob, "x", "/v1/x", "{}", 2000, &c), 0);
	assert_true(c > b);
	wf_outbox_close(ob);
}

static void test_undo_and_settle(void **state)
{
	(void)state;
	struct wf_outbox *ob = open_ob();
	wf_outbox_set_hold(ob, 5000);
	uint64_t a, b, c, d;
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/a", "{}", 0, &a), 0);
	assert_int_equal(wf_outbox_enqueue(ob, "b", "/v1/b", "{}", 0, &b), 0);
	assert_int_equal(wf_outbox_enqueue(ob, "c", "/v1/c", "{}", 0, &c), 0);
	assert_int_equal(wf_outbox_enqueue(ob, "d", "/v1/d", "{}", 0, &d), 0);
	assert_int_equal(wf_outbox_next_due(ob), 5000);
	assert_null(wf_outbox_take_due(ob, 4999));
	assert_int_equal(wf_outbox_undo(ob, a), 0);
	assert_int_equal(wf_outbox_count(ob), 3);

	struct wf_outbox_record *r = wf_outbox_take_due(ob, 5000);
	assert_non_null(r);
	assert_int_equal(r->id, b);
	assert_int_equal(wf_outbox_undo(ob, b), -1); /* too late */
	assert_int_equal(wf_outbox_drop(ob, b), -1); /* in flight */
	/* 503 with Retry-After 7: queued again, not before 7 s. */
	assert_int_equal(wf_outbox_settle(ob, b, 503, NULL, 0, 7, 5000), 1);
	assert_int_equal(wf_outbox_get(ob, b)->state, WF_OUTBOX_QUEUED);
	assert_true(wf_outbox_get(ob, b)->next_try >= 12000);

	r = wf_outbox_take_due(ob, 5000);
	assert_int_equal(r->id, c);
	const char *conflict =
		"{\"error\":{\"code\":\"conflict\",\"message\":\"stale\"},"
		"\"current\":{\"id\":\"d1\",\"version\":4}}";
	wf_outbox_settle(ob, c, 409, conflict, strlen(conflict), 0, 5000);
	assert_int_equal(wf_outbox_get(ob, c)->state, WF_OUTBOX_CONFLICT);
	assert_string_equal(wf_outbox_get(ob, c)->current,
			    "{\"id\":\"d1\",\"version\":4}");
	assert_string_equal(wf_outbox_get(ob, c)->message, "HTTP 409: stale");

	r = wf_outbox_take_due(ob, 5000);
	assert_int_equal(r->id, d);
	wf_outbox_settle(ob, d, 200, "{}", 2, 0, 5000);
	assert_null(wf_outbox_get(ob, d));
	wf_outbox_close(ob);

	/* Reopen: b queued, c still a conflict with its current resource. */
	ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 2);
	assert_int_equal(wf_outbox_get(ob, b)->state, WF_OUTBOX_QUEUED);
	assert_int_equal(wf_outbox_get(ob, c)->state, WF_OUTBOX_CONFLICT);
	assert_string_equal(wf_outbox_get(ob, c)->current,
			    "{\"id\":\"d1\",\"version\":4}");
	assert_int_equal(wf_outbox_drop(ob, c), 0);
	r = wf_outbox_take_due(ob, 100000);
	wf_outbox_settle(ob, r->id, 422, NULL, 0, 0, 100000);
	assert_int_equal(wf_outbox_get(ob, b)->state, WF_OUTBOX_FAILED);
	wf_outbox_close(ob);
}

static void test_torn_tail(void **state)
{
	(void)state;
	struct wf_outbox *ob = open_ob();
	uint64_t a;
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/a", "{\"k\":1}", 0, &a), 0);
	wf_outbox_close(ob);
	long good = file_size();
	/* A bad line in the middle is skipped; a torn last line is cut off. */
	append_raw("this is not json\n");
	append_raw("{\"op\":\"add\",\"id\":5,\"key\":\"abc\",\"kind\":\"b\",\"path\":"
		   "\"/v1/b\",\"bo");
	ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 1);
	assert_non_null(wf_outbox_get(ob, a));
	/* Not dropped silently: counted, said, and copied aside. */
	assert_int_equal(wf_outbox_corrupt_count(ob), 1);
	assert_non_null(strstr(wf_outbox_error(ob), "1 unreadable outbox line"));
	wf_outbox_close(ob);
	char cpath[300], cbuf[64] = "";
	snprintf(cpath, sizeof(cpath), "%s/outbox.log.corrupt", dir);
	FILE *cf = fopen(cpath, "r");
	assert_non_null(cf);
	assert_non_null(fgets(cbuf, sizeof(cbuf), cf));
	fclose(cf);
	assert_string_equal(cbuf, "this is not json\n");
	/* The copied line left the log: the next open counts nothing. */
	assert_int_equal(file_size(), good);
	ob = open_ob();
	assert_int_equal(wf_outbox_corrupt_count(ob), 0);
	wf_outbox_close(ob);
	/* A complete last line without its newline is torn too. */
	append_raw("{\"op\":\"del\",\"id\":1,\"why\":\"done\"}");
	ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 1);
	wf_outbox_close(ob);
}

/* In a child with a file size limit: record 1 fits, record 2 is cut halfway by
 * the limit (EFBIG, SIGXFSZ ignored), then with the limit lifted record 3 is
 * written. Exit status 0 when the calls answered as they should. */
static int child_short_write(void)
{
	struct wf_outbox *ob;
	char err[256];
	uint64_t id;
	signal(SIGXFSZ, SIG_IGN);
	if (!(ob = wf_outbox_open(dir, false, err, sizeof(err))))
		return 10;
	if (wf_outbox_enqueue(ob, "approve", "/v1/decisions/d1/resolve",
			      "{\"action\":\"approve\",\"version\":1}", 1000, &id) != 0)
		return 11;
	struct rlimit rl;
	if (getrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 12;
	rlim_t old = rl.rlim_cur;
	rl.rlim_cur = (rlim_t)file_size() + 40;
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 13;
	if (wf_outbox_enqueue(ob, "reject", "/v1/decisions/d2/resolve",
			      "{\"action\":\"reject\",\"version\":1,\"reason\":\"a long "
			      "enough reason to pass the limit\"}",
			      1000, &id) != -1)
		return 14;
	if (!strstr(wf_outbox_error(ob), "writing"))
		return 15;
	rl.rlim_cur = old;
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 16;
	if (wf_outbox_enqueue(ob, "approve", "/v1/decisions/d3/resolve",
			      "{\"action\":\"approve\",\"version\":2}", 1000, &id) != 0)
		return 17;
	wf_outbox_close(ob);
	return 0;
}

static void test_short_write(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(child_short_write());
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	/* Both written records survive; the failed one left nothing behind. */
	struct wf_outbox *ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 2);
	assert_int_equal(wf_outbox_corrupt_count(ob), 0);
	const struct wf_outbox_record *recs[4];
	assert_int_equal(wf_outbox_list(ob, recs, 4), 2);
	assert_string_equal(recs[0]->path, "/v1/decisions/d1/resolve");
	assert_string_equal(recs[1]->path, "/v1/decisions/d3/resolve");
	wf_outbox_close(ob);
}

/* Keys are remembered per token and for 24 h: a record goes out only under the
 * identity that made it and while younger than 23 h; otherwise it fails, said. */
static void test_identity_and_age(void **state)
{
	(void)state;
	char fp[WF_OUTBOX_TOKEN_FP_LEN + 1], fp2[WF_OUTBOX_TOKEN_FP_LEN + 1];
	wf_outbox_token_fp("olga-token", fp);
	wf_outbox_token_fp("piet-token", fp2);
	assert_int_equal(strlen(fp), WF_OUTBOX_TOKEN_FP_LEN);
	assert_string_not_equal(fp, fp2);
	/* sha256("olga-token"), first 16 hex digits. */
	assert_string_equal(fp, "e83babeabef69667");

	struct wf_outbox *ob = open_ob();
	wf_outbox_set_hold(ob, 0);
	uint64_t a, b, c;
	assert_int_equal(wf_outbox_enqueue(ob, "approve", "/v1/a", "{}", 1000, &a), 0);
	assert_string_equal(wf_outbox_get(ob, a)->who, "olga");
	assert_string_equal(wf_outbox_get(ob, a)->token_fp, fp);
	wf_outbox_close(ob);

	/* Shift handover: piet's token now. olga's vote is not sent under it. */
	char err[256];
	ob = wf_outbox_open(dir, false, err, sizeof(err));
	assert_non_null(ob);
	wf_outbox_set_hold(ob, 0);
	wf_outbox_set_identity(ob, NULL, fp2);
	assert_null(wf_outbox_take_due(ob, 2000)); /* whoami not answered yet */
	assert_int_equal(wf_outbox_next_due(ob), -1);
	wf_outbox_set_identity(ob, "piet", fp2);
	assert_null(wf_outbox_take_due(ob, 2000));
	const struct wf_outbox_record *r = wf_outbox_get(ob, a);
	assert_int_equal(r->state, WF_OUTBOX_FAILED);
	assert_string_equal(r->message,
			    "made by olga with another token: review and resend or drop");
	/* A record made before whoami answered, with the same token, goes out. */
	wf_outbox_set_identity(ob, NULL, fp2);
	assert_int_equal(wf_outbox_enqueue(ob, "note", "/v1/b", "{}", 2000, &b), 0);
	wf_outbox_set_identity(ob, "piet", fp2);
	struct wf_outbox_record *due = wf_outbox_take_due(ob, 2000);
	assert_non_null(due);
	assert_int_equal(due->id, b);
	/* Same name, another token: not sent either. */
	assert_int_equal(wf_outbox_enqueue(ob, "note", "/v1/c", "{}", 2000, &c), 0);
	wf_outbox_set_identity(ob, "piet", fp);
	assert_null(wf_outbox_take_due(ob, 2000));
	assert_int_equal(wf_outbox_get(ob, c)->state, WF_OUTBOX_FAILED);
	wf_outbox_close(ob);

	/* Still failed (with why) after a reopen. */
	ob = open_ob();
	assert_int_equal(wf_outbox_get(ob, a)->state, WF_OUTBOX_FAILED);
	assert_non_null(strstr(wf_outbox_get(ob, a)->message, "made by olga"));
	/* Older than 23 h: the server may have forgotten its key. */
	uint64_t d;
	wf_outbox_set_hold(ob, 0);
	assert_int_equal(wf_outbox_enqueue(ob, "approve", "/v1/d", "{}", 0, &d), 0);
	assert_null(wf_outbox_take_due(ob, WF_OUTBOX_MAX_AGE_MS + 1));
	assert_string_equal(wf_outbox_get(ob, d)->message,
			    "older than 23 h: the server no longer knows its key");
	assert_int_equal(wf_outbox_get(ob, d)->state, WF_OUTBOX_FAILED);
	wf_outbox_close(ob);
}

static void test_compaction(void **state)
{
	(void)state;
	struct wf_outbox *ob = open_ob();
	wf_outbox_set_hold(ob, 0);
	uint64_t keep;
	assert_int_equal(wf_outbox_enqueue(ob, "keep", "/v1/keep", "{}", 0, &keep), 0);
	struct wf_outbox_record *r = wf_outbox_take_due(ob, 0);
	wf_outbox_settle(ob, r->id, 400, NULL, 0, 0, 0);
	for (int i = 0; i < 200; i++) {
		uint64_t id;
		assert_int_equal(wf_outbox_enqueue(ob, "x", "/v1/x", "{}", 0, &id), 0);
		r = wf_outbox_take_due(ob, 0);
		assert_int_equal(r->id, id);
		wf_outbox_settle(ob, id, 201, NULL, 0, 0, 0);
	}
	assert_int_equal(wf_outbox_count(ob), 1);
	assert_true(file_size() < 4000); /* compacted along the way */
	wf_outbox_close(ob);
	ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 1);
	assert_int_equal(wf_outbox_get(ob, keep)->state, WF_OUTBOX_FAILED);
	/* Still appendable after compaction. */
	uint64_t id;
	assert_int_equal(wf_outbox_enqueue(ob, "y", "/v1/y", "{}", 0, &id), 0);
	wf_outbox_close(ob);
	ob = open_ob();
	assert_int_equal(wf_outbox_count(ob), 2);
	wf_outbox_close(ob);
}

static void test_refusals(void **state)
{
	(void)state;
	char err[256];
	struct wf_outbox *ro = wf_outbox_open(dir, true, err, sizeof(err));
	assert_non_null(ro);
	uint64_t id;
	assert_int_equal(wf_outbox_enqueue(ro, "a", "/v1/a", "{}", 0, &id), -1);
	assert_null(wf_outbox_take_due(ro, 0));
	wf_outbox_close(ro);

	struct wf_outbox *ob = open_ob();
	assert_int_equal(wf_outbox_enqueue(ob, "a", "http://evil/v1/a", "{}", 0, &id),
			 -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/../admin", "{}", 0, &id), -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/x/..", "{}", 0, &id), -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/./x", "{}", 0, &id), -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/a?x=1", "{}", 0, &id), -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/a b", "{}", 0, &id), -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/a", "not json", 0, &id), -1);
	assert_int_equal(wf_outbox_enqueue(ob, "a", "/v1/a", "[1]", 0, &id), -1);
	/* Ids may hold dots. */
	assert_int_equal(
		wf_outbox_enqueue(ob, "a", "/v1/decisions/a..b/resolve", "{}", 0, &id),
		0);
	/* One writer per outbox file; the refusal names the holder (its pid) and the
	 * way to watch without one. */
	assert_null(wf_outbox_open(dir, false, err, sizeof(err)));
	char want[64];
	snprintf(want, sizeof(want), "another watchfloor (pid %ld) holds the outbox",
		 (long)getpid());
	if (!strstr(err, want))
		print_error("%s\n", err);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "--read-only to watch without an outbox"));
	/* A read-only one opens beside it (no file, no lock). */
	struct wf_outbox *ro2 = wf_outbox_open(dir, true, err, sizeof(err));
	assert_non_null(ro2);
	wf_outbox_close(ro2);
	wf_outbox_close(ob);
	/* The holder's pid file goes with it. */
	char pidf[300];
	snprintf(pidf, sizeof(pidf), "%s/outbox.pid", dir);
	assert_int_not_equal(access(pidf, F_OK), 0);
}

/* The resolve request is built in net/ only (request_verbs.h) and stored as built. */
static void test_resolve_request(void **state)
{
	(void)state;
	struct wf_request rq;
	assert_int_equal(wf_request_decision_resolve(&rq, "dec-7", "reject", "dup \"x\"", 4),
			 0);
	assert_string_equal(rq.kind, "reject");
	assert_string_equal(rq.path, "/v1/decisions/dec-7/resolve");
	assert_string_equal(rq.body,
			    "{\"action\":\"reject\",\"reason\":\"dup \\\"x\\\"\",\"version\":4}");
	assert_true(wf_request_is_resolve_of(rq.path, "dec-7"));
	assert_false(wf_request_is_resolve_of(rq.path, "dec-"));
	assert_false(wf_request_is_resolve_of("/v1/reports/dec-7/triage", "dec-7"));
	assert_false(wf_request_is_resolve_of(NULL, "dec-7"));
	struct wf_request tr;
	assert_int_equal(wf_request_report_triage(&tr, "rep-1", true, "dup", 2), 0);
	assert_true(wf_request_is_triage_of(tr.path, "rep-1"));
	assert_false(wf_request_is_triage_of(tr.path, "rep-"));
	assert_false(wf_request_is_triage_of(tr.path, "v1"));
	assert_false(wf_request_is_triage_of(rq.path, "dec-7"));
	assert_false(wf_request_is_triage_of(NULL, "rep-1"));
	wf_request_clear(&tr);
	struct wf_outbox *ob = open_ob();
	uint64_t id;
	assert_int_equal(wf_outbox_enqueue_request(ob, &rq, 1000, &id), 0);
	const struct wf_outbox_record *r = wf_outbox_get(ob, id);
	assert_non_null(r);
	assert_string_equal(r->kind, "reject");
	assert_string_equal(r->path, "/v1/decisions/dec-7/resolve");
	assert_string_equal(r->body, rq.body);
	wf_outbox_close(ob);
	wf_request_clear(&rq);
	assert_int_equal(wf_request_decision_resolve(&rq, "../x", "approve", "", 1), -1);
	assert_int_equal(wf_request_decision_resolve(&rq, "dec-7", "", "", 1), -1);
	wf_request_clear(&rq);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reopen_keeps_keys, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_undo_and_settle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_and_age, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolve_request, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
