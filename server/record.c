/* record.c - the debrief record of one incident from one walk over the event log:
 * the timeline in seq order and the figures, accumulated as the events go by
 * (platform names from platform.updated, votes as the difference between a
 * decision's versions, sighting figures from every batch's items). */
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "util.h"

struct walk {
	const char *inc_id;
	json_t *timeline;   /* entries in seq order */
	json_t *names;	    /* platform id -> name (every platform) */
	json_t *plats;	    /* platform id -> figures (this incident's) */
	json_t *minutes;    /* platform id -> {minute ms -> attempts} */
	json_t *variants;   /* minute ms -> new variants */
	json_t *signals;    /* signal id -> signal row (with first_sighting) */
	json_t *decisions;  /* decision id -> newest version */
	json_t *reports;    /* report id -> newest version */
	json_t *incident;   /* newest version seen */
	json_t *exceptions; /* exception id -> newest version */
	json_t *notices;    /* notification id -> newest version */
	json_t *others;	    /* event type -> count (types this walk does not know) */
	int64_t batches;
	int64_t chain_seq; /* seq of the last event of an approved decision's effects */
	int64_t chain_ms;  /* the time of the decision's closing event */
	bool effect;	   /* the event being read is one of those effects */
	char chain_by[400]; /* who that decision was approved by */
	int64_t first_seq;
};

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t time_of(json_t *o, const char *key)
{
	int64_t ms = 0;
	const char *s = str(o, key);
	return s && wf_time_parse(s, &ms) ? ms : 0;
}

static void add_entry(struct walk *w, int64_t seq, json_t *at, const char *kind,
		      const char *by, const char *ref, json_t *text)
{
	json_t *e =
		json_pack("{s:I,s:o,s:s,s:s,s:s,s:o}", "seq", (json_int_t)seq, "at",
			  at ? at : json_null(), "kind", kind, "by", by ? by : "",
			  "ref", ref ? ref : "", "text", text ? text : json_string(""));
	if (e)
		json_array_append_new(w->timeline, e);
}

static json_t *fmt(const char *f, const char *a, const char *b, const char *c)
{
	char buf[600];
	snprintf(buf, sizeof(buf), f, a ? a : "", b ? b : "", c ? c : "");
	return json_string(buf);
}

static void on_incident(struct walk *w, int64_t seq, json_t *env, json_t *d,
			bool opened)
{
	json_t *old = w->incident;
	const char *by = str(d, opened ? "opened_by" : "updated_by");
	char via[480] = "";
	if (!opened && w->effect) {
		snprintf(via, sizeof(via), "%s", w->chain_by);
		by = via;
	}
	json_t *at = json_object_get(env, "time");
	if (opened || !old) {
		add_entry(w, seq, json_incref(at), "opened", by, str(d, "id"),
			  fmt("Incident opened: %s (tier %s, state %s)",
			      str(d, "title"), str(d, "tier"), str(d, "state")));
	} else {
		static const char *const fields[] = {"tier", "state", "title",
						     "location", "summary"};
		for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			const char *a = str(old, fields[i]), *b = str(d, fields[i]);
			if (!a || !b || strcmp(a, b) == 0)
				continue;
			add_entry(w, seq, json_incref(at), fields[i], by, str(d, "id"),
				  i < 2 ? fmt("%s: %s -> %s", fields[i], a, b)
					: fmt("%s changed to: %s", fields[i], b, NULL));
		}
	}
	json_decref(w->incident);
	w->incident = json_incref(d);
}

static void on_signal(struct walk *w, int64_t seq, json_t *env, json_t *d)
{
	const char *id = str(d, "id");
	if (!id)
		return;
	json_t *row = json_object_get(w->signals, id);
	if (!row) {
		int64_t added = time_of(d, "added_at");
		add_entry(w, seq, json_incref(json_object_get(env, "time")), "signal",
			  str(d, "platform_id"), id,
			  fmt("Signal %s (%s) of variant %s", id, str(d, "type"),
			      str(d, "variant_id")));
		if (json_is_true(json_object_get(d, "new_variant")) && added) {
			char key[32];
			snprintf(
				key, sizeof(key), "%lld",
				(long long)(added - ((added % 60000) + 60000) % 60000));
			json_int_t n =
				json_integer_value(json_object_get(w->variants, key));
			json_object_set_new(w->variants, key, json_integer(n + 1));
		}
		row = json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:n}", "id", id,
				"type", json_object_get(d, "type"), "value",
				json_object_get(d, "value"), "variant_id",
				json_object_get(d, "variant_id"), "new_variant",
				json_object_get(d, "new_variant"), "contributor",
				json_object_get(d, "platform_id"), "added_at",
				json_object_get(d, "added_at"), "state",
				json_object_get(d, "state"), "first_sighting");
		if (row)
			json_object_set_new(w->signals, id, row);
		return;
	}
	const char *was = str(row, "state"), *now = str(d, "state");
	if (was && now && strcmp(was, now) != 0) {
		add_entry(w, seq, json_incref(json_object_get(env, "time")),
			  "signal_state", w->effect ? w->chain_by : NULL, id,
			  fmt("Signal %s: %s -> %s", id, was, now));
		json_object_set(row, "state", json_object_get(d, "state"));
	}
}

/* Figures of a platform, created on its first sighting. */
static json_t *plat_row(struct walk *w, const char *plat)
{
	json_t *p = json_object_get(w->plats, plat);
	if (p)
		return p;
	p = json_pack("{s:s,s:n,s:n,s:I,s:I,s:I,s:I,s:I}", "platform_id", plat,
		      "first_sighting", "first_block", "attempts", (json_int_t)0,
		      "blocked", (json_int_t)0, "removed", (json_int_t)0, "kept",
		      (json_int_t)0, "pending", (json_int_t)0);
	json_object_set_new(p, "kept_exception", json_integer(0));
	json_object_set_new(p, "unmatched", json_integer(0));
	json_object_set_new(p, "near_misses", json_integer(0));
	json_object_set_new(w->plats, plat, p);
	json_object_set_new(w->minutes, plat, json_object());
	return p;
}

static void bump(json_t *o, const char *key, int64_t n)
{
	json_object_set_new(
		o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

/* Counts one upload item (attempts, outcome, its minute) on platform row p; false
 * when the item is not one. */
static bool count_item(json_t *p, json_t *mins, json_t *it)
{
	int64_t seen = time_of(it, "seen_at"),
		n = json_integer_value(json_object_get(it, "count"));
	const char *out = str(it, "outcome");
	if (!seen || n <= 0 || !out)
		return false;
	bump(p, "attempts", n);
	if (strcmp(out, "kept") == 0 &&
	    json_is_string(json_object_get(it, "exception_id")))
		bump(p, "kept_exception", n);
	bump(p,
	     strcmp(out, "blocked") == 0   ? "blocked"
	     : strcmp(out, "removed") == 0 ? "removed"
	     : strcmp(out, "kept") == 0	   ? "kept"
					   : "pending",
	     n);
	char key[32];
	snprintf(key, sizeof(key), "%lld",
		 (long long)(seen - ((seen % 60000) + 60000) % 60000));
	bump(mins, key, n);
	return true;
}

static void on_sightings(struct walk *w, int64_t seq, json_t *d)
{
	const char *plat = str(d, "platform_id");
	json_t *items = json_object_get(d, "items"), *it;
	size_t i;
	if (!plat)
		return;
	w->batches++;
	json_t *p = plat_row(w, plat), *mins = json_object_get(w->minutes, plat);
	/* Uploads given by hash that matched no signal: attempts like any upload (as
	 * the stats rows count them), but no sighting of a signal. */
	json_array_foreach(json_object_get(d, "unmatched"), i, it)
	{
		if (!count_item(p, mins, it))
			continue;
		int64_t n = json_integer_value(json_object_get(it, "count"));
		bump(p, "unmatched", n);
		if (json_is_object(json_object_get(it, "nearest")))
			bump(p, "near_misses", n);
	}
	json_array_foreach(items, i, it)
	{
		if (!count_item(p, mins, it))
			continue;
		int64_t seen = time_of(it, "seen_at");
		const char *out = str(it, "outcome"), *sig = str(it, "signal_id");
		int64_t first = time_of(p, "first_sighting");
		if (!first || seen < first) {
			if (!first)
				add_entry(w, seq, util_json_time(seen),
					  "first_sighting", plat, sig,
					  fmt("First sighting on %s (signal %s)", plat,
					      sig, NULL));
			json_object_set_new(p, "first_sighting", util_json_time(seen));
		}
		int64_t fb = time_of(p, "first_block");
		if (strcmp(out, "blocked") == 0 && (!fb || seen < fb)) {
			if (!fb)
				add_entry(w, seq, util_json_time(seen), "first_block",
					  plat, sig,
					  fmt("First upload blocked on %s (signal %s)",
					      plat, sig, NULL));
			json_object_set_new(p, "first_block", util_json_time(seen));
		}
		json_t *srow = sig ? json_object_get(w->signals, sig) : NULL;
		if (srow) {
			json_t *fs = json_object_get(srow, "first_sighting");
			if (json_is_null(fs) || seen < time_of(fs, "at"))
				json_object_set_new(srow, "first_sighting",
						    json_pack("{s:o,s:s}", "at",
							      util_json_time(seen),
							      "platform_id", plat));
		}
	}
}

static void on_report(struct walk *w, int64_t seq, json_t *env, json_t *d)
{
	const char *id = str(d, "id");
	json_t *old = id ? json_object_get(w->reports, id) : NULL;
	json_t *at = json_object_get(env, "time");
	if (!id)
		return;
	if (!old) {
		bool note =
			str(d, "kind") && strcmp(str(d, "kind"), "situation_note") == 0;
		add_entry(w, seq, json_incref(at), note ? "note" : "report",
			  str(d, "author"), id,
			  note ? json_incref(json_object_get(d, "text"))
			       : fmt("%s report: %s", str(d, "kind"), str(d, "text"),
				     NULL));
	} else if (str(old, "state") && str(d, "state") &&
		   strcmp(str(old, "state"), str(d, "state")) != 0) {
		add_entry(w, seq, json_incref(at), "report_state",
			  w->effect ? w->chain_by : NULL, id,
			  fmt("Report %s: %s -> %s", id, str(old, "state"),
			      str(d, "state")));
	}
	json_object_set(w->reports, id, d);
}

static void on_decision(struct walk *w, int64_t seq, json_t *env, json_t *d,
			bool resolved)
{
	const char *id = str(d, "id");
	if (!id)
		return;
	json_t *old = json_object_get(w->decisions, id),
	       *votes = json_object_get(d, "votes");
	json_t *at = json_object_get(env, "time");
	if (!old)
		add_entry(w, seq, json_incref(at), "decision_opened",
			  str(d, "proposer"), id,
			  fmt("Decision proposed (%s): %s", str(d, "kind"),
			      str(d, "subject"), NULL));
	size_t had = old ? json_array_size(json_object_get(old, "votes")) : 0;
	for (size_t i = had; i < json_array_size(votes); i++) {
		json_t *v = json_array_get(votes, i);
		json_t *org = json_object_get(v, "org");
		char by[300];
		snprintf(by, sizeof(by), "%s%s%s%s", str(v, "by") ? str(v, "by") : "",
			 json_is_string(org) ? " (" : "",
			 json_is_string(org) ? json_string_value(org) : "",
			 json_is_string(org) ? ")" : "");
		bool uncounted = json_is_false(json_object_get(v, "counted"));
		add_entry(w, seq, json_incref(json_object_get(v, "at")), "vote", by, id,
			  fmt("%s%s: %s", str(v, "action"),
			      uncounted ? " (not counted: organisation voted already)"
					: "",
			      str(v, "reason")));
	}
	if (resolved && (!old || strcmp(str(old, "state") ? str(old, "state") : "",
					str(d, "state") ? str(d, "state") : "") != 0)) {
		add_entry(w, seq, json_incref(at), "decision_closed", NULL, id,
			  fmt("Decision %s: %s (%s)", str(d, "state"),
			      str(d, "subject"), str(d, "rationale")));
		if (str(d, "state") && strcmp(str(d, "state"), "approved") == 0) {
			/* Its effects follow in the same transaction: the next seqs. */
			w->chain_seq = seq;
			w->chain_ms = time_of(env, "time");
			size_t n = 0;
			n += (size_t)snprintf(w->chain_by, sizeof(w->chain_by),
					      "decision %s", id);
			json_t *v;
			size_t i;
			const char *sep = " approved by ";
			json_array_foreach(votes, i, v)
			{
				if (n >= sizeof(w->chain_by) || !str(v, "action") ||
				    strcmp(str(v, "action"), "approve") != 0)
					continue;
				n += (size_t)snprintf(
					w->chain_by + n, sizeof(w->chain_by) - n,
					"%s%s", sep, str(v, "by") ? str(v, "by") : "");
				sep = ", ";
			}
		}
	}
	json_object_set(w->decisions, id, d);
}

/* "a, b, c" of an array of strings into buf. */
static const char *join(json_t *arr, char *buf, size_t size)
{
	size_t n = 0, i;
	json_t *v;
	buf[0] = '\0';
	json_array_foreach(arr, i, v)
	{
		if (!json_is_string(v) || n >= size)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
				      json_string_value(v));
	}
	return buf;
}

static void on_exception(struct walk *w, int64_t seq, json_t *env, json_t *d)
{
	const char *id = str(d, "id");
	if (!json_object_get(w->exceptions, id)) {
		char what[200], orgs[300], by[340];
		snprintf(what, sizeof(what), "%s%s%s%s",
			 str(d, "signal_id") ? "signal " : "",
			 str(d, "signal_id") ? str(d, "signal_id") : "",
			 str(d, "report_id") ? " report " : "",
			 str(d, "report_id") ? str(d, "report_id") : "");
		snprintf(by, sizeof(by), "granted by %s",
			 join(json_object_get(d, "granted_by"), orgs, sizeof(orgs)));
		add_entry(w, seq, json_incref(json_object_get(env, "time")),
			  "exception", by, id,
			  fmt("Public-interest exception: %s may keep %s (%s)",
			      str(d, "platform_id") ? str(d, "platform_id") : "?", what,
			      str(d, "reason")));
	}
	json_object_set(w->exceptions, id, d);
}

static void on_notification(struct walk *w, int64_t seq, json_t *env, json_t *d)
{
	const char *id = str(d, "id");
	if (!json_object_get(w->notices, id)) {
		char orgs[300], by[420];
		json_t *at = json_object_get(d, "at");
		snprintf(by, sizeof(by), "%s (approved by %s)",
			 str(d, "by") ? str(d, "by") : "",
			 join(json_object_get(d, "approved_by"), orgs, sizeof(orgs)));
		add_entry(w, seq, json_incref(at ? at : json_object_get(env, "time")),
			  "notification", by, id,
			  fmt("Authority notified: %s (decision %s)",
			      str(d, "authority"), str(d, "decision_id"), NULL));
	}
	json_object_set(w->notices, id, d);
}

static void on_event(struct walk *w, int64_t seq, const char *envelope)
{
	json_t *env = json_loads(envelope, 0, NULL);
	const char *type = str(env, "type");
	json_t *d = json_object_get(env, "data");
	if (!type || !json_is_object(d)) {
		json_decref(env);
		return;
	}
	if (w->first_seq < 0)
		w->first_seq = seq;
	/* An approved decision's effects are the events right after it, written in
	 * the same transaction (consecutive seqs): they are attributed to it. */
	int64_t t = time_of(env, "time");
	w->effect = w->chain_seq && seq == w->chain_seq + 1 && t >= w->chain_ms &&
		    t - w->chain_ms <= 100;
	w->chain_seq = w->effect ? seq : 0;
	const char *id = str(d, "id"), *inc = str(d, "incident_id");
	bool mine = inc && strcmp(inc, w->inc_id) == 0;
	if (strcmp(type, "platform.updated") == 0 && id && str(d, "name")) {
		json_object_set(w->names, id, json_object_get(d, "name"));
	} else if (strncmp(type, "incident.", 9) == 0) {
		if (id && strcmp(id, w->inc_id) == 0)
			on_incident(w, seq, env, d,
				    strcmp(type, "incident.opened") == 0);
	} else if (!mine) {
		/* another incident's, or about none */
	} else if (strcmp(type, "signal.added") == 0) {
		on_signal(w, seq, env, d);
	} else if (strcmp(type, "sightings") == 0) {
		on_sightings(w, seq, d);
	} else if (strncmp(type, "report.", 7) == 0) {
		on_report(w, seq, env, d);
	} else if (strncmp(type, "decision.", 9) == 0) {
		on_decision(w, seq, env, d, strcmp(type, "decision.resolved") == 0);
	} else if (strcmp(type, "exception.granted") == 0 && id) {
		on_exception(w, seq, env, d);
	} else if (strcmp(type, "authority.notified") == 0 && id) {
		on_notification(w, seq, env, d);
	} else {
		/* A kind of event this record does not know yet (exceptions, authority
		 * notifications, ...): in the timeline as it came. */
		bump(w->others, type, 1);
		char *dump = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_t *text = json_string(dump ? dump : "");
		free(dump);
		add_entry(w, seq, json_incref(json_object_get(env, "time")), type,
			  str(d, "by"), id, text);
	}
	json_decref(env);
}

/* Per platform: name, time to first block, blocked share and peak rate. */
static json_t *platform_figures(struct walk *w, json_t *totals)
{
	json_t *out = json_array(), *p;
	const char *plat;
	json_object_foreach(w->plats, plat, p)
	{
		json_t *mins = json_object_get(w->minutes, plat), *v;
		const char *key, *peak_key = NULL;
		int64_t peak = 0;
		json_object_foreach(mins, key, v)
		{
			if (json_integer_value(v) > peak ||
			    (json_integer_value(v) == peak && peak_key &&
			     strcmp(key, peak_key) < 0)) {
				peak = json_integer_value(v);
				peak_key = key;
			}
		}
		int64_t att = json_integer_value(json_object_get(p, "attempts"));
		int64_t blk = json_integer_value(json_object_get(p, "blocked"));
		int64_t fs = time_of(p, "first_sighting"),
			fb = time_of(p, "first_block");
		json_t *row = json_deep_copy(p);
		json_t *name = json_object_get(w->names, plat);
		json_object_set_new(row, "name",
				    name ? json_incref(name) : json_string(plat));
		json_object_set_new(row, "time_to_first_block_ms",
				    fb ? json_integer(fb - fs) : json_null());
		json_object_set_new(row, "blocked_share",
				    att ? json_real((double)blk / (double)att)
					: json_null());
		json_object_set_new(row, "peak_per_min", json_integer(peak));
		json_object_set_new(
			row, "peak_minute",
			peak_key ? util_json_time(strtoll(peak_key, NULL, 10))
				 : json_null());
		static const char *const sums[] = {
			"attempts", "blocked",	      "removed",   "kept",
			"pending",  "kept_exception", "unmatched", "near_misses"};
		for (size_t i = 0; i < 8; i++)
			bump(totals, sums[i],
			     json_integer_value(json_object_get(p, sums[i])));
		json_array_append_new(out, row);
	}
	return out;
}

static int cmp_keys(const void *a, const void *b)
{
	long long x = strtoll(*(const char *const *)a, NULL, 10);
	long long y = strtoll(*(const char *const *)b, NULL, 10);
	return x < y ? -1 : x > y;
}

static json_t *variants_over_time(struct walk *w)
{
	size_t n = json_object_size(w->variants), i = 0;
	const char **keys = n ? malloc(n * sizeof(*keys)) : NULL;
	const char *key;
	json_t *v, *out = json_array();
	if (n && !keys)
		return out;
	json_object_foreach(w->variants, key, v) keys[i++] = key;
	if (n) /* qsort of NULL is undefined even for 0 items (a record without signals) */
		qsort(keys, n, sizeof(*keys), cmp_keys);
	int64_t total = 0;
	for (i = 0; i < n; i++) {
		int64_t k = json_integer_value(json_object_get(w->variants, keys[i]));
		total += k;
		json_array_append_new(
			out, json_pack("{s:o,s:I,s:I}", "minute",
				       util_json_time(strtoll(keys[i], NULL, 10)),
				       "new_variants", (json_int_t)k, "total",
				       (json_int_t)total));
	}
	free(keys);
	return out;
}

static json_t *values_of(json_t *map)
{
	json_t *out = json_array(), *v;
	const char *k;
	json_object_foreach(map, k, v) json_array_append(out, v);
	return out;
}

static json_t *span(json_t *inc, const char *a, const char *b)
{
	int64_t x = time_of(inc, a), y = time_of(inc, b);
	return x && y ? json_integer(y - x) : json_null();
}

static json_t *figures(struct walk *w, json_t *inc)
{
	json_t *totals =
		json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "attempts",
			  (json_int_t)0, "blocked", (json_int_t)0, "removed",
			  (json_int_t)0, "kept", (json_int_t)0, "pending",
			  (json_int_t)0, "kept_exception", (json_int_t)0, "unmatched",
			  (json_int_t)0, "near_misses", (json_int_t)0);
	json_t *plats = platform_figures(w, totals);
	int64_t att = json_integer_value(json_object_get(totals, "attempts"));
	int64_t blk = json_integer_value(json_object_get(totals, "blocked"));
	int64_t variants = 0, notes = 0;
	json_t *v, *by_state = json_object();
	const char *k;
	json_object_foreach(w->signals, k, v) variants +=
		json_is_true(json_object_get(v, "new_variant"));
	json_object_foreach(w->reports, k, v) notes +=
		str(v, "kind") && strcmp(str(v, "kind"), "situation_note") == 0;
	json_object_foreach(w->decisions, k, v) if (str(v, "state"))
		bump(by_state, str(v, "state"), 1);
	json_object_set_new(totals, "blocked_share",
			    att ? json_real((double)blk / (double)att) : json_null());
	json_object_set_new(totals, "signals",
			    json_integer((json_int_t)json_object_size(w->signals)));
	json_object_set_new(totals, "variants", json_integer(variants));
	json_object_set_new(totals, "platforms",
			    json_integer((json_int_t)json_array_size(plats)));
	json_object_set_new(totals, "reports",
			    json_integer((json_int_t)json_object_size(w->reports)));
	json_object_set_new(totals, "situation_notes", json_integer(notes));
	json_object_set_new(totals, "decisions",
			    json_integer((json_int_t)json_object_size(w->decisions)));
	json_object_set_new(totals, "decisions_by_state", by_state);
	json_object_set_new(totals, "sighting_batches", json_integer(w->batches));
	json_object_set_new(totals, "exceptions",
			    json_integer((json_int_t)json_object_size(w->exceptions)));
	json_object_set_new(totals, "notifications",
			    json_integer((json_int_t)json_object_size(w->notices)));
	return json_pack("{s:O,s:O,s:O,s:o,s:o,s:o,s:o,s:o}", "opened_at",
			 json_object_get(inc, "opened_at"), "activated_at",
			 json_object_get(inc, "activated_at"), "concluded_at",
			 json_object_get(inc, "concluded_at"), "time_to_activation_ms",
			 span(inc, "opened_at", "activated_at"),
			 "time_to_conclusion_ms",
			 span(inc, "opened_at", "concluded_at"), "platforms", plats,
			 "variants_over_time", variants_over_time(w), "totals", totals);
}

json_t *record_build(struct store *st, const char *incident_id, int *status)
{
	store_lock(st);
	json_t *inc = store_get_resource(st, "incident", incident_id);
	int64_t cursor = store_cursor(st);
	store_unlock(st);
	if (!inc) {
		*status = 404;
		return NULL;
	}
	struct walk w = {.inc_id = incident_id,
			 .timeline = json_array(),
			 .names = json_object(),
			 .plats = json_object(),
			 .minutes = json_object(),
			 .variants = json_object(),
			 .signals = json_object(),
			 .decisions = json_object(),
			 .reports = json_object(),
			 .others = json_object(),
			 .exceptions = json_object(),
			 .notices = json_object(),
			 .first_seq = -1};
	int64_t after = 0;
	int rc = 0;
	while (after < cursor) {
		struct hub_event *evs = NULL;
		int n = store_fetch_events(st, after, 500, &evs);
		if (n < 0)
			rc = -1;
		for (int i = 0; i < (n > 0 ? n : 0); i++) {
			if (evs[i].seq <= cursor)
				on_event(&w, evs[i].seq, evs[i].envelope);
			after = evs[i].seq;
			free(evs[i].envelope);
		}
		free(evs);
		if (n <= 0)
			break;
	}
	json_t *rec = NULL;
	if (rc == 0) {
		rec = json_pack(
			"{s:o,s:I,s:I,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:O,s:o}",
			"generated_at", util_json_time(util_now_ms()), "cursor",
			(json_int_t)cursor, "first_seq",
			(json_int_t)(w.first_seq < 0 ? 1 : w.first_seq), "complete",
			w.first_seq <= 1, "incident", json_incref(inc), "figures",
			figures(&w, inc), "signals", values_of(w.signals), "reports",
			values_of(w.reports), "decisions", values_of(w.decisions),
			"exceptions", values_of(w.exceptions), "notifications",
			values_of(w.notices), "other_events", w.others, "timeline",
			json_incref(w.timeline));
	}
	*status = rec ? 200 : 503;
	json_decref(inc);
	json_decref(w.timeline);
	json_decref(w.names);
	json_decref(w.plats);
	json_decref(w.minutes);
	json_decref(w.variants);
	json_decref(w.signals);
	json_decref(w.decisions);
	json_decref(w.reports);
	json_decref(w.others);
	json_decref(w.exceptions);
	json_decref(w.notices);
	json_decref(w.incident);
	return rec;
}
