/* outbox.h - the durable queue of mutating requests (decision votes, triage, ...).
 * Every request is appended, with a random idempotency key, to an fsync'd file
 * before anything is sent; it is held for an undo window, then sent by the client
 * (net/client.c); it leaves the outbox only on a 2xx. 409 is kept as a conflict with
 * the server's current resource; other 4xx (except 429) are kept as failed until the
 * officer drops them; 5xx, 429 and network errors are retried with backoff.
 *
 * File: DIR/outbox.log, append-only, one JSON object a line (see docs/cli.md):
 *   {"op":"add","id":7,"key":"...","kind":"approve","path":"/v1/...","body":"{...}","at":MS,
 *    "who":"olga","tok":"16 hex"}
 *   {"op":"state","id":7,"state":"conflict","status":409,"message":"...","current":"{...}"}
 *   {"op":"del","id":7,"why":"done"|"undo"|"drop"}
 * A last line without its newline, or that does not parse, is a torn write: it is
 * ignored and cut off. An unparsable line elsewhere is counted
 * (wf_outbox_corrupt_count, wf_outbox_error) and copied to DIR/outbox.log.corrupt.
 * A failed append is cut back off the file, so it never merges with the next one;
 * when that fails too the outbox is broken (wf_outbox_broken) and refuses enqueues. The file is rewritten (compacted) when most lines are dead.
 * Records loaded at start that were still held are sent at once, with their keys.
 *
 * Idempotency keys are remembered by the server per token and for 24 h: a record is
 * only sent under the identity that made it (whoami name and token fingerprint, see
 * wf_outbox_set_identity) and while younger than WF_OUTBOX_MAX_AGE_MS; otherwise it
 * becomes FAILED with a message saying why, for the officer to review. */
#ifndef WF_NET_OUTBOX_H
#define WF_NET_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/types.h"
#include "net/request_verbs.h"

/* A record older than this is not sent: the server forgets keys after 24 h. */
#define WF_OUTBOX_MAX_AGE_MS (23LL * 3600 * 1000)
/* Hex digits of a token fingerprint (the start of its SHA-256). */
#define WF_OUTBOX_TOKEN_FP_LEN 16

enum wf_outbox_state {
	WF_OUTBOX_HELD,     /* in its undo window: wf_outbox_undo() can still cancel it */
	WF_OUTBOX_QUEUED,   /* waiting to be sent (or to be retried at next_try) */
	WF_OUTBOX_SENDING,  /* in flight */
	WF_OUTBOX_CONFLICT, /* 409: someone else decided first; see current */
	WF_OUTBOX_FAILED,   /* refused (4xx): kept until the officer drops it */
};
const char *wf_outbox_state_name(enum wf_outbox_state s);

struct wf_outbox_record {
	uint64_t id;                            /* local id, for undo/drop */
	char key[WF_IDEMPOTENCY_KEY_MAX + 1];   /* Idempotency-Key */
	char kind[32];                          /* short label, e.g. "approve" */
	char *path;                             /* e.g. "/v1/decisions/dec-3/resolve" */
	char *body;                             /* JSON request body */
	int64_t created_at;                     /* Unix ms */
	int64_t hold_until;                     /* Unix ms */
	enum wf_outbox_state state;
	int attempts;                           /* sends tried */
	int64_t next_try;                       /* Unix ms of the next send (QUEUED) */
	int status;                             /* last HTTP status, 0 if none */
	char message[160];                      /* last error (untrusted: sanitize) */
	char *current;                          /* 409: JSON of the server's resource */
	char who[64];                           /* whoami name when made ("" unknown) */
	char token_fp[WF_OUTBOX_TOKEN_FP_LEN + 1]; /* fingerprint of its token */
};

struct wf_outbox;

/* Opens (creating as needed) DIR/outbox.log; dir NULL means $XDG_STATE_HOME/watchfloor
 * or ~/.local/state/watchfloor. Loads pending records (torn tail cut off). read_only:
 * enqueue is refused and nothing is ever handed out for sending. NULL on error with
 * a message in err. */
struct wf_outbox *wf_outbox_open(const char *dir, bool read_only, char *err,
				 size_t errsize);
void wf_outbox_close(struct wf_outbox *ob);
/* The default folder into buf; -1 when neither XDG_STATE_HOME nor HOME is set. */
int wf_outbox_default_dir(char *buf, size_t size);
/* The identity records are made and sent under: name from whoami (NULL while not
 * known yet) and token_fp from wf_outbox_token_fp(). Nothing is handed out for
 * sending until both are set. */
void wf_outbox_set_identity(struct wf_outbox *ob, const char *name,
			    const char *token_fp);
/* The fingerprint of a token into out (WF_OUTBOX_TOKEN_FP_LEN + 1 bytes): the first
 * 16 hex digits of its SHA-256; "-" for no token. */
void wf_outbox_token_fp(const char *token, char *out);
/* Undo window for new records, ms (default 5000). */
void wf_outbox_set_hold(struct wf_outbox *ob, int hold_ms);

/* Appends a request (POST path with json_body) and fsyncs it. kind is a short label
 * for the UI. Returns 0 and the record's id, or -1 (read-only, bad path or body,
 * I/O error: see wf_outbox_error()). */
int wf_outbox_enqueue(struct wf_outbox *ob, const char *kind, const char *path,
		      const char *json_body, int64_t now_ms, uint64_t *id_out);
/* The same for a request built in net/request_verbs.h (its kind, path and body; r
 * stays the caller's): how the dashboard and --batch queue what the officer did. */
static inline int wf_outbox_enqueue_request(struct wf_outbox *ob,
					    const struct wf_request *r, int64_t now_ms,
					    uint64_t *id_out)
{
	return wf_outbox_enqueue(ob, r->kind, r->path, r->body, now_ms, id_out);
}
/* Cancels a record still HELD. -1 when it is no longer held (already sent). */
int wf_outbox_undo(struct wf_outbox *ob, uint64_t id);
/* Removes a CONFLICT or FAILED record (the officer saw it). -1 otherwise. */
int wf_outbox_drop(struct wf_outbox *ob, uint64_t id);

size_t wf_outbox_count(const struct wf_outbox *ob);
size_t wf_outbox_count_state(const struct wf_outbox *ob, enum wf_outbox_state s);
/* The records, oldest first. Pointers valid until the next outbox call. */
size_t wf_outbox_list(const struct wf_outbox *ob, const struct wf_outbox_record **out,
		      size_t cap);
const struct wf_outbox_record *wf_outbox_get(const struct wf_outbox *ob, uint64_t id);
const char *wf_outbox_error(const struct wf_outbox *ob);
const char *wf_outbox_path(const struct wf_outbox *ob);
/* Unparsable lines found at open (copied to outbox.log.corrupt); 0 normally. */
size_t wf_outbox_corrupt_count(const struct wf_outbox *ob);
/* A failed write could not be undone: enqueue refuses until a restart. */
bool wf_outbox_broken(const struct wf_outbox *ob);

/* --- used by the sender (net/client.c) --- */
/* Moves HELD records whose hold ended to QUEUED; returns the first QUEUED record due
 * at now_ms, marked SENDING, or NULL. Read-only outboxes, and outboxes whose
 * identity is not complete, never return one. A due record made under another
 * identity, or older than WF_OUTBOX_MAX_AGE_MS, becomes FAILED instead. */
struct wf_outbox_record *wf_outbox_take_due(struct wf_outbox *ob, int64_t now_ms);
/* The earliest hold end or retry time (Unix ms), or -1. */
int64_t wf_outbox_next_due(const struct wf_outbox *ob);
/* Settles a SENDING record with the answer: status 0 for a network error. body is
 * the answer's body (may be NULL). Returns 1 when the record changed state or left. */
int wf_outbox_settle(struct wf_outbox *ob, uint64_t id, int status,
		     const char *body, size_t body_len, int retry_after_s,
		     int64_t now_ms);
/* Puts every SENDING record back to QUEUED (the client is going away). */
void wf_outbox_requeue_all(struct wf_outbox *ob);
/* Rewrites the file with only the live records (atomic rename, fsync'd). */
int wf_outbox_compact(struct wf_outbox *ob);

#endif
