/* clock.h - the two clocks, read in one place for the dashboard and the backend:
 * the wall clock in Unix milliseconds (time stamps) and the monotonic clock in
 * milliseconds (deadlines, intervals). No other state. */
#ifndef WF_UTIL_CLOCK_H
#define WF_UTIL_CLOCK_H

#include <stdint.h>

/* Wall clock in Unix milliseconds (CLOCK_REALTIME). */
int64_t wf_clock_now_ms(void);
/* Monotonic clock in milliseconds (CLOCK_MONOTONIC), for deadlines. */
int64_t wf_clock_mono_ms(void);

#endif
