/* sim_scenario.c - reads a scenario file: one step a line, "TIME VERB key=value ...",
 * values bare or "double quoted" (with \" and \\), '#' starts a comment line. */
#include "sim_scenario.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const verb_names[] = {
	[SIM_PLATFORM] = "platform", [SIM_INCIDENT] = "incident", [SIM_UPDATE] = "update",
	[SIM_SPREAD] = "spread",     [SIM_REPORT] = "report",     [SIM_DECISION] = "decision",
	[SIM_SIGNAL] = "signal",     [SIM_VOTE] = "vote",         [SIM_SIGHTING] = "sighting",
};

int scenario_parse_duration(const char *s, double *out)
{
	double total = 0;
	if (!s || !*s)
		return -1;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		if (end == s || v < 0)
			return -1;
		double unit = 1;
		switch (*end) {
		case 's': unit = 1; end++; break;
		case 'm': unit = 60; end++; break;
		case 'h': unit = 3600; end++; break;
		case 'd': unit = 86400; end++; break;
		case '\0': break;
		default: return -1;
		}
		total += v * unit;
		s = end;
	}
	*out = total;
	return 0;
}

/* Reads the next token (bare or quoted) from *p into buf; returns 0, 1 at end of
 * line, -1 on a malformed token. */
static int next_token(char **p, char *buf, size_t size)
{
	char *s = *p;
	size_t n = 0;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '\n' || *s == '\r')
		return 1;
	while (*s && !isspace((unsigned char)*s)) {
		if (*s == '"') {
			s++;
			while (*s && *s != '"') {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					s++;
				if (n + 1 < size)
					buf[n++] = *s;
				s++;
			}
			if (*s != '"')
				return -1;
			s++;
			continue;
		}
		if (n + 1 < size)
			buf[n++] = *s;
		s++;
	}
	buf[n] = '\0';
	*p = s;
	return 0;
}

static int parse_line(char *line, int lineno, struct sim_step *st, char *why,
		      size_t whysz)
{
	char tok[4200];
	char *p = line;
	if (next_token(&p, tok, sizeof(tok)) || scenario_parse_duration(tok, &st->at)) {
		snprintf(why, whysz, "expected a time (e.g. 0, 90s, 5m, 1h30m)");
		return -1;
	}
	if (next_token(&p, tok, sizeof(tok))) {
		snprintf(why, whysz, "expected a verb after the time");
		return -1;
	}
	int verb = -1;
	for (size_t i = 0; i < sizeof(verb_names) / sizeof(verb_names[0]); i++)
		if (strcmp(tok, verb_names[i]) == 0)
			verb = (int)i;
	if (verb < 0) {
		snprintf(why, whysz, "unknown verb '%.40s'", tok);
		return -1;
	}
	st->verb = (enum sim_verb)verb;
	st->line = lineno;
	st->args = json_object();
	int r;
	while ((r = next_token(&p, tok, sizeof(tok))) == 0) {
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok) {
			snprintf(why, whysz, "expected key=value, got '%.40s'", tok);
			return -1;
		}
		*eq = '\0';
		json_object_set_new(st->args, tok, json_string(eq + 1));
	}
	if (r < 0) {
		snprintf(why, whysz, "unterminated quoted value");
		return -1;
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct sim_step *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->line - y->line; /* stable: file order */
}

int scenario_load(const char *path, struct scenario *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof(*out));
	out->seed = 1;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: cannot open", path);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0, steps_cap = 0;
	int lineno = 0, rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0')
			continue;
		if (strncmp(s, "seed ", 5) == 0) {
			out->seed = (unsigned)strtoul(s + 5, NULL, 10);
			continue;
		}
		if (out->n_steps == steps_cap) {
			steps_cap = steps_cap ? steps_cap * 2 : 32;
			struct sim_step *ns = realloc(out->steps, steps_cap * sizeof(*ns));
			if (!ns) {
				snprintf(err, errsz, "out of memory");
				rc = -1;
				break;
			}
			out->steps = ns;
		}
		struct sim_step *st = &out->steps[out->n_steps];
		memset(st, 0, sizeof(*st));
		char why[160];
		if (parse_line(s, lineno, st, why, sizeof(why)) != 0) {
			json_decref(st->args);
			snprintf(err, errsz, "%s:%d: %s", path, lineno, why);
			rc = -1;
			break;
		}
		out->n_steps++;
	}
	free(line);
	fclose(f);
	if (rc != 0) {
		scenario_free(out);
		return -1;
	}
	if (out->n_steps > 1) /* an empty file has no array at all */
	qsort(out->steps, out->n_steps, sizeof(*out->steps), by_time);
	return 0;
}

void scenario_free(struct scenario *sc)
{
	for (size_t i = 0; i < sc->n_steps; i++)
		json_decref(sc->steps[i].args);
	free(sc->steps);
	memset(sc, 0, sizeof(*sc));
}

const char *scenario_arg(const struct sim_step *st, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(st->args, key));
	return v ? v : dflt;
}

double scenario_num(const struct sim_step *st, const char *key, double dflt)
{
	const char *v = scenario_arg(st, key, NULL);
	if (!v)
		return dflt;
	char *end;
	double d = strtod(v, &end);
	return (*end || end == v) ? -1 : d;
}

double scenario_duration(const struct sim_step *st, const char *key, double dflt)
{
	const char *v = scenario_arg(st, key, NULL);
	double d;
	if (!v)
		return dflt;
	if (strcmp(v, "never") == 0)
		return -1;
	return scenario_parse_duration(v, &d) ? -2 : d;
}
