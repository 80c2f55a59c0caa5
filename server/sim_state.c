/* sim_state.c - the simulator's checkpoint in the store (store_kv "simulator"): the
 * scenario clock, the next step, the random generator and what the steps made (the
 * incidents' ids and versions, their spreads' progress and signals, the labelled
 * decisions), so that another
 * replica taking the run-once lock carries the same run on instead of replaying it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define KV_KEY "simulator"

static json_t *spread_save(const struct sim *s, const struct sim_spread *sp)
{
	json_t *acc = json_array(), *sigs = json_array();
	for (size_t i = 0; i < s->n_plats; i++)
		json_array_append_new(acc, json_real(sp->acc[i]));
	for (size_t i = 0; i < sp->n_signals; i++)
		json_array_append_new(sigs, json_pack("[s,b,s]", sp->signals[i].id,
						      sp->signals[i].pdq,
						      sp->signals[i].value));
	return json_pack("{s:b,s:f,s:o,s:i,s:o}", "on", sp->on, "start", sp->start,
			 "acc", acc, "made", sp->made, "signals", sigs);
}

json_t *sim_state_save(const struct sim *s, double t)
{
	char rng[24];
	snprintf(rng, sizeof(rng), "%llx", (unsigned long long)s->rng);
	json_t *incs = json_array();
	for (size_t i = 0; i < s->n_incs; i++) {
		const struct sim_incident *inc = &s->incs[i];
		json_array_append_new(
			incs, json_pack("{s:s,s:s,s:s,s:I,s:o}", "ref", inc->ref, "id",
					inc->id, "last_signal", inc->last_signal,
					"version", (json_int_t)inc->version, "spread",
					spread_save(s, &inc->spread)));
	}
	json_t *labels = json_array();
	for (size_t i = 0; i < s->n_labels; i++)
		json_array_append_new(labels, json_pack("[s,s,s]", s->labels[i].name,
							s->labels[i].decision,
							s->labels[i].subject));
	return json_pack("{s:s,s:s,s:f,s:I,s:s,s:s,s:o,s:o}", "ident", s->ident, "run",
			 s->run, "t", t, "next_step", (json_int_t)s->next_step, "rng",
			 rng, "last_report", s->last_report, "incidents", incs,
			 "labels", labels);
}

int sim_state_store(struct sim *s, double t)
{
	json_t *doc = sim_state_save(s, t);
	if (!doc || store_begin(s->srv->st) != 0) {
		json_decref(doc);
		return -1;
	}
	if (store_kv_put(s->srv->st, KV_KEY, doc) != 0) {
		store_rollback(s->srv->st);
		json_decref(doc);
		return -1;
	}
	json_decref(doc);
	return store_commit(s->srv->st);
}

static void copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static void spread_restore(struct sim *s, struct sim_spread *sp, json_t *j)
{
	sp->on = json_is_true(json_object_get(j, "on"));
	sp->start = json_number_value(json_object_get(j, "start"));
	sp->made = (int)json_integer_value(json_object_get(j, "made"));
	json_t *acc = json_object_get(j, "acc");
	for (size_t i = 0; i < s->n_plats && i < json_array_size(acc); i++)
		sp->acc[i] = json_number_value(json_array_get(acc, i));
	for (size_t i = 0; i < sp->n_signals; i++)
		free(sp->signals[i].id);
	free(sp->signals);
	sp->signals = NULL;
	sp->n_signals = 0;
	json_t *sigs = json_object_get(j, "signals");
	size_t n = json_array_size(sigs);
	if (n == 0 || n > MAX_SIGNALS_PER_SPREAD * 4 ||
	    !(sp->signals = calloc(n, sizeof(*sp->signals))))
		return;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(sigs, i);
		const char *id = json_string_value(json_array_get(e, 0));
		char *copy = id ? strdup(id) : NULL;
		if (!copy)
			continue;
		struct sim_signal *ss = &sp->signals[sp->n_signals++];
		*ss = (struct sim_signal){copy, json_is_true(json_array_get(e, 1)), ""};
		const char *v = json_string_value(json_array_get(e, 2)); /* older: none */
		if (ss->pdq && v && strlen(v) == 64)
			memcpy(ss->value, v, 65);
	}
}

int sim_state_load(struct sim *s, double *t)
{
	store_lock(s->srv->st);
	json_t *doc = store_kv_get(s->srv->st, KV_KEY);
	store_unlock(s->srv->st);
	if (!doc)
		return 0;
	const char *ident = json_string_value(json_object_get(doc, "ident"));
	json_int_t next = json_integer_value(json_object_get(doc, "next_step"));
	if (!ident || strcmp(ident, s->ident) != 0 || next < 0 ||
	    (size_t)next > s->sc.n_steps) {
		json_decref(doc); /* another scenario's run: start this one afresh */
		return 0;
	}
	copy_str(s->run, sizeof(s->run), json_object_get(doc, "run"));
	*t = json_number_value(json_object_get(doc, "t"));
	s->next_step = (size_t)next;
	const char *rng = json_string_value(json_object_get(doc, "rng"));
	if (rng)
		s->rng = strtoull(rng, NULL, 16);
	copy_str(s->last_report, sizeof(s->last_report),
		 json_object_get(doc, "last_report"));
	json_t *incs = json_object_get(doc, "incidents");
	for (size_t i = 0; i < json_array_size(incs); i++) {
		json_t *j = json_array_get(incs, i);
		struct sim_incident *inc = sim_find_incident(
			s, json_string_value(json_object_get(j, "ref")));
		if (!inc)
			continue;
		copy_str(inc->id, sizeof(inc->id), json_object_get(j, "id"));
		copy_str(inc->last_signal, sizeof(inc->last_signal),
			 json_object_get(j, "last_signal"));
		inc->version = json_integer_value(json_object_get(j, "version"));
		spread_restore(s, &inc->spread, json_object_get(j, "spread"));
	}
	json_t *labels = json_object_get(doc, "labels");
	for (size_t i = 0; i < json_array_size(labels); i++) {
		json_t *e = json_array_get(labels, i);
		const char *name = json_string_value(json_array_get(e, 0));
		struct sim_label *l = name ? sim_find_label(s, name) : NULL;
		if (!l && name && s->n_labels < MAX_LABELS) {
			l = &s->labels[s->n_labels++];
			copy_str(l->name, sizeof(l->name), json_array_get(e, 0));
		}
		if (!l)
			continue;
		copy_str(l->decision, sizeof(l->decision), json_array_get(e, 1));
		copy_str(l->subject, sizeof(l->subject), json_array_get(e, 2));
	}
	json_decref(doc);
	return 1;
}
