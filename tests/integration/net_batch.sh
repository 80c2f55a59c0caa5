#!/bin/sh
# net_batch.sh - `--batch --json` against watchfloord simulating the Christchurch-like
# scenario: the client follows the live simulation; once the simulation stops (the
# server is restarted without it) the client's state equals GET /v1/snapshot; then
# `--batch --json --iterations 3 --interval 1 URL` prints three lines whose counts
# match the snapshot. Also: --poll (long-poll) and --poll=1 (ETag) reach the same
# state, and a wrong token stops with "auth failed".
. tests/lib/net_helpers.sh
SCEN=scenarios/christchurch.scenario
[ -f "$SCEN" ] || fail "no $SCEN"
start_server --heartbeat 2 --simulate "$SCEN" --speed 600 --scale 0.05
"$WF" --batch --json --iterations 0 --interval 0.3 --token-file "$T/officer.token" \
	"$URL" >"$T/live.out" 2>"$T/live.err" &
CLIENT=$!
bg_pid $CLIENT
sleep 4
kill_server 9
start_server --heartbeat 2
want=$(server_cursor)
wait_client_cursor "$T/live.out" "$want" 30 || fail "no catch-up to $want"
sleep 0.4
kill -TERM $CLIENT
wait $CLIENT || fail "client exit status"
got=$(client_digest "$T/live.out")
exp=$(server_digest)
echo "live:     $got"
echo "snapshot: $exp"
[ "$got" = "$exp" ] || fail "live client differs from the snapshot"
[ "$(tail -n 1 "$T/live.out" | jq -r .counts.incidents)" -ge 1 ] || fail "no incident simulated"

"$WF" --batch --json --iterations 3 --interval 1 --token-file "$T/officer.token" "$URL" \
	>"$T/three.out" 2>"$T/three.err" || fail "batch exit status"
[ "$(wc -l <"$T/three.out")" = 3 ] || fail "not three lines"
while read -r line; do
	[ "$(echo "$line" | jq -r "$CLIENT_DIGEST")" = "$exp" ] || fail "a line differs: $(echo "$line" | jq -r "$CLIENT_DIGEST")"
	[ "$(echo "$line" | jq -r '.connection.user + "/" + .connection.role')" = olga/officer ] || fail "whoami"
done <"$T/three.out"

for mode in --poll --poll=1; do
	"$WF" --batch --json --iterations 2 --interval 1.2 $mode --token-file "$T/officer.token" \
		"$URL" >"$T/poll.out" 2>"$T/poll.err" || fail "$mode exit status"
	[ "$(client_digest "$T/poll.out")" = "$exp" ] || fail "$mode differs: $(client_digest "$T/poll.out")"
	[ "$(tail -n 1 "$T/poll.out" | jq -r .connection.state)" = polling ] || fail "$mode not polling"
done

printf 'wrong-token' >"$T/bad.token"
"$WF" --batch --json --iterations 1 --token-file "$T/bad.token" "$URL" >"$T/bad.out" 2>"$T/bad.err"
[ $? = 3 ] || fail "a wrong token did not stop with status 3"
[ "$(tail -n 1 "$T/bad.out" | jq -r .connection.state)" = "auth failed" ] || fail "no auth failed state"
grep -q 'wrong-token' "$T/bad.out" "$T/bad.err" && fail "the token was shown"
echo "ok: simulation followed, 3 lines match the snapshot, polling modes agree"
