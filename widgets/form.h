/* form.h - a small modal form: labelled fields (one-line text, multi-line text,
 * whole numbers, and enums chosen from their values), Tab / Shift-Tab between them,
 * validation messages in place, Esc cancels, and a summary to confirm before the
 * caller sends anything. Knows nothing of the domain: the caller names the fields,
 * gives the enum values and checks what only it can check (a validate hook). */
#ifndef WF_WIDGETS_FORM_H
#define WF_WIDGETS_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

#include <curses.h>

#define WF_FORM_FIELDS_MAX 16
#define WF_FORM_ERR_MAX 120

enum wf_field_kind {
	WF_FIELD_TEXT,	    /* one line */
	WF_FIELD_MULTILINE, /* Enter breaks the line; Tab leaves */
	WF_FIELD_NUMBER,    /* digits, between min and max */
	WF_FIELD_ENUM,	    /* one of its values: Left/Right/Space, or a first letter */
};

enum {
	WF_FIELD_REQUIRED = 1 << 0, /* empty is an error */
};

struct wf_form_field {
	const char *name;  /* the caller's key (not shown) */
	const char *label; /* shown left of the value */
	enum wf_field_kind kind;
	unsigned flags;
	bool hidden;	  /* not shown, not validated, not in the summary */
	char *buf;	  /* the value (text, number digits); owned by the form */
	size_t max_bytes; /* of buf's text, without the NUL */
	size_t cursor;	  /* byte offset in buf */
	int rows;	  /* multi-line: rows shown */
	long min, max;	  /* number */
	const char *const *values; /* enum values (not copied: must outlive the form) */
	const char *const *shown;  /* enum values as shown, or NULL: the values */
	int n_values;
	int choice;
	const char *hint; /* dim text after the value, or NULL */
	char error[WF_FORM_ERR_MAX];
};

enum wf_form_mode { WF_FORM_EDIT, WF_FORM_SUMMARY };

/* What a key did. */
enum wf_form_result {
	WF_FORM_NONE,	 /* the key meant nothing here */
	WF_FORM_CHANGED, /* redraw */
	WF_FORM_SUBMIT,	 /* confirmed on the summary: the caller sends, then frees */
	WF_FORM_CANCEL,	 /* Esc: the caller frees it, nothing is sent */
};

struct wf_form;
/* The caller's own checks, run before the summary: wf_form_set_error() on each bad
 * field. The form then stays in editing on the first field with an error. */
typedef void (*wf_form_validate_fn)(struct wf_form *f, void *arg);
/* Called after every change of a value (to hide or show fields that depend on it). */
typedef void (*wf_form_changed_fn)(struct wf_form *f, int field, void *arg);

struct wf_form {
	char title[120];
	char note[200]; /* shown on the summary (e.g. what happens after sending) */
	struct wf_form_field fields[WF_FORM_FIELDS_MAX];
	int n;
	int focus;
	enum wf_form_mode mode;
	wf_form_validate_fn validate;
	wf_form_changed_fn changed;
	void *arg;
	int label_cols; /* widest label */
};

/* Colours come from the caller (widgets know no theme). */
struct wf_form_style {
	int border, title, label, value, focus, error, dim;
	bool ascii;
};

void wf_form_init(struct wf_form *f, const char *title);
void wf_form_free(struct wf_form *f);
/* Adders return the field's index, or -1 (too many fields, out of memory). */
int wf_form_add_text(struct wf_form *f, const char *name, const char *label,
		     size_t max_bytes, unsigned flags);
int wf_form_add_multiline(struct wf_form *f, const char *name, const char *label,
			  size_t max_bytes, int rows, unsigned flags);
int wf_form_add_number(struct wf_form *f, const char *name, const char *label, long min,
		       long max, long initial);
/* values[0..n) must outlive the form; shown may be NULL. */
int wf_form_add_enum(struct wf_form *f, const char *name, const char *label,
		     const char *const *values, const char *const *shown, int n,
		     int initial);

/* The field called name, or -1. */
int wf_form_find(const struct wf_form *f, const char *name);
/* Sets a text or number field's value (cut at max_bytes on a character boundary,
 * cursor at the end) or picks an enum's value by name (ignored when absent). */
void wf_form_set(struct wf_form *f, const char *name, const char *value);
/* A field's value: its text, its number's digits, its enum's value. "" when the
 * field is absent or hidden. */
const char *wf_form_get(const struct wf_form *f, const char *name);
long wf_form_get_number(const struct wf_form *f, const char *name);
void wf_form_set_hidden(struct wf_form *f, const char *name, bool hidden);
void wf_form_set_hint(struct wf_form *f, const char *name, const char *hint);
void wf_form_set_error(struct wf_form *f, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void wf_form_set_hooks(struct wf_form *f, wf_form_validate_fn validate,
		       wf_form_changed_fn changed, void *arg);
void wf_form_set_note(struct wf_form *f, const char *note);

/* Runs the built-in checks (required, number range, enum) and the validate hook.
 * Returns the number of fields with an error; focus moves to the first one. */
int wf_form_check(struct wf_form *f);

/* One key (is_key: a KEY_* code). In editing: Tab / Down / Enter (one-line fields)
 * next field, Shift-Tab / Up previous (in a multi-line field Up and Down move
 * between its lines first), Left / Right / Home / End / Backspace /
 * Delete / Ctrl-U edit, Enter on the last field or Ctrl-D (or F10) checks and opens the
 * summary, Esc cancels. On the summary: Enter or y submits, e / Backspace / Shift-Tab
 * go back to editing, Esc cancels. */
enum wf_form_result wf_form_key(struct wf_form *f, wint_t ch, bool is_key);

/* Rows the form needs to show every field (frame included), for placing it. */
int wf_form_height(const struct wf_form *f);
/* Draws the form (editing or summary) over the whole of w, framed. All values go
 * through the sanitizer (widgets/text.h): they may hold untrusted prefills. */
void wf_form_draw(const struct wf_form *f, WINDOW *w, const struct wf_form_style *st);

#endif
