/* fuzz_server_files.c - libFuzzer target for watchfloord's file parsers: the tokens
 * file (auth_load) and the simulator's scenario file (scenario_load), which read a
 * path, so each input is written to an in-memory file and parsed by path; and the
 * --quorum spec (quorum_rules_parse). The first byte picks the parser (odd:
 * scenario; else bit 1 set: quorum spec; else tokens). Any bytes
 * must give success or an error that names a line, never a crash, overrun or leak;
 * accepted quorum rules stay within 1..32. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "server/auth.h"
#include "server/quorum.h"
#include "server/sim_scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[256];
	if (size < 1)
		return 0;
	if (!(data[0] & 1) && (data[0] & 2)) { /* e.g. 'r': a --quorum spec */
		char spec[700];
		size_t n = size - 1 < sizeof(spec) - 1 ? size - 1 : sizeof(spec) - 1;
		memcpy(spec, data + 1, n);
		spec[n] = '\0';
		struct quorum_rules r = quorum_rules_default();
		if (quorum_rules_parse(&r, spec, err, sizeof(err)) == 0) {
			for (int k = 0; k < WF_DEC__COUNT; k++)
				if (r.needed[k] < 1 || r.needed[k] > 32)
					__builtin_trap();
		} else if (!strstr(err, "--quorum")) {
			__builtin_trap();
		}
		return 0;
	}
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		return 0;
	if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (data[0] & 1) {
		struct scenario sc;
		memset(&sc, 0, sizeof(sc));
		if (scenario_load(path, &sc, err, sizeof(err)) == 0) {
			for (size_t i = 1; i < sc.n_steps; i++)
				if (sc.steps[i].at < sc.steps[i - 1].at)
					__builtin_trap(); /* steps must come sorted */
			scenario_free(&sc);
		} else if (!err[0] || strlen(err) >= sizeof(err)) {
			__builtin_trap();
		}
	} else {
		struct auth *a = auth_load(path, err, sizeof(err));
		if (a) {
			for (size_t i = 0; i < auth_count(a); i++)
				if (strlen(auth_at(a, i)->key) != 64)
					__builtin_trap();
			auth_free(a);
		} else if (!strstr(err, "line") && !strstr(err, path)) {
			/* a refused file says where; an unreadable one names the path */
			__builtin_trap();
		}
	}
	close(fd);
	return 0;
}
