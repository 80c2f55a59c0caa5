/* fuzz_watch.c - libFuzzer target for watch rules: the input is config text (every
 * `watch =` line is compiled, bad ones reported) and also the subject matched
 * against the rules that loaded plus a fixed set, so both the rule parser and
 * matching under the limits see arbitrary bytes (invalid UTF-8 included). Also
 * feeds the notifier's config keys and its text path (sanitize, markup escape,
 * OSC 777/9 and tmux sequences). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify/notify.h"
#include "notify/watch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char fixed[] = "watch = title /(a|b)*c$/i notify\n"
				    "watch = report /\\bstream\\b/ bell\n"
				    "watch = hash /^[0-9a-f]{4}(..)*$/ highlight\n";
	char errs[1024];
	struct wf_watch_rules *r = wf_watch_rules_new();
	if (!r)
		return 0;
	(void)wf_watch_rules_parse(r, fixed, sizeof fixed - 1, "fixed", errs,
				   sizeof errs);
	(void)wf_watch_rules_parse(r, (const char *)data, size, "fuzz", errs,
				   sizeof errs);
	if (strlen(errs) >= sizeof errs)
		__builtin_trap();
	for (int f = 0; f < WF_WATCH__COUNT; f++)
		(void)wf_watch_match(r, (enum wf_watch_field)f, (const char *)data,
				     size);
	wf_watch_rules_free(r);

	struct wf_notify_config c;
	wf_notify_config_default(&c);
	(void)wf_notify_config_parse(&c, (const char *)data, size, "fuzz", errs,
				     sizeof errs);

	/* The notification text path: sanitize, escape, terminal sequences. The
	 * sanitized text must hold no control byte. */
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char clean[512], esc[2048], seq[8192];
	wf_notify_sanitize(text, clean, sizeof clean, 100);
	wf_notify_escape_markup(clean, esc, sizeof esc);
	for (const char *p = clean; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			__builtin_trap();
	for (int fb = WF_FALLBACK_OSC777; fb <= WF_FALLBACK_NONE; fb++) {
		size_t n = wf_notify_format_terminal((enum wf_notify_fallback)fb,
						     size & 1, size & 2, clean, clean,
						     seq, sizeof seq);
		if (n >= sizeof seq || strlen(seq) != n)
			__builtin_trap();
	}
	free(text);
	return 0;
}
