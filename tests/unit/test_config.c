/* test_config.c - unit tests of the config file walk (util/config.c): which lines a
 * prefix or a whole key claims, trimming, " #" comments, long lines and NULs
 * skipped or reported, line numbers, the count of bad lines and their messages
 * gathered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/config.h"

/* Every call as "LINE:KEY=VALUE" ("LINE:KEY!" for value NULL), one per line. */
struct seen {
	char buf[2048];
	const char *bad_key; /* fn returns -1 for this key */
};

static int record(char *key, char *value, int line, void *ctx)
{
	struct seen *s = ctx;
	size_t used = strlen(s->buf);
	if (value)
		snprintf(s->buf + used, sizeof s->buf - used, "%d:%s=%s\n", line, key,
			 value);
	else
		snprintf(s->buf + used, sizeof s->buf - used, "%d:%s!\n", line, key);
	return s->bad_key && strcmp(key, s->bad_key) == 0 ? -1 : 0;
}

static const char text[] = "# comment\n"		/* 1 */
			   "  notify = on   # loud\r\n" /* 2 */
			   "notify_bell\t=\toff\n"	/* 3 */
			   "notifyx\n"			/* 4: no '=' */
			   "wall_rotate_s = 30\n"	/* 5 */
			   "notify_x = a#b c  \n"	/* 6 */
			   "watch =  /a #b/ bell \r\n"	/* 7 */
			   "watchdog = 5\n"		/* 8 */
			   "notify_y = 1 = 2\n"		/* 9 */
			   "notify_z =";		/* 10, no '\n' */

static void test_prefix_trim_and_comment(void **state)
{
	(void)state;
	struct seen s = {"", "notify_x"};
	int bad = wf_config_foreach(text, strlen(text), "notify", 511,
				    WF_CONFIG_STRIP_COMMENT, record, &s);
	assert_int_equal(bad, 1);
	assert_string_equal(s.buf, "2:notify=on\n"
				   "3:notify_bell=off\n"
				   "6:notify_x=a#b c\n"
				   "9:notify_y=1 = 2\n"
				   "10:notify_z=\n");
}

static void test_whole_key_keeps_pattern(void **state)
{
	(void)state;
	struct seen s = {"", NULL};
	int bad = wf_config_foreach(text, strlen(text), "watch", 2048,
				    WF_CONFIG_WHOLE_KEY | WF_CONFIG_KEEP_LEADING,
				    record, &s);
	assert_int_equal(bad, 0);
	assert_string_equal(s.buf, "7:watch=  /a #b/ bell\n");
	/* Without STRIP_COMMENT a prefix key keeps " #" too. */
	s.buf[0] = '\0';
	wf_config_foreach(text, strlen(text), "notify =", 80, 0, record, &s);
	assert_string_equal(s.buf, "2:notify=on   # loud\n");
}

static void test_long_and_nul_lines(void **state)
{
	(void)state;
	char t[64] = "wall_a = 12345\n  wall_b = 123456\nwall_c = 1\0x\nwall_d=2\n";
	size_t len = 15 + 18 + 13 + 9;
	struct seen s = {"", NULL};
	/* Skipped: line 1 is 14 bytes, line 2 is 17 counting its blanks, line 3 has a
	 * NUL. */
	assert_int_equal(wf_config_foreach(t, len, "wall_", 14, 0, record, &s), 0);
	assert_string_equal(s.buf, "1:wall_a=12345\n4:wall_d=2\n");
	/* Reported (and counted when fn says so): line 2 is 15 bytes from its first
	 * non-blank, too long for 14. */
	s.buf[0] = '\0';
	s.bad_key = "wall_b";
	assert_int_equal(wf_config_foreach(t, len, "wall_", 14, WF_CONFIG_REPORT_LONG,
					   record, &s),
			 1);
	assert_string_equal(s.buf, "1:wall_a=12345\n2:wall_b!\n3:wall_c!\n"
				   "4:wall_d=2\n");
	s.buf[0] = '\0';
	s.bad_key = NULL;
	assert_int_equal(wf_config_foreach(t, len, "wall_", 15, WF_CONFIG_REPORT_LONG,
					   record, &s),
			 0);
	assert_string_equal(s.buf, "1:wall_a=12345\n2:wall_b=123456\n3:wall_c!\n"
				   "4:wall_d=2\n");
}

static void test_trim(void **state)
{
	(void)state;
	char a[] = " \t x y \t\r", b[] = "", c[] = "\r\r";
	assert_string_equal(wf_config_trim(a), "x y");
	assert_string_equal(wf_config_trim(b), "");
	assert_string_equal(wf_config_trim(c), "");
}

static void test_errs_append(void **state)
{
	(void)state;
	char errs[16] = "";
	wf_config_errs_append(errs, sizeof errs, "%s:%d", "f", 3);
	wf_config_errs_append(errs, sizeof errs, "%s", "second");
	assert_string_equal(errs, "f:3\nsecond");
	wf_config_errs_append(errs, sizeof errs, "%s", "third");
	assert_string_equal(errs, "f:3\nsecond\nthir");
	wf_config_errs_append(errs, sizeof errs, "%s", "full");
	assert_string_equal(errs, "f:3\nsecond\nthir");
	wf_config_errs_append(NULL, 0, "%s", "nowhere");
}

/* The one reader: the file under $XDG_CONFIG_HOME read whole, a missing file is no
 * error, an unreadable one (here a folder) is, with its path in the message. */
static void test_file_read_once(void **state)
{
	(void)state;
	char dir[] = "/tmp/wf-config-XXXXXX", path[300], err[400];
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	struct wf_config_file f;
	assert_int_equal(wf_config_file_read(&f, NULL, err, sizeof err), 0);
	assert_null(f.text); /* no file: defaults everywhere */
	snprintf(path, sizeof path, "%s/watchfloor", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/watchfloor/config", dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("wall_rotate_s = 30\nnotify = off\n", fp);
	fclose(fp);
	assert_int_equal(wf_config_file_read(&f, NULL, err, sizeof err), 0);
	assert_string_equal(f.path, path);
	assert_int_equal(f.len, 32);
	assert_memory_equal(f.text, "wall_rotate_s = 30\nnotify = off\n", 32);
	wf_config_file_free(&f);
	assert_null(f.text);
	unlink(path);
	snprintf(path, sizeof path, "%s/watchfloor", dir);
	assert_int_equal(wf_config_file_read(&f, path, err, sizeof err), -1);
	assert_null(f.text);
	assert_non_null(strstr(err, path));
	rmdir(path);
	rmdir(dir);
	char buf[512]; /* (from test_watch.c, with wf_config_path) */
	setenv("XDG_CONFIG_HOME", "/x/y", 1);
	assert_true(wf_config_path(buf, sizeof buf));
	assert_string_equal(buf, "/x/y/watchfloor/config");
	unsetenv("XDG_CONFIG_HOME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_trim_and_comment),
		cmocka_unit_test(test_whole_key_keeps_pattern),
		cmocka_unit_test(test_long_and_nul_lines),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_errs_append),
		cmocka_unit_test(test_file_read_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
