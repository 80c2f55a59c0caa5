#!/bin/sh
# server_quorum.sh - issue 12 on a real watchfloord: the quorum rules (defaults,
# --quorum, GET /v1/rules), counting by distinct organisation (the tokens file's
# fourth column), a second vote of one organisation kept but not counted, the
# rejection quorum, escalate and note never closing, two approvals with one version
# (one 200, one 409 with the current decision, the resend counts), and every
# decision kind's effect with its events; report triage <-> its decision.
set -eu
. tests/integration/lib.sh
wf_setup
OFF_FB=officer-fb-1
OFF_FB2=officer-fb-2
OFF_YT=officer-yt-1
OFF_TW=officer-tw-1
{
	token_line "$OFF_FB" officer fiona p-fb
	token_line "$OFF_FB2" officer frank p-fb
	token_line "$OFF_YT" officer yusuf p-yt
	token_line "$OFF_TW" officer tara p-tw
} >>"$T/tokens"
start_server

# the rules and the officer's organisation
expect 200 "$VIEWER" GET /v1/rules
body_has '.rules == {"activate":2,"change_tier":2,"conclude":2,"add_signal":1,"disable_signal":1,"public_interest":2,"triage_report":1,"notify_authority":1}'
expect 200 "$OFF_FB" GET /v1/whoami
body_has '.name == "fiona" and .role == "officer" and .platform_id == "p-fb" and .org == "p-fb"'
expect 200 "$OFFICER" GET /v1/whoami
body_has '.org == "olga"' # no fourth column: an organisation of its own

expect 201 "$OFFICER" POST /v1/incidents '{"title":"Live-streamed attack","tier":"incident"}'
INC=$(jq -r .id "$T/body")
MD5=0123456789abcdef0123456789abcdef
expect 201 "$PLAT_FB" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"$MD5\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-fb\"}"
SIG=$(jq -r .id "$T/body")
body_has '.state == "active" and (has("decision") | not)'

# propose KIND [extra JSON members]: opens a decision on $INC, sets DEC
propose() {
	expect 201 "$OFFICER" POST /v1/decisions "{\"kind\":\"$1\",\"incident_id\":\"$INC\",\"subject\":\"$1 it\",\"subject_ref\":\"${REF:-$INC}\"${2:+,$2}}"
	DEC=$(jq -r .id "$T/body")
}
# version DEC: the decision's current version
version() {
	req "$VIEWER" GET /v1/snapshot >/dev/null
	jq -e ".decisions[] | select(.id == \"$1\") | .version" "$T/body"
}
# vote TOKEN DEC ACTION [REASON]: with the current version, expects 200
vote() {
	v=$(version "$2")
	expect 200 "$1" POST "/v1/decisions/$2/resolve" "{\"action\":\"$3\",\"reason\":\"${4:-ok}\",\"version\":$v}"
}
cursor() { curl -sS "$URL/v1/health" | jq .cursor; }
# events_after CURSOR: the event types after CURSOR, one a line, into $T/events
events_after() {
	req "$VIEWER" GET "/v1/events?after=$1&wait=0" -H 'Accept: application/json' >/dev/null
	jq -r '.events[].type' "$T/body" >"$T/events"
	cp "$T/body" "$T/events.json"
}
incident() {
	req "$VIEWER" GET /v1/snapshot >/dev/null
	jq -c ".incidents[] | select(.id == \"$INC\")" "$T/body" >"$T/inc.json"
}

# activate: one organisation is 1/2, the same organisation again does not count,
# a second organisation closes it and the incident is activated in that write.
propose activate
body_has '.needed == 2 and .approved_by == [] and .rejected_by == [] and .state == "pending"'
vote "$OFF_FB" "$DEC" approve
body_has '.state == "pending" and .approved_by == ["p-fb"] and .votes[-1].org == "p-fb" and .votes[-1].counted == true'
vote "$OFF_FB2" "$DEC" approve "me too"
body_has '.state == "pending" and .approved_by == ["p-fb"] and (.votes | length) == 2 and .votes[-1].by == "frank" and .votes[-1].counted == false'
vote "$OFF_FB" "$DEC" reject "changed my mind"
body_has '.state == "pending" and .rejected_by == [] and .votes[-1].counted == false' # p-fb counted already
incident
jq -e '.tier == "incident" and .activated_at == null' "$T/inc.json" >/dev/null || fail "activated before the quorum: $(cat "$T/inc.json")"
c=$(cursor)
vote "$OFF_YT" "$DEC" approve "board agrees"
body_has '.state == "approved" and .approved_by == ["p-fb","p-yt"] and .rationale == "board agrees"'
incident
jq -e '.tier == "protocol_activated" and .state == "active" and (.activated_at | type == "string")' "$T/inc.json" >/dev/null || fail "activate had no effect: $(cat "$T/inc.json")"
events_after "$c"
[ "$(tr '\n' ' ' <"$T/events")" = "decision.resolved incident.updated " ] || fail "activate events: $(cat "$T/events")"
jq -e '.events[1].data.tier == "protocol_activated"' "$T/events.json" >/dev/null || fail "incident.updated lacks the tier"
expect 422 "$OFF_TW" POST "/v1/decisions/$DEC/resolve" "{\"action\":\"approve\",\"version\":$(version "$DEC")}"

# rejection quorum: one organisation cannot veto alone; escalate and note never close
propose conclude
vote "$OFF_YT" "$DEC" reject "not yet"
body_has '.state == "pending" and .rejected_by == ["p-yt"] and .approved_by == []'
vote "$OFF_FB" "$DEC" escalate "board"
body_has '.state == "escalated" and .votes[-1].counted == false'
vote "$OFF_TW" "$DEC" note "watching"
vote "$OFFICER" "$DEC" escalate "again"
body_has '.state == "escalated"'
vote "$OFF_TW" "$DEC" reject "still spreading"
body_has '.state == "rejected" and .rejected_by == ["p-yt","p-tw"] and .rationale == "still spreading"'
incident
jq -e '.state == "active" and .concluded_at == null' "$T/inc.json" >/dev/null || fail "a rejected conclude concluded"
propose notify_authority '"authority":"NZ Police"' # needs 1: escalate/note still never close it
vote "$OFF_FB" "$DEC" escalate "ask legal"
vote "$OFF_YT" "$DEC" note "legal asked"
vote "$OFF_TW" "$DEC" escalate "legal?"
body_has '.state == "escalated" and .approved_by == [] and .rejected_by == []'
expect 200 "$VIEWER" GET /v1/snapshot
body_has '.notifications == []'

# notify_authority: the record, its event, who closed it
c=$(cursor)
vote "$OFF_TW" "$DEC" approve "legal agrees"
body_has '.state == "approved"'
events_after "$c"
[ "$(tr '\n' ' ' <"$T/events")" = "decision.resolved authority.notified " ] || fail "notify events: $(cat "$T/events")"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '.notifications | length == 1 and .[0].authority == "NZ Police" and .[0].by == "tara" and .[0].approved_by == ["p-tw"] and .[0].decision_id == "'"$DEC"'" and .[0].incident_id == "'"$INC"'" and (.[0].at | type == "string") and .[0].version == 1'
expect 400 "$OFFICER" POST /v1/decisions "{\"kind\":\"notify_authority\",\"subject\":\"s\"}"
body_has '.error.message | contains("authority")'

# concurrency: two organisations approve with the same version at once; one wins,
# the other gets 409 with the current decision; the resend with it counts.
propose change_tier '"proposed_tier":"content_incident"'
body_has '.proposed_tier == "content_incident" and .needed == 2'
B='{"action":"approve","reason":"raise","version":1}'
curl -sS -o "$T/a.body" -w '%{http_code}' -H "Authorization: Bearer $OFF_FB" -H 'Content-Type: application/json' --data-binary "$B" "$URL/v1/decisions/$DEC/resolve" >"$T/a.code" &
pa=$!
curl -sS -o "$T/b.body" -w '%{http_code}' -H "Authorization: Bearer $OFF_YT" -H 'Content-Type: application/json' --data-binary "$B" "$URL/v1/decisions/$DEC/resolve" >"$T/b.code" &
pb=$!
wait $pa $pb
codes=$({ cat "$T/a.code"; echo; cat "$T/b.code"; echo; } | sort | tr "\n" " ")
[ "$codes" = "200 409 " ] || fail "concurrent approvals answered $codes"
if [ "$(cat "$T/a.code")" = 409 ]; then lose=$OFF_FB loser=a; else lose=$OFF_YT loser=b; fi
jq -e '.error.code == "conflict" and .current.version == 2 and .current.state == "pending" and (.current.approved_by | length) == 1' "$T/$loser.body" >/dev/null || fail "409 without the current decision: $(cat "$T/$loser.body")"
expect 200 "$lose" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"raise","version":2}'
body_has '.state == "approved" and (.approved_by | length) == 2'
incident
jq -e '.tier == "content_incident"' "$T/inc.json" >/dev/null || fail "change_tier had no effect: $(cat "$T/inc.json")"
expect 400 "$OFFICER" POST /v1/decisions '{"kind":"change_tier","subject":"s"}'
body_has '.error.message | contains("proposed_tier")'
expect 400 "$OFFICER" POST /v1/decisions '{"kind":"change_tier","subject":"s","proposed_tier":"Tier 9"}'

# add_signal: a platform's candidate is proposed until its decision closes
expect 201 "$PLAT_YT" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"00112233445566778899aabbccddeeff\",\"quality\":80,\"variant_id\":\"v2\",\"platform_id\":\"p-yt\",\"candidate\":true}"
CAND=$(jq -r .id "$T/body")
body_has '.state == "proposed" and .decision.kind == "add_signal" and .decision.subject_ref == "'"$CAND"'" and .decision.needed == 1'
CDEC=$(jq -r .decision.id "$T/body")
c=$(cursor)
vote "$OFF_FB" "$CDEC" approve "hash verified"
events_after "$c"
[ "$(tr '\n' ' ' <"$T/events")" = "decision.resolved signal.added " ] || fail "add_signal events: $(cat "$T/events")"
jq -e '.events[1].data.id == "'"$CAND"'" and .events[1].data.state == "active"' "$T/events.json" >/dev/null || fail "candidate not active"
expect 201 "$PLAT_YT" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"ffeeddccbbaa99887766554433221100\",\"quality\":80,\"variant_id\":\"v3\",\"platform_id\":\"p-yt\",\"candidate\":true}"
CAND2=$(jq -r .id "$T/body")
vote "$OFF_FB" "$(jq -r .decision.id "$T/body")" reject "not the attack"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '[.signals[] | select(.id == "'"$CAND2"'")][0].state == "rejected"'
body_has '[.signals[] | select(.id == "'"$CAND"'")][0].state == "active"'

# disable_signal
REF=$CAND propose disable_signal
vote "$OFF_TW" "$DEC" approve "false positive"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '[.signals[] | select(.id == "'"$CAND"'")][0].state == "disabled"'

# public_interest: the exception and its event; p-yt's kept copies of the signal
# count as kept under it, p-fb's do not
expect 400 "$OFFICER" POST /v1/decisions "{\"kind\":\"public_interest\",\"subject\":\"s\",\"subject_ref\":\"$SIG\"}"
body_has '.error.message | contains("keep_platform_id")'
REF=$SIG propose public_interest '"keep_platform_id":"p-yt","detail":"Newsroom archive copy"'
vote "$OFF_FB" "$DEC" approve
expect 200 "$VIEWER" GET /v1/snapshot
body_has '.exceptions == []'
c=$(cursor)
vote "$OFFICER" "$DEC" approve "journalism"
events_after "$c"
[ "$(tr '\n' ' ' <"$T/events")" = "decision.resolved exception.granted " ] || fail "public_interest events: $(cat "$T/events")"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '.exceptions | length == 1 and .[0].signal_id == "'"$SIG"'" and .[0].report_id == null and .[0].platform_id == "p-yt" and .[0].reason == "Newsroom archive copy" and .[0].granted_by == ["p-fb","olga"] and .[0].decision_id == "'"$DEC"'"'
EXC=$(jq -r '.exceptions[0].id' "$T/body")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
item() { printf '{"signal_id":"%s","count":%s,"outcome":"%s","seen_at":"%s"}' "$SIG" "$1" "$2" "$NOW"; }
c=$(cursor)
expect 202 "$PLAT_YT" POST /v1/sightings "{\"platform_id\":\"p-yt\",\"incident_id\":\"$INC\",\"items\":[$(item 4 kept),$(item 3 blocked)]}"
expect 202 "$PLAT_FB" POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[$(item 2 kept)]}"
events_after "$c"
jq -e '[.events[] | select(.type == "sightings")] | .[0].data.items[0].exception_id == "'"$EXC"'" and (.[0].data.items[1] | has("exception_id") | not) and (.[1].data.items[0] | has("exception_id") | not)' "$T/events.json" >/dev/null || fail "exception_id on sighting items: $(cat "$T/events.json")"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '[.stats[] | select(.platform_id == "p-yt" and .width_s == 60)] | map(.kept_exception) | add == 4'
body_has '[.stats[] | select(.platform_id == "p-fb" and .width_s == 60)] | map(.kept_exception) | add == 0'
body_has '[.stats[] | select(.platform_id == "p-fb" and .width_s == 60)] | map(.kept) | add == 2'

# public_interest about a news organisation's report: the keeper is the report's platform
expect 201 "$PLAT_FB" POST /v1/reports "{\"kind\":\"public_interest\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"keep our clip\"}"
REF=$(jq -r .id "$T/body") propose public_interest
body_has '.keep_platform_id == null'
vote "$OFF_YT" "$DEC" approve
vote "$OFF_TW" "$DEC" approve
expect 200 "$VIEWER" GET /v1/snapshot
body_has '[.exceptions[] | select(.decision_id == "'"$DEC"'")][0] | .platform_id == "p-fb" and .signal_id == null and (.report_id | startswith("rep-"))'

# triage_report: the decision triages its report (rationale as reason), and triage
# on the report closes its decision in the same write
expect 201 "$PLAT_FB" POST /v1/reports "{\"kind\":\"referral\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"look here\",\"needs_decision\":true}"
REP=$(jq -r .id "$T/body")
TDEC=$(jq -r .decision.id "$T/body")
body_has '.decision_id == "'"$TDEC"'" and .reason == ""'
c=$(cursor)
vote "$OFF_YT" "$TDEC" approve "real lead"
events_after "$c"
[ "$(tr '\n' ' ' <"$T/events")" = "decision.resolved report.updated " ] || fail "triage_report events: $(cat "$T/events")"
jq -e '.events[1].data.state == "triaged" and .events[1].data.reason == "real lead"' "$T/events.json" >/dev/null || fail "report not triaged: $(cat "$T/events.json")"
expect 201 "$PLAT_FB" POST /v1/reports "{\"kind\":\"referral\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"spam\",\"needs_decision\":true}"
REP=$(jq -r .id "$T/body")
TDEC=$(jq -r .decision.id "$T/body")
c=$(cursor)
expect 200 "$OFF_TW" POST "/v1/reports/$REP/triage" '{"state":"dismissed","reason":"spam","version":1}'
body_has '.state == "dismissed" and .reason == "spam"'
events_after "$c"
[ "$(tr '\n' ' ' <"$T/events")" = "report.updated decision.resolved " ] || fail "triage events: $(cat "$T/events")"
jq -e '.events[1].data | .id == "'"$TDEC"'" and .state == "rejected" and .rationale == "spam" and .rejected_by == ["p-tw"] and .votes[-1].counted' "$T/events.json" >/dev/null || fail "triage did not close its decision: $(cat "$T/events.json")"
stop_server

# --quorum: rules from the command line; a bad spec stops the server
for bad in activate=0 activate=33 vote=2 activate; do
	if "$WFD" --listen 127.0.0.1:0 --db "$T/bad.db" --quorum "$bad" >/dev/null 2>"$T/bad.err"; then
		fail "--quorum $bad accepted"
	fi
	grep -q -- '--quorum' "$T/bad.err" || fail "--quorum $bad: $(cat "$T/bad.err")"
done
start_server --quorum activate=1,triage_report=2
expect 200 "$VIEWER" GET /v1/rules
body_has '.rules.activate == 1 and .rules.triage_report == 2 and .rules.conclude == 2'
expect 201 "$OFFICER" POST /v1/incidents '{"title":"second"}'
INC=$(jq -r .id "$T/body")
propose activate
body_has '.needed == 1'
vote "$OFF_FB" "$DEC" approve
body_has '.state == "approved"'
# a triage that needs two organisations cannot be closed by one officer's triage
expect 201 "$PLAT_FB" POST /v1/reports "{\"kind\":\"referral\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"two needed\",\"needs_decision\":true}"
REP=$(jq -r .id "$T/body")
TDEC=$(jq -r .decision.id "$T/body")
c=$(cursor)
expect 422 "$OFF_TW" POST "/v1/reports/$REP/triage" '{"state":"triaged","reason":"mine","version":1}'
body_has '.error.message | contains("'"$TDEC"'")'
[ "$(cursor)" = "$c" ] || fail "a refused triage changed something"
vote "$OFF_TW" "$TDEC" approve "one"
expect 422 "$OFF_TW" POST "/v1/reports/$REP/triage" '{"state":"triaged","reason":"mine","version":1}'
expect 200 "$OFF_YT" POST "/v1/reports/$REP/triage" '{"state":"triaged","reason":"two","version":1}'
expect 200 "$VIEWER" GET /v1/snapshot
body_has '[.decisions[] | select(.id == "'"$TDEC"'")][0] | .state == "approved" and .approved_by == ["p-tw","p-yt"]'
stop_server
echo "server_quorum: ok"
