/* enums.c - names and parsers for the vocabularies listed in enums.h. */
#include "enums.h"

#include <string.h>

#define WF_ENUM_STRING(P, N, S) S,

#define WF_DEFINE_ENUM(name, LIST, P)                                          \
	static const char *const wf_##name##_names[] = {LIST(WF_ENUM_STRING)}; \
	const char *wf_##name##_name(enum wf_##name v)                         \
	{                                                                      \
		if ((unsigned)v >= (unsigned)WF_##P##__COUNT)                  \
			return "?";                                            \
		return wf_##name##_names[v];                                   \
	}                                                                      \
	bool wf_##name##_parse(const char *s, enum wf_##name *out)             \
	{                                                                      \
		for (unsigned i = 0; i < (unsigned)WF_##P##__COUNT; i++) {     \
			if (wf_##name##_names[i][0] &&                         \
			    strcmp(s, wf_##name##_names[i]) == 0) {            \
				*out = (enum wf_##name)i;                      \
				return true;                                   \
			}                                                      \
		}                                                              \
		return false;                                                  \
	}

WF_DEFINE_ENUM(hash_type, WF_HASH_TYPES, HASH)
WF_DEFINE_ENUM(platform_kind, WF_PLATFORM_KINDS, PLATFORM)
WF_DEFINE_ENUM(tier, WF_TIERS, TIER)
WF_DEFINE_ENUM(incident_state, WF_INCIDENT_STATES, INC)
WF_DEFINE_ENUM(signal_state, WF_SIGNAL_STATES, SIG)
WF_DEFINE_ENUM(outcome, WF_OUTCOMES, OUT)
WF_DEFINE_ENUM(report_kind, WF_REPORT_KINDS, REP)
WF_DEFINE_ENUM(report_state, WF_REPORT_STATES, REPST)
WF_DEFINE_ENUM(decision_kind, WF_DECISION_KINDS, DEC)
WF_DEFINE_ENUM(decision_state, WF_DECISION_STATES, DECST)
WF_DEFINE_ENUM(priority, WF_PRIORITIES, PRIO)
WF_DEFINE_ENUM(vote_action, WF_VOTE_ACTIONS, VOTE)
WF_DEFINE_ENUM(event_type, WF_EVENT_TYPES, EV)
