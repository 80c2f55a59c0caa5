/* fuzz_sanitize.c - libFuzzer target for the text sanitizer: whatever the bytes, the
 * output is NUL-terminated valid UTF-8 with no control, bidi or format character,
 * within the column budget, and sanitizing it again changes nothing. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	if (!init) {
		setlocale(LC_ALL, "C.UTF-8");
		init = 1;
	}
	if (size < 1)
		return 0;
	int cols = data[0] % 64;
	const char *in = (const char *)data + 1;
	size_t len = size - 1;
	char out[1024], again[1024];
	int used = wf_text_sanitize(in, len, cols, false, out, sizeof(out));
	if (used > cols || strlen(out) >= sizeof(out))
		abort();
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p == 0x7F || (p[0] == 0xC2 && p[1] < 0xA0))
			abort();
	int used2 = wf_text_sanitize(out, strlen(out), -1, false, again, sizeof(again));
	if (used2 != used || strcmp(out, again) != 0)
		abort();
	if (wf_text_width(out) != used)
		abort();
	wf_text_sanitize(in, len, -1, true, out, sizeof(out));
	for (const unsigned char *p = (const unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p >= 0x7F)
			abort();
	return 0;
}
