/* look.c - labels, glyphs and roles of domain values (see look.h). */
#include "look.h"

#include <stdio.h>
#include <string.h>

#include "notify/watch.h"
#include "widgets/text.h"

enum wf_role wf_look_tier(const struct wf_incident *inc, char *out, size_t size)
{
	switch (inc->tier_rank) {
	case WF_TIER_PROTOCOL_ACTIVATED:
		snprintf(out, size, "PROT");
		return WF_ROLE_SEV_PROTOCOL;
	case WF_TIER_CONTENT_INCIDENT:
		snprintf(out, size, "CONT");
		return WF_ROLE_SEV_CONTENT;
	case WF_TIER_INCIDENT:
		snprintf(out, size, "INC");
		return WF_ROLE_SEV_INCIDENT;
	case WF_TIER_AWARENESS:
		snprintf(out, size, "AWAR");
		return WF_ROLE_SEV_AWARENESS;
	default:
		wf_text_sanitize(inc->tier ? inc->tier : "?", inc->tier ? strlen(inc->tier) : 1,
				 4, true, out, size);
		return WF_ROLE_SEV_UNKNOWN;
	}
}

const char *wf_look_state(enum wf_incident_state s)
{
	switch (s) {
	case WF_INC_ACTIVE:
		return "active";
	case WF_INC_PROPOSED:
		return "propsd";
	case WF_INC_DE_ESCALATING:
		return "de-esc";
	case WF_INC_MONITORING:
		return "monitor";
	case WF_INC_CONCLUDED:
		return "concl";
	default:
		return "?";
	}
}

enum wf_role wf_look_state_role(enum wf_incident_state s)
{
	if (s == WF_INC_ACTIVE)
		return WF_ROLE_STATE_ACTIVE;
	if (s == WF_INC_CONCLUDED)
		return WF_ROLE_STATE_CONCLUDED;
	return WF_ROLE_TEXT;
}

enum wf_role wf_look_outcome_role(enum wf_outcome o)
{
	switch (o) {
	case WF_OUT_BLOCKED:
		return WF_ROLE_OUT_BLOCKED;
	case WF_OUT_REMOVED:
		return WF_ROLE_OUT_REMOVED;
	case WF_OUT_KEPT:
		return WF_ROLE_OUT_KEPT;
	default:
		return WF_ROLE_OUT_PENDING;
	}
}

const char *wf_look_kind(enum wf_decision_kind k)
{
	static const char *const names[] = {
		[WF_DEC_ACTIVATE] = "activate", [WF_DEC_CHANGE_TIER] = "tier",
		[WF_DEC_CONCLUDE] = "conclude", [WF_DEC_ADD_SIGNAL] = "+signal",
		[WF_DEC_DISABLE_SIGNAL] = "-signal", [WF_DEC_PUBLIC_INTEREST] = "pub-int",
		[WF_DEC_TRIAGE_REPORT] = "triage", [WF_DEC_NOTIFY_AUTHORITY] = "notify",
	};
	if ((int)k < 0 || k >= WF_DEC__COUNT || !names[k])
		return "?";
	return names[k];
}

const char *wf_look_trend(double accel, double rate, bool ascii, enum wf_role *role)
{
	double thr = rate * 0.05 > 0.2 ? rate * 0.05 : 0.2;
	if (accel > thr) {
		*role = WF_ROLE_TREND_UP;
		return ascii ? "^" : "↑";
	}
	if (accel < -thr) {
		*role = WF_ROLE_TREND_DOWN;
		return ascii ? "v" : "↓";
	}
	*role = WF_ROLE_DIM;
	return ascii ? "-" : "→";
}

int wf_look_platforms_hit(const struct wf_model *m, const char *incident_id,
			  int64_t now)
{
	const struct wf_platform *pl[256];
	size_t n = wf_model_platforms(m, WF_SORT_PLAT_NAME, incident_id, now, pl, 256);
	int hit = 0;
	for (size_t i = 0; i < n; i++) {
		struct wf_rates r;
		wf_model_rates(m, incident_id, pl[i]->id, now, &r);
		if (r.last24h.attempts > 0)
			hit++;
	}
	return hit;
}

bool wf_look_platform_quiet(const struct wf_platform *p, const struct wf_rates *r,
			    int64_t now)
{
	if (r->last24h.attempts > 0 && r->last_seen > 0 && now - r->last_seen > 5 * 60000)
		return true;
	return p->last_heartbeat > 0 && now - p->last_heartbeat > 3 * 60000;
}

bool wf_look_watched(const struct wf_watch_rules *rules, int field, const char *text)
{
	if (!rules || !text)
		return false;
	return (wf_watch_match(rules, (enum wf_watch_field)field, text, strlen(text)) &
		WF_WATCH_HIGHLIGHT) != 0;
}
