/* views.c - the sorted lists the panes show: incidents by severity or rate,
 * platforms by rate or blocked share, open decisions by due time, the live feed. */
#include "model_internal.h"

#include <stdlib.h>
#include <string.h>

/* qsort has no context argument; views sort an array of (key, pointer) instead. */
struct keyed {
	double k1, k2;
	const char *tie; /* id, for a total and stable order */
	const void *item;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	if (x->k1 != y->k1)
		return x->k1 < y->k1 ? -1 : 1;
	if (x->k2 != y->k2)
		return x->k2 < y->k2 ? -1 : 1;
	return strcmp(x->tie, y->tie);
}

static size_t emit(struct keyed *k, size_t n, const void **out, size_t cap)
{
	qsort(k, n, sizeof(*k), keyed_cmp);
	size_t m = n < cap ? n : cap;
	for (size_t i = 0; i < m; i++)
		out[i] = k[i].item;
	free(k);
	return m;
}

/* Attempts over the trailing window, summed per entry of `t` (matched on the pair's
 * incident or platform id). Returns a calloc'd array parallel to t->items. */
static double *attempts_by(const struct wf_model *m, const struct wf_table *t,
			   bool by_platform, const char *incident_id, int64_t now,
			   int minutes, double *blocked)
{
	double *acc = calloc(t->n ? t->n : 1, sizeof(*acc));
	if (!acc)
		return NULL;
	for (size_t i = 0; i < m->pairs.n; i++) {
		const struct wf_pair *p = m->pairs.items[i];
		if (incident_id && strcmp(p->incident_id, incident_id) != 0)
			continue;
		uint32_t idx = wf_idmap_get(&t->map, by_platform ? p->platform_id
								 : p->incident_id);
		if (idx == UINT32_MAX)
			continue;
		struct wf_bucket_counts c = {0};
		wf_prop_pair_window(p, now, minutes, &c);
		acc[idx] += (double)c.attempts;
		if (blocked)
			blocked[idx] += (double)c.blocked;
	}
	return acc;
}

size_t wf_model_incidents(const struct wf_model *m, enum wf_incident_sort sort,
			  int64_t now, const struct wf_incident **out, size_t cap)
{
	const struct wf_table *t = &m->incidents;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	double *rate = NULL;
	if (!k)
		return 0;
	if (sort == WF_SORT_INC_RATE)
		rate = attempts_by(m, t, false, NULL, now, 5, NULL);
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_incident *inc = t->items[i];
		k[i].item = inc;
		k[i].tie = inc->id;
		switch (sort) {
		case WF_SORT_INC_RATE:
			k[i].k1 = rate ? -rate[i] : 0;
			k[i].k2 = -(double)inc->opened_at;
			break;
		case WF_SORT_INC_AGE:
			k[i].k1 = -(double)inc->opened_at;
			break;
		case WF_SORT_INC_SEVERITY:
		case WF_SORT_INC__COUNT:
			k[i].k1 = -(double)(inc->tier_rank * 16 + inc->state);
			k[i].k2 = -(double)inc->opened_at;
			break;
		}
	}
	free(rate);
	return emit(k, t->n, (const void **)out, cap);
}

size_t wf_model_platforms(const struct wf_model *m, enum wf_platform_sort sort,
			  const char *incident_id, int64_t now,
			  const struct wf_platform **out, size_t cap)
{
	const struct wf_table *t = &m->platforms;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	double *blocked = calloc(t->n ? t->n : 1, sizeof(*blocked));
	double *att = NULL;
	if (!k || !blocked) {
		free(k);
		free(blocked);
		return 0;
	}
	if (sort != WF_SORT_PLAT_NAME)
		att = attempts_by(m, t, true, incident_id, now, 15,
				  sort == WF_SORT_PLAT_BLOCKED ? blocked : NULL);
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_platform *p = t->items[i];
		k[i].item = p;
		k[i].tie = p->id;
		switch (sort) {
		case WF_SORT_PLAT_RATE:
			k[i].k1 = att ? -att[i] : 0;
			break;
		case WF_SORT_PLAT_BLOCKED:
			/* No attempts: last, since there is nothing to judge. */
			k[i].k1 = att && att[i] > 0 ? blocked[i] / att[i] : 2.0;
			break;
		case WF_SORT_PLAT_NAME:
		case WF_SORT_PLAT__COUNT:
			break;
		}
		k[i].tie = sort == WF_SORT_PLAT_NAME ? p->name : p->id;
	}
	free(att);
	free(blocked);
	return emit(k, t->n, (const void **)out, cap);
}

size_t wf_model_open_decisions(const struct wf_model *m, enum wf_decision_sort sort,
			       const char *incident_id,
			       const struct wf_decision **out, size_t cap)
{
	const struct wf_table *t = &m->decisions;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	size_t n = 0;
	if (!k)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_decision *d = t->items[i];
		if (!wf_decision_state_open(d->state))
			continue;
		if (incident_id && (!d->incident_id || strcmp(d->incident_id, incident_id)))
			continue;
		k[n].item = d;
		k[n].tie = d->id;
		switch (sort) {
		case WF_SORT_DEC_PRIORITY:
			k[n].k1 = -(double)d->priority;
			k[n].k2 = (double)d->due_at;
			break;
		case WF_SORT_DEC_NEWEST:
			k[n].k1 = -(double)d->created_at;
			break;
		case WF_SORT_DEC_DUE:
		case WF_SORT_DEC__COUNT:
			k[n].k1 = (double)d->due_at;
			k[n].k2 = (double)d->created_at;
			break;
		}
		n++;
	}
	return emit(k, n, (const void **)out, cap);
}

size_t wf_model_signals(const struct wf_model *m, const char *incident_id,
			const struct wf_signal **out, size_t cap)
{
	const struct wf_table *t = &m->signals;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	size_t n = 0;
	if (!k)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_signal_entry *se = t->items[i];
		if (incident_id && strcmp(se->s.incident_id, incident_id) != 0)
			continue;
		k[n].item = &se->s;
		k[n].tie = se->s.id;
		k[n].k1 = -(double)se->s.added_at;
		k[n].k2 = -(double)se->order;
		n++;
	}
	return emit(k, n, (const void **)out, cap);
}

size_t wf_model_reports(const struct wf_model *m, const char *incident_id,
			const struct wf_report **out, size_t cap)
{
	const struct wf_table *t = &m->reports;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	size_t n = 0;
	if (!k)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_report *r = t->items[i];
		if (incident_id && (!r->incident_id || strcmp(r->incident_id, incident_id)))
			continue;
		k[n].item = r;
		k[n].tie = r->id;
		k[n].k1 = -(double)r->created_at;
		n++;
	}
	return emit(k, n, (const void **)out, cap);
}

size_t wf_model_feed(const struct wf_model *m, const char *incident_id,
		     struct wf_feed_item *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < m->feed_n && n < cap; i++) {
		size_t idx = (m->feed_head + m->lim.feed - 1 - i) % m->lim.feed;
		const struct wf_feed_item *f = &m->feed[idx];
		if (incident_id && strcmp(f->incident_id, incident_id) != 0)
			continue;
		out[n++] = *f;
	}
	return n;
}

size_t wf_model_exceptions(const struct wf_model *m, const char *incident_id,
			   const struct wf_exception **out, size_t cap)
{
	const struct wf_table *t = &m->exceptions;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	size_t n = 0;
	if (!k)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_exception *x = t->items[i];
		if (incident_id && (!x->incident_id || strcmp(x->incident_id, incident_id)))
			continue;
		k[n].item = x;
		k[n].tie = x->id;
		k[n].k1 = -(double)x->granted_at;
		n++;
	}
	return emit(k, n, (const void **)out, cap);
}

const struct wf_exception *wf_model_signal_exception(const struct wf_model *m,
						     const char *signal_id,
						     const char *platform_id)
{
	if (!signal_id)
		return NULL;
	for (size_t i = 0; i < m->exceptions.n; i++) {
		const struct wf_exception *x = m->exceptions.items[i];
		if (x->signal_id && strcmp(x->signal_id, signal_id) == 0 &&
		    (!platform_id ||
		     (x->platform_id && strcmp(x->platform_id, platform_id) == 0)))
			return x;
	}
	return NULL;
}

size_t wf_model_notifications(const struct wf_model *m, const char *incident_id,
			      const struct wf_notification **out, size_t cap)
{
	const struct wf_table *t = &m->notifications;
	struct keyed *k = calloc(t->n ? t->n : 1, sizeof(*k));
	size_t n = 0;
	if (!k)
		return 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct wf_notification *x = t->items[i];
		if (incident_id && (!x->incident_id || strcmp(x->incident_id, incident_id)))
			continue;
		k[n].item = x;
		k[n].tie = x->id;
		k[n].k1 = -(double)x->at;
		n++;
	}
	return emit(k, n, (const void **)out, cap);
}

struct wf_quorum wf_decision_quorum(const struct wf_decision *d)
{
	struct wf_quorum q = {d->needed > 0 ? d->needed : 1, (int)d->n_approved_by,
			      (int)d->n_rejected_by};
	return q;
}

static bool orgs_have(char *const *v, size_t n, const char *org)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], org) == 0)
			return true;
	return false;
}

enum wf_vote_action wf_decision_org_vote(const struct wf_decision *d, const char *org)
{
	if (!org || !*org)
		return WF_VOTE__COUNT;
	if (orgs_have(d->approved_by, d->n_approved_by, org))
		return WF_VOTE_APPROVE;
	if (orgs_have(d->rejected_by, d->n_rejected_by, org))
		return WF_VOTE_REJECT;
	return WF_VOTE__COUNT;
}
