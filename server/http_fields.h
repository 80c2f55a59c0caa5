/* http_fields.h - request header fields as RFC 9110/9112 mean them, on top of what
 * libmicrohttpd hands over: a field name must be a token (a space before the colon
 * is a 400, not an unknown field), a value holds no control character, and the
 * optional whitespace around a value is not part of it. */
#ifndef WF_SERVER_HTTP_FIELDS_H
#define WF_SERVER_HTTP_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

/* Checks every request header field; false with a message for a 400 when one is
 * malformed. */
bool http_fields_check(struct MHD_Connection *c, char *msg, size_t size);

/* The value of field name without its trailing spaces and tabs (libmicrohttpd drops
 * the leading ones), its length in *len; NULL when absent. Not NUL-terminated at
 * *len: use the length, or http_field_copy. */
const char *http_field(struct MHD_Connection *c, const char *name, size_t *len);

/* Copies that value, NUL-terminated, into buf. Returns its length, -1 when absent,
 * -2 when it does not fit (then buf is ""). */
int http_field_copy(struct MHD_Connection *c, const char *name, char *buf,
		    size_t size);

#endif
