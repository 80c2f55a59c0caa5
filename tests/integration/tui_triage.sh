#!/bin/sh
# tui_triage.sh - keyboard triage end to end against watchfloord --simulate: a
# decision approved with `a` (reason, confirmation) reaches the server exactly once
# (counted for olga's organisation; it closes only when its quorum is one)
# (its votes and version counted on the server, POSTs counted in the access log);
# a note undone with `u` within the hold sends nothing (shown once a note queued
# after it, on another decision, has reached the server: its hold ended later).
. tests/lib/tui_helpers.sh
start_server --simulate scenarios/christchurch.scenario --speed 60 --log "$T/access.log"
# A decision one organisation closes (add_signal: quorum 1), due before the
# scenario's, so it is the top of the list (the scenario's activate needs two).
api POST /v1/decisions '{"kind":"add_signal","subject":"E2E: share the test hash","due_in_s":300}' >/dev/null ||
	fail "no decision"
tui_start 160 45 --hold 3
wait_screen 'sim:board' 20 || fail "no decisions: $(cat "$T/last-screen.txt")"
keys 4 g a
wait_screen 'approve dec-[^ ]+ reason' 3 || fail "no reason prompt: $(cat "$T/last-screen.txt")"
DEC=$(screen | grep -Eo 'approve dec-[^ ]+ reason' | head -n 1 | cut -d' ' -f2)
[ "$(decision_field "$DEC" .state)" = pending ] || fail "$DEC not pending"
V0=$(decision_field "$DEC" .version)
keys -l 'verified by the e2e test'
keys Enter
# the confirmation says what this vote does under the quorum (needed from the server)
NEEDED=$(decision_field "$DEC" .needed)
if [ "$NEEDED" = 1 ]; then WHAT='This closes the decision\.'; else WHAT="Counts 1 of $NEEDED organisations needed: it stays open\."; fi
wait_screen "Approve .*\\[$DEC\\]\\? $WHAT y/n" 3 ||
	fail "no confirmation: $(cat "$T/last-screen.txt")"
keys y
wait_screen "approve $DEC queued" 3 || fail "not queued: $(cat "$T/last-screen.txt")"
# olga is an organisation of her own: her approval counts once
counted() { [ "$(decision_field "$DEC" '.approved_by | index("olga")')" = 0 ]; }
wait_for 10 counted || fail "$DEC: olga's approval never counted: $(decision_field "$DEC" .)"
if [ "$NEEDED" = 1 ]; then want=approved; else want=pending; fi
[ "$(decision_field "$DEC" .state)" = $want ] || fail "$DEC is $(decision_field "$DEC" .state), not $want"
wait_screen 'outbox 0 ' 5 || fail "outbox not empty after the ack"
# The outbox is empty: the action was acknowledged and nothing is left to resend.
# Its POST is logged once the server has answered it.
posts() { grep -c "/v1/decisions/$1/resolve" "$T/access.log"; }
logged() { [ "$(posts "$1")" -ge 1 ]; }
wait_for 10 logged "$DEC" || fail "no POST for $DEC in the access log"
[ "$(decision_field "$DEC" '.votes | length')" = 1 ] || fail "votes: $(decision_field "$DEC" .votes)"
[ "$(decision_field "$DEC" .version)" = $((V0 + 1)) ] || fail "version $(decision_field "$DEC" .version), was $V0"
[ "$(decision_field "$DEC" '.votes[0].reason')" = 'verified by the e2e test' ] || fail "reason"
[ "$(posts "$DEC")" = 1 ] ||
	fail "POSTs for $DEC: $(grep "/v1/decisions/$DEC/resolve" "$T/access.log")"

# a note, undone within the hold: nothing reaches the server
wait_screen 'sim:board' 5 || fail "queue empty"
keys g c
wait_screen 'note dec-[^ ]+ reason' 3 || fail "no note prompt"
DEC2=$(screen | grep -Eo 'note dec-[^ ]+ reason' | head -n 1 | cut -d' ' -f2)
keys -l 'undo me'
keys Enter u
wait_screen 'undone: 1 action never sent' 3 || fail "undo: $(cat "$T/last-screen.txt")"
# Another note, queued after the undone one on another decision: once it reached
# the server, the undone note's hold has certainly ended.
keys j c
wait_screen 'note dec-[^ ]+ reason' 3 || fail "no second note prompt"
DEC3=$(screen | grep -Eo 'note dec-[^ ]+ reason' | head -n 1 | cut -d' ' -f2)
[ "$DEC3" != "$DEC2" ] || fail "j did not move off $DEC2"
keys -l 'sent after the hold'
keys Enter
wait_for 20 logged "$DEC3" || fail "the second note never reached the server"
# (the scenario's simulated organisations vote too: look for ours)
[ "$(decision_field "$DEC2" '[.votes[] | select(.reason == "undo me")] | length')" = 0 ] ||
	fail "the undone note was sent"
grep -q "/v1/decisions/$DEC2/resolve" "$T/access.log" && fail "a POST for $DEC2"
tui_quit
echo "tui_triage: ok ($DEC approved once, $DEC2 note undone)"
