/* enums.h - the closed vocabularies of the command center (hash types, states,
 * outcomes, kinds), each defined once as an X-macro list that yields the enum, its
 * wire names and the parse/name functions. Pure: no I/O. */
#ifndef WF_ENUMS_H
#define WF_ENUMS_H

#include <stdbool.h>

#define WF_HASH_TYPES(X)                                                       \
	X(HASH, PDQ, "pdq")                                                    \
	X(HASH, MD5, "md5")                                                    \
	X(HASH, SHA256, "sha256")                                              \
	X(HASH, VIDEO_MD5, "video_md5")                                        \
	X(HASH, TMK, "tmk")                                                    \
	X(HASH, VPDQ, "vpdq")

#define WF_PLATFORM_KINDS(X)                                                   \
	X(PLATFORM, MEMBER, "member")                                          \
	X(PLATFORM, NON_MEMBER, "non_member")

/* Known tiers in ascending severity; the wire enum is open (see protocol.md). */
#define WF_TIERS(X)                                                            \
	X(TIER, UNKNOWN, "")                                                   \
	X(TIER, AWARENESS, "awareness")                                        \
	X(TIER, INCIDENT, "incident")                                          \
	X(TIER, CONTENT_INCIDENT, "content_incident")                          \
	X(TIER, PROTOCOL_ACTIVATED, "protocol_activated")

/* Incident states in ascending order of attention needed. */
#define WF_INCIDENT_STATES(X)                                                  \
	X(INC, CONCLUDED, "concluded")                                         \
	X(INC, MONITORING, "monitoring")                                       \
	X(INC, DE_ESCALATING, "de_escalating")                                 \
	X(INC, PROPOSED, "proposed")                                           \
	X(INC, ACTIVE, "active")

/* proposed: a candidate awaiting its add_signal decision; rejected: it was refused. */
#define WF_SIGNAL_STATES(X)                                                    \
	X(SIG, ACTIVE, "active")                                               \
	X(SIG, DISABLED, "disabled")                                           \
	X(SIG, PROPOSED, "proposed")                                           \
	X(SIG, REJECTED, "rejected")

#define WF_OUTCOMES(X)                                                         \
	X(OUT, BLOCKED, "blocked")                                             \
	X(OUT, REMOVED, "removed")                                             \
	X(OUT, KEPT, "kept")                                                   \
	X(OUT, PENDING, "pending")

#define WF_REPORT_KINDS(X)                                                     \
	X(REP, NEW_VARIANT, "new_variant")                                     \
	X(REP, REFERRAL, "referral")                                           \
	X(REP, PUBLIC_INTEREST, "public_interest")                             \
	X(REP, ACTIVATION_REQUEST, "activation_request")                       \
	X(REP, SITUATION_NOTE, "situation_note")

#define WF_REPORT_STATES(X)                                                    \
	X(REPST, OPEN, "open")                                                 \
	X(REPST, TRIAGED, "triaged")                                           \
	X(REPST, DISMISSED, "dismissed")

#define WF_DECISION_KINDS(X)                                                   \
	X(DEC, ACTIVATE, "activate")                                           \
	X(DEC, CHANGE_TIER, "change_tier")                                     \
	X(DEC, CONCLUDE, "conclude")                                           \
	X(DEC, ADD_SIGNAL, "add_signal")                                       \
	X(DEC, DISABLE_SIGNAL, "disable_signal")                               \
	X(DEC, PUBLIC_INTEREST, "public_interest")                             \
	X(DEC, TRIAGE_REPORT, "triage_report")                                 \
	X(DEC, NOTIFY_AUTHORITY, "notify_authority")

/* pending and escalated are open (in the queue); the rest are closed. */
#define WF_DECISION_STATES(X)                                                  \
	X(DECST, PENDING, "pending")                                           \
	X(DECST, ESCALATED, "escalated")                                       \
	X(DECST, APPROVED, "approved")                                         \
	X(DECST, REJECTED, "rejected")                                         \
	X(DECST, EXPIRED, "expired")                                           \
	X(DECST, WITHDRAWN, "withdrawn")

#define WF_PRIORITIES(X)                                                       \
	X(PRIO, LOW, "low")                                                    \
	X(PRIO, NORMAL, "normal")                                              \
	X(PRIO, HIGH, "high")

#define WF_VOTE_ACTIONS(X)                                                     \
	X(VOTE, APPROVE, "approve")                                            \
	X(VOTE, REJECT, "reject")                                              \
	X(VOTE, ESCALATE, "escalate")                                          \
	X(VOTE, NOTE, "note")

#define WF_EVENT_TYPES(X)                                                      \
	X(EV, PLATFORM_UPDATED, "platform.updated")                            \
	X(EV, INCIDENT_OPENED, "incident.opened")                              \
	X(EV, INCIDENT_UPDATED, "incident.updated")                            \
	X(EV, SIGNAL_ADDED, "signal.added")                                    \
	X(EV, SIGHTINGS, "sightings")                                          \
	X(EV, REPORT_OPENED, "report.opened")                                  \
	X(EV, REPORT_UPDATED, "report.updated")                                \
	X(EV, DECISION_OPENED, "decision.opened")                              \
	X(EV, DECISION_UPDATED, "decision.updated")                            \
	X(EV, DECISION_RESOLVED, "decision.resolved")                          \
	X(EV, RESET, "reset")                                                  \
	X(EV, STATS, "stats")                                                  \
	X(EV, EXCEPTION_GRANTED, "exception.granted")                          \
	X(EV, AUTHORITY_NOTIFIED, "authority.notified")

#define WF_ENUM_MEMBER(P, N, S) WF_##P##_##N,

/* Declares enum wf_<name>, wf_<name>_name() and wf_<name>_parse(). parse returns
 * false (and leaves *out alone) for a string that is not in the list. */
#define WF_DECLARE_ENUM(name, LIST, P)                                         \
	enum wf_##name { LIST(WF_ENUM_MEMBER) WF_##P##__COUNT };               \
	const char *wf_##name##_name(enum wf_##name v);                        \
	bool wf_##name##_parse(const char *s, enum wf_##name *out);

WF_DECLARE_ENUM(hash_type, WF_HASH_TYPES, HASH)
WF_DECLARE_ENUM(platform_kind, WF_PLATFORM_KINDS, PLATFORM)
WF_DECLARE_ENUM(tier, WF_TIERS, TIER)
WF_DECLARE_ENUM(incident_state, WF_INCIDENT_STATES, INC)
WF_DECLARE_ENUM(signal_state, WF_SIGNAL_STATES, SIG)
WF_DECLARE_ENUM(outcome, WF_OUTCOMES, OUT)
WF_DECLARE_ENUM(report_kind, WF_REPORT_KINDS, REP)
WF_DECLARE_ENUM(report_state, WF_REPORT_STATES, REPST)
WF_DECLARE_ENUM(decision_kind, WF_DECISION_KINDS, DEC)
WF_DECLARE_ENUM(decision_state, WF_DECISION_STATES, DECST)
WF_DECLARE_ENUM(priority, WF_PRIORITIES, PRIO)
WF_DECLARE_ENUM(vote_action, WF_VOTE_ACTIONS, VOTE)
WF_DECLARE_ENUM(event_type, WF_EVENT_TYPES, EV)

static inline bool wf_decision_state_open(enum wf_decision_state s)
{
	return s == WF_DECST_PENDING || s == WF_DECST_ESCALATED;
}

#endif
