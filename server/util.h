/* util.h - small helpers the backend's modules share: the wall clock, RFC 3339
 * stamps, and checks of JSON request fields that name the offending field in their
 * error message (the protocol's 400 answers). */
#ifndef WFD_UTIL_H
#define WFD_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <pthread.h>

#include "model/enums.h"

/* Wall clock in Unix milliseconds (util/clock.h's wf_clock_now_ms), minus the calling
 * thread's back-dating. */
int64_t util_now_ms(void);
/* From now on util_now_ms() in this thread runs ms behind the wall clock (0: not at
 * all). The simulator's replay of a scenario's past writes with it, so every time the
 * server sets (opened_at, created_at, due_at, event times) is back-dated alike. */
void util_set_backdate(int64_t ms);
/* Monotonic clock in milliseconds, for deadlines (wf_clock_mono_ms). */
int64_t util_mono_ms(void);
/* Initialises a condition variable that times its waits on the monotonic clock (a
 * wall-clock step never stretches or cuts a wait). */
void util_cond_init_monotonic(pthread_cond_t *cond);
/* Waits on cond (mu held) until signalled or until the monotonic deadline due_ms
 * (util_mono_ms() time). cond must come from util_cond_init_monotonic(). */
void util_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t due_ms);
/* A JSON string "2026-11-26T04:30:00.123Z" for ms, or JSON null for 0. New ref. */
json_t *util_json_time(int64_t ms);

/* Field checks. Each returns 0 when the field is good, else -1 with msg set to
 * "field 'PATH': problem". path may be "" (top level) or e.g. "items[3]". A missing
 * optional field leaves *out alone and succeeds. */
struct check {
	const char *path;
	char msg[256];
};
int check_fail(struct check *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int check_object(struct check *c, json_t *o);
int check_str(struct check *c, json_t *o, const char *key, size_t min, size_t max,
	      bool optional, const char **out);
int check_id(struct check *c, json_t *o, const char *key, bool nullable, bool optional,
	     const char **out);
int check_int(struct check *c, json_t *o, const char *key, int64_t min, int64_t max,
	      bool optional, int64_t *out);
int check_bool(struct check *c, json_t *o, const char *key, bool optional, bool *out);
int check_time(struct check *c, json_t *o, const char *key, bool optional, int64_t *out);
/* An enum field of model/enums.h: CHECK_ENUM(c, obj, "outcome", false, outcome, &out)
 * with out an enum wf_outcome. */
int check_enum_value(struct check *c, const char *key, json_t *v, bool optional,
		     bool parsed);
#define CHECK_ENUM(c, o, key, optional, name, out)                             \
	check_enum_value((c), (key), json_object_get((o), (key)), (optional),  \
			 json_is_string(json_object_get((o), (key))) &&         \
				 wf_##name##_parse(                             \
					 json_string_value(json_object_get((o), (key))), \
					 (out)))

#endif
