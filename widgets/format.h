/* format.h - short human figures for narrow columns: ages and countdowns ("42s",
 * "7m", "3h05", "2d"), counts ("950", "12.4k", "3.1M"), rates and percentages.
 * Pure; no domain knowledge. */
#ifndef WF_WIDGETS_FORMAT_H
#define WF_WIDGETS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* A duration in ms as at most 5 characters: "0s" "59s" "12m" "1h05" "3d". Negative
 * durations get a leading '-'. */
void wf_fmt_duration(int64_t ms, char *out, size_t size);
/* A count as at most 5 characters: "999" "12.4k" "3.1M". */
void wf_fmt_count(double n, char *out, size_t size);
/* A Unix ms time as "HH:MM:SS" UTC. */
void wf_fmt_clock(int64_t ms, char *out, size_t size);
/* A fraction 0..1 as "87%"; "-" when frac < 0 (no data). */
void wf_fmt_percent(double frac, char *out, size_t size);

#endif
