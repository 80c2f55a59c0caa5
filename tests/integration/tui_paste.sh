#!/bin/sh
# tui_paste.sh - a paste of coloured text and of an OSC 8 link into the note form
# (tmux send-keys -l: ESC and its bytes in one write, as a terminal pastes them).
# The escape sequences are dropped and their text kept: the form stays open with
# "A red B link C D yes" and sends that note. Before, the paste's first ESC cancelled
# the form and the rest ran as commands (p paused, i set a context, D asked to drop
# the outbox's refused records and the y of "yes" confirmed it).
. tests/lib/tui_helpers.sh
start_server
api POST /v1/incidents '{"title":"Paste incident","location":"x","tier":"incident","summary":""}' >"$T/inc.json"
INC=$(jq -r .id "$T/inc.json")
tui_start 120 32 --hold 1
wait_screen 'Paste incident' 20 || fail "not live: $(cat "$T/last-screen.txt")"
keys 1 g n
wait_screen 'Situation note on' 10 || fail "no note form: $(cat "$T/last-screen.txt")"
keys -l "$(printf 'A \033[31mred\033[0m B \033]8;;http://x\033\\link\033]8;;\033\\ C \033]0;T\007 D yes')"
wait_screen '▸ Note  A red B link C  D yes' 10 || fail "the paste did not land in the form: $(cat "$T/last-screen.txt")"
screen | grep -q 'PAUSED' && fail "a pasted byte ran as a command (paused)"
keys C-d
wait_screen 'Check before sending' 10 || fail "no summary: $(cat "$T/last-screen.txt")"
keys y
note() { api GET /v1/snapshot | jq -r --arg i "$INC" '[.reports[] | select(.incident_id == $i and .kind == "situation_note") | .text][0] // empty'; }
has_note() { [ "$(note)" = "A red B link C  D yes" ]; }
wait_for 15 has_note || fail "note on the server: '$(note)'"
# A real Esc still cancels a form.
keys n
wait_screen 'Situation note on' 10 || fail "no second note form"
keys Escape
wait_screen 'cancelled: nothing was queued' 10 || fail "Esc did not cancel: $(cat "$T/last-screen.txt")"
tui_quit
echo "tui_paste: ok"
