/* export_md.c - the incident record (GET /v1/incidents/{id}/record) as Markdown for
 * the debrief: header, figures, per platform, variants over time, decisions with
 * every vote, exceptions, notifications, signals and the timeline. Everything in
 * the record came over the network: each text goes through the sanitizer
 * (controls, bidi overrides, invalid UTF-8 replaced) and then Markdown's own
 * escaping, so no report can add a heading, a link, HTML or a table column. */
#include "export.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "widgets/sanitize.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* One line of untrusted text, sanitized and escaped. The pipe and '#' are escaped
 * everywhere (a table column, a heading's closing sequence). start says whether
 * this is the start of a Markdown line: there leading spaces are dropped (up to
 * three still let '#', '-', '1.' or '1)' start a block; four make code) and the
 * first character is escaped when it would start a block. */
static void md_line(FILE *f, const char *s, size_t n, bool start)
{
	size_t cap = n * 3 + 8;
	char *safe = malloc(cap * 2);
	if (!safe)
		return;
	wf_text_sanitize(s, n, -1, false, safe, cap * 2);
	const char *begin = safe;
	if (start)
		begin += strspn(begin, " ");
	size_t digits = strspn(begin, "0123456789");
	for (const char *p = begin; *p; p++) {
		char c = *p;
		bool at_start = start && p == begin;
		if (strchr("\\`*_[]<>|~&{}#", c) || (at_start && strchr("-+=>", c)) ||
		    (start && digits && p == begin + digits &&
		     (c == '.' || c == ')')) ||
		    (c == '!' && p[1] == '['))
			fputc('\\', f);
		fputc(c, f);
	}
	free(safe);
}

/* Untrusted text in a table cell or inline: lines joined with " / ". */
static void md_inline(FILE *f, const char *s)
{
	if (!s || !*s) {
		fputs("-", f);
		return;
	}
	bool first = true;
	while (*s) {
		size_t n = strcspn(s, "\r\n");
		if (n) {
			if (!first)
				fputs(" / ", f);
			md_line(f, s, n, first);
			first = false;
		}
		s += n;
		while (*s == '\r' || *s == '\n')
			s++;
	}
	if (first)
		fputs("-", f);
}

/* Untrusted text as paragraphs (blank lines kept as paragraph breaks). */
static void md_block(FILE *f, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\r\n");
		if (n) {
			md_line(f, s, n, true);
			fputs("  \n", f);
		} else {
			fputs("\n", f);
		}
		s += n;
		if (*s == '\r')
			s++;
		if (*s == '\n')
			s++;
	}
}

static void md_field(FILE *f, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		md_inline(f, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%" PRId64, (int64_t)json_integer_value(v));
	else
		fputs("-", f);
}

static void md_int(FILE *f, json_t *o, const char *key)
{
	fprintf(f, "%" PRId64, (int64_t)json_integer_value(json_object_get(o, key)));
}

static void md_duration(FILE *f, json_t *v)
{
	if (!json_is_integer(v)) {
		fputs("-", f);
		return;
	}
	int64_t ms = json_integer_value(v), s = (ms < 0 ? -ms : ms) / 1000;
	if (ms < 0)
		fputs("-", f);
	if (s >= 3600)
		fprintf(f, "%" PRId64 " h %02" PRId64 " min %02" PRId64 " s", s / 3600,
			s / 60 % 60, s % 60);
	else if (s >= 60)
		fprintf(f, "%" PRId64 " min %02" PRId64 " s", s / 60, s % 60);
	else
		fprintf(f, "%" PRId64 ".%03" PRId64 " s", s,
			(ms < 0 ? -ms : ms) % 1000);
}

static void md_share(FILE *f, json_t *v)
{
	if (json_is_number(v))
		fprintf(f, "%.1f %%", json_number_value(v) * 100.0);
	else
		fputs("-", f);
}

static void header(FILE *f, json_t *rec)
{
	json_t *inc = json_object_get(rec, "incident");
	fputs("# Incident record: ", f);
	md_inline(f, str(inc, "title"));
	fputs("\n\n", f);
	fputs("- Incident: ", f);
	md_field(f, inc, "id");
	fputs("\n- Location: ", f);
	md_field(f, inc, "location");
	fputs("\n- Tier: ", f);
	md_field(f, inc, "tier");
	fputs(", state: ", f);
	md_field(f, inc, "state");
	fputs("\n- Record generated: ", f);
	md_field(f, rec, "generated_at");
	fputs(" from the command center's event log (events ", f);
	md_int(f, rec, "first_seq");
	fputs(" to ", f);
	md_int(f, rec, "cursor");
	fputs(")\n", f);
	if (!json_is_true(json_object_get(rec, "complete")))
		fputs("- **Incomplete**: older events were pruned from the server's "
		      "log; the "
		      "figures cover the events listed only.\n",
		      f);
	const char *summary = str(inc, "summary");
	if (summary && *summary) {
		fputs("\n## Summary\n\n", f);
		md_block(f, summary);
	}
}

static void figures(FILE *f, json_t *fig)
{
	json_t *t = json_object_get(fig, "totals");
	fputs("\n## Figures\n\n| Figure | Value |\n| --- | --- |\n", f);
	fputs("| Opened | ", f);
	md_field(f, fig, "opened_at");
	fputs(" |\n| Activated | ", f);
	md_field(f, fig, "activated_at");
	fputs(" |\n| Opening to activation | ", f);
	md_duration(f, json_object_get(fig, "time_to_activation_ms"));
	fputs(" |\n| Concluded | ", f);
	md_field(f, fig, "concluded_at");
	fputs(" |\n| Opening to conclusion | ", f);
	md_duration(f, json_object_get(fig, "time_to_conclusion_ms"));
	static const char *const rows[][2] = {
		{"Upload attempts", "attempts"},
		{"Blocked at upload", "blocked"},
		{"Removed", "removed"},
		{"Kept", "kept"},
		{"Kept under a public-interest exception", "kept_exception"},
		{"Pending review", "pending"},
		{"Uploads matching no signal (given by hash)", "unmatched"},
		{"Of which near misses", "near_misses"},
		{"Signals (hashes)", "signals"},
		{"Variants", "variants"},
		{"Platforms with sightings", "platforms"},
		{"Sighting batches", "sighting_batches"},
		{"Reports", "reports"},
		{"Situation notes", "situation_notes"},
		{"Decisions", "decisions"},
		{"Exceptions", "exceptions"},
		{"Authority notifications", "notifications"},
	};
	fputs(" |\n| Blocked share | ", f);
	md_share(f, json_object_get(t, "blocked_share"));
	fputs(" |\n", f);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fprintf(f, "| %s | ", rows[i][0]);
		md_int(f, t, rows[i][1]);
		fputs(" |\n", f);
	}
	json_t *bs = json_object_get(t, "decisions_by_state"), *v;
	const char *k;
	json_object_foreach(bs, k, v)
	{
		fputs("| Decisions ", f);
		md_inline(f, k);
		fprintf(f, " | %" PRId64 " |\n", (int64_t)json_integer_value(v));
	}
}

static int by_attempts(const void *a, const void *b)
{
	json_int_t x =
		json_integer_value(json_object_get(*(json_t *const *)a, "attempts"));
	json_int_t y =
		json_integer_value(json_object_get(*(json_t *const *)b, "attempts"));
	return x > y ? -1 : x < y;
}

static void platforms(FILE *f, json_t *fig)
{
	json_t *pl = json_object_get(fig, "platforms");
	size_t n = json_array_size(pl);
	fputs("\n## Per platform\n\n", f);
	if (n == 0) {
		fputs("No sightings.\n", f);
		return;
	}
	json_t **rows = malloc(n * sizeof(*rows));
	if (!rows)
		return;
	for (size_t i = 0; i < n; i++)
		rows[i] = json_array_get(pl, i);
	qsort(rows, n, sizeof(*rows), by_attempts);
	fputs("| Platform | First sighting | Time to first block | Attempts | Blocked "
	      "| "
	      "Removed | Kept | Pending | Blocked share | Peak per minute | Peak "
	      "minute |\n"
	      "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
	      "--- |\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		json_t *p = rows[i];
		fputs("| ", f);
		md_field(f, p, "name");
		fputs(" (", f);
		md_field(f, p, "platform_id");
		fputs(") | ", f);
		md_field(f, p, "first_sighting");
		fputs(" | ", f);
		md_duration(f, json_object_get(p, "time_to_first_block_ms"));
		static const char *const cols[] = {"attempts", "blocked", "removed",
						   "kept", "pending"};
		for (size_t c = 0; c < 5; c++) {
			fputs(" | ", f);
			md_int(f, p, cols[c]);
		}
		fputs(" | ", f);
		md_share(f, json_object_get(p, "blocked_share"));
		fputs(" | ", f);
		md_int(f, p, "peak_per_min");
		fputs(" | ", f);
		md_field(f, p, "peak_minute");
		fputs(" |\n", f);
	}
	free(rows);
}

static void variants(FILE *f, json_t *fig)
{
	json_t *vs = json_object_get(fig, "variants_over_time"), *v;
	size_t i;
	fputs("\n## Variants over time\n\n", f);
	if (json_array_size(vs) == 0) {
		fputs("No new variant.\n", f);
		return;
	}
	fputs("| Minute (UTC) | New variants | Total |\n| --- | ---: | ---: |\n", f);
	json_array_foreach(vs, i, v)
	{
		fputs("| ", f);
		md_field(f, v, "minute");
		fputs(" | ", f);
		md_int(f, v, "new_variants");
		fputs(" | ", f);
		md_int(f, v, "total");
		fputs(" |\n", f);
	}
}

static void decisions(FILE *f, json_t *rec)
{
	json_t *ds = json_object_get(rec, "decisions"), *d;
	size_t i;
	fputs("\n## Decisions\n", f);
	if (json_array_size(ds) == 0)
		fputs("\nNone.\n", f);
	json_array_foreach(ds, i, d)
	{
		fputs("\n### ", f);
		md_field(f, d, "id");
		fputs(": ", f);
		md_inline(f, str(d, "subject"));
		fputs("\n\n- Kind: ", f);
		md_field(f, d, "kind");
		fputs(", state: **", f);
		md_field(f, d, "state");
		fputs("**\n- Proposed by ", f);
		md_field(f, d, "proposer");
		fputs(" at ", f);
		md_field(f, d, "created_at");
		fputs(", due ", f);
		md_field(f, d, "due_at");
		fputs("\n- Quorum: ", f);
		json_t *need = json_object_get(d, "needed");
		fprintf(f, "%" PRId64 " organisation%s",
			json_is_integer(need) ? (int64_t)json_integer_value(need)
					      : (int64_t)1,
			json_is_integer(need) && json_integer_value(need) != 1 ? "s"
									       : "");
		const char *rat = str(d, "rationale");
		if (rat && *rat) {
			fputs("\n- Rationale: ", f);
			md_inline(f, rat);
		}
		const char *det = str(d, "detail");
		if (det && *det) {
			fputs("\n- Detail: ", f);
			md_inline(f, det);
		}
		fputs("\n", f);
		json_t *votes = json_object_get(d, "votes"), *v;
		size_t k;
		if (json_array_size(votes) == 0)
			continue;
		fputs("\n| Voter | Organisation | Action | Counted | Reason | At |\n"
		      "| --- | --- | --- | --- | --- | --- |\n",
		      f);
		json_array_foreach(votes, k, v)
		{
			json_t *counted = json_object_get(v, "counted");
			fputs("| ", f);
			md_field(f, v, "by");
			fputs(" | ", f);
			md_field(f, v, "org");
			fputs(" | ", f);
			md_field(f, v, "action");
			fprintf(f, " | %s | ",
				json_is_boolean(counted)
					? (json_is_true(counted) ? "yes" : "no")
					: "-");
			md_inline(f, str(v, "reason"));
			fputs(" | ", f);
			md_field(f, v, "at");
			fputs(" |\n", f);
		}
	}
}

static void join_md(FILE *f, json_t *arr)
{
	json_t *v;
	size_t i;
	if (json_array_size(arr) == 0)
		fputs("-", f);
	json_array_foreach(arr, i, v)
	{
		if (i)
			fputs(", ", f);
		md_inline(f, json_string_value(v));
	}
}

static void exceptions(FILE *f, json_t *rec)
{
	json_t *es = json_object_get(rec, "exceptions"), *e;
	json_t *ns = json_object_get(rec, "notifications");
	size_t i;
	fputs("\n## Public-interest exceptions\n\n", f);
	if (json_array_size(es) == 0)
		fputs("None.\n", f);
	json_array_foreach(es, i, e)
	{
		fputs("- ", f);
		md_field(f, e, "id");
		fputs(": ", f);
		md_field(f, e, "platform_id");
		fputs(" may keep ", f);
		if (str(e, "signal_id")) {
			fputs("signal ", f);
			md_field(f, e, "signal_id");
		} else {
			fputs("report ", f);
			md_field(f, e, "report_id");
		}
		fputs(", granted ", f);
		md_field(f, e, "granted_at");
		fputs(" by ", f);
		join_md(f, json_object_get(e, "granted_by"));
		fputs(" (decision ", f);
		md_field(f, e, "decision_id");
		fputs("): ", f);
		md_inline(f, str(e, "reason"));
		fputs("\n", f);
	}
	fputs("\n## Authority notifications\n\n", f);
	if (json_array_size(ns) == 0)
		fputs("None.\n", f);
	json_array_foreach(ns, i, e)
	{
		fputs("- ", f);
		md_field(f, e, "at");
		fputs(": ", f);
		md_inline(f, str(e, "authority"));
		fputs(" notified by ", f);
		md_field(f, e, "by");
		fputs(" (approved by ", f);
		join_md(f, json_object_get(e, "approved_by"));
		fputs("; decision ", f);
		md_field(f, e, "decision_id");
		fputs(")\n", f);
	}
}

#define SIGNALS_MAX 1000

static void signals(FILE *f, json_t *rec)
{
	json_t *ss = json_object_get(rec, "signals"), *s;
	size_t i;
	fputs("\n## Signals\n\n", f);
	if (json_array_size(ss) == 0) {
		fputs("None.\n", f);
		return;
	}
	fputs("| Signal | Type | Variant | New variant | Contributor | Added | First "
	      "sighting | State |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n",
	      f);
	json_array_foreach(ss, i, s)
	{
		if (i == SIGNALS_MAX)
			break;
		json_t *fs = json_object_get(s, "first_sighting");
		fputs("| ", f);
		md_field(f, s, "id");
		fputs(" | ", f);
		md_field(f, s, "type");
		fputs(" | ", f);
		md_field(f, s, "variant_id");
		fprintf(f, " | %s | ",
			json_is_true(json_object_get(s, "new_variant")) ? "yes" : "no");
		md_field(f, s, "contributor");
		fputs(" | ", f);
		md_field(f, s, "added_at");
		fputs(" | ", f);
		if (json_is_object(fs)) {
			md_field(f, fs, "at");
			fputs(" on ", f);
			md_field(f, fs, "platform_id");
		} else {
			fputs("not sighted", f);
		}
		fputs(" | ", f);
		md_field(f, s, "state");
		fputs(" |\n", f);
	}
	if (json_array_size(ss) > SIGNALS_MAX)
		fprintf(f, "\n%zu more signals: see the JSON export.\n",
			json_array_size(ss) - SIGNALS_MAX);
}

static void timeline(FILE *f, json_t *rec)
{
	json_t *tl = json_object_get(rec, "timeline"), *e;
	size_t i;
	fputs("\n## Timeline\n\n| Seq | Time (UTC) | What | Who | Detail |\n"
	      "| ---: | --- | --- | --- | --- |\n",
	      f);
	json_array_foreach(tl, i, e)
	{
		fputs("| ", f);
		md_int(f, e, "seq");
		fputs(" | ", f);
		md_field(f, e, "at");
		fputs(" | ", f);
		md_field(f, e, "kind");
		fputs(" | ", f);
		md_field(f, e, "by");
		fputs(" | ", f);
		md_inline(f, str(e, "text"));
		fputs(" |\n", f);
	}
}

char *wf_export_markdown(json_t *rec, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return NULL;
	json_t *fig = json_object_get(rec, "figures");
	header(f, rec);
	figures(f, fig);
	platforms(f, fig);
	variants(f, fig);
	decisions(f, rec);
	exceptions(f, rec);
	signals(f, rec);
	timeline(f, rec);
	fputs("\n_Exported by watchfloor from the backend's incident record._\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}
