/* fuzz_server_api.c - libFuzzer target for watchfloord's request validation: any
 * JSON body sent to any write endpoint goes through api_run_write (as the HTTP
 * layer does) against a real store in a temporary folder on tmpfs. Each answer must
 * be a status 200..599 with a JSON body, and 4xx answers must carry the protocol's
 * error shape {"error":{"code","message"}}. The first byte picks the endpoint and
 * the caller's role; the rest is the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "server/api.h"
#include "server/api_match.h"
#include "server/hub.h"
#include "server/match.h"
#include "server/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server srv;
static char db_dir[64];

/* The store is left open for the whole run; its files go at exit. */
static void remove_db(void)
{
	static const char *const files[] = {"cc.db", "cc.db-wal", "cc.db-shm"};
	char path[96];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", db_dir, files[i]);
		unlink(path);
	}
	rmdir(db_dir);
}

static void setup(void)
{
	char dir[] = "/dev/shm/wf-fuzz-XXXXXX", path[64], err[256];
	if (!mkdtemp(dir)) {
		strcpy(dir, "/tmp/wf-fuzz-XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	snprintf(path, sizeof(path), "%s/cc.db", dir);
	snprintf(db_dir, sizeof(db_dir), "%s", dir);
	atexit(remove_db);
	srv.heartbeat_s = 15;
	srv.errlog = stderr;
	srv.rules = quorum_rules_default();
	srv.st = store_open(path, 1000, err, sizeof(err));
	if (!srv.st)
		abort();
	srv.hub = hub_new(64, 15, store_fetch_events, srv.st);
	static const struct match_opts mo = MATCH_OPTS_DEFAULT;
	srv.match = match_index_new(&mo);
	hub_set_observer(srv.hub, match_index_observe, srv.match);
	store_attach_hub(srv.st, srv.hub, 64);
	json_t *types = json_pack("[ss]", "pdq", "md5");
	api_ensure_platform(&srv, "p-fb", "Facebook", "member", types);
	json_decref(types);
}

static const struct {
	api_write_fn fn;
	const char *id;
} endpoints[] = {
	{api_post_sightings, NULL},     {api_post_signal, NULL},
	{api_post_report, NULL},        {api_triage_report, "rep-1"},
	{api_create_incident, NULL},    {api_update_incident, "inc-1"},
	{api_create_decision, NULL},    {api_resolve_decision, "dec-1"},
	{api_match, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!srv.st)
		setup();
	if (size < 1)
		return 0;
	json_t *body = json_loadb((const char *)data + 1, size - 1, 0, NULL);
	if (!body)
		return 0; /* the HTTP layer answers 400 before any endpoint runs */
	static const struct auth_identity who[] = {
		{"fuzz-admin", AUTH_ADMIN, "", "a"},
		{"fuzz-platform", AUTH_PLATFORM, "p-fb", "b"},
		{"fuzz-officer", AUTH_OFFICER, "", "c"},
	};
	size_t n_ep = sizeof(endpoints) / sizeof(endpoints[0]);
	struct api_request req = {&who[(data[0] >> 4) % 3], body,
				  endpoints[data[0] % n_ep].id};
	int status = 0;
	char *text = NULL;
	bool replayed = false;
	api_run_write(&srv, endpoints[data[0] % n_ep].fn, &req, NULL, &status, &text,
		      &replayed);
	if (status < 200 || status > 599 || !text)
		__builtin_trap();
	json_t *ans = json_loads(text, 0, NULL);
	if (!ans)
		__builtin_trap();
	if (status >= 400 && status < 500) {
		json_t *e = json_object_get(ans, "error");
		if (!json_is_string(json_object_get(e, "code")) ||
		    !json_is_string(json_object_get(e, "message")))
			__builtin_trap();
	}
	json_decref(ans);
	free(text);
	json_decref(body);
	return 0;
}
