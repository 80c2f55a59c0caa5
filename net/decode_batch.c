/* decode_batch.c - the wire format's batches: a snapshot (every resource as an event
 * with seq 0, bad ones skipped and counted) and a long-poll answer (envelopes, bad
 * ones skipped and counted), over the resource decoders of decode.c. */
#include "decode.h"
#include "decode_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends the decoded elements of array `key` as events of `type`. */
static int add_array(json_t *root, const char *key, enum wf_event_type type,
		     struct wf_event **events, size_t *n, size_t *cap, size_t *n_bad,
		     struct wf_decode_error *first_bad, struct wf_decode_error *err)
{
	json_t *arr = json_object_get(root, key);
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr)) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "field '%s': must be an array",
				 key);
		return -1;
	}
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		char path[64];
		struct wf_decode_error e;
		struct wf_event ev;
		memset(&ev, 0, sizeof(ev));
		snprintf(path, sizeof(path), "%s[%zu]", key, i);
		int rc;
		if (type == WF_EV_SIGHTINGS) {
			/* A snapshot sighting is one item plus its platform and incident. */
			json_t *wrap = json_pack("{s:O,s:O,s:[O]}", "platform_id",
						 json_object_get(v, "platform_id") ? json_object_get(v, "platform_id") : json_null(),
						 "incident_id",
						 json_object_get(v, "incident_id") ? json_object_get(v, "incident_id") : json_null(),
						 "items", v);
			rc = wrap && json_is_object(v)
				     ? wf_decode_resource(type, wrap, path, &ev, &e)
				     : -1;
			if (!wrap || !json_is_object(v))
				snprintf(e.msg, sizeof(e.msg), "'%s': must be an object", path);
			json_decref(wrap);
		} else {
			rc = wf_decode_resource(type, v, path, &ev, &e);
		}
		if (rc) {
			if ((*n_bad)++ == 0)
				*first_bad = e;
			continue;
		}
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 64;
			struct wf_event *ne = realloc(*events, nc * sizeof(*ne));
			if (!ne) {
				wf_event_clear(&ev);
				if (err)
					snprintf(err->msg, sizeof(err->msg), "out of memory");
				return -1;
			}
			*events = ne;
			*cap = nc;
		}
		(*events)[(*n)++] = ev;
	}
	return 0;
}

int wf_decode_snapshot(const char *buf, size_t len, struct wf_snapshot *out,
		       struct wf_decode_error *err)
{
	static const struct {
		const char *key;
		enum wf_event_type type;
	} parts[] = {
		{"platforms", WF_EV_PLATFORM_UPDATED}, {"incidents", WF_EV_INCIDENT_OPENED},
		{"signals", WF_EV_SIGNAL_ADDED},       {"reports", WF_EV_REPORT_OPENED},
		{"decisions", WF_EV_DECISION_UPDATED}, {"stats", WF_EV_STATS},
		{"sightings", WF_EV_SIGHTINGS},
		{"exceptions", WF_EV_EXCEPTION_GRANTED},
		{"notifications", WF_EV_AUTHORITY_NOTIFIED},
	};
	json_error_t jerr;
	struct dctx c = {.path = "", .err = err};
	size_t cap = 0;
	memset(out, 0, sizeof(*out));
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "invalid JSON at %d: %s",
				 jerr.position, jerr.text);
		return -1;
	}
	int rc = wf_dec_need_object(&c, root) ||
		 wf_dec_get_int(&c, root, "cursor", 0, INT64_MAX / 2, &out->cursor) ||
		 wf_dec_get_time(&c, root, "server_time", false, &out->server_time);
	out->heartbeat_s = 15;
	if (!rc && json_object_get(root, "heartbeat_s"))
		rc = wf_dec_get_int(&c, root, "heartbeat_s", 1, 3600, &out->heartbeat_s);
	for (size_t i = 0; !rc && i < sizeof(parts) / sizeof(parts[0]); i++)
		rc = add_array(root, parts[i].key, parts[i].type, &out->events,
			       &out->n_events, &cap, &out->n_bad, &out->first_bad, err);
	json_decref(root);
	if (rc) {
		wf_snapshot_clear(out);
		return -1;
	}
	return 0;
}

void wf_snapshot_clear(struct wf_snapshot *s)
{
	for (size_t i = 0; i < s->n_events; i++)
		wf_event_clear(&s->events[i]);
	free(s->events);
	memset(s, 0, sizeof(*s));
}

int wf_decode_poll(const char *buf, size_t len, struct wf_poll_batch *out,
		   struct wf_decode_error *err)
{
	json_error_t jerr;
	struct dctx c = {.path = "", .err = err};
	bool reset = false;
	memset(out, 0, sizeof(*out));
	json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (err)
			snprintf(err->msg, sizeof(err->msg), "invalid JSON at %d: %s",
				 jerr.position, jerr.text);
		return -1;
	}
	int rc = wf_dec_need_object(&c, root) ||
		 wf_dec_get_int(&c, root, "cursor", 0, INT64_MAX / 2, &out->cursor) ||
		 wf_dec_get_bool(&c, root, "reset", false, &reset);
	json_t *evs = rc ? NULL : json_object_get(root, "events");
	if (!rc && evs && !json_is_array(evs))
		rc = wf_dec_fail_msg(&c, "events", "must be an array");
	if (!rc && evs && json_array_size(evs)) {
		size_t i;
		json_t *v;
		out->events = calloc(json_array_size(evs), sizeof(*out->events));
		if (!out->events)
			rc = wf_dec_fail_msg(&c, "events", "out of memory");
		json_array_foreach(evs, i, v)
		{
			struct wf_decode_error e;
			if (rc)
				break;
			if (wf_decode_envelope_json(v, &out->events[out->n_events], &e)) {
				if (out->n_bad++ == 0)
					out->first_bad = e;
				continue;
			}
			out->n_events++;
		}
	}
	out->reset = reset;
	json_decref(root);
	if (rc) {
		wf_poll_batch_clear(out);
		return -1;
	}
	return 0;
}

void wf_poll_batch_clear(struct wf_poll_batch *b)
{
	for (size_t i = 0; i < b->n_events; i++)
		wf_event_clear(&b->events[i]);
	free(b->events);
	memset(b, 0, sizeof(*b));
}
