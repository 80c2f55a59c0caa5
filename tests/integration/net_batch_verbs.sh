#!/bin/sh
# net_batch_verbs.sh - the officer's verbs in --batch against a real watchfloord:
# --declare with --set fields creates the incident; --file-note, --file-report,
# --update, --propose (change_tier with its tier, notify_authority with the
# authority), --triage and --dismiss each reach the server once; a missing required
# field or an unknown one is refused with the field named and nothing is sent;
# --read-only refuses every verb at the permission gate (exit 2, nothing sent).
. tests/lib/net_helpers.sh
start_server --log "$T/access.log"
B() { "$WF" --batch --json --iterations 1 --hold 0 --token-file "$T/officer.token" "$@" "$URL"; }
snap() { curl -sS -H "Authorization: Bearer $OFFICER" "$URL/v1/snapshot"; }
posts() { grep -c 'POST /v1/' "$T/access.log"; }

B --declare --set 'title=Batch incident, Northfield' --set location=Northfield \
	--set tier=content_incident --set 'summary=two lines
of summary' >"$T/o1" 2>"$T/e1" || fail "declare: $(cat "$T/e1")"
grep -q 'declare: sent' "$T/e1" || fail "declare not said sent: $(cat "$T/e1")"
INC=$(snap | jq -r '.incidents[] | select(.title=="Batch incident, Northfield") | .id')
[ -n "$INC" ] || fail "no incident: $(snap | jq -c .incidents)"
[ "$(snap | jq -r ".incidents[] | select(.id==\"$INC\") | .tier + \"/\" + .summary")" = "content_incident/two lines
of summary" ] || fail "incident fields: $(snap | jq -c ".incidents[] | select(.id==\"$INC\")")"

B --file-note "$INC" --set 'text=Origin: a forum post' \
	--file-report "$INC" --set kind=referral --set needs_decision=yes --set 'text=Mirror ring' \
	--update "$INC" --set 'location=Northfield station' \
	--propose "$INC" --set kind=change_tier --set proposed_tier=protocol_activated \
	--propose "$INC" --set kind=notify_authority --set 'authority=NZ Police' --set due_in=30 \
	>"$T/o2" 2>"$T/e2" || fail "verbs: $(cat "$T/e2")"
[ "$(grep -c ': sent' "$T/e2")" = 5 ] || fail "not 5 sent: $(cat "$T/e2")"
S=$(snap)
printf "%s\n" "$S" | jq -e ".reports[] | select(.kind==\"situation_note\" and .text==\"Origin: a forum post\" and .incident_id==\"$INC\")" >/dev/null ||
	fail "no note"
printf "%s\n" "$S" | jq -e '.reports[] | select(.kind=="referral" and .needs_decision==true)' >/dev/null || fail "no referral"
[ "$(printf "%s\n" "$S" | jq -r ".incidents[] | select(.id==\"$INC\") | .location")" = "Northfield station" ] || fail "location not updated"
printf "%s\n" "$S" | jq -e ".decisions[] | select(.kind==\"change_tier\" and .incident_id==\"$INC\" and .proposer==\"olga\")" >/dev/null ||
	fail "no change_tier"
printf "%s\n" "$S" | jq -e '.decisions[] | select(.kind=="notify_authority" and .subject=="Notify the authority")' >/dev/null ||
	fail "no notify_authority"

REP=$(printf "%s\n" "$S" | jq -r '.reports[] | select(.kind=="referral") | .id')
NOTE=$(printf "%s\n" "$S" | jq -r '.reports[] | select(.kind=="situation_note") | .id')
B --triage "$REP:mirrors confirmed" --dismiss "$NOTE:not a report to keep open" >/dev/null 2>"$T/e3" ||
	fail "triage: $(cat "$T/e3")"
S=$(snap)
[ "$(printf "%s\n" "$S" | jq -r ".reports[] | select(.id==\"$REP\") | .state")" = triaged ] || fail "$REP not triaged"
[ "$(printf "%s\n" "$S" | jq -r ".reports[] | select(.id==\"$NOTE\") | .state")" = dismissed ] || fail "$NOTE not dismissed"

# refused before anything is sent: a missing required field, an unknown field
N0=$(posts)
B --propose "$INC" --set kind=notify_authority >/dev/null 2>"$T/e4" && fail "no authority: accepted"
grep -q "field 'authority': the authority's name" "$T/e4" || fail "message: $(cat "$T/e4")"
B --declare --set colour=red >/dev/null 2>"$T/e5" && fail "unknown field: accepted"
grep -q "no field 'colour'" "$T/e5" || fail "message: $(cat "$T/e5")"
B --declare --set title=x --set tier=Not-a-tier >/dev/null 2>"$T/e6" && fail "bad enum: accepted"
grep -q "field 'tier': not a value it takes" "$T/e6" || fail "message: $(cat "$T/e6")"
# the protocol tier is the board's (an activate decision), not a declared one
B --declare --set title=x --set tier=protocol_activated >/dev/null 2>"$T/e6b" && fail "declared activated"
grep -q "field 'tier': not a value it takes" "$T/e6b" || fail "message: $(cat "$T/e6b")"
rc=0
"$WF" --batch --read-only --iterations 1 --token-file "$T/officer.token" --declare --set title=x \
	"$URL" >/dev/null 2>"$T/e7" || rc=$?
[ $rc = 2 ] || fail "read-only: exit $rc"
grep -q 'declare: read-only: not available' "$T/e7" || fail "message: $(cat "$T/e7")"
"$WF" --declare --set title=x "$URL" >/dev/null 2>&1 && fail "a verb without --batch"
[ "$(posts)" = "$N0" ] || fail "something was sent: $(tail -n 3 "$T/access.log")"
echo "net_batch_verbs: ok ($INC, $REP triaged, $NOTE dismissed)"
