/* test_stix.c - the STIX and TAXII building blocks: UUIDv5 ids equal to RFC 4122's
 * (vectors from Python's uuid.uuid5 with watchfloor's namespace), hash patterns and
 * their refusals, microsecond timestamps both ways, the Accept check, the query
 * parser's answers and errors, the Authorization header (Bearer and Basic), and
 * the Markdown escaping of the record export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/auth.h"
#include "server/stix.h"
#include "server/taxii.h"
#include "tui/export.h"

static void test_uuid5(void **state)
{
	(void)state;
	char id[100];
	/* python3: uuid.uuid5(uuid.UUID(STIX_NAMESPACE), "watchfloor/" + NAME) */
	stix_make_id("indicator", "signal/sig-21", id, sizeof(id));
	assert_string_equal(id, "indicator--e2332779-52f6-577b-9b37-3ea5eed59a48");
	stix_make_id("identity", "command-center", id, sizeof(id));
	assert_string_equal(id, "identity--ab3df6c7-2118-5d5f-83e3-907f7a9ee4fe");
	stix_uuid5("collection/*all*", id, sizeof(id));
	assert_string_equal(id, "0d669f7b-595b-5e50-8707-b70048dfb316");
}

static void test_patterns(void **state)
{
	(void)state;
	char p[200];
	assert_true(stix_pattern("sha256", "ab12", p, sizeof(p)));
	assert_string_equal(p, "[file:hashes.'SHA-256' = 'ab12']");
	assert_true(stix_pattern("video_md5", "00ff", p, sizeof(p)));
	assert_string_equal(p, "[file:hashes.'MD5' = '00ff']");
	assert_true(stix_pattern("pdq", "0f", p, sizeof(p)));
	assert_string_equal(p, "[file:hashes.'x_pdq' = '0f']");
	assert_false(stix_pattern("pdq", "0F", p, sizeof(p))); /* not lowercase */
	assert_false(stix_pattern("md5", "ab' OR '1", p, sizeof(p))); /* not hex */
	assert_false(stix_pattern("crc32", "00", p, sizeof(p)));      /* unknown type */
	assert_false(stix_pattern("md5", "", p, sizeof(p)));
	assert_false(stix_pattern("md5", "00112233", p, 10)); /* too small */
}

static void test_times(void **state)
{
	(void)state;
	int64_t us;
	char buf[48];
	assert_true(stix_parse_us("2026-11-26T04:30:00.123456Z", &us));
	stix_format_us(us, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T04:30:00.123456Z");
	assert_true(stix_parse_us("2026-11-26T04:30:00Z", &us));
	stix_format_us(us + 1, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T04:30:00.000001Z");
	assert_true(
		stix_parse_us("2026-11-26T04:30:00.1234567891Z", &us)); /* cut to us */
	stix_format_us(us, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T04:30:00.123456Z");
	assert_false(stix_parse_us("2026-11-26T04:30:00.Z", &us));
	assert_false(stix_parse_us("yesterday", &us));
	assert_false(stix_parse_us("2026-02-30T00:00:00Z", &us));
}

static void test_accept(void **state)
{
	(void)state;
	assert_true(taxii_accept_ok("application/taxii+json;version=2.1"));
	assert_true(taxii_accept_ok("application/taxii+json"));
	assert_true(taxii_accept_ok(
		"text/html, Application/TAXII+json ; version=\"2.1\"; q=0.4"));
	assert_false(taxii_accept_ok("application/taxii+json;version=2.0"));
	assert_false(taxii_accept_ok("application/taxii+json;q=0"));
	assert_false(taxii_accept_ok("application/json"));
	assert_false(taxii_accept_ok("*/*"));
	assert_false(taxii_accept_ok(""));
	assert_false(taxii_accept_ok(NULL));
}

struct kv {
	const char *k[8], *v[8];
};

static const char *get(void *ctx, const char *key)
{
	struct kv *a = ctx;
	for (int i = 0; i < 8 && a->k[i]; i++)
		if (strcmp(a->k[i], key) == 0)
			return a->v[i];
	return NULL;
}

static void test_filter(void **state)
{
	(void)state;
	struct feed_filter f;
	char buf[1024], err[200];
	struct kv a = {{"limit", "match[type]", "match[version]", "next",
			"match[spec_version]"},
		       {"5000", "indicator,sighting", "last,2026-11-26T04:30:00.123Z",
			"42", "2.0"}};
	assert_int_equal(
		taxii_parse_filter(get, &a, &f, buf, sizeof(buf), err, sizeof(err)), 0);
	assert_int_equal(f.limit, TAXII_PAGE_MAX);
	assert_int_equal(f.n_types, 2);
	assert_string_equal(f.types[1], "sighting");
	assert_int_equal(f.n_versions, 0); /* last: the one version held */
	assert_int_equal(f.next_us, 42);
	assert_false(f.spec_21);
	struct kv none = {{NULL}, {NULL}};
	assert_int_equal(
		taxii_parse_filter(get, &none, &f, buf, sizeof(buf), err, sizeof(err)),
		0);
	assert_int_equal(f.limit, TAXII_PAGE_DEFAULT);
	assert_true(f.spec_21);
	assert_true(f.after_us < 0 && f.next_us < 0);
	static const char *const bad[][2] = {
		{"limit", "0"},
		{"limit", "x"},
		{"next", "-1"},
		{"added_after", "soon"},
		{"match[type]", "Indicator"},
		{"match[type]", "a,,b"},
		{"match[version]", "now"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kv b = {{bad[i][0]}, {bad[i][1]}};
		err[0] = '\0';
		assert_int_equal(taxii_parse_filter(get, &b, &f, buf, sizeof(buf), err,
						    sizeof(err)),
				 -1);
		assert_true(strlen(err) > 0);
	}
}

static void test_auth_header(void **state)
{
	(void)state;
	char buf[128];
	assert_string_equal(auth_header_token("Bearer  tok-1", buf, sizeof(buf)),
			    "tok-1");
	/* "misp:tok-1" */
	assert_string_equal(
		auth_header_token("Basic bWlzcDp0b2stMQ==", buf, sizeof(buf)), "tok-1");
	/* ":tok" (no user name) */
	assert_string_equal(auth_header_token("basic OnRvaw==", buf, sizeof(buf)),
			    "tok");
	assert_null(
		auth_header_token("Basic bWlzcA==", buf, sizeof(buf))); /* no colon */
	assert_null(auth_header_token("Basic !!!!", buf, sizeof(buf)));
	assert_null(auth_header_token("Basic bWlzcDp0b2stMQ", buf,
				      sizeof(buf))); /* length */
	assert_null(auth_header_token("Digest x", buf, sizeof(buf)));
	assert_null(auth_header_token(NULL, buf, sizeof(buf)));
	assert_null(auth_header_token("Basic bWlzcDp0b2stMQ==", buf, 4)); /* no room */
}

static void test_markdown_escaping(void **state)
{
	(void)state;
	const char *rec =
		"{\"incident\":{\"id\":\"inc-1\",\"title\":\"# <script>x</script> | "
		"[a](b) *\\u001b[31m\","
		"\"summary\":\"- item\\n1. "
		"two\\n\\u202eevil\"},\"figures\":{\"totals\":{},"
		"\"platforms\":[]},\"timeline\":[{\"seq\":1,\"at\":\"t\",\"kind\":"
		"\"note\","
		"\"by\":\"a|b\",\"text\":\"line1\\nline2 | x\"}],\"complete\":true}";
	char *out = NULL, err[200];
	size_t len = 0;
	assert_int_equal(wf_export_render(WF_EXPORT_MD, rec, strlen(rec), &out, &len,
					  err, sizeof(err)),
			 0);
	assert_non_null(strstr(out,
			       "# Incident record: \\# \\<script\\>x\\</script\\> \\| "
			       "\\[a\\](b) \\*\xEF\xBF\xBD\\[31m\n"));
	assert_non_null(strstr(out, "\\- item  \n1\\. two  \n\xEF\xBF\xBD"
				    "evil"));
	assert_non_null(strstr(out, "| 1 | t | note | a\\|b | line1 / line2 \\| x |"));
	assert_null(strstr(out, "<script>"));
	assert_null(strchr(out, '\x1b'));
	free(out);
	assert_int_equal(wf_export_render(WF_EXPORT_STIX, rec, strlen(rec), &out, &len,
					  err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "STIX bundle"));
	assert_int_equal(
		wf_export_render(WF_EXPORT_JSON, "{", 1, &out, &len, err, sizeof(err)),
		-1);
}

/* Block starts behind up to three spaces, "1)" lists, four-space code after a blank
 * line and a heading's closing '#'s: none survives into the Markdown record. */
static void test_markdown_indented_blocks(void **state)
{
	(void)state;
	const char *rec = "{\"incident\":{\"id\":\"inc-1\",\"title\":\"Flood #\","
			  "\"summary\":\"  # Fake heading\\n   - item\\n2) two\\n\\n"
			  "    code\\n 10. ten\"},\"figures\":{\"totals\":{},"
			  "\"platforms\":[]},\"timeline\":[],\"complete\":true}";
	char *out = NULL, err[200];
	size_t len = 0;
	assert_int_equal(wf_export_render(WF_EXPORT_MD, rec, strlen(rec), &out, &len,
					  err, sizeof(err)),
			 0);
	assert_non_null(strstr(out, "# Incident record: Flood \\#\n"));
	assert_non_null(strstr(out, "\n\\# Fake heading  \n\\- item  \n2\\) two  \n"
				    "\ncode  \n10\\. ten  \n"));
	assert_null(strstr(out, "\n  #"));
	assert_null(strstr(out, "\n    code"));
	free(out);
}

/* The JSON and STIX exports (stdout by default, often a terminal) are ASCII: a
 * C1 CSI, a bidi override and DEL from the server arrive escaped, the data the same. */
static void test_json_export_ascii(void **state)
{
	(void)state;
	const char *rec = "{\"type\":\"bundle\",\"objects\":[{\"name\":"
			  "\"a\xC2\x9B"
			  "31m\xE2\x80\xAE"
			  "b\x7f"
			  "c\xC3\xA9\"}]}";
	char *out = NULL, err[200];
	size_t len = 0;
	assert_int_equal(wf_export_render(WF_EXPORT_STIX, rec, strlen(rec), &out, &len,
					  err, sizeof(err)),
			 0);
	assert_int_equal(len, strlen(out));
	for (size_t i = 0; i < len; i++)
		assert_true((unsigned char)out[i] < 0x7f);
	assert_non_null(strstr(out, "\"a\\u009B31m\\u202Eb\\u007fc\\u00E9\""));
	json_t *back = json_loads(out, 0, NULL);
	assert_non_null(back);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(back, "objects"), 0), "name")),
		"a\xC2\x9B"
		"31m\xE2\x80\xAE"
		"b\x7f"
		"c\xC3\xA9");
	json_decref(back);
	free(out);
}

/* Random records built from Markdown's special characters, controls and line
 * breaks: no line of the Markdown starts a heading but ours, a list, a quote, a
 * code block or a thematic break, no table row gains a column, and no control
 * byte is left. */
static const char md_alphabet[] = "#|`*_-+=>< \n\r\t.1)[]!\\&~{}:/aZ\x1b\x7f";

static char *md_random(unsigned *seed, int n)
{
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	for (int i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		s[i] = md_alphabet[(*seed >> 16) % (sizeof(md_alphabet) - 1)];
	}
	s[n] = '\0';
	return s;
}

static int md_pipes(const char *l)
{
	int n = 0;
	for (const char *p = l; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '|')
			n++;
	}
	return n;
}

static void md_check_line(const char *line, int *cols)
{
	if (line[0] == '|') {
		bool head = !strncmp(line, "| Seq", 5) || !strncmp(line, "| Voter", 7);
		if (head)
			*cols = md_pipes(line);
		else if (*cols >= 0)
			assert_int_equal(md_pipes(line), *cols);
		return;
	}
	*cols = -1;
	const char *q = line + strspn(line, " ");
	if (!*q)
		return; /* blank */
	assert_true(q - line < 4);
	if (*q == '#')
		assert_true(!strncmp(line, "# Incident record: ", 19) ||
			    !strncmp(line, "## ", 3) ||
			    !strncmp(line, "### dec-1: ", 11));
	if (strchr("+*>=~`", *q))
		fail_msg("a block starts: [%s]", line);
	if (*q == '-')
		assert_true(q == line && line[1] == ' '); /* our own list items */
	size_t d = strspn(q, "0123456789");
	assert_false(d && (q[d] == '.' || q[d] == ')'));
}

static void test_markdown_random_structure(void **state)
{
	(void)state;
	unsigned seed = 1;
	for (int it = 0; it < 3000; it++) {
		char *t = md_random(&seed, it % 30), *sum = md_random(&seed, it % 61),
		     *tx = md_random(&seed, it % 29), *by = md_random(&seed, it % 11),
		     *sub = md_random(&seed, it % 23);
		json_t *rec = json_pack(
			"{s:{s:s,s:s,s:s},s:{s:{},s:[]},s:[{s:i,s:s,s:s,s:s,s:s}],"
			"s:[{s:s,s:s,s:[{s:s,s:s,s:s}]}],s:b}",
			"incident", "id", "inc-1", "title", t, "summary", sum,
			"figures", "totals", "platforms", "timeline", "seq", 1, "at",
			"t", "kind", "note", "by", by, "text", tx, "decisions", "id",
			"dec-1", "subject", sub, "votes", "by", by, "reason", tx,
			"action", "approve", "complete", 1);
		assert_non_null(rec);
		size_t len = 0;
		char *md = wf_export_markdown(rec, &len);
		assert_non_null(md);
		for (size_t i = 0; i < len; i++)
			assert_false(md[i] == '\x1b' || md[i] == '\x7f' ||
				     md[i] == '\r' || md[i] == '\t');
		int cols = -1;
		char *save = NULL;
		for (char *line = strtok_r(md, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			md_check_line(line, &cols);
		free(md);
		json_decref(rec);
		free(t);
		free(sum);
		free(tx);
		free(by);
		free(sub);
	}
}

/* An exported file gets the mode the user's umask allows, as any new file: 0644
 * under umask 022, 0600 under 077 (a record may be TLP:AMBER). */
static void test_export_write_mode(void **state)
{
	(void)state;
	char dir[] = "/tmp/wf-export-XXXXXX", path[64], err[200];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.md", dir);
	mode_t old = umask(077);
	assert_int_equal(wf_export_write(path, "x\n", 2, err, sizeof(err)), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	umask(022);
	assert_int_equal(wf_export_write(path, "y\n", 2, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	umask(old);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid5),
		cmocka_unit_test(test_patterns),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_auth_header),
		cmocka_unit_test(test_markdown_escaping),
		cmocka_unit_test(test_markdown_indented_blocks),
		cmocka_unit_test(test_json_export_ascii),
		cmocka_unit_test(test_markdown_random_structure),
		cmocka_unit_test(test_export_write_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
