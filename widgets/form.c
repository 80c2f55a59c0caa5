/* form.c - the form widget's fields, editing keys and validation (see form.h);
 * drawing is in form_draw.c. Values are UTF-8, edited a code point at a time. */
#include "form.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "text.h"

#define KEY_TAB '\t'
#define KEY_ESC_CHAR 27
#define CTRL(c) ((c)&0x1f)

void wf_form_init(struct wf_form *f, const char *title)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->title, sizeof(f->title), "%s", title ? title : "");
}

void wf_form_free(struct wf_form *f)
{
	for (int i = 0; i < f->n; i++)
		free(f->fields[i].buf);
	memset(f, 0, sizeof(*f));
}

static int add_field(struct wf_form *f, const char *name, const char *label,
		     enum wf_field_kind kind, size_t max_bytes, unsigned flags)
{
	if (f->n >= WF_FORM_FIELDS_MAX)
		return -1;
	struct wf_form_field *fl = &f->fields[f->n];
	memset(fl, 0, sizeof(*fl));
	fl->buf = calloc(1, max_bytes + 1);
	if (!fl->buf)
		return -1;
	fl->name = name;
	fl->label = label;
	fl->kind = kind;
	fl->flags = flags;
	fl->max_bytes = max_bytes;
	fl->rows = 1;
	int w = wf_text_width(label);
	if (w > f->label_cols)
		f->label_cols = w;
	return f->n++;
}

int wf_form_add_text(struct wf_form *f, const char *name, const char *label,
		     size_t max_bytes, unsigned flags)
{
	return add_field(f, name, label, WF_FIELD_TEXT, max_bytes, flags);
}

int wf_form_add_multiline(struct wf_form *f, const char *name, const char *label,
			  size_t max_bytes, int rows, unsigned flags)
{
	int i = add_field(f, name, label, WF_FIELD_MULTILINE, max_bytes, flags);
	if (i >= 0)
		f->fields[i].rows = rows < 1 ? 1 : rows;
	return i;
}

int wf_form_add_number(struct wf_form *f, const char *name, const char *label, long min,
		       long max, long initial)
{
	int i = add_field(f, name, label, WF_FIELD_NUMBER, 20, WF_FIELD_REQUIRED);
	if (i < 0)
		return -1;
	f->fields[i].min = min;
	f->fields[i].max = max;
	snprintf(f->fields[i].buf, 21, "%ld", initial);
	f->fields[i].cursor = strlen(f->fields[i].buf);
	return i;
}

int wf_form_add_enum(struct wf_form *f, const char *name, const char *label,
		     const char *const *values, const char *const *shown, int n,
		     int initial)
{
	if (n < 1)
		return -1;
	int i = add_field(f, name, label, WF_FIELD_ENUM, 0, 0);
	if (i < 0)
		return -1;
	f->fields[i].values = values;
	f->fields[i].shown = shown;
	f->fields[i].n_values = n;
	f->fields[i].choice = initial >= 0 && initial < n ? initial : 0;
	return i;
}

int wf_form_find(const struct wf_form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return i;
	return -1;
}

/* The length of s cut to at most max bytes on a code point boundary. */
static size_t cut_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void wf_form_set(struct wf_form *f, const char *name, const char *value)
{
	int i = wf_form_find(f, name);
	if (i < 0 || !value)
		return;
	struct wf_form_field *fl = &f->fields[i];
	if (fl->kind == WF_FIELD_ENUM) {
		for (int k = 0; k < fl->n_values; k++)
			if (strcmp(fl->values[k], value) == 0)
				fl->choice = k;
		return;
	}
	size_t n = cut_utf8(value, fl->max_bytes);
	memcpy(fl->buf, value, n);
	fl->buf[n] = '\0';
	fl->cursor = n;
}

const char *wf_form_get(const struct wf_form *f, const char *name)
{
	int i = wf_form_find(f, name);
	if (i < 0 || f->fields[i].hidden)
		return "";
	const struct wf_form_field *fl = &f->fields[i];
	if (fl->kind == WF_FIELD_ENUM)
		return fl->values[fl->choice];
	return fl->buf;
}

long wf_form_get_number(const struct wf_form *f, const char *name)
{
	return strtol(wf_form_get(f, name), NULL, 10);
}

void wf_form_set_hidden(struct wf_form *f, const char *name, bool hidden)
{
	int i = wf_form_find(f, name);
	if (i >= 0)
		f->fields[i].hidden = hidden;
}

void wf_form_set_hint(struct wf_form *f, const char *name, const char *hint)
{
	int i = wf_form_find(f, name);
	if (i >= 0)
		f->fields[i].hint = hint;
}

void wf_form_set_error(struct wf_form *f, const char *name, const char *fmt, ...)
{
	int i = wf_form_find(f, name);
	if (i < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->fields[i].error, WF_FORM_ERR_MAX, fmt, ap);
	va_end(ap);
}

void wf_form_set_hooks(struct wf_form *f, wf_form_validate_fn validate,
		       wf_form_changed_fn changed, void *arg)
{
	f->validate = validate;
	f->changed = changed;
	f->arg = arg;
}

void wf_form_set_note(struct wf_form *f, const char *note)
{
	snprintf(f->note, sizeof(f->note), "%s", note ? note : "");
}

/* True when s holds nothing but spaces and line breaks. */
static bool blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\n')
			return false;
	return true;
}

static void check_builtin(struct wf_form_field *fl)
{
	fl->error[0] = '\0';
	if (fl->hidden)
		return;
	if (fl->kind == WF_FIELD_NUMBER) {
		char *end;
		errno = 0;
		long v = strtol(fl->buf, &end, 10);
		if (!fl->buf[0] || *end || errno)
			snprintf(fl->error, WF_FORM_ERR_MAX, "a whole number, %ld..%ld",
				 fl->min, fl->max);
		else if (v < fl->min || v > fl->max)
			snprintf(fl->error, WF_FORM_ERR_MAX, "must be %ld..%ld",
				 fl->min, fl->max);
		return;
	}
	if (fl->kind != WF_FIELD_ENUM && (fl->flags & WF_FIELD_REQUIRED) &&
	    blank(fl->buf))
		snprintf(fl->error, WF_FORM_ERR_MAX, "required");
}

int wf_form_check(struct wf_form *f)
{
	for (int i = 0; i < f->n; i++)
		check_builtin(&f->fields[i]);
	if (f->validate)
		f->validate(f, f->arg);
	int bad = 0, first = -1;
	for (int i = 0; i < f->n; i++) {
		if (f->fields[i].hidden)
			f->fields[i].error[0] = '\0';
		if (f->fields[i].error[0]) {
			bad++;
			if (first < 0)
				first = i;
		}
	}
	if (first >= 0)
		f->focus = first;
	return bad;
}

/* The next (dir 1) or previous (-1) visible field from `from`, wrapping; from if
 * none. */
static int step_visible(const struct wf_form *f, int from, int dir)
{
	for (int k = 1; k <= f->n; k++) {
		int i = ((from + dir * k) % f->n + f->n) % f->n;
		if (!f->fields[i].hidden)
			return i;
	}
	return from;
}

static bool last_visible(const struct wf_form *f, int i)
{
	for (int k = i + 1; k < f->n; k++)
		if (!f->fields[k].hidden)
			return false;
	return true;
}

static void move_focus(struct wf_form *f, int dir)
{
	int from = f->focus;
	/* leaving a field checks it alone, so its message shows in place at once */
	if (from >= 0 && from < f->n && f->fields[from].buf[0])
		check_builtin(&f->fields[from]);
	f->focus = step_visible(f, from, dir);
}

static void changed(struct wf_form *f, int i)
{
	f->fields[i].error[0] = '\0';
	if (f->changed)
		f->changed(f, i, f->arg);
	if (f->fields[f->focus].hidden)
		f->focus = step_visible(f, f->focus, 1);
}

static enum wf_form_result open_summary(struct wf_form *f)
{
	if (wf_form_check(f) > 0)
		return WF_FORM_CHANGED;
	f->mode = WF_FORM_SUMMARY;
	return WF_FORM_CHANGED;
}

static void insert_text(struct wf_form_field *fl, const char *s, size_t n)
{
	size_t len = strlen(fl->buf);
	if (len + n > fl->max_bytes)
		return;
	memmove(fl->buf + fl->cursor + n, fl->buf + fl->cursor, len - fl->cursor + 1);
	memcpy(fl->buf + fl->cursor, s, n);
	fl->cursor += n;
}

static size_t prev_cp(const char *s, size_t at)
{
	while (at > 0) {
		at--;
		if (((unsigned char)s[at] & 0xC0) != 0x80)
			break;
	}
	return at;
}

static size_t next_cp(const char *s, size_t at)
{
	if (!s[at])
		return at;
	at++;
	while (s[at] && ((unsigned char)s[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void delete_range(struct wf_form_field *fl, size_t from, size_t to)
{
	size_t len = strlen(fl->buf);
	memmove(fl->buf + from, fl->buf + to, len - to + 1);
	fl->cursor = from;
}

/* Enum: the next value whose shown name starts with ch (case-insensitive). */
static bool enum_letter(struct wf_form_field *fl, wint_t ch)
{
	for (int k = 1; k <= fl->n_values; k++) {
		int i = (fl->choice + k) % fl->n_values;
		const char *s = fl->shown ? fl->shown[i] : fl->values[i];
		if (s[0] && (wint_t)towlower((unsigned char)s[0]) == towlower(ch)) {
			fl->choice = i;
			return true;
		}
	}
	return false;
}

static enum wf_form_result key_enum(struct wf_form *f, struct wf_form_field *fl,
				    wint_t ch, bool is_key)
{
	int n = fl->n_values;
	if ((is_key && ch == KEY_RIGHT) || (!is_key && ch == ' '))
		fl->choice = (fl->choice + 1) % n;
	else if (is_key && ch == KEY_LEFT)
		fl->choice = (fl->choice + n - 1) % n;
	else if (is_key && ch == KEY_HOME)
		fl->choice = 0;
	else if (is_key && ch == KEY_END)
		fl->choice = n - 1;
	else if (is_key || ch > 126 || !iswalnum(ch) || !enum_letter(fl, ch))
		return WF_FORM_NONE;
	changed(f, f->focus);
	return WF_FORM_CHANGED;
}

static enum wf_form_result key_text(struct wf_form *f, struct wf_form_field *fl,
				    wint_t ch, bool is_key)
{
	if (is_key) {
		switch (ch) {
		case KEY_LEFT:
			fl->cursor = prev_cp(fl->buf, fl->cursor);
			return WF_FORM_CHANGED;
		case KEY_RIGHT:
			fl->cursor = next_cp(fl->buf, fl->cursor);
			return WF_FORM_CHANGED;
		case KEY_HOME:
			fl->cursor = 0;
			return WF_FORM_CHANGED;
		case KEY_END:
			fl->cursor = strlen(fl->buf);
			return WF_FORM_CHANGED;
		case KEY_BACKSPACE:
			if (fl->cursor == 0)
				return WF_FORM_NONE;
			delete_range(fl, prev_cp(fl->buf, fl->cursor), fl->cursor);
			break;
		case KEY_DC:
			if (!fl->buf[fl->cursor])
				return WF_FORM_NONE;
			delete_range(fl, fl->cursor, next_cp(fl->buf, fl->cursor));
			break;
		default:
			return WF_FORM_NONE;
		}
		changed(f, f->focus);
		return WF_FORM_CHANGED;
	}
	if (ch == 127 || ch == 8) {
		if (fl->cursor == 0)
			return WF_FORM_NONE;
		delete_range(fl, prev_cp(fl->buf, fl->cursor), fl->cursor);
	} else if (ch == CTRL('u')) {
		delete_range(fl, 0, strlen(fl->buf));
	} else if (ch == CTRL('a')) {
		fl->cursor = 0;
		return WF_FORM_CHANGED;
	} else if (ch == CTRL('e')) {
		fl->cursor = strlen(fl->buf);
		return WF_FORM_CHANGED;
	} else if ((ch == '\n' || ch == '\r') && fl->kind == WF_FIELD_MULTILINE) {
		insert_text(fl, "\n", 1);
	} else if (ch >= 32 && ch != 127 && iswprint(ch)) {
		if (fl->kind == WF_FIELD_NUMBER && !(ch >= '0' && ch <= '9') &&
		    !(ch == '-' && fl->cursor == 0 && fl->min < 0))
			return WF_FORM_NONE;
		char enc[8];
		mbstate_t st;
		memset(&st, 0, sizeof(st));
		size_t n = wcrtomb(enc, (wchar_t)ch, &st);
		if (n == (size_t)-1)
			return WF_FORM_NONE;
		insert_text(fl, enc, n);
	} else {
		return WF_FORM_NONE;
	}
	changed(f, f->focus);
	return WF_FORM_CHANGED;
}

static enum wf_form_result key_summary(struct wf_form *f, wint_t ch, bool is_key)
{
	if (!is_key && (ch == '\n' || ch == '\r' || ch == 'y' || ch == 'Y'))
		return WF_FORM_SUBMIT;
	if (is_key && ch == KEY_ENTER)
		return WF_FORM_SUBMIT;
	if (!is_key && ch == KEY_ESC_CHAR)
		return WF_FORM_CANCEL;
	if ((!is_key && (ch == 'e' || ch == 'n' || ch == 127 || ch == 8)) ||
	    (is_key && (ch == KEY_BACKSPACE || ch == KEY_BTAB || ch == KEY_LEFT))) {
		f->mode = WF_FORM_EDIT;
		return WF_FORM_CHANGED;
	}
	return WF_FORM_NONE;
}

/* Multi-line: the cursor to the line above (dir -1) or below (1), at the same
 * code point column or the line's end. False on the first / last line. */
static bool line_move(struct wf_form_field *fl, int dir)
{
	const char *b = fl->buf;
	size_t start = fl->cursor, col = 0;
	while (start > 0 && b[start - 1] != '\n')
		start--;
	for (size_t i = start; i < fl->cursor; i = next_cp(b, i))
		col++;
	size_t target;
	if (dir < 0) {
		if (start == 0)
			return false;
		target = start - 1; /* the LF ending the line above */
		while (target > 0 && b[target - 1] != '\n')
			target--;
	} else {
		const char *lf = strchr(b + fl->cursor, '\n');
		if (!lf)
			return false;
		target = (size_t)(lf - b) + 1;
	}
	while (col > 0 && b[target] && b[target] != '\n') {
		target = next_cp(b, target);
		col--;
	}
	fl->cursor = target;
	return true;
}

enum wf_form_result wf_form_key(struct wf_form *f, wint_t ch, bool is_key)
{
	if (f->n == 0)
		return !is_key && ch == KEY_ESC_CHAR ? WF_FORM_CANCEL : WF_FORM_NONE;
	if (f->mode == WF_FORM_SUMMARY)
		return key_summary(f, ch, is_key);
	if (f->fields[f->focus].hidden)
		f->focus = step_visible(f, f->focus, 1);
	struct wf_form_field *fl = &f->fields[f->focus];
	if (!is_key && ch == KEY_ESC_CHAR)
		return WF_FORM_CANCEL;
	if ((!is_key && ch == CTRL('d')) || (is_key && ch == KEY_F(10)))
		return open_summary(f);
	if (is_key && (ch == KEY_UP || ch == KEY_DOWN) &&
	    fl->kind == WF_FIELD_MULTILINE && line_move(fl, ch == KEY_UP ? -1 : 1))
		return WF_FORM_CHANGED; /* between lines; past the first or last: fields
					 */
	if ((!is_key && ch == KEY_TAB) || (is_key && ch == KEY_DOWN)) {
		move_focus(f, 1);
		return WF_FORM_CHANGED;
	}
	if (is_key && (ch == KEY_BTAB || ch == KEY_UP)) {
		move_focus(f, -1);
		return WF_FORM_CHANGED;
	}
	bool enter =
		(!is_key && (ch == '\n' || ch == '\r')) || (is_key && ch == KEY_ENTER);
	if (enter && (fl->kind != WF_FIELD_MULTILINE || is_key)) {
		if (last_visible(f, f->focus))
			return open_summary(f);
		move_focus(f, 1);
		return WF_FORM_CHANGED;
	}
	if (fl->kind == WF_FIELD_ENUM)
		return key_enum(f, fl, ch, is_key);
	return key_text(f, fl, ch, is_key);
}
