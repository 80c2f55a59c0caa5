/* demo.c - starting and stopping the private watchfloord of `--demo`: temporary
 * folder, tokens file (SHA-256 of a random token), fork/exec, the first stdout line,
 * and a clean kill and reap. */
#include "demo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "util/paths.h"
#include "util/wipe.h"

/* The scenario from the source tree, an installed (or DESTDIR) tree, the data folder
 * compiled in, or ./scenarios (util/paths.h). */
static int find_scenario(char *buf, size_t size)
{
	return wf_paths_find("scenarios", "christchurch.scenario", buf, size);
}

static int write_tokens(struct wf_demo *d, char *err, size_t errsize)
{
	unsigned char rnd[24], md[SHA256_DIGEST_LENGTH];
	char path[300], hex[2 * SHA256_DIGEST_LENGTH + 1];
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		snprintf(err, errsize, "no randomness for the demo token");
		return -1;
	}
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(d->token + 2 * i, 3, "%02x", rnd[i]);
	SHA256((const unsigned char *)d->token, strlen(d->token), md);
	for (size_t i = 0; i < sizeof(md); i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	snprintf(path, sizeof(path), "%s/tokens", d->dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* The officer is an organisation of its own (the fourth column), so its vote
	 * is one of the organisations a decision's quorum needs (protocol.md). */
	fprintf(f, "# watchfloor --demo\n%s officer demo-officer " WF_DEMO_ORG "\n", hex);
	return fclose(f) == 0 ? 0 : -1;
}

/* Reads the first line of the server's stdout within timeout_ms. */
static int read_first_line(int fd, char *buf, size_t size, int timeout_ms)
{
	size_t n = 0;
	int64_t waited = 0;
	while (n + 1 < size && waited < timeout_ms) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int r = poll(&p, 1, 100);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			waited += 100;
			continue;
		}
		ssize_t got = read(fd, buf + n, 1);
		if (got <= 0)
			return -1;
		if (buf[n] == '\n') {
			buf[n] = '\0';
			return 0;
		}
		n++;
	}
	return -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw);

/* Removes the folders of earlier demos whose dashboard was killed (kill -9 leaves
 * them behind): each holds an "owner" file with the pid that made it. */
static void sweep_stale(const char *tmp)
{
	DIR *dir = opendir(tmp);
	struct dirent *e;
	if (!dir)
		return;
	while ((e = readdir(dir)) != NULL) {
		char path[600], owner[700];
		if (strncmp(e->d_name, "watchfloor-demo.", 16) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmp, e->d_name);
		snprintf(owner, sizeof(owner), "%s/owner", path);
		FILE *f = fopen(owner, "r");
		long pid = 0;
		if (!f)
			continue;
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
		if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			nftw(path, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	}
	closedir(dir);
}

int wf_demo_start(struct wf_demo *d, int at_s, char *err, size_t errsize)
{
	char bindir[PATH_MAX], server[PATH_MAX + 16], scenario[PATH_MAX + 64];
	char db[300], tokens[300], logf[300], line[256];
	int pfd[2];
	memset(d, 0, sizeof(*d));
	d->out_fd = -1;
	if (wf_paths_exe_dir(bindir, sizeof(bindir)) != 0) {
		snprintf(err, errsize, "cannot find where watchfloor runs from");
		return -1;
	}
	snprintf(server, sizeof(server), "%s/watchfloord", bindir);
	if (access(server, X_OK) != 0) {
		snprintf(err, errsize,
			 "--demo needs watchfloord beside watchfloor (%s)", server);
		return -1;
	}
	if (find_scenario(scenario, sizeof(scenario)) != 0) {
		snprintf(err, errsize,
			 "--demo: christchurch.scenario not found in the source tree, "
			 "%s/scenarios or ./scenarios",
			 wf_paths_data_dir());
		return -1;
	}
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	sweep_stale(tmp);
	snprintf(d->dir, sizeof(d->dir), "%s/watchfloor-demo.XXXXXX", tmp);
	if (!mkdtemp(d->dir)) {
		snprintf(err, errsize, "cannot create a temporary folder: %s",
			 strerror(errno));
		d->dir[0] = '\0';
		return -1;
	}
	char owner[300];
	snprintf(owner, sizeof(owner), "%s/owner", d->dir);
	FILE *of = fopen(owner, "w");
	if (of) {
		fprintf(of, "%ld\n", (long)getpid());
		fclose(of);
	}
	if (write_tokens(d, err, errsize) != 0)
		goto fail;
	snprintf(db, sizeof(db), "%s/cc.db", d->dir);
	snprintf(tokens, sizeof(tokens), "%s/tokens", d->dir);
	snprintf(logf, sizeof(logf), "%s/server.log", d->dir);
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errsize, "pipe: %s", strerror(errno));
		goto fail;
	}
	pid_t parent = getpid();
	d->pid = fork();
	if (d->pid < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		d->pid = 0;
		goto fail;
	}
	if (d->pid == 0) {
		/* The server must not outlive the dashboard, even after a kill -9. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		dup2(pfd[1], STDOUT_FILENO);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		/* With a past: real time (the back-dated history is one second a
		 * second, so the live part must be too), more volume, and decisions
		 * that stay open past their due time for the officer to triage. */
		char start_at[32];
		snprintf(start_at, sizeof(start_at), "%ds", at_s);
		char *live[] = {server,	    "--listen",	      "127.0.0.1:0", "--db",
				db,	    "--tokens",	      tokens,	     "--simulate",
				scenario,   "--start-at",     start_at,	     "--speed",
				"1",	    "--scale",	      "0.05",	     "--expire-grace",
				"0",	    "--log",	      logf,	     NULL};
		char *fast[] = {server,	  "--listen", "127.0.0.1:0", "--db",
				db,	  "--tokens", tokens,	     "--simulate",
				scenario, "--speed",  "60",	     "--scale",
				"0.01",	  "--log",    logf,	     NULL};
		char **argv = at_s > 0 ? live : fast;
		execv(server, argv);
		_exit(127);
	}
	close(pfd[1]);
	d->out_fd = pfd[0];
	const char *prefix = "watchfloord listening on ";
	if (read_first_line(d->out_fd, line, sizeof(line), 15000) != 0 ||
	    strncmp(line, prefix, strlen(prefix)) != 0) {
		snprintf(err, errsize, "watchfloord did not start (see %s)", logf);
		wf_demo_stop(d);
		return -1;
	}
	snprintf(d->url, sizeof(d->url), "%s", line + strlen(prefix));
	return 0;
fail:
	wf_demo_stop(d);
	return -1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void wf_demo_stop(struct wf_demo *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		int status;
		for (int i = 0; i < 60; i++) {
			if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
				d->pid = 0;
				break;
			}
			struct timespec ts = {0, 50 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		if (d->pid > 0) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
			d->pid = 0;
		}
	}
	if (d->out_fd >= 0) {
		close(d->out_fd);
		d->out_fd = -1;
	}
	if (d->dir[0]) {
		nftw(d->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
		d->dir[0] = '\0';
	}
	wf_wipe(d->token, sizeof(d->token));
}
