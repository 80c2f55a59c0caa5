/* types.c - releasing the strings and arrays that resources own. */
#include "types.h"

#include <stdlib.h>
#include <string.h>

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
	memset(i, 0, sizeof(*i));
}

void wf_signal_clear(struct wf_signal *s)
{
	free(s->id);
	free(s->incident_id);
	free(s->value);
	free(s->variant_id);
	free(s->platform_id);
	memset(s, 0, sizeof(*s));
}

void wf_sightings_clear(struct wf_sightings *s)
{
	for (size_t i = 0; i < s->n_items; i++) {
		free(s->items[i].signal_id);
		free(s->items[i].hash);
	}
	free(s->items);
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
	memset(r, 0, sizeof(*r));
}

void wf_decision_clear(struct wf_decision *d)
{
	for (size_t i = 0; i < d->n_votes; i++) {
		free(d->votes[i].by);
		free(d->votes[i].reason);
	}
	free(d->votes);
	free(d->id);
	free(d->incident_id);
	free(d->subject);
	free(d->subject_ref);
	free(d->detail);
	free(d->proposer);
	free(d->rationale);
	memset(d, 0, sizeof(*d));
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
	case WF_EV_RESET:
	case WF_EV__COUNT:
		break;
	}
	memset(ev, 0, sizeof(*ev));
}
