/* notify_internal.h - the pieces of the notifier shared between its files: the
 * libnotify helper process (notify_dbus.c) and the id map that remembers what the
 * notifier saw in the model (notify_seen.c). Not for use outside notify/notify*.c. */
#ifndef WF_NOTIFY_NOTIFY_INTERNAL_H
#define WF_NOTIFY_NOTIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The helper: a child process that owns libnotify and the D-Bus connection, so a
 * slow or hung server only ever blocks the child. Messages are SOCK_SEQPACKET
 * records. The parent side never blocks; a probe or call slower than the timeout
 * kills the child and counts a failure; `breaker_failures` in a row open the
 * breaker for `cooldown_ms`, after which a new helper probes again. */
enum helper_state {
	HELPER_OFF,	 /* not started (desktop off) */
	HELPER_PROBING,	 /* started, waiting for the probe's answer */
	HELPER_IDLE,	 /* server present, ready for a call */
	HELPER_BUSY,	 /* a call is in flight */
	HELPER_NOSERVER, /* the probe found no server (until the retry time) */
	HELPER_BROKEN,	 /* breaker open (until the retry time) */
};

struct notify_helper {
	enum helper_state state;
	pid_t pid;
	int fd;
	int64_t since;	  /* when the probe or the call started */
	int64_t retry_at; /* NOSERVER/BROKEN: when to try again */
	int timeout_ms, breaker_failures, cooldown_ms, noserver_retry_ms;
	int failures_in_row;
	unsigned long failures, trips, acked;
	bool call_lost;	  /* a call in flight failed: its notification was not shown */
	pid_t zombies[4]; /* killed helpers not yet reaped (reaped without waiting) */
	bool markup;
	char server[64];
	char app_name[64];
};

void helper_init(struct notify_helper *h, const char *app_name, int timeout_ms,
		 int breaker_failures, int cooldown_ms);
/* Forks the helper; it probes the server at once. */
void helper_start(struct notify_helper *h, int64_t now);
/* Kills and reaps the helper. */
void helper_stop(struct notify_helper *h);
/* Reads replies, checks timeouts, restarts after the retry time. */
void helper_poll(struct notify_helper *h, int64_t now);
/* Sends one notification (only in HELPER_IDLE). Returns 0 or -1. */
int helper_send(struct notify_helper *h, int urgency, const char *summary,
		const char *body, int64_t now);
/* True once after a call in flight failed (timeout, death, error reply): the
 * caller shows that notification another way. */
bool helper_take_lost(struct notify_helper *h);
/* Earliest time helper_poll has something to do, INT64_MAX for none. */
int64_t helper_deadline(const struct notify_helper *h);

/* A map from id to a small record, with a sweep that forgets ids not touched since
 * the last sweep (so memory follows the model's caps). */
struct seen_slot {
	char *id;
	int a, b;      /* e.g. tier rank and state */
	uint32_t hash; /* e.g. of the title, to see it change */
	unsigned flags;
	uint32_t epoch;
};
struct seen_map {
	struct seen_slot *slots;
	size_t cap, n;
	uint32_t epoch;
};
void seen_init(struct seen_map *m);
void seen_free(struct seen_map *m);
/* Finds or adds id and marks it as touched; *created tells which. NULL when out of
 * memory. The pointer is valid until the next seen_touch or seen_sweep. */
struct seen_slot *seen_touch(struct seen_map *m, const char *id, bool *created);
/* Forgets every id not touched since the previous sweep. */
void seen_sweep(struct seen_map *m);
uint32_t seen_hash(const char *s);

#endif
