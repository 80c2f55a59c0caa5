/* wipe.c - wiping secrets (see wipe.h). */
#include "wipe.h"

#include <stdlib.h>
#include <string.h>

void wf_wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

void wf_wipe_free(char *s)
{
	if (!s)
		return;
	wf_wipe(s, strlen(s));
	free(s);
}
