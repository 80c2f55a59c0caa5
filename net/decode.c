/* decode.c - typed decoding of the v1 wire format with jansson: envelopes and the
 * resources they carry. Each field reader checks presence, type and limits and
 * names the field in its error. Snapshots and long-poll answers: decode_batch.c. */
#include "decode.h"
#include "decode_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"


/* The field-name prefix of c into buf. */
static const char *ctx_path(const struct dctx *c, char *buf, size_t size)
{
	if (!c->list)
		return c->path ? c->path : "";
	snprintf(buf, size, "%s%s%s[%zu]", c->path ? c->path : "",
		 c->path && *c->path ? "." : "", c->list, c->index);
	return buf;
}

/* The context of element i of array `list` inside c. */
static struct dctx ctx_child(const struct dctx *c, const char *list, size_t i,
			     char *buf, size_t size)
{
	struct dctx k = {c->path, c->err, list, i};
	if (c->list)
		k.path = ctx_path(c, buf, size);
	return k;
}

static int fail(struct dctx *c, const char *field, const char *fmt, ...)
{
	char why[160], pbuf[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->err) {
		const char *path = ctx_path(c, pbuf, sizeof(pbuf));
		snprintf(c->err->msg, sizeof(c->err->msg), "field '%s%s%s': %s", path,
			 *path ? "." : "", field, why);
	}
	return -1;
}

static json_t *field(json_t *o, const char *key)
{
	return json_object_get(o, key);
}

/* The readers below come in two forms: val_X checks a value already looked up (v
 * NULL: missing), get_X looks key up in o first. */

/* A string of min..max bytes; NULL allowed (stored as NULL) when nullable. Missing
 * counts as null. */
static int val_str(struct dctx *c, const char *key, json_t *v, size_t min, size_t max,
		   bool nullable, char **out)
{
	if (!v || json_is_null(v)) {
		if (nullable)
			return 0;
		return fail(c, key, v ? "must not be null" : "is missing");
	}
	if (!json_is_string(v))
		return fail(c, key, "must be a string");
	size_t n = json_string_length(v);
	if (n < min || n > max)
		return fail(c, key, "must be %zu..%zu bytes, is %zu", min, max, n);
	const char *str = json_string_value(v);
	if (memchr(str, 0, n))
		return fail(c, key, "must not contain NUL");
	*out = malloc(n + 1);
	if (!*out)
		return fail(c, key, "out of memory");
	memcpy(*out, str, n + 1);
	return 0;
}

static int get_str(struct dctx *c, json_t *o, const char *key, size_t min, size_t max,
		   bool nullable, char **out)
{
	return val_str(c, key, field(o, key), min, max, nullable, out);
}

static int val_id(struct dctx *c, const char *key, json_t *v, bool nullable, char **out)
{
	if (!v || json_is_null(v)) {
		if (nullable)
			return 0;
		return fail(c, key, v ? "must not be null" : "is missing");
	}
	if (!json_is_string(v) || !wf_valid_id(json_string_value(v)))
		return fail(c, key, "must be an id (1..64 of [A-Za-z0-9._:-])");
	size_t n = json_string_length(v);
	*out = malloc(n + 1);
	if (!*out)
		return fail(c, key, "out of memory");
	memcpy(*out, json_string_value(v), n + 1);
	return 0;
}

static int get_id(struct dctx *c, json_t *o, const char *key, bool nullable, char **out)
{
	return val_id(c, key, field(o, key), nullable, out);
}

static int val_int(struct dctx *c, const char *key, json_t *v, int64_t min, int64_t max,
		   int64_t *out)
{
	if (!v)
		return fail(c, key, "is missing");
	if (!json_is_integer(v))
		return fail(c, key, "must be an integer %lld..%lld", (long long)min,
			    (long long)max);
	json_int_t n = json_integer_value(v);
	if (n < min || n > max)
		return fail(c, key, "must be an integer %lld..%lld", (long long)min,
			    (long long)max);
	*out = n;
	return 0;
}

static int get_int(struct dctx *c, json_t *o, const char *key, int64_t min, int64_t max,
		   int64_t *out)
{
	return val_int(c, key, field(o, key), min, max, out);
}

/* A time, or 0 for null/missing when nullable. */
static int val_time(struct dctx *c, const char *key, json_t *v, bool nullable,
		    int64_t *out)
{
	*out = 0;
	if (!v || json_is_null(v)) {
		if (nullable)
			return 0;
		return fail(c, key, v ? "must not be null" : "is missing");
	}
	if (!json_is_string(v) || !wf_time_parse(json_string_value(v), out))
		return fail(c, key, "must be an RFC 3339 UTC time");
	return 0;
}

static int get_time(struct dctx *c, json_t *o, const char *key, bool nullable,
		    int64_t *out)
{
	return val_time(c, key, field(o, key), nullable, out);
}

static int get_bool(struct dctx *c, json_t *o, const char *key, bool dflt, bool *out)
{
	json_t *v = field(o, key);
	if (!v) {
		*out = dflt;
		return 0;
	}
	if (!json_is_boolean(v))
		return fail(c, key, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* An optional integer (dflt when missing). */
static int get_int_opt(struct dctx *c, json_t *o, const char *key, int64_t min,
		       int64_t max, int64_t dflt, int64_t *out)
{
	json_t *v = field(o, key);
	if (!v) {
		*out = dflt;
		return 0;
	}
	return val_int(c, key, v, min, max, out);
}

/* An optional string that reads as "" when missing or null. */
static int get_str_empty(struct dctx *c, json_t *o, const char *key, size_t max,
			 char **out)
{
	if (get_str(c, o, key, 0, max, true, out))
		return -1;
	if (!*out && !(*out = calloc(1, 1)))
		return fail(c, key, "out of memory");
	return 0;
}

/* An optional array of at most WF_ORGS_MAX strings of 1..WF_NAME_MAX bytes
 * (organisations); missing or null is empty. */
static int get_orgs(struct dctx *c, json_t *o, const char *key, char ***out, size_t *n)
{
	json_t *arr = field(o, key);
	*n = 0;
	if (!arr || json_is_null(arr))
		return 0;
	size_t len = json_array_size(arr);
	if (!json_is_array(arr) || len > WF_ORGS_MAX)
		return fail(c, key, "must be an array of at most %d strings", WF_ORGS_MAX);
	if (len == 0)
		return 0;
	*out = calloc(len, sizeof(**out));
	if (!*out)
		return fail(c, key, "out of memory");
	for (size_t i = 0; i < len; i++) {
		json_t *v = json_array_get(arr, i);
		size_t sl = json_string_length(v);
		if (!json_is_string(v) || sl < 1 || sl > WF_NAME_MAX ||
		    memchr(json_string_value(v), 0, sl))
			return fail(c, key, "must hold strings of 1..%d bytes", WF_NAME_MAX);
		if (!((*out)[i] = strdup(json_string_value(v))))
			return fail(c, key, "out of memory");
		*n = i + 1;
	}
	return 0;
}

/* Enum readers, one per vocabulary, generated from the parse functions. */
#define VAL_ENUM(name)                                                         \
	static int val_##name(struct dctx *c, const char *key, json_t *v,      \
			      enum wf_##name *out)                             \
	{                                                                      \
		if (!v)                                                        \
			return fail(c, key, "is missing");                     \
		if (!json_is_string(v) ||                                      \
		    !wf_##name##_parse(json_string_value(v), out))             \
			return fail(c, key, "unknown " #name);                 \
		return 0;                                                      \
	}
#define GET_ENUM(name)                                                         \
	VAL_ENUM(name)                                                         \
	static int get_##name(struct dctx *c, json_t *o, const char *key,      \
			      enum wf_##name *out)                             \
	{                                                                      \
		return val_##name(c, key, field(o, key), out);                 \
	}
GET_ENUM(hash_type)
GET_ENUM(platform_kind)
GET_ENUM(incident_state)
GET_ENUM(signal_state)
GET_ENUM(outcome) /* sighting items and unmatched uploads */
GET_ENUM(report_kind)
GET_ENUM(report_state)
GET_ENUM(decision_kind)
GET_ENUM(decision_state)
GET_ENUM(priority)
GET_ENUM(vote_action)

static int need_object(struct dctx *c, json_t *o)
{
	if (!json_is_object(o)) {
		char pbuf[128];
		const char *path = ctx_path(c, pbuf, sizeof(pbuf));
		if (c->err)
			snprintf(c->err->msg, sizeof(c->err->msg), "'%s': must be an object",
				 *path ? path : "(root)");
		return -1;
	}
	return 0;
}

static int dec_platform(struct dctx *c, json_t *o, struct wf_platform *p)
{
	json_t *ht;
	if (need_object(c, o) || get_id(c, o, "id", false, &p->id) ||
	    get_str(c, o, "name", 1, WF_NAME_MAX, false, &p->name) ||
	    get_platform_kind(c, o, "kind", &p->kind) ||
	    get_time(c, o, "last_heartbeat", true, &p->last_heartbeat) ||
	    get_int(c, o, "version", 1, INT64_MAX, &p->version))
		return -1;
	ht = field(o, "hash_types");
	if (ht) {
		size_t i;
		json_t *v;
		if (!json_is_array(ht) || json_array_size(ht) > WF_HASH_TYPES_MAX)
			return fail(c, "hash_types", "must be an array of at most %d",
				    WF_HASH_TYPES_MAX);
		json_array_foreach(ht, i, v)
		{
			enum wf_hash_type t;
			if (!json_is_string(v) || !wf_hash_type_parse(json_string_value(v), &t))
				return fail(c, "hash_types", "unknown hash_type");
			p->hash_types |= 1u << t;
		}
	}
	return 0;
}

static int dec_incident(struct dctx *c, json_t *o, struct wf_incident *i)
{
	if (need_object(c, o) || get_id(c, o, "id", false, &i->id) ||
	    get_str(c, o, "title", 1, WF_TITLE_MAX, false, &i->title) ||
	    get_str(c, o, "location", 0, WF_LOCATION_MAX, true, &i->location) ||
	    get_str(c, o, "tier", 1, WF_TIER_MAX, false, &i->tier) ||
	    get_incident_state(c, o, "state", &i->state) ||
	    get_time(c, o, "opened_at", false, &i->opened_at) ||
	    get_time(c, o, "activated_at", true, &i->activated_at) ||
	    get_time(c, o, "concluded_at", true, &i->concluded_at) ||
	    get_str(c, o, "summary", 0, WF_SUMMARY_MAX, true, &i->summary) ||
	    get_int(c, o, "version", 1, INT64_MAX, &i->version) ||
	    get_str(c, o, "opened_by", 1, WF_NAME_MAX, true, &i->opened_by) ||
	    get_str(c, o, "updated_by", 1, WF_NAME_MAX, true, &i->updated_by))
		return -1;
	if (!wf_valid_tier(i->tier))
		return fail(c, "tier", "must be [a-z_]{1,32}");
	if (!wf_tier_parse(i->tier, &i->tier_rank))
		i->tier_rank = WF_TIER_UNKNOWN;
	return 0;
}

/* A `nearest` object {"signal_id","variant_id","distance"[,"share"]} or null /
 * missing (id stays NULL). variant may be NULL (not wanted). */
static int dec_nearest(struct dctx *c, json_t *v, char **id, char **variant,
		       int *distance, int *share)
{
	int64_t d, sh;
	char *var = NULL;
	*share = 100;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return fail(c, "nearest", "must be an object or null");
	if (get_id(c, v, "signal_id", false, id) ||
	    get_id(c, v, "variant_id", true, &var) ||
	    get_int(c, v, "distance", 0, WF_DISTANCE_MAX, &d) ||
	    get_int_opt(c, v, "share", 0, 100, 100, &sh)) {
		free(var);
		return -1;
	}
	if (variant)
		*variant = var;
	else
		free(var);
	*distance = (int)d;
	*share = (int)sh;
	return 0;
}

static int dec_signal(struct dctx *c, json_t *o, struct wf_signal *s)
{
	int64_t q;
	if (need_object(c, o) || get_id(c, o, "id", false, &s->id) ||
	    get_id(c, o, "incident_id", false, &s->incident_id) ||
	    get_hash_type(c, o, "type", &s->type) ||
	    get_str(c, o, "value", 2, WF_HASH_VALUE_MAX, false, &s->value) ||
	    get_int(c, o, "quality", 0, 100, &q) ||
	    get_id(c, o, "variant_id", false, &s->variant_id) ||
	    get_bool(c, o, "new_variant", false, &s->new_variant) ||
	    get_id(c, o, "platform_id", false, &s->platform_id) ||
	    get_time(c, o, "added_at", false, &s->added_at) ||
	    get_int(c, o, "version", 1, INT64_MAX, &s->version))
		return -1;
	s->quality = (int)q;
	s->nearest_distance = -1;
	if (dec_nearest(c, field(o, "nearest"), &s->nearest_id, &s->nearest_variant,
			&s->nearest_distance, &s->nearest_share))
		return -1;
	s->state = WF_SIG_ACTIVE;
	if (field(o, "state") && get_signal_state(c, o, "state", &s->state))
		return -1;
	if (!wf_valid_hash(s->type, s->value))
		return fail(c, "value", "is not a valid %s hash", wf_hash_type_name(s->type));
	return 0;
}

enum { SI_SIGNAL_ID, SI_COUNT, SI_OUTCOME, SI_SEEN_AT, SI_DISTANCE, SI_HASH_TYPE,
       SI_HASH, SI_EXCEPTION_ID, SI__COUNT };

/* Key k of length n is the literal lit. */
#define KEY_IS(k, n, lit) ((n) == sizeof(lit) - 1 && memcmp((k), (lit), (n)) == 0)

/* The members of a sighting item in one pass over the object: items are the hot
 * path (up to 1000 an event), and one walk comparing keys by length and bytes costs
 * less than a hash lookup per field (and the double lookups of the optional ones).
 * Keys are unique: jansson keeps one value per key (and the envelope is parsed with
 * JSON_REJECT_DUPLICATES). */
static void item_members(json_t *o, json_t **v)
{
	memset(v, 0, SI__COUNT * sizeof(*v));
	for (void *it = json_object_iter(o); it; it = json_object_iter_next(o, it)) {
		const char *k = json_object_iter_key(it);
		size_t n = json_object_iter_key_len(it);
		int slot = KEY_IS(k, n, "signal_id")   ? SI_SIGNAL_ID
			   : KEY_IS(k, n, "count")     ? SI_COUNT
			   : KEY_IS(k, n, "outcome")   ? SI_OUTCOME
			   : KEY_IS(k, n, "seen_at")   ? SI_SEEN_AT
			   : KEY_IS(k, n, "distance")  ? SI_DISTANCE
			   : KEY_IS(k, n, "hash_type") ? SI_HASH_TYPE
			   : KEY_IS(k, n, "hash")      ? SI_HASH
			   : KEY_IS(k, n, "exception_id") ? SI_EXCEPTION_ID
						       : -1;
		if (slot >= 0)
			v[slot] = json_object_iter_value(it);
	}
}

static int dec_sighting_item(struct dctx *c, json_t *o, struct wf_sighting_item *it)
{
	json_t *v[SI__COUNT];
	if (need_object(c, o))
		return -1;
	item_members(o, v);
	if (val_id(c, "signal_id", v[SI_SIGNAL_ID], false, &it->signal_id) ||
	    val_int(c, "count", v[SI_COUNT], 1, WF_COUNT_MAX, &it->count) ||
	    val_outcome(c, "outcome", v[SI_OUTCOME], &it->outcome) ||
	    val_time(c, "seen_at", v[SI_SEEN_AT], false, &it->seen_at))
		return -1;
	it->distance = -1;
	if (v[SI_DISTANCE] && !json_is_null(v[SI_DISTANCE])) {
		int64_t d;
		if (val_int(c, "distance", v[SI_DISTANCE], 0, WF_DISTANCE_MAX, &d))
			return -1;
		it->distance = (int)d;
	}
	if (v[SI_HASH_TYPE] || v[SI_HASH]) {
		if (val_hash_type(c, "hash_type", v[SI_HASH_TYPE], &it->hash_type) ||
		    val_str(c, "hash", v[SI_HASH], 2, WF_HASH_VALUE_MAX, false, &it->hash))
			return -1;
		if (!wf_valid_hash(it->hash_type, it->hash))
			return fail(c, "hash", "is not a valid %s hash",
				    wf_hash_type_name(it->hash_type));
		it->has_hash = true;
	}
	if (v[SI_EXCEPTION_ID] &&
	    val_id(c, "exception_id", v[SI_EXCEPTION_ID], true, &it->exception_id))
		return -1;
	return 0;
}

static int dec_unmatched_item(struct dctx *c, json_t *o, struct wf_unmatched_item *u)
{
	if (need_object(c, o) || get_hash_type(c, o, "hash_type", &u->hash_type) ||
	    get_str(c, o, "hash", 2, WF_HASH_VALUE_MAX, false, &u->hash) ||
	    get_int(c, o, "count", 1, WF_COUNT_MAX, &u->count) ||
	    get_outcome(c, o, "outcome", &u->outcome) ||
	    get_time(c, o, "seen_at", false, &u->seen_at))
		return -1;
	if (!wf_valid_hash(u->hash_type, u->hash))
		return fail(c, "hash", "is not a valid %s hash",
			    wf_hash_type_name(u->hash_type));
	u->nearest_distance = -1;
	return dec_nearest(c, field(o, "nearest"), &u->nearest_id, NULL,
			   &u->nearest_distance, &u->nearest_share);
}

/* The unmatched uploads of a batch (added in issue 14; missing: none). */
static int dec_unmatched(struct dctx *c, json_t *o, struct wf_sightings *s)
{
	json_t *un = field(o, "unmatched");
	if (!un)
		return 0;
	size_t n = json_array_size(un);
	if (!json_is_array(un) || n > WF_SIGHTING_ITEMS_MAX)
		return fail(c, "unmatched", "must be an array of 0..%d items",
			    WF_SIGHTING_ITEMS_MAX);
	if (n == 0)
		return 0;
	s->unmatched = calloc(n, sizeof(*s->unmatched));
	if (!s->unmatched)
		return fail(c, "unmatched", "out of memory");
	char path[128];
	for (size_t i = 0; i < n; i++) {
		struct dctx ic = ctx_child(c, "unmatched", i, path, sizeof(path));
		s->n_unmatched = i + 1;
		if (dec_unmatched_item(&ic, json_array_get(un, i), &s->unmatched[i]))
			return -1;
	}
	return 0;
}

static int dec_sightings(struct dctx *c, json_t *o, struct wf_sightings *s)
{
	json_t *items;
	if (need_object(c, o) || get_id(c, o, "platform_id", false, &s->platform_id) ||
	    get_id(c, o, "incident_id", false, &s->incident_id) || dec_unmatched(c, o, s))
		return -1;
	items = field(o, "items");
	if (!items)
		return fail(c, "items", "is missing");
	size_t n = json_array_size(items);
	/* No items is a batch of unmatched uploads only. */
	size_t min = s->n_unmatched ? 0 : 1;
	if (!json_is_array(items) || n < min || n > WF_SIGHTING_ITEMS_MAX)
		return fail(c, "items", "must be an array of %zu..%d items", min,
			    WF_SIGHTING_ITEMS_MAX);
	if (n == 0)
		return 0;
	s->items = calloc(n, sizeof(*s->items));
	if (!s->items)
		return fail(c, "items", "out of memory");
	char path[128];
	for (size_t i = 0; i < n; i++) {
		struct dctx ic = ctx_child(c, "items", i, path, sizeof(path));
		s->n_items = i + 1;
		if (dec_sighting_item(&ic, json_array_get(items, i), &s->items[i]))
			return -1;
	}
	return 0;
}

static int dec_report(struct dctx *c, json_t *o, struct wf_report *r)
{
	return (need_object(c, o) || get_id(c, o, "id", false, &r->id) ||
		get_report_kind(c, o, "kind", &r->kind) ||
		get_id(c, o, "incident_id", true, &r->incident_id) ||
		get_id(c, o, "platform_id", true, &r->platform_id) ||
		get_str(c, o, "author", 1, WF_NAME_MAX, false, &r->author) ||
		get_str(c, o, "text", 1, WF_TEXT_MAX, false, &r->text) ||
		get_report_state(c, o, "state", &r->state) ||
		get_bool(c, o, "needs_decision", false, &r->needs_decision) ||
		get_id(c, o, "decision_id", true, &r->decision_id) ||
		get_str_empty(c, o, "reason", WF_REASON_MAX, &r->reason) ||
		get_time(c, o, "created_at", false, &r->created_at) ||
		get_int(c, o, "version", 1, INT64_MAX, &r->version))
		       ? -1
		       : 0;
}

static int dec_vote(struct dctx *c, json_t *o, struct wf_vote *v)
{
	return (need_object(c, o) || get_str(c, o, "by", 1, WF_NAME_MAX, false, &v->by) ||
		get_vote_action(c, o, "action", &v->action) ||
		get_str(c, o, "reason", 0, WF_REASON_MAX, true, &v->reason) ||
		get_time(c, o, "at", false, &v->at) ||
		get_str(c, o, "org", 1, WF_NAME_MAX, true, &v->org) ||
		get_bool(c, o, "counted", false, &v->counted))
		       ? -1
		       : 0;
}

static int dec_decision(struct dctx *c, json_t *o, struct wf_decision *d)
{
	json_t *votes;
	int64_t needed;
	if (need_object(c, o) || get_id(c, o, "id", false, &d->id) ||
	    get_decision_kind(c, o, "kind", &d->kind) ||
	    get_id(c, o, "incident_id", true, &d->incident_id) ||
	    get_str(c, o, "subject", 1, WF_SUBJECT_MAX, false, &d->subject) ||
	    get_id(c, o, "subject_ref", true, &d->subject_ref) ||
	    get_str(c, o, "detail", 0, WF_TEXT_MAX, true, &d->detail) ||
	    get_str(c, o, "proposer", 1, WF_NAME_MAX, false, &d->proposer) ||
	    get_priority(c, o, "priority", &d->priority) ||
	    get_time(c, o, "created_at", false, &d->created_at) ||
	    get_time(c, o, "due_at", false, &d->due_at) ||
	    get_decision_state(c, o, "state", &d->state) ||
	    get_str(c, o, "rationale", 0, WF_REASON_MAX, true, &d->rationale) ||
	    get_int(c, o, "version", 1, INT64_MAX, &d->version) ||
	    get_int_opt(c, o, "needed", 1, WF_ORGS_MAX, 1, &needed) ||
	    get_orgs(c, o, "approved_by", &d->approved_by, &d->n_approved_by) ||
	    get_orgs(c, o, "rejected_by", &d->rejected_by, &d->n_rejected_by) ||
	    get_str(c, o, "proposed_tier", 1, WF_TIER_MAX, true, &d->proposed_tier) ||
	    get_id(c, o, "keep_platform_id", true, &d->keep_platform_id) ||
	    get_str(c, o, "authority", 1, WF_AUTHORITY_MAX, true, &d->authority))
		return -1;
	d->needed = (int)needed;
	if (d->proposed_tier && !wf_valid_tier(d->proposed_tier))
		return fail(c, "proposed_tier", "must be [a-z_]{1,32}");
	votes = field(o, "votes");
	if (!votes || json_is_null(votes))
		return 0;
	size_t n = json_array_size(votes);
	if (!json_is_array(votes) || n > WF_VOTES_MAX)
		return fail(c, "votes", "must be an array of at most %d", WF_VOTES_MAX);
	if (n == 0)
		return 0;
	d->votes = calloc(n, sizeof(*d->votes));
	if (!d->votes)
		return fail(c, "votes", "out of memory");
	char path[128];
	for (size_t i = 0; i < n; i++) {
		struct dctx vc = ctx_child(c, "votes", i, path, sizeof(path));
		d->n_votes = i + 1;
		if (dec_vote(&vc, json_array_get(votes, i), &d->votes[i]))
			return -1;
	}
	return 0;
}

static int dec_stats(struct dctx *c, json_t *o, struct wf_stats_row *r)
{
	int64_t w;
	if (need_object(c, o) || get_id(c, o, "incident_id", false, &r->incident_id) ||
	    get_id(c, o, "platform_id", false, &r->platform_id) ||
	    get_time(c, o, "start", false, &r->start) ||
	    get_int(c, o, "width_s", 60, 3600, &w) ||
	    get_int(c, o, "attempts", 0, INT64_MAX / 4, &r->attempts) ||
	    get_int(c, o, "blocked", 0, INT64_MAX / 4, &r->blocked) ||
	    get_int(c, o, "removed", 0, INT64_MAX / 4, &r->removed) ||
	    get_int(c, o, "kept", 0, INT64_MAX / 4, &r->kept) ||
	    get_int(c, o, "pending", 0, INT64_MAX / 4, &r->pending) ||
	    get_int(c, o, "variants", 0, INT64_MAX / 4, &r->variants) ||
	    get_int_opt(c, o, "kept_exception", 0, INT64_MAX / 4, 0, &r->kept_exception) ||
	    get_int_opt(c, o, "unmatched", 0, INT64_MAX / 4, 0, &r->unmatched) ||
	    get_int_opt(c, o, "near_misses", 0, INT64_MAX / 4, 0, &r->near_misses))
		return -1;
	if (r->near_misses > r->unmatched)
		return fail(c, "near_misses", "must not exceed unmatched");
	if (r->unmatched > r->attempts)
		return fail(c, "unmatched", "must not exceed attempts");
	if (r->kept_exception > r->kept)
		return fail(c, "kept_exception", "must not exceed kept");
	if (w != 60 && w != 3600)
		return fail(c, "width_s", "must be 60 or 3600");
	if (r->start % (w * 1000) != 0)
		return fail(c, "start", "must be aligned to width_s");
	r->width_s = (int)w;
	return 0;
}

static int dec_exception(struct dctx *c, json_t *o, struct wf_exception *e)
{
	return (need_object(c, o) || get_id(c, o, "id", false, &e->id) ||
		get_id(c, o, "incident_id", true, &e->incident_id) ||
		get_id(c, o, "decision_id", false, &e->decision_id) ||
		get_id(c, o, "signal_id", true, &e->signal_id) ||
		get_id(c, o, "report_id", true, &e->report_id) ||
		get_id(c, o, "platform_id", true, &e->platform_id) ||
		get_str_empty(c, o, "reason", WF_TEXT_MAX, &e->reason) ||
		get_orgs(c, o, "granted_by", &e->granted_by, &e->n_granted_by) ||
		get_time(c, o, "granted_at", false, &e->granted_at) ||
		get_int(c, o, "version", 1, INT64_MAX, &e->version))
		       ? -1
		       : 0;
}

static int dec_notification(struct dctx *c, json_t *o, struct wf_notification *n)
{
	return (need_object(c, o) || get_id(c, o, "id", false, &n->id) ||
		get_id(c, o, "incident_id", true, &n->incident_id) ||
		get_id(c, o, "decision_id", false, &n->decision_id) ||
		get_str(c, o, "authority", 1, WF_AUTHORITY_MAX, false, &n->authority) ||
		get_str(c, o, "by", 1, WF_NAME_MAX, false, &n->by) ||
		get_orgs(c, o, "approved_by", &n->approved_by, &n->n_approved_by) ||
		get_time(c, o, "at", false, &n->at) ||
		get_int(c, o, "version", 1, INT64_MAX, &n->version))
		       ? -1
		       : 0;
}

int wf_decode_resource(enum wf_event_type type, json_t *obj, const char *path,
		       struct wf_event *out, struct wf_decode_error *err)
{
	struct dctx c = {.path = path, .err = err};
	int rc = -1;
	memset(&out->u, 0, sizeof(out->u));
	out->type = type;
	switch (type) {
	case WF_EV_PLATFORM_UPDATED:
		rc = dec_platform(&c, obj, &out->u.platform);
		break;
	case WF_EV_INCIDENT_OPENED:
	case WF_EV_INCIDENT_UPDATED:
		rc = dec_incident(&c, obj, &out->u.incident);
		break;
	case WF_EV_SIGNAL_ADDED:
		rc = dec_signal(&c, obj, &out->u.signal);
		break;
	case WF_EV_SIGHTINGS:
		rc = dec_sightings(&c, obj, &out->u.sightings);
		break;
	case WF_EV_REPORT_OPENED:
	case WF_EV_REPORT_UPDATED:
		rc = dec_report(&c, obj, &out->u.report);
		break;
	case WF_EV_DECISION_OPENED:
	case WF_EV_DECISION_UPDATED:
	case WF_EV_DECISION_RESOLVED:
		rc = dec_decision(&c, obj, &out->u.decision);
		if (rc == 0 && type == WF_EV_DECISION_RESOLVED &&
		    wf_decision_state_open(out->u.decision.state))
			rc = fail(&c, "state", "must be a closed state in decision.resolved");
		break;
	case WF_EV_STATS:
		rc = dec_stats(&c, obj, &out->u.stats);
		break;
	case WF_EV_EXCEPTION_GRANTED:
		rc = dec_exception(&c, obj, &out->u.exception);
		break;
	case WF_EV_AUTHORITY_NOTIFIED:
		rc = dec_notification(&c, obj, &out->u.notification);
		break;
	case WF_EV_RESET:
		rc = need_object(&c, obj);
		break;
	case WF_EV__COUNT:
		break;
	}
	if (rc != 0) {
		wf_event_clear(out);
	}
	return rc;
}

int wf_decode_envelope_json(json_t *root, struct wf_event *out,
			    struct wf_decode_error *err)
{
	struct dctx c = {.path = "", .err = err};
	enum wf_event_type type;
	int64_t seq, time;
	memset(out, 0, sizeof(*out));
	/* seq 0 only for a reset: a server with an empty log sends its cursor, 0. */
	if (need_object(&c, root) || get_int(&c, root, "seq", 0, INT64_MAX / 2, &seq))
		return -1;
	json_t *t = field(root, "type");
	if (!t)
		return fail(&c, "type", "is missing");
	if (!json_is_string(t) || !wf_event_type_parse(json_string_value(t), &type) ||
	    type == WF_EV_STATS)
		return fail(&c, "type", "unknown event type");
	if (seq == 0 && type != WF_EV_RESET)
		return fail(&c, "seq", "must be an integer 1..%lld", (long long)(INT64_MAX / 2));
	if (get_time(&c, root, "time", false, &time))
		return -1;
	json_t *data = field(root, "data");
	if (!data)
		return fail(&c, "data", "is missing");
	if (wf_decode_resource(type, data, "data", out, err))
		return -1;
	out->seq = seq;
	out->time = time;
	return 0;
}

int wf_decode_envelope(const char *buf, size_t len, struct wf_event *out,
		       struct wf_decode_error *err)
{
	json_error_t jerr;
	memset(out, 0, sizeof(*out));
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "invalid JSON at %d: %s",
				 jerr.position, jerr.text);
		return -1;
	}
	int rc = wf_decode_envelope_json(root, out, err);
	json_decref(root);
	return rc;
}

/* The readers decode_batch.c shares (decode_internal.h). */
int wf_dec_fail_msg(struct dctx *c, const char *key, const char *msg)
{
	return fail(c, key, "%s", msg);
}
int wf_dec_need_object(struct dctx *c, json_t *o)
{
	return need_object(c, o);
}
int wf_dec_get_int(struct dctx *c, json_t *o, const char *key, int64_t min, int64_t max,
		   int64_t *out)
{
	return get_int(c, o, key, min, max, out);
}
int wf_dec_get_time(struct dctx *c, json_t *o, const char *key, bool nullable,
		    int64_t *out)
{
	return get_time(c, o, key, nullable, out);
}
int wf_dec_get_bool(struct dctx *c, json_t *o, const char *key, bool dflt, bool *out)
{
	return get_bool(c, o, key, dflt, out);
}
