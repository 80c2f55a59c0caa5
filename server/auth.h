/* auth.h - bearer tokens: the tokens file (SHA-256 hashes, never the tokens) and the
 * role checks of docs/protocol.md. The file format, one token a line:
 *     SHA256HEX ROLE NAME [PLATFORM_ID]
 * SHA256HEX is the lowercase hex SHA-256 of the token's bytes; ROLE is viewer,
 * officer, platform or admin; blank lines and lines starting with '#' are ignored. */
#ifndef WFD_AUTH_H
#define WFD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

enum auth_role { AUTH_VIEWER, AUTH_OFFICER, AUTH_PLATFORM, AUTH_ADMIN };

struct auth_identity {
	char name[101];
	enum auth_role role;
	char platform_id[65]; /* "" unless role is platform (optional otherwise) */
	char key[65];         /* the hash hex: stable per token, used for idempotency */
};

struct auth;

/* Loads path. On a malformed line returns NULL with err naming the line number. */
struct auth *auth_load(const char *path, char *err, size_t errsz);
void auth_free(struct auth *a);
size_t auth_count(const struct auth *a);
const struct auth_identity *auth_at(const struct auth *a, size_t i);

/* The identity of a token (compared in constant time against every entry), or NULL. */
const struct auth_identity *auth_find_token(const struct auth *a, const char *token,
					    size_t len);
const char *auth_role_name(enum auth_role r);
/* Whether an entry has this key (the hash hex of auth_identity.key). */
bool auth_has_key(const struct auth *a, const char *key);
/* The role of a name ("officer"), or -1. */
int auth_role_parse(const char *name);

/* The token of an Authorization header: "Bearer TOKEN", or "Basic
 * base64(USER:TOKEN)" (what TAXII clients such as MISP's and OpenCTI's send; the
 * user name is ignored), decoded into buf when needed. NULL for anything else. */
const char *auth_header_token(const char *hdr, char *buf, size_t size);

#endif
