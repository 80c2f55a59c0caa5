/* request_verbs.h - the wire shape of the officer's verbs (docs/protocol.md): declare
 * and update an incident, file a report, triage a report, propose and resolve a
 * decision (approve, reject, escalate, note). Each
 * function builds one request (path and JSON body) for the outbox; nothing is sent
 * here. The only place these paths and bodies are written. */
#ifndef WF_NET_REQUEST_VERBS_H
#define WF_NET_REQUEST_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One request for wf_outbox_enqueue(ob, kind, path, body, ...). */
struct wf_request {
	char kind[32];	/* the outbox's short label ("declare", "note", ...) */
	char path[160]; /* "/v1/..." */
	char *body;	/* JSON text, owned: wf_request_clear() frees it */
};
void wf_request_clear(struct wf_request *r);

/* Strings may be NULL or "" where the protocol allows the field to be missing. */
struct wf_incident_draft {
	const char *title, *location, *tier, *state, *summary;
};
/* POST /v1/incidents. -1 when title is empty or out of memory. */
int wf_request_incident_declare(struct wf_request *r,
				const struct wf_incident_draft *d);
/* POST /v1/incidents/{id} with the version seen; summary and location NULL stay
 * unchanged (both NULL: -1). -1 for a bad id. */
int wf_request_incident_update(struct wf_request *r, const char *id, int64_t version,
			       const char *summary, const char *location);

struct wf_report_draft {
	const char *kind, *incident_id, *platform_id, *text;
	bool needs_decision;
};
/* POST /v1/reports; kind "situation_note" labels the record "note", others
 * "report". */
int wf_request_report_file(struct wf_request *r, const struct wf_report_draft *d);
/* POST /v1/reports/{id}/triage: "triaged" (dismiss false) or "dismissed". */
int wf_request_report_triage(struct wf_request *r, const char *id, bool dismiss,
			     const char *reason, int64_t version);
/* True when path (an outbox record's) is a triage or dismissal of report id. */
bool wf_request_is_triage_of(const char *path, const char *id);

struct wf_decision_draft {
	const char *kind, *incident_id, *subject, *subject_ref, *detail, *priority;
	int64_t due_in_s;
	const char *proposed_tier;    /* change_tier */
	const char *keep_platform_id; /* public_interest */
	const char *authority;	      /* notify_authority */
};
/* POST /v1/decisions. The kind-specific fields are sent only for their kind. */
int wf_request_decision_propose(struct wf_request *r,
				const struct wf_decision_draft *d);

/* POST /v1/decisions/{id}/resolve: {action, reason, version} with the version seen.
 * action is the vote ("approve", "reject", "escalate", "note") and the outbox
 * record's kind. -1 for a bad id, an empty action or out of memory. */
int wf_request_decision_resolve(struct wf_request *r, const char *id,
				const char *action, const char *reason,
				int64_t version);
/* True when path (an outbox record's) is a resolve request on decision id. */
bool wf_request_is_resolve_of(const char *path, const char *id);
/* A resolve request again (an outbox record's path and body, e.g. after a 409), with
 * the same action and reason and a new version; the decision's id into id_out. -1
 * when path is not a resolve request or body is not one. */
int wf_request_resolve_again(struct wf_request *r, const char *path, const char *body,
			     int64_t version, char *id_out, size_t id_size);

/* GET /v1/incidents/{id}/record (stix false) or /v1/incidents/{id}/stix, the
 * exports of the debrief (kind "export", no body: a read, not for the outbox). -1
 * for a bad id. */
int wf_request_export(struct wf_request *r, const char *incident_id, bool stix);

#endif
