/* test_actions.c - the one permission gate (wf_action_permitted): read-only refuses
 * every MUTATES action, the wall lets only WALL actions through; --batch --resolve
 * asks the same gate (refused read-only before anything is synced or queued); D
 * (drop, which discards refused or conflicting decisions for good) asks y/n first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/outbox.h"
#include "tests/lib/harness.h"
#include "tui/actions.h"
#include "tui/batch.h"
#include "tui/options.h"
#include "util/config.h"

static void test_gate(void **state)
{
	(void)state;
	for (int a = 0; a < WF_ACTION__COUNT; a++) {
		const struct wf_action_def *d = wf_action_def((enum wf_action)a);
		bool mut = d->flags & WF_ACT_MUTATES, wall = d->flags & WF_ACT_WALL;
		assert_true(wf_action_permitted(d, false, false));
		assert_int_equal(wf_action_permitted(d, true, false), !mut);
		assert_int_equal(wf_action_permitted(d, true, true), wall && !mut);
		assert_int_equal(wf_action_permitted(d, false, true), wall);
	}
	assert_false(wf_action_permitted(NULL, false, false));
	assert_false(wf_action_permitted(wf_action_def(WF_ACTION_APPROVE), true, false));
	assert_true(wf_action_def(WF_ACTION_DROP)->flags & WF_ACT_CONFIRM);
}

static void test_resolve_gate(void **state)
{
	(void)state;
	struct wf_options o;
	char err[256];
	char *argv[] = {"watchfloor", "--batch", "--read-only", "--resolve",
			"dec-1:approve:ok", "http://127.0.0.1:9", NULL};
	assert_int_equal(wf_options_parse(6, argv, &o, err, sizeof(err)), 0);
	struct wf_model *m = wf_model_new(NULL);
	/* Refused by the gate before any sync: status 2, nothing printed on stdout. */
	assert_int_equal(wf_batch_run(&o, NULL, m, -1), 2);
	wf_model_free(m);
	/* Action names come from the action table: only the decision votes. */
	char *bad[] = {"watchfloor", "--batch", "--resolve", "dec-1:drop:x", NULL};
	assert_int_equal(wf_options_parse(4, bad, &o, err, sizeof(err)), -1);
	char *quit[] = {"watchfloor", "--batch", "--resolve", "dec-1:quit:x", NULL};
	assert_int_equal(wf_options_parse(4, quit, &o, err, sizeof(err)), -1);
	char *ok[] = {"watchfloor", "--batch", "--resolve", "dec-1:escalate:x", NULL};
	assert_int_equal(wf_options_parse(4, ok, &o, err, sizeof(err)), 0);
}

/* Several backends: URLs on the command line, else the config's backends line. */
static void test_backends(void **state)
{
	(void)state;
	struct wf_options o;
	char err[256];
	char *two[] = {"watchfloor", "--batch", "http://a:1", "http://b:2", NULL};
	assert_int_equal(wf_options_parse(4, two, &o, err, sizeof(err)), 0);
	assert_string_equal(o.url, "http://a:1");
	assert_int_equal(o.n_alt_urls, 1);
	assert_string_equal(o.alt_urls[0], "http://b:2");
	char *nine[] = {"watchfloor", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9",
			NULL};
	assert_int_equal(wf_options_parse(10, nine, &o, err, sizeof(err)), -1);
	char dir[] = "/tmp/wf-backends.XXXXXX", path[300];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/watchfloor", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/watchfloor/config", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("theme = dark\nbackends = http://r1:8470, http://r2:8470 # replicas\n", f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	struct wf_config_file cf; /* read once, as tui/main.c does */
	assert_int_equal(wf_config_file_read(&cf, NULL, err, sizeof(err)), 0);
	char *none[] = {"watchfloor", "--batch", NULL};
	assert_int_equal(wf_options_parse(2, none, &o, err, sizeof(err)), 0);
	assert_int_equal(wf_options_load_backends(&o, &cf, err, sizeof(err)), 0);
	assert_string_equal(o.url, "http://r1:8470");
	assert_int_equal(o.n_alt_urls, 1);
	assert_string_equal(o.alt_urls[0], "http://r2:8470");
	/* A URL on the command line wins over the config. */
	char *one[] = {"watchfloor", "http://x:1", NULL};
	assert_int_equal(wf_options_parse(2, one, &o, err, sizeof(err)), 0);
	assert_int_equal(wf_options_load_backends(&o, &cf, err, sizeof(err)), 0);
	assert_string_equal(o.url, "http://x:1");
	assert_int_equal(o.n_alt_urls, 0);
	wf_config_file_free(&cf);
	unsetenv("XDG_CONFIG_HOME");
	unlink(path);
	snprintf(path, sizeof(path), "%s/watchfloor", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_drop_confirms(void **state)
{
	(void)state;
	struct wf_harness h;
	uint64_t id;
	char fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
	assert_int_equal(wf_harness_open(&h, 40, 160, false, true), 0);
	wf_outbox_token_fp("t", fp);
	wf_outbox_set_identity(h.outbox, "olga", fp);
	wf_outbox_set_hold(h.outbox, 0);
	assert_int_equal(wf_outbox_enqueue(h.outbox, "approve", "/v1/decisions/d/resolve",
					   "{}", 1000, &id),
			 0);
	struct wf_outbox_record *r = wf_outbox_take_due(h.outbox, 1000);
	assert_non_null(r);
	wf_outbox_settle(h.outbox, id, 422, NULL, 0, 0, 1000);
	assert_int_equal(wf_outbox_get(h.outbox, id)->state, WF_OUTBOX_FAILED);

	wf_harness_key(&h, 'D', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_CONFIRM);
	assert_non_null(strstr(h.ui.prompt_buf, "Drop 1 refused"));
	wf_harness_key(&h, 'n', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	assert_non_null(strstr(h.ui.msg, "nothing was dropped"));
	assert_int_equal(wf_outbox_count(h.outbox), 1);

	wf_harness_key(&h, 'D', false);
	wf_harness_key(&h, 27, false); /* Esc cancels too */
	assert_int_equal(wf_outbox_count(h.outbox), 1);

	wf_harness_key(&h, 'D', false);
	wf_harness_key(&h, 'y', false);
	assert_int_equal(wf_outbox_count(h.outbox), 0);
	assert_non_null(strstr(h.ui.msg, "dropped 1 outbox record"));
	/* Nothing left: no question. */
	wf_harness_key(&h, 'D', false);
	assert_int_equal(h.ui.prompt, WF_PROMPT_NONE);
	wf_harness_close(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_resolve_gate),
		cmocka_unit_test(test_drop_confirms),
		cmocka_unit_test(test_backends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
