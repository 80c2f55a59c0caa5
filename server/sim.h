/* sim.h - the simulator: plays a scenario file (docs/scenarios.md) through synthetic
 * member platforms that post over the same api_* functions as real ingest. */
#ifndef WFD_SIM_H
#define WFD_SIM_H

#include <stddef.h>

#include "api.h"

struct sim_options {
	const char *file;
	double speed;  /* scenario seconds per real second */
	double scale;  /* volume scale: 1 = the scenario's figures */
	unsigned seed; /* hash and jitter generator */
	double start_at; /* scenario seconds replayed at once, back-dated, before live */
};

struct sim;

/* Parses the scenario and starts its thread. NULL with err set on failure. */
struct sim *sim_start(struct server *srv, const struct sim_options *opt, char *err,
		      size_t errsz);
/* Stops the thread and frees everything. */
void sim_stop(struct sim *s);

#endif
