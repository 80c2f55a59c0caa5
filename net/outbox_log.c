/* outbox_log.c - the outbox's file: an append-only, fsync'd log of JSON lines
 * (add / state / del), replayed at open with a torn last line cut off and bad
 * middle lines kept aside, the compaction that rewrites the live records
 * atomically, and the holder's pid beside it. */
#include "outbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/validate.h"

/* mkdir -p with mode 0700 for the parts it creates. */
int outbox_make_dirs(const char *dir)
{
	char tmp[1024];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

void outbox_sync_dir(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

/* Undoes a failed append: cuts the file back to end and syncs that. When even this
 * fails the file may hold half a line that the next append would merge with: the
 * outbox is marked broken and refuses new records (the error says why). */
static void undo_append(struct wf_outbox *ob, off_t end)
{
	if (end >= 0 && ftruncate(ob->fd, end) == 0 && fsync(ob->fd) == 0)
		return;
	ob->broken = true;
	size_t n = strlen(ob->err);
	snprintf(ob->err + n, sizeof(ob->err) - n,
		 "; the outbox cannot be repaired: restart watchfloor");
}

/* Writes one JSON line and fsyncs it. On any failure the file is cut back to where
 * it ended, so a half-written line never merges with the next one. */
int outbox_append_json(struct wf_outbox *ob, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	if (!s)
		return outbox_set_err(ob, "out of memory");
	size_t n = strlen(s);
	char *line = malloc(n + 2);
	if (!line) {
		free(s);
		return outbox_set_err(ob, "out of memory");
	}
	memcpy(line, s, n);
	line[n] = '\n';
	free(s);
	off_t end = lseek(ob->fd, 0, SEEK_END);
	if (end < 0) {
		free(line);
		return outbox_set_err(ob, "seeking %s: %s", ob->path, strerror(errno));
	}
	size_t off = 0;
	while (off < n + 1) {
		ssize_t w = write(ob->fd, line + off, n + 1 - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			free(line);
			outbox_set_err(ob, "writing %s: %s", ob->path, strerror(e));
			undo_append(ob, end);
			return -1;
		}
		off += (size_t)w;
	}
	free(line);
	if (fsync(ob->fd) != 0) {
		outbox_set_err(ob, "fsync %s: %s", ob->path, strerror(errno));
		undo_append(ob, end);
		return -1;
	}
	ob->lines++;
	return 0;
}

json_t *outbox_add_line(const struct wf_outbox_record *r)
{
	return json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s}", "op", "add", "id",
			 (json_int_t)r->id, "key", r->key, "kind", r->kind, "path",
			 r->path, "body", r->body, "at", (json_int_t)r->created_at,
			 "who", r->who, "tok", r->token_fp);
}

static json_t *state_line(const struct wf_outbox_record *r)
{
	json_t *o =
		json_pack("{s:s,s:I,s:s,s:i,s:s}", "op", "state", "id",
			  (json_int_t)r->id, "state", wf_outbox_state_name(r->state),
			  "status", r->status, "message", r->message);
	if (o && r->current)
		json_object_set_new(o, "current", json_string(r->current));
	return o;
}

int outbox_append_del(struct wf_outbox *ob, uint64_t id, const char *why)
{
	json_t *o = json_pack("{s:s,s:I,s:s}", "op", "del", "id", (json_int_t)id, "why",
			      why);
	int rc = o ? outbox_append_json(ob, o) : outbox_set_err(ob, "out of memory");
	json_decref(o);
	return rc;
}

int outbox_append_state(struct wf_outbox *ob, const struct wf_outbox_record *r)
{
	json_t *o = state_line(r);
	int rc = o ? outbox_append_json(ob, o) : outbox_set_err(ob, "out of memory");
	json_decref(o);
	return rc;
}

/* A path on the backend: /v1/..., no query, no spaces or controls. */
bool outbox_valid_path(const char *path)
{
	if (!path || strncmp(path, "/v1/", 4) != 0 || strlen(path) > 512)
		return false;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '?' || *p == '#' || *p == '\\')
			return false;
	/* No "." or ".." segment (the URL would be normalized elsewhere). */
	for (const char *seg = path; seg; seg = strchr(seg + 1, '/')) {
		size_t n = strcspn(seg + 1, "/");
		if ((n == 1 && seg[1] == '.') ||
		    (n == 2 && seg[1] == '.' && seg[2] == '.'))
			return false;
	}
	return true;
}

static void load_line(struct wf_outbox *ob, json_t *o)
{
	const char *op = json_string_value(json_object_get(o, "op"));
	json_t *jid = json_object_get(o, "id");
	if (!op || !json_is_integer(jid) || json_integer_value(jid) <= 0)
		return;
	uint64_t id = (uint64_t)json_integer_value(jid);
	if (id >= ob->next_id)
		ob->next_id = id + 1;
	size_t at = 0;
	struct wf_outbox_record *r = outbox_find(ob, id, &at);
	if (strcmp(op, "add") == 0 && !r) {
		const char *key = json_string_value(json_object_get(o, "key"));
		const char *kind = json_string_value(json_object_get(o, "kind"));
		const char *path = json_string_value(json_object_get(o, "path"));
		const char *body = json_string_value(json_object_get(o, "body"));
		if (!key || !wf_valid_idempotency_key(key) ||
		    !outbox_valid_path(path) || !body)
			return;
		r = calloc(1, sizeof(*r));
		if (!r)
			return;
		r->id = id;
		snprintf(r->key, sizeof(r->key), "%s", key);
		snprintf(r->kind, sizeof(r->kind), "%s", kind ? kind : "");
		r->path = strdup(path);
		r->body = strdup(body);
		r->created_at = json_integer_value(json_object_get(o, "at"));
		const char *who = json_string_value(json_object_get(o, "who"));
		const char *tok = json_string_value(json_object_get(o, "tok"));
		snprintf(r->who, sizeof(r->who), "%s", who ? who : "");
		snprintf(r->token_fp, sizeof(r->token_fp), "%s", tok ? tok : "");
		/* Held in an earlier run: nobody can undo it now; send it at once. */
		r->state = WF_OUTBOX_QUEUED;
		if (!r->path || !r->body || outbox_push(ob, r))
			outbox_rec_free(r);
	} else if (strcmp(op, "state") == 0 && r) {
		const char *st = json_string_value(json_object_get(o, "state"));
		const char *msg = json_string_value(json_object_get(o, "message"));
		const char *cur = json_string_value(json_object_get(o, "current"));
		if (st && strcmp(st, "conflict") == 0)
			r->state = WF_OUTBOX_CONFLICT;
		else if (st && strcmp(st, "failed") == 0)
			r->state = WF_OUTBOX_FAILED;
		r->status = (int)json_integer_value(json_object_get(o, "status"));
		snprintf(r->message, sizeof(r->message), "%s", msg ? msg : "");
		free(r->current);
		r->current = cur ? strdup(cur) : NULL;
	} else if (strcmp(op, "del") == 0 && r) {
		outbox_remove_at(ob, at);
	}
}

/* Appends a line that does not parse to DIR/outbox.log.corrupt (fsync'd), so
 * that nobody's decision disappears without a trace. */
static int save_corrupt(struct wf_outbox *ob, const char *line, size_t len)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s.corrupt", ob->path);
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int rc = 0;
	if (write(fd, line, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) != 0)
		rc = -1;
	close(fd);
	return rc;
}

/* Reads the file; cuts off a torn tail (no final newline or unparsable last line).
 * Unparsable lines in the middle are counted and copied to outbox.log.corrupt. */
int outbox_load(struct wf_outbox *ob)
{
	struct stat st;
	if (fstat(ob->fd, &st) != 0)
		return outbox_set_err(ob, "stat %s: %s", ob->path, strerror(errno));
	size_t size = (size_t)st.st_size;
	if (size == 0)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return outbox_set_err(ob, "out of memory");
	size_t got = 0;
	while (got < size) {
		ssize_t r = pread(ob->fd, buf + got, size - got, (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	size_t good = 0, pos = 0;
	int saved = 0;
	while (pos < got) {
		char *nl = memchr(buf + pos, '\n', got - pos);
		if (!nl)
			break; /* torn: no newline */
		size_t len = (size_t)(nl - (buf + pos));
		json_t *o = json_loadb(buf + pos, len, 0, NULL);
		if (o) {
			load_line(ob, o);
			json_decref(o);
			ob->lines++;
			good = pos + len + 1;
		} else if (nl + 1 == buf + got) {
			break; /* torn: the last line does not parse */
		} else {
			/* A bad line in the middle: kept aside, counted, shown. */
			ob->corrupt++;
			saved |= save_corrupt(ob, buf + pos, len);
			ob->lines++;
			good = pos + len + 1;
		}
		pos += len + 1;
	}
	free(buf);
	if (good < got && (ftruncate(ob->fd, (off_t)good) != 0 || fsync(ob->fd) != 0))
		return outbox_set_err(ob, "truncating %s: %s", ob->path,
				      strerror(errno));
	if (ob->corrupt) {
		outbox_set_err(ob, "%zu unreadable outbox line%s %s %s.corrupt",
			       ob->corrupt, ob->corrupt == 1 ? "" : "s",
			       saved ? "could not be copied to" : "copied to",
			       ob->path);
		/* Copied: rewrite the file without them so they are counted once. */
		ob->compact_now = saved == 0;
	}
	return 0;
}

/* Who holds an outbox: its pid in outbox.pid beside it, written once the lock is
 * taken, so that a second watchfloor can name the holder. Only informative: the lock
 * decides, and the file is read only when the lock is taken. */
void outbox_holder_path(const struct wf_outbox *ob, char *buf, size_t size)
{
	snprintf(buf, size, "%s/outbox.pid", ob->dir);
}

void outbox_holder_write(const struct wf_outbox *ob)
{
	char path[1100], tmp[1110], line[32];
	outbox_holder_path(ob, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	int n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	bool ok = write(fd, line, (size_t)n) == n;
	close(fd);
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

/* The holder's pid when known and alive, else 0. */
long outbox_holder_read(const struct wf_outbox *ob)
{
	char path[1100], line[32];
	outbox_holder_path(ob, path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long pid = 0;
	if (!fgets(line, sizeof(line), f) || sscanf(line, "%ld", &pid) != 1 || pid <= 0)
		pid = 0;
	fclose(f);
	if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno != EPERM)
		pid = 0;
	return pid;
}

int wf_outbox_compact(struct wf_outbox *ob)
{
	char tmp[1200];
	if (ob->fd < 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", ob->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return outbox_set_err(ob, "compacting: %s", strerror(errno));
	int old = ob->fd;
	ob->fd = fd;
	size_t old_lines = ob->lines;
	ob->lines = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ob->n; i++) {
		struct wf_outbox_record *r = ob->recs[i];
		json_t *o = outbox_add_line(r);
		rc = o ? outbox_append_json(ob, o)
		       : outbox_set_err(ob, "out of memory");
		json_decref(o);
		if (rc == 0 &&
		    (r->state == WF_OUTBOX_CONFLICT || r->state == WF_OUTBOX_FAILED))
			rc = outbox_append_state(ob, r);
	}
	if (rc == 0 && ob->n == 0 && fsync(fd) != 0)
		rc = outbox_set_err(ob, "fsync: %s", strerror(errno));
	/* The lock moves to the new file before it replaces the old one. */
	if (rc == 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
		rc = outbox_set_err(ob, "compacting: cannot lock");
	if (rc == 0 && rename(tmp, ob->path) != 0)
		rc = outbox_set_err(ob, "compacting: %s", strerror(errno));
	if (rc != 0) {
		close(fd);
		unlink(tmp);
		ob->fd = old;
		ob->lines = old_lines;
		return -1;
	}
	outbox_sync_dir(ob->dir);
	close(old);
	/* Appends go to the end: reopen with O_APPEND semantics. */
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_APPEND);
	return 0;
}
