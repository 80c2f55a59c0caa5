/* test_watch.c - unit tests of watch rules (notify/watch.c): the `watch =` syntax, bad
 * lines reported with their line while the rest still load, UTF-8 and caseless
 * matching, invalid UTF-8 subjects, and the match limit stopping a runaway
 * pattern. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify/watch.h"

static const char config[] =
	"# watchfloor config\n"				     /* 1 */
	"server = https://cc.example.org\n"		     /* 2 */
	"watch = title /christchurch|mosque/i notify,bell\n" /* 3 */
	"watch = report /live(stream)?\\b/ highlight\n"	     /* 4 */
	"watch = title /unclosed(/ notify\n"		     /* 5: bad pattern */
	"watch = colour /red/ notify\n"			     /* 6: bad field */
	"  watch=platform /^8kun$/ bell   \n"		     /* 7 */
	"watch = hash /^[0-9a-f]{6}00/ shout\n"		     /* 8: bad action */
	"watch = hash /a\\/b/ \n"			     /* 9: default actions */
	"watch = title /no end\n"			     /* 10: no closing / */
	"watchdog = 5\n"				     /* 11: not ours */
	"watch = title /café/iq notify\n"		     /* 12: bad flag */
	"watch = title /ÉGLISE/i\n";			     /* 13 */

static void test_parse_reports_bad_lines_and_loads_the_rest(void **state)
{
	(void)state;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char errs[2048];
	int bad = wf_watch_rules_parse(r, config, strlen(config), "config", errs,
				       sizeof errs);
	assert_int_equal(bad, 5);
	assert_int_equal(wf_watch_rules_count(r), 5);
	print_message("%s\n", errs);
	assert_non_null(strstr(errs,
			       "config:5: watch: bad pattern at offset 9: missing "
			       "closing parenthesis"));
	assert_non_null(strstr(errs,
			       "config:6: watch: unknown field (use title, report, "
			       "platform or hash)"));
	assert_non_null(strstr(errs,
			       "config:8: watch: unknown action (use notify, highlight "
			       "or bell)"));
	assert_non_null(
		strstr(errs, "config:10: watch: pattern is missing its closing '/'"));
	assert_non_null(
		strstr(errs, "config:12: watch: unknown flag after the pattern (use i "
			     "or x)"));
	assert_int_equal(wf_watch_rule_line(r, 0), 3);
	assert_int_equal(wf_watch_rule_line(r, 2), 7);
	assert_string_equal(wf_watch_rule_pattern(r, 3), "a/b");

	const char *t = "Shooting near a MOSQUE in Christchurch";
	assert_int_equal(wf_watch_match(r, WF_WATCH_TITLE, t, strlen(t)),
			 WF_WATCH_NOTIFY | WF_WATCH_BELL);
	assert_int_equal(wf_watch_match(r, WF_WATCH_REPORT, t, strlen(t)), 0);
	assert_int_equal(wf_watch_match(r, WF_WATCH_REPORT, "a live link", 11),
			 WF_WATCH_HIGHLIGHT);
	assert_int_equal(wf_watch_match(r, WF_WATCH_REPORT, "livestreams", 11), 0);
	assert_int_equal(wf_watch_match(r, WF_WATCH_PLATFORM, "8kun", 4),
			 WF_WATCH_BELL);
	assert_int_equal(wf_watch_match(r, WF_WATCH_HASH, "xa/by", 5),
			 WF_WATCH_NOTIFY | WF_WATCH_HIGHLIGHT);
	/* UTF mode: caseless over non-ASCII letters */
	const char *e = "fire at the église";
	size_t first = 99;
	assert_int_equal(wf_watch_match_ex(r, WF_WATCH_TITLE, e, strlen(e), &first),
			 WF_WATCH_NOTIFY | WF_WATCH_HIGHLIGHT);
	assert_int_equal(first, 4);
	/* Invalid UTF-8 in the subject is not an error and still matches around it. */
	const char *bad_utf = "\xff\xfe mosque \xc3";
	assert_int_equal(wf_watch_match(r, WF_WATCH_TITLE, bad_utf, strlen(bad_utf)),
			 WF_WATCH_NOTIFY | WF_WATCH_BELL);
	assert_int_equal(wf_watch_errors(r), 0);
	assert_true(wf_watch_has_field(r, WF_WATCH_HASH));
	wf_watch_rules_free(r);
}

static void test_match_limit_stops_runaway_patterns(void **state)
{
	(void)state;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char err[256];
	assert_int_equal(
		wf_watch_add(r, "title /^(a+)+$/ notify", "cfg", 1, err, sizeof err),
		0);
	char subject[64];
	memset(subject, 'a', 40);
	subject[40] = 'b';
	subject[41] = '\0';
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(wf_watch_match(r, WF_WATCH_TITLE, subject, 41), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	print_message("runaway match stopped after %ld ms\n", ms);
	assert_true(ms < 1000);
	assert_int_equal(wf_watch_errors(r), 1);
	wf_watch_rules_free(r);
}

static void test_add_errors(void **state)
{
	(void)state;
	struct wf_watch_rules *r = wf_watch_rules_new();
	char err[256];
	assert_int_equal(wf_watch_add(r, "title", "f", 2, err, sizeof err), -1);
	assert_string_equal(err, "f:2: watch: expected /PATTERN/ after the field");
	assert_int_equal(wf_watch_add(r, "title //", "f", 3, err, sizeof err), -1);
	assert_string_equal(err, "f:3: watch: pattern must be 1 to 1000 bytes");
	assert_int_equal(wf_watch_add(r, "title /\\C/", "f", 4, err, sizeof err), -1);
	assert_non_null(strstr(err, "f:4: watch: bad pattern"));
	assert_int_equal(wf_watch_rules_count(r), 0);
	wf_watch_rules_free(r);
}

static void test_load_file(void **state)
{
	(void)state;
	char path[] = "/tmp/wf-watch-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, config, strlen(config)), (ssize_t)strlen(config));
	close(fd);
	struct wf_watch_rules *r = wf_watch_rules_new();
	char errs[2048];
	assert_int_equal(wf_watch_rules_load(r, path, errs, sizeof errs), 5);
	assert_int_equal(wf_watch_rules_count(r), 5);
	unlink(path);
	assert_int_equal(wf_watch_rules_load(r, path, errs, sizeof errs),
			 0); /* missing: fine */
	wf_watch_rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_reports_bad_lines_and_loads_the_rest),
		cmocka_unit_test(test_match_limit_stops_runaway_patterns),
		cmocka_unit_test(test_add_errors),
		cmocka_unit_test(test_load_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
