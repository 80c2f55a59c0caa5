#!/bin/sh
# net_blackhole.sh - the first sync on a silent path: the dashboard starts while the
# path to the backend is black-holed (a proxy accepts and never answers), the hole
# lasts 5 s; the stalled snapshot request is detected (15 s before the heartbeat is
# known), shown ("no data for 15 s: snapshot stalled, reconnecting" in --batch
# --json), retried with the usual backoff, and the first sync follows, instead of
# staying "connecting" until a two-minute timeout. Prints the time to first sync.
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
/usr/bin/python3 tests/tools/blackhole_proxy.py "${LISTEN##*:}" "$T/proxy.port" --hole &
PROXY=$!
bg_pid $PROXY
wait_for 10 test -s "$T/proxy.port" || fail "the proxy did not start"
PURL=http://127.0.0.1:$(cat "$T/proxy.port")
t0=$(date +%s%N)
"$WF" --batch --json --iterations 0 --interval 0.25 --sync-timeout 0 \
	--token-file "$T/officer.token" "$PURL" >"$T/client.out" 2>"$T/client.err" &
CLIENT=$!
bg_pid $CLIENT
sleep 5 # the black hole itself: 5 s
kill -USR2 $PROXY
synced_live() {
	[ "$(tail -n 1 "$T/client.out" | jq -r '[.synced, .connection.state] | join(" ")' 2>/dev/null)" = "true live" ]
}
# Bounded well below the old two-minute timeout (expected: 15 s stall + ~2 s backoff).
wait_for 35 synced_live || fail "no first sync 40 s after the hole: $(tail -n 1 "$T/client.out" | jq -c .connection)"
t1=$(date +%s%N)
jq -r '.connection.state + " " + .connection.message' "$T/client.out" | sort -u >"$T/states"
grep -q '^reconnecting no data for 15 s: snapshot stalled, reconnecting$' "$T/states" ||
	fail "the stall was not shown: $(cat "$T/states")"
[ "$(client_digest "$T/client.out")" = "$(server_digest)" ] ||
	fail "client $(client_digest "$T/client.out") != server $(server_digest)"
kill -TERM $CLIENT
wait $CLIENT || fail "client exit status"
ms=$(((t1 - t0) / 1000000))
echo "ok: first sync $((ms / 1000)).$((ms % 1000 / 100)) s after start (5 s black hole), stall shown"
