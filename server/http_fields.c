/* http_fields.c - request header hygiene and values without their optional
 * whitespace. libmicrohttpd 0.9.75 (Debian 12) leaves trailing whitespace in a value
 * and takes "Name : v" as a field called "Name " (MHD_OPTION_STRICT_FOR_CLIENT
 * changes neither); both are handled here. */
#include "http_fields.h"

#include <stdio.h>
#include <string.h>

/* RFC 9110 5.6.2: tchar. */
static bool is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

struct check {
	char *msg;
	size_t size;
	bool bad;
};

static enum MHD_Result check_field(void *cls, enum MHD_ValueKind kind, const char *key,
				   size_t key_size, const char *value,
				   size_t value_size)
{
	(void)kind;
	struct check *ck = cls;
	bool name_ok = key_size > 0;
	for (size_t i = 0; name_ok && i < key_size; i++)
		name_ok = is_tchar((unsigned char)key[i]);
	if (!name_ok) {
		/* The name is the client's bytes: quoted only as far as it is
		 * printable. */
		size_t n = 0;
		while (n < key_size && n < 40 && key[n] >= 0x20 && key[n] < 0x7f &&
		       key[n] != '\'')
			n++;
		snprintf(ck->msg, ck->size,
			 "header field name '%.*s%s': not a token (whitespace before "
			 "the colon?)",
			 (int)n, key, n < key_size ? "..." : "");
		ck->bad = true;
		return MHD_NO;
	}
	for (size_t i = 0; value && i < value_size; i++) {
		unsigned char ch = (unsigned char)value[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			snprintf(ck->msg, ck->size,
				 "header '%.*s': control character in the value",
				 (int)(key_size < 40 ? key_size : 40), key);
			ck->bad = true;
			return MHD_NO;
		}
	}
	return MHD_YES;
}

bool http_fields_check(struct MHD_Connection *c, char *msg, size_t size)
{
	struct check ck = {msg, size, false};
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, check_field, &ck);
	return !ck.bad;
}

const char *http_field(struct MHD_Connection *c, const char *name, size_t *len)
{
	const char *v = NULL;
	size_t n = 0;
	if (MHD_lookup_connection_value_n(c, MHD_HEADER_KIND, name, strlen(name), &v,
					  &n) != MHD_YES ||
	    !v)
		return NULL;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	*len = n;
	return v;
}

int http_field_copy(struct MHD_Connection *c, const char *name, char *buf, size_t size)
{
	size_t n;
	const char *v = http_field(c, name, &n);
	buf[0] = '\0';
	if (!v)
		return -1;
	if (n + 1 > size)
		return -2;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return (int)n;
}
