#!/bin/sh
# net_demo.sh - `--demo` starts a private watchfloord beside the binary with the
# Christchurch-like scenario and an officer token, and leaves nothing behind: not on
# a normal exit, not on SIGTERM, and after kill -9 of the dashboard the server dies
# too (PR_SET_PDEATHSIG) and the next demo sweeps the stale folder. (The demo writes
# 3 h of history before its first line: up to 30 s for it on a loaded machine.)
. tests/lib/net_helpers.sh
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
server_alive() { pgrep -f "watchfloord --listen 127.0.0.1:0 --db $TMPDIR/" >/dev/null; }

"$WF" --demo --batch --json --iterations 2 --interval 1 >"$T/demo.out" 2>"$T/demo.err" ||
	fail "demo exit status: $(cat "$T/demo.err")"
[ "$(wc -l <"$T/demo.out")" = 2 ] || fail "not two lines"
line=$(tail -n 1 "$T/demo.out")
[ "$(echo "$line" | jq -r .synced)" = true ] || fail "not synced"
[ "$(echo "$line" | jq -r .connection.state)" = live ] || fail "not live"
[ "$(echo "$line" | jq -r '.connection.role')" = officer ] || fail "not an officer"
[ "$(echo "$line" | jq -r '.counts.platforms')" -ge 1 ] || fail "no simulated data"
server_alive && fail "server left running"
[ -z "$(ls "$TMPDIR")" ] || fail "left files: $(ls "$TMPDIR")"

# SIGTERM: clean stop.
"$WF" --demo --batch --json --iterations 0 --interval 0.5 >"$T/term.out" 2>"$T/term.err" &
W=$!
bg_pid $W
i=0
until [ -s "$T/term.out" ]; do i=$((i + 1)); [ $i -gt 300 ] && fail "no output"; sleep 0.1; done
server_alive || fail "no demo server while running"
kill -TERM $W
wait $W || fail "SIGTERM exit status $?"
# The dashboard reaps its server before it exits (tui/demo.c): no wait here.
server_alive && fail "server left running after SIGTERM"
[ -z "$(ls "$TMPDIR")" ] || fail "left files after SIGTERM"

# kill -9: the server follows; the next demo sweeps the folder.
"$WF" --demo --batch --json --iterations 0 --interval 0.5 >"$T/k.out" 2>"$T/k.err" &
W=$!
bg_pid $W
i=0
until [ -s "$T/k.out" ]; do i=$((i + 1)); [ $i -gt 300 ] && fail "no output"; sleep 0.1; done
kill -9 $W
wait $W 2>/dev/null
i=0
while server_alive; do i=$((i + 1)); [ $i -gt 100 ] && fail "server outlived the dashboard"; sleep 0.1; done
[ -n "$(ls "$TMPDIR")" ] || fail "expected a stale folder"
"$WF" --demo --batch --json --iterations 1 >/dev/null 2>&1 || fail "second demo"
[ -z "$(ls "$TMPDIR")" ] || fail "stale folder not swept: $(ls "$TMPDIR")"
echo "ok: demo runs, stops cleanly on exit, SIGTERM and kill -9"
