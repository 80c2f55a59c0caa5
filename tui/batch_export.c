/* batch_export.c - `watchfloor --batch --export INCIDENT [--format F] [--output
 * FILE]`: one GET of the incident's record (or STIX bundle) from the backend
 * through the client (the request's shape is net/'s), rendered and written in one
 * piece; nothing else is synced or sent. */
#include "tui/batch_export.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/request_verbs.h"
#include "tui/export.h"
#include "widgets/sanitize.h"

#define EXPORT_MAX ((size_t)256 << 20)
#define EXPORT_WAIT_MS 180000

static void say(const char *what, const char *detail)
{
	fputs("watchfloor: export: ", stderr);
	wf_text_fputs(stderr, what, 300);
	if (detail && *detail) {
		fputs(": ", stderr);
		wf_text_fputs(stderr, detail, 300);
	}
	fputc('\n', stderr);
}

int wf_export_fetch_start(struct wf_client *client, const char *incident_id,
			  enum wf_export_format f)
{
	struct wf_request r;
	if (wf_request_export(&r, incident_id, wf_export_is_stix(f)) != 0)
		return -1;
	return wf_client_fetch(client, r.path,
			       wf_export_is_stix(f)
				       ? "application/stix+json, application/json"
				       : "application/json",
			       EXPORT_MAX);
}

int wf_export_finish(struct wf_client *client, enum wf_export_format f,
		     const char *path, char *msg, size_t msgsize, long *status)
{
	char *body = NULL, err[256] = "";
	size_t len = 0;
	*status = 0;
	if (wf_client_fetch_take(client, &body, &len, status, err, sizeof(err)) != 1) {
		snprintf(msg, msgsize, "no answer");
		return -1;
	}
	if (*status != 200 || !body) {
		snprintf(msg, msgsize, "%s", err[0] ? err : "the server refused");
		free(body);
		return -1;
	}
	char *out = NULL;
	size_t outlen = 0;
	int rc = wf_export_render(f, body, len, &out, &outlen, msg, msgsize);
	free(body);
	if (rc == 0)
		rc = wf_export_write(path, out, outlen, msg, msgsize);
	free(out);
	return rc;
}

int wf_batch_export(const struct wf_options *o, struct wf_client *client, int sigfd)
{
	enum wf_export_format f = WF_EXPORT_MD;
	if (o->export_format && !wf_export_format_parse(o->export_format, &f)) {
		say("unknown format", o->export_format);
		return 2;
	}
	if (wf_export_fetch_start(client, o->export_id, f) != 0) {
		say("cannot start the request", NULL);
		return 1;
	}
	int64_t deadline = wf_client_mono_ms() + EXPORT_WAIT_MS;
	while (wf_client_fetching(client)) {
		int64_t left = deadline - wf_client_mono_ms();
		if (left <= 0) {
			say("no answer from the server", NULL);
			return 1;
		}
		struct curl_waitfd w = {.fd = sigfd, .events = CURL_WAIT_POLLIN};
		if (wf_client_wait(client, &w, sigfd >= 0 ? 1 : 0,
				   (int)(left > 1000 ? 1000 : left)) != 0)
			return 1;
		wf_client_process(client);
		if (sigfd >= 0 && w.revents)
			return 1; /* interrupted */
	}
	char msg[512] = "";
	long status = 0;
	const char *path = o->export_output ? o->export_output : "-";
	if (wf_export_finish(client, f, path, msg, sizeof(msg), &status) != 0) {
		say(o->export_id, msg);
		return status == 401 || status == 403 ? 3 : 1;
	}
	if (strcmp(path, "-") != 0) {
		fputs("watchfloor: export: wrote ", stderr);
		wf_text_fputs(stderr, path, -1);
		fputc('\n', stderr);
	}
	return 0;
}
