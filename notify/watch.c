/* watch.c - watch rules: parsing `watch = FIELD /PATTERN/FLAGS ACTIONS` lines,
 * compiling the patterns with PCRE2 (UTF, UCP, invalid UTF tolerated in subjects,
 * match and depth limits) and matching them against one field of incoming data. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "watch.h"

#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/config.h"

#define LINE_MAX_BYTES 2048

struct watch_rule {
	enum wf_watch_field field;
	unsigned actions;
	int line;
	char *pattern;
	pcre2_code *code;
	pcre2_match_data *md;
};

struct wf_watch_rules {
	struct watch_rule *rules;
	size_t n, cap;
	pcre2_match_context *mctx;
	unsigned long
		*errors; /* separate so matching can count through a const pointer */
};

#define WF_WATCH_FIELD_NAME(N, S) S,
static const char *const field_names[] = {WF_WATCH_FIELDS(WF_WATCH_FIELD_NAME)};

const char *wf_watch_field_name(enum wf_watch_field f)
{
	return (unsigned)f < WF_WATCH__COUNT ? field_names[f] : "?";
}

struct wf_watch_rules *wf_watch_rules_new(void)
{
	struct wf_watch_rules *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->errors = calloc(1, sizeof(*r->errors));
	r->mctx = pcre2_match_context_create(NULL);
	if (!r->errors || !r->mctx) {
		wf_watch_rules_free(r);
		return NULL;
	}
	pcre2_set_match_limit(r->mctx, WF_WATCH_MATCH_LIMIT);
	pcre2_set_depth_limit(r->mctx, WF_WATCH_DEPTH_LIMIT);
	pcre2_set_heap_limit(r->mctx, 4096); /* KiB */
	return r;
}

void wf_watch_rules_free(struct wf_watch_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		pcre2_match_data_free(r->rules[i].md);
		pcre2_code_free(r->rules[i].code);
		free(r->rules[i].pattern);
	}
	free(r->rules);
	pcre2_match_context_free(r->mctx);
	free(r->errors);
	free(r);
}

size_t wf_watch_rules_count(const struct wf_watch_rules *r)
{
	return r ? r->n : 0;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int
fail(char *err, size_t errsize, const char *file, int line, const char *fmt, ...)
{
	if (!err || !errsize)
		return -1;
	int n = snprintf(err, errsize, "%s:%d: ", file ? file : "<config>", line);
	if (n >= 0 && (size_t)n < errsize) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Parses "notify,highlight bell" (commas and/or blanks) into a mask. */
static int parse_actions(const char *s, unsigned *out)
{
	unsigned mask = 0;
	while (*s) {
		s += strspn(s, " \t,");
		size_t n = strcspn(s, " \t,");
		if (n == 0)
			break;
		if (n == 6 && strncasecmp(s, "notify", 6) == 0)
			mask |= WF_WATCH_NOTIFY;
		else if (n == 9 && strncasecmp(s, "highlight", 9) == 0)
			mask |= WF_WATCH_HIGHLIGHT;
		else if (n == 4 && strncasecmp(s, "bell", 4) == 0)
			mask |= WF_WATCH_BELL;
		else
			return -1;
		s += n;
	}
	*out = mask ? mask : (WF_WATCH_NOTIFY | WF_WATCH_HIGHLIGHT);
	return 0;
}

int wf_watch_add(struct wf_watch_rules *r, const char *value, const char *file,
		 int line, char *err, size_t errsize)
{
	const char *s = skip_blanks(value);
	size_t fl = strcspn(s, " \t/");
	int field = -1;
	for (int f = 0; f < WF_WATCH__COUNT; f++)
		if (strlen(field_names[f]) == fl &&
		    strncasecmp(s, field_names[f], fl) == 0)
			field = f;
	if (field < 0)
		return fail(
			err, errsize, file, line,
			"watch: unknown field (use title, report, platform or hash)");
	s = skip_blanks(s + fl);
	if (*s != '/')
		return fail(err, errsize, file, line,
			    "watch: expected /PATTERN/ after the field");
	s++;
	/* The pattern runs to the next '/' not escaped by a backslash; "\/" becomes "/"
	 * and every other escape goes to PCRE2 unchanged. */
	size_t cap = strlen(s) + 1;
	char *pat = malloc(cap);
	if (!pat)
		return fail(err, errsize, file, line, "out of memory");
	size_t n = 0;
	for (; *s && *s != '/'; s++) {
		if (s[0] == '\\' && s[1] == '/') {
			pat[n++] = '/';
			s++;
		} else if (s[0] == '\\' && s[1]) {
			pat[n++] = *s++;
			pat[n++] = *s;
		} else {
			pat[n++] = *s;
		}
	}
	pat[n] = '\0';
	if (*s != '/') {
		free(pat);
		return fail(err, errsize, file, line,
			    "watch: pattern is missing its closing '/'");
	}
	s++;
	if (n == 0 || n > WF_WATCH_PATTERN_MAX) {
		free(pat);
		return fail(err, errsize, file, line,
			    "watch: pattern must be 1 to %d bytes",
			    WF_WATCH_PATTERN_MAX);
	}
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
			PCRE2_NEVER_BACKSLASH_C;
	for (; *s && *s != ' ' && *s != '\t'; s++) {
		if (*s == 'i')
			opts |= PCRE2_CASELESS;
		else if (*s == 'x')
			opts |= PCRE2_EXTENDED;
		else {
			free(pat);
			return fail(
				err, errsize, file, line,
				"watch: unknown flag after the pattern (use i or x)");
		}
	}
	unsigned actions;
	if (parse_actions(s, &actions) < 0) {
		free(pat);
		return fail(err, errsize, file, line,
			    "watch: unknown action (use notify, highlight or bell)");
	}
	if (r->n >= WF_WATCH_RULES_MAX) {
		free(pat);
		return fail(err, errsize, file, line, "watch: more than %d rules",
			    WF_WATCH_RULES_MAX);
	}
	int ec;
	PCRE2_SIZE off;
	pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, n, opts, &ec, &off, NULL);
	if (!code) {
		PCRE2_UCHAR msg[160];
		pcre2_get_error_message(ec, msg, sizeof msg);
		free(pat);
		return fail(err, errsize, file, line,
			    "watch: bad pattern at offset %zu: %s", (size_t)off,
			    (const char *)msg);
	}
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 8;
		struct watch_rule *nr = realloc(r->rules, ncap * sizeof(*nr));
		if (!nr) {
			pcre2_match_data_free(md);
			pcre2_code_free(code);
			free(pat);
			return fail(err, errsize, file, line, "out of memory");
		}
		r->rules = nr;
		r->cap = ncap;
	}
	if (!md) {
		pcre2_code_free(code);
		free(pat);
		return fail(err, errsize, file, line, "out of memory");
	}
	r->rules[r->n++] = (struct watch_rule){
		(enum wf_watch_field)field, actions, line, pat, code, md};
	return 0;
}

/* What wf_watch_rules_parse's lines share. */
struct watch_parse {
	struct wf_watch_rules *r;
	const char *file;
	char *errs;
	size_t errsize;
};

static int watch_parse_line(char *key, char *value, int line, void *ctx)
{
	struct watch_parse *p = ctx;
	char msg[512];
	if (!value)
		fail(msg, sizeof msg, p->file, line,
		     "watch: line too long or has a NUL");
	else if (wf_watch_add(p->r, value, p->file, line, msg, sizeof msg) >= 0)
		return 0;
	wf_config_errs_append(p->errs, p->errsize, "%s", msg);
	return -1;
}

int wf_watch_rules_parse(struct wf_watch_rules *r, const char *text, size_t len,
			 const char *file, char *errs, size_t errsize)
{
	struct watch_parse p = {r, file, errs, errsize};
	if (errs && errsize)
		errs[0] = '\0';
	/* Only `watch = ...` lines (not "watchdog = ..."); the pattern keeps its " #"
	 * and its leading blanks; a watch line too long or with a NUL is a bad rule. */
	return wf_config_foreach(text, len, "watch", LINE_MAX_BYTES,
				 WF_CONFIG_WHOLE_KEY | WF_CONFIG_KEEP_LEADING |
					 WF_CONFIG_REPORT_LONG,
				 watch_parse_line, &p);
}

int wf_watch_rules_load(struct wf_watch_rules *r, const char *path, char *errs,
			size_t errsize)
{
	struct wf_config_file f;
	if (wf_config_file_read(&f, path, errs, errsize) < 0)
		return -1;
	int rc = f.text ? wf_watch_rules_parse(r, f.text, f.len, f.path, errs, errsize) : 0;
	wf_config_file_free(&f);
	return rc;
}

unsigned wf_watch_match_ex(const struct wf_watch_rules *r, enum wf_watch_field field,
			   const char *text, size_t len, size_t *first_rule)
{
	unsigned actions = 0;
	bool first = true;
	if (!r || !text)
		return 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct watch_rule *w = &r->rules[i];
		if (w->field != field)
			continue;
		int rc = pcre2_match(w->code, (PCRE2_SPTR)text, len, 0, 0, w->md,
				     r->mctx);
		if (rc >= 0) {
			actions |= w->actions;
			if (first && first_rule)
				*first_rule = i;
			first = false;
		} else if (rc != PCRE2_ERROR_NOMATCH) {
			(*r->errors)++;
		}
	}
	return actions;
}

unsigned wf_watch_match(const struct wf_watch_rules *r, enum wf_watch_field field,
			const char *text, size_t len)
{
	return wf_watch_match_ex(r, field, text, len, NULL);
}

bool wf_watch_has_field(const struct wf_watch_rules *r, enum wf_watch_field field)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->rules[i].field == field)
			return true;
	return false;
}

int wf_watch_rule_line(const struct wf_watch_rules *r, size_t i)
{
	return r && i < r->n ? r->rules[i].line : 0;
}

const char *wf_watch_rule_pattern(const struct wf_watch_rules *r, size_t i)
{
	return r && i < r->n ? r->rules[i].pattern : "";
}

unsigned long wf_watch_errors(const struct wf_watch_rules *r)
{
	return r ? *r->errors : 0;
}
