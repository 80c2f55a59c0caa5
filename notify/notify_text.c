/* notify_text.c - the text side of notifications, pure: sanitizing untrusted text
 * (through widgets/text.h, the project's one sanitizer), escaping markup for the
 * notification server, and formatting terminal notifications (OSC 777, OSC 9, bell,
 * tmux passthrough). */
#include "notify.h"

#include <string.h>

#include "widgets/sanitize.h"

void wf_notify_sanitize(const char *s, char *out, size_t outsize, int max_cols)
{
	if (!outsize)
		return;
	if (!s) {
		out[0] = '\0';
		return;
	}
	wf_text_sanitize(s, strlen(s), max_cols, false, out, outsize);
}

void wf_notify_escape_markup(const char *s, char *out, size_t outsize)
{
	size_t n = 0;
	if (!outsize)
		return;
	for (; s && *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		case '"':
			rep = "&quot;";
			break;
		}
		size_t l = rep ? strlen(rep) : 1;
		if (n + l + 1 > outsize)
			break;
		/* Never cut a UTF-8 sequence: stop before a lead byte whose sequence
		 * does not fit. */
		if (!rep && ((unsigned char)*s & 0xC0) == 0xC0) {
			size_t seq = ((unsigned char)*s & 0xE0) == 0xC0	  ? 2
				     : ((unsigned char)*s & 0xF0) == 0xE0 ? 3
									  : 4;
			if (n + seq + 1 > outsize)
				break;
		}
		if (rep)
			memcpy(out + n, rep, l);
		else
			out[n] = *s;
		n += l;
	}
	out[n] = '\0';
}

/* Appends src to out at *n with ';' (the OSC field separator) as ',' and any
 * remaining control byte (there should be none after sanitizing) as ' '. */
static void put_field(char *out, size_t outsize, size_t *n, const char *src)
{
	for (; *src && *n + 1 < outsize; src++) {
		unsigned char c = (unsigned char)*src;
		out[(*n)++] = c == ';' ? ',' : (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
	}
	out[*n] = '\0';
}

static void put(char *out, size_t outsize, size_t *n, const char *s)
{
	size_t l = strlen(s);
	if (*n + l + 1 > outsize)
		l = outsize - *n - 1;
	memcpy(out + *n, s, l);
	*n += l;
	out[*n] = '\0';
}

size_t wf_notify_format_terminal(enum wf_notify_fallback fb, bool tmux, bool bell,
				 const char *summary, const char *body, char *out,
				 size_t outsize)
{
	char seq[4096];
	size_t n = 0;
	if (!outsize)
		return 0;
	out[0] = seq[0] = '\0';
	switch (fb) {
	case WF_FALLBACK_OSC777:
		put(seq, sizeof seq, &n, "\033]777;notify;");
		put_field(seq, sizeof seq - 3, &n, summary);
		put(seq, sizeof seq, &n, ";");
		put_field(seq, sizeof seq - 3, &n, body ? body : "");
		put(seq, sizeof seq, &n, "\033\\");
		break;
	case WF_FALLBACK_OSC9:
		put(seq, sizeof seq, &n, "\033]9;");
		put_field(seq, sizeof seq - 3, &n, summary);
		if (body && *body) {
			put(seq, sizeof seq, &n, ": ");
			put_field(seq, sizeof seq - 3, &n, body);
		}
		put(seq, sizeof seq, &n, "\033\\");
		break;
	case WF_FALLBACK_BELL:
		bell = true;
		break;
	case WF_FALLBACK_NONE:
		return 0;
	}
	size_t o = 0;
	if (n) {
		if (tmux) {
			/* DCS tmux; <sequence with every ESC doubled> ST. Needs tmux's
			 * allow-passthrough; the bell below works without it. */
			put(out, outsize, &o, "\033Ptmux;");
			for (size_t i = 0; i < n && o + 4 < outsize; i++) {
				if (seq[i] == '\033')
					out[o++] = '\033';
				out[o++] = seq[i];
			}
			out[o] = '\0';
			put(out, outsize, &o, "\033\\");
		} else {
			put(out, outsize, &o, seq);
		}
	}
	if (bell)
		put(out, outsize, &o, "\a");
	return o;
}
