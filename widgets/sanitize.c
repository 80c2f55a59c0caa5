/* sanitize.c - sanitizing and measuring untrusted text into buffers (see
 * sanitize.h). The decoder is strict UTF-8 written out here because the locale's
 * mbrtowc is not strict about overlongs and surrogates everywhere; widths come from
 * wcwidth(). No curses: the notifier and the batch output use it too. */
#include "sanitize.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Decodes one strict UTF-8 sequence. Returns its length, or 0 when s starts with a
 * byte that cannot begin a valid sequence here (the caller consumes one byte). */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v;
	unsigned char lo = 0x80, hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2;
		v = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		v = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F; /* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		v = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		unsigned char b = s[i];
		if (i == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF))
			return 0;
		v = (v << 6) | (b & 0x3F);
	}
	*cp = v;
	return n;
}

/* Controls, format characters (Cf), separators and noncharacters: never shown. */
static bool cp_unsafe(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
		return true;
	if (c == 0xAD || (c >= 0x600 && c <= 0x605) || c == 0x61C || c == 0x6DD ||
	    c == 0x70F || c == 0x890 || c == 0x891 || c == 0x8E2 || c == 0x180E)
		return true;
	if ((c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
	    (c >= 0x2060 && c <= 0x206F))
		return true;
	if (c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xFDD0 && c <= 0xFDEF) ||
	    (c & 0xFFFE) == 0xFFFE)
		return true;
	if (c == 0x110BD || c == 0x110CD || (c >= 0x13430 && c <= 0x1343F) ||
	    (c >= 0x1BCA0 && c <= 0x1BCA3) || (c >= 0x1D173 && c <= 0x1D17A) ||
	    (c >= 0xE0000 && c <= 0xE007F))
		return true;
	if (c >= 0xF0000) /* supplementary private use: widths are a guess */
		return true;
	return false;
}

/* Variation selectors: presentation hints that change widths in some terminals. */
static bool cp_dropped(uint32_t c)
{
	return (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF);
}

static void unit_placeholder(struct wf_text_unit *u, size_t bytes)
{
	u->n_cp = 0;
	u->cp[0] = 0;
	u->width = 1;
	u->placeholder = true;
	u->bytes = bytes;
}

bool wf_text_next(const char *str, size_t len, bool ascii, struct wf_text_unit *u)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t pos = 0;
	uint32_t cp = 0;
	size_t n;
	for (;;) {
		if (pos >= len)
			return false;
		n = utf8_decode(s + pos, len - pos, &cp);
		if (n == 0) {
			unit_placeholder(u, pos + 1);
			return true;
		}
		if (!cp_dropped(cp))
			break;
		pos += n; /* a leading variation selector: drop it */
	}
	pos += n;
	int w = -1;
	if (!cp_unsafe(cp) && !(ascii && cp >= 0x80))
		w = cp < 0x80 ? 1 : wcwidth((wchar_t)cp);
	if (w <= 0 || w > 2) {
		unit_placeholder(u, pos);
		return true;
	}
	u->cp[0] = cp;
	u->n_cp = 1;
	u->width = w;
	u->placeholder = false;
	/* Attach the zero-width marks that follow (drop the surplus). */
	while (pos < len && !ascii) {
		uint32_t m;
		size_t k = utf8_decode(s + pos, len - pos, &m);
		if (k == 0 || m < 0x80 || cp_unsafe(m))
			break;
		if (!cp_dropped(m)) {
			if (wcwidth((wchar_t)m) != 0)
				break;
			if (u->n_cp < 4)
				u->cp[u->n_cp++] = m;
		}
		pos += k;
	}
	u->bytes = pos;
	return true;
}

bool wf_text_ascii_locale(void)
{
	const char *cs = nl_langinfo(CODESET);
	return !cs || strcmp(cs, "UTF-8") != 0;
}

int wf_text_width_n(const char *s, size_t len)
{
	struct wf_text_unit u;
	int cols = 0;
	if (!s)
		return 0;
	while (wf_text_next(s, len, false, &u)) {
		cols += u.width;
		s += u.bytes;
		len -= u.bytes;
	}
	return cols;
}

int wf_text_width(const char *s)
{
	return s ? wf_text_width_n(s, strlen(s)) : 0;
}

/* Encodes cp as UTF-8 into out (room for 4). Returns the length. */
static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

int wf_text_sanitize(const char *s, size_t len, int max_cols, bool ascii, char *out,
		     size_t outsize)
{
	struct wf_text_unit u;
	size_t o = 0;
	int cols = 0;
	if (outsize == 0)
		return 0;
	while (s && wf_text_next(s, len, ascii, &u)) {
		char tmp[16];
		size_t t = 0;
		if (max_cols >= 0 && cols + u.width > max_cols)
			break;
		if (u.placeholder) {
			if (ascii) {
				tmp[t++] = '?';
			} else {
				memcpy(tmp, WF_TEXT_PLACEHOLDER, 3);
				t = 3;
			}
		} else {
			for (int i = 0; i < u.n_cp; i++)
				t += utf8_encode(u.cp[i], tmp + t);
		}
		if (o + t + 1 > outsize)
			break;
		memcpy(out + o, tmp, t);
		o += t;
		cols += u.width;
		s += u.bytes;
		len -= u.bytes;
	}
	out[o] = '\0';
	return cols;
}

int wf_text_fputs(FILE *f, const char *s, int max_cols)
{
	char small[512];
	if (!s)
		return 0;
	size_t len = strlen(s);
	/* A placeholder (3 bytes) stands for at least one input byte. */
	size_t size = len * 3 + 1;
	char *out = size <= sizeof(small) ? small : malloc(size);
	if (!out)
		return -1;
	int cols = wf_text_sanitize(s, len, max_cols, wf_text_ascii_locale(), out, size);
	int rc = fputs(out, f) < 0 ? -1 : cols;
	if (out != small)
		free(out);
	return rc;
}
