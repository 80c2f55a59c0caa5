/* app.h - the interactive dashboard: one thread, one loop. It waits on the network
 * client (curl_multi_poll), the terminal and a signal self-pipe with the nearest
 * deadline as timeout (next frame, next clock second, the client's timers); applies
 * what arrived; reads keys until none is left; and draws a frame only when something
 * changed, at most 20 a second. Idle means asleep. tui/main.c calls wf_app_run(). */
#ifndef WF_TUI_APP_H
#define WF_TUI_APP_H

#include "model/model.h"

struct wf_options;
struct wf_client;
struct wf_config_file;

/* Runs the dashboard until the officer quits or SIGINT/SIGTERM/SIGHUP. client may be
 * NULL (--replay: the model is already filled; nothing can be sent). config is the
 * config file as tui/main.c read it (may be NULL): the wall and the notifier take
 * their keys from it. The terminal is restored on return. Returns the exit status
 * (0). */
int wf_app_run(const struct wf_options *opt, const struct wf_config_file *config,
	       struct wf_client *client, struct wf_model *model);

#endif
