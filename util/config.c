/* config.c - the config file (see config.h): its path, the one reader, and the one
 * walk over its `key = value` and `WORD args` command lines: which lines a part claims, the line length
 * limit, trimming, " #" comments and the list of bad lines. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Drops trailing spaces, tabs and CRs of s in place. */
static void config_trim_end(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

char *wf_config_trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	config_trim_end(s);
	return s;
}

void wf_config_errs_append(char *errs, size_t errsize, const char *fmt, ...)
{
	if (!errs || !errsize)
		return;
	size_t used = strlen(errs);
	if (used + 1 >= errsize)
		return;
	if (used) {
		errs[used++] = '\n';
		errs[used] = '\0';
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errs + used, errsize - used, fmt, ap);
	va_end(ap);
}

/* Where the '=' of a claimed line s[0..n) is (s starts at its first non-blank), or
 * NULL when the line is not claimed. */
static const char *config_claim(const char *s, size_t n, const char *prefix,
				unsigned flags)
{
	size_t plen = strlen(prefix);
	if (n < plen || strncmp(s, prefix, plen) != 0)
		return NULL;
	if (flags & WF_CONFIG_COMMAND) {
		if (n > plen && s[plen] != ' ' && s[plen] != '\t')
			return NULL;
		size_t k = plen;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		return k < n && s[k] == '=' ? NULL : s + plen; /* the separator */
	}
	if (!(flags & WF_CONFIG_WHOLE_KEY))
		return memchr(s, '=', n);
	size_t k = plen;
	while (k < n && (s[k] == ' ' || s[k] == '\t'))
		k++;
	return k < n && s[k] == '=' ? s + k : NULL;
}

/* Handles one line raw[0..n) (without its '\n'); returns fn's answer, 0 when fn was
 * not called. */
static int config_line(const char *raw, size_t n, int lineno, const char *prefix,
		       size_t max_line, unsigned flags, wf_config_line_fn fn, void *ctx)
{
	char line[WF_CONFIG_LINE_MAX + 2];
	const char *s = raw;
	size_t sn = n;
	while (sn && (*s == ' ' || *s == '\t')) {
		s++;
		sn--;
	}
	const char *eq = config_claim(s, sn, prefix, flags);
	if (!eq)
		return 0;
	size_t klen = (size_t)(eq - s);
	if (flags & WF_CONFIG_REPORT_LONG) {
		if (sn > max_line || memchr(s, '\0', sn)) {
			size_t kn = klen < max_line ? klen : max_line;
			memcpy(line, s, kn);
			line[kn] = '\0';
			return fn(wf_config_trim(line), NULL, lineno, ctx);
		}
	} else if (n > max_line || memchr(raw, '\0', n)) {
		return 0;
	}
	memcpy(line, s, sn);
	line[sn] = '\0';
	line[sn + 1] = '\0'; /* a command without arguments: value "" */
	line[klen] = '\0';
	char *key = wf_config_trim(line), *value = line + klen + 1;
	bool keep = flags & WF_CONFIG_KEEP_LEADING;
	char *hash;
	if (keep)
		config_trim_end(value);
	else
		value = wf_config_trim(value);
	if ((flags & WF_CONFIG_STRIP_COMMENT) && (hash = strstr(value, " #"))) {
		*hash = '\0';
		if (keep)
			config_trim_end(value);
		else
			value = wf_config_trim(value);
	}
	return fn(key, value, lineno, ctx);
}

int wf_config_foreach(const char *text, size_t len, const char *key_prefix,
		      size_t max_line, unsigned flags, wf_config_line_fn fn, void *ctx)
{
	int bad = 0, lineno = 0;
	size_t i = 0;
	if (max_line > WF_CONFIG_LINE_MAX)
		max_line = WF_CONFIG_LINE_MAX;
	while (i < len) {
		size_t start = i;
		while (i < len && text[i] != '\n')
			i++;
		lineno++;
		if (config_line(text + start, i - start, lineno, key_prefix, max_line,
				flags, fn, ctx) < 0)
			bad++;
		i++;
	}
	return bad;
}

bool wf_config_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int n;
	if (xdg && *xdg == '/')
		n = snprintf(buf, size, "%s/watchfloor/config", xdg);
	else if (home && *home == '/')
		n = snprintf(buf, size, "%s/.config/watchfloor/config", home);
	else
		return false;
	return n > 0 && (size_t)n < size;
}

int wf_config_file_read(struct wf_config_file *f, const char *path, char *err,
			size_t errsize)
{
	memset(f, 0, sizeof(*f));
	if (err && errsize)
		err[0] = '\0';
	if (path)
		snprintf(f->path, sizeof(f->path), "%s", path);
	else if (!wf_config_path(f->path, sizeof(f->path)))
		return 0;
	FILE *fp = fopen(f->path, "rb");
	if (!fp) {
		if (errno == ENOENT)
			return 0;
		snprintf(f->error, sizeof(f->error), "%s: %s", f->path, strerror(errno));
	} else if (!(f->text = malloc(WF_CONFIG_FILE_MAX))) {
		snprintf(f->error, sizeof(f->error), "%s: out of memory", f->path);
	} else {
		f->len = fread(f->text, 1, WF_CONFIG_FILE_MAX, fp);
		if (ferror(fp)) {
			wf_config_file_free(f);
			snprintf(f->error, sizeof(f->error), "%s: read error", f->path);
		}
	}
	if (fp)
		fclose(fp);
	if (!f->error[0])
		return 0;
	if (err && errsize)
		snprintf(err, errsize, "%s", f->error);
	return -1;
}

void wf_config_file_free(struct wf_config_file *f)
{
	free(f->text);
	f->text = NULL;
	f->len = 0;
}
