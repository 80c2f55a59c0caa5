/* test_keymap.c - key bindings (tui/keymap.h): key names as tig and neomutt write
 * them, round trips of the names help shows, bind/unbind over the action table's
 * defaults in file order, `mouse = off`, bad lines named FILE:LINE while the rest
 * applies, and util/config's command lines (`bind KEY ACTION`, not `bind = x`). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "tui/actions.h"
#include "tui/keymap.h"
#include "util/config.h"

static int key_of(const char *s)
{
	int k = -1;
	assert_int_equal(wf_key_parse(s, &k), 0);
	return k;
}

static void test_key_names(void **state)
{
	(void)state;
	int k;
	assert_int_equal(key_of("a"), 'a');
	assert_int_equal(key_of("A"), 'A');
	assert_int_equal(key_of("C-x"), 24);
	assert_int_equal(key_of("<C-l>"), 12);
	assert_int_equal(key_of("^L"), 12);
	assert_int_equal(key_of("F5"), KEY_F(5));
	assert_int_equal(key_of("<F12>"), KEY_F(12));
	assert_int_equal(key_of("<Enter>"), '\n');
	assert_int_equal(key_of("<esc>"), 27);
	assert_int_equal(key_of("<PageDown>"), KEY_NPAGE);
	assert_int_equal(key_of("<PgUp>"), KEY_PPAGE);
	assert_int_equal(key_of("<S-Tab>"), KEY_BTAB);
	assert_int_equal(key_of("<Space>"), ' ');
	assert_int_equal(key_of("<lt>"), '<');
	assert_int_equal(key_of("<"), '<');
	const char *bad[] = {"", "ab", "C-", "C-1x", "F0", "F64", "<Nope>", "<>", "é", " "};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(wf_key_parse(bad[i], &k), -1);
	/* Every name help shows reads back as the same key. */
	int keys[] = {'a', 'Z', ';', 12, 27, '\t', ' ', '\n', KEY_BTAB, KEY_NPAGE, KEY_PPAGE,
		      KEY_HOME, KEY_END, KEY_UP, KEY_DOWN, KEY_LEFT, KEY_F(1), KEY_F(10)};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char name[16];
		wf_key_name(keys[i], name, sizeof(name));
		assert_int_equal(key_of(name), keys[i]);
	}
	/* Every control key too (C-\\ once came back as "C-|", found by fuzz_keymap). */
	for (int c = 1; c < 32; c++) {
		char name[16];
		wf_key_name(c, name, sizeof(name));
		assert_int_equal(key_of(name), c);
	}
}

static void test_bind_unbind(void **state)
{
	(void)state;
	struct wf_keymap km;
	wf_keymap_defaults(&km);
	assert_true(km.mouse);
	assert_int_equal(wf_keymap_action(&km, 'a'), WF_ACTION_APPROVE);
	assert_int_equal(wf_keymap_action(&km, 'A'), WF_ACTION_NONE);
	assert_int_equal(wf_keymap_bind(&km, 'A', WF_ACTION_APPROVE), 0);
	wf_keymap_unbind(&km, 'a');
	assert_int_equal(wf_keymap_action(&km, 'A'), WF_ACTION_APPROVE);
	assert_int_equal(wf_keymap_action(&km, 'a'), WF_ACTION_NONE);
	/* A key bound elsewhere moves: r no longer rejects. */
	assert_int_equal(wf_keymap_bind(&km, 'r', WF_ACTION_APPROVE), 0);
	assert_int_equal(wf_keymap_action(&km, 'r'), WF_ACTION_APPROVE);
	char text[64];
	wf_keymap_keys_text(&km, WF_ACTION_APPROVE, text, sizeof(text));
	assert_string_equal(text, "A r");
	wf_keymap_keys_text(&km, WF_ACTION_REJECT, text, sizeof(text));
	assert_string_equal(text, "");
	wf_keymap_keys_text(&km, WF_ACTION_OPEN, text, sizeof(text));
	assert_string_equal(text, "<Enter>");
	/* At most WF_KEYMAP_KEYS keys an action. */
	assert_int_equal(wf_keymap_bind(&km, 'x', WF_ACTION_APPROVE), 0);
	assert_int_equal(wf_keymap_bind(&km, 'y', WF_ACTION_APPROVE), 0);
	assert_int_equal(wf_keymap_bind(&km, 'w', WF_ACTION_APPROVE), -1);
}

static void test_parse_config(void **state)
{
	(void)state;
	const char cfg[] = "# keys\n"
			   "notify = off\n"
			   "bind A approve\n"
			   "unbind a\n"
			   "bind nonsense approve\n"
			   "bind x frobnicate\n"
			   "  bind <PageDown>   down   # a comment\n"
			   "unbind r\n"
			   "bind r reject\n"
			   "bind = zoom\n"
			   "binder z quit\n"
			   "bind\n"
			   "mouse = off\n";
	struct wf_keymap km;
	char errs[1024];
	wf_keymap_defaults(&km);
	int bad = wf_keymap_parse(&km, cfg, strlen(cfg), "cfg", errs, sizeof(errs));
	assert_int_equal(bad, 3);
	assert_non_null(strstr(errs, "cfg:5: bind: unknown key 'nonsense'"));
	assert_non_null(strstr(errs, "cfg:6: bind: unknown action 'frobnicate'"));
	assert_non_null(strstr(errs, "cfg:12: bind wants KEY ACTION"));
	assert_int_equal(wf_keymap_action(&km, 'A'), WF_ACTION_APPROVE);
	assert_int_equal(wf_keymap_action(&km, 'a'), WF_ACTION_NONE);
	assert_int_equal(wf_keymap_action(&km, 'x'), WF_ACTION_DISMISS); /* kept */
	assert_int_equal(wf_keymap_action(&km, KEY_NPAGE), WF_ACTION_DOWN);
	/* unbind then bind, in file order: r rejects again. */
	assert_int_equal(wf_keymap_action(&km, 'r'), WF_ACTION_REJECT);
	/* "bind = zoom" is a key = value line, "binder" another word: neither binds. */
	assert_int_equal(wf_keymap_action(&km, 'z'), WF_ACTION_ZOOM);
	assert_false(km.mouse);
	const char bad_mouse[] = "mouse = maybe\n";
	wf_keymap_defaults(&km);
	assert_int_equal(wf_keymap_parse(&km, bad_mouse, strlen(bad_mouse), "c", errs,
					 sizeof(errs)),
			 1);
	assert_non_null(strstr(errs, "c:1: mouse: 'maybe' is not on or off"));
	assert_true(km.mouse);
}

/* The keymap in force is what wf_action_for_key answers. */
static void test_install(void **state)
{
	(void)state;
	struct wf_keymap km;
	wf_keymap_defaults(&km);
	wf_keymap_bind(&km, 'A', WF_ACTION_APPROVE);
	wf_keymap_unbind(&km, 'a');
	wf_keymap_install(&km);
	assert_int_equal(wf_action_for_key('A'), WF_ACTION_APPROVE);
	assert_int_equal(wf_action_for_key('a'), WF_ACTION_NONE);
	wf_keymap_install(NULL);
	assert_int_equal(wf_action_for_key('a'), WF_ACTION_APPROVE);
}

static int collect(char *key, char *value, int line, void *ctx)
{
	char *out = ctx;
	char buf[128];
	snprintf(buf, sizeof(buf), "%d:%s[%s] ", line, key, value ? value : "(null)");
	strncat(out, buf, 1023 - strlen(out));
	return 0;
}

static void test_config_command(void **state)
{
	(void)state;
	const char text[] = "bind a b\nbind\nbind=x\nbind = y\nbinder q\n\tbind  <Esc>  back \n";
	char out[1024] = "";
	wf_config_foreach(text, strlen(text), "bind", 255, WF_CONFIG_COMMAND, collect, out);
	assert_string_equal(out, "1:bind[a b] 2:bind[] 6:bind[<Esc>  back] ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_bind_unbind),
		cmocka_unit_test(test_parse_config),
		cmocka_unit_test(test_install),
		cmocka_unit_test(test_config_command),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
