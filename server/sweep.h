/* sweep.h - the background sweep that expires decisions: an open decision whose
 * due_at lies more than the grace period (--expire-grace) in the past becomes
 * expired, with a decision.resolved event. Runs in its own thread, never on the
 * HTTP threads. */
#ifndef WFD_SWEEP_H
#define WFD_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

struct sweep;

/* Starts the sweep thread with grace_s seconds of grace (> 0); it sweeps at once
 * and then every grace_s / 10 seconds (at least 1, at most 60). NULL with err set
 * on failure. */
struct sweep *sweep_start(struct server *srv, int64_t grace_s, char *err, size_t errsz);
/* Stops the thread (an ongoing sweep finishes first) and frees s; NULL is fine. */
void sweep_stop(struct sweep *s);

#endif
