/* test_keyseq.c - escape sequences terminfo does not know are dropped from the keys
 * (tui/keyseq.h): CSI colours and OSC 8 links pasted into a form leave their text
 * and nothing else; a lone Esc, Esc at the end of a read and function keys stay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tui/keyseq.h"

/* Feeds s as one read (every char not a KEY_ code), then flushes; the keys acted on
 * go to out as a string ('~' for ESC). */
static void feed(struct wf_keyseq *k, const char *s, char *out)
{
	wint_t keys[2], ch;
	bool is_key[2];
	size_t o = 0;
	for (const char *p = s; *p; p++) {
		int n = wf_keyseq_feed(k, (unsigned char)*p, false, keys, is_key);
		for (int i = 0; i < n; i++)
			out[o++] = keys[i] == 27 ? '~' : (char)keys[i];
	}
	if (wf_keyseq_flush(k, &ch))
		out[o++] = '~';
	out[o] = '\0';
}

static void test_paste(void **state)
{
	struct wf_keyseq k = {0};
	char out[256];
	(void)state;
	feed(&k,
	     "A \033[31mred\033[0m B \033]8;;http://x\033\\link\033]8;;\033\\ C "
	     "\033]0;T\007 D yes",
	     out);
	assert_string_equal(out, "A red B link C  D yes");
	feed(&k, "\033P+q\033\\x\033_apc\033\\y\033[?25;1 qz", out);
	assert_string_equal(out, "xyz");
}

static void test_real_keys(void **state)
{
	struct wf_keyseq k = {0};
	char out[8192];
	wint_t keys[2];
	bool is_key[2];
	(void)state;
	feed(&k, "\033", out); /* Esc alone: cancels */
	assert_string_equal(out, "~");
	feed(&k, "q\033", out); /* Esc at the end of a read */
	assert_string_equal(out, "q~");
	feed(&k, "\033j", out); /* Esc then a key that starts no sequence: both */
	assert_string_equal(out, "~j");
	feed(&k, "\033\033", out);
	assert_string_equal(out, "~~");
	/* a function key after a held Esc: both, the key as a key */
	assert_int_equal(wf_keyseq_feed(&k, 27, false, keys, is_key), 0);
	assert_int_equal(wf_keyseq_feed(&k, 0402, true, keys, is_key), 2);
	assert_true(keys[0] == 27 && !is_key[0] && keys[1] == 0402 && is_key[1]);
	/* a paste in two reads: the sequence goes on */
	feed(&k, "a\033[3", out);
	assert_string_equal(out, "a");
	feed(&k, "1mb", out);
	assert_string_equal(out, "b");
	/* a runaway string ends at the limit: keys again */
	char big[5000];
	big[0] = 27;
	big[1] = ']';
	memset(big + 2, 'x', sizeof(big) - 3);
	big[sizeof(big) - 1] = '\0';
	feed(&k, big, out);
	assert_true(strlen(out) > 0 && strlen(out) < 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paste),
		cmocka_unit_test(test_real_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
