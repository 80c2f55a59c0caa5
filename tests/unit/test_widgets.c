/* test_widgets.c - unit tests of the pure parts of widgets/: the sanitizer and
 * column widths, sparklines, bars, list scrolling, big glyphs and short formats;
 * the form widget's keys and validation, and its drawing on a headless screen. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "widgets/bignum.h"
#include "widgets/form.h"
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

static const char *const colours[] = {"red", "green", "blue"};

static void type(struct wf_form *f, const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		assert_true(n > 0 && n <= len);
		wf_form_key(f, (wint_t)wc, false);
		s += n;
		len -= n;
	}
}

/* A form: name (required text), colour (enum), count (1..10), text (multi-line). */
static void make_form(struct wf_form *f)
{
	wf_form_init(f, "Test form");
	assert_int_equal(wf_form_add_text(f, "name", "Name", 10, WF_FIELD_REQUIRED), 0);
	assert_int_equal(wf_form_add_enum(f, "colour", "Colour", colours, NULL, 3, 0), 1);
	assert_int_equal(wf_form_add_number(f, "count", "Count", 1, 10, 5), 2);
	assert_int_equal(wf_form_add_multiline(f, "text", "Text", 100, 3, 0), 3);
}

static void test_form_keys(void **state)
{
	struct wf_form f;
	(void)state;
	make_form(&f);
	type(&f, "ab\xC3\xA9"); /* a b é */
	assert_string_equal(wf_form_get(&f, "name"), "ab\xC3\xA9");
	wf_form_key(&f, KEY_LEFT, true);
	wf_form_key(&f, KEY_BACKSPACE, true); /* deletes b, never half of é */
	assert_string_equal(wf_form_get(&f, "name"), "a\xC3\xA9");
	type(&f, "0123456789"); /* the value holds at most 10 bytes */
	assert_true(strlen(wf_form_get(&f, "name")) <= 10);
	wf_form_key(&f, 21, false); /* Ctrl-U clears */
	assert_string_equal(wf_form_get(&f, "name"), "");
	type(&f, "x");
	/* Tab to the enum: Right, Space and a first letter choose values */
	assert_int_equal(wf_form_key(&f, '\t', false), WF_FORM_CHANGED);
	assert_int_equal(f.focus, 1);
	assert_string_equal(wf_form_get(&f, "colour"), "red");
	wf_form_key(&f, KEY_RIGHT, true);
	assert_string_equal(wf_form_get(&f, "colour"), "green");
	wf_form_key(&f, ' ', false);
	assert_string_equal(wf_form_get(&f, "colour"), "blue");
	wf_form_key(&f, KEY_RIGHT, true);
	assert_string_equal(wf_form_get(&f, "colour"), "red");
	wf_form_key(&f, 'b', false);
	assert_string_equal(wf_form_get(&f, "colour"), "blue");
	assert_int_equal(wf_form_key(&f, 'q', false), WF_FORM_NONE);
	/* Shift-Tab back, Tab twice to the number: letters are refused there */
	wf_form_key(&f, KEY_BTAB, true);
	assert_int_equal(f.focus, 0);
	wf_form_key(&f, '\n', false); /* Enter on a one-line field: next */
	wf_form_key(&f, '\t', false);
	assert_int_equal(f.focus, 2);
	assert_int_equal(wf_form_key(&f, 'z', false), WF_FORM_NONE);
	type(&f, "0");
	assert_int_equal(wf_form_get_number(&f, "count"), 50);
	/* the multi-line field: Enter breaks the line */
	wf_form_key(&f, '\t', false);
	type(&f, "one\ntwo");
	assert_string_equal(wf_form_get(&f, "text"), "one\ntwo");
	/* Up and Down move between its lines (same column, or the line's end) */
	wf_form_key(&f, KEY_UP, true);
	assert_int_equal(f.focus, 3);
	assert_int_equal(f.fields[3].cursor, 3); /* end of "one" */
	wf_form_key(&f, KEY_HOME, true);
	wf_form_key(&f, KEY_RIGHT, true);
	wf_form_key(&f, KEY_DOWN, true);
	assert_int_equal(f.fields[3].cursor, 5); /* "t|wo" */
	wf_form_key(&f, KEY_DOWN, true);         /* the last line: the next field */
	assert_int_equal(f.focus, 0);
	f.focus = 3;
	f.fields[3].cursor = 0;
	wf_form_key(&f, KEY_UP, true); /* the first line: the previous field */
	assert_int_equal(f.focus, 2);
	f.focus = 3;
	f.fields[3].cursor = strlen(f.fields[3].buf);
	/* Tab wraps around to the first field */
	wf_form_key(&f, '\t', false);
	assert_int_equal(f.focus, 0);
	wf_form_free(&f);
}

static int validate_calls;
static void no_x(struct wf_form *f, void *arg)
{
	(void)arg;
	validate_calls++;
	if (strcmp(wf_form_get(f, "name"), "x") == 0)
		wf_form_set_error(f, "name", "x is not a name");
}

static void test_form_validation_summary(void **state)
{
	struct wf_form f;
	(void)state;
	make_form(&f);
	wf_form_set_hooks(&f, no_x, NULL, NULL);
	/* Ctrl-D with an empty required field and an out-of-range number: stays in
	 * editing, messages on both fields, focus on the first */
	wf_form_set(&f, "count", "11");
	f.focus = 3;
	assert_int_equal(wf_form_key(&f, 4, false), WF_FORM_CHANGED);
	assert_int_equal(f.mode, WF_FORM_EDIT);
	assert_int_equal(f.focus, 0);
	assert_string_equal(f.fields[0].error, "required");
	assert_string_equal(f.fields[2].error, "must be 1..10");
	/* typing clears the field's message; the caller's check runs too */
	type(&f, "x");
	assert_string_equal(f.fields[0].error, "");
	wf_form_set(&f, "count", "3");
	assert_int_equal(wf_form_check(&f), 1);
	assert_string_equal(f.fields[0].error, "x is not a name");
	assert_true(validate_calls > 0);
	wf_form_set(&f, "name", "Ada");
	/* Enter on the last field opens the summary; e goes back; y submits */
	f.focus = 2;
	wf_form_key(&f, KEY_ENTER, true); /* keypad Enter: next field */
	assert_int_equal(f.focus, 3);
	assert_int_equal(wf_form_key(&f, 4, false), WF_FORM_CHANGED);
	assert_int_equal(f.mode, WF_FORM_SUMMARY);
	assert_int_equal(wf_form_key(&f, 'x', false), WF_FORM_NONE);
	wf_form_key(&f, 'e', false);
	assert_int_equal(f.mode, WF_FORM_EDIT);
	wf_form_key(&f, 4, false);
	assert_int_equal(wf_form_key(&f, 'y', false), WF_FORM_SUBMIT);
	/* Esc cancels from the summary and from editing */
	assert_int_equal(wf_form_key(&f, 27, false), WF_FORM_CANCEL);
	f.mode = WF_FORM_EDIT;
	assert_int_equal(wf_form_key(&f, 27, false), WF_FORM_CANCEL);
	wf_form_free(&f);
}

/* Hidden fields are skipped by Tab, not validated and read as "". */
static void hide_text(struct wf_form *f, int field, void *arg)
{
	(void)arg;
	if (field == 1)
		wf_form_set_hidden(f, "text", strcmp(wf_form_get(f, "colour"), "red") != 0);
}

static void test_form_hidden(void **state)
{
	struct wf_form f;
	(void)state;
	make_form(&f);
	f.fields[3].flags |= WF_FIELD_REQUIRED;
	wf_form_set_hooks(&f, NULL, hide_text, NULL);
	wf_form_set(&f, "name", "n");
	wf_form_set(&f, "text", "kept");
	f.focus = 1;
	wf_form_key(&f, KEY_RIGHT, true); /* green: text hidden */
	assert_true(f.fields[3].hidden);
	assert_string_equal(wf_form_get(&f, "text"), "");
	f.focus = 2;
	wf_form_key(&f, '\t', false);
	assert_int_equal(f.focus, 0);
	wf_form_set(&f, "text", "");
	assert_int_equal(wf_form_check(&f), 0);
	f.focus = 1;
	wf_form_key(&f, KEY_LEFT, true); /* red again: shown, and required */
	assert_false(f.fields[3].hidden);
	assert_int_equal(wf_form_check(&f), 1);
	wf_form_free(&f);
}

/* Drawing on a headless screen: labels, values through the sanitizer, the message
 * under its field, the summary. */
static void screen_row(WINDOW *w, int y, char *buf, size_t size)
{
	size_t o = 0;
	int cols = getmaxx(w);
	for (int x = 0; x < cols && o + 8 < size; x++) {
		cchar_t cc;
		wchar_t wc[CCHARW_MAX + 1];
		attr_t at;
		short pair;
		if (mvwin_wch(w, y, x, &cc) == ERR || getcchar(&cc, wc, &at, &pair, NULL) == ERR)
			break;
		for (int k = 0; wc[k] && o + 8 < size; k++) {
			mbstate_t st;
			memset(&st, 0, sizeof(st));
			size_t n = wcrtomb(buf + o, wc[k], &st);
			if (n != (size_t)-1)
				o += n;
		}
	}
	buf[o] = '\0';
}

static bool window_has(WINDOW *w, const char *needle)
{
	char row[1024];
	for (int y = 0; y < getmaxy(w); y++) {
		screen_row(w, y, row, sizeof(row));
		if (strstr(row, needle))
			return true;
	}
	return false;
}

static void test_form_draw(void **state)
{
	(void)state;
	FILE *out = tmpfile(), *in = fopen("/dev/null", "r");
	assert_non_null(out);
	SCREEN *scr = newterm("xterm-256color", out, in);
	assert_non_null(scr);
	set_term(scr);
	WINDOW *w = newwin(16, 70, 0, 0);
	struct wf_form f;
	struct wf_form_style st = {0, A_BOLD, 0, A_UNDERLINE, A_REVERSE, A_BOLD, A_DIM,
				   false};
	make_form(&f);
	wf_form_set(&f, "name", "ev\x1b[2Jil"); /* an untrusted prefill */
	wf_form_set(&f, "text", "line one\nline two");
	wf_form_set(&f, "count", "99");
	wf_form_check(&f);
	wf_form_draw(&f, w, &st);
	assert_true(window_has(w, "Test form"));
	assert_true(window_has(w, "Name"));
	assert_true(window_has(w, "Colour"));
	assert_true(window_has(w, "red"));
	assert_true(window_has(w, "must be 1..10")); /* in place, under Count */
	assert_true(window_has(w, "line two"));
	assert_true(window_has(w, "Ctrl-D review"));
	assert_false(window_has(w, "\x1b"));
	assert_true(window_has(w, "[2Jil")); /* ESC drawn as a placeholder */
	int count_row = -1, msg_row = -1;
	char row[1024];
	for (int y = 0; y < 16; y++) {
		screen_row(w, y, row, sizeof(row));
		if (strstr(row, "Count"))
			count_row = y;
		if (strstr(row, "must be 1..10"))
			msg_row = y;
	}
	assert_int_equal(msg_row, count_row + 1);
	/* the summary */
	wf_form_set(&f, "count", "4");
	wf_form_set_note(&f, "held 5 s: u undoes");
	wf_form_key(&f, 4, false);
	assert_int_equal(f.mode, WF_FORM_SUMMARY);
	wf_form_draw(&f, w, &st);
	assert_true(window_has(w, "Check before sending"));
	assert_true(window_has(w, "held 5 s: u undoes"));
	assert_true(window_has(w, "Enter/y send"));
	assert_true(wf_form_height(&f) <= 16);
	/* long values keep the cursor in view: a one-line field scrolls sideways, a
	 * multi-line one down to the cursor's line */
	wf_form_key(&f, 'e', false); /* back from the summary */
	assert_int_equal(f.mode, WF_FORM_EDIT);
	char longv[120];
	memset(longv, 'a', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	wf_form_set(&f, "text", "l1\nl2\nl3\nl4\nl5\nthe last line");
	f.focus = 3;
	wf_form_draw(&f, w, &st);
	assert_true(window_has(w, "the last line"));
	assert_false(window_has(w, "l1 ")); /* scrolled past the first lines */
	int ti = wf_form_add_text(&f, "long", "Long", 200, 0);
	assert_true(ti > 0);
	wf_form_set(&f, "long", longv);
	f.focus = ti; /* typed at the end, after 119 a's */
	f.fields[ti].cursor = strlen(f.fields[ti].buf);
	wf_form_key(&f, 'z', false);
	wf_form_draw(&f, w, &st);
	assert_true(window_has(w, "aaaz"));
	/* a tiny window draws without crashing */
	WINDOW *tiny = newwin(4, 10, 0, 0);
	wf_form_draw(&f, tiny, &st);
	delwin(tiny);
	wf_form_free(&f);
	delwin(w);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
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
		cmocka_unit_test(test_form_keys),
		cmocka_unit_test(test_form_validation_summary),
		cmocka_unit_test(test_form_hidden),
		cmocka_unit_test(test_form_draw),
	};
	return cmocka_run_group_tests(tests, setup_locale, NULL);
}
