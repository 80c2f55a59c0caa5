/* demo.h - `--demo`: a private watchfloord started beside the dashboard, simulating
 * the Christchurch-like scenario, with a fresh officer token in a temporary folder.
 * The server dies with the dashboard (stopped on exit, and PR_SET_PDEATHSIG if the
 * dashboard is killed). */
#ifndef WF_TUI_DEMO_H
#define WF_TUI_DEMO_H

#include <stddef.h>
#include <sys/types.h>

/* The demo officer's organisation (the tokens file's fourth column): none of the
 * scenario's simulated platforms, so its vote counts beside theirs. */
#define WF_DEMO_ORG "p-desk"

struct wf_demo {
	pid_t pid;       /* the server, 0 when not running */
	int out_fd;      /* the server's stdout (kept open) */
	char dir[256];   /* the temporary folder */
	char url[128];   /* where it listens */
	char token[65];  /* the officer token (never shown) */
};

/* Finds watchfloord beside the running binary and the scenario (util/paths.h),
 * starts the server and waits for its "listening on" line. at_s > 0: the incident
 * opens at_s seconds in, its past already written back-dated (watchfloord
 * --start-at), and goes on in real time; 0: from its start at 60x. Returns 0, or -1
 * with a message in err (the server's log is named when it helps). */
int wf_demo_start(struct wf_demo *d, int at_s, char *err, size_t errsize);
/* Stops the server (SIGTERM, then SIGKILL after 3 s), reaps it, removes the folder. */
void wf_demo_stop(struct wf_demo *d);

#endif
