/* match.c - the server's signal index: the matcher behind a read-write lock, each
 * handle's signal (id, incident, variant, version) in one dense array per matcher
 * room, an id -> handle map, and the hub observer that keeps it current. */
#include "match.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "matcher/matcher.h"

struct meta {
	char *id, *incident_id, *variant_id;
	int64_t version;
};

struct match_index {
	pthread_rwlock_t lock;
	struct match_opts o;
	struct matcher *m;
	struct meta *meta[MATCHER_ROOMS];
	size_t n[MATCHER_ROOMS], cap[MATCHER_ROOMS];
	json_t *by_id; /* signal id -> handle */
};

struct match_index *match_index_new(const struct match_opts *o)
{
	struct match_index *mi = calloc(1, sizeof(*mi));
	if (!mi)
		return NULL;
	mi->o = *o;
	mi->m = matcher_new();
	mi->by_id = json_object();
	if (!mi->m || !mi->by_id) {
		matcher_free(mi->m);
		json_decref(mi->by_id);
		free(mi);
		return NULL;
	}
	pthread_rwlock_init(&mi->lock, NULL);
	return mi;
}

void match_index_free(struct match_index *mi)
{
	if (!mi)
		return;
	for (int r = 0; r < MATCHER_ROOMS; r++) {
		for (size_t i = 0; i < mi->n[r]; i++) {
			free(mi->meta[r][i].id);
			free(mi->meta[r][i].incident_id);
			free(mi->meta[r][i].variant_id);
		}
		free(mi->meta[r]);
	}
	matcher_free(mi->m);
	json_decref(mi->by_id);
	pthread_rwlock_destroy(&mi->lock);
	free(mi);
}

const struct match_opts *match_index_opts(const struct match_index *mi)
{
	return &mi->o;
}

static struct meta *meta_of(struct match_index *mi, uint32_t h)
{
	uint32_t r = MATCHER_HANDLE_ROOM(h), i = MATCHER_HANDLE_INDEX(h);
	return r < MATCHER_ROOMS && i < mi->n[r] ? &mi->meta[r][i] : NULL;
}

static const char *str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Adds a signal not seen before; with the write lock held. */
static int add_locked(struct match_index *mi, const char *id, enum wf_hash_type type,
		      const char *value, const char *incident_id,
		      const char *variant_id, int64_t version, bool active)
{
	static uint8_t buf[MATCHER_VALUE_MAX]; /* under the write lock */
	const char *why;
	int len = matcher_parse_hex(type, value, strlen(value), buf, &why);
	if (len < 0)
		return -1;
	int64_t h = matcher_add(mi->m, type, buf, (size_t)len);
	if (h < 0)
		return -1;
	uint32_t r = MATCHER_HANDLE_ROOM(h), i = MATCHER_HANDLE_INDEX(h);
	if (i >= mi->cap[r]) {
		size_t cap = mi->cap[r] ? mi->cap[r] * 2 : 256;
		struct meta *m = realloc(mi->meta[r], cap * sizeof(*m));
		if (!m)
			return -1;
		mi->meta[r] = m;
		mi->cap[r] = cap;
	}
	/* Handles of a room count up from 0, so i == n[r]. */
	struct meta *m = &mi->meta[r][i];
	m->id = strdup(id);
	m->incident_id = strdup(incident_id);
	m->variant_id = strdup(variant_id);
	m->version = version;
	mi->n[r] = i + 1;
	if (!m->id || !m->incident_id || !m->variant_id) {
		matcher_set_active(mi->m, (uint32_t)h, false); /* never a hit */
		return -1;
	}
	json_object_set_new(mi->by_id, id, json_integer(h));
	if (!active)
		matcher_set_active(mi->m, (uint32_t)h, false);
	return matcher_build(mi->m, false);
}

int match_index_apply(struct match_index *mi, json_t *sig)
{
	const char *id = str_of(sig, "id"), *type_s = str_of(sig, "type"),
		   *value = str_of(sig, "value"), *inc = str_of(sig, "incident_id"),
		   *variant = str_of(sig, "variant_id"), *state = str_of(sig, "state");
	enum wf_hash_type type;
	if (!id || !type_s || !value || !inc || !variant ||
	    !wf_hash_type_parse(type_s, &type))
		return -1;
	int64_t version = json_integer_value(json_object_get(sig, "version"));
	/* A signal without state is active (protocol.md). */
	bool active = !state || strcmp(state, "active") == 0;
	int rc = 0;
	pthread_rwlock_wrlock(&mi->lock);
	json_t *h = json_object_get(mi->by_id, id);
	if (!h) {
		rc = add_locked(mi, id, type, value, inc, variant, version, active);
	} else {
		struct meta *m = meta_of(mi, (uint32_t)json_integer_value(h));
		if (m && version > m->version) {
			m->version = version;
			matcher_set_active(mi->m, (uint32_t)json_integer_value(h),
					   active);
		}
	}
	pthread_rwlock_unlock(&mi->lock);
	return rc;
}

int match_index_load(struct match_index *mi, struct store *st)
{
	json_t *all = store_list_resources(st, "signal", -1, 0);
	if (!all)
		return -1;
	size_t i;
	json_t *s;
	int rc = 0;
	json_array_foreach(all, i, s)
	{
		/* a stored signal that does not parse cannot match: skip it */
		(void)match_index_apply(mi, s);
	}
	json_decref(all);
	pthread_rwlock_wrlock(&mi->lock);
	if (matcher_build(mi->m, true))
		rc = -1;
	pthread_rwlock_unlock(&mi->lock);
	return rc;
}

void match_index_observe(void *ctx, int64_t seq, enum wf_event_type type,
			 const char *envelope)
{
	(void)seq;
	if (type != WF_EV_SIGNAL_ADDED)
		return;
	json_t *env = json_loads(envelope, 0, NULL);
	if (env)
		(void)match_index_apply(ctx, json_object_get(env, "data"));
	json_decref(env);
}

struct filter {
	struct match_index *mi;
	const char *incident_id;
};

static bool same_incident(void *ctx, uint32_t handle)
{
	const struct filter *f = ctx;
	const struct meta *m = meta_of(f->mi, handle);
	return m && strcmp(m->incident_id, f->incident_id) == 0;
}

int match_index_find(struct match_index *mi, enum wf_hash_type type,
		     const uint8_t *value, size_t len, const char *incident_id,
		     int radius, int min_share, struct match_found *out, int max)
{
	struct filter f = {mi, incident_id};
	struct matcher_query q = {.type = type,
				  .value = value,
				  .len = len,
				  .radius = radius,
				  .min_share = min_share,
				  .accept = incident_id ? same_incident : NULL,
				  .ctx = &f};
	struct matcher_result res = {0};
	pthread_rwlock_rdlock(&mi->lock);
	int rc = matcher_find(mi->m, &q, &res);
	int n = rc ? -1 : (int)res.n;
	for (int i = 0; rc == 0 && i < n && i < max; i++) {
		const struct meta *m = meta_of(mi, res.hits[i].handle);
		snprintf(out[i].signal_id, sizeof(out[i].signal_id), "%s", m->id);
		snprintf(out[i].incident_id, sizeof(out[i].incident_id), "%s",
			 m->incident_id);
		snprintf(out[i].variant_id, sizeof(out[i].variant_id), "%s",
			 m->variant_id);
		out[i].distance = res.hits[i].distance;
		out[i].share = res.hits[i].share;
	}
	pthread_rwlock_unlock(&mi->lock);
	matcher_result_free(&res);
	return n;
}

bool match_within(const struct match_opts *o, enum wf_hash_type type,
		  const struct match_found *f)
{
	if (type == WF_HASH_PDQ)
		return f->distance <= o->pdq;
	if (type == WF_HASH_VPDQ)
		return f->share >= o->vpdq_share;
	return f->distance == 0;
}

int match_index_nearest(struct match_index *mi, enum wf_hash_type type,
			const uint8_t *value, size_t len, const char *incident_id,
			struct match_found *out)
{
	out->signal_id[0] = '\0';
	int n;
	if (type == WF_HASH_PDQ) {
		/* the threshold first: the near-miss radius costs more to probe */
		n = match_index_find(mi, type, value, len, incident_id, mi->o.pdq, 0,
				     out, 1);
		if (n == 0 && mi->o.pdq_near > mi->o.pdq)
			n = match_index_find(mi, type, value, len, incident_id,
					     mi->o.pdq_near, 0, out, 1);
	} else if (type == WF_HASH_VPDQ) {
		n = match_index_find(mi, type, value, len, incident_id,
				     mi->o.vpdq_frame, 1, out, 1);
	} else {
		n = match_index_find(mi, type, value, len, incident_id, 0, 0, out, 1);
	}
	if (n < 0)
		return -2;
	if (n == 0)
		return -1;
	return match_within(&mi->o, type, out) ? 1 : 0;
}

size_t match_index_count(struct match_index *mi)
{
	pthread_rwlock_rdlock(&mi->lock);
	size_t n = matcher_count(mi->m);
	pthread_rwlock_unlock(&mi->lock);
	return n;
}
