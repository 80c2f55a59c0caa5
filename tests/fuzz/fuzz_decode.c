/* fuzz_decode.c - libFuzzer target for the wire decoder: the input is decoded as an
 * envelope, a snapshot and a long-poll answer; whatever decodes is applied to a
 * model, which must stay consistent (no crash, no leak, cursor never lowered). */
#include <stdint.h>
#include <stdlib.h>

#include "model/model.h"
#include "net/decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wf_model *m;
	struct wf_decode_error err;
	struct wf_event ev;
	struct wf_snapshot snap;
	struct wf_poll_batch poll;
	const char *buf = (const char *)data;
	if (!m)
		m = wf_model_new(NULL);
	if (!m)
		return 0;
	wf_model_reset(m);

	if (wf_decode_envelope(buf, size, &ev, &err) == 0) {
		int64_t before = wf_model_cursor(m);
		wf_model_apply(m, &ev);
		if (wf_model_cursor(m) < before)
			abort();
		wf_event_clear(&ev);
	}
	if (wf_decode_snapshot(buf, size, &snap, &err) == 0) {
		for (size_t i = 0; i < snap.n_events; i++)
			wf_model_apply(m, &snap.events[i]);
		wf_model_set_cursor(m, snap.cursor);
		wf_snapshot_clear(&snap);
	}
	if (wf_decode_poll(buf, size, &poll, &err) == 0) {
		for (size_t i = 0; i < poll.n_events; i++)
			wf_model_apply(m, &poll.events[i]);
		wf_poll_batch_clear(&poll);
	}
	return 0;
}
