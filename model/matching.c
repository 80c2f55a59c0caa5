/* matching.c - what the backend's matching adds to the state: unmatched uploads
 * counted into the time buckets, the near-miss ring, variants of an incident and a
 * signal's nearest neighbours. */
#include "model_internal.h"

#include <stdio.h>
#include <string.h>

void wf_match_clear(struct wf_model *m)
{
	m->near_head = m->near_n = 0;
}

static void feed_push_unmatched(struct wf_model *m, const struct wf_sightings *s,
				const struct wf_unmatched_item *u)
{
	struct wf_feed_item *f = &m->feed[m->feed_head];
	memset(f, 0, sizeof(*f));
	f->seen_at = u->seen_at;
	strncpy(f->platform_id, s->platform_id, WF_ID_MAX);
	strncpy(f->incident_id, s->incident_id, WF_ID_MAX);
	f->has_hash = u->hash != NULL;
	f->hash_type = u->hash_type;
	if (u->hash)
		strncpy(f->hash_short, u->hash, sizeof(f->hash_short) - 1);
	f->outcome = u->outcome;
	f->count = u->count;
	f->distance = u->nearest_id ? u->nearest_distance : -1;
	f->unmatched = true;
	f->serial = ++m->unmatched_serial;
	if (u->nearest_id)
		strncpy(f->nearest_id, u->nearest_id, WF_ID_MAX);
	m->feed_head = (m->feed_head + 1) % m->lim.feed;
	if (m->feed_n < m->lim.feed)
		m->feed_n++;
}

void wf_match_add_unmatched(struct wf_model *m, struct wf_pair *pair,
			    const struct wf_sightings *s,
			    const struct wf_unmatched_item *u)
{
	feed_push_unmatched(m, s, u);
	if (pair)
		wf_prop_add_unmatched(m, pair, u, m->clock);
	if (!u->nearest_id)
		return;
	struct wf_near_miss *n = &m->near[m->near_head];
	memset(n, 0, sizeof(*n));
	n->seen_at = u->seen_at;
	strncpy(n->platform_id, s->platform_id, WF_ID_MAX);
	strncpy(n->incident_id, s->incident_id, WF_ID_MAX);
	strncpy(n->nearest_id, u->nearest_id, WF_ID_MAX);
	n->hash_type = u->hash_type;
	strncpy(n->hash_short, u->hash, sizeof(n->hash_short) - 1);
	n->distance = u->nearest_distance;
	n->share = u->nearest_share;
	n->count = u->count;
	m->near_head = (m->near_head + 1) % WF_NEAR_MISSES;
	if (m->near_n < WF_NEAR_MISSES)
		m->near_n++;
}

size_t wf_model_near_misses(const struct wf_model *m, const char *incident_id,
			    struct wf_near_miss *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->near_n && n < cap; i++) {
		size_t k = (m->near_head + WF_NEAR_MISSES - 1 - i) % WF_NEAR_MISSES;
		if (incident_id && strcmp(m->near[k].incident_id, incident_id) != 0)
			continue;
		out[n++] = m->near[k];
	}
	return n;
}

static int64_t recent15(const struct wf_signal_entry *se, int64_t now)
{
	int64_t since = now - (now % WF_MINUTE_MS) - 14 * WF_MINUTE_MS, sum = 0;
	for (size_t k = 0; k < WF_SIG_RECENT; k++)
		if (se->recent_start[k] >= since && se->recent_start[k] <= now)
			sum += se->recent[k];
	return sum;
}

size_t wf_model_variants(const struct wf_model *m, const char *incident_id, int64_t now,
			 struct wf_variant *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->signals.n; i++) {
		const struct wf_signal_entry *se = m->signals.items[i];
		const struct wf_signal *s = &se->s;
		if (strcmp(s->incident_id, incident_id) != 0)
			continue;
		size_t v = 0;
		while (v < n && strcmp(out[v].variant_id, s->variant_id) != 0)
			v++;
		if (v == n) {
			if (n == cap)
				continue; /* more variants than asked for */
			memset(&out[v], 0, sizeof(out[v]));
			snprintf(out[v].variant_id, sizeof(out[v].variant_id), "%s",
				 s->variant_id);
			n++;
		}
		struct wf_variant *x = &out[v];
		x->n_signals++;
		x->attempts15 += recent15(se, now);
		if (!x->first || s->added_at < x->first_seen) {
			x->first = s;
			x->first_seen = s->added_at;
		}
		bool known = false;
		for (size_t k = 0; k < x->n_platforms && k < 4; k++)
			known = known || strcmp(x->platforms[k], s->platform_id) == 0;
		if (!known) {
			if (x->n_platforms < 4)
				x->platforms[x->n_platforms] = s->platform_id;
			x->n_platforms++;
		}
	}
	/* First seen first (insertion sort: variants are few). */
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && out[b - 1].first_seen > out[b].first_seen;
		     b--) {
			struct wf_variant t = out[b];
			out[b] = out[b - 1];
			out[b - 1] = t;
		}
	return n;
}

size_t wf_model_variant_signals(const struct wf_model *m, const char *incident_id,
				const char *variant_id, const struct wf_signal **out,
				size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->signals.n && n < cap; i++) {
		const struct wf_signal *s =
			&((const struct wf_signal_entry *)m->signals.items[i])->s;
		if (strcmp(s->incident_id, incident_id) == 0 &&
		    strcmp(s->variant_id, variant_id) == 0)
			out[n++] = s;
	}
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && out[b - 1]->added_at > out[b]->added_at;
		     b--) {
			const struct wf_signal *t = out[b];
			out[b] = out[b - 1];
			out[b - 1] = t;
		}
	return n;
}

size_t wf_model_neighbours(const struct wf_model *m, const char *signal_id,
			   struct wf_neighbour *out, size_t cap)
{
	const struct wf_signal *self = wf_model_signal(m, signal_id);
	size_t n = 0;
	if (!self || cap == 0)
		return 0;
	if (self->nearest_id)
		out[n++] = (struct wf_neighbour){
			wf_model_signal(m, self->nearest_id), self->nearest_id,
			self->nearest_distance, self->nearest_share, false};
	for (size_t i = 0; i < m->signals.n && n < cap; i++) {
		const struct wf_signal *s =
			&((const struct wf_signal_entry *)m->signals.items[i])->s;
		if (s->nearest_id && strcmp(s->nearest_id, signal_id) == 0)
			out[n++] = (struct wf_neighbour){s, s->id, s->nearest_distance,
							 s->nearest_share, true};
	}
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0 && out[b - 1].distance > out[b].distance;
		     b--) {
			struct wf_neighbour t = out[b];
			out[b] = out[b - 1];
			out[b - 1] = t;
		}
	return n;
}
