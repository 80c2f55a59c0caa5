/* sse.c - the event-stream parser: a UTF-8 decoder (WHATWG, replacement per
 * maximal subpart) feeding a line splitter feeding the field interpreter of the
 * WHATWG HTML "Server-sent events" section. Every state is kept between chunks. */
#include "sse.h"

#include <stdlib.h>
#include <string.h>

static const unsigned char replacement[3] = {0xEF, 0xBF, 0xBD};

static int buf_put(struct wf_sse_buf *b, const void *src, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->n + n + 1)
			nc *= 2;
		char *np = realloc(b->p, nc);
		if (!np)
			return -1;
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->n, src, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static void buf_clear(struct wf_sse_buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
}

static int buf_set(struct wf_sse_buf *b, const void *src, size_t n)
{
	buf_clear(b);
	return buf_put(b, src, n);
}

static void buf_free(struct wf_sse_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void wf_sse_init(struct wf_sse_parser *p, size_t max_line, size_t max_event,
		 wf_sse_event_fn on_event, void *userdata)
{
	memset(p, 0, sizeof(*p));
	p->max_line = max_line ? max_line : WF_SSE_DEFAULT_MAX;
	p->max_event = max_event ? max_event : WF_SSE_DEFAULT_MAX;
	p->on_event = on_event;
	p->userdata = userdata;
	p->lower = 0x80;
	p->upper = 0xBF;
}

void wf_sse_free(struct wf_sse_parser *p)
{
	buf_free(&p->line);
	buf_free(&p->data);
	buf_free(&p->type);
	buf_free(&p->id_buf);
	buf_free(&p->last_id);
}

void wf_sse_restart(struct wf_sse_parser *p)
{
	p->pend_n = p->needed = 0;
	p->lower = 0x80;
	p->upper = 0xBF;
	p->started = false;
	p->last_cr = false;
	buf_clear(&p->line);
	buf_clear(&p->data);
	buf_clear(&p->type);
	/* The id buffer starts from the committed last event ID. */
	buf_set(&p->id_buf, p->last_id.p ? p->last_id.p : "", p->last_id.n);
	p->line_over = false;
	p->event_bad = false;
	p->event_err = WF_SSE_OK;
}

const char *wf_sse_last_id(const struct wf_sse_parser *p)
{
	return p->last_id.p ? p->last_id.p : "";
}

void wf_sse_set_last_id(struct wf_sse_parser *p, const char *id)
{
	buf_set(&p->last_id, id, strlen(id));
	buf_set(&p->id_buf, id, strlen(id));
}

const char *wf_sse_error_name(enum wf_sse_error e)
{
	switch (e) {
	case WF_SSE_OK:
		return "ok";
	case WF_SSE_LINE_TOO_LONG:
		return "line too long";
	case WF_SSE_EVENT_TOO_LARGE:
		return "event too large";
	case WF_SSE_NO_MEMORY:
		return "out of memory";
	}
	return "?";
}

static void event_poison(struct wf_sse_parser *p, enum wf_sse_error e)
{
	if (!p->event_bad)
		p->event_err = e;
	p->event_bad = true;
	buf_clear(&p->data);
}

static int dispatch(struct wf_sse_parser *p)
{
	int rc = 0;
	/* The id is committed whether or not an event fires. */
	if (buf_set(&p->last_id, p->id_buf.p ? p->id_buf.p : "", p->id_buf.n))
		event_poison(p, WF_SSE_NO_MEMORY);
	if (p->event_bad) {
		p->errors++;
		p->last_error = p->event_err;
	} else if (p->data.n > 0) {
		struct wf_sse_event ev;
		p->data.n--; /* the final LF */
		p->data.p[p->data.n] = '\0';
		ev.type = p->type.n ? p->type.p : "message";
		ev.type_len = p->type.n ? p->type.n : 7;
		ev.data = p->data.p;
		ev.data_len = p->data.n;
		ev.id = p->last_id.p ? p->last_id.p : "";
		ev.id_len = p->last_id.n;
		p->events++;
		if (p->on_event)
			rc = p->on_event(p->userdata, &ev);
	}
	buf_clear(&p->data);
	buf_clear(&p->type);
	p->event_bad = false;
	p->event_err = WF_SSE_OK;
	return rc;
}

static void process_field(struct wf_sse_parser *p, const char *name, size_t nlen,
			  const char *val, size_t vlen)
{
	if (nlen == 4 && memcmp(name, "data", 4) == 0) {
		if (p->event_bad)
			return;
		if (p->data.n + vlen + 1 > p->max_event) {
			event_poison(p, WF_SSE_EVENT_TOO_LARGE);
			return;
		}
		if (buf_put(&p->data, val, vlen) || buf_put(&p->data, "\n", 1))
			event_poison(p, WF_SSE_NO_MEMORY);
	} else if (nlen == 5 && memcmp(name, "event", 5) == 0) {
		if (buf_set(&p->type, val, vlen))
			event_poison(p, WF_SSE_NO_MEMORY);
	} else if (nlen == 2 && memcmp(name, "id", 2) == 0) {
		if (memchr(val, '\0', vlen))
			return;
		if (buf_set(&p->id_buf, val, vlen))
			event_poison(p, WF_SSE_NO_MEMORY);
	} else if (nlen == 5 && memcmp(name, "retry", 5) == 0) {
		int64_t v = 0;
		if (vlen == 0)
			return;
		for (size_t i = 0; i < vlen; i++) {
			if (val[i] < '0' || val[i] > '9')
				return;
			if (v < INT64_MAX / 10 - 10)
				v = v * 10 + (val[i] - '0');
		}
		p->retry_set = true;
		p->retry_ms = v;
	}
	/* Any other field is ignored. */
}

/* A complete line (without its terminator) of len bytes. */
static int process_line(struct wf_sse_parser *p, const char *s, size_t len)
{
	if (len == 0)
		return dispatch(p);
	if (s[0] == ':') {
		p->comments++;
		return 0;
	}
	const char *colon = memchr(s, ':', len);
	if (!colon) {
		process_field(p, s, len, "", 0);
		return 0;
	}
	size_t nlen = (size_t)(colon - s);
	const char *v = colon + 1;
	size_t vlen = len - nlen - 1;
	if (vlen > 0 && v[0] == ' ') {
		v++;
		vlen--;
	}
	process_field(p, s, nlen, v, vlen);
	return 0;
}

static int end_line(struct wf_sse_parser *p)
{
	int rc = 0;
	if (p->line_over) {
		/* An oversize comment is harmless; any other oversize line kills its
		 * event. */
		if (!(p->line.n > 0 && p->line.p[0] == ':'))
			event_poison(p, WF_SSE_LINE_TOO_LONG);
	} else {
		rc = process_line(p, p->line.p ? p->line.p : "", p->line.n);
	}
	buf_clear(&p->line);
	p->line_over = false;
	return rc;
}

/* Appends decoded bytes to the current line, within max_line. */
static void line_put(struct wf_sse_parser *p, const void *src, size_t n)
{
	if (p->line_over)
		return;
	if (p->line.n + n > p->max_line) {
		p->line_over = true;
		/* Keep only the first byte, to tell a comment. */
		if (p->line.n == 0 && n > 0 && buf_put(&p->line, src, 1) == 0)
			return;
		if (p->line.n > 1)
			p->line.n = 1;
		return;
	}
	if (buf_put(&p->line, src, n)) {
		p->line_over = true;
		event_poison(p, WF_SSE_NO_MEMORY);
	}
}

/* A complete, valid code point's bytes (non-ASCII or ASCII other than CR/LF). */
static void put_char(struct wf_sse_parser *p, const unsigned char *b, size_t n)
{
	if (!p->started) {
		p->started = true;
		if (n == 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
			return; /* the one leading BOM */
	}
	line_put(p, b, n);
}

static void utf8_reset(struct wf_sse_parser *p)
{
	p->pend_n = p->needed = 0;
	p->lower = 0x80;
	p->upper = 0xBF;
}

int wf_sse_feed(struct wf_sse_parser *p, const void *buf, size_t len)
{
	const unsigned char *s = buf;
	size_t i = 0;
	int rc;
	while (i < len) {
		unsigned char b = s[i];
		if (p->needed == 0) {
			if (b < 0x80) {
				if (b == '\n') {
					i++;
					if (p->last_cr) {
						p->last_cr = false;
						continue;
					}
					p->started = true;
					if ((rc = end_line(p)) != 0)
						return rc;
					continue;
				}
				if (b == '\r') {
					i++;
					p->started = true;
					p->last_cr = true;
					if ((rc = end_line(p)) != 0)
						return rc;
					continue;
				}
				/* A run of plain ASCII, copied at once. */
				size_t j = i + 1;
				while (j < len && s[j] < 0x80 && s[j] != '\n' &&
				       s[j] != '\r')
					j++;
				p->last_cr = false;
				p->started = true;
				if (p->line.n == 0 && !p->line_over && j < len &&
				    (s[j] == '\n' || s[j] == '\r') &&
				    j - i <= p->max_line) {
					/* A whole ASCII line inside the chunk: no copy.
					 */
					if ((rc = process_line(p, (const char *)s + i,
							       j - i)) != 0)
						return rc;
					p->last_cr = s[j] == '\r';
					i = j + 1;
					continue;
				}
				line_put(p, s + i, j - i);
				i = j;
				continue;
			}
			p->last_cr = false;
			if (b >= 0xC2 && b <= 0xDF) {
				p->needed = 1;
			} else if (b >= 0xE0 && b <= 0xEF) {
				if (b == 0xE0)
					p->lower = 0xA0;
				if (b == 0xED)
					p->upper = 0x9F;
				p->needed = 2;
			} else if (b >= 0xF0 && b <= 0xF4) {
				if (b == 0xF0)
					p->lower = 0x90;
				if (b == 0xF4)
					p->upper = 0x8F;
				p->needed = 3;
			} else {
				put_char(p, replacement, 3);
				i++;
				continue;
			}
			p->pend[0] = b;
			p->pend_n = 1;
			i++;
			continue;
		}
		if (b < p->lower || b > p->upper) {
			/* The sequence so far is one U+FFFD; b is looked at again. */
			utf8_reset(p);
			put_char(p, replacement, 3);
			continue;
		}
		p->lower = 0x80;
		p->upper = 0xBF;
		p->pend[p->pend_n++] = b;
		i++;
		if (p->pend_n == p->needed + 1) {
			unsigned char tmp[4];
			size_t n = p->pend_n;
			memcpy(tmp, p->pend, n);
			utf8_reset(p);
			put_char(p, tmp, n);
		}
	}
	return 0;
}
