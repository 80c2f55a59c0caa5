/* look.h - how domain values look on screen: short labels, glyphs and colour roles
 * for tiers, states, outcomes, decision kinds and trends. Colour is never the only
 * signal: every role comes with a label or glyph. Shared by the panes, the detail
 * views and the text frames of --batch. */
#ifndef WF_TUI_PANES_LOOK_H
#define WF_TUI_PANES_LOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"
#include "themes/theme.h"

/* A tier as 4 characters ("PROT", "CONT", "INC ", "AWAR", or the first 4 of an
 * unknown tier, sanitized) and its role. */
struct wf_watch_rules;

enum wf_role wf_look_tier(const struct wf_incident *inc, char *out, size_t size);
const char *wf_look_state(enum wf_incident_state s); /* at most 7 characters */
enum wf_role wf_look_state_role(enum wf_incident_state s);
enum wf_role wf_look_outcome_role(enum wf_outcome o);
const char *wf_look_kind(enum wf_decision_kind k); /* at most 8 characters */
/* "↑" "↓" "→" (or ^ v -) from the acceleration relative to the rate. */
const char *wf_look_trend(double accel, double rate, bool ascii, enum wf_role *role);
/* Platforms with attempts on the incident over the last 24 h. */
int wf_look_platforms_hit(const struct wf_model *m, const char *incident_id,
			  int64_t now);
/* A platform that reported in the last 24 h but nothing for 5 minutes, or whose
 * heartbeat is older than 3 minutes. */
/* True when a watch rule with the highlight action matches text in field (a value of
 * enum wf_watch_field). Rows so marked also carry a '*' glyph: colour is never the
 * only signal. */
bool wf_look_watched(const struct wf_watch_rules *rules, int field, const char *text);
bool wf_look_platform_quiet(const struct wf_platform *p, const struct wf_rates *r,
			    int64_t now);

#endif
