/* sim_internal.h - the simulator's state, shared by its engine (sim.c) and its
 * scenario steps (sim_steps.c). Not for other modules. */
#ifndef WFD_SIM_INTERNAL_H
#define WFD_SIM_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim.h"
#include "sim_scenario.h"

#define MAX_PLATFORMS 64
#define MAX_INCIDENTS 16
#define MAX_NEW_VARIANTS_PER_TICK 20
#define MAX_SIGNALS_PER_SPREAD 4096
#define MAX_LABELS 32

struct sim_platform {
	char id[65];
	char name[101];
	double volume;       /* attempts per incident-day at scale 1 */
	double lag_s;        /* when it ingests shared hashes; < 0: never */
	bool pdq, md5;       /* hash types it contributes */
	struct auth_identity who;
};

struct sim_signal {
	char *id;
	bool pdq;       /* perceptual: its matches carry a distance */
	char value[65]; /* pdq: its hash, for uploads reported by hash; else "" */
};

struct sim_spread {
	bool on;
	double start;        /* scenario seconds */
	double share;        /* of each platform's volume */
	int k;               /* gamma shape (integer) */
	double theta;        /* gamma scale, seconds */
	double variants, tau;
	double block_max, ramp, removed, kept;
	double by_hash; /* share of pdq items a platform reports by hash, not by id */
	bool only[MAX_PLATFORMS]; /* platforms= restriction (all when none set) */
	bool restricted;
	double acc[MAX_PLATFORMS];
	int made;            /* variants made */
	struct sim_signal *signals; /* for picking in sightings */
	size_t n_signals;
};

struct sim_incident {
	char ref[64];
	char id[80];
	char last_signal[80];
	int64_t version; /* after the simulator's last write: officers' changes win */
	struct sim_spread spread;
};

/* A decision named by label= (a decision step, or a candidate signal's add_signal
 * decision), for vote and sighting steps: its id and subject once it exists. */
struct sim_label {
	char name[64];
	char decision[80];
	char subject[80];
};

struct sim {
	struct server *srv;
	struct scenario sc;
	double speed, scale;
	double start_at; /* sim_options.start_at */
	uint64_t rng;
	struct sim_platform plats[MAX_PLATFORMS];
	size_t n_plats;
	struct sim_incident incs[MAX_INCIDENTS];
	size_t n_incs;
	char last_report[80];
	struct sim_label labels[MAX_LABELS];
	size_t n_labels;
	size_t next_step;
	struct auth_identity board;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cond;
	bool stop;
	bool thread_started;
	int errors;
	/* Several replicas: one runs the scenario (store_lead_try "simulator") and
	 * checkpoints it every tick (sim_state.c); ident names the scenario and its
	 * options, run this run (its steps' writes carry idempotency keys
	 * "sim:RUN:STEP:N", so a step re-run after a takeover gets the first answers). */
	bool shared; /* the store is shared by replicas (PostgreSQL): checkpoint */
	char ident[512];
	char run[32];
	long cur_step; /* index of the step running, -1 outside steps */
	int step_calls;
	bool said_standby;
};

/* Random numbers (xorshift64), deterministic per seed. */
uint64_t sim_rng_next(struct sim *s);
double sim_rng_unit(struct sim *s);
void sim_rng_hex(struct sim *s, char *buf, size_t nhex);

/* Runs one write through the API as who (takes body). Returns the answer or NULL
 * when it failed (reported on stderr, at most 20 times). */
json_t *sim_call(struct sim *s, int line, api_write_fn fn,
		 const struct auth_identity *who, json_t *body, const char *id);
/* Posts a new variant of the incident's spread (a signal, sometimes two). */
void sim_make_variant(struct sim *s, struct sim_incident *inc, int line);
struct sim_platform *sim_find_platform(struct sim *s, const char *id);
struct sim_incident *sim_find_incident(struct sim *s, const char *ref);

/* The label named name, or NULL. */
struct sim_label *sim_find_label(struct sim *s, const char *name);
/* Records signal id as one of the spread's signals (picked for sightings). */
/* value: the pdq hash (for uploads reported by hash), or NULL. */
void sim_add_spread_signal(struct sim_incident *inc, const char *id, bool pdq,
			   const char *value);

/* The checkpoint (sim_state.c): save builds it, store writes it in its own
 * transaction, load restores it into s (1), or finds none for this ident (0). */
json_t *sim_state_save(const struct sim *s, double t);
int sim_state_store(struct sim *s, double t);
int sim_state_load(struct sim *s, double *t);

/* Steps (sim_steps.c): validation of the whole scenario before the start, and
 * running one step when it is due. */
int sim_check_scenario(struct sim *s, const char *file, char *err, size_t errsz);
void sim_run_step(struct sim *s, const struct sim_step *st);

#endif
