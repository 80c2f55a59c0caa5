/* http_frame.h - an incremental reader of HTTP/1.1 request framing (RFC 9112) for the
 * relay in front of libmicrohttpd (http_front.c). It says where each request's
 * header block, body and chunks end, so a header block is passed on only once all of
 * it is known to be well formed; and it refuses what libmicrohttpd 0.9.75 cannot be
 * asked to refuse: a NUL or another control byte in a field, an obsolete folded line,
 * whitespace before the colon, a bare CR, and framing two readers could disagree on
 * (Content-Length with Transfer-Encoding, two lengths, a coding other than chunked).
 * Pure: no I/O, no allocation. */
#ifndef WFD_HTTP_FRAME_H
#define WFD_HTTP_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest header block (request line and fields) or trailer section: 431 past it.
 */
#define HTTP_FRAME_HEAD_MAX (32 * 1024)

struct http_frame {
	int state;
	size_t held;	    /* bytes read but not yet released */
	size_t head_len;    /* bytes of the header block (or trailers) so far */
	size_t line_len;    /* bytes of the chunk-size line so far */
	uint64_t remaining; /* body or chunk bytes still to come */
	bool trailer;	    /* reading the trailer fields of a chunked body */
	bool first_field;   /* the next line is the first after the request line */
	bool http10;	    /* the request line says HTTP/1.0 */
	bool has_length, has_te, chunk_digits;
	uint64_t length;
	char name[32]; /* the field being read, as written (its first 31 bytes) */
	size_t name_len;
	char value[64]; /* its value, for the fields that frame the message */
	size_t value_len;
	bool value_long;

	unsigned requests; /* header blocks released so far */
	bool in_message;   /* the last released header block's body has not ended */
	char method[16];   /* of the request being read ("" before), for the log */
	char target[256];  /* its start, cut with "..." */
	size_t method_len, target_len;

	int status;	  /* when refused: 400, 431, 501 or 505 */
	char reason[160]; /* what was wrong, in words for the answer */
};

void http_frame_init(struct http_frame *f);

/* Reads the next n bytes of the client's stream. On true, *release is how many
 * bytes, counted from the oldest not yet released, may now be passed on (a whole
 * header block once it has ended well, body bytes as they come, a chunk's size line
 * once it is whole); 0 while a header block is incomplete. On false the stream is
 * malformed: f->status and f->reason say why, nothing after the last release may
 * be passed on, and every later call returns false. */
bool http_frame_feed(struct http_frame *f, const char *p, size_t n, size_t *release);

/* True when the frame has refused the stream. */
bool http_frame_failed(const struct http_frame *f);

#endif
