/* keyseq.c - escape sequences dropped from the keys read (keyseq.h): ESC held until
 * the next key of the same read says whether it starts a CSI or a string sequence. */
#include "tui/keyseq.h"

enum { KS_NONE, KS_ESC, KS_CSI, KS_STR, KS_STR_ESC };
#define KS_MAX 4096 /* a sequence longer than this is not one: keys again */

int wf_keyseq_feed(struct wf_keyseq *k, wint_t ch, bool is_key, wint_t out[2],
		   bool out_key[2])
{
	int n = 0;
	if (is_key && k->state != KS_NONE) { /* a function key ends any sequence */
		if (k->state == KS_ESC) {
			out[n] = 27;
			out_key[n++] = false;
		}
		k->state = KS_NONE;
	}
	switch (is_key ? KS_NONE : k->state) {
	case KS_ESC:
		k->len = 2;
		if (ch == '[') {
			k->state = KS_CSI;
			return 0;
		}
		if (ch == ']' || ch == 'P' || ch == '_') {
			k->state = KS_STR;
			return 0;
		}
		k->state = KS_NONE;
		out[n] = 27;
		out_key[n++] = false;
		break;
	case KS_CSI: /* parameters and intermediates 0x20..0x3f, then a final byte */
		if (++k->len > KS_MAX || ch < 0x20 || ch > 0x7e)
			k->state = KS_NONE;
		else if (ch >= 0x40)
			k->state = KS_NONE;
		return 0;
	case KS_STR: /* ends with BEL, ST (ESC \) or C1 ST */
		if (++k->len > KS_MAX || ch == 7 || ch == 0x9c)
			k->state = KS_NONE;
		else if (ch == 27)
			k->state = KS_STR_ESC;
		return 0;
	case KS_STR_ESC:
		k->state = ch == '\\' || ++k->len > KS_MAX ? KS_NONE : KS_STR;
		return 0;
	default:
		break;
	}
	if (!is_key && ch == 27) {
		k->state = KS_ESC;
		return n;
	}
	out[n] = ch;
	out_key[n++] = is_key;
	return n;
}

int wf_keyseq_flush(struct wf_keyseq *k, wint_t *out)
{
	if (k->state != KS_ESC)
		return 0; /* a sequence under way goes on in the next read (a long
			     paste) */
	k->state = KS_NONE;
	*out = 27;
	return 1;
}
