/* fuzz_theme.c - libFuzzer target for the theme file parser (wf_theme_parse):
 * any bytes must give 0 or -1 with a NUL-terminated "FILE:LINE: message", never a
 * crash, overrun or leak. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "themes/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_theme t;
	char err[128];
	int rc = wf_theme_parse((const char *)data, size, "fuzz.theme", &t, err,
				sizeof err);
	if (rc != 0 &&
	    (strncmp(err, "fuzz.theme:", 11) != 0 || strlen(err) >= sizeof err))
		__builtin_trap();
	if (rc == 0 && (strlen(t.name) >= sizeof t.name))
		__builtin_trap();
	/* Colour words on their own, too: the first line as one word. */
	char word[16];
	size_t n = size < sizeof word - 1 ? size : sizeof word - 1;
	memcpy(word, data, n);
	word[n] = '\0';
	struct wf_color c;
	(void)wf_color_parse(word, &c);
	return 0;
}
