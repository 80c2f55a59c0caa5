#!/bin/sh
# tui_selection.sh - the selection is kept by id: with a decision selected in the
# pending-decisions pane, new decisions that sort above it (earlier due times)
# arrive, and the selection stays on the same decision (one row lower), against
# watchfloord --simulate.
. tests/lib/tui_helpers.sh
start_server --simulate scenarios/christchurch.scenario --speed 60
tui_start 160 45
wait_screen 'sim:board' 20 || fail "no decisions: $(cat "$T/last-screen.txt")"
# the decisions pane: right half of the lower rows
dec_rows() { screen | sed -n '23,43p' | sed 's/.*││//'; }
selected() { dec_rows | grep -q '^> '; }
# G took effect: the selection is on the last row (a decision of the scenario that
# lands below it just then takes one more G)
selected_last() { dec_rows | grep '│ *$' | grep -v '^[ │]*$' | tail -n 1 | grep -q '^> '; }
keys 4 G
wait_for 5 selected_last || { keys G && wait_for 5 selected_last; } ||
	fail "G did not select the last decision: $(screen)"
BEFORE=$(dec_rows | grep '^> ' | cut -c1-50)
ROW_BEFORE=$(dec_rows | grep -n '^> ' | cut -d: -f1)
[ -n "$BEFORE" ] || fail "nothing selected: $(screen)"
for n in 1 2 3; do
	api POST /v1/decisions "{\"kind\":\"add_signal\",\"incident_id\":null,\"subject\":\"E2E earlier $n\",\"subject_ref\":null,\"detail\":\"\",\"priority\":\"normal\",\"due_in_s\":$((30 + n))}" >/dev/null ||
		fail "posting a decision"
done
# all three new rows drawn, with the selection
shown() { [ "$(dec_rows | grep -c 'E2E earlier [123]')" = 3 ] && selected; }
wait_for 10 shown || fail "new decisions not shown: $(screen)"
AFTER=$(dec_rows | grep '^> ' | cut -c1-50)
ROW_AFTER=$(dec_rows | grep -n '^> ' | cut -d: -f1)
[ "$BEFORE" = "$AFTER" ] || fail "selection moved: '$BEFORE' -> '$AFTER'"
[ "$ROW_AFTER" -gt "$ROW_BEFORE" ] || fail "new rows not above the selection ($ROW_BEFORE -> $ROW_AFTER)"
FIRST_NEW=$(dec_rows | grep -n 'E2E earlier 1' | cut -d: -f1)
[ "$FIRST_NEW" -lt "$ROW_AFTER" ] || fail "the new decision is not above the selection"
tui_quit
echo "tui_selection: ok (stayed on '$AFTER', row $ROW_BEFORE -> $ROW_AFTER)"
