/* detail_match.c - the variants of an incident and a signal's nearest neighbours in
 * the detail views: ids are checked by the decoder ([A-Za-z0-9._:-]), hash values are
 * sanitized before they are drawn. */
#include "detail_match.h"

#include <stdio.h>
#include <string.h>

#include "themes/theme.h"
#include "widgets/format.h"
#include "widgets/text.h"

#define VARIANTS_MAX 64
#define VARIANT_SIGNALS 8

static void short_value(const struct wf_signal *s, char *buf, size_t size)
{
	wf_text_sanitize(s->value, strlen(s->value), 16, true, buf, size);
}

/* "~ sig-1 d=3" (vpdq: "~ sig-1 80%"), or "" without a nearest signal. */
static void nearest_text(const struct wf_signal *s, char *buf, size_t size)
{
	if (!s->nearest_id)
		buf[0] = '\0';
	else if (s->type == WF_HASH_VPDQ)
		snprintf(buf, size, "~ %s %d%%", s->nearest_id, s->nearest_share);
	else
		snprintf(buf, size, "~ %s d=%d", s->nearest_id, s->nearest_distance);
}

void wf_detail_variants(const struct wf_view_ctx *c, struct wf_lines *l,
			const char *incident_id)
{
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_HEADER);
	static struct wf_variant v[VARIANTS_MAX]; /* one UI thread */
	size_t n = wf_model_variants(c->model, incident_id, c->now, v, VARIANTS_MAX);
	wf_lines_printf(l, h, "Variants (%zu%s, first seen first)", n,
			n == VARIANTS_MAX ? "+" : "");
	for (size_t i = 0; i < n; i++) {
		char a[16], b[16], plats[128] = "";
		wf_fmt_clock(v[i].first_seen, a, sizeof(a));
		wf_fmt_count((double)v[i].attempts15, b, sizeof(b));
		for (size_t k = 0; k < v[i].n_platforms && k < 4; k++) {
			strncat(plats, k ? " " : "", sizeof(plats) - strlen(plats) - 1);
			strncat(plats, v[i].platforms[k],
				sizeof(plats) - strlen(plats) - 1);
		}
		if (v[i].n_platforms > 4)
			strncat(plats, " +", sizeof(plats) - strlen(plats) - 1);
		wf_lines_printf(l, t,
				"  %-20s %2zu signal%s  first %sZ  uploads/15m %s  %s",
				v[i].variant_id, v[i].n_signals,
				v[i].n_signals == 1 ? " " : "s", a, b, plats);
		const struct wf_signal *s[VARIANT_SIGNALS];
		size_t ns = wf_model_variant_signals(
			c->model, incident_id, v[i].variant_id, s, VARIANT_SIGNALS);
		for (size_t k = 0; k < ns; k++) {
			char val[24], near[96];
			short_value(s[k], val, sizeof(val));
			nearest_text(s[k], near, sizeof(near));
			wf_lines_printf(l,
					s[k]->state == WF_SIG_ACTIVE
						? t
						: wf_theme_attr(WF_ROLE_DIM),
					"      %-12s %-9s %-16s %-8s %s", s[k]->id,
					wf_hash_type_name(s[k]->type), val,
					wf_signal_state_name(s[k]->state), near);
		}
	}
}

void wf_detail_signal(const struct wf_view_ctx *c, struct wf_lines *l,
		      const char *signal_id)
{
	const struct wf_signal *s = wf_model_signal(c->model, signal_id);
	int t = wf_theme_attr(WF_ROLE_TEXT), h = wf_theme_attr(WF_ROLE_HEADER);
	if (!s)
		return;
	char a[16], val[24];
	wf_fmt_clock(s->added_at, a, sizeof(a));
	short_value(s, val, sizeof(val));
	wf_lines_printf(l, h, "Signal %s", s->id);
	wf_lines_printf(l, t, "  %s %s  variant %s%s  %s  from %s  added %sZ",
			wf_hash_type_name(s->type), val, s->variant_id,
			s->new_variant ? " (new)" : "", wf_signal_state_name(s->state),
			s->platform_id, a);
	struct wf_neighbour nb[16];
	size_t n = wf_model_neighbours(c->model, signal_id, nb, 16);
	wf_lines_printf(l, h, "Nearest neighbours (%zu)", n);
	if (n == 0)
		wf_lines_printf(l, wf_theme_attr(WF_ROLE_DIM),
				"  none: no active signal of its type was near when it "
				"was added, "
				"nor since");
	for (size_t i = 0; i < n; i++) {
		char d[32];
		if (s->type == WF_HASH_VPDQ)
			snprintf(d, sizeof(d), "%d%% of frames", nb[i].share);
		else
			snprintf(d, sizeof(d), "distance %d", nb[i].distance);
		wf_lines_printf(l, t, "  %-12s %-16s variant %-20s %s", nb[i].id, d,
				nb[i].signal ? nb[i].signal->variant_id : "(not held)",
				nb[i].theirs ? "(its nearest was this one)"
					     : "(nearest when this one was added)");
	}
}
