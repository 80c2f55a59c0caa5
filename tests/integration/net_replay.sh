#!/bin/sh
# net_replay.sh - `--replay FILE`: the server's whole event log, saved as NDJSON
# envelopes (from the long-poll pages), replayed without a server gives the same
# state as the server's snapshot; bad lines are counted and skipped.
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
for i in 1 2 3 4 5 6; do sighting $i; done
api POST "/v1/decisions/$DEC/resolve" '{"action":"note","reason":"checking","version":1}' >/dev/null
: >"$T/events.ndjson"
after=0
final=$(server_cursor)
while [ "$after" -lt "$final" ]; do
	CURL_OPTS="-H Accept:application/json" api GET "/v1/events?after=$after&wait=0" >"$T/page"
	jq -c '.events[]' "$T/page" >>"$T/events.ndjson"
	after=$(jq .cursor "$T/page")
done
exp=$(server_digest)
"$WF" --batch --json --replay "$T/events.ndjson" >"$T/r.out" 2>"$T/r.err" || fail "replay: $(cat "$T/r.err")"
got=$(client_digest "$T/r.out")
echo "replay:   $got"
echo "snapshot: $exp"
[ "$got" = "$exp" ] || fail "replayed state differs from the snapshot"
[ "$(jq -r .connection.state "$T/r.out")" = replay ] || fail "state not replay"
# bad lines: counted, skipped, the rest still applied
{ echo 'not json'; cat "$T/events.ndjson"; echo '{"seq":999,"type":"nope"}'; } >"$T/bad.ndjson"
"$WF" --batch --json --replay "$T/bad.ndjson" >"$T/b.out" 2>/dev/null || fail "replay with bad lines"
[ "$(jq -r .connection.bad_events "$T/b.out")" = 2 ] || fail "bad lines not counted"
[ "$(client_digest "$T/b.out")" = "$exp" ] || fail "bad lines changed the state"
"$WF" --batch --json --replay "$T/missing" >/dev/null 2>&1 && fail "missing file accepted"
echo "ok: replay of $(wc -l <"$T/events.ndjson") events equals the snapshot"
