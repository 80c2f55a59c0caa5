/* taxii.c - TAXII 2.1 resources over the feed: routing of the /taxii2/ paths,
 * the Accept check (406), query parsing (400 on anything malformed), envelopes and
 * manifests with their paging, and TAXII's error messages. */
#include "taxii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STIX_MEDIA_TYPE "application/stix+json;version=2.1"
#define API_ROOT "feed"

void taxii_error(struct taxii_reply *rep, int status, const char *description)
{
	static const struct {
		int status;
		const char *title;
	} titles[] = {{400, "Bad Request"},	   {401, "Unauthorized"},
		      {403, "Forbidden"},	   {404, "Not Found"},
		      {405, "Method Not Allowed"}, {406, "Not Acceptable"},
		      {429, "Too Many Requests"},  {431, "Request Header Fields Too Large"},
		      {501, "Not Implemented"},	   {503, "Service Unavailable"},
		      {505, "HTTP Version Not Supported"}};
	const char *title = "Error";
	char code[8];
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].status == status)
			title = titles[i].title;
	snprintf(code, sizeof(code), "%d", status);
	json_t *e = json_pack("{s:s,s:s,s:s}", "title", title, "description",
			      description, "http_status", code);
	free(rep->body);
	rep->status = status;
	rep->body = e ? json_dumps(e, JSON_COMPACT) : NULL;
	json_decref(e);
}

static void reply_json(struct taxii_reply *rep, json_t *body)
{
	free(rep->body);
	rep->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
	rep->status = rep->body ? 200 : 503;
	json_decref(body);
	if (!rep->body)
		taxii_error(rep, 503, "out of memory");
}

/* Trims spaces and tabs at both ends of [s, e); returns the length. */
static size_t trim(const char **s, const char *e)
{
	while (*s < e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (e > *s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return (size_t)(e - *s);
}

/* One media range "type/sub;p=v;..." of an Accept header. */
static bool range_ok(const char *s, const char *e)
{
	const char *semi = memchr(s, ';', (size_t)(e - s));
	const char *mt = s;
	size_t n = trim(&mt, semi ? semi : e);
	static const char want[] = "application/taxii+json";
	if (n != sizeof(want) - 1 || strncasecmp(mt, want, n) != 0)
		return false;
	while (semi && semi < e) {
		const char *p = semi + 1;
		semi = memchr(p, ';', (size_t)(e - p));
		const char *pe = semi ? semi : e;
		size_t len = trim(&p, pe);
		if (len > 8 && strncasecmp(p, "version=", 8) == 0) {
			const char *v = p + 8;
			size_t vl = len - 8;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			if (vl != 3 || strncmp(v, "2.1", 3) != 0)
				return false;
		} else if (len >= 2 && strncasecmp(p, "q=", 2) == 0) {
			if (len == 3 && p[2] == '0')
				return false; /* q=0: not acceptable */
		}
	}
	return true;
}

bool taxii_accept_ok(const char *accept)
{
	if (!accept)
		return false;
	const char *s = accept, *end = accept + strlen(accept);
	while (s < end) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = comma ? comma : end;
		if (range_ok(s, e))
			return true;
		s = e + 1;
	}
	return false;
}

/* Splits a comma list into out (pointers into buf, which gets a copy); every item
 * must be 1..max_len characters of allowed. */
static int split_list(const char *v, const char *name, const char *allowed,
		      size_t max_len, const char **out, int *n, char **buf,
		      size_t *left, char *err, size_t errsz)
{
	size_t len = strlen(v);
	if (len + 1 > *left) {
		snprintf(err, errsz, "%s: too long", name);
		return -1;
	}
	char *copy = *buf;
	memcpy(copy, v, len + 1);
	*buf += len + 1;
	*left -= len + 1;
	*n = 0;
	for (char *tok = copy;;) {
		char *comma = strchr(tok, ',');
		if (comma)
			*comma = '\0';
		size_t tl = strlen(tok);
		if (tl == 0 || tl > max_len || strspn(tok, allowed) != tl) {
			snprintf(err, errsz, "%s: each value must be 1..%zu of [%s]",
				 name, max_len,
				 allowed[0] == 'a' ? "a-z0-9-"
						   : "timestamp,first,last,all");
			return -1;
		}
		if (*n == FEED_MATCH_MAX) {
			snprintf(err, errsz, "%s: at most %d values", name,
				 FEED_MATCH_MAX);
			return -1;
		}
		out[(*n)++] = tok;
		if (!comma)
			break;
		tok = comma + 1;
	}
	return 0;
}

static bool parse_digits(const char *s, int64_t max, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s || strlen(s) > 18)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

int taxii_parse_filter(taxii_arg_fn arg, void *ctx, struct feed_filter *flt, char *buf,
		       size_t bufsz, char *err, size_t errsz)
{
	static const char id_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	static const char ver_chars[] = "0123456789-:.TZtzfirstlaA";
	const char *v;
	int64_t n;
	memset(flt, 0, sizeof(*flt));
	flt->after_us = flt->next_us = -1;
	flt->spec_21 = true;
	flt->limit = TAXII_PAGE_DEFAULT;
	if ((v = arg(ctx, "added_after")) && !stix_parse_us(v, &flt->after_us)) {
		snprintf(err, errsz, "added_after: must be an RFC 3339 timestamp");
		return -1;
	}
	if ((v = arg(ctx, "limit"))) {
		if (!parse_digits(v, 1000000000, &n) || n < 1) {
			snprintf(err, errsz, "limit: must be a positive integer");
			return -1;
		}
		flt->limit = n > TAXII_PAGE_MAX ? TAXII_PAGE_MAX : (int)n;
	}
	if ((v = arg(ctx, "next")) && !parse_digits(v, INT64_MAX / 10, &flt->next_us)) {
		snprintf(err, errsz, "next: not a token this server gave");
		return -1;
	}
	if ((v = arg(ctx, "match[type]")) &&
	    split_list(v, "match[type]", id_chars, 250, flt->types, &flt->n_types, &buf,
		       &bufsz, err, errsz))
		return -1;
	if ((v = arg(ctx, "match[id]")) &&
	    split_list(v, "match[id]", id_chars, 300, flt->ids, &flt->n_ids, &buf,
		       &bufsz, err, errsz))
		return -1;
	if ((v = arg(ctx, "match[version]"))) {
		const char *list[FEED_MATCH_MAX];
		int k;
		bool every = false;
		if (split_list(v, "match[version]", ver_chars, 40, list, &k, &buf,
			       &bufsz, err, errsz))
			return -1;
		for (int i = 0; i < k; i++) {
			int64_t us;
			if (!strcmp(list[i], "first") || !strcmp(list[i], "last") ||
			    !strcmp(list[i], "all")) {
				every = true; /* one version is held: it is first, last
						 and all */
			} else if (stix_parse_us(list[i], &us)) {
				flt->versions_ms[flt->n_versions++] = us / 1000;
			} else {
				snprintf(err, errsz,
					 "match[version]: '%s' is not first, last, "
					 "all or a timestamp",
					 list[i]);
				return -1;
			}
		}
		if (every)
			flt->n_versions = 0;
	}
	if ((v = arg(ctx, "match[spec_version]"))) {
		const char *list[FEED_MATCH_MAX];
		int k;
		if (split_list(v, "match[spec_version]", "0123456789.", 8, list, &k,
			       &buf, &bufsz, err, errsz))
			return -1;
		flt->spec_21 = false;
		for (int i = 0; i < k; i++)
			flt->spec_21 |= strcmp(list[i], "2.1") == 0;
	}
	return 0;
}

/* The collection id of an incident ("" / NULL: the one for all). */
static void collection_id(const char *incident, char *buf, size_t size)
{
	char name[100];
	snprintf(name, sizeof(name), "collection/%s", incident ? incident : "*all*");
	stix_uuid5(name, buf, size);
}

static json_t *collection(const char *incident, const char *title)
{
	char id[40], t[300];
	collection_id(incident, id, sizeof(id));
	if (incident)
		snprintf(t, sizeof(t), "Incident %s: %s", incident, title);
	else
		snprintf(t, sizeof(t), "All incidents");
	return json_pack(
		"{s:s,s:s,s:s,s:b,s:b,s:[s]}", "id", id, "title", t, "description",
		incident ? "The STIX 2.1 record of one incident of the command center"
			 : "Every incident of the command center, and who sighted what",
		"can_read", 1, "can_write", 0, "media_types", STIX_MEDIA_TYPE);
}

/* Finds the collection cid: *incident is NULL for "all"; false when none. Under
 * feed_lock. */
static bool find_collection(struct feed *f, const char *cid, char *incident,
			    size_t size, char *title, size_t tsize, bool *all)
{
	char id[40];
	collection_id(NULL, id, sizeof(id));
	if (strcmp(cid, id) == 0) {
		*all = true;
		return true;
	}
	json_t *incs = feed_incidents(f), *row;
	size_t i;
	bool found = false;
	json_array_foreach(incs, i, row)
	{
		const char *iid = json_string_value(json_object_get(row, "id"));
		collection_id(iid, id, sizeof(id));
		if (strcmp(cid, id) == 0) {
			snprintf(incident, size, "%s", iid);
			snprintf(title, tsize, "%s",
				 json_string_value(json_object_get(row, "title")));
			found = true;
			*all = false;
			break;
		}
	}
	json_decref(incs);
	return found;
}

enum what { W_OBJECTS, W_MANIFEST, W_OBJECT, W_VERSIONS };

static void serve_objects(struct feed *f, const char *incident, enum what what,
			  const char *oid, taxii_arg_fn arg, void *ctx,
			  struct taxii_reply *rep)
{
	struct feed_filter flt;
	char buf[8192], err[200];
	if (taxii_parse_filter(arg, ctx, &flt, buf, sizeof(buf), err, sizeof(err))) {
		taxii_error(rep, 400, err);
		return;
	}
	flt.incident = incident;
	if (oid) {
		/* One object: it must exist in the collection whatever the filters. */
		struct feed_filter any = {.incident = incident,
					  .after_us = -1,
					  .next_us = -1,
					  .spec_21 = true,
					  .n_ids = 1};
		any.ids[0] = oid;
		bool m;
		json_t *exists = feed_select(f, &any, &m);
		size_t n = json_array_size(exists);
		json_decref(exists);
		if (n == 0) {
			taxii_error(rep, 404, "no such object in this collection");
			return;
		}
		flt.ids[0] = oid;
		flt.n_ids = 1;
	}
	bool more = false;
	json_t *sel = feed_select(f, &flt, &more), *row;
	if (!sel) {
		taxii_error(rep, 503, "out of memory");
		return;
	}
	json_t *list = json_array(), *body = json_object();
	size_t i;
	int64_t last_us = -1;
	json_array_foreach(sel, i, row)
	{
		json_t *obj = json_object_get(row, "object");
		int64_t us = json_integer_value(json_object_get(row, "date_added_us"));
		if (i == 0)
			stix_format_us(us, rep->date_first, sizeof(rep->date_first));
		stix_format_us(us, rep->date_last, sizeof(rep->date_last));
		last_us = us;
		if (what == W_MANIFEST)
			json_array_append_new(list,
					      json_pack("{s:O,s:o,s:O,s:s}", "id",
							json_object_get(obj, "id"),
							"date_added", stix_time_us(us),
							"version",
							json_object_get(row, "version"),
							"media_type", STIX_MEDIA_TYPE));
		else if (what == W_VERSIONS)
			json_array_append(list, json_object_get(row, "version"));
		else
			json_array_append(list, obj);
	}
	json_decref(sel);
	json_object_set_new(body, "more", json_boolean(more));
	if (more && last_us >= 0) {
		char next[32];
		snprintf(next, sizeof(next), "%lld", (long long)last_us);
		json_object_set_new(body, "next", json_string(next));
	}
	if (json_array_size(list))
		json_object_set(body, what == W_VERSIONS ? "versions" : "objects",
				list);
	json_decref(list);
	reply_json(rep, body);
}

/* Splits "/feed/collections/CID/REST" into cid and rest (after the slash). */
static bool take_segment(const char **p, char *seg, size_t size)
{
	const char *slash = strchr(*p, '/');
	size_t n = slash ? (size_t)(slash - *p) : 0;
	if (!slash || n == 0 || n >= size)
		return false;
	memcpy(seg, *p, n);
	seg[n] = '\0';
	*p = slash + 1;
	return true;
}

void taxii_handle(struct feed *f, struct store *st, const char *path,
		  const char *accept, taxii_arg_fn arg, void *ctx, const char *base,
		  const char *title, struct taxii_reply *rep)
{
	rep->status = 0;
	rep->body = NULL;
	rep->date_first[0] = rep->date_last[0] = '\0';
	if (!taxii_accept_ok(accept)) {
		taxii_error(rep, 406, "Accept must allow " TAXII_MEDIA_TYPE);
		return;
	}
	if (strcmp(path, "/") == 0) {
		char root[300];
		snprintf(root, sizeof(root), "%s/taxii2/" API_ROOT "/", base);
		reply_json(rep,
			   json_pack("{s:s,s:s,s:s,s:[s]}", "title", title,
				     "description",
				     "Read-only TAXII 2.1 feed of the command center's "
				     "incidents (watchfloor)",
				     "default", root, "api_roots", root));
		return;
	}
	const char *p = path;
	if (strncmp(p, "/" API_ROOT "/", sizeof(API_ROOT) + 1) != 0) {
		taxii_error(rep, 404, "no such API root");
		return;
	}
	p += sizeof(API_ROOT) + 1;
	if (*p == '\0') {
		reply_json(rep, json_pack("{s:s,s:s,s:[s],s:i}", "title", title,
					  "description",
					  "Incidents of the command center as STIX 2.1",
					  "versions", TAXII_MEDIA_TYPE,
					  "max_content_length", 1024 * 1024));
		return;
	}
	if (strncmp(p, "collections/", 12) != 0) {
		taxii_error(rep, 404, "no such resource");
		return;
	}
	p += 12;
	if (feed_sync(f, st) != 0) {
		taxii_error(rep, 503, "store unavailable");
		return;
	}
	feed_lock(f);
	if (*p == '\0') {
		json_t *list = json_array(), *incs = feed_incidents(f), *row;
		size_t i;
		json_array_append_new(list, collection(NULL, NULL));
		json_array_foreach(incs, i, row) json_array_append_new(
			list,
			collection(json_string_value(json_object_get(row, "id")),
				   json_string_value(json_object_get(row, "title"))));
		json_decref(incs);
		reply_json(rep, json_pack("{s:o}", "collections", list));
		feed_unlock(f);
		return;
	}
	char cid[64], inc[80] = "", ititle[256] = "", oid[128];
	bool all = false;
	if (!take_segment(&p, cid, sizeof(cid)) ||
	    !find_collection(f, cid, inc, sizeof(inc), ititle, sizeof(ititle), &all)) {
		feed_unlock(f);
		taxii_error(rep, 404, "no such collection");
		return;
	}
	const char *incident = all ? NULL : inc;
	if (*p == '\0')
		reply_json(rep, collection(incident, ititle));
	else if (strcmp(p, "objects/") == 0)
		serve_objects(f, incident, W_OBJECTS, NULL, arg, ctx, rep);
	else if (strcmp(p, "manifest/") == 0)
		serve_objects(f, incident, W_MANIFEST, NULL, arg, ctx, rep);
	else if (strncmp(p, "objects/", 8) == 0 &&
		 (p += 8, take_segment(&p, oid, sizeof(oid))) &&
		 (*p == '\0' || strcmp(p, "versions/") == 0))
		serve_objects(f, incident, *p ? W_VERSIONS : W_OBJECT, oid, arg, ctx,
			      rep);
	else
		taxii_error(rep, 404, "no such resource");
	feed_unlock(f);
}
