/* notify.c - the notifier: notices from the model (what changed since the last
 * look), the coalescing window, the rate limit (a token bucket), urgency from
 * severity, and the choice of route (the libnotify helper of notify_dbus.c or the
 * terminal fallback through the dashboard's write callback). Config keys in
 * notify_config.c, text helpers in notify_text.c. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify_internal.h"

#define DETAIL_MAX 4	 /* notices listed in a summary's body */
#define SUMMARY_COLS 100 /* columns of untrusted text in a summary */
#define BODY_COLS 240
#define DUE_CHECK_MS 1000 /* due times are checked at most once a second */
/* Reports and signals are walked from the newest down to this much below the newest
 * time already seen: a server stamps them before it commits them, so one may arrive
 * a little after a newer one. */
#define MARK_SLACK_MS 1000

struct notice {
	enum wf_notify_kind kind;
	int urgency;
	bool show; /* false: a bell-only watch hit */
	char summary[512];
	char body[1200];
};

struct wf_notify {
	struct wf_notify_config cfg;
	bool enabled;
	struct notify_helper helper;
	/* the coalescing window */
	struct notice detail[DETAIL_MAX];
	size_t n_detail;
	unsigned long pending, pending_shown, by_kind[WF_NOTIFY__KINDS];
	int urgency;
	bool bell;
	int64_t first_at;
	/* the rate limit */
	double tokens;
	int64_t refill_at;
	/* what the model looked like */
	bool primed;
	uint64_t generation;
	int64_t due_checked;
	int64_t looked_at; /* the last comparison of a changed model */
	int64_t look_at;   /* a change waits for the interval to end: then; 0: none */
	struct seen_map incidents, decisions, reports, signals;
	struct mark { /* reports and signals: walked down to `from` */
		bool set;
		int64_t newest, from;
	} reports_mark, signals_mark;
	uint64_t unmatched_serial; /* the newest unmatched upload looked at */
	const void **buf;
	size_t buf_cap;
	struct wf_notify_stats stats;
	char describe[96];
	int64_t last_tick;
	/* the notification in flight in the helper, shown by the fallback if lost */
	int inflight_urgency;
	char inflight_summary[512], inflight_body[1600];
};

static const char *const kind_plural[WF_NOTIFY__KINDS] = {
	"new incidents", "escalations", "high-priority decisions", "decisions due soon",
	"watch hits"};
static const char *const kind_singular[WF_NOTIFY__KINDS] = {
	"new incident", "escalation", "high-priority decision", "decision due soon",
	"watch hit"};

struct wf_notify *wf_notify_new(const struct wf_notify_config *cfg, int64_t now)
{
	struct wf_notify *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->cfg = *cfg;
	n->enabled = cfg->enabled;
	n->tokens = cfg->rate_burst > 0 ? cfg->rate_burst : 1;
	n->refill_at = now;
	seen_init(&n->incidents);
	seen_init(&n->decisions);
	seen_init(&n->reports);
	seen_init(&n->signals);
	helper_init(&n->helper, cfg->app_name, cfg->call_timeout_ms,
		    cfg->breaker_failures, cfg->breaker_cooldown_ms);
	if (n->enabled && cfg->desktop)
		helper_start(&n->helper, now);
	return n;
}

void wf_notify_free(struct wf_notify *n)
{
	if (!n)
		return;
	helper_stop(&n->helper);
	seen_free(&n->incidents);
	seen_free(&n->decisions);
	seen_free(&n->reports);
	seen_free(&n->signals);
	free(n->buf);
	free(n);
}

void wf_notify_set_enabled(struct wf_notify *n, bool on)
{
	if (!n || n->enabled == on)
		return;
	n->enabled = on;
	n->pending = n->pending_shown = 0;
	n->n_detail = 0;
	memset(n->by_kind, 0, sizeof n->by_kind);
	if (!on)
		helper_stop(&n->helper);
	/* Turned on again: the helper starts at the next tick (its time is needed). */
}

static enum wf_notify_route route_of(const struct wf_notify *n)
{
	if (!n->enabled)
		return WF_ROUTE_OFF;
	switch (n->helper.state) {
	case HELPER_PROBING:
		return WF_ROUTE_PROBING;
	case HELPER_IDLE:
	case HELPER_BUSY:
		return WF_ROUTE_DESKTOP;
	default:
		return WF_ROUTE_TERMINAL;
	}
}

/* --- queueing -------------------------------------------------------------- */

/* Sanitizes untrusted text for a notice; only building a notice pays for it. */
static void clean(struct wf_notify *n, const char *s, char *out, size_t outsize,
		  int max_cols)
{
	n->stats.sanitized++;
	wf_notify_sanitize(s, out, outsize, max_cols);
}

static void queue_notice(struct wf_notify *n, const struct notice *no, int64_t now)
{
	if (!n->enabled)
		return;
	if (n->pending == 0) {
		n->first_at = now;
		n->urgency = WF_URGENCY_LOW;
		n->bell = false;
	}
	n->pending++;
	n->stats.notices++;
	if (no->show) {
		n->pending_shown++;
		n->by_kind[no->kind]++;
		if (no->urgency > n->urgency)
			n->urgency = no->urgency;
		if (n->n_detail < DETAIL_MAX)
			n->detail[n->n_detail++] = *no;
	} else {
		n->bell = true;
	}
}

void wf_notify_post(struct wf_notify *n, enum wf_notify_kind kind, int urgency,
		    const char *title, const char *body, int64_t now)
{
	struct notice no = {kind, urgency, true, "", ""};
	if (!n || (unsigned)kind >= WF_NOTIFY__KINDS)
		return;
	clean(n, title, no.summary, sizeof no.summary, SUMMARY_COLS);
	clean(n, body, no.body, sizeof no.body, BODY_COLS);
	queue_notice(n, &no, now);
}

/* --- flushing -------------------------------------------------------------- */

static void term_out(struct wf_notify *n, const char *s, size_t len)
{
	if (n->cfg.term_write && len)
		n->cfg.term_write(n->cfg.term_ctx, s, len);
}

/* Appends s (valid UTF-8) to out at *o, cut at a character boundary when it does
 * not fit: D-Bus refuses a string with a cut sequence. */
static void put_utf8(char *out, size_t outsize, size_t *o, const char *s)
{
	if (*o + 1 >= outsize)
		return;
	size_t len = strlen(s);
	if (*o + len + 1 > outsize) {
		len = outsize - *o - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--; /* s[len], left out, continues a sequence */
	}
	memcpy(out + *o, s, len);
	*o += len;
	out[*o] = '\0';
}

static void compose(const struct wf_notify *n, char *summary, size_t ssize, char *body,
		    size_t bsize)
{
	size_t o = 0, so = 0;
	char part[96];
	summary[0] = body[0] = '\0';
	if (n->pending_shown == 1 && n->n_detail == 1) {
		put_utf8(summary, ssize, &so, n->detail[0].summary);
		put_utf8(body, bsize, &o, n->detail[0].body);
		return;
	}
	snprintf(part, sizeof part, "watchfloor: %lu new events", n->pending_shown);
	put_utf8(summary, ssize, &so, part);
	for (int k = 0; k < WF_NOTIFY__KINDS; k++) {
		if (!n->by_kind[k])
			continue;
		snprintf(part, sizeof part, "%s%lu %s", o ? ", " : "", n->by_kind[k],
			 n->by_kind[k] == 1 ? kind_singular[k] : kind_plural[k]);
		put_utf8(body, bsize, &o, part);
	}
	for (size_t i = 0; i < n->n_detail; i++) {
		put_utf8(body, bsize, &o, "\n");
		put_utf8(body, bsize, &o, n->detail[i].summary);
	}
	if (n->pending_shown > n->n_detail) {
		snprintf(part, sizeof part, "\n... and %lu more",
			 n->pending_shown - n->n_detail);
		put_utf8(body, bsize, &o, part);
	}
}

static void reset_pending(struct wf_notify *n)
{
	if (n->pending > 1)
		n->stats.coalesced += n->pending - 1;
	n->pending = n->pending_shown = 0;
	n->n_detail = 0;
	n->bell = false;
	memset(n->by_kind, 0, sizeof n->by_kind);
}

static void refill(struct wf_notify *n, int64_t now)
{
	int burst = n->cfg.rate_burst > 0 ? n->cfg.rate_burst : 1;
	int every = n->cfg.rate_interval_ms > 0 ? n->cfg.rate_interval_ms : 1;
	if (now > n->refill_at) {
		n->tokens += (double)(now - n->refill_at) / every;
		if (n->tokens > burst)
			n->tokens = burst;
	}
	n->refill_at = now;
}

static void send_terminal(struct wf_notify *n, const char *summary, const char *body,
			  bool ring)
{
	char seq[8192];
	size_t len = wf_notify_format_terminal(n->cfg.fallback, n->cfg.tmux, ring,
					       summary, body, seq, sizeof seq);
	if (len && n->cfg.term_write) {
		term_out(n, seq, len);
		n->stats.sent_terminal++;
		if (ring)
			n->stats.bells++;
	}
}

static void flush(struct wf_notify *n, int64_t now)
{
	if (!n->pending || now < n->first_at + n->cfg.coalesce_ms)
		return;
	enum wf_notify_route route = route_of(n);
	if (route == WF_ROUTE_OFF) {
		reset_pending(n);
		return;
	}
	if (route == WF_ROUTE_PROBING ||
	    (route == WF_ROUTE_DESKTOP && n->helper.state == HELPER_BUSY))
		return; /* the helper answers or times out soon */
	bool ring = n->bell || (n->urgency == WF_URGENCY_CRITICAL &&
				n->cfg.bell_on_critical && route == WF_ROUTE_TERMINAL);
	if (!n->pending_shown) {
		/* Only bell hits: no notification, no token. */
		term_out(n, "\a", 1);
		n->stats.bells++;
		reset_pending(n);
		return;
	}
	refill(n, now);
	if (n->tokens < 1.0)
		return; /* keep collecting; next_deadline says when */
	n->tokens -= 1.0;
	char summary[512], body[1600];
	compose(n, summary, sizeof summary, body, sizeof body);
	bool sent = false;
	if (route == WF_ROUTE_DESKTOP) {
		char esc[4096];
		if (n->helper.markup)
			wf_notify_escape_markup(body, esc, sizeof esc);
		else
			snprintf(esc, sizeof esc, "%s", body);
		if (helper_send(&n->helper, n->urgency, summary, esc, now) == 0) {
			sent = true;
			n->inflight_urgency = n->urgency;
			snprintf(n->inflight_summary, sizeof n->inflight_summary, "%s",
				 summary);
			snprintf(n->inflight_body, sizeof n->inflight_body, "%s", body);
			n->stats.sent_desktop++; /* acknowledged count: helper.acked */
			if (ring) {
				term_out(n, "\a", 1);
				n->stats.bells++;
			}
		}
	}
	if (!sent)
		send_terminal(n, summary, body, ring);
	n->stats.flushes++;
	reset_pending(n);
}

void wf_notify_tick(struct wf_notify *n, int64_t now)
{
	if (!n)
		return;
	n->last_tick = now;
	if (n->enabled && n->cfg.desktop && n->helper.state == HELPER_OFF)
		helper_start(&n->helper, now);
	helper_poll(&n->helper, now);
	if (helper_take_lost(&n->helper) && n->enabled)
		send_terminal(n, n->inflight_summary, n->inflight_body,
			      n->inflight_urgency == WF_URGENCY_CRITICAL &&
				      n->cfg.bell_on_critical);
	flush(n, now);
}

int64_t wf_notify_next_deadline(const struct wf_notify *n)
{
	if (!n || !n->enabled)
		return INT64_MAX;
	int64_t d = helper_deadline(&n->helper);
	if (n->look_at && n->look_at < d)
		d = n->look_at; /* a change waits for its look */
	if (n->helper.state == HELPER_PROBING || n->helper.state == HELPER_BUSY) {
		/* The reply comes on wf_notify_fd; a loop that does not poll it still
		 * sees it within 100 ms. */
		if (n->last_tick + 100 < d)
			d = n->last_tick + 100;
		return d; /* a flush waits for the helper anyway */
	}
	if (n->pending) {
		int64_t f = n->first_at + n->cfg.coalesce_ms;
		if (n->pending_shown && n->tokens < 1.0) {
			int every = n->cfg.rate_interval_ms > 0
					    ? n->cfg.rate_interval_ms
					    : 1;
			int64_t t =
				n->refill_at + (int64_t)((1.0 - n->tokens) * every) + 1;
			if (t > f)
				f = t;
		}
		if (f < d)
			d = f;
	}
	return d;
}

int wf_notify_fd(const struct wf_notify *n)
{
	return n ? n->helper.fd : -1;
}

void wf_notify_get_stats(const struct wf_notify *n, struct wf_notify_stats *out)
{
	*out = n->stats;
	out->route = route_of(n);
	out->sent_desktop = n->helper.acked;
	out->failures = n->helper.failures;
	out->breaker_trips = n->helper.trips;
	out->markup = n->helper.markup;
	snprintf(out->server, sizeof out->server, "%s", n->helper.server);
}

const char *wf_notify_describe(const struct wf_notify *n)
{
	static const char *const fb[] = {"OSC 777", "OSC 9", "bell", "none"};
	struct wf_notify *m = (struct wf_notify *)n; /* the buffer is a cache */
	switch (route_of(n)) {
	case WF_ROUTE_OFF:
		return "off";
	case WF_ROUTE_PROBING:
		return "probing";
	case WF_ROUTE_DESKTOP:
		snprintf(m->describe, sizeof m->describe, "desktop (%s)",
			 n->helper.server);
		return m->describe;
	case WF_ROUTE_TERMINAL:
		snprintf(m->describe, sizeof m->describe, "terminal (%s%s)",
			 fb[n->cfg.fallback],
			 n->helper.state == HELPER_BROKEN ? ", breaker open" : "");
		return m->describe;
	}
	return "?";
}

/* --- watching the model ------------------------------------------------------ */

static int urgency_of_tier(enum wf_tier t)
{
	switch (t) {
	case WF_TIER_PROTOCOL_ACTIVATED:
	case WF_TIER_CONTENT_INCIDENT:
		return WF_URGENCY_CRITICAL;
	case WF_TIER_INCIDENT:
		return WF_URGENCY_NORMAL;
	default:
		return WF_URGENCY_LOW;
	}
}

static bool grow_buf(struct wf_notify *n, size_t need)
{
	if (need <= n->buf_cap)
		return true;
	const void **nb = realloc(n->buf, need * sizeof(*nb));
	if (!nb)
		return false;
	n->buf = nb;
	n->buf_cap = need;
	return true;
}

/* A watch hit on `text`: queues a notice when a rule says notify or bell. */
static void watch_check(struct wf_notify *n, enum wf_watch_field field,
			const char *text, const char *context, int64_t now)
{
	size_t rule = 0;
	if (!text || !n->cfg.rules)
		return;
	unsigned act =
		wf_watch_match_ex(n->cfg.rules, field, text, strlen(text), &rule);
	if (!(act & (WF_WATCH_NOTIFY | WF_WATCH_BELL)))
		return;
	struct notice no = {WF_NOTIFY_WATCH_HIT, WF_URGENCY_NORMAL,
			    (act & WF_WATCH_NOTIFY) != 0, "", ""};
	char t[400], c[400];
	clean(n, text, t, sizeof t, SUMMARY_COLS);
	clean(n, context, c, sizeof c, BODY_COLS);
	snprintf(no.summary, sizeof no.summary, "Watch (%s): %s",
		 wf_watch_field_name(field), t);
	snprintf(no.body, sizeof no.body, "%s%srule on line %d", c, *c ? "\n" : "",
		 wf_watch_rule_line(n->cfg.rules, rule));
	queue_notice(n, &no, now);
	if ((act & WF_WATCH_BELL) && n->pending)
		n->bell = true; /* notify and bell: one notification that also rings */
}

static void notice_new_incident(struct wf_notify *n, const struct wf_incident *inc,
				int64_t now)
{
	struct notice no = {WF_NOTIFY_NEW_INCIDENT, urgency_of_tier(inc->tier_rank),
			    true, "", ""};
	char title[400], line[600], tier[80];
	clean(n, inc->title, title, sizeof title, SUMMARY_COLS);
	clean(n, inc->location, line, sizeof line, 60);
	clean(n, inc->tier, tier, sizeof tier, 32);
	snprintf(no.summary, sizeof no.summary, "New incident: %s", title);
	snprintf(no.body, sizeof no.body, "tier %s, %s%s%s", tier,
		 wf_incident_state_name(inc->state), *line ? ", " : "", line);
	queue_notice(n, &no, now);
}

/* s holds the tier rank (a) and state (b) seen last. */
static void notice_escalation(struct wf_notify *n, const struct wf_incident *inc,
			      const struct seen_slot *s, int64_t now)
{
	int u = urgency_of_tier(inc->tier_rank);
	struct notice no = {WF_NOTIFY_ESCALATION,
			    u > WF_URGENCY_NORMAL ? u : WF_URGENCY_NORMAL, true, "",
			    ""};
	char title[400];
	clean(n, inc->title, title, sizeof title, SUMMARY_COLS);
	snprintf(no.summary, sizeof no.summary, "Escalated: %s", title);
	if ((int)inc->tier_rank > s->a)
		snprintf(no.body, sizeof no.body, "tier %s -> %s",
			 wf_tier_name((enum wf_tier)s->a),
			 wf_tier_name(inc->tier_rank));
	else
		snprintf(no.body, sizeof no.body, "state %s -> %s",
			 wf_incident_state_name((enum wf_incident_state)s->b),
			 wf_incident_state_name(inc->state));
	queue_notice(n, &no, now);
}

static void observe_incidents(struct wf_notify *n, const struct wf_model *m, bool quiet,
			      int64_t now)
{
	size_t cnt = wf_model_count_incidents(m);
	if (!grow_buf(n, cnt + 1))
		return;
	const struct wf_incident **list = (const struct wf_incident **)n->buf;
	cnt = wf_model_incidents(m, WF_SORT_INC_AGE, now, list, cnt + 1);
	for (size_t i = cnt;
	     i-- > 0;) { /* oldest first, so the summary reads in order */
		const struct wf_incident *inc = list[i];
		bool created;
		struct seen_slot *s = seen_touch(&n->incidents, inc->id, &created);
		if (!s)
			return;
		uint32_t th = seen_hash(inc->title);
		if (quiet) {
			/* the first look only records */
		} else if (created) {
			if (inc->state != WF_INC_CONCLUDED)
				notice_new_incident(n, inc, now);
			watch_check(n, WF_WATCH_TITLE, inc->title, "", now);
		} else {
			if ((int)inc->tier_rank > s->a ||
			    ((int)inc->state > s->b && inc->state != WF_INC_CONCLUDED))
				notice_escalation(n, inc, s, now);
			if (th != s->hash)
				watch_check(n, WF_WATCH_TITLE, inc->title, "", now);
		}
		s->a = (int)inc->tier_rank;
		s->b = (int)inc->state;
		s->hash = th;
	}
	seen_sweep(&n->incidents);
}

#define DUE_NOTIFIED 1u

/* A notice about decision d: "HEAD: SUBJECT", body "KIND[TAIL]\nINCIDENT". */
static void notice_decision(struct wf_notify *n, const struct wf_model *m,
			    const struct wf_decision *d, enum wf_notify_kind kind,
			    int urgency, const char *head, const char *tail,
			    int64_t now)
{
	struct notice no = {kind, urgency, true, "", ""};
	char subject[400], ctx[400] = "";
	const struct wf_incident *inc =
		d->incident_id ? wf_model_incident(m, d->incident_id) : NULL;
	clean(n, d->subject, subject, sizeof subject, SUMMARY_COLS);
	if (inc)
		clean(n, inc->title, ctx, sizeof ctx, 80);
	snprintf(no.summary, sizeof no.summary, "%s: %s", head, subject);
	snprintf(no.body, sizeof no.body, "%s%s%s%s", wf_decision_kind_name(d->kind),
		 tail, *ctx ? "\n" : "", ctx);
	queue_notice(n, &no, now);
}

static void observe_decisions(struct wf_notify *n, const struct wf_model *m, bool quiet,
			      int64_t now)
{
	size_t cnt = wf_model_count_open_decisions(m);
	if (!grow_buf(n, cnt + 1))
		return;
	const struct wf_decision **list = (const struct wf_decision **)n->buf;
	cnt = wf_model_open_decisions(m, WF_SORT_DEC_DUE, NULL, list, cnt + 1);
	int64_t window =
		(int64_t)(n->cfg.due_minutes > 0 ? n->cfg.due_minutes : 10) * 60000;
	for (size_t i = 0; i < cnt; i++) {
		const struct wf_decision *d = list[i];
		bool created;
		struct seen_slot *s = seen_touch(&n->decisions, d->id, &created);
		if (!s)
			return;
		if (created && !quiet && d->priority == WF_PRIO_HIGH)
			notice_decision(n, m, d, WF_NOTIFY_DECISION_HIGH,
					WF_URGENCY_CRITICAL, "Decision needed",
					", high priority", now);
		bool due_soon = d->due_at > 0 && now >= d->due_at - window;
		if (due_soon && !(s->flags & DUE_NOTIFIED)) {
			s->flags |= DUE_NOTIFIED;
			if (!quiet) {
				int64_t left = d->due_at - now;
				char head[64] = "Decision overdue";
				if (left > 0)
					snprintf(head, sizeof head,
						 "Decision due in %lld min",
						 (long long)((left + 59999) / 60000));
				notice_decision(n, m, d, WF_NOTIFY_DECISION_DUE,
						d->priority == WF_PRIO_HIGH
							? WF_URGENCY_CRITICAL
							: WF_URGENCY_NORMAL,
						head, "", now);
			}
		} else if (!due_soon) {
			s->flags &= ~DUE_NOTIFIED; /* the due time moved out again */
		}
	}
	seen_sweep(&n->decisions);
}

static const char *platform_name(const struct wf_model *m, const char *id)
{
	const struct wf_platform *p = id ? wf_model_platform(m, id) : NULL;
	return p && p->name ? p->name : NULL;
}

static void watch_platform(struct wf_notify *n, const struct wf_model *m,
			   const char *id, const char *context, int64_t now)
{
	if (!id)
		return;
	const char *name = platform_name(m, id);
	size_t r;
	if (name &&
	    wf_watch_match_ex(n->cfg.rules, WF_WATCH_PLATFORM, name, strlen(name), &r))
		watch_check(n, WF_WATCH_PLATFORM, name, context, now);
	else
		watch_check(n, WF_WATCH_PLATFORM, id, context, now);
}

/* Reports and signals: only the ones at or above the mark's floor are walked (the
 * lists are newest first). The floor is MARK_SLACK_MS below the newest time seen,
 * never above `now` (a time stamped in the future cannot hide the entries after
 * it) and never lower than before (a clock set back re-walks nothing). The seen map
 * holds the ids above the floor. */
static bool mark_below(const struct mark *mk, int64_t at)
{
	return mk->set && at < mk->from;
}

static void mark_raise(struct mark *mk, size_t cnt, int64_t newest, int64_t now)
{
	if (!cnt)
		return;
	if (!mk->set || newest > mk->newest)
		mk->newest = newest;
	int64_t from = (mk->newest < now ? mk->newest : now) - MARK_SLACK_MS;
	if (!mk->set || from > mk->from)
		mk->from = from;
	mk->set = true;
}

static void observe_reports(struct wf_notify *n, const struct wf_model *m, bool quiet,
			    int64_t now)
{
	size_t cnt = wf_model_count_reports(m);
	if (!grow_buf(n, cnt + 1))
		return;
	const struct wf_report **list = (const struct wf_report **)n->buf;
	cnt = wf_model_reports(m, NULL, list, cnt + 1);
	size_t k = 0;
	while (k < cnt && !mark_below(&n->reports_mark, list[k]->created_at))
		k++;
	for (size_t i = k; i-- > 0;) {
		bool created;
		n->stats.walked++;
		if (!seen_touch(&n->reports, list[i]->id, &created))
			return;
		if (!created || quiet)
			continue;
		watch_check(n, WF_WATCH_REPORT, list[i]->text,
			    wf_report_kind_name(list[i]->kind), now);
		watch_platform(n, m, list[i]->platform_id, "in a report", now);
	}
	mark_raise(&n->reports_mark, cnt, cnt ? list[0]->created_at : 0, now);
	seen_sweep(&n->reports);
}

static void observe_signals(struct wf_notify *n, const struct wf_model *m, bool quiet,
			    int64_t now)
{
	size_t cnt = wf_model_count_signals(m);
	if (!grow_buf(n, cnt + 1))
		return;
	const struct wf_signal **list = (const struct wf_signal **)n->buf;
	cnt = wf_model_signals(m, NULL, list, cnt + 1);
	size_t k = 0;
	while (k < cnt && !mark_below(&n->signals_mark, list[k]->added_at))
		k++;
	for (size_t i = k; i-- > 0;) {
		bool created;
		n->stats.walked++;
		if (!seen_touch(&n->signals, list[i]->id, &created))
			return;
		if (!created || quiet)
			continue;
		watch_check(n, WF_WATCH_HASH, list[i]->value,
			    wf_hash_type_name(list[i]->type), now);
		watch_platform(n, m, list[i]->platform_id, "contributed a signal", now);
	}
	mark_raise(&n->signals_mark, cnt, cnt ? list[0]->added_at : 0, now);
	seen_sweep(&n->signals);
}

/* Unmatched uploads (a new variant spreading): the feed's entries newer than the
 * last one looked at, checked on their platform's name, else id. */
static void observe_unmatched(struct wf_notify *n, const struct wf_model *m, bool quiet,
			      int64_t now)
{
	struct wf_feed_item f[64];
	size_t cnt = wf_model_feed(m, NULL, f, 64);
	uint64_t newest = n->unmatched_serial;
	for (size_t i = cnt; i-- > 0;) {
		if (!f[i].unmatched || f[i].serial <= n->unmatched_serial)
			continue;
		if (f[i].serial > newest)
			newest = f[i].serial;
		n->stats.walked++;
		if (quiet)
			continue;
		char ctx[160];
		if (f[i].nearest_id[0])
			snprintf(ctx, sizeof ctx, "unmatched %s upload x%lld, near %s (d=%d)",
				 wf_hash_type_name(f[i].hash_type), (long long)f[i].count,
				 f[i].nearest_id, f[i].distance);
		else
			snprintf(ctx, sizeof ctx, "unmatched %s upload x%lld",
				 wf_hash_type_name(f[i].hash_type), (long long)f[i].count);
		const char *name = platform_name(m, f[i].platform_id);
		size_t r;
		if (name && wf_watch_match_ex(n->cfg.rules, WF_WATCH_UNMATCHED, name,
					      strlen(name), &r))
			watch_check(n, WF_WATCH_UNMATCHED, name, ctx, now);
		else
			watch_check(n, WF_WATCH_UNMATCHED, f[i].platform_id, ctx, now);
	}
	n->unmatched_serial = newest;
}

/* Whether the model is worth comparing now. Never while a snapshot is being read
 * (the model may be half reset); the first look waits for a synced model (live,
 * polling or replay), so the opening snapshot is recorded, not notified. */
static bool model_synced(const struct wf_notify *n, const struct wf_model *m)
{
	enum wf_conn_state s = wf_model_conn(m)->state;
	if (s == WF_CONN_CONNECTING)
		return false;
	if (!n->primed)
		return s == WF_CONN_LIVE || s == WF_CONN_POLLING || s == WF_CONN_REPLAY;
	return true;
}

static void look(struct wf_notify *n, const struct wf_model *m, bool changed,
		 int64_t now)
{
	bool quiet = !n->primed;
	if (changed) {
		n->stats.looks++;
		n->looked_at = now;
		n->look_at = 0;
		observe_incidents(n, m, quiet, now);
	}
	if (changed || now - n->due_checked >= DUE_CHECK_MS) {
		observe_decisions(n, m, quiet, now);
		n->due_checked = now;
	}
	const struct wf_watch_rules *r = n->cfg.rules;
	bool plat = wf_watch_has_field(r, WF_WATCH_PLATFORM);
	if (changed && (plat || wf_watch_has_field(r, WF_WATCH_REPORT)))
		observe_reports(n, m, quiet, now);
	if (changed && (plat || wf_watch_has_field(r, WF_WATCH_HASH)))
		observe_signals(n, m, quiet, now);
	if (changed && wf_watch_has_field(r, WF_WATCH_UNMATCHED))
		observe_unmatched(n, m, quiet, now);
	n->generation = wf_model_generation(m);
	n->primed = true;
}

void wf_notify_observe(struct wf_notify *n, const struct wf_model *m, int64_t now)
{
	if (!n)
		return;
	if (n->enabled && m && model_synced(n, m)) {
		bool changed = !n->primed || wf_model_generation(m) != n->generation;
		/* A change within observe_ms of the last look waits for the interval
		 * to end (a clock set back does not make it wait longer). */
		if (changed && n->primed && now >= n->looked_at &&
		    now - n->looked_at < n->cfg.observe_ms)
			n->look_at = n->looked_at + n->cfg.observe_ms;
		else
			look(n, m, changed, now);
	} else {
		n->look_at = 0; /* nothing to look at: no deadline for it */
	}
	wf_notify_tick(n, now);
}
