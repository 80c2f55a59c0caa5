/* model_feed.h - builds model events the way net/ delivers them (incident opened or
 * updated, decision opened, report opened, signal added) and applies them, for the
 * notifier's unit tests and tests/tools/notify_probe.c. Header-only (static). */
#ifndef WF_TESTS_MODEL_FEED_H
#define WF_TESTS_MODEL_FEED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"

static int64_t feed_seq;

/* A new model in the state net/ leaves it in after the first snapshot. */
static inline struct wf_model *feed_model_new(const struct wf_model_limits *lim)
{
	struct wf_model *m = wf_model_new(lim);
	if (m) {
		struct wf_conn c = *wf_model_conn(m);
		c.state = WF_CONN_LIVE;
		wf_model_set_conn(m, &c);
	}
	return m;
}

static inline char *feed_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline enum wf_apply_result feed_apply(struct wf_model *m, struct wf_event *ev,
					      int64_t now)
{
	ev->seq = ++feed_seq;
	ev->time = now;
	enum wf_apply_result r = wf_model_apply(m, ev);
	wf_event_clear(ev);
	return r;
}

static inline enum wf_apply_result feed_incident(struct wf_model *m, const char *id,
						 const char *title, enum wf_tier tier,
						 enum wf_incident_state state,
						 int64_t version, int64_t now)
{
	struct wf_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = version == 1 ? WF_EV_INCIDENT_OPENED : WF_EV_INCIDENT_UPDATED;
	struct wf_incident *i = &ev.u.incident;
	i->id = feed_dup(id);
	i->title = feed_dup(title);
	i->location = feed_dup("Christchurch, NZ");
	i->tier = feed_dup(wf_tier_name(tier));
	i->tier_rank = tier;
	i->state = state;
	i->opened_at = now;
	i->summary = feed_dup("");
	i->version = version;
	return feed_apply(m, &ev, now);
}

static inline enum wf_apply_result
feed_decision(struct wf_model *m, const char *id, const char *incident_id,
	      const char *subject, enum wf_priority prio, int64_t due_at, int64_t now)
{
	struct wf_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = WF_EV_DECISION_OPENED;
	struct wf_decision *d = &ev.u.decision;
	d->id = feed_dup(id);
	d->kind = WF_DEC_ACTIVATE;
	d->incident_id = feed_dup(incident_id);
	d->subject = feed_dup(subject);
	d->detail = feed_dup("");
	d->proposer = feed_dup("officer-1");
	d->priority = prio;
	d->created_at = now;
	d->due_at = due_at;
	d->state = WF_DECST_PENDING;
	d->rationale = feed_dup("");
	d->version = 1;
	return feed_apply(m, &ev, now);
}

static inline enum wf_apply_result feed_report(struct wf_model *m, const char *id,
					       const char *platform_id,
					       const char *text, int64_t now)
{
	struct wf_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = WF_EV_REPORT_OPENED;
	struct wf_report *r = &ev.u.report;
	r->id = feed_dup(id);
	r->kind = WF_REP_REFERRAL;
	r->platform_id = feed_dup(platform_id);
	r->author = feed_dup("officer-2");
	r->text = feed_dup(text);
	r->state = WF_REPST_OPEN;
	r->created_at = now;
	r->version = 1;
	return feed_apply(m, &ev, now);
}

static inline enum wf_apply_result feed_signal(struct wf_model *m, const char *id,
					       const char *incident_id,
					       const char *platform_id, const char *md5,
					       int64_t now)
{
	struct wf_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = WF_EV_SIGNAL_ADDED;
	struct wf_signal *s = &ev.u.signal;
	s->id = feed_dup(id);
	s->incident_id = feed_dup(incident_id);
	s->type = WF_HASH_MD5;
	s->value = feed_dup(md5);
	s->quality = 100;
	s->variant_id = feed_dup("v1");
	s->platform_id = feed_dup(platform_id);
	s->added_at = now;
	s->version = 1;
	return feed_apply(m, &ev, now);
}

static inline enum wf_apply_result feed_platform(struct wf_model *m, const char *id,
						 const char *name, int64_t now)
{
	struct wf_event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = WF_EV_PLATFORM_UPDATED;
	struct wf_platform *p = &ev.u.platform;
	p->id = feed_dup(id);
	p->name = feed_dup(name);
	p->last_heartbeat = now;
	p->version = 1;
	return feed_apply(m, &ev, now);
}

#endif
