# watchfloor - build, test, bench, fuzz. `make demo` and `make check` are the two
# commands a newcomer needs; both install missing Debian packages first (make deps).

CC      ?= cc
BUILD   ?= build
PKGS    := ncursesw libcurl jansson libpcre2-8 libnotify libmicrohttpd sqlite3 libssl libcrypto libpq
VERSION := 0.1.0

WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
           -Wno-format-truncation  # snprintf into fixed buffers truncates on purpose
ifeq ($(CI),true)
WERROR  ?= 1
endif
ifeq ($(WERROR),1)
WARN    += -Werror
endif
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

# Where `make install` puts things (see install below); DATADIR is compiled in.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share/watchfloor
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/watchfloor
SYSCONFDIR  ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

CPPFLAGS += -I. -D_GNU_SOURCE -D_XOPEN_SOURCE_EXTENDED -DWF_VERSION='"$(VERSION)"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN) $(SANFLAGS) -MMD -MP
LDFLAGS  += $(SANFLAGS)

# Every .c of these folders goes into one static library; the two programs and the
# tests link against it. tui/main.c and server/main.c hold the two main()s.
LIB_DIRS  := util model matcher net widgets themes notify tui tui/panes tui/wall server
LIB_SRC   := $(filter-out tui/main.c server/main.c,$(wildcard $(addsuffix /*.c,$(LIB_DIRS))))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB       := $(BUILD)/libwatchfloor.a
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TESTLIB_SRC := $(wildcard tests/lib/*.c)
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(BUILD)/obj/%.o)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/tools/%)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps demo check test unit integration bench fuzz fuzz-short format install \
	uninstall install-list clean FORCE

all: $(BUILD)/watchfloor $(BUILD)/watchfloord

deps:
	@sh scripts/deps.sh deps.txt

# V=1 shows the whole command lines.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $@")
	$(Q)$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c $< -o $@

# util/paths.c holds DATADIR: rebuilt when it changes (the stamp holds the last one).
$(BUILD)/obj/util/paths.o: CPPFLAGS += -DWF_DATADIR='"$(DATADIR)"'
$(BUILD)/obj/util/paths.o: $(BUILD)/datadir.stamp
$(BUILD)/datadir.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/watchfloor: $(BUILD)/obj/tui/main.o $(LIB)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/watchfloord: $(BUILD)/obj/server/main.o $(LIB)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TESTLIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(CMOCKA_LIBS) $(PKG_LIBS) -o $@

# Helper programs that integration tests drive (tests/tools/*.c, each with a main).
$(BUILD)/tests/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# libFuzzer targets: clang, ASan+UBSan. The library's sources are compiled once with
# fuzzer instrumentation (fuzzer-no-link) into their own archive, which every target
# links: no target recompiles the whole tree.
FUZZ_FLAGS  := -g -O1 -std=c11 -fsanitize=address,undefined -fno-sanitize-recover=undefined -I. -D_GNU_SOURCE -D_XOPEN_SOURCE_EXTENDED -DWF_VERSION='"$(VERSION)"' -DWF_DATADIR='"$(DATADIR)"'
FUZZ_OBJ    := $(LIB_SRC:%.c=$(BUILD)/fuzzobj/%.o)
FUZZ_LIB    := $(BUILD)/fuzzobj/libwatchfloor-fuzz.a
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZCC  $@")
	$(Q)clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP $(PKG_CFLAGS) -c $< -o $@
$(FUZZ_LIB): $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $^
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) $< $(FUZZ_LIB) $(PKG_LIBS) -o $@

demo: deps all
	@sh scripts/demo.sh $(BUILD)

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# check: a plain build with warnings as errors (what users get), then the whole
# suite against an ASan+UBSan build, then a short fuzzing run of every target.
check: deps
	$(MAKE) -j$(JOBS) WERROR=1 all
	$(MAKE) -j$(JOBS) BUILD=build/san SAN=1 WERROR=1 all $(subst $(BUILD)/,build/san/,$(UNIT_BIN) $(TOOL_BIN))
	$(MAKE) -j$(JOBS) fuzz-build
	WF_BUILD=build/san WF_FUZZ=build/fuzz sh tests/run.sh

test: all $(UNIT_BIN) $(TOOL_BIN)
	WF_BUILD=$(BUILD) sh tests/run.sh

fuzz-build: $(FUZZ_BIN)

fuzz: deps $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		n=$$(basename $$f); mkdir -p $(BUILD)/corpus/$$n; \
		echo "fuzz: $$n for $${FUZZ_SECONDS:-60}s"; \
		$$f -max_total_time=$${FUZZ_SECONDS:-60} $(BUILD)/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
	done

bench: deps all $(BENCH_BIN)
	@sh bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# install / uninstall: PREFIX (default /usr/local) and DESTDIR as usual; the data
# folder is compiled into the binaries (util/paths.c), which also find an installed
# tree relative to themselves (so a DESTDIR copy runs as is). The file list is in
# docs/install.md; tests/integration/install.sh checks it.
INSTALL_FILES = $(BINDIR)/watchfloor $(BINDIR)/watchfloord \
	$(addprefix $(DATADIR)/,$(wildcard themes/*.theme) $(wildcard scenarios/*.scenario)) \
	$(addprefix $(MANDIR)/,$(join $(patsubst .%,man%/,$(suffix $(MANPAGES))),$(notdir $(MANPAGES)))) \
	$(addprefix $(DOCDIR)/,$(DOCS)) $(DOCDIR)/examples/config $(DOCDIR)/examples/watchfloord.env \
	$(UNITDIR)/watchfloord.service $(SYSUSERSDIR)/watchfloord.conf \
	$(BASHCOMPDIR)/watchfloor $(BASHCOMPDIR)/watchfloord \
	$(SYSCONFDIR)/watchfloor/watchfloord.env
MANPAGES := $(wildcard man/*.1 man/*.5 man/*.8)
DOCS     := README.md LICENSE $(wildcard docs/*.md)
SUBST     = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	-e 's|@DATADIR@|$(DATADIR)|g'

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/scenarios \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(SYSCONFDIR)/watchfloor
	install -m 755 $(BUILD)/watchfloor $(BUILD)/watchfloord $(DESTDIR)$(BINDIR)/
	install -m 644 themes/*.theme $(DESTDIR)$(DATADIR)/themes/
	install -m 644 scenarios/*.scenario $(DESTDIR)$(DATADIR)/scenarios/
	$(foreach m,$(MANPAGES),install -m 644 $(m) $(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/;)
	install -m 644 README.md LICENSE $(DESTDIR)$(DOCDIR)/
	install -m 644 docs/*.md $(DESTDIR)$(DOCDIR)/docs/
	install -m 644 dist/config.example $(DESTDIR)$(DOCDIR)/examples/config
	install -m 644 dist/watchfloord.env $(DESTDIR)$(DOCDIR)/examples/watchfloord.env
	$(SUBST) dist/watchfloord.service.in >$(DESTDIR)$(UNITDIR)/watchfloord.service
	chmod 644 $(DESTDIR)$(UNITDIR)/watchfloord.service
	install -m 644 dist/watchfloord.sysusers $(DESTDIR)$(SYSUSERSDIR)/watchfloord.conf
	$(SUBST) dist/watchfloor.bash-completion.in >$(DESTDIR)$(BASHCOMPDIR)/watchfloor
	$(SUBST) dist/watchfloor.bash-completion.in >$(DESTDIR)$(BASHCOMPDIR)/watchfloord
	chmod 644 $(DESTDIR)$(BASHCOMPDIR)/watchfloor $(DESTDIR)$(BASHCOMPDIR)/watchfloord
	@# the service's settings: never overwritten (the operator's own), 640
	test -e $(DESTDIR)$(SYSCONFDIR)/watchfloor/watchfloord.env || \
		install -m 640 dist/watchfloord.env $(DESTDIR)$(SYSCONFDIR)/watchfloor/watchfloord.env

# Removes what install put there; the service's settings only when unchanged.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(filter-out $(SYSCONFDIR)/%,$(INSTALL_FILES)))
	rm -f $(addprefix $(DESTDIR)$(DOCDIR)/,$(filter docs/%,$(DOCS)))
	if cmp -s dist/watchfloord.env $(DESTDIR)$(SYSCONFDIR)/watchfloor/watchfloord.env; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/watchfloor/watchfloord.env; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/watchfloor/watchfloord.env ]; then \
		echo "uninstall: kept $(DESTDIR)$(SYSCONFDIR)/watchfloor/watchfloord.env (changed)"; fi
	-rmdir $(DESTDIR)$(DATADIR)/themes $(DESTDIR)$(DATADIR)/scenarios $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(SYSCONFDIR)/watchfloor 2>/dev/null

# The file list of an install (with PREFIX, without DESTDIR), one a line.
install-list:
	@printf '%s\n' $(sort $(INSTALL_FILES) $(addprefix $(DOCDIR)/,$(filter docs/%,$(DOCS))))

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(BUILD)/fuzzobj -name '*.d' 2>/dev/null)
