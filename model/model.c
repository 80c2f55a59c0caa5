/* model.c - the command center's tables, idempotent event application and the
 * sorted views the panes read. Propagation figures live in propagation.c. */
#include "model_internal.h"

#include <stdlib.h>
#include <string.h>

struct wf_model_limits wf_model_limits_default(void)
{
	struct wf_model_limits l = {
		.platforms = 512,
		.incidents = 4096,
		.signals = 16384,
		.reports = 8192,
		.decisions = 8192,
		.pairs = 4096,
		.feed = 256,
		.exceptions = 1024,
		.notifications = 1024,
	};
	return l;
}

static void free_platform(void *e)
{
	wf_platform_clear(e);
	free(e);
}
static void free_incident(void *e)
{
	wf_incident_clear(e);
	free(e);
}
static void free_signal(void *e)
{
	wf_signal_clear(e);
	free(e);
}
static void free_report(void *e)
{
	wf_report_clear(e);
	free(e);
}
static void free_decision(void *e)
{
	wf_decision_clear(e);
	free(e);
}
static void free_exception(void *e)
{
	wf_exception_clear(e);
	free(e);
}
static void free_notification(void *e)
{
	wf_notification_clear(e);
	free(e);
}

struct wf_model *wf_model_new(const struct wf_model_limits *limits)
{
	struct wf_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->lim = limits ? *limits : wf_model_limits_default();
	if (m->lim.feed == 0)
		m->lim.feed = 1;
	bool ok = wf_table_init(&m->platforms, m->lim.platforms, free_platform) &&
		  wf_table_init(&m->incidents, m->lim.incidents, free_incident) &&
		  wf_table_init(&m->signals, m->lim.signals, free_signal) &&
		  wf_table_init(&m->reports, m->lim.reports, free_report) &&
		  wf_table_init(&m->decisions, m->lim.decisions, free_decision) &&
		  wf_table_init(&m->pairs, m->lim.pairs, wf_pair_free) &&
		  wf_table_init(&m->exceptions, m->lim.exceptions, free_exception) &&
		  wf_table_init(&m->notifications, m->lim.notifications,
				free_notification);
	ok = ok && wf_caps_init(m);
	m->feed = calloc(m->lim.feed, sizeof(*m->feed));
	if (!ok || !m->feed) {
		wf_model_free(m);
		return NULL;
	}
	m->conn.heartbeat_s = 15;
	return m;
}

void wf_model_free(struct wf_model *m)
{
	if (!m)
		return;
	wf_table_free(&m->platforms);
	wf_table_free(&m->incidents);
	wf_table_free(&m->signals);
	wf_table_free(&m->reports);
	wf_table_free(&m->decisions);
	wf_table_free(&m->pairs);
	wf_table_free(&m->exceptions);
	wf_table_free(&m->notifications);
	wf_caps_free(m);
	free(m->feed);
	free(m);
}

void wf_model_reset(struct wf_model *m)
{
	wf_table_clear(&m->platforms);
	wf_table_clear(&m->incidents);
	wf_table_clear(&m->signals);
	wf_table_clear(&m->reports);
	wf_table_clear(&m->decisions);
	wf_table_clear(&m->pairs);
	wf_table_clear(&m->exceptions);
	wf_table_clear(&m->notifications);
	wf_caps_clear(m);
	m->feed_head = m->feed_n = 0;
	wf_match_clear(m);
	m->cursor = 0;
	m->clock = 0;
	m->generation++;
}

int64_t wf_model_cursor(const struct wf_model *m)
{
	return m->cursor;
}

void wf_model_set_cursor(struct wf_model *m, int64_t cursor)
{
	m->cursor = cursor;
}

void wf_model_set_now(struct wf_model *m, int64_t now)
{
	m->now_limit = now > 0 ? now + WF_MODEL_SKEW_MS : 0;
}

uint64_t wf_model_generation(const struct wf_model *m)
{
	return m->generation;
}

struct wf_model_counters wf_model_counters(const struct wf_model *m)
{
	return m->counters;
}

static bool decision_closed(const void *e)
{
	return !wf_decision_state_open(((const struct wf_decision *)e)->state);
}

/* Inserts or replaces the resource *src (size bytes, first member its id) when its
 * version is newer. Moves src's contents into the table and zeroes *src. */
static enum wf_apply_result upsert(struct wf_model *m, enum wf_cap k, void *src,
				   size_t size, size_t entry_size, int64_t version,
				   int64_t (*version_of)(const void *),
				   void (*clear)(void *), void **out_entry)
{
	struct wf_table *t = wf_cap_table(m, k);
	const char *id = *(char **)src;
	void *cur = wf_table_get(t, id);
	if (cur) {
		if (version <= version_of(cur)) {
			m->counters.duplicates++;
			return WF_APPLY_UNCHANGED;
		}
		/* The id map points at the held id string: keep it, drop the new copy. */
		char *held_id = *(char **)cur;
		*(char **)cur = NULL;
		clear(cur);
		memcpy(cur, src, size);
		memset(src, 0, size);
		free(*(char **)cur);
		*(char **)cur = held_id;
		if (out_entry)
			*out_entry = cur;
		return WF_APPLY_CHANGED;
	}
	if (!wf_caps_make_room(m, k, src))
		return WF_APPLY_REFUSED;
	void *e = calloc(1, entry_size);
	if (!e) {
		m->counters.cap_refused++;
		return WF_APPLY_REFUSED;
	}
	memcpy(e, src, size);
	memset(src, 0, size);
	wf_table_add(t, e);
	wf_caps_now_held(m, k, *(char **)e);
	if (out_entry)
		*out_entry = e;
	return WF_APPLY_CHANGED;
}

static int64_t platform_version(const void *e)
{
	return ((const struct wf_platform *)e)->version;
}
static int64_t incident_version(const void *e)
{
	return ((const struct wf_incident *)e)->version;
}
static int64_t signal_version(const void *e)
{
	return ((const struct wf_signal *)e)->version;
}
static int64_t report_version(const void *e)
{
	return ((const struct wf_report *)e)->version;
}
static int64_t decision_version(const void *e)
{
	return ((const struct wf_decision *)e)->version;
}
static int64_t exception_version(const void *e)
{
	return ((const struct wf_exception *)e)->version;
}
static int64_t notification_version(const void *e)
{
	return ((const struct wf_notification *)e)->version;
}
static void clear_exception(void *e)
{
	wf_exception_clear(e);
}
static void clear_notification(void *e)
{
	wf_notification_clear(e);
}
static void clear_platform(void *e)
{
	wf_platform_clear(e);
}
static void clear_incident(void *e)
{
	wf_incident_clear(e);
}
static void clear_signal(void *e)
{
	wf_signal_clear(e);
}
static void clear_report(void *e)
{
	wf_report_clear(e);
}
static void clear_decision(void *e)
{
	wf_decision_clear(e);
}

static void feed_push(struct wf_model *m, const char *incident_id,
		      const char *platform_id, const struct wf_sighting_item *it)
{
	struct wf_feed_item *f = &m->feed[m->feed_head];
	memset(f, 0, sizeof(*f));
	f->seen_at = it->seen_at;
	strncpy(f->platform_id, platform_id, WF_ID_MAX);
	strncpy(f->incident_id, incident_id, WF_ID_MAX);
	f->has_hash = it->has_hash && it->hash;
	f->hash_type = it->hash_type;
	if (f->has_hash)
		strncpy(f->hash_short, it->hash, sizeof(f->hash_short) - 1);
	f->outcome = it->outcome;
	f->count = it->count;
	f->distance = it->distance;
	m->feed_head = (m->feed_head + 1) % m->lim.feed;
	if (m->feed_n < m->lim.feed)
		m->feed_n++;
}

static enum wf_apply_result apply_sightings(struct wf_model *m, struct wf_event *ev)
{
	struct wf_sightings *s = &ev->u.sightings;
	struct wf_pair *pair = NULL;
	if (ev->seq > 0)
		pair = wf_pair_get_or_add(m, s->incident_id, s->platform_id, m->clock);
	for (size_t i = 0; i < s->n_items; i++) {
		struct wf_sighting_item *it = &s->items[i];
		if (!it->has_hash) {
			const struct wf_signal *sig = wf_model_signal(m, it->signal_id);
			if (sig) {
				it->has_hash = true;
				it->hash_type = sig->type;
				it->hash = strdup(sig->value);
				if (!it->hash)
					it->has_hash = false;
			}
		}
		if (m->now_limit > 0 && it->seen_at > m->now_limit)
			it->seen_at = m->now_limit; /* a clock ahead of ours: count it now */
		feed_push(m, s->incident_id, s->platform_id, it);
		if (pair)
			wf_prop_add_sighting(m, pair, it, m->clock);
	}
	for (size_t i = 0; i < s->n_unmatched; i++) {
		struct wf_unmatched_item *u = &s->unmatched[i];
		if (m->now_limit > 0 && u->seen_at > m->now_limit)
			u->seen_at = m->now_limit;
		wf_match_add_unmatched(m, pair, s, u);
	}
	return WF_APPLY_CHANGED;
}

static enum wf_apply_result apply_signal(struct wf_model *m, struct wf_event *ev)
{
	struct wf_signal *s = &ev->u.signal;
	bool is_new = wf_model_signal(m, s->id) == NULL;
	bool count_variant = is_new && ev->seq > 0 && s->new_variant;
	void *entry = NULL;
	enum wf_apply_result r;
	r = upsert(m, WF_CAP_SIGNALS, s, sizeof(*s), sizeof(struct wf_signal_entry),
		   s->version, signal_version, clear_signal, &entry);
	if (r == WF_APPLY_CHANGED && is_new) {
		struct wf_signal_entry *se = entry;
		se->order = ++m->signal_order;
		if (m->now_limit > 0 && se->s.added_at > m->now_limit)
			se->s.added_at = m->now_limit;
		if (count_variant)
			wf_prop_add_variant(m, &se->s, m->clock);
	}
	return r;
}

enum wf_apply_result wf_model_apply(struct wf_model *m, struct wf_event *ev)
{
	enum wf_apply_result r = WF_APPLY_UNCHANGED;
	if (ev->type == WF_EV_RESET)
		return WF_APPLY_RESET;
	if (ev->seq > 0) {
		if (ev->seq <= m->cursor) {
			m->counters.duplicates++;
			return WF_APPLY_UNCHANGED;
		}
		m->cursor = ev->seq;
	}
	/* The model's clock follows event times, but never runs ahead of the caller's
	 * wall clock by more than the allowed skew: one event stamped far in the
	 * future must not push every later sighting out of the windows. */
	int64_t t = ev->time;
	if (m->now_limit > 0 && t > m->now_limit)
		t = m->now_limit;
	if (t > m->clock)
		m->clock = t;

	switch (ev->type) {
	case WF_EV_PLATFORM_UPDATED: {
		struct wf_platform *p = &ev->u.platform;
		r = upsert(m, WF_CAP_PLATFORMS, p, sizeof(*p), sizeof(*p), p->version,
			   platform_version, clear_platform, NULL);
		break;
	}
	case WF_EV_INCIDENT_OPENED:
	case WF_EV_INCIDENT_UPDATED: {
		struct wf_incident *i = &ev->u.incident;
		r = upsert(m, WF_CAP_INCIDENTS, i, sizeof(*i), sizeof(*i), i->version,
			   incident_version, clear_incident, NULL);
		break;
	}
	case WF_EV_SIGNAL_ADDED:
		r = apply_signal(m, ev);
		break;
	case WF_EV_SIGHTINGS:
		r = apply_sightings(m, ev);
		break;
	case WF_EV_REPORT_OPENED:
	case WF_EV_REPORT_UPDATED: {
		struct wf_report *rp = &ev->u.report;
		r = upsert(m, WF_CAP_REPORTS, rp, sizeof(*rp), sizeof(*rp), rp->version,
			   report_version, clear_report, NULL);
		break;
	}
	case WF_EV_DECISION_OPENED:
	case WF_EV_DECISION_UPDATED:
	case WF_EV_DECISION_RESOLVED: {
		struct wf_decision *d = &ev->u.decision;
		r = upsert(m, WF_CAP_DECISIONS, d, sizeof(*d), sizeof(*d), d->version,
			   decision_version, clear_decision, NULL);
		break;
	}
	case WF_EV_STATS:
		r = wf_prop_set_stats(m, &ev->u.stats) ? WF_APPLY_CHANGED
						       : WF_APPLY_UNCHANGED;
		break;
	case WF_EV_EXCEPTION_GRANTED: {
		/* Records, not open work: when full, the oldest goes. */
		struct wf_exception *x = &ev->u.exception;
		r = upsert(m, WF_CAP_EXCEPTIONS, x, sizeof(*x), sizeof(*x), x->version,
			   exception_version, clear_exception, NULL);
		break;
	}
	case WF_EV_AUTHORITY_NOTIFIED: {
		struct wf_notification *x = &ev->u.notification;
		r = upsert(m, WF_CAP_NOTIFICATIONS, x, sizeof(*x), sizeof(*x),
			   x->version, notification_version, clear_notification, NULL);
		break;
	}
	case WF_EV_RESET:
	case WF_EV__COUNT:
		break;
	}
	if (r == WF_APPLY_CHANGED) {
		m->counters.applied++;
		m->generation++;
	}
	return r;
}

const struct wf_platform *wf_model_platform(const struct wf_model *m, const char *id)
{
	return id ? wf_table_get(&m->platforms, id) : NULL;
}
const struct wf_incident *wf_model_incident(const struct wf_model *m, const char *id)
{
	return id ? wf_table_get(&m->incidents, id) : NULL;
}
const struct wf_signal *wf_model_signal(const struct wf_model *m, const char *id)
{
	return id ? wf_table_get(&m->signals, id) : NULL;
}
const struct wf_report *wf_model_report(const struct wf_model *m, const char *id)
{
	return id ? wf_table_get(&m->reports, id) : NULL;
}
const struct wf_decision *wf_model_decision(const struct wf_model *m, const char *id)
{
	return id ? wf_table_get(&m->decisions, id) : NULL;
}

const struct wf_exception *wf_model_exception(const struct wf_model *m, const char *id)
{
	return id ? wf_table_get(&m->exceptions, id) : NULL;
}
const struct wf_notification *wf_model_notification(const struct wf_model *m,
						    const char *id)
{
	return id ? wf_table_get(&m->notifications, id) : NULL;
}
size_t wf_model_count_exceptions(const struct wf_model *m)
{
	return m->exceptions.n;
}
size_t wf_model_count_notifications(const struct wf_model *m)
{
	return m->notifications.n;
}

size_t wf_model_count_platforms(const struct wf_model *m)
{
	return m->platforms.n;
}
size_t wf_model_count_incidents(const struct wf_model *m)
{
	return m->incidents.n;
}
size_t wf_model_count_signals(const struct wf_model *m)
{
	return m->signals.n;
}
size_t wf_model_count_reports(const struct wf_model *m)
{
	return m->reports.n;
}
size_t wf_model_count_decisions(const struct wf_model *m)
{
	return m->decisions.n;
}
size_t wf_model_count_open_decisions(const struct wf_model *m)
{
	size_t n = 0;
	for (size_t i = 0; i < m->decisions.n; i++)
		n += !decision_closed(m->decisions.items[i]);
	return n;
}

const char *wf_conn_state_name(enum wf_conn_state s)
{
	static const char *const names[] = {
		"connecting", "live",    "reconnecting", "polling",
		"offline",    "auth failed", "stopped",  "replay",
	};
	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[s];
}

const struct wf_conn *wf_model_conn(const struct wf_model *m)
{
	return &m->conn;
}

void wf_model_set_conn(struct wf_model *m, const struct wf_conn *conn)
{
	if (memcmp(&m->conn, conn, sizeof(*conn)) != 0) {
		m->conn = *conn;
		m->generation++;
	}
}
