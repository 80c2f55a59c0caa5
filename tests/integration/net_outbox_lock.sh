#!/bin/sh
# net_outbox_lock.sh - a second dashboard with the same state folder and server does
# not start on the first one's outbox: it exits 1 saying plainly that another
# watchfloor (its pid) holds the outbox and that --read-only watches without one;
# with --read-only it runs beside the first.
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
"$WF" --batch --json --iterations 0 --interval 0.25 --token-file "$T/officer.token" \
	"$URL" >"$T/first.out" 2>"$T/first.err" &
FIRST=$!
bg_pid $FIRST
has_line() { [ -s "$T/first.out" ]; }
wait_for 20 has_line || fail "the first dashboard printed nothing: $(cat "$T/first.err")"
rc=0
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/second.out" 2>"$T/second.err" || rc=$?
[ "$rc" = 1 ] || fail "second dashboard: exit $rc, want 1"
grep -q "another watchfloor (pid $FIRST) holds the outbox" "$T/second.err" ||
	fail "the holder is not named: $(cat "$T/second.err")"
grep -q -- "--read-only to watch without an outbox" "$T/second.err" ||
	fail "--read-only is not offered: $(cat "$T/second.err")"
"$WF" --batch --json --iterations 1 --read-only --token-file "$T/officer.token" "$URL" \
	>"$T/ro.out" 2>"$T/ro.err" || fail "read-only beside it: $(cat "$T/ro.err")"
[ "$(jq -r .synced "$T/ro.out")" = true ] || fail "read-only did not sync"
kill -TERM $FIRST
wait $FIRST || fail "first dashboard exit status"
echo "ok: $(head -c 200 "$T/second.err")"
