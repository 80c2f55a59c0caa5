/* stix.h - STIX 2.1 building blocks: deterministic ids (UUIDv5 from the backend's
 * ids, SHA-1 from libcrypto), the TLP marking definitions, STIX patterns on a
 * signal's hash, and the objects the command center's resources map to (see
 * docs/interop.md for the mapping field by field). Pure: no I/O. */
#ifndef WFD_STIX_H
#define WFD_STIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The namespace of every watchfloor UUIDv5 (docs/interop.md). */
#define STIX_NAMESPACE "625a0cf6-a8f7-408f-9479-1e3a5062d0f8"

/* "TYPE--UUIDv5(namespace, "watchfloor/" name)" into buf (at least 80 bytes). */
void stix_make_id(const char *type, const char *name, char *buf, size_t size);
/* The UUIDv5 alone ("xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx"), 37 bytes. */
void stix_uuid5(const char *name, char *buf, size_t size);

/* TLP levels of the STIX 2.1 predefined marking definitions. */
enum stix_tlp { STIX_TLP_WHITE, STIX_TLP_GREEN, STIX_TLP_AMBER, STIX_TLP_RED };
/* "white", "green", "amber", "red" (case-insensitive); false otherwise. */
bool stix_tlp_parse(const char *s, enum stix_tlp *out);
/* The predefined marking-definition id of a level. */
const char *stix_tlp_id(enum stix_tlp t);
/* The marking-definition object itself (new reference). */
json_t *stix_tlp_object(enum stix_tlp t);

/* The STIX hash name of a signal type ("MD5", "SHA-256", or the custom names
 * "x_pdq", "x_tmk", "x_vpdq"), or NULL for an unknown type. */
const char *stix_hash_name(const char *hash_type);
/* "[file:hashes.'NAME' = 'VALUE']" into buf; false when the type is unknown or the
 * value is not lowercase hex (nothing else may reach a pattern). */
bool stix_pattern(const char *hash_type, const char *value, char *buf, size_t size);

/* STIX timestamps: milliseconds ("2026-11-26T04:30:00.123Z") and microseconds
 * ("...00.123456Z", TAXII's date_added). New references. */
json_t *stix_time_ms(int64_t ms);
json_t *stix_time_us(int64_t us);
void stix_format_us(int64_t us, char *buf, size_t size);
/* RFC 3339 (any fraction, 'Z' or +00:00) to Unix microseconds. */
bool stix_parse_us(const char *s, int64_t *out_us);

/* What the objects are built from. */
struct stix_ctx {
	const char *cc_name;	/* the command center identity's name */
	char cc_id[80];		/* its identity id */
	const char *marking_id; /* the TLP marking of every object */
};
void stix_ctx_init(struct stix_ctx *x, const char *cc_name, enum stix_tlp tlp);

/* Objects (new references; NULL when a required field is missing). created and
 * modified are set by the caller (the feed versions them). */
json_t *stix_cc_identity(const struct stix_ctx *x);
json_t *stix_platform_identity(const struct stix_ctx *x, json_t *platform);
json_t *stix_incident(const struct stix_ctx *x, json_t *incident);
json_t *stix_indicator(const struct stix_ctx *x, json_t *signal);
json_t *stix_indicates(const struct stix_ctx *x, json_t *signal);
json_t *stix_note(const struct stix_ctx *x, json_t *report);
/* A public-interest exception and an authority notification, as notes on the
 * incident (and on the indicator the exception covers). */
json_t *stix_exception_note(const struct stix_ctx *x, json_t *exception);
json_t *stix_notification_note(const struct stix_ctx *x, json_t *notification);
/* A sighting of signal_id on platform_id with the running figures. */
struct stix_sighting_sums {
	int64_t count, blocked, removed, kept, pending;
	int64_t first_ms, last_ms;
};
json_t *stix_sighting(const struct stix_ctx *x, const char *incident_id,
		      const char *platform_id, const char *signal_id,
		      const struct stix_sighting_sums *s);

#endif
