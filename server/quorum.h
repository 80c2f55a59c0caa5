/* quorum.h - who closes a decision (docs/protocol.md, "Quorum"): per decision kind,
 * how many distinct organisations must approve (or reject); a voter's organisation;
 * counting one vote into a decision object. */
#ifndef WFD_QUORUM_H
#define WFD_QUORUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth.h"
#include "model/enums.h"

struct quorum_rules {
	int needed[WF_DEC__COUNT]; /* 1..WF_ORGS_MAX per decision kind */
};

/* activate, conclude, change_tier, public_interest: 2; the other kinds: 1. */
struct quorum_rules quorum_rules_default(void);
/* Applies "KIND=N[,KIND=N...]" over r. Returns -1 with err set on a bad spec. */
int quorum_rules_parse(struct quorum_rules *r, const char *spec, char *err,
		       size_t errsz);
/* {"rules":{"activate":2,...}} (new reference). */
json_t *quorum_rules_json(const struct quorum_rules *r);

/* The organisation a token votes for: its PLATFORM_ID, else its name. */
const char *quorum_org(const struct auth_identity *who);

enum quorum_outcome { QUORUM_OPEN, QUORUM_APPROVED, QUORUM_REJECTED };

/* Appends who's vote to the open decision d and counts it: an approve or reject
 * counts when the organisation has not counted yet (it joins approved_by or
 * rejected_by); when either list reaches d's needed (dflt_needed when d has none)
 * d closes (state, rationale). escalate makes it escalated; note only appends.
 * Returns what became of d; *counted says whether the vote counted. The caller
 * checks the vote limit (WF_VOTES_MAX) first. */
enum quorum_outcome quorum_add_vote(json_t *d, const char *by, const char *org,
				    enum wf_vote_action action, const char *reason,
				    int dflt_needed, int64_t now_ms, bool *counted);
/* What quorum_add_vote would return for an approve/reject by org, without changing
 * d (for triage done on a report: refused unless it closes the decision). */
enum quorum_outcome quorum_peek_vote(json_t *d, const char *org,
				     enum wf_vote_action action, int dflt_needed);

#endif
