/* sim.c - placeholder until the simulator lands. */
#include "sim.h"

#include <stdio.h>

struct sim *sim_start(struct server *srv, const struct sim_options *opt, char *err,
		      size_t errsz)
{
	(void)srv;
	snprintf(err, errsz, "%s: the simulator is not built yet", opt->file);
	return NULL;
}

void sim_stop(struct sim *s)
{
	(void)s;
}
