#!/bin/sh
# net_restart.sh - the server is killed (-9) and restarted four times while events
# stream in; afterwards the client's state equals the server's snapshot exactly (no
# event lost, none applied twice: counts, version sums and sighting totals).
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
"$WF" --batch --json --iterations 0 --interval 0.3 --token-file "$T/officer.token" \
	"$URL" >"$T/client.out" 2>"$T/client.err" &
CLIENT=$!
bg_pid $CLIENT
start_writer
sleep 1
for round in 1 2 3 4; do
	kill_server 9
	sleep 0.5
	start_server --heartbeat 1
	sleep 1.5
done
stop_writer
want=$(server_cursor)
wait_client_cursor "$T/client.out" "$want" 40 || fail "the client did not catch up to cursor $want: $(tail -n 1 "$T/client.out")"
sleep 0.5
kill -TERM $CLIENT
wait $CLIENT || fail "client exit status $?"
got=$(client_digest "$T/client.out")
exp=$(server_digest)
echo "client: $got"
echo "server: $exp"
[ "$got" = "$exp" ] || fail "state differs from the snapshot"
grep -q '"state":"reconnecting"' "$T/client.out" || fail "never saw reconnecting"
[ "$(tail -n 1 "$T/client.out" | jq -r .connection.state)" = live ] || fail "not live at the end"
[ "$(tail -n 1 "$T/client.out" | jq -r .connection.bad_events)" = 0 ] || fail "bad events"
echo "ok: $(wc -l <"$T/client.out") lines, 4 restarts"
