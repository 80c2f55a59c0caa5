/* sim_scenario.h - the scenario file of the simulator, parsed: platforms and a list
 * of timed steps (docs/scenarios.md describes the format). */
#ifndef WFD_SIM_SCENARIO_H
#define WFD_SIM_SCENARIO_H

#include <stddef.h>

#include <jansson.h>

enum sim_verb { SIM_PLATFORM, SIM_INCIDENT, SIM_UPDATE, SIM_SPREAD, SIM_REPORT,
		SIM_DECISION, SIM_SIGNAL, SIM_VOTE, SIM_SIGHTING };

/* One line: when (scenario seconds), what, and its key=value arguments as a JSON
 * object of strings. */
struct sim_step {
	double at;
	enum sim_verb verb;
	int line;
	json_t *args;
};

struct scenario {
	struct sim_step *steps; /* sorted by at (stable) */
	size_t n_steps;
	unsigned seed;
};

/* Parses path. On error returns -1 with err naming file and line. */
int scenario_load(const char *path, struct scenario *out, char *err, size_t errsz);
void scenario_free(struct scenario *sc);

/* Argument accessors: the string, or dflt when absent. */
const char *scenario_arg(const struct sim_step *st, const char *key, const char *dflt);
/* A number, or a duration ("90s", "5m", "1h30m", "2d"; a bare number is seconds
 * for durations). -1 on a malformed value. */
double scenario_num(const struct sim_step *st, const char *key, double dflt);
double scenario_duration(const struct sim_step *st, const char *key, double dflt);
int scenario_parse_duration(const char *s, double *out);

#endif
