/* fuzz_keymap.c - libFuzzer target for the key binding lines of the config file
 * (tui/keymap.h): arbitrary text through wf_keymap_parse (bind, unbind and mouse
 * lines via util/config's walk), then every key name a binding produced is printed
 * and parsed back. Bad lines must be reported, never crash, overrun or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tui/keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_keymap km;
	char errs[1024];
	wf_keymap_defaults(&km);
	errs[0] = '\0';
	(void)wf_keymap_parse(&km, (const char *)data, size, "fuzz", errs, sizeof(errs));
	if (strlen(errs) >= sizeof(errs))
		__builtin_trap();
	for (int a = 0; a < WF_ACTION__COUNT; a++) {
		for (int k = 0; k < WF_KEYMAP_KEYS; k++) {
			char name[16];
			int back = 0;
			if (!km.keys[a][k])
				continue;
			wf_key_name(km.keys[a][k], name, sizeof(name));
			if (name[0] != '#' && (wf_key_parse(name, &back) != 0 || back != km.keys[a][k]))
				__builtin_trap(); /* a bound key's name reads back as itself */
		}
	}
	return 0;
}
