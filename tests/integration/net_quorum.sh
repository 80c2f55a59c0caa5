#!/bin/sh
# net_quorum.sh - issue 12's wire fields reach the client: `--batch --json` shows a
# pending decision's quorum (needed, the organisations that approved and rejected)
# and the officer's organisation from whoami (the tokens file's fourth column), and
# follows a second organisation's approval (the decision leaves the pending list,
# the incident is protocol_activated); the records (exception, notification) and
# kept-under-exception counts arrive in the model (counts in the JSON line).
. tests/lib/net_helpers.sh
OFF_FB=officer-fb-1
OFF_YT=officer-yt-1
{
	token_line "$OFF_FB" officer fiona p-fb
	token_line "$OFF_YT" officer yusuf p-yt
} >>"$T/tokens"
printf '%s' "$OFF_FB" >"$T/fb.token"
start_server --heartbeat 1
seed
vote() { # TOKEN DEC ACTION
	v=$(api GET /v1/snapshot | jq ".decisions[] | select(.id == \"$2\") | .version")
	api POST "/v1/decisions/$2/resolve" "{\"action\":\"$3\",\"reason\":\"r\",\"version\":$v}" "$1" >"$T/vote.json"
	jq -e '.id' "$T/vote.json" >/dev/null || fail "vote: $(cat "$T/vote.json")"
}
vote "$OFF_FB" "$DEC" approve
vote "$OFFICER" "$DEC" reject
batch() { "$WF" --batch --json --iterations 1 --token-file "$1" "$URL" >"$T/batch.out" 2>"$T/batch.err" || fail "batch: $(cat "$T/batch.err")"; }
batch "$T/fb.token"
jq -e '.connection.org == "p-fb" and .connection.user == "fiona"' "$T/batch.out" >/dev/null ||
	fail "no org: $(jq -c .connection "$T/batch.out")"
jq -e ".pending_decisions[] | select(.id == \"$DEC\") | .needed == 2 and .approved_by == [\"p-fb\"] and .rejected_by == [\"olga\"] and .votes == 2" "$T/batch.out" >/dev/null ||
	fail "quorum not shown: $(jq -c .pending_decisions "$T/batch.out")"
batch "$T/officer.token"
jq -e '.connection.org == "olga"' "$T/batch.out" >/dev/null || fail "an officer without organisation"

# the second organisation closes it: the client follows
vote "$OFF_YT" "$DEC" approve
# an exception and a notification (one organisation each: --quorum not needed for
# notify_authority; public_interest needs two)
X=$(api POST /v1/decisions "{\"kind\":\"public_interest\",\"incident_id\":\"$INC\",\"subject\":\"keep\",\"subject_ref\":\"$SIG\",\"keep_platform_id\":\"p-fb\"}" | jq -r .id)
vote "$OFF_FB" "$X" approve
vote "$OFF_YT" "$X" approve
N=$(api POST /v1/decisions "{\"kind\":\"notify_authority\",\"incident_id\":\"$INC\",\"subject\":\"tell\",\"authority\":\"NZ Police\"}" | jq -r .id)
vote "$OFF_YT" "$N" approve
api POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[{\"signal_id\":\"$SIG\",\"count\":6,\"outcome\":\"kept\",\"seen_at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}]}" "$PLATFORM_TOKEN" | jq -e '.accepted == 1' >/dev/null || fail "sightings"
batch "$T/fb.token"
jq -e "[.pending_decisions[] | select(.id == \"$DEC\")] == [] and (.incidents[] | select(.id == \"$INC\") | .tier == \"protocol_activated\" and .state == \"active\")" "$T/batch.out" >/dev/null ||
	fail "approval not followed: $(jq -c '.incidents, .pending_decisions' "$T/batch.out")"
jq -e '.counts.exceptions == 1 and .counts.notifications == 1' "$T/batch.out" >/dev/null ||
	fail "records: $(jq -c .counts "$T/batch.out")"
jq -e '.platforms[] | select(.id == "p-fb") | .kept_exception_24h == 6' "$T/batch.out" >/dev/null ||
	fail "kept under exception: $(jq -c .platforms "$T/batch.out")"
echo "net_quorum: ok"
