/* outbox_internal.h - what outbox.c (the queue: records, holding, sending,
 * settling) and outbox_log.c (the file: its JSON lines, loading, compaction, the
 * holder's pid) share. Not for use outside net/outbox*.c. */
#ifndef WF_NET_OUTBOX_INTERNAL_H
#define WF_NET_OUTBOX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "outbox.h"

struct wf_outbox {
	char dir[1024];
	char path[1100];
	int fd;	     /* -1 for a read-only (memory) outbox */
	bool locked; /* this one holds the file's lock (and wrote outbox.pid) */
	bool read_only;
	int hold_ms;
	struct wf_outbox_record **recs;
	size_t n, cap;
	uint64_t next_id;
	size_t lines;	  /* lines in the file */
	size_t corrupt;	  /* unparsable middle lines found at open (kept in .corrupt) */
	bool broken;	  /* a failed write could not be undone: no more enqueues */
	bool compact_now; /* at open: bad lines were copied aside, drop them */
	char who[64];	  /* identity (wf_outbox_set_identity) */
	char token_fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
	uint64_t rng;
	char err[256];
};

/* outbox.c: the records in memory. */
int outbox_set_err(struct wf_outbox *ob, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void outbox_rec_free(struct wf_outbox_record *r);
struct wf_outbox_record *outbox_find(const struct wf_outbox *ob, uint64_t id,
				     size_t *at);
void outbox_remove_at(struct wf_outbox *ob, size_t i);
int outbox_push(struct wf_outbox *ob, struct wf_outbox_record *r);

/* outbox_log.c: the file. */
/* mkdir -p with mode 0700 for the parts it creates. */
int outbox_make_dirs(const char *dir);
void outbox_sync_dir(const char *dir);
/* Writes one JSON line and fsyncs it; on failure the file is cut back. */
int outbox_append_json(struct wf_outbox *ob, json_t *obj);
json_t *outbox_add_line(const struct wf_outbox_record *r);
int outbox_append_del(struct wf_outbox *ob, uint64_t id, const char *why);
int outbox_append_state(struct wf_outbox *ob, const struct wf_outbox_record *r);
/* A path on the backend: /v1/..., no query, no spaces or controls. */
bool outbox_valid_path(const char *path);
/* Reads the file at open (torn tail cut, bad middle lines kept aside). */
int outbox_load(struct wf_outbox *ob);
void outbox_holder_path(const struct wf_outbox *ob, char *buf, size_t size);
void outbox_holder_write(const struct wf_outbox *ob);
/* The holder's pid when known and alive, else 0. */
long outbox_holder_read(const struct wf_outbox *ob);

#endif
