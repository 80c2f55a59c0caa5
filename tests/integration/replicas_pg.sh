#!/bin/sh
# replicas_pg.sh - several watchfloord replicas on one PostgreSQL database (the
# cluster of tests/lib/pg.sh): writes on A reach B's streams once each, in order;
# Last-Event-ID from A's stream resumes exactly on B; idempotency keys are shared;
# concurrent writers on both replicas leave no gap and no repeat in seq and every
# acknowledged write is there; the simulator runs on one replica and moves (resumed,
# not replayed) when that replica is killed.
set -eu
. tests/integration/lib.sh
wf_setup
wf_use_pg || fail "no PostgreSQL (tests/lib/pg.sh)"
DB=$(wf_db_name)_r
WF_DB=$(pg_new_db "$DB") || fail "cannot create database $DB"

on() { URL=$(eval echo "\$${1}_URL"); } # the replica the next req/expect goes to
sse_ids() { grep '^id: ' "$1" | sed 's/^id: //'; }
sse_has() { sse_ids "$1" | grep -qx "$2"; }
sql() { pg_psql "$DB" "$1"; }

start_replica A
start_replica B

# 1. Ingest on A, stream from B: every event once, in order.
curl -sS -N -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
	-H 'Last-Event-ID: 0' "$B_URL/v1/events" >"$T/b.sse" 2>/dev/null &
BG_PIDS="$BG_PIDS $!"
wait_for 10 grep -q '^retry:' "$T/b.sse" || fail "no stream from B"
on A
for i in 1 2 3 4 5 6 7 8 9 10; do
	expect 201 "$OFFICER" POST /v1/incidents "{\"title\":\"on A $i\"}"
done
last=$(sql "SELECT last_seq FROM wf_counter")
wait_for 10 sse_has "$T/b.sse" "$last" || fail "B's stream lacks seq $last: $(sse_ids "$T/b.sse" | tr '\n' ' ')"
[ "$(sse_ids "$T/b.sse" | tr '\n' ' ')" = "$(seq 1 "$last" | tr '\n' ' ')" ] ||
	fail "B's stream is not 1..$last once each: $(sse_ids "$T/b.sse" | tr '\n' ' ')"
on B
expect 200 "$VIEWER" GET /v1/snapshot
body_has "[.incidents[] | select(.title | startswith(\"on A \"))] | length == 10"

# 2. Resume on B from a cursor of A's stream: exactly the events after it.
on A
curl -sS -N --max-time 2 -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
	-H 'Last-Event-ID: 4' "$B_URL/v1/events" >"$T/resume.sse" 2>/dev/null || true
[ "$(sse_ids "$T/resume.sse" | tr '\n' ' ')" = "$(seq 5 "$last" | tr '\n' ' ')" ] ||
	fail "resume on B after 4: $(sse_ids "$T/resume.sse" | tr '\n' ' ')"
# A cursor B has not seen yet but the database has (NOTIFY in flight) is no reset.
expect 201 "$OFFICER" POST /v1/incidents '{"title":"fresh"}'
fresh=$(jq -r .id "$T/body" | sed 's/^inc-//')
curl -sS -N --max-time 1 -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
	-H "Last-Event-ID: $fresh" "$B_URL/v1/events" >"$T/ahead.sse" 2>/dev/null || true
! grep -q '^event: reset' "$T/ahead.sse" || fail "B reset a cursor A had just given"

# 3. Idempotency keys are shared: a retry on B gets A's first answer.
on A
expect 201 "$OFFICER" POST /v1/incidents '{"title":"once only"}' -H 'Idempotency-Key: shared-1'
first=$(jq -c . "$T/body")
on B
expect 201 "$OFFICER" POST /v1/incidents '{"title":"once only"}' -H 'Idempotency-Key: shared-1'
[ "$(jq -c . "$T/body")" = "$first" ] || fail "B answered the retry differently: $(cat "$T/body")"
[ "$(sql "SELECT count(*) FROM wf_resources WHERE kind = 'incident' AND json LIKE '%once only%'")" = 1 ] ||
	fail "the retried write ran twice"

# 4. Concurrent writers on both replicas: no gap, no repeat, every ack is there.
writer() { # NAME URL COUNT: acknowledged ids to $T/acked.NAME
	: >"$T/acked.$1"
	k=1
	while [ "$k" -le "$3" ]; do
		code=$(curl -sS -o "$T/w.$1" -w '%{http_code}' -X POST -H "Authorization: Bearer $OFFICER" \
			-H 'Content-Type: application/json' -H "Idempotency-Key: w-$1-$k" \
			--data-binary "{\"title\":\"writer $1 $k\"}" "$2/v1/incidents") || code=000
		if [ "$code" = 201 ]; then
			jq -r .id "$T/w.$1" >>"$T/acked.$1"
		else
			echo "writer $1: $k answered $code: $(head -c 200 "$T/w.$1" 2>/dev/null)" >&2
		fi
		k=$((k + 1))
	done
	return 0
}
writer A "$A_URL" 40 &
wa=$!
writer B "$B_URL" 40 &
wb=$!
wait $wa || fail "writer A failed"
wait $wb || fail "writer B failed"
[ "$(cat "$T/acked.A" "$T/acked.B" | wc -l)" -eq 80 ] || fail "not every write was acknowledged"
row=$(sql "SELECT count(*), count(DISTINCT seq), min(seq), max(seq), (SELECT last_seq FROM wf_counter) FROM wf_events")
set -- $(echo "$row" | tr '|' ' ')
[ "$1" = "$2" ] && [ "$3" = 1 ] && [ "$4" = "$1" ] && [ "$5" = "$4" ] ||
	fail "seq has a gap or a repeat: count $1 distinct $2 min $3 max $4 counter $5"
# Each envelope carries its own row's seq.
[ "$(sql "SELECT count(*) FROM wf_events WHERE (envelope::json->>'seq')::bigint <> seq")" = 0 ] ||
	fail "an envelope's seq differs from its row"
on B
expect 200 "$VIEWER" GET /v1/snapshot
jq -r '.incidents[].id' "$T/body" | sort >"$T/have"
sort "$T/acked.A" "$T/acked.B" | comm -23 - "$T/have" >"$T/missing"
[ ! -s "$T/missing" ] || fail "acknowledged but missing: $(cat "$T/missing")"
# B's stream saw all of it once, in order.
last=$(sql "SELECT last_seq FROM wf_counter")
wait_for 10 sse_has "$T/b.sse" "$last" || fail "B's stream stopped before $last"
[ "$(sse_ids "$T/b.sse" | tr '\n' ' ')" = "$(seq 1 "$last" | tr '\n' ' ')" ] ||
	fail "B's stream under concurrent writers is not 1..$last once each"

# 5. The simulator on one replica only; it moves, resumed, when that one dies.
kill -9 "$A_PID" "$B_PID" 2>/dev/null || true
cat >"$T/two.scenario" <<'SCN'
seed 3
0 platform id=p-s1 name="Sim one" kind=member hashes=pdq,md5 volume=20000 lag=1m
0 platform id=p-s2 name="Sim two" kind=member hashes=pdq volume=9000 lag=2m
0 incident ref=first title="Sim first incident" tier=incident state=monitoring
0 spread ref=first k=2 theta=20m variants=30 variant_tau=30m block_max=0.5 block_ramp=5m removed=0.5 kept=0.1 seed_variants=2
1m incident ref=second title="Sim second incident" tier=awareness state=monitoring
SCN
SIM="--simulate $T/two.scenario --speed 20 --scale 0.2"
start_replica C $SIM
wait_for 10 grep -q 'running the scenario on this replica (started' "$T/C.err" ||
	fail "C does not run the simulator: $(cat "$T/C.err")"
start_replica D $SIM
wait_for 10 grep -q 'another replica runs the scenario' "$T/D.err" ||
	fail "D did not stand by: $(cat "$T/D.err")"
first_made() { [ "$(sql "SELECT count(*) FROM wf_resources WHERE kind = 'incident' AND json LIKE '%Sim first incident%'")" = 1 ]; }
wait_for 10 first_made || fail "the simulator made no incident"
seq_before=$(sql "SELECT last_seq FROM wf_counter")
kill -9 "$C_PID"
wait_for 15 grep -q 'running the scenario on this replica (resumed' "$T/D.err" ||
	fail "D did not take the simulator over: $(cat "$T/D.err")"
second_made() { [ "$(sql "SELECT count(*) FROM wf_resources WHERE kind = 'incident' AND json LIKE '%Sim second incident%'")" -ge 1 ]; }
wait_for 15 second_made || fail "the scenario did not go on on D"
grows() { [ "$(sql "SELECT last_seq FROM wf_counter")" -gt "$((seq_before + 5))" ]; }
wait_for 10 grows || fail "no more simulated writes after the takeover"
for title in "Sim first incident" "Sim second incident"; do
	n=$(sql "SELECT count(*) FROM wf_resources WHERE kind = 'incident' AND json LIKE '%$title%'")
	[ "$n" = 1 ] || fail "$title exists $n times (the scenario was replayed)"
done
[ "$(sql "SELECT count(*) FROM wf_resources WHERE kind = 'platform' AND id = 'p-s1'")" = 1 ] ||
	fail "platform p-s1 registered twice"
echo "replicas_pg: ok"
