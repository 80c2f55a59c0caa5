#!/bin/sh
# net_failover.sh - a dashboard across two replicas on one PostgreSQL database
# (`watchfloor URL_A URL_B`): A is killed (-9) under ingest while the dashboard
# streams from it; the dashboard moves to B, resumes from its cursor, and its final
# state equals B's snapshot (no event lost or applied twice); a vote queued in a
# second dashboard's outbox during the failover is applied exactly once; --batch
# --json names the backend in use. Prints the dashboard's timeline (second by
# second) around the kill.
. tests/lib/net_helpers.sh
wf_use_pg || fail "no PostgreSQL (tests/lib/pg.sh)"
DB=$(wf_db_name)_f
WF_DB=$(pg_new_db "$DB") || fail "cannot create database $DB"
start_replica A --heartbeat 1
start_replica B --heartbeat 1
URL=$A_URL
seed

# A writer that posts to A, and to B when A fails (same idempotency key: a batch
# whose answer was lost with A is applied once).
(
	n=0
	while [ ! -f "$T/stop-writer" ]; do
		n=$((n + 1))
		body="{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[{\"signal_id\":\"$SIG\",\"count\":$((n % 5 + 1)),\"outcome\":\"blocked\",\"seen_at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"distance\":2}]}"
		for u in "$A_URL" "$B_URL"; do
			code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $PLATFORM_TOKEN" \
				-H 'Content-Type: application/json' -H "Idempotency-Key: f-$n" \
				-d "$body" "$u/v1/sightings" 2>/dev/null) || code=000
			[ "$code" = 202 ] && break
		done
		sleep 0.05
	done
) &
WRITER_PID=$!
bg_pid $WRITER_PID

"$WF" --batch --json --iterations 0 --interval 0.25 --token-file "$T/officer.token" \
	"$A_URL" "$B_URL" >"$T/client.out" 2>"$T/client.err" &
CLIENT=$!
bg_pid $CLIENT
on_a() { tail -n 1 "$T/client.out" 2>/dev/null | jq -e ".connection.state == \"live\" and .connection.backend == \"$A_URL\" and .connection.backend_index == 1 and .connection.backends == 2" >/dev/null 2>&1; }
wait_for 15 on_a || fail "the dashboard is not live on A: $(tail -n 1 "$T/client.out")"
moving() {
	c=$(tail -n 1 "$T/client.out" 2>/dev/null | jq -r .cursor 2>/dev/null)
	[ "${c:-0}" -gt 20 ] 2>/dev/null
}
wait_for 15 moving || fail "no events reach the dashboard"

# A vote held 1 s in a second dashboard's outbox (its own state folder: one writer
# per outbox), falling due during the failover.
XDG_STATE_HOME=$T/state2 "$WF" --batch --json --iterations 0 --interval 0.25 --hold 1 \
	--resolve "$DEC:note:seen during failover" --token-file "$T/officer.token" \
	"$A_URL" "$B_URL" >"$T/voter.out" 2>"$T/voter.err" &
VOTER=$!
bg_pid $VOTER
queued() { tail -n 1 "$T/voter.out" 2>/dev/null | jq -e '.outbox.total >= 1' >/dev/null 2>&1; }
wait_for 10 queued || fail "the vote was not queued: $(cat "$T/voter.err")"

kill_at=$(date +%s.%N)
kill -9 "$A_PID"
on_b() { tail -n 1 "$T/client.out" | jq -e ".connection.state == \"live\" and .connection.backend == \"$B_URL\" and .connection.backend_index == 2" >/dev/null 2>&1; }
wait_for 30 on_b || fail "the dashboard did not move to B: $(tail -n 1 "$T/client.out")"
sleep 1 # ingest goes on against B for a while after the move
touch "$T/stop-writer"
wait "$WRITER_PID" 2>/dev/null

URL=$B_URL
votes() { api GET /v1/snapshot | jq -r ".decisions[] | select(.id==\"$DEC\") | .votes | length"; }
voted() { [ "$(votes)" = 1 ] && tail -n 1 "$T/voter.out" | jq -e '.outbox.total == 0' >/dev/null 2>&1; }
wait_for 30 voted || fail "the queued vote: $(votes) votes, outbox $(tail -n 1 "$T/voter.out" | jq -c .outbox)"
want=$(server_cursor)
wait_client_cursor "$T/client.out" "$want" 30 || fail "the dashboard did not catch up to $want: $(tail -n 1 "$T/client.out" | jq -c '{cursor, connection}')"
kill -TERM $CLIENT $VOTER
wait $CLIENT || fail "dashboard exit status $?"
wait $VOTER 2>/dev/null
got=$(client_digest "$T/client.out")
exp=$(server_digest)
echo "dashboard: $got"
echo "snapshot:  $exp"
[ "$got" = "$exp" ] || fail "the dashboard's state differs from B's snapshot"
[ "$(votes)" = 1 ] || fail "the vote was applied $(votes) times"
[ "$(tail -n 1 "$T/client.out" | jq -r .connection.bad_events)" = 0 ] || fail "bad events"
[ "$(tail -n 1 "$T/client.out" | jq -r .syncs)" = 1 ] || fail "the move re-read the snapshot (a reset) instead of resuming"
# The timeline, relative to the kill: a line when the state or the backend changes,
# and the first of every second.
jq -r '[((.time | sub("\\.[0-9]+Z$"; "Z") | fromdate) + ((.time | capture("\\.(?<f>[0-9]+)Z$").f // "0") | ("0." + .) | tonumber)), .connection.state, .connection.backend_index, .cursor, .connection.message] | @tsv' "$T/client.out" |
	awk -F'\t' -v k="$kill_at" '{ d = $1 - k; s = int(d + 100); key = $2 " " $3;
		if (d >= -2 && d <= 8 && (key != last || s != lasts)) { printf "t%+5.1fs %-12s backend %s cursor %-4s %s\n", d, $2, $3, $4, $5; last = key; lasts = s } }' |
	head -n 16
echo "ok: moved from A to B, state equals the snapshot, the vote applied once"
