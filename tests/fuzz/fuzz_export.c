/* fuzz_export.c - libFuzzer target for what the dashboard makes of the backend's
 * answer to an export (wf_export_render): any bytes as the record (rendered to
 * Markdown, or re-serialised as JSON) and as a STIX bundle must give a file or an
 * error message, never a crash, overrun or leak; the Markdown never holds a raw
 * '<' from the input (every one is escaped). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tui/export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum wf_export_format fs[] = {WF_EXPORT_MD, WF_EXPORT_JSON,
						   WF_EXPORT_STIX};
	for (size_t i = 0; i < 3; i++) {
		char *out = NULL, err[300] = "";
		size_t len = 0;
		if (wf_export_render(fs[i], (const char *)data, size, &out, &len, err,
				     sizeof(err)) == 0) {
			if (!out || strlen(out) != len)
				__builtin_trap();
			if (fs[i] == WF_EXPORT_MD)
				for (size_t k = 0; k < len; k++)
					if (out[k] == '<' &&
					    (k == 0 || out[k - 1] != '\\'))
						__builtin_trap();
		} else if (!err[0] || out) {
			__builtin_trap();
		}
		free(out);
	}
	return 0;
}
