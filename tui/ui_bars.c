/* ui_bars.c - the status bar (connection, data age, lag, events/s, outbox, [RO] or
 * [RW], user and role, UTC clock), the message / prompt line, the tab strip of the
 * single-pane layout and the `?` help screen generated from the action table. */
#include <stdio.h>
#include <string.h>

#include "net/outbox.h"
#include "themes/theme.h"
#include "tui/keymap.h"
#include "ui.h"
#include "widgets/format.h"
#include "widgets/frame.h"
#include "widgets/text.h"

static enum wf_role conn_role(enum wf_conn_state s)
{
	switch (s) {
	case WF_CONN_LIVE:
	case WF_CONN_POLLING:
	case WF_CONN_REPLAY:
		return WF_ROLE_CONN_LIVE;
	case WF_CONN_CONNECTING:
	case WF_CONN_RECONNECTING:
		return WF_ROLE_CONN_RECONNECTING;
	case WF_CONN_AUTH_FAILED:
		return WF_ROLE_CONN_AUTH;
	default:
		return WF_ROLE_CONN_OFFLINE;
	}
}

/* Appends a segment; returns the new column. */
static int seg(WINDOW *w, int x, const char *s, int attr)
{
	int room = getmaxx(w) - x;
	if (room <= 1)
		return x;
	x += wf_text_draw(w, 0, x, s, room, attr);
	if (x < getmaxx(w))
		mvwaddch(w, 0, x, ' ' | (chtype)wf_theme_attr(WF_ROLE_STATUS_BAR));
	return x + 1;
}

void wf_ui_draw_status(struct wf_ui *ui, WINDOW *w)
{
	const struct wf_conn *cn = wf_model_conn(ui->model);
	int bar = wf_theme_attr(WF_ROLE_STATUS_BAR), warn = wf_theme_attr(WF_ROLE_STATUS_WARN);
	char buf[200], a[32];
	int x = 0;
	werase(w);
	wbkgdset(w, ' ' | (chtype)bar);
	werase(w);
	snprintf(buf, sizeof(buf), "%s%s", ui->ascii ? "* " : "● ",
		 wf_conn_state_name(cn->state));
	if (cn->state == WF_CONN_RECONNECTING && cn->attempt > 0) {
		size_t n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, " #%d", cn->attempt);
		if (cn->next_try > ui->now) {
			wf_fmt_duration(cn->next_try - ui->now, a, sizeof(a));
			n = strlen(buf);
			snprintf(buf + n, sizeof(buf) - n, " in %s", a);
		}
	}
	x = seg(w, x, buf, wf_theme_attr(conn_role(cn->state)) | A_REVERSE);
	if (cn->n_backends > 1) {
		/* Replicas: which one this dashboard is on (the URL without scheme). */
		const char *b = strstr(cn->backend, "://");
		char host[80];
		const char *hs = b ? b + 3 : cn->backend;
		wf_text_sanitize(hs, strlen(hs), 40, ui->ascii, host, sizeof(host));
		snprintf(buf, sizeof(buf), "via %s %d/%d", host, cn->backend_index,
			 cn->n_backends);
		x = seg(w, x, buf, bar);
	}
	if (cn->last_event > 0) {
		int64_t age = ui->now - cn->last_event;
		int64_t hb = cn->heartbeat_s > 0 ? cn->heartbeat_s : 15;
		wf_fmt_duration(age < 0 ? 0 : age, a, sizeof(a));
		bool stale = age > 2 * hb * 1000;
		snprintf(buf, sizeof(buf), "data %s%s", a, stale ? " OLD!" : "");
		x = seg(w, x, buf, stale ? warn : bar);
	} else {
		x = seg(w, x, "no data yet", warn);
	}
	snprintf(buf, sizeof(buf), "lag %lldms  %.1f ev/s", (long long)cn->lag_ms,
		 cn->events_per_s);
	x = seg(w, x, buf, bar);
	if (ui->outbox) {
		size_t n = wf_outbox_count(ui->outbox);
		size_t bad = wf_outbox_count_state(ui->outbox, WF_OUTBOX_CONFLICT) +
			     wf_outbox_count_state(ui->outbox, WF_OUTBOX_FAILED);
		size_t held = wf_outbox_count_state(ui->outbox, WF_OUTBOX_HELD);
		snprintf(buf, sizeof(buf), "outbox %zu", n);
		if (held)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " (%zu held)",
				 held);
		if (bad)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), " (%zu need you)",
				 bad);
		/* Lines of the outbox file that could not be read at start: kept in
		 * outbox.log.corrupt, shown until the dashboard restarts. */
		size_t corrupt = wf_outbox_corrupt_count(ui->outbox);
		if (corrupt)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 " (%zu unreadable, see o)", corrupt);
		x = seg(w, x, buf, bad || corrupt ? warn : bar);
	} else {
		x = seg(w, x, "outbox -", bar);
	}
	x = seg(w, x, ui->read_only ? "[RO]" : "[RW]", bar | A_BOLD);
	if (cn->user[0]) {
		snprintf(buf, sizeof(buf), "%s/%s", cn->user, cn->role[0] ? cn->role : "?");
		x = seg(w, x, buf, bar);
	}
	if (ui->paused) {
		snprintf(buf, sizeof(buf), "PAUSED +%llu",
			 (unsigned long long)(wf_model_generation(ui->model) - ui->paused_gen));
		x = seg(w, x, buf, warn);
	}
	if (ui->context_id[0]) {
		snprintf(buf, sizeof(buf), "ctx %s", ui->context_id);
		x = seg(w, x, buf, bar);
	}
	/* What the caps keep out is never hidden: "+45 incidents not shown, cap 256". */
	if (wf_model_caps_note(ui->model, buf, sizeof(buf)))
		x = seg(w, x, buf, warn);
	if (cn->message[0] && cn->state != WF_CONN_LIVE)
		x = seg(w, x, cn->message, warn);
	wf_fmt_clock(ui->now, a, sizeof(a));
	snprintf(buf, sizeof(buf), " %sZ", a);
	int cw = (int)strlen(buf);
	if (getmaxx(w) - cw > x)
		wf_text_draw(w, 0, getmaxx(w) - cw, buf, cw, bar | A_BOLD);
	wnoutrefresh(w);
}

static const char *prompt_label(const struct wf_ui *ui, char *buf, size_t size)
{
	const struct wf_action_def *d;
	switch (ui->prompt) {
	case WF_PROMPT_FILTER:
		return "/";
	case WF_PROMPT_COMMAND:
		return ":";
	case WF_PROMPT_REASON:
		d = wf_action_def(ui->triage.action);
		if (ui->triage.n == 1 && (ui->triage.action == WF_ACTION_APPROVE ||
					    ui->triage.action == WF_ACTION_REJECT)) {
			/* the officer sees that the organisation already voted, before voting */
			const struct wf_decision *dec = wf_model_decision(ui->model, ui->triage.ids[0]);
			const char *org = wf_model_conn(ui->model)->org;
			enum wf_vote_action v = dec && org[0] ? wf_decision_org_vote(dec, org)
							      : WF_VOTE__COUNT;
			if (v != WF_VOTE__COUNT) {
				snprintf(buf, size, "%s %s (your org already %s: will not count) reason: ",
					 d->name, ui->triage.ids[0],
					 v == WF_VOTE_APPROVE ? "approved" : "rejected");
				return buf;
			}
		}
		if (ui->triage.n == 1)
			snprintf(buf, size, "%s %s%s: ", d->name, ui->triage.ids[0],
				 ui->triage.action == WF_ACTION_APPROVE ||
						 ui->triage.action == WF_ACTION_TRIAGE
					 ? " reason (optional)"
					 : " reason");
		else
			snprintf(buf, size, "%s %zu tagged %s, reason: ", d->name, ui->triage.n,
				 (d->flags & WF_ACT_REPORTS) ? "reports" : "decisions");
		return buf;
	default:
		return "";
	}
}

/* The hint bar: the first key in force of the actions an officer needs most (the
 * config's bind lines change it; an unbound action is left out). */
static void hint_text(bool read_only, char *out, size_t size)
{
	static const struct {
		enum wf_action a;
		const char *label;
		bool rw_only, ro_only;
	} hints[] = {
		{WF_ACTION_HELP, "help", false, false},
		{WF_ACTION_NEXT_PANE, "pane", false, false},
		{WF_ACTION_DOWN, "move", false, true},
		{WF_ACTION_OPEN, "detail", false, false},
		{WF_ACTION_FILTER, "filter", false, false},
		{WF_ACTION_SORT, "sort", false, true},
		{WF_ACTION_CONTEXT, "context", false, true},
		{WF_ACTION_APPROVE, "approve", true, false},
		{WF_ACTION_REJECT, "reject", true, false},
		{WF_ACTION_ESCALATE, "escalate", true, false},
		{WF_ACTION_NOTE, "note", true, false},
		{WF_ACTION_TRIAGE, "triage", true, false},
		{WF_ACTION_DISMISS, "dismiss", true, false},
		{WF_ACTION_DECLARE, "declare", true, false},
		{WF_ACTION_PROPOSE, "propose", true, false},
		{WF_ACTION_NOTES, "notes", true, false},
		{WF_ACTION_TAG, "tag", true, false},
		{WF_ACTION_TAG_APPLY, "all-tagged", true, false},
		{WF_ACTION_UNDO, "undo", true, false},
		{WF_ACTION_OUTBOX, "outbox", true, false},
		{WF_ACTION_PAUSE, "pause", false, true},
		{WF_ACTION_QUIT, "quit", false, false},
	};
	const struct wf_keymap *km = wf_keymap_current();
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if ((hints[i].rw_only && read_only) || (hints[i].ro_only && !read_only))
			continue;
		char keys[64];
		wf_keymap_keys_text(km, hints[i].a, keys, sizeof(keys));
		if (!keys[0])
			continue;
		keys[strcspn(keys, " ")] = '\0'; /* the first one */
		size_t len = strlen(out);
		snprintf(out + len, size - len, "%s%s:%s", len ? "  " : "", keys, hints[i].label);
	}
}

void wf_ui_draw_msgline(struct wf_ui *ui, WINDOW *w)
{
	char label[160];
	int t = wf_theme_attr(WF_ROLE_TEXT);
	werase(w);
	if (ui->prompt == WF_PROMPT_CONFIRM || ui->prompt == WF_PROMPT_QUIT) {
		wf_text_draw(w, 0, 0, ui->prompt_buf, getmaxx(w) - 1,
			     wf_theme_attr(WF_ROLE_PROMPT));
		wnoutrefresh(w);
		return;
	}
	if (ui->prompt != WF_PROMPT_NONE) {
		int x = wf_text_draw(w, 0, 0, prompt_label(ui, label, sizeof(label)),
				     getmaxx(w) / 2, wf_theme_attr(WF_ROLE_PROMPT));
		int room = getmaxx(w) - x - 1;
		int bw = wf_text_width(ui->prompt_buf);
		const char *b = ui->prompt_buf;
		while (bw > room && *b) { /* show the end of a long input */
			b++;
			while ((*b & 0xC0) == 0x80)
				b++;
			bw = wf_text_width(b);
		}
		x += wf_text_draw(w, 0, x, b, room, t);
		if (ui->prompt_err[0] && x + 3 < getmaxx(w)) {
			wf_text_draw(w, 0, x + 2, ui->prompt_err, getmaxx(w) - x - 3,
				     wf_theme_attr(WF_ROLE_ERROR));
		}
		wmove(w, 0, x);
		wnoutrefresh(w);
		return;
	}
	if (ui->msg[0]) {
		wf_text_draw(w, 0, 0, ui->msg, getmaxx(w) - 1, wf_theme_attr(ui->msg_role));
	} else if (ui->tag_prefix) {
		wf_text_draw(w, 0, 0, "; the next action applies to every tagged row",
			     getmaxx(w) - 1, wf_theme_attr(WF_ROLE_PROMPT));
	} else {
		char hint[512];
		hint_text(ui->read_only, hint, sizeof(hint));
		wf_text_draw(w, 0, 0, hint, getmaxx(w) - 1, wf_theme_attr(WF_ROLE_DIM));
	}
	wnoutrefresh(w);
}

void wf_ui_draw_tabs(struct wf_ui *ui, WINDOW *w)
{
	int x = 0, full = 0;
	werase(w);
	for (int i = 0; i < WF_UI_PANES; i++) /* too wide: short names but the focused */
		full += (int)strlen(ui->panes[i].ops->name) + 10;
	for (int i = 0; i < WF_UI_PANES; i++) {
		char buf[64];
		bool shrt = full > getmaxx(w) && i != ui->focus;
		snprintf(buf, sizeof(buf), " %d %.*s (%zu) ", i + 1, shrt ? 4 : 32,
			 ui->panes[i].ops->name, ui->panes[i].n);
		int a = wf_theme_attr(i == ui->focus ? WF_ROLE_PANE_TITLE_FOCUS
						     : WF_ROLE_PANE_TITLE);
		x += wf_text_draw(w, 0, x, buf, getmaxx(w) - x, a) + 1;
	}
	if (x + 14 < getmaxx(w))
		wf_text_draw(w, 0, x, "Tab/1-5 switch", getmaxx(w) - x,
			     wf_theme_attr(WF_ROLE_DIM));
	wnoutrefresh(w);
}

void wf_ui_draw_help(struct wf_ui *ui, WINDOW *w)
{
	int rows = getmaxy(w) - 2;
	werase(w);
	wf_frame_draw(w, "Help: the keys in force (action table + config bind lines)",
		      ui->read_only ? "read-only: greyed actions are refused" : "Esc/? close",
		      wf_theme_attr(WF_ROLE_PANE_TITLE), wf_theme_attr(WF_ROLE_PANE_TITLE_FOCUS));
	if (ui->help_skip > WF_ACTION__COUNT - rows)
		ui->help_skip = WF_ACTION__COUNT - rows > 0 ? WF_ACTION__COUNT - rows : 0;
	for (int r = 0; r < rows && ui->help_skip + r < WF_ACTION__COUNT; r++) {
		const struct wf_action_def *d = wf_action_def((enum wf_action)(ui->help_skip + r));
		bool off = ui->read_only && (d->flags & WF_ACT_MUTATES);
		char keys[64];
		wf_keymap_keys_text(wf_keymap_current(), d->action, keys, sizeof(keys));
		if (!keys[0]) /* no key: its `:` command (a "-" read as the key -) */
			snprintf(keys, sizeof(keys), ":%s", d->name);
		int y = r + 1;
		int ka = off ? wf_theme_attr(WF_ROLE_HELP_DISABLED) : wf_theme_attr(WF_ROLE_HELP_KEY);
		int ta = off ? wf_theme_attr(WF_ROLE_HELP_DISABLED) : wf_theme_attr(WF_ROLE_TEXT);
		wf_text_draw(w, y, 2, keys, 18, ka);
		wf_text_draw(w, y, 21, d->name, 12, ta);
		char help[200];
		snprintf(help, sizeof(help), "%s%s%s", d->help,
			 (d->flags & WF_ACT_MUTATES) ? "  [sends]" : "",
			 off ? "  (read-only: off)" : "");
		wf_text_draw(w, y, 34, help, getmaxx(w) - 36, ta);
	}
	wnoutrefresh(w);
}

void wf_ui_draw_outbox(struct wf_ui *ui, WINDOW *w)
{
	const struct wf_outbox_record *r[256];
	int t = wf_theme_attr(WF_ROLE_TEXT), e = wf_theme_attr(WF_ROLE_ERROR);
	int rows = getmaxy(w) - 2, cols = getmaxx(w) - 4;
	werase(w);
	wf_frame_draw(w, "Outbox: your actions not yet acknowledged by the server",
		      "u undo last  D drop refused/conflicts  Esc close",
		      wf_theme_attr(WF_ROLE_PANE_TITLE), wf_theme_attr(WF_ROLE_PANE_TITLE_FOCUS));
	if (!ui->outbox) {
		wf_text_draw(w, 1, 2, "(no outbox: nothing can be sent from this view)", cols,
			     wf_theme_attr(WF_ROLE_DIM));
		wnoutrefresh(w);
		return;
	}
	size_t n = wf_outbox_list(ui->outbox, r, 256);
	int y = 1;
	if (wf_outbox_corrupt_count(ui->outbox)) {
		char msg[600];
		snprintf(msg, sizeof(msg),
			 "%zu unreadable line(s) at start, copied to %s.corrupt: check them "
			 "by hand, they were not sent",
			 wf_outbox_corrupt_count(ui->outbox), wf_outbox_path(ui->outbox));
		wf_text_draw(w, y++, 2, msg, cols, e);
	}
	if (n == 0)
		wf_text_draw(w, y++, 2, "(empty: every action was acknowledged)", cols,
			     wf_theme_attr(WF_ROLE_DIM));
	for (size_t i = 0; i < n && y <= rows; i++) {
		char line[400], clk[16], when[16] = "";
		wf_fmt_clock(r[i]->created_at, clk, sizeof(clk));
		if (r[i]->state == WF_OUTBOX_HELD && r[i]->hold_until > ui->now)
			wf_fmt_duration(r[i]->hold_until - ui->now, when, sizeof(when));
		else if (r[i]->state == WF_OUTBOX_QUEUED && r[i]->next_try > ui->now)
			wf_fmt_duration(r[i]->next_try - ui->now, when, sizeof(when));
		snprintf(line, sizeof(line), "%sZ  %-8s %-9s %-5s %s", clk, r[i]->kind,
			 wf_outbox_state_name(r[i]->state), when, r[i]->path ? r[i]->path : "");
		bool bad = r[i]->state == WF_OUTBOX_CONFLICT || r[i]->state == WF_OUTBOX_FAILED;
		wf_text_draw(w, y++, 2, line, cols, bad ? e : t);
		if (r[i]->message[0] && y <= rows) {
			wf_text_draw(w, y++, 6, r[i]->message, cols - 4, bad ? e : t);
		}
	}
	wnoutrefresh(w);
}
