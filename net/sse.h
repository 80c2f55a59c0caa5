/* sse.h - a byte-exact parser of the WHATWG "text/event-stream" format, fed
 * arbitrary chunks. It decodes UTF-8 (one leading BOM stripped, invalid bytes turned
 * into U+FFFD), splits lines on CR, LF or CRLF (also across chunks), and dispatches one
 * callback per event. Lines and events are capped: an oversize event is dropped and
 * counted as an error; the stream goes on. No I/O, no allocation beyond its buffers. */
#ifndef WF_NET_SSE_H
#define WF_NET_SSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WF_SSE_DEFAULT_MAX (1024 * 1024)

/* One dispatched event. The strings are NUL-terminated (data may contain NUL bytes
 * before its end: use data_len) and valid only during the callback. */
struct wf_sse_event {
	const char *type; /* "message" when the stream gave none */
	size_t type_len;
	const char *data; /* the data lines joined with LF, the final LF removed */
	size_t data_len;
	const char *id;   /* the last event ID (empty string when none) */
	size_t id_len;
};

/* Returns 0 to go on; anything else stops wf_sse_feed(), which returns it. */
typedef int (*wf_sse_event_fn)(void *userdata, const struct wf_sse_event *ev);

enum wf_sse_error {
	WF_SSE_OK,
	WF_SSE_LINE_TOO_LONG,  /* a line over max_line: its event is dropped */
	WF_SSE_EVENT_TOO_LARGE, /* data over max_event: the event is dropped */
	WF_SSE_NO_MEMORY,      /* an allocation failed: the event is dropped */
};

struct wf_sse_buf {
	char *p;
	size_t n, cap;
};

struct wf_sse_parser {
	wf_sse_event_fn on_event;
	void *userdata;
	size_t max_line, max_event;

	/* UTF-8 decoder */
	unsigned char pend[4];
	unsigned char pend_n, needed, lower, upper;
	bool started; /* the first code point was seen (BOM check done) */
	bool last_cr; /* the previous character was CR: a following LF is swallowed */

	struct wf_sse_buf line, data, type, id_buf, last_id;
	bool line_over;   /* the current line passed max_line: dropped */
	bool event_bad;   /* the current event is dropped at dispatch */
	enum wf_sse_error event_err;

	/* Results, for the caller. */
	bool retry_set;   /* a valid retry: field was seen */
	int64_t retry_ms; /* its value */
	uint64_t events;  /* events dispatched */
	uint64_t comments; /* comment lines (heartbeats) */
	uint64_t errors;  /* events dropped for size or memory */
	enum wf_sse_error last_error;
};

/* max_line / max_event 0 mean WF_SSE_DEFAULT_MAX. */
void wf_sse_init(struct wf_sse_parser *p, size_t max_line, size_t max_event,
		 wf_sse_event_fn on_event, void *userdata);
void wf_sse_free(struct wf_sse_parser *p);
/* Feeds a chunk. Returns 0, or the first non-zero value a callback returned. */
int wf_sse_feed(struct wf_sse_parser *p, const void *buf, size_t len);
/* Starts a new stream (a reconnect): forgets the partial line and event, the UTF-8
 * state and the BOM check, but keeps the last event ID and the counters. */
void wf_sse_restart(struct wf_sse_parser *p);
/* The last event ID committed so far ("" when none); what Last-Event-ID sends. */
const char *wf_sse_last_id(const struct wf_sse_parser *p);
/* Sets the last event ID (e.g. from a snapshot's cursor). */
void wf_sse_set_last_id(struct wf_sse_parser *p, const char *id);
const char *wf_sse_error_name(enum wf_sse_error e);

#endif
