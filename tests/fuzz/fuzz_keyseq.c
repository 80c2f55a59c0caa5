/* fuzz_keyseq.c - libFuzzer target for the escape-sequence filter of the keys read
 * (tui/keyseq.h): arbitrary bytes, split into reads at each 0xff, through
 * wf_keyseq_feed and wf_keyseq_flush. Never more keys out than in (plus a held
 * ESC), never a state that swallows a function key, never a crash. */
#include <stddef.h>
#include <stdint.h>

#include "tui/keyseq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wf_keyseq k = {0};
	wint_t keys[2], ch;
	bool is_key[2];
	size_t in = 0, out = 0;
	for (size_t i = 0; i < size; i++) {
		if (data[i] == 0xff) { /* the end of one read */
			out += (size_t)wf_keyseq_flush(&k, &ch);
			continue;
		}
		bool fkey = data[i] == 0xfe; /* a function key */
		int n = wf_keyseq_feed(&k, fkey ? 0402 : data[i], fkey, keys, is_key);
		if (n < 0 || n > 2 || (fkey && (n == 0 || !is_key[n - 1])))
			__builtin_trap();
		in++;
		out += (size_t)n;
	}
	out += (size_t)wf_keyseq_flush(&k, &ch);
	if (out > in)
		__builtin_trap();
	return 0;
}
