/* util.c - clock, time stamps and named-field checks of JSON requests. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model/validate.h"
#include "util/clock.h"

/* The calling thread's back-dating (util_set_backdate): only the simulator's thread
 * sets it, while it replays the past of a scenario. */
static _Thread_local int64_t backdate_ms;

int64_t util_now_ms(void)
{
	return wf_clock_now_ms() - backdate_ms;
}

void util_set_backdate(int64_t ms)
{
	backdate_ms = ms;
}

int64_t util_mono_ms(void)
{
	return wf_clock_mono_ms();
}

void util_cond_init_monotonic(pthread_cond_t *cond)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &ca);
	pthread_condattr_destroy(&ca);
}

void util_cond_wait_until(pthread_cond_t *cond, pthread_mutex_t *mu, int64_t due_ms)
{
	struct timespec ts = {.tv_sec = due_ms / 1000, .tv_nsec = (due_ms % 1000) * 1000000};
	pthread_cond_timedwait(cond, mu, &ts);
}

json_t *util_json_time(int64_t ms)
{
	char buf[40];
	if (ms == 0)
		return json_null();
	wf_time_format(ms, buf, sizeof(buf));
	return json_string(buf);
}

int check_fail(struct check *c, const char *key, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	const char *p = c->path ? c->path : "";
	if (key)
		snprintf(c->msg, sizeof(c->msg), "field '%s%s%s': %s", p, *p ? "." : "", key,
			 what);
	else
		snprintf(c->msg, sizeof(c->msg), "'%s': %s", *p ? p : "(body)", what);
	return -1;
}

int check_object(struct check *c, json_t *o)
{
	return json_is_object(o) ? 0 : check_fail(c, NULL, "must be a JSON object");
}

/* The field's value, or NULL when absent; JSON null counts as absent for optional
 * fields only when the caller allows null. */
static json_t *get(json_t *o, const char *key)
{
	return json_object_get(o, key);
}

int check_str(struct check *c, json_t *o, const char *key, size_t min, size_t max,
	      bool optional, const char **out)
{
	json_t *v = get(o, key);
	if (!v || json_is_null(v)) {
		if (optional)
			return 0;
		return check_fail(c, key, "is missing");
	}
	if (!json_is_string(v))
		return check_fail(c, key, "must be a string");
	size_t n = json_string_length(v);
	if (n < min || n > max)
		return check_fail(c, key, "must be %zu..%zu bytes, is %zu", min, max, n);
	if (strlen(json_string_value(v)) != n)
		return check_fail(c, key, "must not contain NUL");
	*out = json_string_value(v);
	return 0;
}

int check_id(struct check *c, json_t *o, const char *key, bool nullable, bool optional,
	     const char **out)
{
	json_t *v = get(o, key);
	if (!v || json_is_null(v)) {
		if ((!v && optional) || (v && nullable)) {
			*out = NULL;
			return 0;
		}
		return check_fail(c, key, v ? "must not be null" : "is missing");
	}
	if (!json_is_string(v) || !wf_valid_id(json_string_value(v)))
		return check_fail(c, key, "must be an id (1..64 of [A-Za-z0-9._:-])");
	*out = json_string_value(v);
	return 0;
}

int check_int(struct check *c, json_t *o, const char *key, int64_t min, int64_t max,
	      bool optional, int64_t *out)
{
	json_t *v = get(o, key);
	if (!v) {
		if (optional)
			return 0;
		return check_fail(c, key, "is missing");
	}
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		return check_fail(c, key, "must be an integer %lld..%lld", (long long)min,
				  (long long)max);
	*out = json_integer_value(v);
	return 0;
}

int check_bool(struct check *c, json_t *o, const char *key, bool optional, bool *out)
{
	json_t *v = get(o, key);
	if (!v) {
		if (optional)
			return 0;
		return check_fail(c, key, "is missing");
	}
	if (!json_is_boolean(v))
		return check_fail(c, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

int check_time(struct check *c, json_t *o, const char *key, bool optional, int64_t *out)
{
	json_t *v = get(o, key);
	if (!v) {
		if (optional)
			return 0;
		return check_fail(c, key, "is missing");
	}
	if (!json_is_string(v) || !wf_time_parse(json_string_value(v), out))
		return check_fail(c, key, "must be an RFC 3339 UTC time");
	return 0;
}

int check_enum_value(struct check *c, const char *key, json_t *v, bool optional,
		     bool parsed)
{
	if (!v)
		return optional ? 0 : check_fail(c, key, "is missing");
	if (!parsed)
		return check_fail(c, key, "unknown value");
	return 0;
}
