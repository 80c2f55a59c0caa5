/* api.h - the endpoints of docs/protocol.md as plain functions over the store, shared
 * by the HTTP layer and the simulator (which posts through the same functions as a
 * member platform would). A write runs inside one store transaction together with its
 * events and its idempotency record. */
#ifndef WFD_API_H
#define WFD_API_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "auth.h"
#include "hub.h"
#include "quorum.h"
#include "store.h"

struct match_index;

struct server {
	struct store *st;
	struct hub *hub;
	struct match_index *match; /* the signal bank in memory (match.h); may be NULL */
	struct auth *auth;
	int heartbeat_s;
	FILE *errlog; /* where background parts (the simulator) report: --log or stderr */
	struct quorum_rules rules; /* organisations needed per decision kind */
};

struct api_request {
	const struct auth_identity *who; /* never NULL for writes */
	json_t *body;                    /* the parsed body of a write */
	const char *id;                  /* the {id} of the path, or NULL */
};

struct api_reply {
	int status;
	json_t *body; /* owned */
};

/* Sets an error answer {"error":{"code","message"}} (code from the status). */
void api_error(struct api_reply *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *api_error_code(int status);

typedef void (*api_write_fn)(struct server *srv, const struct api_request *req,
			     struct api_reply *rep);

/* Runs fn in a transaction. With an idempotency key a stored first answer is
 * returned instead (replayed = true); otherwise the answer (unless 5xx) is stored
 * with the change. When the key's lookup fails the answer is 503 and fn does not
 * run. *status and *text (malloc'd JSON) are the answer. */
void api_run_write(struct server *srv, api_write_fn fn, const struct api_request *req,
		   const char *idem_key, int *status, char **text, bool *replayed);

/* Reads (no transaction needed). */
json_t *api_health(struct server *srv);
json_t *api_whoami(const struct auth_identity *who);
/* GET /v1/rules: {"rules":{KIND:N,...}}, the quorum per decision kind. */
json_t *api_rules(struct server *srv);
/* The whole snapshot and its cursor (under the store lock, so consistent). */
json_t *api_snapshot(struct server *srv, int64_t *cursor);

/* Writes (run through api_run_write). */
void api_post_sightings(struct server *srv, const struct api_request *req,
			struct api_reply *rep);
void api_post_signal(struct server *srv, const struct api_request *req,
		     struct api_reply *rep);
void api_post_report(struct server *srv, const struct api_request *req,
		     struct api_reply *rep);
void api_triage_report(struct server *srv, const struct api_request *req,
		       struct api_reply *rep);
void api_create_incident(struct server *srv, const struct api_request *req,
			 struct api_reply *rep);
void api_update_incident(struct server *srv, const struct api_request *req,
			 struct api_reply *rep);
void api_create_decision(struct server *srv, const struct api_request *req,
			 struct api_reply *rep);
void api_resolve_decision(struct server *srv, const struct api_request *req,
			  struct api_reply *rep);

/* Registers a platform (id, name, kind, hash types as a JSON array of names) when it
 * does not exist yet; used at startup for platform tokens and by the simulator.
 * Runs its own transaction. */
int api_ensure_platform(struct server *srv, const char *id, const char *name,
			const char *kind, json_t *hash_types);

/* Moves every open decision whose due_at lies more than grace_ms before now_ms to
 * expired (a decision.resolved event each; no vote is added), in its own
 * transaction. Returns how many, or -1 when the store failed. */
int api_expire_decisions(struct server *srv, int64_t now_ms, int64_t grace_ms);

/* Refreshes a platform's last_heartbeat (its own transaction; the simulator's
 * platforms that have nothing to post yet). */
int api_heartbeat_platform(struct server *srv, const char *platform_id);

/* Helpers for the api_*.c files (inside a transaction). */
/* "prefix-<seq>" of the next event into buf. */
void api_next_id(struct server *srv, const char *prefix, char *buf, size_t size);
/* Sets version+1 on obj, stores it and emits the event; -1 on store failure. */
int api_save_emit(struct server *srv, const char *kind, json_t *obj, bool open,
		  const char *group, enum wf_event_type type);
/* The 409 answer of a write that saw another version of cur: "KIND ID is at version
 * N" with the resource as "current" (takes ownership of cur). */
void api_conflict(struct api_reply *rep, const char *kind, json_t *cur);
/* The resource kind/id for a write that names the version it saw (new reference);
 * NULL with the answer set when there is none (404 "no KIND ID") or it is at another
 * version (409, api_conflict). */
json_t *api_load_versioned(struct server *srv, const char *kind, const char *id,
			   int64_t version, struct api_reply *rep);
/* Sets an incident's state and the activated_at / concluded_at stamps it implies. */
void api_incident_set_state(json_t *inc, const char *state, int64_t now);
/* The effect of the closed decision d (approved or rejected) on its subject, each
 * change saved with its event; by is the closing voter. -1 on store failure. */
int api_apply_effects(struct server *srv, json_t *d, bool approved, const char *by);
/* A decision object for the given fields (new reference). */
json_t *api_new_decision(struct server *srv, const char *kind, const char *incident_id,
			 const char *subject, const char *subject_ref, const char *detail,
			 const char *proposer, const char *priority, int64_t due_ms);

#endif
