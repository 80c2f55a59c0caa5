/* request_verbs.c - the officer's verbs as requests (see request_verbs.h): jansson
 * builds every body, so untrusted text is escaped by the JSON writer. */
#include "request_verbs.h"

#define WF_REQUEST_ID_BUF 65 /* an id (1..64) and its NUL */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"

void wf_request_clear(struct wf_request *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static bool given(const char *s)
{
	return s && s[0];
}

/* Sets key to s, or to null when s is empty. */
static void set_str_or_null(json_t *o, const char *key, const char *s)
{
	json_object_set_new(o, key, given(s) ? json_string(s) : json_null());
}

static void set_str(json_t *o, const char *key, const char *s)
{
	if (given(s))
		json_object_set_new(o, key, json_string(s));
}

/* Fills r from o (consumed). */
static int finish(struct wf_request *r, const char *kind, json_t *o)
{
	if (!o)
		return -1;
	r->body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!r->body)
		return -1;
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	return 0;
}

int wf_request_incident_declare(struct wf_request *r, const struct wf_incident_draft *d)
{
	memset(r, 0, sizeof(*r));
	if (!given(d->title))
		return -1;
	json_t *o = json_object();
	if (!o)
		return -1;
	json_object_set_new(o, "title", json_string(d->title));
	json_object_set_new(o, "location", json_string(d->location ? d->location : ""));
	set_str(o, "tier", d->tier);
	set_str(o, "state", d->state);
	json_object_set_new(o, "summary", json_string(d->summary ? d->summary : ""));
	snprintf(r->path, sizeof(r->path), "/v1/incidents");
	return finish(r, "declare", o);
}

int wf_request_incident_update(struct wf_request *r, const char *id, int64_t version,
			       const char *summary, const char *location)
{
	memset(r, 0, sizeof(*r));
	if (!id || !wf_valid_id(id) || (!summary && !location))
		return -1;
	json_t *o = json_pack("{s:I}", "version", (json_int_t)version);
	if (!o)
		return -1;
	if (summary)
		json_object_set_new(o, "summary", json_string(summary));
	if (location)
		json_object_set_new(o, "location", json_string(location));
	snprintf(r->path, sizeof(r->path), "/v1/incidents/%s", id);
	return finish(r, "update", o);
}

int wf_request_report_file(struct wf_request *r, const struct wf_report_draft *d)
{
	memset(r, 0, sizeof(*r));
	if (!given(d->kind) || !given(d->text))
		return -1;
	json_t *o = json_object();
	if (!o)
		return -1;
	json_object_set_new(o, "kind", json_string(d->kind));
	set_str_or_null(o, "incident_id", d->incident_id);
	set_str_or_null(o, "platform_id", d->platform_id);
	json_object_set_new(o, "text", json_string(d->text));
	json_object_set_new(o, "needs_decision", json_boolean(d->needs_decision));
	snprintf(r->path, sizeof(r->path), "/v1/reports");
	return finish(r, strcmp(d->kind, "situation_note") == 0 ? "note" : "report", o);
}

static void triage_path(char *buf, size_t size, const char *id)
{
	snprintf(buf, size, "/v1/reports/%s/triage", id);
}

int wf_request_report_triage(struct wf_request *r, const char *id, bool dismiss,
			     const char *reason, int64_t version)
{
	memset(r, 0, sizeof(*r));
	if (!id || !wf_valid_id(id))
		return -1;
	json_t *o = json_pack("{s:s, s:s, s:I}", "state",
			      dismiss ? "dismissed" : "triaged", "reason",
			      reason ? reason : "", "version", (json_int_t)version);
	triage_path(r->path, sizeof(r->path), id);
	return finish(r, dismiss ? "dismiss" : "triage", o);
}

bool wf_request_is_triage_of(const char *path, const char *id)
{
	char want[sizeof(((struct wf_request *)0)->path)];
	if (!path || !id)
		return false;
	triage_path(want, sizeof(want), id);
	return strcmp(path, want) == 0;
}

int wf_request_decision_propose(struct wf_request *r, const struct wf_decision_draft *d)
{
	memset(r, 0, sizeof(*r));
	if (!given(d->kind) || !given(d->subject))
		return -1;
	json_t *o = json_object();
	if (!o)
		return -1;
	json_object_set_new(o, "kind", json_string(d->kind));
	set_str_or_null(o, "incident_id", d->incident_id);
	json_object_set_new(o, "subject", json_string(d->subject));
	set_str_or_null(o, "subject_ref", d->subject_ref);
	json_object_set_new(o, "detail", json_string(d->detail ? d->detail : ""));
	set_str(o, "priority", d->priority);
	json_object_set_new(o, "due_in_s", json_integer((json_int_t)d->due_in_s));
	if (strcmp(d->kind, "change_tier") == 0)
		set_str(o, "proposed_tier", d->proposed_tier);
	if (strcmp(d->kind, "public_interest") == 0)
		set_str(o, "keep_platform_id", d->keep_platform_id);
	if (strcmp(d->kind, "notify_authority") == 0)
		set_str(o, "authority", d->authority);
	snprintf(r->path, sizeof(r->path), "/v1/decisions");
	return finish(r, "propose", o);
}

/* The path of a resolve on decision id into buf. */
static void resolve_path(char *buf, size_t size, const char *id)
{
	snprintf(buf, size, "/v1/decisions/%s/resolve", id);
}

int wf_request_decision_resolve(struct wf_request *r, const char *id,
				const char *action, const char *reason, int64_t version)
{
	memset(r, 0, sizeof(*r));
	if (!id || !wf_valid_id(id) || !given(action))
		return -1;
	json_t *o = json_pack("{s:s, s:s, s:I}", "action", action, "reason",
			      reason ? reason : "", "version", (json_int_t)version);
	resolve_path(r->path, sizeof(r->path), id);
	return finish(r, action, o);
}

bool wf_request_is_resolve_of(const char *path, const char *id)
{
	char want[sizeof(((struct wf_request *)0)->path)];
	if (!path || !id)
		return false;
	resolve_path(want, sizeof(want), id);
	return strcmp(path, want) == 0;
}

int wf_request_resolve_again(struct wf_request *r, const char *path, const char *body,
			     int64_t version, char *id_out, size_t id_size)
{
	static const char pre[] = "/v1/decisions/", post[] = "/resolve";
	char id[WF_REQUEST_ID_BUF];
	memset(r, 0, sizeof(*r));
	size_t n = path ? strlen(path) : 0, lp = sizeof(pre) - 1, ls = sizeof(post) - 1;
	if (n <= lp + ls || n - lp - ls >= sizeof(id) || strncmp(path, pre, lp) != 0 ||
	    strcmp(path + n - ls, post) != 0)
		return -1;
	memcpy(id, path + lp, n - lp - ls);
	id[n - lp - ls] = '\0';
	json_t *b = body ? json_loads(body, 0, NULL) : NULL;
	const char *action = json_string_value(json_object_get(b, "action"));
	const char *reason = json_string_value(json_object_get(b, "reason"));
	int rc = action ? wf_request_decision_resolve(r, id, action,
						      reason ? reason : "", version)
			: -1;
	json_decref(b);
	if (rc == 0 && id_out)
		snprintf(id_out, id_size, "%s", id);
	return rc;
}

int wf_request_export(struct wf_request *r, const char *incident_id, bool stix)
{
	memset(r, 0, sizeof(*r));
	if (!incident_id || !wf_valid_id(incident_id))
		return -1;
	snprintf(r->kind, sizeof(r->kind), "export");
	snprintf(r->path, sizeof(r->path), "/v1/incidents/%s/%s", incident_id,
		 stix ? "stix" : "record");
	return 0;
}
