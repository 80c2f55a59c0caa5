/* watch.h - watch rules: a PCRE2 pattern on one field of incoming data (incident
 * title, report text, platform, hash value) and what to do on a match (notify,
 * highlight, bell). Rules come from `watch = FIELD /PATTERN/FLAGS ACTIONS` lines of
 * the config file (docs/notifications.md). Patterns compile in UTF mode with match
 * and depth limits, so a hostile subject or a careless pattern cannot stall the
 * loop. No curses, no I/O except wf_watch_rules_load(). */
#ifndef WF_NOTIFY_WATCH_H
#define WF_NOTIFY_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#define WF_WATCH_FIELDS(X)                                                             \
	X(TITLE, "title")	/* incident title */                                   \
	X(REPORT, "report")	/* report text */                                      \
	X(PLATFORM, "platform") /* platform id or name (signals, reports) */           \
	X(HASH, "hash")		/* signal hash value */                                \
	X(UNMATCHED, "unmatched") /* platform name or id of an upload no signal matched */

#define WF_WATCH_FIELD_MEMBER(N, S) WF_WATCH_##N,
enum wf_watch_field { WF_WATCH_FIELDS(WF_WATCH_FIELD_MEMBER) WF_WATCH__COUNT };

/* Actions, a bit mask. */
enum {
	WF_WATCH_NOTIFY = 1 << 0,    /* a desktop/terminal notification */
	WF_WATCH_HIGHLIGHT = 1 << 1, /* the dashboard highlights the row */
	WF_WATCH_BELL = 1 << 2,	     /* the terminal bell */
};

/* Limits applied to every match. */
#define WF_WATCH_MATCH_LIMIT 100000
#define WF_WATCH_DEPTH_LIMIT 1000
#define WF_WATCH_PATTERN_MAX 1000
#define WF_WATCH_RULES_MAX 256

struct wf_watch_rules;

struct wf_watch_rules *wf_watch_rules_new(void);
void wf_watch_rules_free(struct wf_watch_rules *r);
size_t wf_watch_rules_count(const struct wf_watch_rules *r);

/* Adds one rule from the value of a `watch =` line: FIELD /PATTERN/FLAGS [ACTIONS].
 * FLAGS: i (caseless), x (extended). ACTIONS: notify, highlight, bell separated by
 * commas (default "notify,highlight"). `file` and `line` are for the message only.
 * Returns 0, or -1 with "FILE:LINE: message" in err and nothing added. */
int wf_watch_add(struct wf_watch_rules *r, const char *value, const char *file,
		 int line, char *err, size_t errsize);

/* Reads config text: every `watch = ...` line is added, other keys are ignored
 * (they belong to other modules). Every bad rule is reported (one message a line,
 * joined with '\n' into errs, as much as fits) and the rest still load. Returns the
 * number of bad rules. */
int wf_watch_rules_parse(struct wf_watch_rules *r, const char *text, size_t len,
			 const char *file, char *errs, size_t errsize);
/* Same from a file read with util/config.h's reader; a missing file is not an
 * error (returns 0). -1 when it cannot be read. */
int wf_watch_rules_load(struct wf_watch_rules *r, const char *path, char *errs,
			size_t errsize);

/* The actions of every rule on `field` whose pattern matches text[0..len) (OR'ed);
 * 0 when none. Invalid UTF-8 in text is allowed (it never matches across). A match
 * that hits a limit counts as no match (see wf_watch_errors). first_rule, if not
 * NULL, gets the index of the first matching rule. Not thread-safe (one match data
 * per rule). */
unsigned wf_watch_match(const struct wf_watch_rules *r, enum wf_watch_field field,
			const char *text, size_t len);
unsigned wf_watch_match_ex(const struct wf_watch_rules *r, enum wf_watch_field field,
			   const char *text, size_t len, size_t *first_rule);
/* True when some rule looks at `field` (lets callers skip work). */
bool wf_watch_has_field(const struct wf_watch_rules *r, enum wf_watch_field field);
/* The source line and pattern text of rule i (for messages). */
int wf_watch_rule_line(const struct wf_watch_rules *r, size_t i);
const char *wf_watch_rule_pattern(const struct wf_watch_rules *r, size_t i);
/* Matches that failed with a limit or other error since creation. */
unsigned long wf_watch_errors(const struct wf_watch_rules *r);

const char *wf_watch_field_name(enum wf_watch_field f);

#endif
