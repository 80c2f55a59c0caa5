/* harness.h - a headless screen for rendering tests: the dashboard's UI (tui/ui.h),
 * or another screen (tui/screen.h: the wall) put in h->screen, on an ncurses SCREEN made with newterm() writing to a temporary file, so tests
 * can count and inspect the exact bytes each frame sends to the terminal, read the
 * screen back cell by cell, feed keys and fill the model from JSON envelopes. */
#ifndef WF_TEST_HARNESS_H
#define WF_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <curses.h>

#include "model/model.h"
#include "tui/ui.h"

struct wf_harness {
	SCREEN *screen;
	FILE *out, *in;
	struct wf_model *model;
	struct wf_ui ui;
	struct wf_screen active; /* what frames, keys and resizes go to: the ui by default */
	struct wf_outbox *outbox;
	char state_dir[64];
	long out_pos;       /* bytes of the output file already looked at */
	char *frame;        /* the bytes of the last frame (NUL-terminated copy) */
	size_t frame_len;
};

/* Opens a rows x cols xterm-256color screen in the C.UTF-8 locale and a UI on an
 * empty model. with_outbox: a real outbox in a temporary folder (hold 5 s).
 * Returns 0 or -1. */
int wf_harness_open(struct wf_harness *h, int rows, int cols, bool read_only,
		    bool with_outbox);
void wf_harness_close(struct wf_harness *h);
/* Decodes one envelope (printf-style) and applies it; -1 when it does not decode. */
int wf_harness_apply(struct wf_harness *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Sets the time, draws a frame if the UI wants one (force: always), and returns the
 * bytes it wrote to the terminal (kept in h->frame). */
size_t wf_harness_frame(struct wf_harness *h, int64_t now, bool force);
/* Feeds one key (a character or, with is_key, a KEY_* code). */
unsigned wf_harness_key(struct wf_harness *h, int ch, bool is_key);
/* Feeds a UTF-8 string as characters. */
void wf_harness_type(struct wf_harness *h, const char *s);
/* Resizes the virtual terminal. */
void wf_harness_resize(struct wf_harness *h, int rows, int cols);
/* Row y of the virtual screen as UTF-8 (wide characters once, empty cells as
 * spaces) into buf. */
void wf_harness_row(struct wf_harness *h, int y, char *buf, size_t size);
/* True when some row of the screen contains needle. */
bool wf_harness_find(struct wf_harness *h, const char *needle);
/* True when the last frame's bytes contain the n bytes at needle. */
bool wf_harness_frame_has(const struct wf_harness *h, const void *needle, size_t n);

#endif
