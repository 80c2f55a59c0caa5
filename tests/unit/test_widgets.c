/* test_widgets.c - unit tests of the pure parts of widgets/: the sanitizer and
 * column widths, sparklines, bars, list scrolling, big glyphs and short formats. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "widgets/bignum.h"
#include "widgets/format.h"
#include "widgets/frame.h"
#include "widgets/list.h"
#include "widgets/spark.h"
#include "widgets/text.h"

static int setup_locale(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "en_US.UTF-8");
	return 0;
}

static void san(const char *in, size_t len, int cols, char *out, size_t n)
{
	wf_text_sanitize(in, len, cols, false, out, n);
}

/* No byte below 0x20, no DEL, no C1 in UTF-8 form, no bidi or format character. */
static void assert_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		assert_true(*p >= 0x20 && *p != 0x7F);
		if (p[0] == 0xC2)
			assert_true(p[1] >= 0xA0); /* no C1 */
		if (p[0] == 0xE2 && p[1] == 0x80)
			assert_false((p[2] >= 0x8B && p[2] <= 0x8F) ||
				     (p[2] >= 0xAA && p[2] <= 0xAE) || p[2] == 0xA8 ||
				     p[2] == 0xA9);
		if (p[0] == 0xE2 && p[1] == 0x81)
			assert_false(p[2] >= 0xA0 && p[2] <= 0xAF);
		if (p[0] == 0xEF && p[1] == 0xBB)
			assert_false(p[2] == 0xBF);
	}
}

static void test_sanitize_plain(void **state)
{
	char out[64];
	(void)state;
	assert_int_equal(wf_text_sanitize("hello", 5, -1, false, out, sizeof(out)), 5);
	assert_string_equal(out, "hello");
	assert_int_equal(wf_text_width("Riverside mosque"), 16);
}

static void test_sanitize_controls(void **state)
{
	char out[128];
	(void)state;
	const char in[] = "a\x1b[2Jb\rc\bd\te\x7f" "f\xc2\x9b" "g\n";
	san(in, sizeof(in) - 1, -1, out, sizeof(out));
	assert_clean(out);
	assert_string_equal(out, "a\xEF\xBF\xBD[2Jb\xEF\xBF\xBD" "c\xEF\xBF\xBD"
				 "d\xEF\xBF\xBD" "e\xEF\xBF\xBD" "f\xEF\xBF\xBD"
				 "g\xEF\xBF\xBD");
	/* every control is one column */
	assert_int_equal(wf_text_width_n(in, sizeof(in) - 1), 17);
}

static void test_sanitize_bidi_format(void **state)
{
	char out[256];
	(void)state;
	const char *in = "x\u202Eevil\u202C\u2066y\u2069\u200B\u200D\u200E\uFEFF\u2028\u00AD"
			 "\u061C";
	san(in, strlen(in), -1, out, sizeof(out));
	assert_clean(out);
	assert_string_equal(out, "x\xEF\xBF\xBD" "evil\xEF\xBF\xBD\xEF\xBF\xBDy"
				 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
				 "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_sanitize_invalid_utf8(void **state)
{
	char out[128];
	(void)state;
	/* overlong '/', surrogate, > U+10FFFF, lone continuation, truncated */
	const char in[] = "\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\x80|\xe2\x82";
	san(in, sizeof(in) - 1, -1, out, sizeof(out));
	assert_clean(out);
	assert_null(strstr(out, "\xc0"));
	assert_null(strstr(out, "\xed\xa0"));
	/* the output is valid UTF-8 that sanitizes to itself */
	char again[128];
	san(out, strlen(out), -1, again, sizeof(again));
	assert_string_equal(out, again);
	/* one placeholder per bad byte */
	assert_int_equal(wf_text_width_n("\xc0\xaf", 2), 2);
}

static void test_width_cjk_emoji_combining(void **state)
{
	(void)state;
	assert_int_equal(wf_text_width("日本語"), 6);
	assert_int_equal(wf_text_width("\U0001F600"), 2);
	assert_int_equal(wf_text_width("e\u0301"), 1);             /* e + acute */
	assert_int_equal(wf_text_width("\u0301x"), 2);             /* mark without base */
	assert_int_equal(wf_text_width("a\u0301\u0302\u0303\u0304\u0305"), 1);
	assert_int_equal(wf_text_width("\u2764\uFE0F"), 1);        /* selector dropped */
}

static void test_clip_by_columns(void **state)
{
	char out[64];
	(void)state;
	/* a wide character never straddles the budget */
	assert_int_equal(wf_text_sanitize("ab日本", strlen("ab日本"), 3, false, out,
					  sizeof(out)), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(wf_text_sanitize("日本語", strlen("日本語"), 5, false, out,
					  sizeof(out)), 4);
	assert_string_equal(out, "日本");
	/* combining marks stay with their base */
	assert_int_equal(wf_text_sanitize("e\u0301e\u0301e", strlen("e\u0301e\u0301e"),
					  2, false, out, sizeof(out)), 2);
	assert_string_equal(out, "e\u0301e\u0301");
	/* a small buffer never cuts a sequence */
	wf_text_sanitize("日本語", strlen("日本語"), -1, false, out, 5);
	assert_string_equal(out, "日");
	/* ascii mode */
	wf_text_sanitize("a日b", strlen("a日b"), -1, true, out, sizeof(out));
	assert_string_equal(out, "a?b");
}

static void test_sparkline(void **state)
{
	char out[128];
	(void)state;
	double v[] = {0, 1, 2, 4, 8, -1};
	assert_int_equal(wf_spark_render(v, 6, 10, 8, false, false, out, sizeof(out)), 6);
	assert_string_equal(out, " ▁▂▄█ ");
	assert_int_equal(wf_spark_render(v, 6, 3, 8, true, false, out, sizeof(out)), 3);
	assert_string_equal(out, "-# ");
	assert_int_equal(wf_spark_level(3, 8), 3);
	assert_int_equal(wf_spark_level(0, 8), 0);
	assert_int_equal(wf_spark_level(100, 8), 8);
	assert_int_equal(wf_spark_level(1, 0), 0);
}

static void test_bar(void **state)
{
	char out[128];
	(void)state;
	assert_int_equal(wf_bar_render(0.5, 4, false, out, sizeof(out)), 4);
	assert_string_equal(out, "██  ");
	wf_bar_render(1.0, 3, true, out, sizeof(out));
	assert_string_equal(out, "###");
	wf_bar_render(-3, 2, true, out, sizeof(out));
	assert_string_equal(out, "..");
}

static void test_list_fit(void **state)
{
	(void)state;
	assert_int_equal(wf_list_fit(0, 0, 100, 10), 0);
	assert_int_equal(wf_list_fit(0, 15, 100, 10), 6);
	assert_int_equal(wf_list_fit(20, 15, 100, 10), 15);
	assert_int_equal(wf_list_fit(95, 99, 100, 10), 90);
	assert_int_equal(wf_list_fit(50, -1, 5, 10), 0);
	assert_int_equal(wf_list_move(3, 10, 5), 4);
	assert_int_equal(wf_list_move(3, -10, 5), 0);
	assert_int_equal(wf_list_move(0, 1, 0), -1);
}

static void test_bignum_format(void **state)
{
	char out[32];
	(void)state;
	assert_string_equal(wf_bignum_mask('1', 0), " # ");
	assert_null(wf_bignum_mask('x', 0));
	assert_int_equal(wf_bignum_width("42%"), 11);
	wf_fmt_duration(59999, out, sizeof(out));
	assert_string_equal(out, "59s");
	wf_fmt_duration(3900000, out, sizeof(out));
	assert_string_equal(out, "1h05");
	wf_fmt_duration(-120000, out, sizeof(out));
	assert_string_equal(out, "-2m");
	wf_fmt_count(12400, out, sizeof(out));
	assert_string_equal(out, "12.4k");
	wf_fmt_percent(0.876, out, sizeof(out));
	assert_string_equal(out, "88%");
	wf_fmt_clock(1795667400000LL, out, sizeof(out));
	assert_int_equal(strlen(out), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_plain),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_bidi_format),
		cmocka_unit_test(test_sanitize_invalid_utf8),
		cmocka_unit_test(test_width_cjk_emoji_combining),
		cmocka_unit_test(test_clip_by_columns),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_list_fit),
		cmocka_unit_test(test_bignum_format),
	};
	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
