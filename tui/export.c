/* export.c - formats, default names, the check and re-serialisation of what the
 * backend answered, and writing the export file in one piece. */
#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "widgets/sanitize.h"

bool wf_export_format_parse(const char *s, enum wf_export_format *out)
{
	if (!s)
		return false;
	if (strcasecmp(s, "md") == 0 || strcasecmp(s, "markdown") == 0)
		*out = WF_EXPORT_MD;
	else if (strcasecmp(s, "json") == 0)
		*out = WF_EXPORT_JSON;
	else if (strcasecmp(s, "stix") == 0)
		*out = WF_EXPORT_STIX;
	else
		return false;
	return true;
}

const char *wf_export_format_name(enum wf_export_format f)
{
	return f == WF_EXPORT_MD ? "md" : f == WF_EXPORT_JSON ? "json" : "stix";
}

bool wf_export_is_stix(enum wf_export_format f)
{
	return f == WF_EXPORT_STIX;
}

void wf_export_default_name(const char *incident_id, enum wf_export_format f,
			    int64_t now_ms, char *buf, size_t size)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;
	char stamp[32];
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, size, "watchfloor-%s-%s.%s", incident_id, stamp,
		 f == WF_EXPORT_MD     ? "md"
		 : f == WF_EXPORT_JSON ? "json"
				       : "stix.json");
}

/* The Markdown record is UTF-8 whatever the terminal's locale: the sanitizer
 * decides what is printable by wcwidth, which knows no letter beyond ASCII in the C
 * locale (every one became U+FFFD); a UTF-8 LC_CTYPE is taken for the rendering. */
static char *markdown_utf8(json_t *root, size_t *outlen)
{
	const char *cur = setlocale(LC_CTYPE, NULL);
	char *saved = cur ? strdup(cur) : NULL;
	bool switched = wf_text_ascii_locale() && (setlocale(LC_CTYPE, "C.UTF-8") ||
						   setlocale(LC_CTYPE, "en_US.UTF-8"));
	char *md = wf_export_markdown(root, outlen);
	if (switched && saved)
		setlocale(LC_CTYPE, saved);
	free(saved);
	return md;
}

/* text from json_dumps with DEL (which jansson leaves raw) as \u007f and a final
 * newline; frees text. NULL when out of memory. */
static char *json_text_finish(char *text, size_t *outlen)
{
	size_t n = 0, dels = 0;
	for (; text[n]; n++)
		dels += text[n] == 0x7f;
	char *out = malloc(n + dels * 5 + 2);
	if (out) {
		size_t o = 0;
		for (size_t i = 0; i < n; i++) {
			if (text[i] == 0x7f) {
				memcpy(out + o, "\\u007f", 6);
				o += 6;
			} else {
				out[o++] = text[i];
			}
		}
		out[o++] = '\n';
		out[o] = '\0';
		*outlen = o;
	}
	free(text);
	return out;
}

int wf_export_render(enum wf_export_format f, const char *body, size_t len, char **out,
		     size_t *outlen, char *err, size_t errsize)
{
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	*out = NULL;
	if (!root) {
		snprintf(err, errsize, "the server's answer is not JSON (line %d)",
			 je.line);
		return -1;
	}
	bool ok = f == WF_EXPORT_STIX
			  ? json_is_object(root) &&
				    json_is_string(json_object_get(root, "type")) &&
				    strcmp(json_string_value(
						   json_object_get(root, "type")),
					   "bundle") == 0 &&
				    json_is_array(json_object_get(root, "objects"))
			  : json_is_object(json_object_get(root, "incident")) &&
				    json_is_object(json_object_get(root, "figures")) &&
				    json_is_array(json_object_get(root, "timeline"));
	if (!ok) {
		json_decref(root);
		snprintf(err, errsize, "the server's answer is not %s",
			 f == WF_EXPORT_STIX ? "a STIX bundle" : "an incident record");
		return -1;
	}
	if (f == WF_EXPORT_MD) {
		*out = markdown_utf8(root, outlen);
	} else {
		/* Re-serialised: whatever arrived, the file is well-formed JSON, and
		 * ASCII (as --batch --json): C1 controls, bidi overrides and line
		 * separators escaped, so the file can go to a terminal (the default
		 * output is stdout) without one of them acting there. */
		char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
						      JSON_ENSURE_ASCII);
		if (text)
			*out = json_text_finish(text, outlen);
	}
	json_decref(root);
	if (!*out) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The mode a new file gets from open(2) (0666 less the umask): mkstemp's 0600 is
 * widened only as far as the user allows (a record may be TLP:AMBER; umask 077
 * keeps it private). */
static mode_t export_mode(void)
{
	/* Read without changing it (umask(2) would, for a moment, for every thread). */
	unsigned mask = 022;
	char line[128];
	FILE *f = fopen("/proc/self/status", "r");
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "Umask: %o", &mask) == 1;
	if (f)
		fclose(f);
	if (!found) {
		mode_t m = umask(022);
		umask(m);
		mask = m;
	}
	return (mode_t)(0666 & ~mask & 0777);
}

int wf_export_write(const char *path, const char *data, size_t len, char *err,
		    size_t errsize)
{
	if (strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, len) != 0) {
			snprintf(err, errsize, "stdout: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errsize, "path too long");
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = write_all(fd, data, len) == 0 && fchmod(fd, export_mode()) == 0 &&
				 fsync(fd) == 0
			 ? 0
			 : -1;
	int saved = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		saved = errno;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		saved = errno;
	}
	if (rc != 0) {
		unlink(tmp);
		snprintf(err, errsize, "%s: %s", path, strerror(saved));
	}
	return rc;
}
