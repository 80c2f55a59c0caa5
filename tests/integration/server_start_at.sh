#!/bin/sh
# server_start_at.sh - watchfloord --start-at writes the first part of the scenario
# back-dated before it announces itself: the incidents' opened_at, the stats' minute
# and hour buckets, the decisions' due times and the events' times are hours in the
# past at the listening line, and a bad duration is refused.
set -eu
. tests/integration/lib.sh
wf_setup

# The server alone: everything it holds at the listening line is back-dated.
start_server --simulate scenarios/christchurch.scenario --start-at 3h --scale 0.05 \
	--expire-grace 0
expect 200 "$VIEWER" GET /v1/snapshot
now=$(date +%s)
age() { echo $((now - $(date -d "$1" +%s))); }
opened=$(jq -r '.incidents[] | select(.title | test("Riverside")) | .opened_at' "$T/body")
a=$(age "$opened")
[ "$a" -ge 10700 ] && [ "$a" -le 10900 ] || fail "incident opened ${a}s ago, want ~3h"
hoax=$(jq -r '.incidents[] | select(.title | test("Northfield")) | .opened_at' "$T/body")
a=$(age "$hoax")
[ "$a" -ge 10500 ] && [ "$a" -le 10700 ] || fail "hoax opened ${a}s ago, want 3h-3m"
mins=$(jq '[.stats[] | select(.width_s == 60 and .platform_id == "p-fb")] | length' "$T/body")
[ "$mins" -ge 55 ] || fail "p-fb has $mins minute buckets of the last hour, want >= 55"
hours=$(jq '[.stats[] | select(.width_s == 3600 and .platform_id == "p-fb")] | length' "$T/body")
[ "$hours" -ge 3 ] || fail "p-fb has $hours hour buckets, want >= 3"
# The minute under way holds only its elapsed part of the past, not a whole minute
# (the last step of the replay was a minute, dated now: the first frame's rate was up
# to twice the real one). The curve is flat at 3 h (its peak), so the minute under
# way holds about elapsed/60 of the minute before it, and no minute much more than
# the others. (A whole minute in the minute under way passes only when the
# snapshot is in the last tenth of a minute, where it is almost right.)
jq -e '(.server_time | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) as $now
	| ($now - $now % 60) as $cur
	| [.stats[] | select(.width_s == 60 and .platform_id == "p-fb")] as $m
	| ([$m[] | select((.start | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) == $cur) | .attempts] | add // 0) as $c
	| ([$m[] | select((.start | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) == $cur - 60) | .attempts] | add // 0) as $p
	| ([$m[] | select((.start | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) < $cur) | .attempts] | max) as $hi
	| $p > 50 and $c <= $p * (($now - $cur) / 60 + 0.1) + 5 and $hi <= $p * 1.2' "$T/body" >/dev/null ||
	fail "the minute under way holds more than its part of the past: $(jq -c '[.server_time, [.stats[] | select(.width_s == 60 and .platform_id == "p-fb") | [.start, .attempts]][-3:]]' "$T/body")"
# (the scenario's simulated organisations close some by quorum: none expires)
jq -e '([.decisions[] | .state != "expired"] | all) and ([.decisions[] | select(.state == "pending")] | length > 3)' "$T/body" >/dev/null ||
	fail "--expire-grace 0: no decision should have expired"
due=$(jq -r '[.decisions[] | .due_at] | sort | .[0]' "$T/body")
[ "$(age "$due")" -ge 9000 ] || fail "the first decision is due $due, not hours ago"
# The event log too: the first event is hours old, the stream goes on live.
expect 200 "$VIEWER" GET '/v1/events?after=0&wait=0' -H 'Accept: application/json'
first=$(jq -r '[.events[] | select(.type == "incident.opened")][0].time' "$T/body")
[ "$(age "$first")" -ge 10700 ] || fail "first event at $first"
stop_server

if "$WFD" --listen 127.0.0.1:0 --db "$T/x.db" --simulate scenarios/christchurch.scenario \
	--start-at 3x >/dev/null 2>"$T/bad.err"; then fail "--start-at 3x accepted"; fi
grep -q -- '--start-at wants a duration' "$T/bad.err" || fail "bad --start-at: $(cat "$T/bad.err")"
echo "server_start_at: ok"
