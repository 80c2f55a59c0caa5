#!/bin/sh
# net_silent.sh - a server that goes silent but keeps the socket open (SIGSTOP, with
# a 1 s heartbeat) is detected as a dead stream within 2-3 heartbeats and left; when
# it comes back the client is live again.
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
"$WF" --batch --json --iterations 0 --interval 0.25 --token-file "$T/officer.token" \
	"$URL" >"$T/client.out" 2>"$T/client.err" &
CLIENT=$!
bg_pid $CLIENT
sleep 1.5
[ "$(tail -n 1 "$T/client.out" | jq -r .connection.state)" = live ] || fail "not live"
signal_server STOP
stopped_at=$(wc -l <"$T/client.out")
sleep 5
tail -n +"$stopped_at" "$T/client.out" | jq -r '.connection.state + " " + .connection.message' >"$T/states"
grep -q '^reconnecting .*dead' "$T/states" || fail "the silent stream was not detected: $(sort -u "$T/states")"
# Detected within 2-3 heartbeats: at most 12 lines (3 s) of "live" after the stop.
live=$(grep -c '^live' "$T/states")
[ "$live" -le 12 ] || fail "detected too late ($live lines live)"
signal_server CONT
sighting 2
want=$(server_cursor)
wait_client_cursor "$T/client.out" "$want" 30 || fail "no recovery: $(tail -n 1 "$T/client.out")"
sleep 0.6
[ "$(tail -n 1 "$T/client.out" | jq -r .connection.state)" = live ] || fail "not live after resume"
kill -TERM $CLIENT
wait $CLIENT || fail "client exit status"
echo "ok: dead stream detected after $live live lines, recovered"
