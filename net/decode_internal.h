/* decode_internal.h - what decode.c (envelopes, resources) and decode_batch.c
 * (snapshots, long-poll answers) share: the decoding context that names fields in
 * errors, and the field readers the batches use. Internal to net/. */
#ifndef WF_DECODE_INTERNAL_H
#define WF_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "decode.h"

struct dctx {
	const char *path; /* prefix for field names, e.g. "data" or "incidents[3]" */
	struct wf_decode_error *err;
	const char *list; /* set: the prefix is path.list[index], formatted only when
			     an error is reported (items and votes are the hot path) */
	size_t index;
};

/* "field 'PATH.key': msg" into c->err; returns -1. */
int wf_dec_fail_msg(struct dctx *c, const char *key, const char *msg);
/* -1 with the error set unless o is an object. */
int wf_dec_need_object(struct dctx *c, json_t *o);
/* Required integer in min..max; RFC 3339 time (0 for null when nullable); boolean
 * (dflt when missing). 0 or -1 with the error set. */
int wf_dec_get_int(struct dctx *c, json_t *o, const char *key, int64_t min, int64_t max,
		   int64_t *out);
int wf_dec_get_time(struct dctx *c, json_t *o, const char *key, bool nullable,
		    int64_t *out);
int wf_dec_get_bool(struct dctx *c, json_t *o, const char *key, bool dflt, bool *out);

#endif
