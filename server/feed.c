/* feed.c - the STIX view of the event log: each event updates the objects it
 * touches (a new version only when the content changed), versions get a strictly
 * growing date_added, and selections filter and page them for TAXII and the
 * bundle export. */
#include "feed.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"

struct feed_obj {
	char id[96];
	char incident[72]; /* "" for objects every collection carries */
	json_t *content;   /* the object without created / modified */
	bool raw;	   /* output content as is (the marking definition) */
	int64_t created_ms, modified_ms, added_us, seq;
};

struct feed {
	pthread_mutex_t mu;
	struct stix_ctx x;
	enum stix_tlp tlp;
	int64_t cursor, first_seq, last_us;
	json_t *index; /* stix id -> index into objs */
	struct feed_obj *objs;
	size_t n, cap;
	json_t *sum_index; /* "platform/signal" -> index into sums */
	struct stix_sighting_sums *sums;
	size_t n_sums, cap_sums;
	json_t *incidents; /* incident id -> title */
};

struct feed *feed_new(const char *cc_name, enum stix_tlp tlp)
{
	struct feed *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	pthread_mutex_init(&f->mu, NULL);
	stix_ctx_init(&f->x, cc_name, tlp);
	f->tlp = tlp;
	f->first_seq = -1;
	f->index = json_object();
	f->sum_index = json_object();
	f->incidents = json_object();
	if (!f->index || !f->sum_index || !f->incidents) {
		feed_free(f);
		return NULL;
	}
	return f;
}

void feed_free(struct feed *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		json_decref(f->objs[i].content);
	free(f->objs);
	free(f->sums);
	json_decref(f->index);
	json_decref(f->sum_index);
	json_decref(f->incidents);
	pthread_mutex_destroy(&f->mu);
	free(f);
}

void feed_lock(struct feed *f)
{
	pthread_mutex_lock(&f->mu);
}

void feed_unlock(struct feed *f)
{
	pthread_mutex_unlock(&f->mu);
}

int64_t feed_cursor(struct feed *f)
{
	return f->cursor;
}

int64_t feed_first_seq(struct feed *f)
{
	return f->first_seq < 0 ? 1 : f->first_seq;
}

/* Stores obj (taken) as the newest version of its id when its content differs
 * from the version held. */
static int upsert(struct feed *f, json_t *obj, const char *incident, int64_t created_ms,
		  int64_t event_ms, int64_t seq, bool raw)
{
	if (!obj)
		return 0; /* a resource the mapping skips (e.g. no hash pattern) */
	const char *id = json_string_value(json_object_get(obj, "id"));
	json_t *iv = id ? json_object_get(f->index, id) : NULL;
	struct feed_obj *e;
	if (iv) {
		e = &f->objs[json_integer_value(iv)];
		if (json_equal(e->content, obj)) {
			json_decref(obj);
			return 0;
		}
		json_decref(e->content);
		e->modified_ms =
			event_ms > e->modified_ms ? event_ms : e->modified_ms + 1;
	} else {
		if (!id || f->n == SIZE_MAX / sizeof(*f->objs) / 2) {
			json_decref(obj);
			return -1;
		}
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 256;
			struct feed_obj *p = realloc(f->objs, cap * sizeof(*p));
			if (!p) {
				json_decref(obj);
				return -1;
			}
			f->objs = p;
			f->cap = cap;
		}
		e = &f->objs[f->n];
		memset(e, 0, sizeof(*e));
		snprintf(e->id, sizeof(e->id), "%s", id);
		snprintf(e->incident, sizeof(e->incident), "%s",
			 incident ? incident : "");
		e->created_ms = created_ms > 0 ? created_ms : event_ms;
		e->modified_ms = event_ms > e->created_ms ? event_ms : e->created_ms;
		e->raw = raw;
		if (raw) /* its version is its own created (2017 for TLP markings) */
			wf_time_parse(
				json_string_value(json_object_get(obj, "created")),
				&e->created_ms);
		json_object_set_new(f->index, id, json_integer((json_int_t)f->n));
		f->n++;
	}
	e->content = obj;
	e->seq = seq;
	int64_t us = event_ms * 1000;
	e->added_us = us > f->last_us ? us : f->last_us + 1;
	f->last_us = e->added_us;
	return 0;
}

static int64_t time_of(json_t *o, const char *key)
{
	int64_t ms = 0;
	const char *s = json_string_value(json_object_get(o, key));
	return s && wf_time_parse(s, &ms) ? ms : 0;
}

static struct stix_sighting_sums *sum_get(struct feed *f, const char *key)
{
	json_t *iv = json_object_get(f->sum_index, key);
	if (iv)
		return &f->sums[json_integer_value(iv)];
	if (f->n_sums == f->cap_sums) {
		size_t cap = f->cap_sums ? f->cap_sums * 2 : 256;
		struct stix_sighting_sums *p = realloc(f->sums, cap * sizeof(*p));
		if (!p)
			return NULL;
		f->sums = p;
		f->cap_sums = cap;
	}
	struct stix_sighting_sums *s = &f->sums[f->n_sums];
	memset(s, 0, sizeof(*s));
	json_object_set_new(f->sum_index, key, json_integer((json_int_t)f->n_sums));
	f->n_sums++;
	return s;
}

/* One sightings batch: the running sums of each platform x signal it names, then
 * one new version of each of their sighting objects. */
static int apply_sightings(struct feed *f, json_t *batch, int64_t t, int64_t seq)
{
	const char *plat = json_string_value(json_object_get(batch, "platform_id"));
	const char *inc = json_string_value(json_object_get(batch, "incident_id"));
	json_t *items = json_object_get(batch, "items"), *item, *touched = json_array();
	size_t i;
	if (!plat || !inc || !touched) {
		json_decref(touched);
		return 0;
	}
	json_array_foreach(items, i, item)
	{
		const char *sig = json_string_value(json_object_get(item, "signal_id"));
		const char *out = json_string_value(json_object_get(item, "outcome"));
		int64_t n = json_integer_value(json_object_get(item, "count"));
		int64_t seen = time_of(item, "seen_at");
		char key[160];
		if (!sig || !out || n <= 0 || !seen)
			continue;
		snprintf(key, sizeof(key), "%s/%s", plat, sig);
		struct stix_sighting_sums *s = sum_get(f, key);
		if (!s)
			continue;
		if (s->count == 0)
			s->first_ms = s->last_ms = seen;
		s->count += n;
		s->first_ms = seen < s->first_ms ? seen : s->first_ms;
		s->last_ms = seen > s->last_ms ? seen : s->last_ms;
		if (strcmp(out, "blocked") == 0)
			s->blocked += n;
		else if (strcmp(out, "removed") == 0)
			s->removed += n;
		else if (strcmp(out, "kept") == 0)
			s->kept += n;
		else
			s->pending += n;
		bool seen_key = false;
		size_t j;
		json_t *k;
		json_array_foreach(touched, j, k)
		{
			if (strcmp(json_string_value(k), sig) == 0) {
				seen_key = true;
				break;
			}
		}
		if (!seen_key)
			json_array_append_new(touched, json_string(sig));
	}
	json_t *k;
	json_array_foreach(touched, i, k)
	{
		char key[160];
		snprintf(key, sizeof(key), "%s/%s", plat, json_string_value(k));
		struct stix_sighting_sums *s = sum_get(f, key);
		json_t *o = stix_sighting(&f->x, inc, plat, json_string_value(k), s);
		/* created: when the first batch of the pair arrived (kept on update).
		 */
		if (upsert(f, o, inc, t, t, seq, false)) {
			json_decref(touched);
			return -1;
		}
	}
	json_decref(touched);
	return 0;
}

static int apply_event(struct feed *f, int64_t seq, const char *envelope)
{
	json_t *env = json_loads(envelope, 0, NULL);
	if (!env)
		return 0;
	const char *type = json_string_value(json_object_get(env, "type"));
	json_t *d = json_object_get(env, "data");
	int64_t t = time_of(env, "time");
	int rc = 0;
	if (!type || !json_is_object(d) || !t) {
		json_decref(env);
		return 0;
	}
	if (f->n == 0) {
		/* The marking and the command center: dated by the first event read. */
		rc |= upsert(f, stix_tlp_object(f->tlp), NULL, t, t, seq, true);
		rc |= upsert(f, stix_cc_identity(&f->x), NULL, t, t, seq, false);
	}
	const char *inc = json_string_value(json_object_get(d, "incident_id"));
	if (strcmp(type, "platform.updated") == 0) {
		rc |= upsert(f, stix_platform_identity(&f->x, d), NULL, t, t, seq,
			     false);
	} else if (strcmp(type, "incident.opened") == 0 ||
		   strcmp(type, "incident.updated") == 0) {
		const char *id = json_string_value(json_object_get(d, "id"));
		const char *title = json_string_value(json_object_get(d, "title"));
		if (id && title)
			json_object_set_new(f->incidents, id, json_string(title));
		rc |= upsert(f, stix_incident(&f->x, d), id, time_of(d, "opened_at"), t,
			     seq, false);
	} else if (strcmp(type, "signal.added") == 0 && inc) {
		int64_t added = time_of(d, "added_at");
		json_t *ind = stix_indicator(&f->x, d);
		bool mapped = ind != NULL;
		rc |= upsert(f, ind, inc, added, t, seq, false);
		if (mapped)
			rc |= upsert(f, stix_indicates(&f->x, d), inc, added, t, seq,
				     false);
	} else if (strcmp(type, "sightings") == 0) {
		rc |= apply_sightings(f, d, t, seq);
	} else if (strcmp(type, "exception.granted") == 0 && inc) {
		rc |= upsert(f, stix_exception_note(&f->x, d), inc,
			     time_of(d, "granted_at"), t, seq, false);
	} else if (strcmp(type, "authority.notified") == 0 && inc) {
		rc |= upsert(f, stix_notification_note(&f->x, d), inc, time_of(d, "at"),
			     t, seq, false);
	} else if ((strcmp(type, "report.opened") == 0 ||
		    strcmp(type, "report.updated") == 0) &&
		   inc && json_string_value(json_object_get(d, "kind")) &&
		   strcmp(json_string_value(json_object_get(d, "kind")),
			  "situation_note") == 0) {
		rc |= upsert(f, stix_note(&f->x, d), inc, time_of(d, "created_at"), t,
			     seq, false);
	}
	json_decref(env);
	return rc ? -1 : 0;
}

int feed_sync(struct feed *f, struct store *st)
{
	int rc = 0;
	pthread_mutex_lock(&f->mu);
	for (;;) {
		struct hub_event *evs = NULL;
		int n = store_fetch_events(st, f->cursor, 500, &evs);
		if (n < 0) {
			rc = -1;
			break;
		}
		for (int i = 0; i < n; i++) {
			if (f->first_seq < 0)
				f->first_seq = evs[i].seq;
			if (evs[i].seq > f->cursor &&
			    apply_event(f, evs[i].seq, evs[i].envelope))
				rc = -1;
			if (evs[i].seq > f->cursor)
				f->cursor = evs[i].seq;
			free(evs[i].envelope);
		}
		free(evs);
		if (n < 500)
			break;
	}
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static bool in_list(const char *const *list, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static bool matches(const struct feed_obj *e, const struct feed_filter *flt)
{
	if (flt->incident && e->incident[0] && strcmp(flt->incident, e->incident) != 0)
		return false;
	if (flt->after_us >= 0 && e->added_us <= flt->after_us)
		return false;
	if (flt->next_us >= 0 && e->added_us <= flt->next_us)
		return false;
	if (!flt->spec_21)
		return false;
	const char *type = json_string_value(json_object_get(e->content, "type"));
	if (flt->n_types && (!type || !in_list(flt->types, flt->n_types, type)))
		return false;
	if (flt->n_ids && !in_list(flt->ids, flt->n_ids, e->id))
		return false;
	if (flt->n_versions) {
		int64_t v = e->raw ? e->created_ms : e->modified_ms;
		bool ok = false;
		for (int i = 0; i < flt->n_versions && !ok; i++)
			ok = flt->versions_ms[i] == v;
		if (!ok)
			return false;
	}
	return true;
}

static int by_added(const void *a, const void *b)
{
	const struct feed_obj *x = *(const struct feed_obj *const *)a;
	const struct feed_obj *y = *(const struct feed_obj *const *)b;
	return x->added_us < y->added_us ? -1 : x->added_us > y->added_us;
}

/* The object as served: content plus created and modified. */
static json_t *full_object(const struct feed_obj *e)
{
	json_t *o = json_copy(e->content);
	if (o && !e->raw) {
		json_object_set_new(o, "created", stix_time_ms(e->created_ms));
		json_object_set_new(o, "modified", stix_time_ms(e->modified_ms));
	}
	return o;
}

json_t *feed_select(struct feed *f, const struct feed_filter *flt, bool *more)
{
	*more = false;
	json_t *out = json_array();
	const struct feed_obj **hits = f->n ? malloc(f->n * sizeof(*hits)) : NULL;
	size_t n = 0;
	if (!out || (f->n && !hits)) {
		free(hits);
		json_decref(out);
		return NULL;
	}
	for (size_t i = 0; i < f->n; i++)
		if (matches(&f->objs[i], flt))
			hits[n++] = &f->objs[i];
	if (n > 1)
		qsort(hits, n, sizeof(*hits), by_added);
	size_t take = flt->limit > 0 && (size_t)flt->limit < n ? (size_t)flt->limit : n;
	*more = take < n;
	for (size_t i = 0; i < take; i++) {
		const struct feed_obj *e = hits[i];
		json_t *obj = full_object(e);
		json_t *version = stix_time_ms(e->raw ? e->created_ms : e->modified_ms);
		json_array_append_new(
			out, json_pack("{s:o,s:I,s:o}", "object", obj, "date_added_us",
				       (json_int_t)e->added_us, "version", version));
	}
	free(hits);
	return out;
}

json_t *feed_incidents(struct feed *f)
{
	json_t *out = json_array();
	const char *id;
	json_t *title;
	json_object_foreach(f->incidents, id, title) json_array_append_new(
		out, json_pack("{s:s,s:O}", "id", id, "title", title));
	return out;
}

json_t *feed_bundle(struct feed *f, struct store *st, const char *incident_id,
		    int *status)
{
	*status = 503;
	if (feed_sync(f, st) != 0)
		return NULL;
	feed_lock(f);
	json_t *bundle = NULL;
	if (!json_object_get(f->incidents, incident_id))
		*status = 404;
	else {
		struct feed_filter flt = {.incident = incident_id,
					  .after_us = -1,
					  .next_us = -1,
					  .spec_21 = true};
		bool more;
		json_t *sel = feed_select(f, &flt, &more), *row;
		json_t *objs = json_array();
		size_t i;
		char name[160], id[120];
		json_array_foreach(sel, i, row)
			json_array_append(objs, json_object_get(row, "object"));
		json_decref(sel);
		snprintf(name, sizeof(name), "%s/%lld", incident_id,
			 (long long)f->cursor);
		stix_make_id("bundle", name, id, sizeof(id));
		bundle = json_pack("{s:s,s:s,s:o}", "type", "bundle", "id", id,
				   "objects", objs);
	}
	feed_unlock(f);
	return bundle;
}
