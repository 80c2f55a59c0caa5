/* propagation.c - per incident x platform time buckets (a minute ring for the last
 * hour, an hour ring for the last day) and the figures derived from them: trailing
 * rates, acceleration, doubling time, blocked share, series for sparklines. A ring
 * slot carries its own start time, so rollover and long gaps need no sweeping: a
 * slot whose start is not the one asked for counts as empty. */
#include "model_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t floor_to(int64_t t, int64_t width)
{
	int64_t q = t / width;
	if (t % width < 0)
		q--;
	return q * width;
}

static size_t slot(int64_t start, int64_t width, size_t n)
{
	int64_t q = start / width;
	int64_t r = q % (int64_t)n;
	return (size_t)(r < 0 ? r + (int64_t)n : r);
}

void wf_pair_free(void *entry)
{
	struct wf_pair *p = entry;
	free(p->key);
	free(p->incident_id);
	free(p->platform_id);
	free(p);
}

static bool pair_key(char *buf, size_t size, const char *inc, const char *plat)
{
	int n = snprintf(buf, size, "%s\x1f%s", inc, plat);
	return n > 0 && (size_t)n < size;
}

struct wf_pair *wf_pair_get_or_add(struct wf_model *m, const char *incident_id,
				   const char *platform_id, int64_t now)
{
	char key[2 * WF_ID_MAX + 2];
	if (!incident_id || !platform_id ||
	    !pair_key(key, sizeof(key), incident_id, platform_id))
		return NULL;
	struct wf_pair *p = wf_table_get(&m->pairs, key);
	if (p) {
		p->last_touched = now;
		return p;
	}
	if (m->pairs.n >= m->pairs.cap) {
		/* Evict the pair that was touched longest ago. */
		size_t best = 0;
		for (size_t i = 1; i < m->pairs.n; i++) {
			const struct wf_pair *a = m->pairs.items[i];
			const struct wf_pair *b = m->pairs.items[best];
			if (a->last_touched < b->last_touched)
				best = i;
		}
		if (m->pairs.n == 0)
			return NULL;
		wf_table_remove_at(&m->pairs, best);
		m->counters.evicted++;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->key = strdup(key);
	p->incident_id = strdup(incident_id);
	p->platform_id = strdup(platform_id);
	if (!p->key || !p->incident_id || !p->platform_id) {
		wf_pair_free(p);
		return NULL;
	}
	for (size_t i = 0; i < WF_MINUTES; i++)
		p->minutes[i].start = INT64_MIN;
	for (size_t i = 0; i < WF_HOURS; i++)
		p->hours[i].start = INT64_MIN;
	p->last_touched = now;
	wf_table_add(&m->pairs, p);
	return p;
}

/* The ring slot for time t, rolled over to t's bucket when it holds an older one.
 * NULL when the slot holds a newer bucket (t is older than the ring). */
static struct wf_bucket *bucket_at(struct wf_bucket *ring, size_t n, int64_t width,
				   int64_t t)
{
	int64_t start = floor_to(t, width);
	struct wf_bucket *b = &ring[slot(start, width, n)];
	if (b->start == start)
		return b;
	if (b->start > start)
		return NULL;
	memset(&b->c, 0, sizeof(b->c));
	b->start = start;
	return b;
}

static void counts_add_outcome(struct wf_bucket_counts *c, enum wf_outcome o,
			       int64_t n, bool excepted)
{
	if (o == WF_OUT_KEPT && excepted)
		c->kept_exception += n;
	c->attempts += n;
	switch (o) {
	case WF_OUT_BLOCKED:
		c->blocked += n;
		break;
	case WF_OUT_REMOVED:
		c->removed += n;
		break;
	case WF_OUT_KEPT:
		c->kept += n;
		break;
	case WF_OUT_PENDING:
	case WF_OUT__COUNT:
		c->pending += n;
		break;
	}
}

void wf_prop_add_sighting(struct wf_model *m, struct wf_pair *p,
			  const struct wf_sighting_item *it, int64_t now)
{
	if (now && it->seen_at < now - WF_HOURS * WF_HOUR_MS) {
		m->counters.out_of_window++;
		return;
	}
	struct wf_bucket *b = bucket_at(p->minutes, WF_MINUTES, WF_MINUTE_MS, it->seen_at);
	bool exc = it->exception_id != NULL;
	if (b)
		counts_add_outcome(&b->c, it->outcome, it->count, exc);
	b = bucket_at(p->hours, WF_HOURS, WF_HOUR_MS, it->seen_at);
	if (b)
		counts_add_outcome(&b->c, it->outcome, it->count, exc);
	if (it->seen_at > p->last_seen)
		p->last_seen = it->seen_at;

	/* Per-signal minute counters for "spreading fastest". */
	struct wf_signal_entry *se = wf_table_get(&m->signals, it->signal_id);
	if (se) {
		int64_t start = floor_to(it->seen_at, WF_MINUTE_MS);
		size_t k = slot(start, WF_MINUTE_MS, WF_SIG_RECENT);
		if (se->recent_start[k] < start) {
			se->recent_start[k] = start;
			se->recent[k] = 0;
		}
		if (se->recent_start[k] == start)
			se->recent[k] += it->count;
	}
}

void wf_prop_add_unmatched(struct wf_model *m, struct wf_pair *p,
			   const struct wf_unmatched_item *u, int64_t now)
{
	if (now && u->seen_at < now - WF_HOURS * WF_HOUR_MS) {
		m->counters.out_of_window++;
		return;
	}
	struct wf_bucket *b[2] = {
		bucket_at(p->minutes, WF_MINUTES, WF_MINUTE_MS, u->seen_at),
		bucket_at(p->hours, WF_HOURS, WF_HOUR_MS, u->seen_at)};
	for (int i = 0; i < 2; i++) {
		if (!b[i])
			continue;
		counts_add_outcome(&b[i]->c, u->outcome, u->count, false);
		b[i]->c.unmatched += u->count;
		if (u->nearest_id)
			b[i]->c.near_misses += u->count;
	}
	if (u->seen_at > p->last_seen)
		p->last_seen = u->seen_at;
}

void wf_prop_add_variant(struct wf_model *m, const struct wf_signal *s, int64_t now)
{
	struct wf_pair *p = wf_pair_get_or_add(m, s->incident_id, s->platform_id, now);
	if (!p)
		return;
	struct wf_bucket *b = bucket_at(p->minutes, WF_MINUTES, WF_MINUTE_MS, s->added_at);
	if (b)
		b->c.variants++;
	b = bucket_at(p->hours, WF_HOURS, WF_HOUR_MS, s->added_at);
	if (b)
		b->c.variants++;
}

bool wf_prop_set_stats(struct wf_model *m, const struct wf_stats_row *r)
{
	struct wf_pair *p = wf_pair_get_or_add(m, r->incident_id, r->platform_id,
					       r->start);
	struct wf_bucket *b;
	if (!p)
		return false;
	if (r->width_s == 60)
		b = bucket_at(p->minutes, WF_MINUTES, WF_MINUTE_MS, r->start);
	else if (r->width_s == 3600)
		b = bucket_at(p->hours, WF_HOURS, WF_HOUR_MS, r->start);
	else
		return false;
	if (!b)
		return false;
	struct wf_bucket_counts c = {r->attempts,	r->blocked,   r->removed,
				     r->kept,		r->pending,   r->variants,
				     r->kept_exception, r->unmatched, r->near_misses};
	if (memcmp(&b->c, &c, sizeof(c)) == 0)
		return false;
	b->c = c;
	if (r->attempts > 0 && r->start + r->width_s * 1000LL > p->last_seen)
		p->last_seen = r->start + r->width_s * 1000LL;
	return true;
}

static bool pair_matches(const struct wf_pair *p, const char *inc, const char *plat)
{
	return (!inc || strcmp(p->incident_id, inc) == 0) &&
	       (!plat || strcmp(p->platform_id, plat) == 0);
}

static const struct wf_bucket_counts *minute_counts(const struct wf_pair *p,
						    int64_t start)
{
	const struct wf_bucket *b = &p->minutes[slot(start, WF_MINUTE_MS, WF_MINUTES)];
	return b->start == start ? &b->c : NULL;
}

static void counts_add_scaled(struct wf_bucket_counts *dst,
			      const struct wf_bucket_counts *c, double f)
{
	if (f >= 1.0) {
		dst->attempts += c->attempts;
		dst->blocked += c->blocked;
		dst->removed += c->removed;
		dst->kept += c->kept;
		dst->pending += c->pending;
		dst->variants += c->variants;
		dst->kept_exception += c->kept_exception;
		dst->unmatched += c->unmatched;
		dst->near_misses += c->near_misses;
		return;
	}
	dst->attempts += llround(c->attempts * f);
	dst->blocked += llround(c->blocked * f);
	dst->removed += llround(c->removed * f);
	dst->kept += llround(c->kept * f);
	dst->pending += llround(c->pending * f);
	dst->variants += llround(c->variants * f);
	dst->kept_exception += llround(c->kept_exception * f);
	dst->unmatched += llround(c->unmatched * f);
	dst->near_misses += llround(c->near_misses * f);
}

/* Trailing window of k minutes ending at now: the current (partial) minute, the k-1
 * before it, and the share of the k-th one that still falls inside the window. */
void wf_prop_pair_window(const struct wf_pair *p, int64_t now, int k,
			 struct wf_bucket_counts *out)
{
	int64_t cur = floor_to(now, WF_MINUTE_MS);
	double frac = (double)(now - cur) / (double)WF_MINUTE_MS;
	for (int i = 0; i <= k && i < WF_MINUTES; i++) {
		const struct wf_bucket_counts *c = minute_counts(p, cur - i * WF_MINUTE_MS);
		if (c)
			counts_add_scaled(out, c, i < k ? 1.0 : 1.0 - frac);
	}
}

void wf_prop_window(const struct wf_model *m, const char *incident_id,
		    const char *platform_id, int64_t now, int minutes,
		    struct wf_bucket_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < m->pairs.n; i++) {
		const struct wf_pair *p = m->pairs.items[i];
		if (pair_matches(p, incident_id, platform_id))
			wf_prop_pair_window(p, now, minutes, out);
	}
}

void wf_model_rates(const struct wf_model *m, const char *incident_id,
		    const char *platform_id, int64_t now, struct wf_rates *out)
{
	struct wf_bucket_counts w5 = {0}, w60 = {0};
	memset(out, 0, sizeof(*out));
	int64_t day_start = floor_to(now, WF_HOUR_MS) - (WF_HOURS - 1) * WF_HOUR_MS;
	for (size_t i = 0; i < m->pairs.n; i++) {
		const struct wf_pair *p = m->pairs.items[i];
		if (!pair_matches(p, incident_id, platform_id))
			continue;
		wf_prop_pair_window(p, now, 1, &out->last1);
		wf_prop_pair_window(p, now, 5, &w5);
		wf_prop_pair_window(p, now, 15, &out->last15);
		wf_prop_pair_window(p, now, 60, &w60);
		for (size_t h = 0; h < WF_HOURS; h++) {
			const struct wf_bucket *b = &p->hours[h];
			if (b->start >= day_start && b->start <= now)
				counts_add_scaled(&out->last24h, &b->c, 1.0);
		}
		if (p->last_seen > out->last_seen)
			out->last_seen = p->last_seen;
	}
	out->rate1 = (double)out->last1.attempts;
	out->rate5 = (double)w5.attempts / 5.0;
	out->rate15 = (double)out->last15.attempts / 15.0;
	/* Window centres lie 0.5 and 2.5 minutes back: two minutes apart. */
	out->accel = (out->rate1 - out->rate5) / 2.0;
	out->doubling_min = 0;
	if (out->rate15 > 0 && out->rate5 > out->rate15) {
		double g = log(out->rate5 / out->rate15) / 5.0; /* centres 5 min apart */
		out->doubling_min = log(2.0) / g;
	}
	/* Copies kept under a public-interest exception are allowed, not failures. */
	int64_t judged = out->last15.attempts - out->last15.kept_exception;
	out->blocked_share15 =
		judged > 0 ? (double)out->last15.blocked / (double)judged : -1.0;
	out->variants_per_hour = (double)w60.variants;
}

void wf_model_series(const struct wf_model *m, const char *incident_id,
		     const char *platform_id, int64_t now,
		     enum wf_series_field field, double out[WF_MINUTES])
{
	struct wf_bucket_counts sum[WF_MINUTES];
	memset(sum, 0, sizeof(sum));
	int64_t cur = floor_to(now, WF_MINUTE_MS);
	for (size_t i = 0; i < m->pairs.n; i++) {
		const struct wf_pair *p = m->pairs.items[i];
		if (!pair_matches(p, incident_id, platform_id))
			continue;
		for (int k = 0; k < WF_MINUTES; k++) {
			const struct wf_bucket_counts *c =
				minute_counts(p, cur - (WF_MINUTES - 1 - k) * WF_MINUTE_MS);
			if (c)
				counts_add_scaled(&sum[k], c, 1.0);
		}
	}
	for (int k = 0; k < WF_MINUTES; k++) {
		const struct wf_bucket_counts *c = &sum[k];
		switch (field) {
		case WF_SERIES_ATTEMPTS:
			out[k] = (double)c->attempts;
			break;
		case WF_SERIES_BLOCKED:
			out[k] = (double)c->blocked;
			break;
		case WF_SERIES_REMOVED:
			out[k] = (double)c->removed;
			break;
		case WF_SERIES_VARIANTS:
			out[k] = (double)c->variants;
			break;
		case WF_SERIES_UNMATCHED:
			out[k] = (double)c->unmatched;
			break;
		case WF_SERIES_BLOCKED_SHARE:
			out[k] = c->attempts - c->kept_exception > 0
					 ? (double)c->blocked /
						   (double)(c->attempts - c->kept_exception)
					 : -1.0;
			break;
		}
	}
}

size_t wf_model_top_signals(const struct wf_model *m, const char *incident_id,
			    int64_t now, struct wf_signal_rank *out, size_t cap)
{
	size_t n = 0;
	int64_t since = floor_to(now, WF_MINUTE_MS) - 14 * WF_MINUTE_MS;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < m->signals.n; i++) {
		const struct wf_signal_entry *se = m->signals.items[i];
		if (incident_id && strcmp(se->s.incident_id, incident_id) != 0)
			continue;
		int64_t sum = 0;
		for (size_t k = 0; k < WF_SIG_RECENT; k++)
			if (se->recent_start[k] >= since && se->recent_start[k] <= now)
				sum += se->recent[k];
		if (sum == 0)
			continue;
		/* Insertion into the top-cap list, highest first. */
		size_t pos = n < cap ? n : cap;
		while (pos > 0 && out[pos - 1].attempts15 < sum)
			pos--;
		if (pos >= cap)
			continue;
		size_t last = n < cap ? n : cap - 1;
		memmove(&out[pos + 1], &out[pos], (last - pos) * sizeof(*out));
		out[pos].signal = &se->s;
		out[pos].attempts15 = sum;
		if (n < cap)
			n++;
	}
	return n;
}

