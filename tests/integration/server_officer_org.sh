#!/bin/sh
# server_officer_org.sh - an officer's organisation (the tokens file's fourth column)
# counts for the quorum but is not a platform: watchfloord registers a platform
# resource for platform tokens only. An officer of p-ig (yuki) and one of p-desk
# beside a scenario naming p-ig "Instagram": the snapshot's platforms are the
# scenario's and the platform token's, p-ig keeps its name, no p-desk; yuki's
# approval still counts as p-ig's. Startup and a SIGHUP reload alike.
set -eu
. tests/integration/lib.sh
wf_setup
token_line officer-token-yuki officer yuki p-ig >>"$T/tokens"
token_line officer-token-desk officer desk-officer p-desk >>"$T/tokens"
cat >"$T/s.scenario" <<'SC'
0 platform id=p-ig name="Instagram" kind=member hashes=pdq,md5 volume=10 lag=5m
0 incident ref=main title="Org test" location="x" tier=incident state=monitoring
SC
start_server --simulate "$T/s.scenario" --speed 1 --scale 0.01
plats() { req "$VIEWER" GET /v1/snapshot >/dev/null && jq -c '[.platforms[] | [.id, .name]] | sort' "$T/body"; }
want='[["p-fb","fb-bot"],["p-ig","Instagram"],["p-yt","yt-bot"]]'
has_plats() { [ "$(plats)" = "$want" ]; }
wait_for 10 has_plats || fail "platforms: $(plats), want $want"
kill -HUP "$SERVER_PID"
wait_for 10 grep -q 'SIGHUP' "$T/server.err" || fail "no reload logged"
has_plats || fail "platforms after SIGHUP: $(plats)"
expect 200 "$OFFICER" GET /v1/snapshot
INC=$(jq -r '.incidents[0].id' "$T/body")
expect 201 "$OFFICER" POST /v1/decisions "{\"kind\":\"activate\",\"incident_id\":\"$INC\",\"subject\":\"Activate\",\"subject_ref\":\"$INC\",\"priority\":\"high\",\"due_in_s\":900}"
DEC=$(jq -r .id "$T/body")
expect 200 officer-token-yuki POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"ig","version":1}'
body_has '.approved_by == ["p-ig"] and .state == "pending"'
stop_server
echo "server_officer_org: OK"
