/* auth.c - tokens file parsing and constant-time token lookup over SHA-256 hashes. */
#include "auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "model/validate.h"

struct auth {
	struct auth_identity *ids;
	unsigned char (*hashes)[32];
	size_t n, cap;
};

static const char *const role_names[] = {"viewer", "officer", "platform", "admin"};

const char *auth_role_name(enum auth_role r)
{
	return role_names[r];
}

int auth_role_parse(const char *name)
{
	for (int i = 0; i < 4; i++)
		if (strcmp(name, role_names[i]) == 0)
			return i;
	return -1;
}

bool auth_has_key(const struct auth *a, const char *key)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (strcmp(a->ids[i].key, key) == 0)
			return true;
	return false;
}

static int hex_decode(const char *hex, unsigned char out[32])
{
	if (strlen(hex) != 64)
		return -1;
	for (int i = 0; i < 32; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = hex[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

static int add_line(struct auth *a, char *line, char *why, size_t whysz)
{
	char *fields[5];
	int n = 0;
	for (char *tok = strtok(line, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (n == 5)
			break;
		fields[n++] = tok;
	}
	if (n < 3 || n > 4) {
		snprintf(why, whysz, "expected SHA256HEX ROLE NAME [PLATFORM_ID]");
		return -1;
	}
	unsigned char h[32];
	if (hex_decode(fields[0], h) != 0) {
		snprintf(why, whysz, "hash must be 64 lowercase hex characters");
		return -1;
	}
	int role = auth_role_parse(fields[1]);
	if (role < 0) {
		snprintf(why, whysz, "role must be viewer, officer, platform or admin");
		return -1;
	}
	if (strlen(fields[2]) > 100) {
		snprintf(why, whysz, "name longer than 100 bytes");
		return -1;
	}
	if (n == 4 && !wf_valid_id(fields[3])) {
		snprintf(why, whysz, "platform id must be 1..64 of [A-Za-z0-9._:-]");
		return -1;
	}
	if (role == AUTH_PLATFORM && n != 4) {
		snprintf(why, whysz, "a platform token needs a PLATFORM_ID");
		return -1;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 8;
		struct auth_identity *ids = realloc(a->ids, cap * sizeof(*ids));
		if (!ids)
			return -1;
		a->ids = ids;
		unsigned char(*hs)[32] = realloc(a->hashes, cap * sizeof(*hs));
		if (!hs)
			return -1;
		a->hashes = hs;
		a->cap = cap;
	}
	struct auth_identity *id = &a->ids[a->n];
	memset(id, 0, sizeof(*id));
	snprintf(id->name, sizeof(id->name), "%s", fields[2]);
	id->role = (enum auth_role)role;
	if (n == 4)
		snprintf(id->platform_id, sizeof(id->platform_id), "%s", fields[3]);
	snprintf(id->key, sizeof(id->key), "%s", fields[0]);
	memcpy(a->hashes[a->n], h, 32);
	a->n++;
	return 0;
}

struct auth *auth_load(const char *path, char *err, size_t errsz)
{
	err[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: cannot open", path);
		return NULL;
	}
	struct auth *a = calloc(1, sizeof(*a));
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	while (a && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		char why[128] = "out of memory";
		if (add_line(a, p, why, sizeof(why)) != 0) {
			snprintf(err, errsz, "%s:%d: %s", path, lineno, why);
			auth_free(a);
			a = NULL;
		}
	}
	free(line);
	fclose(f);
	if (!a && err[0] == '\0')
		snprintf(err, errsz, "out of memory");
	return a;
}

void auth_free(struct auth *a)
{
	if (!a)
		return;
	free(a->ids);
	free(a->hashes);
	free(a);
}

size_t auth_count(const struct auth *a)
{
	return a ? a->n : 0;
}

const struct auth_identity *auth_at(const struct auth *a, size_t i)
{
	return &a->ids[i];
}

const struct auth_identity *auth_find_token(const struct auth *a, const char *token,
					    size_t len)
{
	unsigned char h[32];
	unsigned int hl = 0;
	const struct auth_identity *found = NULL;
	if (!a || len == 0 || !EVP_Digest(token, len, h, &hl, EVP_sha256(), NULL))
		return NULL;
	/* Compare against every entry, without an early exit. */
	for (size_t i = 0; i < a->n; i++) {
		if (CRYPTO_memcmp(h, a->hashes[i], 32) == 0)
			found = &a->ids[i];
	}
	OPENSSL_cleanse(h, sizeof(h));
	return found;
}

/* The token of "Bearer TOKEN", or of "Basic base64(USER:TOKEN)" (what TAXII
 * clients such as MISP's and OpenCTI's send; the user name is ignored), into buf. */
const char *auth_header_token(const char *hdr, char *buf, size_t size)
{
	if (!hdr)
		return NULL;
	bool basic = strncasecmp(hdr, "Basic ", 6) == 0;
	if (!basic && strncasecmp(hdr, "Bearer ", 7) != 0)
		return NULL;
	const char *tok = hdr + (basic ? 6 : 7);
	while (*tok == ' ')
		tok++;
	if (!basic)
		return tok;
	size_t n = strlen(tok);
	if (n == 0 || n % 4 || n / 4 * 3 >= size)
		return NULL;
	int len = EVP_DecodeBlock((unsigned char *)buf, (const unsigned char *)tok, (int)n);
	if (len < 0)
		return NULL;
	while (len > 0 && n > 0 && tok[--n] == '=')
		len--; /* EVP_DecodeBlock counts the padding as bytes */
	buf[len] = '\0';
	if (strlen(buf) != (size_t)len)
		return NULL;
	char *colon = strchr(buf, ':');
	return colon ? colon + 1 : NULL;
}
