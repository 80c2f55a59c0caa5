#!/bin/sh
# interop_record.sh - the debrief record of the demo's simulated incident (the
# scenario 3 h in, as make demo opens it), exported with `watchfloor --batch
# --export` as JSON and Markdown: every figure matches what tests/tools/
# record_check.py computes itself from the API (snapshot stats, the incident, every
# sighting item of the event log); the timeline holds the votes with their
# organisations, the exception, the authority notification and an officer's
# conclusion (who and when); the Markdown escapes what came over the network; the
# STIX export goes to a file too; bad input gets clear errors.
set -eu
. tests/integration/lib.sh
. tests/lib/interop_helpers.sh
wf_setup
WF=$WF_BUILD/watchfloor
# 3 h in, as make demo opens it; on PostgreSQL the back-dated start is slower than
# start_server waits, so 90 min there (the exception and notification are in by then)
at=3h
[ "${WF_DB_ENGINE:-sqlite}" = pg ] && at=90m
start_server --simulate scenarios/christchurch.scenario --speed 60 --scale 0.01 --start-at $at
req "$VIEWER" GET /v1/snapshot >/dev/null
MAIN=$(jq -r '.incidents[] | select(.title | startswith("Live-streamed attack")) | .id' "$T/body")
[ -n "$MAIN" ] || fail "no simulated incident"
seed_incident # one of ours, with markup in its title and note
# freeze: the same database without the simulator, then the operator (admin: an
# officer alone may not conclude, the board does) concludes it directly
stop_server
start_server
req "$VIEWER" GET /v1/snapshot >/dev/null
v=$(jq --arg i "$MAIN" '.incidents[] | select(.id == $i) | .version' "$T/body")
expect 422 "$OFFICER" POST "/v1/incidents/$MAIN" "{\"state\":\"concluded\",\"version\":$v}"
expect 200 "$ADMIN" POST "/v1/incidents/$MAIN" "{\"state\":\"concluded\",\"version\":$v}"
# on our incident, an activation by two organisations (olga's and ada's)
expect 201 "$OFFICER" POST /v1/decisions "{\"kind\":\"activate\",\"incident_id\":\"$INC\",\"subject\":\"Activate\",\"subject_ref\":\"$INC\"}"
DEC=$(jq -r .id "$T/body")
expect 200 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"criteria met","version":1}'
expect 200 "$ADMIN" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"agreed","version":2}'
jq -e '.state == "approved"' "$T/body" >/dev/null || fail "the activation did not close: $(cat "$T/body")"
# and 7 uploads given by a hash that matches no signal: attempts, unmatched
expect 202 "$PLAT_FB" POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[{\"hash_type\":\"md5\",\"hash\":\"99999999999999999999999999999999\",\"count\":7,\"outcome\":\"removed\",\"seen_at\":\"$(now_z)\"}]}"
jq -e '.unmatched == 1' "$T/body" >/dev/null || fail "the upload by hash matched something: $(cat "$T/body")"

export WATCHFLOOR_TOKEN="$VIEWER"
"$WF" --batch --export "$MAIN" --format json --output "$T/record.json" "$URL" 2>"$T/export.err" ||
	fail "export json: $(cat "$T/export.err")"
grep -q "wrote $T/record.json" "$T/export.err" || fail "export does not say what it wrote"
"$WF" --batch --export "$MAIN" --format md --output "$T/record.md" "$URL" 2>"$T/export.err" ||
	fail "export md: $(cat "$T/export.err")"
"$WF" --batch --export "$MAIN" --format stix --output "$T/record.stix.json" "$URL" ||
	fail "export stix"
jq -e '.type == "bundle" and (.objects | length) > 10' "$T/record.stix.json" >/dev/null || fail "stix export"
"$WF" --batch --export "$MAIN" "$URL" >"$T/stdout.md" 2>/dev/null || fail "export to stdout"
head -n 1 "$T/stdout.md" | grep -q '^# Incident record: ' || fail "stdout export: $(head -n 3 "$T/stdout.md")"

# the backend's numbers, computed here from the API
expect 200 "$VIEWER" GET /v1/snapshot
cp "$T/body" "$T/snapshot.json"
: >"$T/events.ndjson"
after=0
i=0
while :; do
	i=$((i + 1))
	[ $i -le 500 ] || fail "event log walk did not end"
	expect 200 "$VIEWER" GET "/v1/events?after=$after&wait=0" -H 'Accept: application/json'
	n=$(jq '.events | length' "$T/body")
	[ "$n" -gt 0 ] || break
	jq -c '.events[]' "$T/body" >>"$T/events.ndjson"
	after=$(jq .cursor "$T/body")
done
/usr/bin/python3 tests/tools/record_check.py "$MAIN" "$T/record.json" "$T/record.md" \
	"$T/snapshot.json" "$T/events.ndjson" >"$T/check.out" || fail "figures: $(cat "$T/check.out")"
tail -n 1 "$T/check.out"

# the timeline: votes with organisations, exception, notification, the conclusion
jq -e '.complete and ([.timeline[] | select(.kind == "vote" and (.by | test("\\(p-")))] | length) >= 2' "$T/record.json" >/dev/null ||
	fail "no votes with organisations in the timeline"
jq -e '([.timeline[] | select(.kind == "exception")] | length) == 1 and (.exceptions | length) == 1' "$T/record.json" >/dev/null ||
	fail "no exception in the record"
jq -e '([.timeline[] | select(.kind == "notification")] | length) == 1 and (.notifications | length) == 1' "$T/record.json" >/dev/null ||
	fail "no authority notification in the record"
jq -e '[.timeline[] | select(.kind == "state" and .by == "ada" and (.text | endswith("-> concluded")))] | length == 1' "$T/record.json" >/dev/null ||
	fail "the operator's conclusion (by ada) is not in the timeline"
"$WF" --batch --export "$INC" --format json --output "$T/ours.json" "$URL" 2>/dev/null || fail "export ours json"
jq -e --arg d "$DEC" '[.timeline[] | select(.kind == "tier" and .by == "decision " + $d + " approved by olga, ada" and (.text | endswith("protocol_activated")))] | length == 1' "$T/ours.json" >/dev/null ||
	fail "the activation is not attributed to its decision: $(jq -c '[.timeline[] | select(.kind == "tier")]' "$T/ours.json")"
jq -e --arg d "$DEC" '[.decisions[] | select(.id == $d) | .needed, (.votes | length), .state] == [2, 2, "approved"] and .figures.time_to_activation_ms > 0' "$T/ours.json" >/dev/null ||
	fail "the activate decision lacks its quorum or votes"
jq -e '.figures.totals.unmatched == 7 and .figures.totals.attempts == 15 and ([.figures.platforms[] | select(.platform_id == "p-fb")][0] | .attempts == 12 and .unmatched == 7 and .removed == 7)' "$T/ours.json" >/dev/null ||
	fail "unmatched uploads: $(jq -c .figures.totals "$T/ours.json")"
jq -e '.figures.time_to_conclusion_ms > .figures.time_to_activation_ms and [.timeline[].seq] == ([.timeline[].seq] | sort)' "$T/record.json" >/dev/null ||
	fail "conclusion figure or timeline order"
grep -q '^## Public-interest exceptions' "$T/record.md" && grep -q 'NZ Police' "$T/record.md" &&
	grep -Eq '^\| [^|]+ \| p-fb \| approve \| yes \|' "$T/record.md" || fail "markdown lacks exceptions, notifications or votes"

# Markdown escaping of network text: our incident's title and note carry markup
"$WF" --batch --export "$INC" --format md --output "$T/ours.md" "$URL" 2>/dev/null || fail "export ours"
head -n 1 "$T/ours.md" | grep -qF '# Incident record: Interop test \<b\>incident\</b\> \| with \*markdown\*' ||
	fail "title not escaped: $(head -n 1 "$T/ours.md")"
grep -F 'Origin: a live stream. / Second line with \| pipes and \`ticks\`' "$T/ours.md" >/dev/null ||
	fail "note not escaped in the timeline: $(grep -n Origin "$T/ours.md")"
! grep -q '<b>' "$T/ours.md" || fail "raw HTML in the Markdown"

# errors
code=0
"$WF" --batch --export inc-nope "$URL" >/dev/null 2>"$T/err" || code=$?
[ $code = 1 ] && grep -q 'export: inc-nope: HTTP 404' "$T/err" || fail "unknown incident: $code $(cat "$T/err")"
code=0
WATCHFLOOR_TOKEN=wrong "$WF" --batch --export "$MAIN" "$URL" >/dev/null 2>"$T/err" || code=$?
[ $code = 3 ] || fail "a refused token: exit $code, $(cat "$T/err")"
code=0
"$WF" --export "$MAIN" "$URL" >/dev/null 2>&1 || code=$?
[ $code = 2 ] || fail "--export without --batch: exit $code"
code=0
"$WF" --batch --export "$MAIN" --format pdf "$URL" >/dev/null 2>&1 || code=$?
[ $code = 2 ] || fail "--format pdf: exit $code"
code=0
"$WF" --batch --export "$MAIN" --output /nonexistent/dir/x.md "$URL" >/dev/null 2>"$T/err" || code=$?
[ $code = 1 ] && grep -q '/nonexistent/dir/x.md' "$T/err" || fail "unwritable output: $code $(cat "$T/err")"
stop_server
echo "interop_record: OK"
