/* keys_dump.c - prints every action of the action table with its default keys as
 * tui/keymap.h names them and its help, one a line (NAME TAB KEYS TAB HELP; "-" for
 * none): what man/watchfloor.1's KEYS section must list (tests/integration/man_pages.sh). */
#include <stdio.h>

#include "tui/actions.h"
#include "tui/keymap.h"

int main(void)
{
	struct wf_keymap km;
	wf_keymap_defaults(&km);
	for (int a = 0; a < WF_ACTION__COUNT; a++) {
		const struct wf_action_def *d = wf_action_def((enum wf_action)a);
		char keys[64];
		wf_keymap_keys_text(&km, (enum wf_action)a, keys, sizeof(keys));
		printf("%s\t%s\t%s\n", d->name, keys[0] ? keys : "-", d->help);
	}
	return 0;
}
