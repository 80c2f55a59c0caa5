/* fuzz_sse.c - libFuzzer target for the SSE parser: the input is fed whole and in
 * chunks whose size comes from the first byte; both runs must give the same events,
 * last event ID and error count. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/sse.h"

struct digest {
	uint64_t hash;
	uint64_t n;
};

static int on_event(void *ud, const struct wf_sse_event *ev)
{
	struct digest *d = ud;
	const unsigned char *parts[3] = {(const unsigned char *)ev->type,
					 (const unsigned char *)ev->id,
					 (const unsigned char *)ev->data};
	size_t lens[3] = {ev->type_len, ev->id_len, ev->data_len};
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < lens[k]; i++)
			d->hash = (d->hash ^ parts[k][i]) * 1099511628211ull;
		d->hash = (d->hash ^ 0x100u) * 1099511628211ull;
	}
	d->n++;
	return 0;
}

static void run(const uint8_t *data, size_t size, size_t chunk, struct digest *d,
		char *last_id, size_t id_cap, uint64_t *errors)
{
	struct wf_sse_parser p;
	wf_sse_init(&p, 64, 96, on_event, d);
	if (chunk == 0) {
		wf_sse_feed(&p, data, size);
	} else {
		for (size_t i = 0; i < size; i += chunk)
			wf_sse_feed(&p, data + i, size - i < chunk ? size - i : chunk);
	}
	strncpy(last_id, wf_sse_last_id(&p), id_cap - 1);
	last_id[id_cap - 1] = 0;
	*errors = p.errors;
	wf_sse_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = 1 + data[0] % 7;
	struct digest a = {14695981039346656037ull, 0}, b = a;
	char ida[128], idb[128];
	uint64_t ea, eb;
	run(data + 1, size - 1, 0, &a, ida, sizeof(ida), &ea);
	run(data + 1, size - 1, chunk, &b, idb, sizeof(idb), &eb);
	if (a.hash != b.hash || a.n != b.n || strcmp(ida, idb) != 0 || ea != eb)
		abort();
	return 0;
}
