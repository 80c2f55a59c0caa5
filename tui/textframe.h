/* textframe.h - plain-text frames of the dashboard for `--batch` without `--json`
 * (like `top -b`): a header line (time, connection, data age, lag, events/s,
 * cursor), then incidents, platforms, the propagation of the top incident and the
 * pending decisions, from the same model views and labels the panes use, every
 * untrusted string sanitized and clipped by display columns.
 *
 * For tui/batch.c: call wf_text_frame(m, wf_client_now_ms(), 120, stdout) once per
 * iteration (width: $COLUMNS or 120); it ends with an empty line. */
#ifndef WF_TUI_TEXTFRAME_H
#define WF_TUI_TEXTFRAME_H

#include <stdint.h>
#include <stdio.h>

#include "model/model.h"

/* Writes one frame of at most `width` columns a line (minimum 60). Returns 0, or -1
 * on a write error. */
int wf_text_frame(const struct wf_model *m, int64_t now, int width, FILE *out);

#endif
