/* keyseq.h - drops the escape sequences the terminal's terminfo does not know from
 * the keys read: a paste of coloured text or of an OSC 8 link arrives as ESC and its
 * bytes at once, and read as keys its ESC cancelled the form or prompt and the rest
 * ran as commands (D, then the y of "yes": a confirmed drop). */
#ifndef WF_TUI_KEYSEQ_H
#define WF_TUI_KEYSEQ_H

#include <stdbool.h>
#include <wchar.h>

struct wf_keyseq {
	int state; /* none, ESC held, in a CSI, in a string (OSC, DCS), ESC in it */
	int len;   /* bytes of the sequence so far (a runaway one ends at a limit) */
};

/* Feeds one key as read (is_key: a KEY_ code). ESC followed in the same read by [
 * (CSI), ] (OSC), P (DCS) or _ (APC) starts a sequence that is read to its end and
 * dropped. Writes the keys to act on to out (at most 2: a held ESC, then ch) and
 * returns how many. */
int wf_keyseq_feed(struct wf_keyseq *k, wint_t ch, bool is_key, wint_t out[2],
		   bool out_key[2]);

/* No more input for now: a held ESC is a real Esc (returns 1 and sets *out); a
 * sequence under way goes on with the next read (a long paste comes in pieces). */
int wf_keyseq_flush(struct wf_keyseq *k, wint_t *out);

#endif
