/* textframe.c - text frames for --batch (see textframe.h). */
#include "textframe.h"

#include <string.h>

#include "tui/panes/look.h"
#include "widgets/format.h"
#include "widgets/spark.h"
#include "widgets/text.h"

#define TF_ROWS 20

/* Writes s sanitized in exactly cols columns (left or right aligned). */
static void col(FILE *out, const char *s, int cols, bool right, bool ascii)
{
	char buf[1024];
	int used = wf_text_sanitize(s ? s : "", s ? strlen(s) : 0, cols, ascii, buf,
				    sizeof(buf));
	if (right)
		fprintf(out, "%*s%s", cols - used, "", buf);
	else
		fprintf(out, "%s%*s", buf, cols - used, "");
}

static void header(const struct wf_model *m, int64_t now, FILE *out, bool ascii)
{
	const struct wf_conn *c = wf_model_conn(m);
	char clk[16], age[16] = "-";
	wf_fmt_clock(now, clk, sizeof(clk));
	if (c->last_event > 0)
		wf_fmt_duration(now - c->last_event, age, sizeof(age));
	int64_t hb = c->heartbeat_s > 0 ? c->heartbeat_s : 15;
	bool stale = c->last_event > 0 && now - c->last_event > 2 * hb * 1000;
	fprintf(out, "watchfloor %sZ  %s  data %s%s  lag %lldms  %.1f ev/s  cursor %lld",
		clk, wf_conn_state_name(c->state), age, stale ? " (OLD)" : "",
		(long long)c->lag_ms, c->events_per_s, (long long)wf_model_cursor(m));
	if (c->message[0] && c->state != WF_CONN_LIVE) {
		fputs("  ", out);
		col(out, c->message, 60, false, ascii);
	}
	char note[200];
	if (wf_model_caps_note(m, note, sizeof(note))) {
		fputs("  ", out);
		col(out, note, (int)strlen(note), false, ascii);
	}
	fputc('\n', out);
}

static void incidents(const struct wf_model *m, int64_t now, int width, FILE *out,
		      bool ascii)
{
	const struct wf_incident *v[TF_ROWS];
	size_t n = wf_model_incidents(m, WF_SORT_INC_SEVERITY, now, v, TF_ROWS);
	int tw = width - 13 - 26;
	fprintf(out, "\nINCIDENTS (%zu)\n", wf_model_count_incidents(m));
	fprintf(out, "TIER STATE   ");
	col(out, "TITLE", tw, false, ascii);
	fprintf(out, " %5s %7s %5s %5s\n", "AGE", "UP/MIN", "PLAT", "BLK");
	for (size_t i = 0; i < n; i++) {
		char tier[16], age[16], rate[16], blk[16];
		struct wf_rates r;
		enum wf_role role;
		wf_look_tier(v[i], tier, sizeof(tier));
		wf_model_rates(m, v[i]->id, NULL, now, &r);
		wf_fmt_duration(now - v[i]->opened_at, age, sizeof(age));
		wf_fmt_count(r.rate1, rate, sizeof(rate));
		wf_fmt_percent(r.blocked_share15, blk, sizeof(blk));
		fprintf(out, "%-4s %-7s ", tier, wf_look_state(v[i]->state));
		col(out, v[i]->title, tw, false, ascii);
		fprintf(out, " %5s %6s%s %5d %5s\n", age, rate,
			wf_look_trend(r.accel, r.rate5, ascii, &role),
			wf_look_platforms_hit(m, v[i]->id, now), blk);
	}
}

static void platforms(const struct wf_model *m, int64_t now, int width, FILE *out,
		      bool ascii)
{
	const struct wf_platform *v[TF_ROWS];
	size_t n = wf_model_platforms(m, WF_SORT_PLAT_RATE, NULL, now, v, TF_ROWS);
	int nw = width - 46;
	fprintf(out, "\nPLATFORMS (%zu)\n", wf_model_count_platforms(m));
	col(out, "PLATFORM", nw, false, ascii);
	fprintf(out, "%6s %7s %7s %5s %7s %6s\n", "1M", "15M", "24H", "BLK", "REMVD", "LAST");
	for (size_t i = 0; i < n; i++) {
		struct wf_rates r;
		char a[16], b[16], d[16], e[16], f[16], g[16] = "-";
		wf_model_rates(m, NULL, v[i]->id, now, &r);
		wf_fmt_count((double)r.last1.attempts, a, sizeof(a));
		wf_fmt_count((double)r.last15.attempts, b, sizeof(b));
		wf_fmt_count((double)r.last24h.attempts, d, sizeof(d));
		wf_fmt_percent(r.blocked_share15, e, sizeof(e));
		wf_fmt_count((double)r.last24h.removed, f, sizeof(f));
		if (r.last_seen > 0)
			wf_fmt_duration(r.last_seen >= now ? 0 : now - r.last_seen, g, sizeof(g));
		col(out, v[i]->name, nw, false, ascii);
		fprintf(out, "%6s %7s %7s %5s %7s %6s%s\n", a, b, d, e, f, g,
			wf_look_platform_quiet(v[i], &r, now) ? " QUIET" : "");
	}
}

static void propagation(const struct wf_model *m, int64_t now, int width, FILE *out,
			bool ascii)
{
	const struct wf_incident *v[1];
	double s[WF_MINUTES];
	char spark[4 * WF_MINUTES + 1], d[16];
	if (wf_model_incidents(m, WF_SORT_INC_SEVERITY, now, v, 1) == 0)
		return;
	struct wf_rates r;
	wf_model_rates(m, v[0]->id, NULL, now, &r);
	fprintf(out, "\nPROPAGATION %s  ", v[0]->id);
	col(out, v[0]->title, width - 14 - (int)strlen(v[0]->id), false, ascii);
	if (r.doubling_min > 0)
		wf_fmt_duration((int64_t)(r.doubling_min * 60000), d, sizeof(d));
	else
		snprintf(d, sizeof(d), "-");
	char blk[16];
	wf_fmt_percent(r.blocked_share15, blk, sizeof(blk));
	fprintf(out, "\nrate/min %.1f %.1f %.1f  accel %+.1f  doubling %s  blocked %s  "
		     "new variants/h %.0f\n",
		r.rate1, r.rate5, r.rate15, r.accel, d, blk, r.variants_per_hour);
	int sw = width - 10 < WF_MINUTES ? width - 10 : WF_MINUTES;
	wf_model_series(m, v[0]->id, NULL, now, WF_SERIES_ATTEMPTS, s);
	wf_spark_render(s, WF_MINUTES, sw, 0, ascii, false, spark, sizeof(spark));
	fprintf(out, "uploads   %s\n", spark);
}

static void decisions(const struct wf_model *m, int64_t now, int width, FILE *out,
		      bool ascii)
{
	const struct wf_decision *v[TF_ROWS];
	size_t n = wf_model_open_decisions(m, WF_SORT_DEC_DUE, NULL, v, TF_ROWS);
	int sw = width - 11 - 27;
	fprintf(out, "\nPENDING DECISIONS (%zu)\n", wf_model_count_open_decisions(m));
	fprintf(out, "P KIND     ");
	col(out, "SUBJECT", sw, false, ascii);
	fprintf(out, " %9s ", "DUE");
	col(out, "PROPOSER", 12, false, ascii);
	fprintf(out, " %3s\n", "V");
	for (size_t i = 0; i < n; i++) {
		char due[24], t[16];
		int64_t left = v[i]->due_at - now;
		wf_fmt_duration(left < 0 ? -left : left, t, sizeof(t));
		snprintf(due, sizeof(due), "%s%s", left < 0 ? "OVER " : "", t);
		fprintf(out, "%s %-8s ",
			v[i]->priority == WF_PRIO_HIGH ? "!" : v[i]->priority == WF_PRIO_LOW ? "." : " ",
			wf_look_kind(v[i]->kind));
		col(out, v[i]->subject, sw, false, ascii);
		fprintf(out, " %9s ", due);
		col(out, v[i]->proposer, 12, false, ascii);
		fprintf(out, " %3zu\n", v[i]->n_votes);
	}
}

int wf_text_frame(const struct wf_model *m, int64_t now, int width, FILE *out)
{
	bool ascii = wf_text_ascii_locale();
	if (width < 60)
		width = 60;
	if (width > 400)
		width = 400;
	header(m, now, out, ascii);
	incidents(m, now, width, out, ascii);
	platforms(m, now, width, out, ascii);
	propagation(m, now, width, out, ascii);
	decisions(m, now, width, out, ascii);
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}
