/* batch.c - the headless loop: sync, then print the state every interval as JSON
 * lines or text; --resolve votes go through the outbox like the dashboard's. */
#include "batch.h"

#include "tui/batch_export.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/validate.h"
#include "net/outbox.h"
#include "net/request_verbs.h"
#include "tui/actions.h"
#include "tui/batch_verbs.h"
#include "tui/textframe.h"
#include "widgets/text.h"

#define LIST_MAX 4096

static json_t *time_json(int64_t ms)
{
	char buf[40];
	if (ms <= 0)
		return json_null();
	wf_time_format(ms, buf, sizeof(buf));
	return json_string(buf);
}

/* json_string() refuses invalid UTF-8; the model holds validated strings, but be safe.
 * Control and format characters are escaped when the line is written
 * (write_json_line). */
static json_t *str_json(const char *s)
{
	json_t *j = json_string(s ? s : "");
	return j ? j : json_string("?");
}

static json_t *conn_json(const struct wf_conn *c, int64_t now)
{
	return json_pack(
		"{s:s,s:i,s:I,s:o,s:o,s:I,s:f,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:i,s:i}", "state",
		wf_conn_state_name(c->state), "attempt", c->attempt, "next_try_ms",
		(json_int_t)(c->next_try ? c->next_try - now : 0), "last_event",
		time_json(c->last_event), "last_data", time_json(c->last_data),
		"lag_ms", (json_int_t)c->lag_ms, "events_per_s", c->events_per_s,
		"heartbeat_s", (json_int_t)c->heartbeat_s, "bad_events",
		(json_int_t)c->bad_events, "message", str_json(c->message), "user",
		str_json(c->user), "role", str_json(c->role), "org", str_json(c->org),
		"backend", c->n_backends ? str_json(c->backend) : json_null(),
		"backend_index", c->backend_index, "backends", c->n_backends);
}

static json_t *incidents_json(const struct wf_model *m, int64_t now, json_int_t *vsum)
{
	const struct wf_incident **list = malloc(LIST_MAX * sizeof(*list));
	json_t *a = json_array();
	if (!list || !a) {
		free(list);
		return a;
	}
	size_t n = wf_model_incidents(m, WF_SORT_INC_SEVERITY, now, list, LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		struct wf_rates r;
		wf_model_rates(m, list[i]->id, NULL, now, &r);
		*vsum += list[i]->version;
		json_array_append_new(
			a, json_pack("{s:s,s:o,s:s,s:s,s:f,s:f,s:I,s:I}", "id",
				     list[i]->id, "title", str_json(list[i]->title),
				     "tier", list[i]->tier, "state",
				     wf_incident_state_name(list[i]->state),
				     "uploads_per_min", r.rate1, "uploads_per_min_5",
				     r.rate5, "attempts_24h",
				     (json_int_t)r.last24h.attempts, "version",
				     (json_int_t)list[i]->version));
	}
	free(list);
	return a;
}

static json_t *platforms_json(const struct wf_model *m, int64_t now, json_int_t *vsum,
			      json_int_t *attempts)
{
	const struct wf_platform **list = malloc(LIST_MAX * sizeof(*list));
	json_t *a = json_array();
	if (!list || !a) {
		free(list);
		return a;
	}
	size_t n = wf_model_platforms(m, WF_SORT_PLAT_NAME, NULL, now, list, LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		struct wf_rates r;
		wf_model_rates(m, NULL, list[i]->id, now, &r);
		*vsum += list[i]->version;
		*attempts += r.last24h.attempts;
		json_array_append_new(
			a, json_pack("{s:s,s:o,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "id",
				     list[i]->id, "name", str_json(list[i]->name),
				     "attempts_1m", (json_int_t)r.last1.attempts,
				     "attempts_15m", (json_int_t)r.last15.attempts,
				     "attempts_24h", (json_int_t)r.last24h.attempts,
				     "blocked_24h", (json_int_t)r.last24h.blocked,
				     "removed_24h", (json_int_t)r.last24h.removed,
				     "variants_24h", (json_int_t)r.last24h.variants,
				     "version", (json_int_t)list[i]->version,
				     "last_seen", time_json(r.last_seen)));
		json_t *o = json_array_get(a, json_array_size(a) - 1);
		json_object_set_new(o, "kept_24h", json_integer((json_int_t)r.last24h.kept));
		json_object_set_new(o, "kept_exception_24h",
				    json_integer((json_int_t)r.last24h.kept_exception));
		json_object_set_new(o, "unmatched_24h",
				    json_integer((json_int_t)r.last24h.unmatched));
		json_object_set_new(o, "near_misses_24h",
				    json_integer((json_int_t)r.last24h.near_misses));
	}
	free(list);
	return a;
}

/* A list of organisations (approved_by, rejected_by). */
static json_t *orgs_json(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, str_json(v[i]));
	return a;
}

static json_t *decisions_json(const struct wf_model *m, json_int_t *vsum)
{
	const struct wf_decision **list = malloc(LIST_MAX * sizeof(*list));
	json_t *a = json_array();
	if (!list || !a) {
		free(list);
		return a;
	}
	size_t n = wf_model_open_decisions(m, WF_SORT_DEC_DUE, NULL, list, LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct wf_decision *d = list[i];
		*vsum += d->version;
		json_array_append_new(
			a,
			json_pack("{s:s,s:s,s:o,s:s,s:s,s:o,s:I,s:I}", "id", d->id,
				  "kind", wf_decision_kind_name(d->kind), "subject",
				  str_json(d->subject), "priority",
				  wf_priority_name(d->priority), "state",
				  wf_decision_state_name(d->state), "due_at",
				  time_json(d->due_at), "votes", (json_int_t)d->n_votes,
				  "version", (json_int_t)d->version));
		/* The quorum (protocol.md, Quorum): "1/2" and who counted so far. */
		struct wf_quorum q = wf_decision_quorum(d);
		json_t *o = json_array_get(a, json_array_size(a) - 1);
		json_object_set_new(o, "needed", json_integer(q.needed));
		json_object_set_new(o, "approved_by",
				    orgs_json(d->approved_by, d->n_approved_by));
		json_object_set_new(o, "rejected_by",
				    orgs_json(d->rejected_by, d->n_rejected_by));
	}
	free(list);
	return a;
}

static json_t *outbox_json(struct wf_outbox *ob)
{
	if (!ob)
		return json_null();
	json_t *o = json_pack("{s:I,s:I}", "total", (json_int_t)wf_outbox_count(ob),
			      "corrupt", (json_int_t)wf_outbox_corrupt_count(ob));
	for (int s = WF_OUTBOX_HELD; s <= WF_OUTBOX_FAILED; s++)
		json_object_set_new(
			o, wf_outbox_state_name(s),
			json_integer((json_int_t)wf_outbox_count_state(ob, s)));
	return o;
}

json_t *wf_batch_state_json(const struct wf_model *m, struct wf_client *client,
			    int64_t now_ms)
{
	json_int_t v_inc = 0, v_plat = 0, v_dec = 0, attempts = 0;
	json_t *inc = incidents_json(m, now_ms, &v_inc);
	json_t *plat = platforms_json(m, now_ms, &v_plat, &attempts);
	json_t *dec = decisions_json(m, &v_dec);
	json_t *root = json_pack(
		"{s:o,s:I,s:b,s:i,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I},s:I,"
		"s:o,s:o,s:o,s:o}",
		"time", time_json(now_ms), "cursor", (json_int_t)wf_model_cursor(m),
		"synced", client ? wf_client_synced(client) : 1, "syncs",
		client ? (int)wf_client_syncs(client) : 0, "connection",
		conn_json(wf_model_conn(m), now_ms), "counts", "platforms",
		(json_int_t)wf_model_count_platforms(m), "incidents",
		(json_int_t)wf_model_count_incidents(m), "signals",
		(json_int_t)wf_model_count_signals(m), "reports",
		(json_int_t)wf_model_count_reports(m), "decisions",
		(json_int_t)wf_model_count_decisions(m), "open_decisions",
		(json_int_t)wf_model_count_open_decisions(m), "version_sums",
		"platforms", v_plat, "incidents", v_inc, "open_decisions", v_dec,
		"attempts_24h", attempts, "incidents", inc, "platforms", plat,
		"pending_decisions", dec, "outbox",
		outbox_json(client ? wf_client_outbox(client) : NULL));
	json_t *counts = json_object_get(root, "counts");
	json_object_set_new(counts, "exceptions",
			    json_integer((json_int_t)wf_model_count_exceptions(m)));
	json_object_set_new(counts, "notifications",
			    json_integer((json_int_t)wf_model_count_notifications(m)));
	/* What the caps keep out (docs/cli.md): the counts plus these are the
	 * snapshot's. */
	struct wf_model_not_held h = wf_model_not_held(m);
	json_t *nh = json_object(), *caps = json_object();
	for (int k = 0; k < WF_CAP__COUNT; k++) {
		json_object_set_new(nh, wf_cap_name(k), json_integer((json_int_t)h.n[k]));
		json_object_set_new(caps, wf_cap_name(k),
				    json_integer((json_int_t)wf_model_cap(m, k)));
	}
	json_object_set_new(nh, "at_least", json_boolean(h.at_least));
	json_object_set_new(root, "not_held", nh);
	json_object_set_new(root, "caps", caps);
	return root;
}

/* Plain --batch: the dashboard's text frame (tui/textframe.h), $COLUMNS wide. */
static void print_text(const struct wf_model *m, int64_t now)
{
	const char *cols = getenv("COLUMNS");
	int width = cols ? atoi(cols) : 0;
	if (width <= 0)
		width = 120;
	wf_text_frame(m, now, width, stdout);
	fflush(stdout);
}

/* Writes j as one line of ASCII: JSON_ENSURE_ASCII escapes every non-ASCII code
 * point (C1 controls, bidi overrides, line separators: server text must not reach
 * a terminal raw even through `watchfloor --batch --json | less`), and DEL, which
 * jansson leaves as it is, becomes \u007f (it can only occur inside a string). */
static void write_json_line(const json_t *j, FILE *f)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (!s)
		return;
	for (const char *p = s; *p; p++) {
		if (*p == 0x7f)
			fputs("\\u007f", f);
		else
			fputc(*p, f);
	}
	free(s);
}

static void print_state(const struct wf_options *o, const struct wf_model *m,
			struct wf_client *client)
{
	int64_t now = wf_client_now_ms();
	if (!o->json) {
		print_text(m, now);
		return;
	}
	json_t *j = wf_batch_state_json(m, client, now);
	if (j) {
		write_json_line(j, stdout);
		json_decref(j);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

/* "watchfloor: [resolve ID: ]A[ B]" on stderr. Every part may hold server text
 * (error messages, curl and jansson texts quoting the server's bytes): each goes
 * through the sanitizer, never raw. */
static void print_err(const char *id, const char *a, const char *b)
{
	fputs("watchfloor: ", stderr);
	if (id) {
		fputs("resolve ", stderr);
		wf_text_fputs(stderr, id, 64);
		fputs(": ", stderr);
	}
	wf_text_fputs(stderr, a, 400);
	if (b && *b) {
		fputc(' ', stderr);
		wf_text_fputs(stderr, b, 400);
	}
	fputc('\n', stderr);
}

static bool sig_ready(struct curl_waitfd *w)
{
	return w->revents != 0;
}

/* Runs the client until deadline (monotonic ms), or until done(client) holds.
 * Returns -1 when a signal arrived. */
static int run_until(struct wf_client *client, int sigfd, int64_t deadline,
		     bool (*done)(struct wf_client *))
{
	for (;;) {
		int64_t left = deadline - wf_client_mono_ms();
		if (left <= 0 || (done && done(client)))
			return 0;
		if (!client) {
			struct pollfd p = {.fd = sigfd, .events = POLLIN};
			if (poll(&p, sigfd >= 0 ? 1 : 0, (int)left) > 0)
				return -1;
			continue;
		}
		struct curl_waitfd w = {.fd = sigfd, .events = CURL_WAIT_POLLIN};
		if (wf_client_wait(client, &w, sigfd >= 0 ? 1 : 0, (int)left) != 0)
			return -1;
		wf_client_process(client);
		if (sigfd >= 0 && sig_ready(&w))
			return -1;
	}
}

static bool synced_or_stopped(struct wf_client *c)
{
	return wf_client_ready(c) || wf_client_stopped(c);
}

static bool outbox_settled(struct wf_client *c)
{
	struct wf_outbox *ob = wf_client_outbox(c);
	return wf_client_stopped(c) || !ob ||
	       (wf_outbox_count_state(ob, WF_OUTBOX_HELD) == 0 &&
		wf_outbox_count_state(ob, WF_OUTBOX_QUEUED) == 0 &&
		wf_outbox_count_state(ob, WF_OUTBOX_SENDING) == 0);
}

/* --resolve asks the dashboard's permission gate (tui/actions.c), with its action
 * names mapped through the action table; returns how many it refused. */
static int resolves_refused(const struct wf_options *o)
{
	int bad = 0;
	for (size_t i = 0; i < o->n_resolve; i++) {
		const struct wf_resolve_spec *r = &o->resolve[i];
		const struct wf_action_def *d = wf_action_def(wf_action_by_name(r->action));
		if (d && (d->flags & WF_ACT_DECISIONS) &&
		    wf_action_permitted(d, o->read_only, o->wall))
			continue;
		char m[96];
		snprintf(m, sizeof(m), "%s%s is not available", o->read_only ? "read-only: " : "",
			 r->action);
		print_err(r->id, m, NULL);
		bad++;
	}
	return bad;
}

/* Enqueues the --resolve votes; returns how many failed. */
static int enqueue_resolves(const struct wf_options *o, struct wf_client *client,
			    struct wf_model *m, uint64_t *ids)
{
	int bad = 0;
	struct wf_outbox *ob = wf_client_outbox(client);
	for (size_t i = 0; i < o->n_resolve; i++) {
		const struct wf_resolve_spec *r = &o->resolve[i];
		const struct wf_decision *d = wf_model_decision(m, r->id);
		ids[i] = 0;
		if (!d || !ob) {
			print_err(r->id, ob ? "no such decision" : "no outbox", NULL);
			bad++;
			continue;
		}
		struct wf_request rq;
		if (wf_request_decision_resolve(&rq, r->id, r->action, r->reason,
						d->version) != 0 ||
		    wf_outbox_enqueue_request(ob, &rq, wf_client_now_ms(), &ids[i]) != 0) {
			print_err(r->id, wf_outbox_error(ob), NULL);
			bad++;
		}
		wf_request_clear(&rq);
	}
	return bad;
}

static int report_resolves(const struct wf_options *o, struct wf_client *client,
			   const uint64_t *ids)
{
	int bad = 0;
	struct wf_outbox *ob = wf_client_outbox(client);
	for (size_t i = 0; ob && i < o->n_resolve; i++) {
		if (!ids[i])
			continue;
		const struct wf_outbox_record *r = wf_outbox_get(ob, ids[i]);
		if (!r) {
			print_err(o->resolve[i].id, "sent", NULL);
			continue;
		}
		bad++;
		print_err(o->resolve[i].id, wf_outbox_state_name(r->state), r->message);
	}
	return bad;
}

int wf_batch_run(const struct wf_options *o, struct wf_client *client,
		 struct wf_model *m, int sigfd)
{
	int status = 0;
	uint64_t ids[WF_RESOLVE_MAX] = {0}, verb_ids[WF_VERBS_MAX] = {0};
	if (o->export_id && client)
		return wf_batch_export(o, client, sigfd);
	int64_t interval = (int64_t)(o->interval_s * 1000);
	if ((o->n_resolve && resolves_refused(o) > 0) ||
	    (o->n_verbs && wf_batch_verbs_refused(o) > 0))
		return 2; /* nothing was synced, queued or sent */
	struct wf_outbox *ob = client ? wf_client_outbox(client) : NULL;
	if (ob && wf_outbox_corrupt_count(ob) > 0)
		print_err(NULL, wf_outbox_error(ob), NULL); /* lines kept aside: say so */
	if (client) {
		wf_client_start(client);
		if (run_until(client, sigfd,
			      wf_client_mono_ms() + (int64_t)(o->sync_timeout_s * 1000),
			      synced_or_stopped) < 0)
			return 0;
		if (o->n_resolve && wf_client_synced(client) &&
		    enqueue_resolves(o, client, m, ids) > 0)
			status = 1;
		if (o->n_verbs && !wf_client_synced(client)) {
			print_err(NULL, "not synced: no verb was queued", NULL);
			status = 1;
		} else if (o->n_verbs &&
			   wf_batch_verbs_enqueue(o, wf_client_outbox(client), m,
						  wf_client_now_ms(), verb_ids) > 0) {
			status = 1;
		}
	}
	int64_t next = wf_client_mono_ms();
	for (int i = 0; o->iterations == 0 || i < o->iterations; i++) {
		if (i > 0 && run_until(client, sigfd, next, NULL) < 0)
			break;
		print_state(o, m, client);
		next += interval;
		if (client && wf_client_stopped(client))
			break;
	}
	if (client) {
		/* Pending sends are not left behind: wait for the outbox to settle. */
		run_until(client, sigfd, wf_client_mono_ms() + o->hold_ms + 30000,
			  outbox_settled);
		if (o->n_resolve && report_resolves(o, client, ids) > 0)
			status = 1;
		if (o->n_verbs &&
		    wf_batch_verbs_report(o, wf_client_outbox(client), verb_ids) > 0)
			status = 1;
		if (wf_client_stopped(client)) {
			print_err(NULL, wf_model_conn(m)->message, NULL);
			status = 3;
		}
	}
	return status;
}
