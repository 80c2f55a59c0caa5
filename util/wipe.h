/* wipe.h - the one way a secret (a bearer token, its buffers) is wiped: with
 * explicit_bzero, which the compiler may not drop as a dead store the way it may
 * drop a memset before free. */
#ifndef WF_UTIL_WIPE_H
#define WF_UTIL_WIPE_H

#include <stddef.h>

/* Zeroes p[0..n). */
void wf_wipe(void *p, size_t n);
/* Zeroes the string s (up to its NUL) and frees it; NULL does nothing. */
void wf_wipe_free(char *s);

#endif
