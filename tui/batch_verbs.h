/* batch_verbs.h - the officer's verbs in --batch (see tui/options.h, struct
 * wf_verb_spec): refused at the same permission gate as the dashboard's keys,
 * checked by the same forms, queued into the same outbox. Messages go to stderr. */
#ifndef WF_TUI_BATCH_VERBS_H
#define WF_TUI_BATCH_VERBS_H

#include <stdint.h>

#include "model/model.h"
#include "tui/options.h"

struct wf_outbox;

/* The verbs the permission gate refuses (read-only, wall), each said; the count. */
int wf_batch_verbs_refused(const struct wf_options *o);
/* Builds and queues every verb (ids[i]: its outbox record, 0 when it failed);
 * returns how many failed (each said with the field at fault). */
int wf_batch_verbs_enqueue(const struct wf_options *o, struct wf_outbox *ob,
			   const struct wf_model *m, int64_t now_ms, uint64_t *ids);
/* After the outbox settled: "sent", or the state and message of what is left;
 * returns how many were not sent. */
int wf_batch_verbs_report(const struct wf_options *o, const struct wf_outbox *ob,
			  const uint64_t *ids);

#endif
