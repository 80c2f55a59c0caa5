#!/bin/sh
# net_caps.sh - caps never hide incidents without a word: 301 open incidents on the
# backend are all held with the default caps (counts equal the snapshot's); with
# --cap incidents=256 the 45 left out are counted (--batch --json not_held, the
# plain frame's "+45 incidents not shown, cap 256"), and a protocol_activated /
# active incident posted then is held and shown: an older, lower one gives way.
. tests/lib/net_helpers.sh
start_server --heartbeat 1
seed
/usr/bin/python3 tests/tools/post_incidents.py "$URL" "$OFFICER_TOKEN" 300 ||
	fail "posting 300 incidents"
total=$(api GET /v1/snapshot | jq '.incidents | length')
[ "$total" = 301 ] || fail "the server holds $total incidents"

# Default caps: everything held, nothing left out.
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/default.out" 2>"$T/default.err" || fail "batch: $(cat "$T/default.err")"
got=$(jq -r '[.counts.incidents, .not_held.incidents, .caps.incidents] | map(tostring) | join(" ")' "$T/default.out")
[ "$got" = "301 0 4096" ] || fail "default caps: held, not held, cap = $got"
[ "$(client_digest "$T/default.out")" = "$(server_digest)" ] ||
	fail "client $(client_digest "$T/default.out") != server $(server_digest)"

# A cap of 256: 45 not held, and said so.
"$WF" --batch --json --iterations 0 --interval 0.25 --cap incidents=256 \
	--token-file "$T/officer.token" "$URL" >"$T/client.out" 2>"$T/client.err" &
CLIENT=$!
bg_pid $CLIENT
line_is() { [ "$(tail -n 1 "$T/client.out" | jq -r "$1" 2>/dev/null)" = "$2" ]; }
wait_for 20 line_is '[.counts.incidents, .not_held.incidents] | map(tostring) | join(" ")' "256 45" ||
	fail "cap 256: $(tail -n 1 "$T/client.out" | jq -c '[.counts, .not_held]')"
NEW=$(api POST /v1/incidents '{"title":"Protocol now","location":"","tier":"protocol_activated","state":"active","summary":""}' "$ADMIN" | jq -r .id)
[ -n "$NEW" ] && [ "$NEW" != null ] || fail "posting the new incident"
wait_for 20 line_is "[.counts.incidents, .not_held.incidents, (.incidents[0].id == \"$NEW\")] | map(tostring) | join(\" \")" "256 46 true" ||
	fail "the new incident is not held first: $(tail -n 1 "$T/client.out" | jq -c '[.counts.incidents, .not_held, .incidents[0]]')"
kill -TERM $CLIENT
wait $CLIENT || fail "client exit status"
COLUMNS=200 "$WF" --batch --iterations 1 --cap incidents=256 --token-file "$T/officer.token" \
	"$URL" >"$T/frame.txt" 2>&1 || fail "plain batch: $(cat "$T/frame.txt")"
grep -q '+46 incidents not shown, cap 256' "$T/frame.txt" ||
	fail "the frame does not say what is not shown: $(head -n 2 "$T/frame.txt")"
echo "ok: 302 incidents: all held by default; cap 256 holds 256, shows +46 not held, the new protocol_activated one first"
