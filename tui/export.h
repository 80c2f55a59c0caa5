/* export.h - the debrief exports of the dashboard (`--batch --export`, `:export`):
 * the formats, the file name when none is given, turning the backend's answer into
 * the file's bytes (Markdown rendered here from the record, JSON and STIX checked
 * and re-serialised) and writing it in one piece. No curses, no network: the
 * request is net/'s (wf_request_export), the fetch the client's. */
#ifndef WF_TUI_EXPORT_H
#define WF_TUI_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

enum wf_export_format { WF_EXPORT_MD, WF_EXPORT_JSON, WF_EXPORT_STIX };

/* "md" (or "markdown"), "json", "stix". */
bool wf_export_format_parse(const char *s, enum wf_export_format *out);
const char *wf_export_format_name(enum wf_export_format f);
/* Whether the format is served by /v1/incidents/{id}/stix (else /record). */
bool wf_export_is_stix(enum wf_export_format f);

/* "watchfloor-INC-20261126T043000Z.md" (".json", ".stix.json") into buf. */
void wf_export_default_name(const char *incident_id, enum wf_export_format f,
			    int64_t now_ms, char *buf, size_t size);

/* The file's bytes from the backend's answer body: the record as Markdown, the
 * record or the bundle as indented JSON. 0 with *out (malloc'd) and *outlen, or -1
 * with err set (not JSON, not a record / bundle, out of memory). */
int wf_export_render(enum wf_export_format f, const char *body, size_t len, char **out,
		     size_t *outlen, char *err, size_t errsize);

/* The record as Markdown (export_md.c): every text from the record escaped.
 * Returns a malloc'd string (length in *len), or NULL when out of memory. */
char *wf_export_markdown(json_t *record, size_t *len);

/* Writes data to path in one piece (a temporary file beside it, fsync, rename);
 * "-" is stdout. 0, or -1 with err set. */
int wf_export_write(const char *path, const char *data, size_t len, char *err,
		    size_t errsize);

#endif
