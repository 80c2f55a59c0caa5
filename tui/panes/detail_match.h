/* detail_match.h - the detail views' lines about the backend's matching: an
 * incident's variants (signals grouped by variant, first seen, platforms, counts)
 * and a signal with its nearest neighbours. */
#ifndef WF_TUI_PANES_DETAIL_MATCH_H
#define WF_TUI_PANES_DETAIL_MATCH_H

#include "pane.h"

void wf_detail_variants(const struct wf_view_ctx *c, struct wf_lines *l,
			const char *incident_id);
/* Nothing when the signal is not held. */
void wf_detail_signal(const struct wf_view_ctx *c, struct wf_lines *l,
		      const char *signal_id);

#endif
