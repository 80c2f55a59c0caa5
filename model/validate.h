/* validate.h - checks of the wire contract's value formats (ids, hashes, times,
 * UTF-8), shared by the decoder and the backend. Pure: no I/O, no allocation
 * except where a function says so. */
#ifndef WF_VALIDATE_H
#define WF_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "enums.h"

/* 1..64 characters from [A-Za-z0-9._:-]. */
bool wf_valid_id(const char *s);
/* 1..128 characters from [A-Za-z0-9._:-]. */
bool wf_valid_idempotency_key(const char *s);
/* An open-enum tier: [a-z_]{1,32}. */
bool wf_valid_tier(const char *s);
/* A hash value of the given type: lowercase hex of the length the type requires. */
bool wf_valid_hash(enum wf_hash_type type, const char *value);
/* Well-formed UTF-8 of at most max bytes (and at least min). */
bool wf_valid_utf8(const char *s, size_t len);

/* RFC 3339 UTC time ("2026-11-26T04:30:00Z", optional fraction, 'Z' or +00:00)
 * to Unix milliseconds. Returns false for anything else, including impossible dates. */
bool wf_time_parse(const char *s, int64_t *out_ms);
/* Formats ms as "2026-11-26T04:30:00.123Z" into buf (at least 25 bytes). */
void wf_time_format(int64_t ms, char *buf, size_t size);

#endif
