/* paths.h - where the data files (themes/, scenarios/) are: beside the binary in the
 * source tree (build/watchfloor -> ./themes), in an installed or DESTDIR-relocated
 * tree (<bin>/../share/watchfloor), in the data folder compiled in from PREFIX. */
#ifndef WF_UTIL_PATHS_H
#define WF_UTIL_PATHS_H

#include <stddef.h>

#define WF_PATHS_MAX 1024 /* bytes of one folder of wf_paths_data_dirs */
#define WF_PATHS_DIRS 4	  /* at most this many folders */

/* The data folder compiled in (the Makefile's DATADIR, PREFIX/share/watchfloor). */
const char *wf_paths_data_dir(void);

/* The folder of the running binary (from /proc/self/exe), or -1. */
int wf_paths_exe_dir(char *buf, size_t size);

/* Fills dirs with the folders that may hold data of kind sub ("themes",
 * "scenarios"), best first: <exe>/../sub (the source tree),
 * <exe>/../share/watchfloor/sub (installed, or relocated under a DESTDIR),
 * <compiled-in>/sub. exe_dir NULL: the running binary's folder. Returns how many
 * (duplicates are left out). */
int wf_paths_data_dirs(const char *exe_dir, const char *sub,
		       char dirs[WF_PATHS_DIRS][WF_PATHS_MAX]);

/* The first readable sub/name of wf_paths_data_dirs (then ./sub/name), into out.
 * Returns 0, or -1 when none is. */
int wf_paths_find(const char *sub, const char *name, char *out, size_t size);

#endif
