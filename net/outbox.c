/* outbox.c - the durable queue of mutating requests: an append-only, fsync'd log of
 * JSON lines (add / state / del) replayed at open, a torn last line cut off, and a
 * compaction that rewrites the live records atomically. */
#include "outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "model/validate.h"

struct wf_outbox {
	char dir[1024];
	char path[1100];
	int fd; /* -1 for a read-only (memory) outbox */
	bool locked; /* this one holds the file's lock (and wrote outbox.pid) */
	bool read_only;
	int hold_ms;
	struct wf_outbox_record **recs;
	size_t n, cap;
	uint64_t next_id;
	size_t lines; /* lines in the file */
	size_t corrupt; /* unparsable middle lines found at open (kept in .corrupt) */
	bool broken;    /* a failed write could not be undone: no more enqueues */
	bool compact_now; /* at open: bad lines were copied aside, drop them */
	char who[64];   /* identity (wf_outbox_set_identity) */
	char token_fp[WF_OUTBOX_TOKEN_FP_LEN + 1];
	uint64_t rng;
	char err[256];
};

static const char *const state_names[] = {"held", "queued", "sending", "conflict",
					  "failed"};

const char *wf_outbox_state_name(enum wf_outbox_state s)
{
	return (unsigned)s < 5 ? state_names[s] : "?";
}

static int set_err(struct wf_outbox *ob, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ob->err, sizeof(ob->err), fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t rng_next(struct wf_outbox *ob)
{
	uint64_t x = ob->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	ob->rng = x;
	return x;
}

int wf_outbox_default_dir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/watchfloor", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.local/state/watchfloor", home);
	else
		return -1;
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* mkdir -p with mode 0700 for the parts it creates. */
static int make_dirs(const char *dir)
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

static void sync_dir(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
}

static void rec_free(struct wf_outbox_record *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->body);
	free(r->current);
	free(r);
}

static struct wf_outbox_record *find(const struct wf_outbox *ob, uint64_t id,
				     size_t *at)
{
	for (size_t i = 0; i < ob->n; i++)
		if (ob->recs[i]->id == id) {
			if (at)
				*at = i;
			return ob->recs[i];
		}
	return NULL;
}

static void remove_at(struct wf_outbox *ob, size_t i)
{
	rec_free(ob->recs[i]);
	memmove(ob->recs + i, ob->recs + i + 1, (ob->n - i - 1) * sizeof(*ob->recs));
	ob->n--;
}

static int push(struct wf_outbox *ob, struct wf_outbox_record *r)
{
	if (ob->n == ob->cap) {
		size_t nc = ob->cap ? ob->cap * 2 : 16;
		struct wf_outbox_record **nr = realloc(ob->recs, nc * sizeof(*nr));
		if (!nr)
			return -1;
		ob->recs = nr;
		ob->cap = nc;
	}
	ob->recs[ob->n++] = r;
	return 0;
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
static int append_json(struct wf_outbox *ob, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);
	if (!s)
		return set_err(ob, "out of memory");
	size_t n = strlen(s);
	char *line = malloc(n + 2);
	if (!line) {
		free(s);
		return set_err(ob, "out of memory");
	}
	memcpy(line, s, n);
	line[n] = '\n';
	free(s);
	off_t end = lseek(ob->fd, 0, SEEK_END);
	if (end < 0) {
		free(line);
		return set_err(ob, "seeking %s: %s", ob->path, strerror(errno));
	}
	size_t off = 0;
	while (off < n + 1) {
		ssize_t w = write(ob->fd, line + off, n + 1 - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			free(line);
			set_err(ob, "writing %s: %s", ob->path, strerror(e));
			undo_append(ob, end);
			return -1;
		}
		off += (size_t)w;
	}
	free(line);
	if (fsync(ob->fd) != 0) {
		set_err(ob, "fsync %s: %s", ob->path, strerror(errno));
		undo_append(ob, end);
		return -1;
	}
	ob->lines++;
	return 0;
}

static json_t *add_line(const struct wf_outbox_record *r)
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

static int append_del(struct wf_outbox *ob, uint64_t id, const char *why)
{
	json_t *o = json_pack("{s:s,s:I,s:s}", "op", "del", "id", (json_int_t)id, "why",
			      why);
	int rc = o ? append_json(ob, o) : set_err(ob, "out of memory");
	json_decref(o);
	return rc;
}

static int append_state(struct wf_outbox *ob, const struct wf_outbox_record *r)
{
	json_t *o = state_line(r);
	int rc = o ? append_json(ob, o) : set_err(ob, "out of memory");
	json_decref(o);
	return rc;
}

/* A path on the backend: /v1/..., no query, no spaces or controls. */
static bool valid_path(const char *path)
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
	struct wf_outbox_record *r = find(ob, id, &at);
	if (strcmp(op, "add") == 0 && !r) {
		const char *key = json_string_value(json_object_get(o, "key"));
		const char *kind = json_string_value(json_object_get(o, "kind"));
		const char *path = json_string_value(json_object_get(o, "path"));
		const char *body = json_string_value(json_object_get(o, "body"));
		if (!key || !wf_valid_idempotency_key(key) || !valid_path(path) ||
		    !body)
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
		if (!r->path || !r->body || push(ob, r))
			rec_free(r);
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
		remove_at(ob, at);
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
static int load(struct wf_outbox *ob)
{
	struct stat st;
	if (fstat(ob->fd, &st) != 0)
		return set_err(ob, "stat %s: %s", ob->path, strerror(errno));
	size_t size = (size_t)st.st_size;
	if (size == 0)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return set_err(ob, "out of memory");
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
	if (good < got &&
	    (ftruncate(ob->fd, (off_t)good) != 0 || fsync(ob->fd) != 0))
		return set_err(ob, "truncating %s: %s", ob->path, strerror(errno));
	if (ob->corrupt) {
		set_err(ob, "%zu unreadable outbox line%s %s %s.corrupt", ob->corrupt,
			ob->corrupt == 1 ? "" : "s",
			saved ? "could not be copied to" : "copied to", ob->path);
		/* Copied: rewrite the file without them so they are counted once. */
		ob->compact_now = saved == 0;
	}
	return 0;
}

/* Who holds an outbox: its pid in outbox.pid beside it, written once the lock is
 * taken, so that a second watchfloor can name the holder. Only informative: the lock
 * decides, and the file is read only when the lock is taken. */
static void holder_path(const struct wf_outbox *ob, char *buf, size_t size)
{
	snprintf(buf, size, "%s/outbox.pid", ob->dir);
}

static void holder_write(const struct wf_outbox *ob)
{
	char path[1100], tmp[1110], line[32];
	holder_path(ob, path, sizeof(path));
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
static long holder_read(const struct wf_outbox *ob)
{
	char path[1100], line[32];
	holder_path(ob, path, sizeof(path));
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

struct wf_outbox *wf_outbox_open(const char *dir, bool read_only, char *err,
				 size_t errsize)
{
	struct wf_outbox *ob = calloc(1, sizeof(*ob));
	if (!ob) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	ob->fd = -1;
	ob->read_only = read_only;
	ob->hold_ms = 5000;
	ob->next_id = 1;
	if (getrandom(&ob->rng, sizeof(ob->rng), 0) != sizeof(ob->rng))
		ob->rng = (uint64_t)getpid() * 2654435761u;
	ob->rng |= 1;
	if (read_only)
		return ob; /* nothing is ever sent: no file */
	if (dir)
		snprintf(ob->dir, sizeof(ob->dir), "%s", dir);
	else if (wf_outbox_default_dir(ob->dir, sizeof(ob->dir)) != 0) {
		snprintf(err, errsize, "outbox: set XDG_STATE_HOME or HOME");
		goto fail;
	}
	snprintf(ob->path, sizeof(ob->path), "%s/outbox.log", ob->dir);
	if (make_dirs(ob->dir) != 0) {
		snprintf(err, errsize, "outbox: cannot create %s: %s", ob->dir,
			 strerror(errno));
		goto fail;
	}
	ob->fd = open(ob->path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (ob->fd < 0 && errno == ENOENT) {
		/* Created: the new name is made durable with the folder. */
		ob->fd = open(ob->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (ob->fd >= 0)
			sync_dir(ob->dir);
	}
	if (ob->fd < 0) {
		snprintf(err, errsize, "outbox: cannot open %s: %s", ob->path,
			 strerror(errno));
		goto fail;
	}
	if (flock(ob->fd, LOCK_EX | LOCK_NB) != 0) {
		char who[48] = "another watchfloor";
		long pid = holder_read(ob);
		if (pid > 0)
			snprintf(who, sizeof(who), "another watchfloor (pid %ld)", pid);
		snprintf(err, errsize,
			 "%s holds the outbox for this server and state folder (%s): "
			 "only one dashboard at a time may send decisions from it. "
			 "Stop it, or start this one with --read-only to watch without an "
			 "outbox",
			 who, ob->path);
		goto fail;
	}
	ob->locked = true;
	holder_write(ob);
	if (load(ob) != 0 ||
	    ((ob->compact_now || ob->lines > ob->n * 2 + 16) &&
	     wf_outbox_compact(ob) != 0)) {
		snprintf(err, errsize, "outbox: %s", ob->err);
		goto fail;
	}
	return ob;
fail:
	wf_outbox_close(ob);
	return NULL;
}

void wf_outbox_close(struct wf_outbox *ob)
{
	if (!ob)
		return;
	for (size_t i = 0; i < ob->n; i++)
		rec_free(ob->recs[i]);
	free(ob->recs);
	if (ob->locked) {
		char path[1100];
		holder_path(ob, path, sizeof(path));
		unlink(path);
	}
	if (ob->fd >= 0)
		close(ob->fd);
	free(ob);
}

void wf_outbox_set_identity(struct wf_outbox *ob, const char *name,
			    const char *token_fp)
{
	snprintf(ob->who, sizeof(ob->who), "%s", name ? name : "");
	if (token_fp)
		snprintf(ob->token_fp, sizeof(ob->token_fp), "%s", token_fp);
}

void wf_outbox_token_fp(const char *token, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (!token || !*token ||
	    !EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL) ||
	    len * 2 < WF_OUTBOX_TOKEN_FP_LEN) {
		snprintf(out, WF_OUTBOX_TOKEN_FP_LEN + 1, "-");
		return;
	}
	for (size_t i = 0; i < WF_OUTBOX_TOKEN_FP_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void wf_outbox_set_hold(struct wf_outbox *ob, int hold_ms)
{
	ob->hold_ms = hold_ms < 0 ? 5000 : hold_ms;
}

int wf_outbox_enqueue(struct wf_outbox *ob, const char *kind, const char *path,
		      const char *json_body, int64_t now_ms, uint64_t *id_out)
{
	unsigned char rnd[16];
	if (ob->read_only || ob->fd < 0)
		return set_err(ob, "read-only: nothing can be sent");
	if (ob->broken)
		return -1; /* the error of the write that broke it stays */
	if (!valid_path(path))
		return set_err(ob, "bad path");
	json_t *b = json_body ? json_loads(json_body, 0, NULL) : NULL;
	bool ok = b && json_is_object(b);
	json_decref(b);
	if (!ok || strlen(json_body) > (1u << 20))
		return set_err(ob, "the body must be a JSON object of at most 1 MiB");
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return set_err(ob, "no randomness for the idempotency key");
	struct wf_outbox_record *r = calloc(1, sizeof(*r));
	if (!r)
		return set_err(ob, "out of memory");
	r->id = ob->next_id++;
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(r->key + 2 * i, 3, "%02x", rnd[i]);
	snprintf(r->kind, sizeof(r->kind), "%s", kind ? kind : "");
	r->path = strdup(path);
	r->body = strdup(json_body);
	r->created_at = now_ms;
	snprintf(r->who, sizeof(r->who), "%s", ob->who);
	snprintf(r->token_fp, sizeof(r->token_fp), "%s", ob->token_fp);
	r->hold_until = now_ms + ob->hold_ms;
	r->state = ob->hold_ms > 0 ? WF_OUTBOX_HELD : WF_OUTBOX_QUEUED;
	r->next_try = now_ms;
	json_t *line = r->path && r->body ? add_line(r) : NULL;
	if (!line || append_json(ob, line) != 0 || push(ob, r) != 0) {
		if (!line)
			set_err(ob, "out of memory");
		json_decref(line);
		rec_free(r);
		return -1;
	}
	json_decref(line);
	if (id_out)
		*id_out = r->id;
	return 0;
}

int wf_outbox_undo(struct wf_outbox *ob, uint64_t id)
{
	size_t at = 0;
	struct wf_outbox_record *r = find(ob, id, &at);
	if (!r || r->state != WF_OUTBOX_HELD)
		return set_err(ob, "too late to undo: already sent");
	if (append_del(ob, id, "undo") != 0)
		return -1;
	remove_at(ob, at);
	return 0;
}

int wf_outbox_drop(struct wf_outbox *ob, uint64_t id)
{
	size_t at = 0;
	struct wf_outbox_record *r = find(ob, id, &at);
	if (!r || (r->state != WF_OUTBOX_CONFLICT && r->state != WF_OUTBOX_FAILED))
		return set_err(ob,
			       "only a conflict or a refused request can be dropped");
	if (append_del(ob, id, "drop") != 0)
		return -1;
	remove_at(ob, at);
	if (ob->lines > ob->n * 2 + 64)
		wf_outbox_compact(ob);
	return 0;
}

size_t wf_outbox_count(const struct wf_outbox *ob)
{
	return ob ? ob->n : 0;
}

size_t wf_outbox_count_state(const struct wf_outbox *ob, enum wf_outbox_state s)
{
	size_t n = 0;
	for (size_t i = 0; ob && i < ob->n; i++)
		n += ob->recs[i]->state == s;
	return n;
}

size_t wf_outbox_list(const struct wf_outbox *ob, const struct wf_outbox_record **out,
		      size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; ob && i < ob->n && n < cap; i++)
		out[n++] = ob->recs[i];
	return n;
}

const struct wf_outbox_record *wf_outbox_get(const struct wf_outbox *ob, uint64_t id)
{
	return find(ob, id, NULL);
}

const char *wf_outbox_error(const struct wf_outbox *ob)
{
	return ob->err;
}

size_t wf_outbox_corrupt_count(const struct wf_outbox *ob)
{
	return ob ? ob->corrupt : 0;
}

bool wf_outbox_broken(const struct wf_outbox *ob)
{
	return ob && ob->broken;
}

const char *wf_outbox_path(const struct wf_outbox *ob)
{
	return ob->path;
}

/* A due record may only go out under the identity that made it (the server keeps
 * keys per token) and while the server still knows its key. Otherwise FAILED. */
static bool vet(struct wf_outbox *ob, struct wf_outbox_record *r, int64_t now_ms)
{
	bool other_tok = strcmp(r->token_fp, ob->token_fp) != 0;
	bool other_who = r->who[0] && strcmp(r->who, ob->who) != 0;
	if (other_tok || other_who)
		snprintf(r->message, sizeof(r->message),
			 "made by %s with another token: review and resend or drop",
			 r->who[0] ? r->who : "an unknown officer");
	else if (now_ms - r->created_at > WF_OUTBOX_MAX_AGE_MS)
		snprintf(r->message, sizeof(r->message),
			 "older than 23 h: the server no longer knows its key");
	else
		return true;
	r->state = WF_OUTBOX_FAILED;
	r->status = 0;
	append_state(ob, r);
	return false;
}

struct wf_outbox_record *wf_outbox_take_due(struct wf_outbox *ob, int64_t now_ms)
{
	if (ob->read_only || ob->fd < 0 || !ob->who[0] || !ob->token_fp[0])
		return NULL;
	for (size_t i = 0; i < ob->n; i++) {
		struct wf_outbox_record *r = ob->recs[i];
		if (r->state == WF_OUTBOX_HELD && r->hold_until <= now_ms) {
			r->state = WF_OUTBOX_QUEUED;
			r->next_try = now_ms;
		}
	}
	for (size_t i = 0; i < ob->n; i++) {
		struct wf_outbox_record *r = ob->recs[i];
		if (r->state == WF_OUTBOX_QUEUED && r->next_try <= now_ms &&
		    vet(ob, r, now_ms)) {
			r->state = WF_OUTBOX_SENDING;
			r->attempts++;
			return r;
		}
	}
	return NULL;
}

int64_t wf_outbox_next_due(const struct wf_outbox *ob)
{
	int64_t best = -1;
	if (!ob || ob->read_only || !ob->who[0] || !ob->token_fp[0])
		return -1;
	for (size_t i = 0; i < ob->n; i++) {
		const struct wf_outbox_record *r = ob->recs[i];
		int64_t t = r->state == WF_OUTBOX_HELD	   ? r->hold_until
			    : r->state == WF_OUTBOX_QUEUED ? r->next_try
							   : -1;
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

static void error_message(struct wf_outbox_record *r, int status, const char *body,
			  size_t len)
{
	json_t *root = body ? json_loadb(body, len, 0, NULL) : NULL;
	const char *msg = json_string_value(
		json_object_get(json_object_get(root, "error"), "message"));
	snprintf(r->message, sizeof(r->message), "HTTP %d%s%s", status, msg ? ": " : "",
		 msg ? msg : "");
	free(r->current);
	r->current = NULL;
	json_t *cur = json_object_get(root, "current");
	if (status == 409 && json_is_object(cur))
		r->current = json_dumps(cur, JSON_COMPACT);
	json_decref(root);
}

int wf_outbox_settle(struct wf_outbox *ob, uint64_t id, int status, const char *body,
		     size_t body_len, int retry_after_s, int64_t now_ms)
{
	size_t at = 0;
	struct wf_outbox_record *r = find(ob, id, &at);
	if (!r || r->state != WF_OUTBOX_SENDING)
		return 0;
	r->status = status;
	if (status >= 200 && status < 300) {
		if (append_del(ob, id, "done") != 0) {
			/* Not recorded as done: it would be sent again, which the key
			 * makes harmless. Keep it queued. */
			r->state = WF_OUTBOX_QUEUED;
			r->next_try = now_ms + 1000;
			return 1;
		}
		remove_at(ob, at);
		if (ob->lines > ob->n * 2 + 64)
			wf_outbox_compact(ob);
		return 1;
	}
	if (status == 409 || (status >= 400 && status < 500 && status != 429)) {
		r->state = status == 409 ? WF_OUTBOX_CONFLICT : WF_OUTBOX_FAILED;
		error_message(r, status, body, body_len);
		append_state(ob, r);
		return 1;
	}
	/* 5xx, 429, network: retry with jittered exponential backoff. */
	int64_t d = 1000;
	for (int i = 1; i < r->attempts && d < 60000; i++)
		d *= 2;
	if (d > 60000)
		d = 60000;
	d = d / 2 + (int64_t)(rng_next(ob) % (uint64_t)(d / 2 + 1));
	if (retry_after_s > 0 && d < retry_after_s * 1000LL)
		d = retry_after_s * 1000LL;
	if (status)
		error_message(r, status, body, body_len);
	else
		snprintf(r->message, sizeof(r->message), "network error, retrying");
	r->state = WF_OUTBOX_QUEUED;
	r->next_try = now_ms + d;
	return 1;
}

void wf_outbox_requeue_all(struct wf_outbox *ob)
{
	for (size_t i = 0; ob && i < ob->n; i++)
		if (ob->recs[i]->state == WF_OUTBOX_SENDING)
			ob->recs[i]->state = WF_OUTBOX_QUEUED;
}

int wf_outbox_compact(struct wf_outbox *ob)
{
	char tmp[1200];
	if (ob->fd < 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", ob->path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return set_err(ob, "compacting: %s", strerror(errno));
	int old = ob->fd;
	ob->fd = fd;
	size_t old_lines = ob->lines;
	ob->lines = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ob->n; i++) {
		struct wf_outbox_record *r = ob->recs[i];
		json_t *o = add_line(r);
		rc = o ? append_json(ob, o) : set_err(ob, "out of memory");
		json_decref(o);
		if (rc == 0 &&
		    (r->state == WF_OUTBOX_CONFLICT || r->state == WF_OUTBOX_FAILED))
			rc = append_state(ob, r);
	}
	if (rc == 0 && ob->n == 0 && fsync(fd) != 0)
		rc = set_err(ob, "fsync: %s", strerror(errno));
	/* The lock moves to the new file before it replaces the old one. */
	if (rc == 0 && flock(fd, LOCK_EX | LOCK_NB) != 0)
		rc = set_err(ob, "compacting: cannot lock");
	if (rc == 0 && rename(tmp, ob->path) != 0)
		rc = set_err(ob, "compacting: %s", strerror(errno));
	if (rc != 0) {
		close(fd);
		unlink(tmp);
		ob->fd = old;
		ob->lines = old_lines;
		return -1;
	}
	sync_dir(ob->dir);
	close(old);
	/* Appends go to the end: reopen with O_APPEND semantics. */
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_APPEND);
	return 0;
}
