/* token.c - `watchfloord token new|list|revoke`: writes the tokens file of auth.h
 * under an exclusive lock (flock), appends with fsync, rewrites through a temporary
 * file and rename(2), and never prints or stores a token other than once, on new. */
#include "token.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "model/validate.h"
#include "server/auth.h"

#define TOKEN_BYTES 32 /* 256 bits from getrandom(2) */
#define NAME_MAX_LEN 100

const char token_usage[] =
	"       watchfloord token [--tokens FILE] new ROLE NAME [ORG]\n"
	"       watchfloord token [--tokens FILE] list\n"
	"       watchfloord token [--tokens FILE] revoke NAME\n";

static int usage_error(const char *msg)
{
	fprintf(stderr, "watchfloord token: %s\nusage: %s", msg, token_usage + 7);
	return 2;
}

/* A name of the tokens file: 1..100 of [A-Za-z0-9._@:-] (one field, no '#'). */
static int name_valid(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_LEN)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
			    "6789._@:-",
			    *s))
			return 0;
	return 1;
}

/* A file root creates gets the owner and group of its folder, so that
 * `sudo watchfloord token --tokens /var/lib/watchfloord/tokens new ...` leaves a file
 * the service's user can read (the folder is the service's). */
static void own_like_folder(int fd, const char *path)
{
	char dirbuf[4096];
	struct stat d;
	if (geteuid() != 0)
		return;
	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	if (stat(dirname(dirbuf), &d) == 0 && fchown(fd, d.st_uid, d.st_gid) != 0)
		fprintf(stderr,
			"watchfloord token: cannot give %s to its folder's owner: %s\n",
			path, strerror(errno));
}

/* Opens path (created 0600) and takes its exclusive lock. A revoke replaces the file
 * by rename while we wait for the lock: then the locked inode is no longer the path,
 * so it opens again. Returns the descriptor or -1 (errno set). */
static int open_locked(const char *path, int create)
{
	for (int tries = 0; tries < 100; tries++) {
		int flags = O_RDWR | O_APPEND | O_CLOEXEC;
		int fd = create ? open(path, flags | O_CREAT | O_EXCL, 0600) : -1;
		if (fd >= 0)
			own_like_folder(fd, path);
		else if (!create || errno == EEXIST)
			fd = open(path, flags);
		if (fd < 0)
			return -1;
		struct stat a, b;
		if (flock(fd, LOCK_EX) != 0 || fstat(fd, &a) != 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (stat(path, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

static void base64url(const unsigned char *in, size_t n, char *out)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		v = (v << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = tab[(v >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = tab[(v << (6 - bits)) & 63];
	out[o] = '\0';
}

/* The token: "wft_" and 43 base64url characters of TOKEN_BYTES random bytes. */
static int token_generate(char *out, size_t outsz)
{
	unsigned char raw[TOKEN_BYTES];
	size_t got = 0;
	while (got < sizeof(raw)) {
		ssize_t r = getrandom(raw + got, sizeof(raw) - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	if (outsz < 4 + (TOKEN_BYTES * 4 + 2) / 3 + 1)
		return -1;
	memcpy(out, "wft_", 4);
	base64url(raw, sizeof(raw), out + 4);
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

static int sha256_hex(const char *s, char hex[65])
{
	unsigned char h[32];
	unsigned int hl = 0;
	if (!EVP_Digest(s, strlen(s), h, &hl, EVP_sha256(), NULL))
		return -1;
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	return 0;
}

/* Loads the locked file for checks (auth_load by path reads what fd holds). */
static struct auth *load_checked(const char *path)
{
	char err[512];
	struct auth *a = auth_load(path, err, sizeof(err));
	if (!a)
		fprintf(stderr, "watchfloord token: %s (fix the file first)\n", err);
	return a;
}

static void warn_mode(int fd, const char *path)
{
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr,
			"watchfloord token: warning: %s is open to other users (mode "
			"%04o); "
			"chmod 600 it\n",
			path, (unsigned)(st.st_mode & 07777));
}

static int cmd_new(const char *path, int argc, char **argv)
{
	if (argc < 3 || argc > 4)
		return usage_error("new wants ROLE NAME [ORG]");
	const char *role = argv[1], *name = argv[2], *org = argc == 4 ? argv[3] : NULL;
	int r = auth_role_parse(role);
	if (r < 0)
		return usage_error("ROLE must be viewer, officer, platform or admin");
	if (!name_valid(name))
		return usage_error("NAME must be 1..100 of [A-Za-z0-9._@:-]");
	if (org && !wf_valid_id(org))
		return usage_error("ORG must be 1..64 of [A-Za-z0-9._:-]");
	if (r == AUTH_PLATFORM && !org)
		return usage_error("a platform token needs its platform id as ORG");
	int fd = open_locked(path, 1);
	if (fd < 0) {
		fprintf(stderr, "watchfloord token: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int rc = 1;
	char tok[64], hex[65], line[256];
	struct auth *a = load_checked(path);
	if (!a)
		goto out;
	for (size_t i = 0; i < auth_count(a); i++) {
		if (strcmp(auth_at(a, i)->name, name) == 0) {
			fprintf(stderr,
				"watchfloord token: %s already has a token named %s "
				"(revoke it first, or pick another name)\n",
				path, name);
			goto out;
		}
	}
	if (token_generate(tok, sizeof(tok)) != 0 || sha256_hex(tok, hex) != 0) {
		fprintf(stderr, "watchfloord token: no random bytes from the OS\n");
		goto out;
	}
	/* A file whose last line lacks its newline gets one first. */
	off_t end = lseek(fd, 0, SEEK_END);
	char last = '\n';
	if (end > 0 && pread(fd, &last, 1, end - 1) != 1)
		last = '\n';
	int n = snprintf(line, sizeof(line), "%s%s %s %s%s%s\n",
			 last == '\n' ? "" : "\n", hex, role, name, org ? " " : "",
			 org ? org : "");
	if (write(fd, line, (size_t)n) != n || fsync(fd) != 0) {
		fprintf(stderr, "watchfloord token: cannot write %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	warn_mode(fd, path);
	printf("%s\n", tok);
	fflush(stdout);
	fprintf(stderr,
		"watchfloord token: added %s %s%s%s (fingerprint %.16s) to %s. The "
		"token is "
		"shown this once; a running watchfloord takes it on SIGHUP.\n",
		role, name, org ? " of " : "", org ? org : "", hex, path);
	rc = 0;
out:
	OPENSSL_cleanse(tok, sizeof(tok));
	auth_free(a);
	close(fd);
	return rc;
}

static int cmd_list(const char *path, int argc)
{
	if (argc != 1)
		return usage_error("list takes no argument");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "watchfloord token: %s: %s\n", path, strerror(errno));
		return 1;
	}
	flock(fd, LOCK_SH);
	struct auth *a = load_checked(path);
	close(fd);
	if (!a)
		return 1;
	printf("%-24s %-9s %-16s %s\n", "NAME", "ROLE", "ORG", "FINGERPRINT");
	for (size_t i = 0; i < auth_count(a); i++) {
		const struct auth_identity *id = auth_at(a, i);
		printf("%-24s %-9s %-16s %.16s\n", id->name, auth_role_name(id->role),
		       id->platform_id[0] ? id->platform_id : "-", id->key);
	}
	auth_free(a);
	return 0;
}

/* Whether a line of the file is a token entry named name (third field). */
static int line_names(const char *line, const char *name)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#' || *p == '\n' || *p == '\0')
		return 0;
	for (int field = 0; field < 2; field++) {
		p += strcspn(p, " \t\n");
		p += strspn(p, " \t");
	}
	size_t n = strcspn(p, " \t\r\n");
	return n == strlen(name) && memcmp(p, name, n) == 0;
}

/* Writes the lines of in that are not entries named name to a temporary file beside
 * path (same owner and mode), then renames it over path. Returns the entries dropped,
 * or -1. */
static int rewrite_without(const char *path, int fd, const char *name)
{
	char tmp[4096], dirbuf[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path);
	snprintf(dirbuf, sizeof(dirbuf), "%s", path);
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	int out = mkstemp(tmp);
	if (out < 0)
		return -1;
	FILE *in = fdopen(dup(fd), "r");
	FILE *o = fdopen(out, "w");
	if (!in || !o) {
		if (in)
			fclose(in);
		if (o)
			fclose(o);
		else
			close(out);
		unlink(tmp);
		return -1;
	}
	rewind(in);
	char *line = NULL;
	size_t cap = 0;
	int dropped = 0;
	while (getline(&line, &cap, in) >= 0) {
		if (line_names(line, name))
			dropped++;
		else
			fputs(line, o);
	}
	free(line);
	fclose(in);
	int bad = fflush(o) != 0 || fchmod(out, st.st_mode & 0777) != 0 ||
		  (geteuid() == 0 && fchown(out, st.st_uid, st.st_gid) != 0) ||
		  fsync(out) != 0;
	bad |= fclose(o) != 0;
	if (bad || dropped == 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return bad ? -1 : dropped == 0 ? 0 : -1;
	}
	int dfd = open(dirname(dirbuf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return dropped;
}

static int revoke_locked(const char *path, const char *name);

static int cmd_revoke(const char *path, int argc, char **argv)
{
	if (argc != 2)
		return usage_error("revoke wants NAME");
	/* A symlinked tokens file: the rename replaces its target, not the link. */
	char *real = realpath(path, NULL);
	if (real)
		path = real;
	int rc = revoke_locked(path, argv[1]);
	free(real);
	return rc;
}

static int revoke_locked(const char *path, const char *name)
{
	int fd = open_locked(path, 0);
	if (fd < 0) {
		fprintf(stderr, "watchfloord token: %s: %s\n", path, strerror(errno));
		return 1;
	}
	int dropped = rewrite_without(path, fd, name);
	close(fd);
	if (dropped < 0) {
		fprintf(stderr, "watchfloord token: cannot rewrite %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (dropped == 0) {
		fprintf(stderr, "watchfloord token: %s has no token named %s\n", path,
			name);
		return 1;
	}
	fprintf(stderr,
		"watchfloord token: revoked %s in %s; a running watchfloord drops it "
		"on "
		"SIGHUP (systemctl reload watchfloord)\n",
		name, path);
	return 0;
}

int token_main(int argc, char **argv)
{
	enum { O_TOKENS = 256, O_HELP };
	static const struct option longs[] = {
		{"tokens", required_argument, NULL, O_TOKENS},
		{"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	const char *path = getenv("WATCHFLOORD_TOKENS");
	int c;
	optind = 1;
	/* Options may go anywhere (getopt permutes): no NAME or ORG starts with '-'. */
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case O_TOKENS:
			path = optarg;
			break;
		case O_HELP:
			printf("usage: %s", token_usage + 7);
			return 0;
		default:
			return usage_error("unknown option");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return usage_error("which command: new, list or revoke?");
	if (!path || !*path)
		return usage_error(
			"which tokens file? --tokens FILE (or WATCHFLOORD_TOKENS)");
	if (strcmp(argv[0], "new") == 0)
		return cmd_new(path, argc, argv);
	if (strcmp(argv[0], "list") == 0)
		return cmd_list(path, argc);
	if (strcmp(argv[0], "revoke") == 0)
		return cmd_revoke(path, argc, argv);
	return usage_error("the command is new, list or revoke");
}
