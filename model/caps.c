/* caps.c - the model's caps: when a table is full, what goes is what an officer
 * needs least (concluded before open, lower tier and state before higher, older
 * before newer), and what the model does not hold is remembered per table, so the
 * screens can say "+45 incidents not shown, cap 256" instead of hiding it. */
#include "model_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much an officer needs an entry, compared key by key: higher is needed more. */
struct need {
	int64_t k[4];
};

static struct need need_incident(const void *e, bool cand)
{
	(void)cand;
	const struct wf_incident *i = e;
	struct need n = {
		{i->state != WF_INC_CONCLUDED, i->tier_rank, i->state, i->opened_at}};
	return n;
}
static struct need need_decision(const void *e, bool cand)
{
	(void)cand;
	const struct wf_decision *d = e;
	struct need n = {
		{wf_decision_state_open(d->state), d->priority, d->created_at, 0}};
	return n;
}
static struct need need_report(const void *e, bool cand)
{
	(void)cand;
	const struct wf_report *r = e;
	struct need n = {
		{r->state == WF_REPST_OPEN, r->needs_decision, r->created_at, 0}};
	return n;
}
static struct need need_signal(const void *e, bool cand)
{
	/* A table entry is a wf_signal_entry, a candidate a wf_signal: both start
	 * with the signal. */
	const struct wf_signal *s = e;
	int64_t order =
		cand ? INT64_MAX : (int64_t)((const struct wf_signal_entry *)e)->order;
	struct need n = {{s->state == WF_SIG_ACTIVE, s->added_at, order, 0}};
	return n;
}
static struct need need_exception(const void *e, bool cand)
{
	(void)cand;
	struct need n = {{((const struct wf_exception *)e)->granted_at, 0, 0, 0}};
	return n;
}
static struct need need_notification(const void *e, bool cand)
{
	(void)cand;
	struct need n = {{((const struct wf_notification *)e)->at, 0, 0, 0}};
	return n;
}

static int need_cmp(struct need a, struct need b)
{
	for (int i = 0; i < 4; i++)
		if (a.k[i] != b.k[i])
			return a.k[i] < b.k[i] ? -1 : 1;
	return 0;
}

static const struct {
	const char *name;
	/* cand: e is the newcomer (a resource, not yet a table entry) */
	struct need (*need)(const void *e, bool cand); /* NULL: nothing is evicted */
} caps[WF_CAP__COUNT] = {
	[WF_CAP_PLATFORMS] = {"platforms", NULL},
	[WF_CAP_INCIDENTS] = {"incidents", need_incident},
	[WF_CAP_SIGNALS] = {"signals", need_signal},
	[WF_CAP_REPORTS] = {"reports", need_report},
	[WF_CAP_DECISIONS] = {"decisions", need_decision},
	[WF_CAP_EXCEPTIONS] = {"exceptions", need_exception},
	[WF_CAP_NOTIFICATIONS] = {"notifications", need_notification},
};

const char *wf_cap_name(enum wf_cap k)
{
	return (unsigned)k < WF_CAP__COUNT ? caps[k].name : "?";
}

struct wf_table *wf_cap_table(struct wf_model *m, enum wf_cap k)
{
	switch (k) {
	case WF_CAP_PLATFORMS:
		return &m->platforms;
	case WF_CAP_INCIDENTS:
		return &m->incidents;
	case WF_CAP_SIGNALS:
		return &m->signals;
	case WF_CAP_REPORTS:
		return &m->reports;
	case WF_CAP_DECISIONS:
		return &m->decisions;
	case WF_CAP_EXCEPTIONS:
		return &m->exceptions;
	case WF_CAP_NOTIFICATIONS:
	case WF_CAP__COUNT:
		break;
	}
	return &m->notifications;
}

static void free_dropped(void *e)
{
	free(*(char **)e);
	free(e);
}

bool wf_caps_init(struct wf_model *m)
{
	for (int k = 0; k < WF_CAP__COUNT; k++) {
		/* Ids only: remembering four times the cap costs little. */
		size_t cap = wf_cap_table(m, k)->cap * 4;
		if (cap < 1024)
			cap = 1024;
		if (cap > 262144)
			cap = 262144;
		if (!wf_table_init(&m->dropped[k], cap, free_dropped))
			return false;
	}
	return true;
}

void wf_caps_free(struct wf_model *m)
{
	for (int k = 0; k < WF_CAP__COUNT; k++)
		wf_table_free(&m->dropped[k]);
}

void wf_caps_clear(struct wf_model *m)
{
	for (int k = 0; k < WF_CAP__COUNT; k++) {
		if (m->dropped[k].items)
			wf_table_clear(&m->dropped[k]);
		m->dropped_more[k] = 0;
	}
}

static void remember_dropped(struct wf_model *m, enum wf_cap k, const char *id)
{
	struct wf_table *d = &m->dropped[k];
	if (!d->items || wf_table_get(d, id))
		return;
	char **e = malloc(sizeof(*e));
	char *copy = e ? strdup(id) : NULL;
	if (!copy || d->n >= d->cap) {
		free(copy);
		free(e);
		m->dropped_more[k]++; /* cannot tell it apart any more: "at least" */
		return;
	}
	*e = copy;
	wf_table_add(d, e);
}

void wf_caps_now_held(struct wf_model *m, enum wf_cap k, const char *id)
{
	struct wf_table *d = &m->dropped[k];
	uint32_t i = d->items ? wf_idmap_get(&d->map, id) : UINT32_MAX;
	if (i != UINT32_MAX)
		wf_table_remove_at(d, i);
}

bool wf_caps_make_room(struct wf_model *m, enum wf_cap k, const void *cand)
{
	struct wf_table *t = wf_cap_table(m, k);
	const char *cand_id = *(char *const *)cand;
	if (t->n < t->cap)
		return true;
	size_t victim = SIZE_MAX;
	struct need least = {{0}};
	if (caps[k].need) {
		for (size_t i = 0; i < t->n; i++) {
			struct need n = caps[k].need(t->items[i], false);
			if (victim == SIZE_MAX || need_cmp(n, least) < 0) {
				least = n;
				victim = i;
			}
		}
	}
	/* The newcomer is refused when it is needed no more than the least needed
	 * entry held (a tie keeps what is on screen). */
	if (victim == SIZE_MAX || need_cmp(caps[k].need(cand, true), least) <= 0) {
		remember_dropped(m, k, cand_id);
		m->counters.cap_refused++;
		return false;
	}
	remember_dropped(m, k, *(char **)t->items[victim]);
	wf_table_remove_at(t, victim);
	m->counters.evicted++;
	return true;
}

struct wf_model_not_held wf_model_not_held(const struct wf_model *m)
{
	struct wf_model_not_held h;
	memset(&h, 0, sizeof(h));
	for (int k = 0; k < WF_CAP__COUNT; k++) {
		h.n[k] = m->dropped[k].n + (size_t)m->dropped_more[k];
		h.at_least |= m->dropped_more[k] > 0;
		h.total += h.n[k];
	}
	return h;
}

size_t wf_model_cap(const struct wf_model *m, enum wf_cap k)
{
	return wf_cap_table((struct wf_model *)m, k)->cap;
}

size_t wf_model_caps_note(const struct wf_model *m, char *buf, size_t size)
{
	/* Open work first: what an officer would miss most. */
	static const enum wf_cap order[] = {
		WF_CAP_INCIDENTS,     WF_CAP_DECISIONS, WF_CAP_REPORTS,
		WF_CAP_SIGNALS,	      WF_CAP_PLATFORMS, WF_CAP_EXCEPTIONS,
		WF_CAP_NOTIFICATIONS,
	};
	struct wf_model_not_held h = wf_model_not_held(m);
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && len + 1 < size;
	     i++) {
		enum wf_cap k = order[i];
		if (!h.n[k])
			continue;
		int w = snprintf(buf + len, size - len,
				 "%s+%zu%s %s not shown, cap %zu", len ? "; " : "",
				 h.n[k], m->dropped_more[k] ? " or more" : "",
				 caps[k].name, wf_model_cap(m, k));
		if (w < 0)
			break;
		len += (size_t)w < size - len ? (size_t)w : size - len - 1;
	}
	return len;
}

size_t *wf_model_limit_by_name(struct wf_model_limits *l, const char *name)
{
	static const struct {
		const char *name;
		size_t off;
	} f[] = {
		{"platforms", offsetof(struct wf_model_limits, platforms)},
		{"incidents", offsetof(struct wf_model_limits, incidents)},
		{"signals", offsetof(struct wf_model_limits, signals)},
		{"reports", offsetof(struct wf_model_limits, reports)},
		{"decisions", offsetof(struct wf_model_limits, decisions)},
		{"pairs", offsetof(struct wf_model_limits, pairs)},
		{"feed", offsetof(struct wf_model_limits, feed)},
		{"exceptions", offsetof(struct wf_model_limits, exceptions)},
		{"notifications", offsetof(struct wf_model_limits, notifications)},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (strcmp(f[i].name, name) == 0)
			return (size_t *)((char *)l + f[i].off);
	return NULL;
}
