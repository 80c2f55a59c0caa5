/* batch.h - headless modes: `--batch --json` prints the client's state as one JSON
 * object a line (shape in docs/cli.md); plain `--batch` prints a short text frame.
 * Also the headless outbox use (--resolve) the integration tests rely on. */
#ifndef WF_TUI_BATCH_H
#define WF_TUI_BATCH_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "model/model.h"
#include "net/client.h"
#include "tui/options.h"

/* Runs the batch loop: waits for the first sync (at most 30 s, then prints anyway),
 * prints, then prints every interval until iterations are done or sigfd (a self-pipe,
 * -1 for none) becomes readable. client NULL: replay (the model is already filled).
 * Returns the exit status: 0, 1 (a --resolve failed), 3 (auth failed / stopped). */
int wf_batch_run(const struct wf_options *o, struct wf_client *client,
		 struct wf_model *m, int sigfd);

/* The state as a JSON object (the caller json_decref()s it). client may be NULL. */
json_t *wf_batch_state_json(const struct wf_model *m, struct wf_client *client,
			    int64_t now_ms);

#endif
