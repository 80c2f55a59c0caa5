/* signals.c - the signal self-pipe (see signals.h): the only global state of the
 * watchfloor program. The handler only writes one byte; a full pipe means a wake-up
 * is already pending. */
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int signals_pipe[2] = {-1, -1};

static void signals_on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;
	if (signals_pipe[1] >= 0 && write(signals_pipe[1], &b, 1) < 0) {
		/* pipe full: a wake-up is already pending */
	}
	errno = saved;
}

int wf_signals_open(void)
{
	if (signals_pipe[0] >= 0)
		return 0;
	return pipe2(signals_pipe, O_CLOEXEC | O_NONBLOCK) == 0 ? 0 : -1;
}

int wf_signals_fd(void)
{
	return signals_pipe[0];
}

int wf_signals_catch(int sig, int flags, struct sigaction *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = signals_on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = flags;
	return sigaction(sig, &sa, old);
}

void wf_signals_restore(int sig, const struct sigaction *old)
{
	sigaction(sig, old, NULL);
}

void wf_signals_close(void)
{
	for (int i = 0; i < 2; i++) {
		if (signals_pipe[i] >= 0)
			close(signals_pipe[i]);
		signals_pipe[i] = -1;
	}
}
