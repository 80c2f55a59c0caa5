/* signals.h - the dashboard process's one piece of global state: the self-pipe its
 * signal handler writes each caught signal's number to, so every loop (the batch
 * modes, the interactive dashboard) learns of SIGINT, SIGTERM, SIGHUP and SIGWINCH
 * by polling one fd. tui/main.c opens it for the whole run; tui/app.c routes more
 * signals to it while the terminal is its. */
#ifndef WF_TUI_SIGNALS_H
#define WF_TUI_SIGNALS_H

#include <signal.h>

/* Creates the pipe (non-blocking, close-on-exec) unless it is open. 0 or -1. */
int wf_signals_open(void);
/* The read end (each byte read is a signal number), or -1 when not open. */
int wf_signals_fd(void);
/* Routes sig to the pipe with sa_flags flags (e.g. SA_RESTART); the action it
 * replaces goes to old (NULL: not kept). 0 or -1. */
int wf_signals_catch(int sig, int flags, struct sigaction *old);
/* Puts back an action wf_signals_catch saved. */
void wf_signals_restore(int sig, const struct sigaction *old);
/* Closes the pipe (the handlers stay; they write nowhere once it is closed). */
void wf_signals_close(void);

#endif
