/* replay.h - applies a recorded file of events (NDJSON: one envelope a line, the
 * same objects as SSE data lines) to a model, without a server. */
#ifndef WF_NET_REPLAY_H
#define WF_NET_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct wf_replay_stats {
	uint64_t lines;   /* non-empty lines read */
	uint64_t applied; /* events that changed the state */
	uint64_t bad;     /* lines that did not decode (skipped) */
	int64_t last_time; /* the newest event time (Unix ms) */
	char first_error[256];
};

/* Reads path ("-" for stdin) to the end. Lines over 2 MiB count as bad. Returns 0,
 * or -1 when the file cannot be read (message in err). */
int wf_replay_file(const char *path, struct wf_model *m, struct wf_replay_stats *st,
		   char *err, size_t errsize);

#endif
