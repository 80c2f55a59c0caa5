#!/bin/sh
# tui_quorum.sh - the quorum from the keyboard, on two dashboards: an `activate`
# needs two organisations. Olga (an organisation of her own) approves with `a`: the
# decision stays open, both dashboards show 1/2 (hers with * : her organisation
# voted), and when she presses `a` again she is told it will not count. Yuki (an
# officer of p-yt) approves on the second dashboard: the decision closes and both
# dashboards show the incident protocol_activated (PROT, active). Then two votes on
# a conclude race: the one that loses meets 409, the dashboard shows the conflict
# and S resends it with the current version, where it counts and closes it.
. tests/lib/tui_helpers.sh
OFFICER2=officer-token-2
token_line "$OFFICER2" officer yuki p-yt >>"$T/tokens"
printf '%s' "$OFFICER2" >"$T/officer2.token"
start_server
api POST /v1/incidents '{"title":"Quorum incident","location":"Riverside","tier":"incident","summary":""}' >"$T/inc.json"
INC=$(jq -r .id "$T/inc.json")
api POST /v1/decisions "{\"kind\":\"activate\",\"incident_id\":\"$INC\",\"subject\":\"Activate the protocol\",\"subject_ref\":\"$INC\",\"priority\":\"high\",\"due_in_s\":900}" >"$T/dec.json"
DEC=$(jq -r .id "$T/dec.json")
[ "$(jq -r .needed "$T/dec.json")" = 2 ] || fail "activate does not need 2: $(cat "$T/dec.json")"

dash() { # NAME TOKENFILE
	tm new-session -d -s "$1" -x 120 -y 32 \
		"env TERM=tmux-256color XDG_STATE_HOME='$XDG_STATE_HOME/$1' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' $WF --token-file '$2' --hold 1 '$URL' 2>'$T/$1.err'; echo \$? >'$T/$1.rc'"
}
scr() { tm capture-pane -p -t "$1" 2>/dev/null; }
k() {
	s=$1
	shift
	tm send-keys -t "$s" "$@"
}
on() { # SESSION REGEX SECONDS
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		scr "$1" | grep -Eq -- "$2" && return 0
		i=$((i + 1))
		sleep 0.1
	done
	scr "$1" >"$T/last-screen.txt"
	return 1
}
dash a "$T/officer.token"
dash b "$T/officer2.token"
on a 'olga/officer' 20 || fail "a not live: $(cat "$T/last-screen.txt")"
on b 'yuki/officer' 20 || fail "b not live: $(cat "$T/last-screen.txt")"
k a 4
k b 4
on a '! activate .* 0/2' 10 || fail "a: no 0/2: $(cat "$T/last-screen.txt")"

# olga approves: counted, still open, 1/2 everywhere
k a a
on a "approve $DEC reason" 10 || fail "a: no reason prompt: $(cat "$T/last-screen.txt")"
k a Enter
on a "Counts 1 of 2 organisations needed: it stays open\\. y/n" 10 ||
	fail "a: confirmation: $(cat "$T/last-screen.txt")"
k a y
counted() { [ "$(decision_field "$DEC" '.approved_by | join(",")')" = "$1" ]; }
wait_for 15 counted olga || fail "olga's approval not counted: $(decision_field "$DEC" .)"
[ "$(decision_field "$DEC" .state)" = pending ] || fail "closed by one organisation"
on a '! activate .* 1/2\*' 10 || fail "a: no 1/2*: $(cat "$T/last-screen.txt")"
on b '! activate .* 1/2 ' 10 || fail "b: no 1/2: $(cat "$T/last-screen.txt")"
scr b | grep -q '1/2\*' && fail "b marks the decision as voted by its organisation"
# olga again: told before she votes that it will not count
k a a
on a "your org already approved: will not count" 10 || fail "a: no warning: $(cat "$T/last-screen.txt")"
k a Escape
on a 'cancelled: nothing was queued' 10 || fail "a: not cancelled"
k a Enter
on a 'Your organisation \(olga\) already approved' 10 || fail "a: detail: $(cat "$T/last-screen.txt")"
on a 'approved by: olga' 10 || fail "a: detail lists no organisation"
k a Escape

# yuki (p-yt) approves on the second dashboard: closed, the incident activated
k b a
on b "approve $DEC reason" 10 || fail "b: no reason prompt: $(cat "$T/last-screen.txt")"
k b -l 'second organisation agrees'
k b Enter
on b 'This closes the decision\. y/n' 10 || fail "b: confirmation: $(cat "$T/last-screen.txt")"
k b y
wait_for 15 counted olga,p-yt || fail "yuki's approval not counted: $(decision_field "$DEC" .)"
[ "$(decision_field "$DEC" .state)" = approved ] || fail "not approved: $(decision_field "$DEC" .state)"
tier() { api GET /v1/snapshot | jq -r ".incidents[] | select(.id==\"$INC\") | .tier + \"/\" + .state"; }
[ "$(tier)" = protocol_activated/active ] || fail "incident: $(tier)"
on a 'PROT active  Quorum incident' 10 || fail "a: incident not activated on screen: $(cat "$T/last-screen.txt")"
on b 'PROT active  Quorum incident' 10 || fail "b: incident not activated on screen: $(cat "$T/last-screen.txt")"
on a 'Pending decisions .*due 0' 5 || fail "a: the decision is still in the queue"
# concurrency: olga opens her vote on a conclude, p-yt's approval lands first (a
# new version), her vote meets 409; the outbox shows the conflict, S resends it
# with the current version after saying what changed, and it counts: closed
api POST /v1/decisions "{\"kind\":\"conclude\",\"incident_id\":\"$INC\",\"subject\":\"Conclude\",\"subject_ref\":\"$INC\",\"due_in_s\":900}" >"$T/dec2.json"
DEC2=$(jq -r .id "$T/dec2.json")
on a 'conclude .* 0/2' 10 || fail "a: no conclude: $(cat "$T/last-screen.txt")"
k a g a
on a "approve $DEC2 reason" 10 || fail "a: no reason prompt for $DEC2"
V=$(decision_field "$DEC2" .version)
curl -sS -H "Authorization: Bearer $OFFICER2" -H 'Content-Type: application/json' \
	-d "{\"action\":\"approve\",\"reason\":\"first\",\"version\":$V}" "$URL/v1/decisions/$DEC2/resolve" >/dev/null
yt_first() { [ "$(decision_field "$DEC2" '.approved_by | join(",")')" = p-yt ]; }
wait_for 10 yt_first || fail "p-yt's approval: $(decision_field "$DEC2" .)"
k a Enter
on a 'y/n' 10 || fail "a: no confirmation"
k a y
on a 'approve conflict, someone decided first' 15 || fail "a: no conflict shown: $(cat "$T/last-screen.txt")"
k a S
on a "Someone voted first on $DEC2 \(now 1/2, version $((V + 1))\)" 10 ||
	fail "a: no resend confirmation: $(cat "$T/last-screen.txt")"
k a y
both() { [ "$(decision_field "$DEC2" '.approved_by | join(",")')" = p-yt,olga ]; }
wait_for 15 both || fail "the resent vote did not count: $(decision_field "$DEC2" .)"
[ "$(decision_field "$DEC2" .state)" = approved ] || fail "$DEC2 not approved"
[ "$(tier)" = protocol_activated/concluded ] || fail "incident after conclude: $(tier)"
on a 'outbox 0 ' 10 || fail "a: the outbox kept something: $(cat "$T/last-screen.txt")"
for n in a b; do
	k $n q
	wait_for 10 test -s "$T/$n.rc" || fail "$n did not quit"
	[ "$(cat "$T/$n.rc")" = 0 ] || fail "$n exited $(cat "$T/$n.rc")"
	grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$T/$n.err" && fail "sanitizer ($n): $(head -n 20 "$T/$n.err")"
done
echo "tui_quorum: ok ($DEC: olga 1/2 open, p-yt 2/2 approved, $INC protocol_activated on both screens; $DEC2: 409, resent, concluded)"
