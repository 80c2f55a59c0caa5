/* batch_export.h - the debrief export through the client: start the fetch, finish
 * it (render and write), and the whole `--batch --export` run. Shared by the batch
 * mode and the dashboard's :export. */
#ifndef WF_TUI_BATCH_EXPORT_H
#define WF_TUI_BATCH_EXPORT_H

#include <stddef.h>

#include "net/client.h"
#include "tui/export.h"
#include "tui/options.h"

/* Starts the GET of the incident's record (or bundle): 0, or -1 (bad id, a fetch
 * already running, out of memory). */
int wf_export_fetch_start(struct wf_client *client, const char *incident_id,
			  enum wf_export_format f);
/* Once the client said WF_CLIENT_EV_FETCHED: renders the answer and writes path
 * ("-": stdout). 0, or -1 with msg set (untrusted parts still to sanitize) and
 * *status the HTTP status (0: no answer). */
int wf_export_finish(struct wf_client *client, enum wf_export_format f,
		     const char *path, char *msg, size_t msgsize, long *status);
/* The whole --batch --export run: exit status 0, 1 (failed), 2 (bad format), 3
 * (the token was refused). */
int wf_batch_export(const struct wf_options *o, struct wf_client *client, int sigfd);

#endif
