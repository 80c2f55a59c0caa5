/* paths.c - the data folders of paths.h: the binary's own folder (readlink of
 * /proc/self/exe) and the folder compiled in with -DWF_DATADIR. */
#include "paths.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef WF_DATADIR
#define WF_DATADIR "/usr/local/share/watchfloor"
#endif

const char *wf_paths_data_dir(void)
{
	return WF_DATADIR;
}

int wf_paths_exe_dir(char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n <= 0)
		return -1;
	path[n] = '\0';
	char *slash = strrchr(path, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return snprintf(buf, size, "%s", path) < (int)size ? 0 : -1;
}

static int add_dir(char dirs[WF_PATHS_DIRS][WF_PATHS_MAX], int n, const char *a,
		   const char *b, const char *sub)
{
	if (n >= WF_PATHS_DIRS)
		return n;
	if (snprintf(dirs[n], WF_PATHS_MAX, "%s%s/%s", a, b, sub) >= WF_PATHS_MAX)
		return n;
	for (int i = 0; i < n; i++)
		if (strcmp(dirs[i], dirs[n]) == 0)
			return n;
	return n + 1;
}

int wf_paths_data_dirs(const char *exe_dir, const char *sub,
		       char dirs[WF_PATHS_DIRS][WF_PATHS_MAX])
{
	char exe[WF_PATHS_MAX];
	int n = 0;
	if (!exe_dir && wf_paths_exe_dir(exe, sizeof(exe)) == 0)
		exe_dir = exe;
	if (exe_dir) {
		n = add_dir(dirs, n, exe_dir, "/..", sub);
		n = add_dir(dirs, n, exe_dir, "/../share/watchfloor", sub);
	}
	n = add_dir(dirs, n, WF_DATADIR, "", sub);
	return n;
}

int wf_paths_find(const char *sub, const char *name, char *out, size_t size)
{
	char dirs[WF_PATHS_DIRS][WF_PATHS_MAX];
	int n = wf_paths_data_dirs(NULL, sub, dirs);
	for (int i = 0; i < n; i++) {
		if (snprintf(out, size, "%s/%s", dirs[i], name) < (int)size &&
		    access(out, R_OK) == 0)
			return 0;
	}
	if (snprintf(out, size, "%s/%s", sub, name) < (int)size &&
	    access(out, R_OK) == 0)
		return 0;
	return -1;
}
