/* replay.c - NDJSON replay: each line is decoded as an envelope and applied; bad
 * lines are counted and skipped like bad events on a stream. */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/decode.h"

#define REPLAY_LINE_MAX (2u << 20)

int wf_replay_file(const char *path, struct wf_model *m, struct wf_replay_stats *st,
		   char *err, size_t errsize)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	memset(st, 0, sizeof(*st));
	if (!f) {
		snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		st->lines++;
		struct wf_event ev;
		struct wf_decode_error de;
		if ((size_t)n > REPLAY_LINE_MAX) {
			snprintf(de.msg, sizeof(de.msg), "line too long");
		} else if (wf_decode_envelope(line, (size_t)n, &ev, &de) == 0) {
			if (ev.time > st->last_time)
				st->last_time = ev.time;
			if (wf_model_apply(m, &ev) == WF_APPLY_CHANGED)
				st->applied++;
			wf_event_clear(&ev);
			continue;
		}
		if (st->bad++ == 0)
			snprintf(st->first_error, sizeof(st->first_error),
				 "line %llu: %s", (unsigned long long)st->lines,
				 de.msg);
	}
	free(line);
	int rc = ferror(f) ? -1 : 0;
	if (rc)
		snprintf(err, errsize, "reading %s failed", path);
	if (f != stdin)
		fclose(f);
	return rc;
}
