/* http_frame.c - the request framer of http_frame.h: one state a byte through the
 * request line and the field lines (held until the block ends well), bulk through
 * body and chunk data (released as it comes). Line ends: CRLF, or a bare LF in the
 * header block as RFC 9112 2.2 lets a recipient take it (libmicrohttpd does too); a
 * chunk's lines need CRLF. */
#include "http_frame.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
	S_START,    /* before a request line (empty lines are skipped) */
	S_START_LF, /* a CR there */
	S_METHOD,
	S_TARGET,
	S_VERSION,
	S_VERSION_LF, /* the request line's CR */
	S_LINE,	      /* the start of a field line, or of the empty line */
	S_NAME,
	S_VALUE,
	S_VALUE_LF, /* a field line's CR */
	S_END_LF,   /* the empty line's CR */
	S_BODY,	    /* Content-Length bytes */
	S_CHUNK_SIZE,
	S_CHUNK_EXT,
	S_CHUNK_SIZE_LF,
	S_CHUNK_DATA,
	S_CHUNK_CR, /* the CRLF after a chunk's data */
	S_CHUNK_LF,
	S_FAILED
};

#define CHUNK_LINE_MAX 1024

/* RFC 9110 5.6.2: tchar. */
static bool is_tchar(unsigned char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL;
}

static bool fail(struct http_frame *f, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
	f->status = status;
	f->state = S_FAILED;
	return false;
}

/* The field's name as the client wrote it, for a message (tchars only, so
 * printable); "(a long name)" for one over 31 bytes. */
static const char *shown_name(const struct http_frame *f)
{
	return f->name_len < sizeof(f->name) ? f->name : "(a long name)";
}

static void release_held(struct http_frame *f, size_t *release)
{
	*release += f->held;
	f->held = 0;
}

/* Ready for the next request on the connection. */
static void message_end(struct http_frame *f)
{
	f->in_message = false;
	f->trailer = false;
	f->has_length = f->has_te = false;
	f->length = f->remaining = 0;
	f->head_len = 0;
	f->state = S_START;
}

/* The value of the field just read without its optional whitespace, NUL-terminated
 * in f->value; a byte outside printable ASCII (an inner tab, obs-text) shown as '?':
 * the value may be quoted in a reason. */
static const char *trimmed_value(struct http_frame *f)
{
	size_t a = 0, b = f->value_len;
	while (a < b && (f->value[a] == ' ' || f->value[a] == '\t'))
		a++;
	while (b > a && (f->value[b - 1] == ' ' || f->value[b - 1] == '\t'))
		b--;
	memmove(f->value, f->value + a, b - a);
	f->value[b - a] = '\0';
	for (size_t i = 0; i < b - a; i++)
		if ((unsigned char)f->value[i] > 0x7e ||
		    (unsigned char)f->value[i] < 0x20)
			f->value[i] = '?';
	return f->value;
}

/* The fields that frame the message: Content-Length and Transfer-Encoding.
 * Whitespace after their value is refused: libmicrohttpd 0.9.75 keeps it (it strips
 * only the leading), so "chunked " would frame the body differently there. */
static bool frame_field(struct http_frame *f)
{
	if (f->name_len >= sizeof(f->name))
		return true;
	bool framing = strcasecmp(f->name, "content-length") == 0 ||
		       strcasecmp(f->name, "transfer-encoding") == 0;
	if (framing && f->value_len > 0 && !f->value_long &&
	    (f->value[f->value_len - 1] == ' ' || f->value[f->value_len - 1] == '\t'))
		return fail(f, 400, "header '%s': whitespace after the value", f->name);
	if (strcasecmp(f->name, "content-length") == 0) {
		const char *v = trimmed_value(f);
		size_t n = strlen(v);
		if (f->value_long || n == 0 || n > 18 || strspn(v, "0123456789") != n)
			return fail(f, 400,
				    "header 'Content-Length': not a decimal length");
		uint64_t len = 0;
		for (size_t i = 0; i < n; i++)
			len = len * 10 + (uint64_t)(v[i] - '0');
		if (f->has_length && len != f->length)
			return fail(f, 400, "two different Content-Length values");
		f->has_length = true;
		f->length = len;
	} else if (strcasecmp(f->name, "transfer-encoding") == 0) {
		if (f->has_te)
			return fail(f, 400, "header 'Transfer-Encoding' given twice");
		const char *v = trimmed_value(f);
		if (f->value_long || strcasecmp(v, "chunked") != 0)
			return fail(f, 501,
				    "header 'Transfer-Encoding': '%.40s%s' is not "
				    "supported, "
				    "only chunked",
				    v, f->value_long ? "..." : "");
		f->has_te = true;
	}
	return true;
}

/* The empty line after the fields: the header block is whole and well formed. */
static bool head_end(struct http_frame *f, size_t *release)
{
	if (f->trailer) {
		release_held(f, release);
		message_end(f);
		return true;
	}
	if (f->has_te && f->http10)
		return fail(f, 400, "Transfer-Encoding in an HTTP/1.0 request");
	if (f->has_te && f->has_length)
		return fail(f, 400, "both Content-Length and Transfer-Encoding");
	release_held(f, release);
	f->requests++;
	f->in_message = true;
	if (f->has_te) {
		f->state = S_CHUNK_SIZE;
		f->remaining = 0;
		f->line_len = 0;
		f->chunk_digits = false;
	} else if (f->has_length && f->length > 0) {
		f->state = S_BODY;
		f->remaining = f->length;
	} else {
		message_end(f);
	}
	return true;
}

static bool version_end(struct http_frame *f)
{
	const char *v = f->value;
	f->value[f->value_len] = '\0';
	if (strcmp(v, "HTTP/1.1") == 0 || strcmp(v, "HTTP/1.0") == 0) {
		f->http10 = v[7] == '0';
		f->first_field = true;
		f->state = S_LINE;
		return true;
	}
	if (f->value_len == 8 && strncmp(v, "HTTP/", 5) == 0 && v[5] >= '0' &&
	    v[5] <= '9' && v[6] == '.' && v[7] >= '0' && v[7] <= '9')
		return fail(f, 505, "HTTP/%c.%c is not supported: HTTP/1.1 only", v[5],
			    v[7]);
	return fail(f, 400, "malformed request line: no HTTP version at its end");
}

static bool field_end(struct http_frame *f)
{
	f->first_field = false;
	f->state = S_LINE;
	return f->trailer || frame_field(f);
}

static void name_add(struct http_frame *f, unsigned char ch)
{
	if (f->name_len < sizeof(f->name) - 1) {
		f->name[f->name_len] = (char)ch;
		f->name[f->name_len + 1] = '\0';
	}
	f->name_len++;
}

/* One byte of a line (request line, field lines, chunk lines). */
static bool step(struct http_frame *f, unsigned char ch, size_t *release)
{
	switch (f->state) {
	case S_START:
		if (ch == '\r') {
			f->state = S_START_LF;
		} else if (ch == '\n') {
			/* an empty line before the request: skipped */
		} else if (is_tchar(ch)) {
			f->method_len = f->target_len = 0;
			f->method[0] = f->target[0] = '\0';
			f->method[f->method_len++] = (char)ch;
			f->method[f->method_len] = '\0';
			f->state = S_METHOD;
		} else {
			return fail(
				f, 400,
				"malformed request line: it must start with a method");
		}
		return true;
	case S_START_LF:
		if (ch != '\n')
			return fail(f, 400,
				    "a CR not followed by LF before the request line");
		f->state = S_START;
		return true;
	case S_METHOD:
		if (is_tchar(ch)) {
			if (f->method_len >= sizeof(f->method) - 1)
				return fail(
					f, 400,
					"malformed request line: method over 15 bytes");
			f->method[f->method_len++] = (char)ch;
			f->method[f->method_len] = '\0';
		} else if (ch == ' ') {
			f->state = S_TARGET;
		} else {
			return fail(f, 400,
				    "malformed request line: byte 0x%02x in the method",
				    ch);
		}
		return true;
	case S_TARGET:
		if (ch > 0x20 && ch < 0x7f) {
			if (f->target_len < sizeof(f->target) - 4) {
				f->target[f->target_len] = (char)ch;
				f->target[f->target_len + 1] = '\0';
			} else if (f->target_len == sizeof(f->target) - 4) {
				memcpy(f->target + f->target_len, "...", 4);
			}
			f->target_len++;
		} else if (ch == ' ' && f->target_len > 0) {
			f->value_len = 0;
			f->state = S_VERSION;
		} else {
			return fail(f, 400,
				    "malformed request line: byte 0x%02x in the "
				    "request target",
				    ch);
		}
		return true;
	case S_VERSION:
		if (ch == '\r') {
			f->state = S_VERSION_LF;
			return true;
		}
		if (ch == '\n')
			return version_end(f);
		if (f->value_len >= 8)
			return fail(
				f, 400,
				"malformed request line: no HTTP version at its end");
		f->value[f->value_len++] = (char)ch;
		return true;
	case S_VERSION_LF:
		if (ch != '\n')
			return fail(f, 400, "a bare CR in the request line");
		return version_end(f);
	case S_LINE:
		if (ch == '\r') {
			f->state = S_END_LF;
		} else if (ch == '\n') {
			return head_end(f, release);
		} else if (ch == ' ' || ch == '\t') {
			return fail(f, 400,
				    f->first_field ? "whitespace between the request "
						     "line and the first "
						     "header field"
						   : "obsolete line folding: a field "
						     "line starts with "
						     "whitespace");
		} else if (is_tchar(ch)) {
			f->name_len = 0;
			f->name[0] = '\0';
			name_add(f, ch);
			f->state = S_NAME;
		} else {
			return fail(f, 400,
				    ch == ':' ? "a header field with an empty name"
					      : "header field name: byte 0x%02x is not "
						"a token "
						"character",
				    ch);
		}
		return true;
	case S_NAME:
		if (is_tchar(ch)) {
			name_add(f, ch);
		} else if (ch == ':') {
			f->value_len = 0;
			f->value_long = false;
			f->state = S_VALUE;
		} else if (ch == ' ' || ch == '\t') {
			return fail(f, 400, "header '%s': whitespace before the colon",
				    shown_name(f));
		} else if (ch == '\r' || ch == '\n') {
			return fail(f, 400, "header line '%s' has no colon",
				    shown_name(f));
		} else {
			return fail(f, 400,
				    "header field name: byte 0x%02x is not a token "
				    "character",
				    ch);
		}
		return true;
	case S_VALUE:
		if (ch == '\r') {
			f->state = S_VALUE_LF;
			return true;
		}
		if (ch == '\n')
			return field_end(f);
		if (ch == '\0')
			return fail(f, 400, "header '%s': a NUL byte in the value",
				    shown_name(f));
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return fail(f, 400,
				    "header '%s': control byte 0x%02x in the value",
				    shown_name(f), ch);
		if (f->value_len < sizeof(f->value) - 1)
			f->value[f->value_len++] = (char)ch;
		else
			f->value_long = true;
		return true;
	case S_VALUE_LF:
		if (ch != '\n')
			return fail(f, 400, "header '%s': a bare CR in the value",
				    shown_name(f));
		return field_end(f);
	case S_END_LF:
		if (ch != '\n')
			return fail(f, 400, "a bare CR after the header fields");
		return head_end(f, release);
	case S_CHUNK_SIZE: {
		int d = ch >= '0' && ch <= '9'	 ? ch - '0'
			: ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			: ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
						 : -1;
		if (d >= 0) {
			if (f->remaining >> 56)
				return fail(f, 400, "chunk size over 2^60 bytes");
			f->remaining = f->remaining * 16 + (uint64_t)d;
			f->chunk_digits = true;
		} else if (f->chunk_digits && ch == ';') {
			f->state = S_CHUNK_EXT;
		} else if (f->chunk_digits && ch == '\r') {
			f->state = S_CHUNK_SIZE_LF;
		} else if (ch == '\n') {
			return fail(f, 400, "a chunk size line must end with CRLF");
		} else {
			return fail(f, 400, "malformed chunk size line");
		}
		return true;
	}
	case S_CHUNK_EXT:
		if (ch == '\r')
			f->state = S_CHUNK_SIZE_LF;
		else if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return fail(f, 400, "control byte 0x%02x in a chunk extension",
				    ch);
		return true;
	case S_CHUNK_SIZE_LF:
		if (ch != '\n')
			return fail(f, 400, "a chunk size line must end with CRLF");
		release_held(f, release);
		if (f->remaining == 0) {
			f->trailer = true;
			f->head_len = 0;
			f->first_field = false;
			f->state = S_LINE;
		} else {
			f->state = S_CHUNK_DATA;
		}
		return true;
	case S_CHUNK_CR:
		if (ch != '\r')
			return fail(f, 400, "chunk data longer than its size");
		f->state = S_CHUNK_LF;
		return true;
	case S_CHUNK_LF:
		if (ch != '\n')
			return fail(f, 400, "chunk data must end with CRLF");
		release_held(f, release);
		f->remaining = 0;
		f->line_len = 0;
		f->chunk_digits = false;
		f->state = S_CHUNK_SIZE;
		return true;
	default:
		return false;
	}
}

void http_frame_init(struct http_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->state = S_START;
}

bool http_frame_failed(const struct http_frame *f)
{
	return f->state == S_FAILED;
}

bool http_frame_feed(struct http_frame *f, const char *p, size_t n, size_t *release)
{
	*release = 0;
	size_t i = 0;
	while (i < n) {
		if (f->state == S_FAILED)
			return false;
		if (f->state == S_BODY || f->state == S_CHUNK_DATA) {
			uint64_t take = n - i < f->remaining ? n - i : f->remaining;
			i += take;
			f->remaining -= take;
			*release += f->held + take;
			f->held = 0;
			if (f->remaining == 0) {
				if (f->state == S_BODY)
					message_end(f);
				else
					f->state = S_CHUNK_CR;
			}
			continue;
		}
		f->held++;
		if (f->state <= S_END_LF && ++f->head_len > HTTP_FRAME_HEAD_MAX)
			return fail(f, 431, "%s over %d KiB",
				    f->trailer ? "the trailer fields"
					       : "the request's header block",
				    HTTP_FRAME_HEAD_MAX / 1024);
		if (f->state >= S_CHUNK_SIZE && f->state <= S_CHUNK_SIZE_LF &&
		    ++f->line_len > CHUNK_LINE_MAX)
			return fail(f, 400, "a chunk size line over %d bytes",
				    CHUNK_LINE_MAX);
		if (!step(f, (unsigned char)p[i++], release))
			return false;
	}
	return f->state != S_FAILED;
}
