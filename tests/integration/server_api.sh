#!/bin/sh
# server_api.sh - every endpoint of docs/protocol.md against a real watchfloord:
# success answers, validation errors naming the field, 401/403/404/405/409/413/422,
# idempotent replay, snapshot ETag, long-poll, SSE framing, heartbeats and the reset
# event for a cursor older than --retention.
set -eu
. tests/integration/lib.sh
wf_setup
start_server --heartbeat 1 --retention 50

# health and whoami
expect 200 "" GET /v1/health
body_has '.status == "ok" and (.cursor | type == "number") and (.server_time | endswith("Z"))'
expect 200 "$OFFICER" GET /v1/whoami
body_has '.name == "olga" and .role == "officer" and .platform_id == null'
expect 200 "$PLAT_FB" GET /v1/whoami
body_has '.role == "platform" and .platform_id == "p-fb"'
expect 401 "" GET /v1/whoami
body_has '.error.code == "unauthorized"'
expect 401 "not-a-token" GET /v1/snapshot

# snapshot, ETag, 304
expect 200 "$VIEWER" GET /v1/snapshot -D "$T/headers"
body_has '.heartbeat_s == 1 and ([.platforms[].id] | sort) == ["p-fb", "p-yt"]'
body_has '(.incidents, .signals, .reports, .decisions, .sightings, .stats) | type == "array"'
etag=$(sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' "$T/headers" | tr -d '\r')
[ "$etag" = "\"$(jq .cursor "$T/body")\"" ] || fail "ETag $etag is not the cursor"
expect 304 "$VIEWER" GET /v1/snapshot -H "If-None-Match: $etag"

# incidents
expect 201 "$OFFICER" POST /v1/incidents '{"title":"Live-streamed attack","location":"Riverside","tier":"incident","summary":"s"}'
INC=$(jq -r .id "$T/body")
body_has '.state == "monitoring" and .version == 1 and .activated_at == null'
expect 400 "$OFFICER" POST /v1/incidents '{"location":"x"}'
body_has '.error.code == "bad_request" and (.error.message | contains("title"))'
expect 400 "$OFFICER" POST /v1/incidents '{"title":"t","tier":"Not-A-Tier"}'
body_has '.error.message | contains("tier")'
expect 400 "$OFFICER" POST /v1/incidents '{"title":"t","state":"exploded"}'
body_has '.error.message | contains("state")'
expect 400 "$OFFICER" POST /v1/incidents "{\"title\":\"$(head -c 201 /dev/zero | tr '\0' a)\"}"
body_has '.error.message | contains("title")'
expect 400 "$OFFICER" POST /v1/incidents '{"title": '
body_has '.error.message | contains("JSON")'
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/big.json"
expect 413 "$OFFICER" POST /v1/incidents "@$T/big.json"
body_has '.error.code == "too_large"'
# the board decides the tier and the conclusion (decisions with a quorum): an officer
# alone may not set them, at creation or later; an admin (the operator) may
expect 422 "$OFFICER" POST "/v1/incidents/$INC" '{"tier":"content_incident","version":1}'
body_has '.error.code == "invalid_state" and (.error.message | contains("change_tier"))'
expect 422 "$OFFICER" POST "/v1/incidents/$INC" '{"tier":"protocol_activated","state":"active","version":1}'
body_has '.error.message | contains("activate")'
expect 422 "$OFFICER" POST "/v1/incidents/$INC" '{"state":"concluded","version":1}'
body_has '.error.message | contains("conclude")'
expect 422 "$OFFICER" POST /v1/incidents '{"title":"Straight to the protocol","tier":"protocol_activated"}'
expect 422 "$OFFICER" POST /v1/incidents '{"title":"Born concluded","state":"concluded"}'
expect 200 "$OFFICER" POST "/v1/incidents/$INC" '{"tier":"incident","state":"proposed","summary":"same tier, new state","version":1}'
body_has '.version == 2 and .state == "proposed"'
expect 200 "$ADMIN" POST "/v1/incidents/$INC" '{"tier":"content_incident","version":2}'
body_has '.version == 3 and .tier == "content_incident"'
expect 409 "$OFFICER" POST "/v1/incidents/$INC" '{"state":"active","version":1}'
body_has '.error.code == "conflict" and .current.version == 3'
expect 400 "$OFFICER" POST "/v1/incidents/$INC" '{"state":"active"}'
body_has '.error.message | contains("version")'
expect 404 "$OFFICER" POST /v1/incidents/inc-nope '{"state":"active","version":1}'
body_has '.error.code == "not_found"'

# signals
PDQ=f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22
sig() { # platform-token platform variant type value quality
	printf '{"incident_id":"%s","type":"%s","value":"%s","quality":%s,"variant_id":"%s","platform_id":"%s"}' \
		"$INC" "$4" "$5" "$6" "$3" "$2"
}
expect 201 "$PLAT_FB" POST /v1/signals "$(sig x p-fb v1 pdq $PDQ 90)"
SIG=$(jq -r .id "$T/body")
body_has '.new_variant == true and .state == "active" and .version == 1 and .type == "pdq"'
expect 201 "$OFFICER" POST /v1/signals "$(sig x p-fb v1 md5 0123456789abcdef0123456789abcdef 100)"
body_has '.new_variant == false'
SIG2=$(jq -r .id "$T/body")
expect 400 "$PLAT_FB" POST /v1/signals "$(sig x p-fb v2 pdq F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22 90)"
body_has '.error.message | contains("value")'
expect 400 "$PLAT_FB" POST /v1/signals "$(sig x p-fb v2 pdq $PDQ 40)"
body_has '.error.message | contains("quality")'
expect 400 "$PLAT_FB" POST /v1/signals "$(sig x p-fb v2 md5 abc 90)"
body_has '.error.message | contains("value")'
expect 403 "$PLAT_FB" POST /v1/signals "$(sig x p-yt v2 pdq $PDQ 90)"
body_has '.error.code == "forbidden"'
expect 400 "$OFFICER" POST /v1/signals '{"incident_id":"inc-none","type":"md5","value":"0123456789abcdef0123456789abcdef","quality":90,"variant_id":"v9","platform_id":"p-fb"}'
body_has '.error.message | contains("incident_id")'

# sightings
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
item() { printf '{"signal_id":"%s","count":%s,"outcome":"%s","seen_at":"%s","distance":%s}' "$1" "$2" "$3" "$NOW" "$4"; }
batch() { printf '{"platform_id":"%s","incident_id":"%s","items":[%s]}' "$1" "$INC" "$2"; }
expect 202 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 12 blocked 4),$(item "$SIG2" 3 removed null)")"
body_has '.accepted == 2 and (.seq | type == "number")'
expect 202 "$ADMIN" POST /v1/sightings "$(batch p-yt "$(item "$SIG" 5 pending 0)")"
expect 400 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "")"
body_has '.error.message | contains("items")'
expect 400 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 0 blocked 1)")"
body_has '.error.message | contains("items[0].count")'
expect 400 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 1 blocked 1),$(item "$SIG" 1 blocked 300)")"
body_has '.error.message | contains("items[1].distance")'
expect 400 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item sig-none 1 blocked 1)")"
body_has '.error.message | contains("items[0].signal_id")'
expect 400 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 1 lost 1)")"
body_has '.error.message | contains("outcome")'
many=$(i=0; while [ $i -lt 1001 ]; do [ $i -gt 0 ] && printf ,; item "$SIG" 1 blocked 1; i=$((i + 1)); done)
expect 400 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$many")"
body_has '.error.message | contains("items")'
expect 403 "$PLAT_FB" POST /v1/sightings "$(batch p-yt "$(item "$SIG" 1 blocked 1)")"
expect 202 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 7 kept 1)")" -H 'Idempotency-Key: batch-1'
first=$(cat "$T/body")
expect 202 "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 7 kept 1)")" -H 'Idempotency-Key: batch-1'
[ "$(cat "$T/body")" = "$first" ] || fail "sightings replay answered differently"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '[.sightings[] | select(.hash == "'$PDQ'" and .hash_type == "pdq" and .platform_id == "p-fb")] | length == 2'
body_has '[.stats[] | select(.width_s == 3600) | .attempts] | add == 27'
body_has '[.stats[] | select(.width_s == 60 and .platform_id == "p-fb") | .blocked] | add == 12'
body_has '[.stats[] | select(.width_s == 3600) | .variants] | add == 1'
body_has '[.platforms[] | select(.id == "p-fb") | .last_heartbeat] | .[0] | type == "string"'

# reports and triage
expect 201 "$PLAT_FB" POST /v1/reports "{\"kind\":\"public_interest\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"A news organisation asks to keep its report\",\"needs_decision\":true}"
REP=$(jq -r .id "$T/body")
body_has '.author == "fb-bot" and .state == "open" and .decision.kind == "triage_report" and .decision.subject_ref == "'"$REP"'" and .decision.state == "pending"'
TRIAGE_DEC=$(jq -r .decision.id "$T/body")
expect 201 "$OFFICER" POST /v1/reports '{"kind":"situation_note","incident_id":null,"platform_id":null,"text":"note"}'
REP2=$(jq -r .id "$T/body")
body_has '.needs_decision == false and (has("decision") | not)'
expect 403 "$PLAT_FB" POST /v1/reports '{"kind":"referral","platform_id":null,"text":"x"}'
expect 400 "$OFFICER" POST /v1/reports '{"kind":"referral"}'
body_has '.error.message | contains("text")'
expect 400 "$OFFICER" POST /v1/reports '{"kind":"gossip","text":"x"}'
body_has '.error.message | contains("kind")'
expect 200 "$OFFICER" POST "/v1/reports/$REP2/triage" '{"state":"dismissed","reason":"duplicate","version":1}'
body_has '.state == "dismissed" and .version == 2'
expect 409 "$OFFICER" POST "/v1/reports/$REP2/triage" '{"state":"triaged","version":1}'
expect 422 "$OFFICER" POST "/v1/reports/$REP2/triage" '{"state":"triaged","version":2}'
body_has '.error.code == "invalid_state"'
expect 404 "$OFFICER" POST /v1/reports/rep-none/triage '{"state":"triaged","version":1}'
expect 201 "$OFFICER" POST /v1/reports '{"kind":"activation_request","text":"please","needs_decision":true}'
REP3=$(jq -r .id "$T/body")
DEC3=$(jq -r .decision.id "$T/body")
body_has '.decision.priority == "high"'
expect 200 "$OFFICER" POST "/v1/reports/$REP3/triage" '{"state":"triaged","reason":"handled","version":1}'
expect 200 "$VIEWER" GET /v1/snapshot
body_has '.decisions[] | select(.id == "'"$DEC3"'") | .state == "approved" and .rationale == "handled" and .votes[0].by == "olga"'

# decisions
expect 201 "$OFFICER" POST /v1/decisions "{\"kind\":\"activate\",\"incident_id\":\"$INC\",\"subject\":\"Activate the protocol\",\"subject_ref\":\"$INC\",\"detail\":\"d\",\"priority\":\"high\",\"due_in_s\":600}"
DEC=$(jq -r .id "$T/body")
body_has '.state == "pending" and .proposer == "olga" and .votes == [] and .priority == "high"'
expect 400 "$OFFICER" POST /v1/decisions '{"kind":"activate","subject":"two\nlines"}'
body_has '.error.message | contains("subject")'
expect 400 "$OFFICER" POST /v1/decisions '{"kind":"activate","subject":"s","due_in_s":-1}'
body_has '.error.message | contains("due_in_s")'
expect 200 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"note","reason":"checking","version":1}'
body_has '.state == "pending" and .version == 2 and (.votes | length) == 1'
expect 400 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"escalate","version":2}'
body_has '.error.message | contains("reason")'
expect 200 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"escalate","reason":"board","version":2}'
body_has '.state == "escalated" and .version == 3'
expect 409 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","version":2}'
body_has '.error.code == "conflict" and .current.version == 3 and .current.state == "escalated"'
# activate needs two organisations (protocol.md, Quorum): ada's approval is 1/2
expect 200 "$ADMIN" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"board agrees","version":3}'
body_has '.state == "escalated" and .needed == 2 and .approved_by == ["ada"] and .votes[-1].counted'
expect 200 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"agreed","version":4}'
body_has '.state == "approved" and .rationale == "agreed" and .votes[-1].by == "olga" and .approved_by == ["ada","olga"]'
expect 422 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"reject","reason":"late","version":5}'
body_has '.error.code == "invalid_state"'
expect 404 "$OFFICER" POST /v1/decisions/dec-none/resolve '{"action":"approve","version":1}'
expect 200 "$OFFICER" POST "/v1/decisions/$TRIAGE_DEC/resolve" '{"action":"reject","reason":"not news","version":1}'
expect 200 "$VIEWER" GET /v1/snapshot
body_has '.incidents[] | select(.id == "'"$INC"'") | .state == "active" and .tier == "protocol_activated" and (.activated_at | type == "string")'
body_has '.reports[] | select(.id == "'"$REP"'") | .state == "dismissed"'

# idempotency: the first answer, nothing changed; keys are per token
expect 201 "$OFFICER" POST /v1/incidents '{"title":"once"}' -H 'Idempotency-Key: key-1'
first=$(cat "$T/body")
cursor=$(curl -sS "$URL/v1/health" | jq .cursor)
expect 201 "$OFFICER" POST /v1/incidents '{"title":"twice?"}' -H 'Idempotency-Key: key-1'
[ "$(cat "$T/body")" = "$first" ] || fail "replay answered differently"
[ "$(curl -sS "$URL/v1/health" | jq .cursor)" = "$cursor" ] || fail "replay changed state"
expect 409 "$OFFICER" POST "/v1/incidents/$INC" '{"state":"monitoring","version":1}' -H 'Idempotency-Key: key-2'
expect 409 "$OFFICER" POST "/v1/incidents/$INC" '{"state":"monitoring","version":1}' -H 'Idempotency-Key: key-2'
expect 201 "$ADMIN" POST /v1/incidents '{"title":"other token"}' -H 'Idempotency-Key: key-1'
body_has '.title == "other token"'
expect 400 "$OFFICER" POST /v1/incidents '{"title":"x"}' -H 'Idempotency-Key: bad key!'

# paths and methods
expect 404 "$OFFICER" GET /v1/nothing
body_has '.error.code == "not_found"'
expect 405 "$OFFICER" GET /v1/sightings
body_has '.error.code == "method_not_allowed"'
expect 405 "$OFFICER" DELETE /v1/incidents ''

# long-poll
expect 200 "$VIEWER" GET '/v1/events?after=0&wait=0' -H 'Accept: application/json'
body_has '.reset == false and (.events | length) > 10 and .cursor == .events[-1].seq'
body_has '[.events[] | .seq] as $s | $s == [range($s[0]; $s[0] + ($s | length))]'
body_has '.events[0] | has("seq") and has("type") and has("time") and has("data")'
cur=$(curl -sS "$URL/v1/health" | jq .cursor)
start=$(date +%s)
expect 200 "$VIEWER" GET "/v1/events?after=$cur&wait=1" -H 'Accept: application/json'
body_has ".events == [] and .cursor == $cur and .reset == false"
expect 200 "$VIEWER" GET "/v1/events?after=$((cur + 100))&wait=0" -H 'Accept: application/json'
body_has ".reset == true and .events == [] and .cursor == $cur"
(sleep 0.5; curl -sS -o /dev/null -H "Authorization: Bearer $OFFICER" -d '{"title":"wake"}' "$URL/v1/incidents") &
expect 200 "$VIEWER" GET "/v1/events?after=$cur&wait=20" -H 'Accept: application/json'
body_has '.events[0].type == "incident.opened" and .events[0].data.title == "wake"'
[ $(($(date +%s) - start)) -lt 10 ] || fail "long-poll did not answer at the event"
expect 400 "$VIEWER" GET '/v1/events?after=x' -H 'Accept: application/json'
expect 400 "$VIEWER" GET '/v1/events?after=0&wait=61' -H 'Accept: application/json'

# SSE: retry, id/event/data frames with the envelope, heartbeats
cur=$(curl -sS "$URL/v1/health" | jq .cursor)
timeout 3 curl -sS -N -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
	"$URL/v1/events?after=$((cur - 3))" >"$T/sse" || true
head -n 1 "$T/sse" | grep -q '^retry: [0-9]' || fail "no retry line first"
grep -q '^: heartbeat ' "$T/sse" || fail "no heartbeat comment"
[ "$(grep -c '^id: ' "$T/sse")" = 3 ] || fail "want 3 frames: $(cat "$T/sse")"
awk '/^id: /{id=$2} /^event: /{ev=$2} /^data: /{sub(/^data: /,""); print id, ev, $0}' "$T/sse" >"$T/frames"
while read -r id ev data; do
	printf '%s' "$data" | jq -e --argjson id "$id" --arg ev "$ev" '.seq == $id and .type == $ev and (.data | type == "object")' >/dev/null ||
		fail "frame $id: envelope does not match"
done <"$T/frames"
# Last-Event-ID wins over ?after
timeout 2 curl -sS -N -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
	-H "Last-Event-ID: $((cur - 1))" "$URL/v1/events?after=0" >"$T/sse" || true
[ "$(grep -c '^id: ' "$T/sse")" = 1 ] || fail "Last-Event-ID not honoured"

# retention: push the log past --retention 50, an old cursor gets the reset event
i=0
while [ $i -lt 80 ]; do
	req "$PLAT_FB" POST /v1/sightings "$(batch p-fb "$(item "$SIG" 1 blocked 1)")" >/dev/null
	i=$((i + 1))
done
timeout 2 curl -sS -N -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
	"$URL/v1/events?after=1" >"$T/sse" || true
grep -m 1 '^event: ' "$T/sse" | grep -q 'event: reset' || fail "no reset for an expired cursor: $(head -c 300 "$T/sse")"
grep '^data: ' "$T/sse" | head -n 1 | sed 's/^data: //' | jq -e '.type == "reset" and .data.reason == "cursor_expired"' >/dev/null ||
	fail "reset envelope"
expect 200 "$VIEWER" GET '/v1/events?after=1&wait=0' -H 'Accept: application/json'
body_has '.reset == true'

stop_server
echo "ok"
