/* http.c - request handling: a route table (method, path pattern, roles, handler),
 * bearer-token authentication, body accumulation with the 1 MiB limit, JSON error
 * answers, snapshot ETags, event streams and the access log (which names the
 * token's owner, never the token). The daemon's start, stop and reload are in
 * http_daemon.c. */
#include "http.h"
#include "http_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "api_match.h"
#include "feed.h"
#include "http_fields.h"
#include "http_front.h"
#include "model/validate.h"
#include "record.h"
#include "taxii.h"
#include "http_tokens.h"
#include "util.h"

#define BODY_MAX (1024 * 1024)

enum {
	R_VIEWER = 1 << AUTH_VIEWER,
	R_OFFICER = 1 << AUTH_OFFICER,
	R_PLATFORM = 1 << AUTH_PLATFORM,
	R_ADMIN = 1 << AUTH_ADMIN,
	R_ANY = R_VIEWER | R_OFFICER | R_PLATFORM | R_ADMIN,
	R_NONE = 0, /* no token needed */
};

/* RK_WRITE: a body, run in a transaction with its idempotency record; RK_QUERY: a
 * body, answered from memory (nothing written, no transaction). */
enum route_kind {
	RK_HEALTH,
	RK_WHOAMI,
	RK_RULES,
	RK_SNAPSHOT,
	RK_EVENTS,
	RK_RECORD,
	RK_STIX,
	RK_TAXII,
	RK_WRITE,
	RK_QUERY
};

/* One path of the protocol. A '*' segment is the resource id. */
struct route {
	const char *method;
	const char *pattern;
	unsigned roles;
	enum route_kind kind;
	api_write_fn write;
};

static const struct route routes[] = {
	{"GET", "/v1/health", R_NONE, RK_HEALTH, NULL},
	{"GET", "/v1/whoami", R_ANY, RK_WHOAMI, NULL},
	{"GET", "/v1/rules", R_ANY, RK_RULES, NULL},
	{"GET", "/v1/snapshot", R_ANY, RK_SNAPSHOT, NULL},
	{"GET", "/v1/events", R_ANY, RK_EVENTS, NULL},
	{"GET", "/v1/incidents/*/record", R_ANY, RK_RECORD, NULL},
	{"GET", "/v1/incidents/*/stix", R_ANY, RK_STIX, NULL},
	{"POST", "/v1/sightings", R_PLATFORM | R_ADMIN, RK_WRITE, api_post_sightings},
	{"POST", "/v1/signals", R_PLATFORM | R_OFFICER | R_ADMIN, RK_WRITE,
	 api_post_signal},
	{"POST", "/v1/reports", R_PLATFORM | R_OFFICER | R_ADMIN, RK_WRITE,
	 api_post_report},
	{"POST", "/v1/reports/*/triage", R_OFFICER | R_ADMIN, RK_WRITE,
	 api_triage_report},
	{"POST", "/v1/incidents", R_OFFICER | R_ADMIN, RK_WRITE, api_create_incident},
	{"POST", "/v1/incidents/*", R_OFFICER | R_ADMIN, RK_WRITE, api_update_incident},
	{"POST", "/v1/decisions", R_OFFICER | R_ADMIN, RK_WRITE, api_create_decision},
	{"POST", "/v1/decisions/*/resolve", R_OFFICER | R_ADMIN, RK_WRITE,
	 api_resolve_decision},
	{"POST", "/v1/match", R_PLATFORM | R_OFFICER | R_ADMIN, RK_QUERY, api_match},
};

/* Every path under /taxii2/ (taxii.c routes them); GET only, read-only. */
static const struct route taxii_route = {"GET", "/taxii2/", R_ANY, RK_TAXII, NULL};

/* Per-request state across the access handler's calls. */
struct request {
	const struct route *rt;		 /* set by admit_request */
	const struct auth_identity *who; /* NULL for routes without a token, else &me */
	struct auth_identity me;	 /* a copy: a reload may free the tokens */
	size_t token_index; /* me's entry in the tokens file, for the rate */
	char id[80];	    /* the path's {id}, "" when none */
	char *body;	    /* writes only */
	size_t len, cap;
	bool too_large;
	bool answered; /* a response is queued: nothing more to do */
	bool taxii;    /* under /taxii2/: TAXII's media type and error bodies */
	int64_t started;
};

/* Matches url against pattern; a '*' segment captures an id into id (idsz > 64).
 * A segment that is not a valid id (docs/protocol.md: 1..64 of [A-Za-z0-9._:-];
 * libmicrohttpd has decoded %XX already) does not match. */
static bool path_match(const char *pattern, const char *url, char *id, size_t idsz)
{
	while (*pattern && *url) {
		if (*pattern == '*') {
			size_t n = strcspn(url, "/");
			if (n == 0 || n >= idsz)
				return false;
			memcpy(id, url, n);
			id[n] = '\0';
			if (!wf_valid_id(id))
				return false;
			url += n;
			pattern++;
			continue;
		}
		if (*pattern != *url)
			return false;
		pattern++;
		url++;
	}
	return *pattern == '\0' && *url == '\0';
}

/* Copies s into out (LOG_FIELD_MAX bytes) with every byte outside '!'..'~' and the
 * backslash written as \xNN, so a decoded path (%0a, %1b, %20) can neither start a
 * forged log line nor shift the fields of this one. Cuts long input with "...". */
#define LOG_FIELD_MAX 1024
static const char *log_escape(const char *s, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (; *s; s++) {
		unsigned char b = (unsigned char)*s;
		if (o + 8 > LOG_FIELD_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (b > ' ' && b < 0x7f && b != '\\') {
			out[o++] = (char)b;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[b >> 4];
			out[o++] = hex[b & 15];
		}
	}
	out[o] = '\0';
	return out;
}

void http_log_line(struct http *h, const char *method, const char *url, int status,
		   int64_t started, const char *who)
{
	if (!h->log)
		return;
	char t[40], m[LOG_FIELD_MAX], u[LOG_FIELD_MAX];
	wf_time_format(util_now_ms(), t, sizeof(t));
	log_escape(*method ? method : "-", m);
	log_escape(*url ? url : "-", u);
	pthread_mutex_lock(&h->log_mu);
	fprintf(h->log, "%s %s %s %d %lldms %s\n", t, m, u, status,
		(long long)(util_mono_ms() - started), who);
	fflush(h->log);
	pthread_mutex_unlock(&h->log_mu);
}

static void log_request(struct http *h, const char *method, const char *url, int status,
			const struct request *r, const struct auth_identity *who)
{
	http_log_line(h, method, url, status, r->started, who ? who->name : "-");
}

static enum MHD_Result send_text(struct MHD_Connection *c, int status, const char *text,
				 const char *ctype)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (status == 503 || status == 429)
		MHD_add_response_header(r, "Retry-After", "2");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, int status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text)
		return send_text(c, 503,
				 "{\"error\":{\"code\":\"unavailable\",\"message\":"
				 "\"out of memory\"}}",
				 "application/json");
	enum MHD_Result ret = send_text(c, status, text, "application/json");
	free(text);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
	struct api_reply rep = {0, NULL};
	api_error(&rep, status, "%s", msg);
	return send_json(c, status, rep.body);
}

/* Sends a TAXII reply (its body freed) with TAXII's media type and headers. */
static enum MHD_Result send_taxii(struct MHD_Connection *c, struct taxii_reply *tr)
{
	if (!tr->body)
		taxii_error(tr, 503, "out of memory");
	char *body = tr->body;
	tr->body = NULL;
	struct MHD_Response *r = MHD_create_response_from_buffer(
		body ? strlen(body) : 0, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", TAXII_MEDIA_TYPE);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	if (tr->date_first[0])
		MHD_add_response_header(r, "X-TAXII-Date-Added-First", tr->date_first);
	if (tr->date_last[0])
		MHD_add_response_header(r, "X-TAXII-Date-Added-Last", tr->date_last);
	if (tr->status == 401)
		MHD_add_response_header(r, "WWW-Authenticate",
					"Basic realm=\"watchfloor\"");
	if (tr->status == 503 || tr->status == 429)
		MHD_add_response_header(r, "Retry-After", "2");
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)tr->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* An error answer in the format of the path: TAXII's under /taxii2/, else ours. */
static enum MHD_Result send_err(struct MHD_Connection *c, const struct request *rq,
				int status, const char *msg)
{
	if (!rq->taxii)
		return send_error(c, status, msg);
	struct taxii_reply tr = {0};
	taxii_error(&tr, status, msg);
	return send_taxii(c, &tr);
}

/* The request's identity, copied into rq->me (the tokens may be swapped by a reload
 * while the request runs), or NULL for a missing or unknown token. */
static const struct auth_identity *
authenticate(struct http *h, struct MHD_Connection *c, struct request *rq)
{
	/* Without its trailing whitespace; too long for any token: none. */
	char hdr_buf[1024];
	const char *hdr =
		http_field_copy(c, "Authorization", hdr_buf, sizeof(hdr_buf)) >= 0
			? hdr_buf
			: NULL;
	char buf[512];
	bool found =
		http_tokens_find(h->tokens, auth_header_token(hdr, buf, sizeof(buf)),
				 &rq->me, &rq->token_index);
	explicit_bzero(hdr_buf, sizeof(hdr_buf)); /* the token's copy */
	explicit_bzero(buf, sizeof(buf));
	return found ? &rq->me : NULL;
}

/* Parses a non-negative integer argument; false when present but malformed. */
static bool parse_cursor(const char *s, int64_t *out)
{
	if (!s || !*s)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < 0 || s[0] == '-' || s[0] == '+')
		return false;
	*out = v;
	return true;
}

static enum MHD_Result serve_events(struct http *h, struct MHD_Connection *c,
				    const struct auth_identity *who, int *status)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
	char last_buf[32];
	int last_n = http_field_copy(c, "Last-Event-ID", last_buf, sizeof(last_buf));
	const char *last = last_n == -1 ? NULL : last_buf; /* too long: "" is refused */
	const char *after_s =
		MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "after");
	const char *wait_s =
		MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "wait");
	bool sse = accept && strstr(accept, "text/event-stream");
	int64_t after = 0, wait = 25;
	bool has_after = false;
	if (last && (*last || last_n == -2)) {
		if (!parse_cursor(last, &after))
			return send_error(
				c, *status = 400,
				"header 'Last-Event-ID': must be an event seq");
		has_after = true;
	} else if (after_s) {
		if (!parse_cursor(after_s, &after))
			return send_error(c, *status = 400,
					  "field 'after': must be an integer >= 0");
		has_after = true;
	}
	if (wait_s && (!parse_cursor(wait_s, &wait) || wait > 60))
		return send_error(c, *status = 400,
				  "field 'wait': must be an integer 0..60");
	/* A cursor from another replica may be ahead of this one's hub by a NOTIFY in
	 * flight: read up to it from the store first (a no-op for SQLite). */
	if (has_after && after > hub_cursor(h->srv->hub))
		store_sync_hub(h->srv->st, after);
	struct MHD_Response *r = hub_open_stream(h->srv->hub, c, sse, has_after, after,
						 (int)wait, who->key);
	if (!r)
		return send_error(c, *status = 503, "out of memory");
	MHD_add_response_header(r, "Content-Type",
				sse ? "text/event-stream" : "application/json");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	*status = 200;
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_snapshot(struct http *h, struct MHD_Connection *c,
				      int *status)
{
	char etag[40];
	char inm[64];
	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)hub_cursor(h->srv->hub));
	if (http_field_copy(c, "If-None-Match", inm, sizeof(inm)) >= 0 &&
	    strcmp(inm, etag) == 0) {
		struct MHD_Response *r = MHD_create_response_from_buffer(
			0, NULL, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "ETag", etag);
		*status = 304;
		enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_NOT_MODIFIED, r);
		MHD_destroy_response(r);
		return ret;
	}
	int64_t cursor;
	json_t *snap = api_snapshot(h->srv, &cursor);
	char *text = snap ? json_dumps(snap, JSON_COMPACT) : NULL;
	json_decref(snap);
	if (!text)
		return send_error(c, *status = 503, "out of memory");
	snprintf(etag, sizeof(etag), "\"%lld\"", (long long)cursor);
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text,
								 MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "ETag", etag);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	*status = 200;
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result serve_record(struct http *h, struct MHD_Connection *c,
				    const char *id, int *status)
{
	json_t *rec = record_build(h->srv->st, id, status);
	if (!rec)
		return send_error(c, *status,
				  *status == 404 ? "no such incident"
						 : "store unavailable");
	return send_json(c, 200, rec);
}

static enum MHD_Result serve_stix(struct http *h, struct MHD_Connection *c,
				  const char *id, int *status)
{
	json_t *inc = NULL;
	store_lock(h->srv->st);
	inc = store_get_resource(h->srv->st, "incident", id);
	store_unlock(h->srv->st);
	json_decref(inc);
	if (!inc)
		return send_error(c, *status = 404, "no such incident");
	int st = 503;
	json_t *bundle = feed_bundle(h->feed, h->srv->st, id, &st);
	if (!bundle)
		return send_error(
			c, *status = st,
			st == 404 ? "no event of this incident is left in the log "
				    "(pruned by --retention)"
				  : "store unavailable");
	char *text = json_dumps(bundle, JSON_COMPACT);
	json_decref(bundle);
	if (!text)
		return send_error(c, *status = 503, "out of memory");
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text,
								 MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/stix+json;version=2.1");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	*status = 200;
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static const char *taxii_arg(void *ctx, const char *key)
{
	return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result serve_taxii(struct http *h, struct MHD_Connection *c,
				   const char *url, int *status)
{
	/* The discovery's URLs: the Host the client used when it is a plain
	 * host[:port], else relative ones. */
	const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
	char base[300] = "";
	if (h->public_url)
		snprintf(base, sizeof(base), "%s", h->public_url);
	else if (host && *host && strlen(host) < 200 &&
		 strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123"
			      "456789.-:[]") == strlen(host))
		snprintf(base, sizeof(base), "%s://%s", h->tls ? "https" : "http",
			 host);
	struct taxii_reply tr = {0};
	taxii_handle(h->feed, h->srv->st, url + 7,
		     MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
		     taxii_arg, c, base, h->stix_name, &tr);
	*status = tr.status;
	return send_taxii(c, &tr);
}

static enum MHD_Result serve_write(struct http *h, struct MHD_Connection *c,
				   const struct route *rt,
				   const struct auth_identity *who, const char *id,
				   struct request *rq, int *out_status)
{
	char key_buf[130]; /* 128 at most (docs/protocol.md); longer is refused */
	int key_n = http_field_copy(c, "Idempotency-Key", key_buf, sizeof(key_buf));
	const char *key = key_n == -1 ? NULL : key_buf; /* too long: "" is refused */
	if (key && !wf_valid_idempotency_key(key))
		return send_error(c, *out_status = 400,
				  "header 'Idempotency-Key': must be 1..128 of "
				  "[A-Za-z0-9._:-]");
	json_error_t jerr;
	json_t *body = json_loadb(rq->body ? rq->body : "", rq->len, 0, &jerr);
	if (!body) {
		char msg[300];
		snprintf(msg, sizeof(msg), "malformed JSON: %s (line %d)", jerr.text,
			 jerr.line);
		return send_error(c, *out_status = 400, msg);
	}
	struct api_request req = {who, body, id[0] ? id : NULL};
	int status;
	char *text;
	bool replayed = false;
	if (rt->kind == RK_QUERY) {
		struct api_reply rep = {0, NULL};
		rt->write(h->srv, &req, &rep);
		status = rep.status;
		text = rep.body ? json_dumps(rep.body, JSON_COMPACT) : NULL;
		json_decref(rep.body);
	} else {
		api_run_write(h->srv, rt->write, &req, key, &status, &text, &replayed);
	}
	json_decref(body);
	if (!text)
		return send_error(c, *out_status = 503, "out of memory");
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text,
								 MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (replayed)
		MHD_add_response_header(r, "Idempotent-Replayed", "true");
	if (status == 503)
		MHD_add_response_header(r, "Retry-After", "2");
	*out_status = status;
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Token bucket per token (http_tokens.c): 0 when the request may go on, else the
 * seconds to wait. */
static int rate_check(struct http *h, const struct request *rq)
{
	return http_tokens_rate(h->tokens, rq->token_index, &rq->me);
}

/* Sends 429 with the Retry-After of the token bucket. */
static enum MHD_Result send_rate_limited(struct http *h, struct MHD_Connection *c,
					 int retry)
{
	char ra[16];
	struct api_reply rep = {0, NULL};
	api_error(&rep, 429, "over %.0f requests a second for this token",
		  http_tokens_rate_limit(h->tokens));
	char *text = rep.body ? json_dumps(rep.body, JSON_COMPACT) : NULL;
	json_decref(rep.body);
	struct MHD_Response *r = MHD_create_response_from_buffer(
		text ? strlen(text) : 0, text, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	snprintf(ra, sizeof(ra), "%d", retry);
	MHD_add_response_header(r, "Content-Type", "application/json");
	MHD_add_response_header(r, "Retry-After", ra);
	enum MHD_Result ret = MHD_queue_response(c, 429, r);
	MHD_destroy_response(r);
	return ret;
}

/* Whether the request announces a body (a length above 0, or chunked). */
static bool has_body(struct MHD_Connection *c)
{
	const char *cl =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	const char *te =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
	return (cl && strtoull(cl, NULL, 10) > 0) || te;
}

/* Runs on the first callback, when the headers are complete and no byte of the body
 * has been read: shutdown, route, token, rate, role and body size. Returns 0 when
 * the request may go on (rq->rt, rq->who and rq->id set), else the status of the
 * error answer it queued (*ret: what to return to libmicrohttpd), which then goes
 * out without the body being read, so no client buffers a body it may not send. */
static int admit_request(struct http *h, struct MHD_Connection *c, const char *url,
			 const char *method, struct request *rq, enum MHD_Result *ret)
{
	bool path_known = false;
	if (strncmp(url, "/taxii2/", 8) == 0) {
		rq->taxii = path_known = true;
		rq->rt = &taxii_route;
	}
	for (size_t i = 0; !rq->taxii && i < sizeof(routes) / sizeof(routes[0]); i++) {
		char tmp[80] = "";
		if (!path_match(routes[i].pattern, url, tmp, sizeof(tmp)))
			continue;
		path_known = true;
		if (strcmp(routes[i].method, method) == 0) {
			rq->rt = &routes[i];
			memcpy(rq->id, tmp, sizeof(rq->id));
			break;
		}
	}
	const struct route *rt = rq->rt;
	int retry;
	if (atomic_load(&h->refusing)) {
		*ret = send_err(c, rq, 503, "server shutting down");
		return 503;
	}
	char msg[160];
	if (!http_fields_check(c, msg, sizeof(msg))) {
		*ret = send_error(c, 400, msg);
		return 400;
	}
	if (!rt) {
		*ret = send_error(c, path_known ? 405 : 404,
				  path_known ? "method not allowed on this path"
					     : "no such path");
		return path_known ? 405 : 404;
	}
	if (rt->roles != R_NONE && !(rq->who = authenticate(h, c, rq))) {
		*ret = send_err(c, rq, 401, "missing or unknown bearer token");
		return 401;
	}
	if (rt->roles != R_NONE && (retry = rate_check(h, rq)) > 0) {
		*ret = send_rate_limited(h, c, retry);
		return 429;
	}
	if (rq->taxii && strcmp(method, "GET") != 0) {
		/* Every collection is can_write false: adding objects is forbidden. */
		bool post = strcmp(method, "POST") == 0;
		*ret = send_err(
			c, rq, post ? 403 : 405,
			post ? "this TAXII server is read-only (can_write: false)"
			     : "method not allowed on this path");
		return post ? 403 : 405;
	}
	if (rt->roles != R_NONE && !(rt->roles & (1u << rq->who->role))) {
		*ret = send_error(
			c, 403,
			h->srv->auth ? "this token's role may not do this"
				     : "read-only: the server runs without --tokens");
		return 403;
	}
	if (rt->kind != RK_WRITE && rt->kind != RK_QUERY && has_body(c)) {
		*ret = send_err(c, rq, 400, "this request takes no body");
		return 400;
	}
	const char *cl =
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	if (cl && strtoull(cl, NULL, 10) > BODY_MAX) {
		*ret = send_error(c, 413, "request body over 1 MiB");
		return 413;
	}
	return 0;
}

/* Appends a chunk of a write's body; false when out of memory. Past BODY_MAX the
 * rest is read and dropped (the answer is 413). */
static bool body_append(struct request *rq, const char *data, size_t n)
{
	if (rq->too_large || rq->len + n > BODY_MAX) {
		rq->too_large = true;
		return true;
	}
	if (rq->len + n > rq->cap) {
		size_t cap = rq->cap ? rq->cap : 4096;
		while (cap < rq->len + n)
			cap *= 2;
		char *b = realloc(rq->body, cap);
		if (!b)
			return false;
		rq->body = b;
		rq->cap = cap;
	}
	memcpy(rq->body + rq->len, data, n);
	rq->len += n;
	return true;
}

enum MHD_Result http_on_request(void *cls, struct MHD_Connection *c, const char *url,
				const char *method, const char *version,
				const char *upload, size_t *upload_size, void **state)
{
	struct http *h = cls;
	struct request *rq = *state;
	enum MHD_Result ret = MHD_YES;
	(void)version;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		rq->started = util_mono_ms();
		*state = rq;
		int status = admit_request(h, c, url, method, rq, &ret);
		if (status) {
			rq->answered = true;
			log_request(h, method, url, status, rq, rq->who);
		}
		return ret;
	}
	if (rq->answered) {
		*upload_size = 0; /* libmicrohttpd discards the rest itself */
		return MHD_YES;
	}
	if (*upload_size) {
		/* admit_request let a body through on write routes only. */
		if ((rq->rt->kind == RK_WRITE || rq->rt->kind == RK_QUERY) &&
		    !body_append(rq, upload, *upload_size))
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	rq->answered = true;
	int status = 200;
	if (rq->too_large) {
		ret = send_error(c, status = 413, "request body over 1 MiB");
	} else {
		switch (rq->rt->kind) {
		case RK_HEALTH: {
			json_t *health = api_health(h->srv);
			json_object_set_new(
				health, "malformed_requests",
				h->front ? json_integer((json_int_t)http_front_refused(
						   h->front))
					 : json_null());
			ret = send_json(c, 200, health);
			break;
		}
		case RK_WHOAMI:
			ret = send_json(c, 200, api_whoami(rq->who));
			break;
		case RK_RULES:
			ret = send_json(c, 200, api_rules(h->srv));
			break;
		case RK_SNAPSHOT:
			ret = serve_snapshot(h, c, &status);
			break;
		case RK_EVENTS:
			ret = serve_events(h, c, rq->who, &status);
			break;
		case RK_RECORD:
			ret = serve_record(h, c, rq->id, &status);
			break;
		case RK_STIX:
			ret = serve_stix(h, c, rq->id, &status);
			break;
		case RK_TAXII:
			ret = serve_taxii(h, c, url, &status);
			break;
		default:
			ret = serve_write(h, c, rq->rt, rq->who, rq->id, rq, &status);
			break;
		}
	}
	log_request(h, method, url, status, rq, rq->who);
	return ret;
}

void http_on_completed(void *cls, struct MHD_Connection *c, void **state,
		       enum MHD_RequestTerminationCode toe)
{
	struct http *h = cls;
	struct request *rq = *state;
	(void)toe;
	if (h->front) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci)
			http_front_completed(h->front, ci->connect_fd);
	}
	if (rq) {
		free(rq->body);
		free(rq);
	}
	*state = NULL;
}
