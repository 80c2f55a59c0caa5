/* config.h - the config file ($XDG_CONFIG_HOME/watchfloor/config): where it is, the
 * one reader (wf_config_file_read: the dashboard reads it once at start and hands
 * the text to each part) and the one walk over its lines: every `key = value` line
 * whose key a part claims reaches that part's callback, trimmed, with its line
 * number. The notifier (notify_*), the wall (wall_*) and the watch rules (watch)
 * each take their keys this way and validate only their own. */
#ifndef WF_UTIL_CONFIG_H
#define WF_UTIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* The longest max_line wf_config_foreach accepts (a larger one is lowered to it). */
#define WF_CONFIG_LINE_MAX 4096

/* Flags of wf_config_foreach. */
/* A " #" in the value and what follows it are a comment and leave the value. */
#define WF_CONFIG_STRIP_COMMENT 0x1u
/* key_prefix is the whole key: `KEY [blanks] =` (so "watchdog = x" is not "watch");
 * without it any key that starts with key_prefix is claimed. */
#define WF_CONFIG_WHOLE_KEY 0x2u
/* The value keeps its leading blanks (trailing ones and a CR always go). */
#define WF_CONFIG_KEEP_LEADING 0x4u
/* A claimed line longer than max_line bytes (counted from its first non-blank) or
 * holding a NUL reaches fn with value NULL, so the part can call it bad. Without
 * this flag such lines are skipped unseen, and max_line counts the whole line. */
#define WF_CONFIG_REPORT_LONG 0x8u
/* Command lines instead: `WORD args...` (tig's `bind KEY ACTION`), where WORD is
 * key_prefix as a whole word followed by a blank or the end of the line, and the
 * first non-blank after it is not '='. fn gets key = WORD and value = the arguments,
 * trimmed ("" when none). */
#define WF_CONFIG_COMMAND 0x10u

/* Called for each claimed line: key and value are trimmed, NUL-terminated and
 * writable until fn returns; line counts from 1. Returns < 0 when the line is bad. */
typedef int (*wf_config_line_fn)(char *key, char *value, int line, void *ctx);

/* Walks text[0..len) line by line ('\n'; a trailing '\r' is a blank). A line is
 * claimed when, after leading blanks (space, tab), it starts with key_prefix and
 * holds a '='; the key is what comes before the first '=', the value what follows.
 * Lines that are not claimed are other parts' business and are skipped silently.
 * Returns the number of lines for which fn returned < 0. */
int wf_config_foreach(const char *text, size_t len, const char *key_prefix,
		      size_t max_line, unsigned flags, wf_config_line_fn fn, void *ctx);

/* Appends a '\n' (unless errs is empty) and the formatted message to errs, as much
 * as fits; nothing when errs is NULL or full. How parts gather their bad lines. */
void wf_config_errs_append(char *errs, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Drops leading spaces and tabs (returns the new start) and trailing spaces, tabs
 * and CRs (in place). */
char *wf_config_trim(char *s);

/* $XDG_CONFIG_HOME/watchfloor/config (or ~/.config/...) into buf; false if unknown. */
bool wf_config_path(char *buf, size_t size);

/* The most of a config file that is read. */
#define WF_CONFIG_FILE_MAX (256 * 1024)

/* A config file's text as read once. */
struct wf_config_file {
	char path[1024]; /* for messages ("FILE:LINE: ..."); "" when there is none */
	char *text;	 /* NULL when there is no file; not NUL-terminated */
	size_t len;
	char error[320]; /* why it could not be read ("PATH: reason"), "" when it was */
};

/* Reads path (NULL: wf_config_path()) into f, at most WF_CONFIG_FILE_MAX bytes. A
 * missing file (or no known path) is not an error: f->text stays NULL. Returns 0,
 * or -1 with "PATH: reason" in f->error (and in err, which may be NULL) when the
 * file cannot be read. f is always initialized (wf_config_file_free it). */
int wf_config_file_read(struct wf_config_file *f, const char *path, char *err,
			size_t errsize);
void wf_config_file_free(struct wf_config_file *f);

#endif
