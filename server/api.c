/* api.c - error answers, the write runner (transaction + idempotency), the read
 * endpoints (health, whoami, snapshot) and helpers shared by the write endpoints. */
#include "api.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *api_error_code(int status)
{
	switch (status) {
	case 400:
		return "bad_request";
	case 401:
		return "unauthorized";
	case 403:
		return "forbidden";
	case 404:
		return "not_found";
	case 405:
		return "method_not_allowed";
	case 409:
		return "conflict";
	case 413:
		return "too_large";
	case 422:
		return "invalid_state";
	case 429:
		return "rate_limited";
	case 431:
		return "header_too_large";
	case 501:
		return "not_implemented";
	case 505:
		return "version_not_supported";
	default:
		return "unavailable";
	}
}

void api_error(struct api_reply *r, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_decref(r->body);
	r->status = status;
	r->body = json_pack("{s:{s:s,s:s}}", "error", "code", api_error_code(status),
			    "message", msg);
}

void api_conflict(struct api_reply *rep, const char *kind, json_t *cur)
{
	api_error(rep, 409, "%s %s is at version %lld", kind,
		  json_string_value(json_object_get(cur, "id")),
		  (long long)json_integer_value(json_object_get(cur, "version")));
	json_object_set_new(rep->body, "current", cur);
}

json_t *api_load_versioned(struct server *srv, const char *kind, const char *id,
			   int64_t version, struct api_reply *rep)
{
	json_t *o = store_get_resource(srv->st, kind, id);
	if (!o) {
		api_error(rep, 404, "no %s %s", kind, id);
		return NULL;
	}
	if (json_integer_value(json_object_get(o, "version")) != version) {
		api_conflict(rep, kind, o);
		return NULL;
	}
	return o;
}

void api_run_write(struct server *srv, api_write_fn fn, const struct api_request *req,
		   const char *idem_key, int *status, char **text, bool *replayed)
{
	struct api_reply rep = {0, NULL};
	*replayed = false;
	*text = NULL;
	if (store_begin(srv->st) != 0) {
		api_error(&rep, 503, "store unavailable");
		goto out;
	}
	if (idem_key) {
		int found = store_idem_get(srv->st, req->who->key, idem_key, status, text);
		if (found == 1) {
			store_rollback(srv->st);
			*replayed = true;
			return;
		}
		if (found < 0) {
			/* Unknown whether this write was done already: never run it twice. */
			api_error(&rep, 503, "store unavailable: %s", store_last_error(srv->st));
			store_rollback(srv->st);
			goto out;
		}
	}
	int64_t seq0 = store_next_seq(srv->st);
	fn(srv, req, &rep);
	if (!rep.body) {
		store_rollback(srv->st);
		api_error(&rep, 503, "out of memory");
		goto out;
	}
	bool ok = rep.status < 300;
	if (rep.status >= 500 || (!ok && store_next_seq(srv->st) != seq0)) {
		store_rollback(srv->st);
		goto out;
	}
	char *body = json_dumps(rep.body, JSON_COMPACT);
	if (!body || (idem_key && store_idem_put(srv->st, req->who->key, idem_key,
						 rep.status, body) != 0)) {
		free(body);
		store_rollback(srv->st);
		api_error(&rep, 503, "store unavailable");
		goto out;
	}
	if (store_commit(srv->st) != 0) {
		free(body);
		api_error(&rep, 503, "store unavailable: %s", store_last_error(srv->st));
		goto out;
	}
	*status = rep.status;
	*text = body;
	json_decref(rep.body);
	return;
out:
	*status = rep.status;
	*text = rep.body ? json_dumps(rep.body, JSON_COMPACT) : NULL;
	json_decref(rep.body);
}

json_t *api_health(struct server *srv)
{
	return json_pack("{s:s,s:s,s:I,s:o}", "status", "ok", "version", WF_VERSION,
			 "cursor", (json_int_t)hub_cursor(srv->hub), "server_time",
			 util_json_time(util_now_ms()));
}

json_t *api_whoami(const struct auth_identity *who)
{
	return json_pack("{s:s,s:s,s:o,s:s}", "name", who->name, "role",
			 auth_role_name(who->role), "platform_id",
			 who->platform_id[0] ? json_string(who->platform_id) : json_null(),
			 "org", quorum_org(who));
}

json_t *api_rules(struct server *srv)
{
	return quorum_rules_json(&srv->rules);
}

/* Open resources plus the newest `closed` closed ones. */
static json_t *list_open_and_recent(struct store *st, const char *kind, int closed)
{
	json_t *open = store_list_resources(st, kind, 1, 0);
	json_t *done = store_list_resources(st, kind, 0, closed);
	json_array_extend(done, open);
	json_decref(open);
	return done;
}

json_t *api_snapshot(struct server *srv, int64_t *cursor)
{
	int64_t now = util_now_ms();
	store_lock(srv->st);
	*cursor = store_cursor(srv->st);
	json_t *snap = json_pack(
		"{s:I,s:o,s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "cursor",
		(json_int_t)*cursor,
		"server_time", util_json_time(now), "heartbeat_s", srv->heartbeat_s,
		"platforms", store_list_resources(srv->st, "platform", -1, 0), "incidents",
		store_list_resources(srv->st, "incident", -1, 0), "signals",
		store_list_resources(srv->st, "signal", -1, 2000), "reports",
		list_open_and_recent(srv->st, "report", 200), "decisions",
		list_open_and_recent(srv->st, "decision", 200), "sightings",
		store_list_sightings(srv->st, 100), "stats",
		store_list_stats(srv->st, now), "exceptions",
		store_list_resources(srv->st, "exception", -1, 500), "notifications",
		store_list_resources(srv->st, "notification", -1, 500));
	store_unlock(srv->st);
	return snap;
}

void api_next_id(struct server *srv, const char *prefix, char *buf, size_t size)
{
	snprintf(buf, size, "%s-%lld", prefix, (long long)store_next_seq(srv->st));
}

int api_save_emit(struct server *srv, const char *kind, json_t *obj, bool open,
		  const char *group, enum wf_event_type type)
{
	json_t *v = json_object_get(obj, "version");
	json_object_set_new(obj, "version",
			    json_integer(json_is_integer(v) ? json_integer_value(v) + 1 : 1));
	const char *id = json_string_value(json_object_get(obj, "id"));
	if (!id || store_put_resource(srv->st, kind, id, obj, open, group) != 0)
		return -1;
	return store_emit_event(srv->st, type, obj) < 0 ? -1 : 0;
}

json_t *api_new_decision(struct server *srv, const char *kind, const char *incident_id,
			 const char *subject, const char *subject_ref, const char *detail,
			 const char *proposer, const char *priority, int64_t due_ms)
{
	char id[80];
	int64_t now = util_now_ms();
	enum wf_decision_kind k = WF_DEC_ACTIVATE;
	wf_decision_kind_parse(kind, &k);
	api_next_id(srv, "dec", id, sizeof(id));
	json_t *d = json_pack("{s:s,s:s,s:o,s:s,s:o,s:s,s:s,s:s,s:o,s:o,s:s,s:[],s:s,s:i}", "id",
			 id, "kind", kind, "incident_id",
			 incident_id ? json_string(incident_id) : json_null(), "subject",
			 subject, "subject_ref",
			 subject_ref ? json_string(subject_ref) : json_null(), "detail",
			 detail ? detail : "", "proposer", proposer, "priority", priority,
			 "created_at", util_json_time(now), "due_at", util_json_time(due_ms),
			 "state", "pending", "votes", "rationale", "", "version", 0);
	/* The quorum it was opened with (protocol.md, Quorum). */
	json_t *q = json_pack("{s:i,s:[],s:[],s:n,s:n,s:n}", "needed", srv->rules.needed[k],
			      "approved_by", "rejected_by", "proposed_tier",
			      "keep_platform_id", "authority");
	if (d && q)
		json_object_update(d, q);
	json_decref(q);
	return d;
}

int api_ensure_platform(struct server *srv, const char *id, const char *name,
			const char *kind, json_t *hash_types)
{
	if (store_begin(srv->st) != 0)
		return -1;
	json_t *old = store_get_resource(srv->st, "platform", id);
	if (old) {
		json_decref(old);
		store_rollback(srv->st);
		return 0;
	}
	json_t *p = json_pack("{s:s,s:s,s:s,s:O,s:n,s:i}", "id", id, "name", name, "kind",
			      kind, "hash_types", hash_types, "last_heartbeat", "version", 0);
	if (!p || api_save_emit(srv, "platform", p, true, NULL, WF_EV_PLATFORM_UPDATED)) {
		json_decref(p);
		store_rollback(srv->st);
		return -1;
	}
	json_decref(p);
	return store_commit(srv->st);
}
