/* types.c - releasing the strings and arrays that resources own. */
#include "types.h"

#include <stdlib.h>
#include <string.h>

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void wf_platform_clear(struct wf_platform *p)
{
	free(p->id);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

void wf_incident_clear(struct wf_incident *i)
{
	free(i->id);
	free(i->title);
	free(i->location);
	free(i->tier);
	free(i->summary);
	free(i->opened_by);
	free(i->updated_by);
	memset(i, 0, sizeof(*i));
}

void wf_signal_clear(struct wf_signal *s)
{
	free(s->id);
	free(s->incident_id);
	free(s->value);
	free(s->variant_id);
	free(s->platform_id);
	free(s->nearest_id);
	free(s->nearest_variant);
	memset(s, 0, sizeof(*s));
}

void wf_sightings_clear(struct wf_sightings *s)
{
	for (size_t i = 0; i < s->n_items; i++) {
		free(s->items[i].signal_id);
		free(s->items[i].hash);
		free(s->items[i].exception_id);
	}
	free(s->items);
	for (size_t i = 0; i < s->n_unmatched; i++) {
		free(s->unmatched[i].hash);
		free(s->unmatched[i].nearest_id);
	}
	free(s->unmatched);
	free(s->platform_id);
	free(s->incident_id);
	memset(s, 0, sizeof(*s));
}

void wf_report_clear(struct wf_report *r)
{
	free(r->id);
	free(r->incident_id);
	free(r->platform_id);
	free(r->author);
	free(r->text);
	free(r->decision_id);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

void wf_decision_clear(struct wf_decision *d)
{
	for (size_t i = 0; i < d->n_votes; i++) {
		free(d->votes[i].by);
		free(d->votes[i].reason);
		free(d->votes[i].org);
	}
	free(d->votes);
	free(d->id);
	free(d->incident_id);
	free(d->subject);
	free(d->subject_ref);
	free(d->detail);
	free(d->proposer);
	free(d->rationale);
	free_strings(d->approved_by, d->n_approved_by);
	free_strings(d->rejected_by, d->n_rejected_by);
	free(d->proposed_tier);
	free(d->keep_platform_id);
	free(d->authority);
	memset(d, 0, sizeof(*d));
}

void wf_exception_clear(struct wf_exception *e)
{
	free(e->id);
	free(e->incident_id);
	free(e->decision_id);
	free(e->signal_id);
	free(e->report_id);
	free(e->platform_id);
	free(e->reason);
	free_strings(e->granted_by, e->n_granted_by);
	memset(e, 0, sizeof(*e));
}

void wf_notification_clear(struct wf_notification *n)
{
	free(n->id);
	free(n->incident_id);
	free(n->decision_id);
	free(n->authority);
	free(n->by);
	free_strings(n->approved_by, n->n_approved_by);
	memset(n, 0, sizeof(*n));
}

void wf_stats_row_clear(struct wf_stats_row *r)
{
	free(r->incident_id);
	free(r->platform_id);
	memset(r, 0, sizeof(*r));
}

void wf_event_clear(struct wf_event *ev)
{
	switch (ev->type) {
	case WF_EV_PLATFORM_UPDATED:
		wf_platform_clear(&ev->u.platform);
		break;
	case WF_EV_INCIDENT_OPENED:
	case WF_EV_INCIDENT_UPDATED:
		wf_incident_clear(&ev->u.incident);
		break;
	case WF_EV_SIGNAL_ADDED:
		wf_signal_clear(&ev->u.signal);
		break;
	case WF_EV_SIGHTINGS:
		wf_sightings_clear(&ev->u.sightings);
		break;
	case WF_EV_REPORT_OPENED:
	case WF_EV_REPORT_UPDATED:
		wf_report_clear(&ev->u.report);
		break;
	case WF_EV_DECISION_OPENED:
	case WF_EV_DECISION_UPDATED:
	case WF_EV_DECISION_RESOLVED:
		wf_decision_clear(&ev->u.decision);
		break;
	case WF_EV_STATS:
		wf_stats_row_clear(&ev->u.stats);
		break;
	case WF_EV_EXCEPTION_GRANTED:
		wf_exception_clear(&ev->u.exception);
		break;
	case WF_EV_AUTHORITY_NOTIFIED:
		wf_notification_clear(&ev->u.notification);
		break;
	case WF_EV_RESET:
	case WF_EV__COUNT:
		break;
	}
	memset(ev, 0, sizeof(*ev));
}
