#!/bin/sh
# install.sh - `make install DESTDIR=...`: every file where it belongs (the list of
# `make install-list`, and by hand the places that matter), the installed dashboard
# finds its installed scenario and themes from any folder, the bash completion
# completes options, theme names and scenario files, `systemd-analyze verify` passes
# on the unit (skipped, visibly, without systemd-analyze), the unit's command line
# serves with the installed settings and a token of the installed tool, an operator's changed
# settings survive a reinstall, and `make uninstall` removes everything it put there.
set -eu
. tests/integration/lib.sh
wf_setup
install_cleanup() {
	ic_rc=$?
	tmux -L "wfi$$" kill-server 2>/dev/null || true
	tmux -L "wfi2$$" kill-server 2>/dev/null || true
	tmux -L "wfi3$$" kill-server 2>/dev/null || true
	(exit $ic_rc)
	wf_cleanup
}
trap install_cleanup EXIT
R=$T/root
P=/usr/local
# The build's own flags, so that a stale object is rebuilt as it was (an ASan build
# linked without -fsanitize fails).
SANV=
if grep -q __asan_init "$WF_BUILD/watchfloord" 2>/dev/null; then SANV=SAN=1; fi
mk() { make -s --no-print-directory BUILD="$WF_BUILD" $SANV DESTDIR="$R" "$@"; }
mk install >"$T/install.out" 2>&1 || fail "make install: $(tail -n 20 "$T/install.out")"

# Every file installed is in the list, and the other way round.
(cd "$R" && find . -type f -o -type l) | sed 's|^\.||' | sort >"$T/got"
mk install-list | sort >"$T/want"
diff "$T/want" "$T/got" >"$T/diff" || fail "installed files differ from the list (< list, > tree): $(cat "$T/diff")"
# The places that matter, by hand (the list could be wrong too).
for f in bin/watchfloor bin/watchfloord share/watchfloor/themes/default.theme \
	share/watchfloor/themes/wall.theme share/watchfloor/scenarios/christchurch.scenario \
	share/man/man1/watchfloor.1 share/man/man5/watchfloor.conf.5 \
	share/man/man8/watchfloord.8 share/doc/watchfloor/README.md \
	share/doc/watchfloor/docs/protocol.md share/doc/watchfloor/docs/install.md \
	share/doc/watchfloor/examples/config share/doc/watchfloor/examples/watchfloord.env \
	lib/systemd/system/watchfloord.service lib/sysusers.d/watchfloord.conf \
	share/bash-completion/completions/watchfloor \
	share/bash-completion/completions/watchfloord etc/watchfloor/watchfloord.env; do
	[ -f "$R$P/$f" ] || fail "not installed: $P/$f"
done
[ "$(stat -c %a "$R$P/bin/watchfloord")" = 755 ] || fail "watchfloord not 755"
[ "$(stat -c %a "$R$P/share/watchfloor/themes/cvd.theme")" = 644 ] || fail "theme not 644"
[ "$(stat -c %a "$R$P/etc/watchfloor/watchfloord.env")" = 640 ] || fail "env file not 640"
unit=$R$P/lib/systemd/system/watchfloord.service
grep -q "^ExecStart=$P/bin/watchfloord " "$unit" || fail "ExecStart: $(grep ExecStart "$unit")"
grep -q "^EnvironmentFile=$P/etc/watchfloor/watchfloord.env$" "$unit" || fail "EnvironmentFile"
for d in ProtectSystem=strict NoNewPrivileges=yes StateDirectory=watchfloord \
	Restart=on-failure 'ExecReload=/bin/kill -HUP $MAINPID' User=watchfloor; do
	grep -qxF "$d" "$unit" || fail "unit lacks $d"
done
if grep -q '@[A-Z]*@' "$unit" "$R$P/share/bash-completion/completions/watchfloor"; then
	fail "an @PLACEHOLDER@ was left"
fi
# PREFIX=/usr puts the settings in /etc (the list only: nothing is built for it).
make -s --no-print-directory PREFIX=/usr install-list | grep -qx /etc/watchfloor/watchfloord.env ||
	fail "PREFIX=/usr: settings not in /etc"

# systemd-analyze verify on the unit, its ExecStart pointed into the DESTDIR.
if command -v systemd-analyze >/dev/null 2>&1; then
	sed "s|$P/bin/|$R$P/bin/|g" "$unit" >"$T/watchfloord.service"
	MANPATH=$R$P/share/man systemd-analyze verify "$T/watchfloord.service" >"$T/verify" 2>&1 ||
		fail "systemd-analyze verify: $(cat "$T/verify")"
	echo "install: systemd-analyze verify: ok"
else
	echo "install: SKIP systemd-analyze verify (systemd-analyze not installed)"
fi

# The unit's own command line, as systemd would run it with the installed settings
# (the state folder and the listen address pointed into $T): the installed token
# tool issues a token, the server takes it, ExecReload (SIGHUP) reloads the file.
. "$R$P/etc/watchfloor/watchfloord.env"
[ "$WATCHFLOORD_LISTEN" = 127.0.0.1:8470 ] || fail "env file: WATCHFLOORD_LISTEN=$WATCHFLOORD_LISTEN"
mkdir "$T/state-dir"
TOK=$("$R$P/bin/watchfloord" token --tokens "$T/state-dir/tokens" new admin ops 2>/dev/null) ||
	fail "installed token tool"
cmd=$(sed -n 's/^ExecStart=//p' "$unit" | sed -e "s|\${WATCHFLOORD_LISTEN}|127.0.0.1:0|" \
	-e "s|\${WATCHFLOORD_TOKENS}|$T/state-dir/tokens|" -e "s|/var/lib/watchfloord/|$T/state-dir/|" \
	-e "s|\$WATCHFLOORD_OPTS|$WATCHFLOORD_OPTS|" -e "s|^$P/bin/|$R$P/bin/|")
# shellcheck disable=SC2086 # the unit's words, as systemd splits them
$cmd >"$T/svc.out" 2>"$T/svc.err" &
SVC=$!
BG_PIDS="$SVC"
svc_up() { grep -q '^watchfloord listening on ' "$T/svc.out"; }
wait_for 15 svc_up || fail "the unit's command did not start: $cmd: $(cat "$T/svc.err")"
SURL=$(sed 's/^watchfloord listening on //' "$T/svc.out")
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$SURL/v1/whoami")" = 200 ] ||
	fail "the service refuses the issued token"
[ -f "$T/state-dir/watchfloord.db" ] || fail "no database in the state folder"
kill -HUP "$SVC"
svc_reloaded() { grep -q 'SIGHUP: reloaded' "$T/svc.err"; }
wait_for 10 svc_reloaded || fail "ExecReload (SIGHUP) did not reload: $(cat "$T/svc.err")"
kill -TERM "$SVC"
wait "$SVC" || fail "the service did not stop cleanly on SIGTERM"
BG_PIDS=
echo "install: the unit's command serves with the installed settings"

# The installed dashboard, run from a folder without themes/ or scenarios/, finds the
# installed scenario (--demo) beside it.
mkdir "$T/elsewhere"
(cd "$T/elsewhere" && TMPDIR=$T "$R$P/bin/watchfloor" --demo --batch --json --iterations 1) \
	>"$T/demo.out" 2>"$T/demo.err" || fail "installed --demo: $(cat "$T/demo.err")"
jq -e '.counts.platforms >= 1' "$T/demo.out" >/dev/null || fail "installed --demo: no data"
# ... and its themes: a theme only the installed tree has loads, a missing one does not.
cp "$R$P/share/watchfloor/themes/cvd.theme" "$R$P/share/watchfloor/themes/only-installed.theme"
tmux -L "wfi$$" new-session -d -x 100 -y 30 -c "$T/elsewhere" \
	"env HOME='$T' XDG_CONFIG_HOME='$T/cfg' XDG_STATE_HOME='$T/state' TERM=tmux-256color $R$P/bin/watchfloor --replay /dev/null --theme only-installed; sleep 60"
tmux -L "wfi2$$" new-session -d -x 100 -y 30 -c "$T/elsewhere" \
	"env HOME='$T' XDG_CONFIG_HOME='$T/cfg' XDG_STATE_HOME='$T/state' TERM=tmux-256color $R$P/bin/watchfloor --replay /dev/null --theme not-there; sleep 60"
# The config's theme = key is read too (a theme nowhere to be found is reported).
mkdir -p "$T/cfg3/watchfloor"
echo 'theme = nowhere-theme' >"$T/cfg3/watchfloor/config"
tmux -L "wfi3$$" new-session -d -x 100 -y 30 -c "$T/elsewhere" \
	"env HOME='$T' XDG_CONFIG_HOME='$T/cfg3' XDG_STATE_HOME='$T/state3' TERM=tmux-256color $R$P/bin/watchfloor --replay /dev/null; sleep 60"
shown() { tmux -L "$1" capture-pane -p | grep -q "$2"; }
wait_for 10 shown "wfi3$$" "theme 'nowhere-theme' not found" || fail "the config's theme = is not read"
tmux -L "wfi3$$" kill-server
wait_for 10 shown "wfi2$$" "theme 'not-there' not found" || fail "a missing theme is not reported"
wait_for 10 shown "wfi$$" "replay" || fail "installed dashboard did not draw"
if shown "wfi$$" "not found"; then fail "installed theme not found: $(tmux -L "wfi$$" capture-pane -p)"; fi
tmux -L "wfi$$" kill-server
tmux -L "wfi2$$" kill-server
rm "$R$P/share/watchfloor/themes/only-installed.theme"

# bash completion: options from --help, theme names, scenario files, token words
# and the names of the tokens file for revoke.
if [ -f /usr/share/bash-completion/bash_completion ]; then
	comp() { # FILE WORDS...: the completions of the last word
		(cd "$T/elsewhere" && HOME=$T XDG_CONFIG_HOME=$T/cfg bash -c '. /usr/share/bash-completion/bash_completion; . "$1"; shift
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_${1##*/} "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}" 2>/dev/null
			printf "%s\n" "${COMPREPLY[@]}"' _ "$@")
	}
	C=$R$P/share/bash-completion/completions
	comp "$C/watchfloor" "$R$P/bin/watchfloor" --the | grep -qx -- --theme || fail "completion: --the"
	comp "$C/watchfloor" "$R$P/bin/watchfloor" --theme '' >"$T/themes"
	for t in default light wall cvd monochrome; do
		grep -qx "$t" "$T/themes" || fail "completion: theme $t missing: $(cat "$T/themes")"
	done
	comp "$C/watchfloord" "$R$P/bin/watchfloord" --simulate '' |
		grep -qx "$R$P/bin/../share/watchfloor/scenarios/christchurch.scenario" ||
		fail "completion: scenario missing"
	comp "$C/watchfloord" "$R$P/bin/watchfloord" --tok | grep -qx -- --tokens || fail "completion: --tokens"
	comp "$C/watchfloord" "$R$P/bin/watchfloord" token new '' | grep -qx officer ||
		fail "completion: token roles"
	"$R$P/bin/watchfloord" token --tokens "$T/comp.tokens" new officer alice-comp >/dev/null 2>&1
	comp "$C/watchfloord" "$R$P/bin/watchfloord" token --tokens "$T/comp.tokens" revoke '' |
		grep -qx alice-comp || fail "completion: token names for revoke"
	echo "install: bash completion: ok"
else
	echo "install: SKIP bash completion (bash-completion not installed)"
fi

# An operator's changed settings survive a reinstall, and uninstall keeps them.
echo 'WATCHFLOORD_LISTEN=0.0.0.0:8470' >>"$R$P/etc/watchfloor/watchfloord.env"
mk install >/dev/null 2>&1 || fail "second make install"
grep -q '^WATCHFLOORD_LISTEN=0.0.0.0:8470' "$R$P/etc/watchfloor/watchfloord.env" ||
	fail "reinstall overwrote the settings"
mk uninstall >"$T/uninstall.out" 2>&1 || fail "make uninstall: $(cat "$T/uninstall.out")"
grep -q 'kept .*watchfloord.env (changed)' "$T/uninstall.out" || fail "uninstall did not say it kept the settings"
(cd "$R" && find . -type f -o -type l) | sed 's|^\.||' >"$T/left"
[ "$(cat "$T/left")" = "$P/etc/watchfloor/watchfloord.env" ] || fail "left after uninstall: $(cat "$T/left")"
# Unchanged settings go too, and uninstall leaves no folder of ours.
mk install >/dev/null 2>&1 && cp dist/watchfloord.env "$R$P/etc/watchfloor/watchfloord.env"
mk uninstall >/dev/null 2>&1 || fail "make uninstall (2)"
left=$(cd "$R" && find . -type f -o -type l)
[ -z "$left" ] || fail "left after uninstall: $left"
for d in share/watchfloor share/doc/watchfloor etc/watchfloor; do
	[ ! -e "$R$P/$d" ] || fail "folder left: $P/$d"
done
echo "install: ok"
