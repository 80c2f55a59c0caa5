#!/bin/sh
# server_expire.sh - decisions past due: an open decision (pending or escalated)
# whose due_at passed more than --expire-grace seconds ago becomes expired with a
# decision.resolved event; one overdue but within the grace stays pending; one not
# due stays pending; --expire-grace 0 never expires anything; a decision that fell
# due while the server was down expires after a restart; bad option values exit 2.
set -eu
. tests/integration/lib.sh
wf_setup

"$WFD" --help | grep -q -- '--expire-grace' || fail "--help lacks --expire-grace"
for bad in -1 abc 99999999999; do
	rc=0
	"$WFD" --expire-grace "$bad" --db "$T/none.db" >/dev/null 2>&1 || rc=$?
	[ "$rc" = 2 ] || fail "--expire-grace $bad: exit $rc, want 2"
done

start_server --expire-grace 3

decide() { # DUE_IN_S -> id
	expect 201 "$OFFICER" POST /v1/decisions \
		"{\"kind\":\"activate\",\"subject\":\"due in $1 s\",\"due_in_s\":$1}"
	jq -r .id "$T/body"
}
state_of() { # ID -> state (from the snapshot)
	req "$VIEWER" GET /v1/snapshot >/dev/null
	jq -r --arg id "$1" '.decisions[] | select(.id == $id) | .state' "$T/body"
}

expect 200 "$VIEWER" GET /v1/snapshot
START=$(jq .cursor "$T/body")
OVERDUE=$(decide 0)
ESCALATED=$(decide 0)
expect 200 "$OFFICER" POST "/v1/decisions/$ESCALATED/resolve" \
	'{"action":"escalate","reason":"board","version":1}'
LATER=$(decide 3600)
# Overdue, but within the grace: still open.
[ "$(state_of "$OVERDUE")" = pending ] || fail "$OVERDUE left pending within the grace"
[ "$(state_of "$ESCALATED")" = escalated ] || fail "$ESCALATED not escalated"

i=0
until [ "$(state_of "$OVERDUE")" = expired ] && [ "$(state_of "$ESCALATED")" = expired ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "decisions not expired 10 s after the grace"
	sleep 0.2
done
[ "$(state_of "$LATER")" = pending ] || fail "$LATER (due in an hour) not pending"
expect 422 "$OFFICER" POST "/v1/decisions/$OVERDUE/resolve" '{"action":"approve","version":2}'
body_has '.error.code == "invalid_state"'

# The events: one decision.resolved each, the decision expired at version + 1.
req "$VIEWER" GET "/v1/events?after=$START&wait=0" -H 'Accept: application/json' >/dev/null
body_has "[.events[] | select(.type == \"decision.resolved\" and .data.id == \"$OVERDUE\")]
	| length == 1 and .[0].data.state == \"expired\" and .[0].data.version == 2"
body_has "[.events[] | select(.type == \"decision.resolved\" and .data.id == \"$ESCALATED\")]
	| length == 1 and .[0].data.state == \"expired\" and .[0].data.version == 3"
body_has "[.events[] | select(.data.id == \"$LATER\")] | length == 1"

# --expire-grace 0: never.
stop_server
start_server --expire-grace 0
DOWN=$(decide 0)
sleep 2
[ "$(state_of "$DOWN")" = pending ] || fail "--expire-grace 0 expired $DOWN"
# Fell due (by more than the grace) while the sweep was off: expired after a restart.
stop_server
start_server --expire-grace 1
i=0
until [ "$(state_of "$DOWN")" = expired ]; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "$DOWN not expired after the restart"
	sleep 0.2
done
[ "$(state_of "$LATER")" = pending ] || fail "$LATER (due in an hour) not pending"
stop_server
echo "server_expire: ok"
