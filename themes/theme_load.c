/* theme_load.c - finds a theme by name or path, reads it and parses it; the list of
 * shipped themes that `T` cycles through. Errors come back as text, never printed. */
#include "theme.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/paths.h"

#define THEME_FILE_MAX (64 * 1024)

static const char *const shipped[] = {"default", "light",      "wall",
				      "cvd",	 "monochrome", NULL};

const char *const *wf_theme_names(void)
{
	return shipped;
}

const char *wf_theme_next(const char *current)
{
	for (size_t i = 0; current && shipped[i]; i++)
		if (strcmp(shipped[i], current) == 0)
			return shipped[i + 1] ? shipped[i + 1] : shipped[0];
	return shipped[0];
}

static bool name_valid(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > 48)
		return false;
	for (; *n; n++)
		if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		      (*n >= '0' && *n <= '9') || *n == '_' || *n == '-'))
			return false;
	return true;
}

/* Reads a whole (small) file. Returns a malloc'd buffer or NULL with errno set. */
static char *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(THEME_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		errno = ENOMEM;
		return NULL;
	}
	size_t n = fread(buf, 1, THEME_FILE_MAX + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || n > THEME_FILE_MAX) {
		free(buf);
		errno = bad ? EIO : EFBIG;
		return NULL;
	}
	*len = n;
	return buf;
}

static int load_path(const char *path, const char *name, struct wf_theme *out,
		     char *err, size_t errsize)
{
	size_t len = 0;
	char *text = file_read(path, &len);
	if (!text) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		wf_theme_default(out);
		return -1;
	}
	int rc = wf_theme_parse(text, len, path, out, err, errsize);
	free(text);
	if (rc < 0) {
		wf_theme_default(out);
		return -1;
	}
	/* A file without `name =` is named after itself. */
	if (strcmp(out->name, "default") == 0 && name)
		snprintf(out->name, sizeof(out->name), "%s", name);
	return 0;
}

#define THEME_DIRS (WF_PATHS_DIRS + 2)

/* Fills dirs[] with the search folders, in order: ./themes, the user's
 * ($XDG_CONFIG_HOME/watchfloor/themes), then the data folders of util/paths.h (the
 * source tree beside the binary, an installed tree, the compiled-in data folder).
 * Returns how many. */
static int search_dirs(char dirs[THEME_DIRS][WF_PATHS_MAX])
{
	int n = 0;
	snprintf(dirs[n++], sizeof dirs[0], "themes");
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg == '/' && strlen(xdg) + 30 < sizeof dirs[0])
		snprintf(dirs[n++], sizeof dirs[0], "%s/watchfloor/themes", xdg);
	else if (home && *home == '/' && strlen(home) + 40 < sizeof dirs[0])
		snprintf(dirs[n++], sizeof dirs[0], "%s/.config/watchfloor/themes",
			 home);
	char data[WF_PATHS_DIRS][WF_PATHS_MAX];
	int k = wf_paths_data_dirs(NULL, "themes", data);
	for (int i = 0; i < k && n < THEME_DIRS; i++)
		memcpy(dirs[n++], data[i], sizeof data[i]);
	return n;
}

int wf_theme_load(const char *name_or_path, struct wf_theme *out, char *err,
		  size_t errsize)
{
	char tmp[1];
	if (!err || !errsize) {
		err = tmp;
		errsize = sizeof tmp;
	}
	err[0] = '\0';
	if (!name_or_path || !*name_or_path) {
		snprintf(err, errsize, "no theme name given");
		wf_theme_default(out);
		return -1;
	}
	size_t l = strlen(name_or_path);
	if (strchr(name_or_path, '/') ||
	    (l > 6 && strcmp(name_or_path + l - 6, ".theme") == 0))
		return load_path(name_or_path, NULL, out, err, errsize);
	if (!name_valid(name_or_path)) {
		snprintf(err, errsize,
			 "theme name may hold only letters, digits, '_' and '-'");
		wf_theme_default(out);
		return -1;
	}
	char dirs[THEME_DIRS][WF_PATHS_MAX];
	int n = search_dirs(dirs);
	for (int i = 0; i < n; i++) {
		char path[2 * PATH_MAX];
		if (!dirs[i][0])
			continue;
		snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name_or_path);
		if (access(path, R_OK) == 0)
			return load_path(path, name_or_path, out, err, errsize);
	}
	wf_theme_default(out);
	if (strcmp(name_or_path, "default") == 0)
		return 0;
	snprintf(err, errsize,
		 "theme '%s' not found in ./themes, $XDG_CONFIG_HOME/watchfloor/themes, "
		 "<binary>/../themes, <binary>/../share/watchfloor/themes or %s/themes",
		 name_or_path, wf_paths_data_dir());
	return -1;
}
