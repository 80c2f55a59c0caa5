/* keymap.h - the keys in force: the action table's defaults (tui/actions.h) changed
 * by `bind KEY ACTION` and `unbind KEY` lines of the config file, and `mouse = on|off`.
 * Keys are written as in tig and neomutt: `a`, `A`, `C-x`, `F5`, `<Enter>`, `<Esc>`,
 * `<PageDown>`, `<S-Tab>`; help, hint bar and :reload use the same names. */
#ifndef WF_TUI_KEYMAP_H
#define WF_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "tui/actions.h"

#define WF_KEYMAP_KEYS 4 /* keys one action holds at most */

struct wf_keymap {
	int keys[WF_ACTION__COUNT][WF_KEYMAP_KEYS]; /* 0: none */
	bool mouse;                                 /* `mouse = on` (default) */
};

/* The action table's default keys, mouse on. */
void wf_keymap_defaults(struct wf_keymap *km);
/* Binds key to a (taken away from any other action). -1 when a holds
 * WF_KEYMAP_KEYS keys already. */
int wf_keymap_bind(struct wf_keymap *km, int key, enum wf_action a);
/* Unbinds key from every action. */
void wf_keymap_unbind(struct wf_keymap *km, int key);
/* The action of key, or WF_ACTION_NONE. */
enum wf_action wf_keymap_action(const struct wf_keymap *km, int key);

/* Parses a key name ("a", "C-x", "^X", "F5", "<Enter>", "<PageDown>", ...) into a
 * curses key code or character. Returns 0, or -1. */
int wf_key_parse(const char *s, int *key);
/* The name of a key as wf_key_parse reads it ("a", "C-l", "<Tab>", "F1"). */
void wf_key_name(int key, char *out, size_t size);
/* The keys of a in force as "a A" (Enter's twins left out), "" when none. */
void wf_keymap_keys_text(const struct wf_keymap *km, enum wf_action a, char *out,
			 size_t size);

/* Applies the bind, unbind and mouse lines of a config text over km. Every bad line
 * is one "FILE:LINE: message" line in errs (file names the file) and is skipped;
 * the rest applies. Returns the number of bad lines. */
int wf_keymap_parse(struct wf_keymap *km, const char *text, size_t len,
		    const char *file, char *errs, size_t errsize);
/* km = the defaults, then the lines of the config file as read (util/config.h's
 * wf_config_file_read; no file: the defaults). Returns the number of bad lines. */
struct wf_config_file;
int wf_keymap_load(struct wf_keymap *km, const struct wf_config_file *cf, char *errs,
		   size_t errsize);

/* The keymap wf_action_for_key() consults from now on (copied; NULL: defaults). */
void wf_keymap_install(const struct wf_keymap *km);
/* The keymap in force. */
const struct wf_keymap *wf_keymap_current(void);

#endif
