#!/bin/sh
# server_crash.sh - kill -9 during heavy ingest (four writers posting 200-item
# sighting batches), then restart: every batch the server acknowledged (202) is in
# the event log with its items, the event sequence continues, and the stats buckets
# agree with the stored sightings (same transaction).
set -eu
. tests/integration/lib.sh
wf_setup
start_server

expect 201 "$ADMIN" POST /v1/incidents '{"title":"crash"}'
INC=$(jq -r .id "$T/body")
expect 201 "$PLAT_FB" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-fb\"}"
SIG=$(jq -r .id "$T/body")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
ITEM="{\"signal_id\":\"$SIG\",\"count\":@C@,\"outcome\":\"blocked\",\"seen_at\":\"$NOW\"}"
ITEMS=$ITEM
i=1
while [ $i -lt 200 ]; do ITEMS="$ITEMS,$ITEM"; i=$((i + 1)); done
printf '{"platform_id":"p-fb","incident_id":"%s","items":[%s]}' "$INC" "$ITEMS" >"$T/template"

# writer W: batch n has count W*100000+n in every item; acked batches go to acked.W
# as "seq count".
writer() {
	n=0
	while [ -d "$T" ] && [ ! -f "$T/stop" ]; do
		n=$((n + 1))
		c=$(($1 * 100000 + n))
		sed "s/@C@/$c/g" "$T/template" >"$T/body.$1"
		out=$(curl -sS -m 10 -w ' %{http_code}' -H "Authorization: Bearer $PLAT_FB" \
			-H 'Content-Type: application/json' --data-binary "@$T/body.$1" \
			"$URL/v1/sightings" 2>/dev/null) || continue
		case $out in
		*' 202') echo "$(printf '%s' "${out% 202}" | jq .seq) $c" >>"$T/acked.$1" ;;
		esac
	done
}
for w in 1 2 3 4; do
	writer $w &
	BG_PIDS="$BG_PIDS $!"
done
# Kill once more than 20 batches are acknowledged (about 3 s; longer on a slow
# machine), with the writers still posting.
acked_over_20() { [ "$(cat "$T"/acked.* 2>/dev/null | wc -l)" -gt 20 ]; }
wait_for 60 acked_over_20 || true
kill_server 9
touch "$T/stop"
wait
cat "$T"/acked.* >"$T/acked"
n_acked=$(wc -l <"$T/acked")
[ "$n_acked" -gt 20 ] || fail "only $n_acked batches acknowledged before the kill"

start_server
: >"$T/stored"
after=0
final=$(curl -sS "$URL/v1/health" | jq .cursor)
while [ "$after" -lt "$final" ]; do
	req "$VIEWER" GET "/v1/events?after=$after&wait=0" -H 'Accept: application/json' >/dev/null
	jq -r '.events[] | select(.type == "sightings") | "\(.seq) \(.data.items[0].count) \(.data.items | length) \([.data.items[].count] | unique | length)"' "$T/body" >>"$T/stored"
	after=$(jq .cursor "$T/body")
done
sort -n "$T/stored" >"$T/stored.sorted"
while read -r seq c; do
	line=$(grep "^$seq " "$T/stored.sorted" || true)
	[ "$line" = "$seq $c 200 1" ] || fail "acknowledged batch seq $seq (count $c) is missing or changed: '$line'"
done <"$T/acked"

# Stats and stored sightings agree: attempts = sum of every stored batch.
log_total=$(awk '{ s += $2 * $3 } END { printf "%.0f\n", s }' "$T/stored.sorted")
expect 200 "$VIEWER" GET /v1/snapshot
stats_total=$(jq '[.stats[] | select(.width_s == 3600) | .attempts] | add' "$T/body")
[ "$stats_total" = "$log_total" ] || fail "stats say $stats_total attempts, the event log $log_total"

# The sequence continues after the crash.
expect 201 "$OFFICER" POST /v1/incidents '{"title":"after"}'
req "$VIEWER" GET "/v1/events?after=$final&wait=0" -H 'Accept: application/json' >/dev/null
body_has ".events[0].seq == $((final + 1))"
stop_server
echo "ok: $n_acked acknowledged batches of 200 all present after kill -9 ($(wc -l <"$T/stored") stored)"
