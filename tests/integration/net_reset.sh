#!/bin/sh
# net_reset.sh - the reset path: the client is frozen while the server restarts and
# receives more events than it retains (--retention 5); on resume the client
# reconnects with an expired Last-Event-ID, gets a reset event, re-reads the
# snapshot and ends equal to it.
. tests/lib/net_helpers.sh
start_server --heartbeat 1 --retention 5
seed
"$WF" --batch --json --iterations 0 --interval 0.3 --token-file "$T/officer.token" \
	"$URL" >"$T/client.out" 2>"$T/client.err" &
CLIENT=$!
bg_pid $CLIENT
sleep 1
[ "$(tail -n 1 "$T/client.out" | jq -r .syncs)" = 1 ] || fail "first sync"
kill -STOP $CLIENT
kill_server 9
start_server --heartbeat 1 --retention 5
for i in $(seq 1 20); do sighting $i; done
kill -CONT $CLIENT
want=$(server_cursor)
wait_client_cursor "$T/client.out" "$want" 30 || fail "no catch-up to $want: $(tail -n 1 "$T/client.out")"
sleep 0.5
kill -TERM $CLIENT
wait $CLIENT || fail "client exit status"
syncs=$(tail -n 1 "$T/client.out" | jq -r .syncs)
[ "$syncs" -ge 2 ] || fail "the snapshot was not re-read (syncs $syncs)"
got=$(client_digest "$T/client.out")
exp=$(server_digest)
echo "client: $got"
echo "server: $exp"
[ "$got" = "$exp" ] || fail "state differs from the snapshot"
echo "ok: reset handled, $syncs snapshots"
