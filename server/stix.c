/* stix.c - STIX 2.1 ids (UUIDv5 over SHA-1), TLP markings, hash patterns and the
 * objects watchfloor's resources become; docs/interop.md is the mapping. Custom
 * properties are x_watchfloor_*; no property is ever null or an empty list (the
 * OASIS schemas forbid both). */
#include "stix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "model/validate.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void stix_uuid5(const char *name, char *buf, size_t size)
{
	unsigned char ns[16], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const char *p = STIX_NAMESPACE;
	for (int i = 0; i < 16; p++) {
		if (*p == '-')
			continue;
		ns[i++] = (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
		p++;
	}
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	static const char prefix[] = "watchfloor/";
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(ctx, ns, sizeof(ns)) ||
	    !EVP_DigestUpdate(ctx, prefix, sizeof(prefix) - 1) ||
	    !EVP_DigestUpdate(ctx, name, strlen(name)) ||
	    !EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen < 16)
		memset(md, 0,
		       16); /* libcrypto failing on SHA-1 of bytes: no better id */
	EVP_MD_CTX_free(ctx);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
		 md[10], md[11], md[12], md[13], md[14], md[15]);
}

void stix_make_id(const char *type, const char *name, char *buf, size_t size)
{
	char u[40], full[300];
	snprintf(full, sizeof(full), "%s/%s", type, name);
	stix_uuid5(full, u, sizeof(u));
	snprintf(buf, size, "%s--%s", type, u);
}

static const struct {
	const char *name, *id, *label;
} tlps[] = {
	[STIX_TLP_WHITE] = {"white",
			    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
			    "TLP:WHITE"},
	[STIX_TLP_GREEN] = {"green",
			    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
			    "TLP:GREEN"},
	[STIX_TLP_AMBER] = {"amber",
			    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
			    "TLP:AMBER"},
	[STIX_TLP_RED] = {"red",
			  "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
			  "TLP:RED"},
};

bool stix_tlp_parse(const char *s, enum stix_tlp *out)
{
	for (int i = 0; i <= STIX_TLP_RED; i++) {
		if (s && strcasecmp(s, tlps[i].name) == 0) {
			*out = (enum stix_tlp)i;
			return true;
		}
	}
	return false;
}

const char *stix_tlp_id(enum stix_tlp t)
{
	return tlps[t].id;
}

json_t *stix_tlp_object(enum stix_tlp t)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s}}", "type",
			 "marking-definition", "spec_version", "2.1", "id", tlps[t].id,
			 "created", "2017-01-20T00:00:00.000Z", "name", tlps[t].label,
			 "definition_type", "tlp", "definition", "tlp", tlps[t].name);
}

const char *stix_hash_name(const char *hash_type)
{
	static const char *const map[][2] = {
		{"md5", "MD5"},	  {"video_md5", "MD5"}, {"sha256", "SHA-256"},
		{"pdq", "x_pdq"}, {"tmk", "x_tmk"},	{"vpdq", "x_vpdq"},
	};
	for (size_t i = 0; hash_type && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(hash_type, map[i][0]) == 0)
			return map[i][1];
	return NULL;
}

bool stix_pattern(const char *hash_type, const char *value, char *buf, size_t size)
{
	const char *name = stix_hash_name(hash_type);
	if (!name || !value || !*value)
		return false;
	for (const char *p = value; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	int n = snprintf(buf, size, "[file:hashes.'%s' = '%s']", name, value);
	return n > 0 && (size_t)n < size;
}

void stix_format_us(int64_t us, char *buf, size_t size)
{
	time_t s = (time_t)(us / 1000000);
	int64_t frac = us % 1000000;
	if (frac < 0) {
		frac += 1000000;
		s--;
	}
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long long)frac);
}

json_t *stix_time_us(int64_t us)
{
	char buf[48];
	stix_format_us(us, buf, sizeof(buf));
	return json_string(buf);
}

json_t *stix_time_ms(int64_t ms)
{
	char buf[48];
	wf_time_format(ms, buf, sizeof(buf));
	return json_string(buf);
}

bool stix_parse_us(const char *s, int64_t *out_us)
{
	/* The seconds through wf_time_parse (fraction removed), the fraction here. */
	char copy[64];
	size_t n = s ? strlen(s) : 0;
	if (n < 20 || n >= sizeof(copy))
		return false;
	const char *dot = s[19] == '.' ? s + 19 : NULL;
	int64_t frac = 0;
	size_t digits = 0;
	const char *rest = s + 19;
	if (dot) {
		rest = dot + 1;
		while (*rest >= '0' && *rest <= '9') {
			if (digits < 6)
				frac = frac * 10 + (*rest - '0');
			digits++;
			rest++;
		}
		if (digits == 0)
			return false;
		for (size_t d = digits; d < 6; d++)
			frac *= 10;
	}
	memcpy(copy, s, 19);
	snprintf(copy + 19, sizeof(copy) - 19, "%s", rest);
	int64_t ms;
	if (!wf_time_parse(copy, &ms))
		return false;
	*out_us = ms * 1000 + frac;
	return true;
}

void stix_ctx_init(struct stix_ctx *x, const char *cc_name, enum stix_tlp tlp)
{
	x->cc_name = cc_name && *cc_name ? cc_name : "watchfloor command center";
	stix_make_id("identity", "command-center", x->cc_id, sizeof(x->cc_id));
	x->marking_id = stix_tlp_id(tlp);
}

/* type, spec_version, id, and the command center's authorship and marking. */
static json_t *base(const struct stix_ctx *x, const char *type, const char *id_name)
{
	char id[120];
	stix_make_id(type, id_name, id, sizeof(id));
	json_t *o = json_pack("{s:s,s:s,s:s,s:[s]}", "type", type, "spec_version",
			      "2.1", "id", id, "object_marking_refs", x->marking_id);
	if (o && strcmp(id, x->cc_id) != 0)
		json_object_set_new(o, "created_by_ref", json_string(x->cc_id));
	return o;
}

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Sets key to the string field of src when it is a non-empty string. */
static void copy_str(json_t *dst, const char *key, json_t *src, const char *field)
{
	const char *v = str(src, field);
	if (v && *v)
		json_object_set_new(dst, key, json_string(v));
}

json_t *stix_cc_identity(const struct stix_ctx *x)
{
	json_t *o = base(x, "identity", "command-center");
	json_object_set_new(o, "name", json_string(x->cc_name));
	json_object_set_new(o, "identity_class", json_string("organization"));
	json_object_set_new(
		o, "description",
		json_string("The shared crisis command center (watchfloor) whose "
			    "incident record this is."));
	return o;
}

json_t *stix_platform_identity(const struct stix_ctx *x, json_t *platform)
{
	const char *id = str(platform, "id");
	if (!id)
		return NULL;
	char name[100];
	snprintf(name, sizeof(name), "platform/%s", id);
	json_t *o = base(x, "identity", name);
	json_object_set_new(
		o, "name",
		json_string(str(platform, "name") ? str(platform, "name") : id));
	json_object_set_new(o, "identity_class", json_string("organization"));
	json_object_set_new(o, "sectors", json_pack("[s]", "technology"));
	json_object_set_new(o, "x_watchfloor_platform_id", json_string(id));
	copy_str(o, "x_watchfloor_kind", platform, "kind");
	return o;
}

json_t *stix_incident(const struct stix_ctx *x, json_t *inc)
{
	const char *id = str(inc, "id");
	if (!id)
		return NULL;
	char name[100];
	snprintf(name, sizeof(name), "incident/%s", id);
	json_t *o = base(x, "incident", name);
	json_object_set_new(o, "name",
			    json_string(str(inc, "title") ? str(inc, "title") : id));
	copy_str(o, "description", inc, "summary");
	json_object_set_new(o, "x_watchfloor_incident_id", json_string(id));
	copy_str(o, "x_watchfloor_location", inc, "location");
	copy_str(o, "x_watchfloor_tier", inc, "tier");
	copy_str(o, "x_watchfloor_state", inc, "state");
	copy_str(o, "x_watchfloor_opened_at", inc, "opened_at");
	copy_str(o, "x_watchfloor_activated_at", inc, "activated_at");
	copy_str(o, "x_watchfloor_concluded_at", inc, "concluded_at");
	return o;
}

json_t *stix_indicator(const struct stix_ctx *x, json_t *sig)
{
	const char *id = str(sig, "id"), *type = str(sig, "type");
	char pattern[8300], name[100], title[200];
	if (!id || !str(sig, "added_at") ||
	    !stix_pattern(type, str(sig, "value"), pattern, sizeof(pattern)))
		return NULL;
	const char *state = str(sig, "state");
	if (state && (strcmp(state, "proposed") == 0 || strcmp(state, "rejected") == 0))
		return NULL; /* a candidate not (or never) on the shared list */
	snprintf(name, sizeof(name), "signal/%s", id);
	json_t *o = base(x, "indicator", name);
	snprintf(title, sizeof(title), "%s hash of variant %s", type,
		 str(sig, "variant_id") ? str(sig, "variant_id") : "?");
	json_object_set_new(o, "name", json_string(title));
	json_object_set_new(o, "indicator_types",
			    json_pack("[s]", "malicious-activity"));
	json_object_set_new(o, "pattern", json_string(pattern));
	json_object_set_new(o, "pattern_type", json_string("stix"));
	json_object_set_new(o, "pattern_version", json_string("2.1"));
	copy_str(o, "valid_from", sig, "added_at");
	json_t *q = json_object_get(sig, "quality");
	if (json_is_integer(q) && json_integer_value(q) >= 0 &&
	    json_integer_value(q) <= 100)
		json_object_set_new(o, "confidence",
				    json_integer(json_integer_value(q)));
	json_object_set_new(o, "labels", json_pack("[s]", type));
	if (str(sig, "state") && strcmp(str(sig, "state"), "active") != 0)
		json_object_set_new(o, "revoked", json_true());
	json_object_set_new(o, "x_watchfloor_signal_id", json_string(id));
	copy_str(o, "x_watchfloor_incident_id", sig, "incident_id");
	copy_str(o, "x_watchfloor_variant_id", sig, "variant_id");
	copy_str(o, "x_watchfloor_contributor", sig, "platform_id");
	copy_str(o, "x_watchfloor_state", sig, "state");
	json_object_set_new(
		o, "x_watchfloor_new_variant",
		json_boolean(json_is_true(json_object_get(sig, "new_variant"))));
	return o;
}

json_t *stix_indicates(const struct stix_ctx *x, json_t *sig)
{
	const char *id = str(sig, "id"), *inc = str(sig, "incident_id");
	if (!id || !inc)
		return NULL;
	char name[200], src[120], dst[120];
	snprintf(name, sizeof(name), "indicates/%s/%s", id, inc);
	json_t *o = base(x, "relationship", name);
	snprintf(name, sizeof(name), "signal/%s", id);
	stix_make_id("indicator", name, src, sizeof(src));
	snprintf(name, sizeof(name), "incident/%s", inc);
	stix_make_id("incident", name, dst, sizeof(dst));
	json_object_set_new(o, "relationship_type", json_string("indicates"));
	json_object_set_new(o, "source_ref", json_string(src));
	json_object_set_new(o, "target_ref", json_string(dst));
	return o;
}

json_t *stix_note(const struct stix_ctx *x, json_t *rep)
{
	const char *id = str(rep, "id"), *inc = str(rep, "incident_id"),
		   *text = str(rep, "text");
	if (!id || !inc || !text || !*text)
		return NULL;
	char name[100], ref[120], abstract[128];
	snprintf(name, sizeof(name), "report/%s", id);
	json_t *o = base(x, "note", name);
	snprintf(name, sizeof(name), "incident/%s", inc);
	stix_make_id("incident", name, ref, sizeof(ref));
	/* The first line, cut on a UTF-8 boundary. */
	size_t n = strcspn(text, "\r\n");
	if (n >= sizeof(abstract))
		n = sizeof(abstract) - 1;
	while (n > 0 && n < strlen(text) && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	memcpy(abstract, text, n);
	abstract[n] = '\0';
	if (n)
		json_object_set_new(o, "abstract", json_string(abstract));
	json_object_set_new(o, "content", json_string(text));
	const char *author = str(rep, "author");
	if (author && *author)
		json_object_set_new(o, "authors", json_pack("[s]", author));
	json_object_set_new(o, "object_refs", json_pack("[s]", ref));
	json_object_set_new(o, "x_watchfloor_report_id", json_string(id));
	copy_str(o, "x_watchfloor_kind", rep, "kind");
	copy_str(o, "x_watchfloor_platform_id", rep, "platform_id");
	copy_str(o, "x_watchfloor_state", rep, "state");
	return o;
}

json_t *stix_sighting(const struct stix_ctx *x, const char *incident_id,
		      const char *platform_id, const char *signal_id,
		      const struct stix_sighting_sums *s)
{
	char name[200], ind[120], where[120];
	snprintf(name, sizeof(name), "sighting/%s/%s", platform_id, signal_id);
	json_t *o = base(x, "sighting", name);
	snprintf(name, sizeof(name), "signal/%s", signal_id);
	stix_make_id("indicator", name, ind, sizeof(ind));
	snprintf(name, sizeof(name), "platform/%s", platform_id);
	stix_make_id("identity", name, where, sizeof(where));
	int64_t count = s->count > 999999999 ? 999999999 : s->count;
	json_object_set_new(o, "sighting_of_ref", json_string(ind));
	json_object_set_new(o, "where_sighted_refs", json_pack("[s]", where));
	json_object_set_new(o, "count", json_integer(count));
	json_object_set_new(o, "first_seen", stix_time_ms(s->first_ms));
	json_object_set_new(o, "last_seen", stix_time_ms(s->last_ms));
	json_object_set_new(o, "x_watchfloor_incident_id", json_string(incident_id));
	json_object_set_new(o, "x_watchfloor_platform_id", json_string(platform_id));
	json_object_set_new(o, "x_watchfloor_signal_id", json_string(signal_id));
	json_object_set_new(o, "x_watchfloor_blocked", json_integer(s->blocked));
	json_object_set_new(o, "x_watchfloor_removed", json_integer(s->removed));
	json_object_set_new(o, "x_watchfloor_kept", json_integer(s->kept));
	json_object_set_new(o, "x_watchfloor_pending", json_integer(s->pending));
	return o;
}

/* "a, b, c" of an array of strings into buf. */
static const char *join_strings(json_t *arr, char *buf, size_t size)
{
	size_t n = 0, i;
	json_t *v;
	buf[0] = '\0';
	json_array_foreach(arr, i, v)
	{
		if (json_is_string(v) && n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      json_string_value(v));
	}
	return buf;
}

/* A note about incident inc (and the indicator of signal, when given). */
static json_t *note_on(const struct stix_ctx *x, const char *name, const char *inc,
		       const char *signal, const char *abstract, const char *content)
{
	char ref[120], n[160];
	json_t *o = base(x, "note", name);
	json_t *refs = json_array();
	snprintf(n, sizeof(n), "incident/%s", inc);
	stix_make_id("incident", n, ref, sizeof(ref));
	json_array_append_new(refs, json_string(ref));
	if (signal) {
		snprintf(n, sizeof(n), "signal/%s", signal);
		stix_make_id("indicator", n, ref, sizeof(ref));
		json_array_append_new(refs, json_string(ref));
	}
	json_object_set_new(o, "abstract", json_string(abstract));
	json_object_set_new(o, "content", json_string(content));
	json_object_set_new(o, "object_refs", refs);
	return o;
}

json_t *stix_exception_note(const struct stix_ctx *x, json_t *e)
{
	const char *id = str(e, "id"), *inc = str(e, "incident_id");
	if (!id || !inc)
		return NULL;
	char name[100], orgs[400], *content = NULL;
	snprintf(name, sizeof(name), "exception/%s", id);
	const char *sig = str(e, "signal_id"), *rep = str(e, "report_id");
	const char *plat = str(e, "platform_id") ? str(e, "platform_id") : "?";
	const char *reason = str(e, "reason") ? str(e, "reason") : "";
	if (asprintf(&content,
		     "Public-interest exception %s: %s may keep copies of %s %s (not a "
		     "failure to block). Granted by %s (decision %s). %s",
		     id, plat, sig ? "signal" : "report",
		     sig   ? sig
		     : rep ? rep
			   : "?",
		     join_strings(json_object_get(e, "granted_by"), orgs, sizeof(orgs)),
		     str(e, "decision_id") ? str(e, "decision_id") : "?", reason) < 0)
		return NULL;
	json_t *o = note_on(x, name, inc, sig, "Public-interest exception", content);
	free(content);
	json_object_set_new(o, "x_watchfloor_exception_id", json_string(id));
	copy_str(o, "x_watchfloor_platform_id", e, "platform_id");
	copy_str(o, "x_watchfloor_decision_id", e, "decision_id");
	return o;
}

json_t *stix_notification_note(const struct stix_ctx *x, json_t *nt)
{
	const char *id = str(nt, "id"), *inc = str(nt, "incident_id");
	if (!id || !inc)
		return NULL;
	char name[100], orgs[400], *content = NULL;
	snprintf(name, sizeof(name), "notification/%s", id);
	if (asprintf(&content,
		     "Authority notified: %s, by %s (approved by %s; decision %s).",
		     str(nt, "authority") ? str(nt, "authority") : "?",
		     str(nt, "by") ? str(nt, "by") : "?",
		     join_strings(json_object_get(nt, "approved_by"), orgs,
				  sizeof(orgs)),
		     str(nt, "decision_id") ? str(nt, "decision_id") : "?") < 0)
		return NULL;
	json_t *o = note_on(x, name, inc, NULL, "Authority notified", content);
	free(content);
	json_object_set_new(o, "x_watchfloor_notification_id", json_string(id));
	copy_str(o, "x_watchfloor_decision_id", nt, "decision_id");
	return o;
}
