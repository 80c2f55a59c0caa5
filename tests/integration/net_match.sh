#!/bin/sh
# net_match.sh - issue 14's wire fields reach the client: uploads a platform gives by
# hash that the backend matched to no signal are counted per platform in
# `--batch --json` (unmatched_24h, near_misses_24h), from the snapshot's stats rows
# and, in a replay of the same events, from the sightings events themselves.
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
P0=f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22
# P0 with its first 5 bytes inverted (40 bits): a near miss of P0
NEAR=07070f311ff4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22
RAND=00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff
api POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"pdq\",\"value\":\"$P0\",\"quality\":90,\"platform_id\":\"p-fb\"}" "$PLATFORM_TOKEN" | jq -e '.nearest == null' >/dev/null || fail "pdq signal"
CUR=$(api GET /v1/health | jq .cursor)
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
item() { printf '{"hash_type":"%s","hash":"%s","count":%s,"outcome":"pending","seen_at":"%s"}' "$1" "$2" "$3" "$NOW"; }
api POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[$(item md5 0123456789abcdef0123456789abcdef 2),$(item pdq "$NEAR" 5),$(item pdq "$RAND" 7)]}" "$PLATFORM_TOKEN" >"$T/post.json"
jq -e '.attributed == 1 and .unmatched == 2' "$T/post.json" >/dev/null || fail "sightings by hash: $(cat "$T/post.json")"
check() { # FILE WHAT
	jq -e '.platforms[] | select(.id == "p-fb") | .unmatched_24h == 12 and .near_misses_24h == 5' "$1" >/dev/null ||
		fail "$2: $(jq -c '.platforms' "$1")"
}
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" >"$T/batch.out" 2>"$T/batch.err" || fail "batch: $(cat "$T/batch.err")"
check "$T/batch.out" "unmatched uploads not counted from the snapshot"
# the same from the events: every event since the start, replayed
curl -sS -H "Authorization: Bearer $OFFICER_TOKEN" -H "Accept: application/json" "$URL/v1/events?after=0&wait=0" | jq -c ".events[]" >"$T/events.ndjson"
grep -q '"unmatched":\[' "$T/events.ndjson" || fail "no unmatched uploads in the events"
"$WF" --replay "$T/events.ndjson" --batch --json --iterations 1 >"$T/replay.out" 2>"$T/replay.err" || fail "replay: $(cat "$T/replay.err")"
jq -e '.connection.bad_events == 0' "$T/replay.out" >/dev/null || fail "bad events in the replay: $(jq -c .connection "$T/replay.out")"
check "$T/replay.out" "unmatched uploads not counted from the events"
echo "net_match: ok"
