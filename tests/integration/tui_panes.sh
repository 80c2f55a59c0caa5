#!/bin/sh
# tui_panes.sh - the dashboard in tmux against watchfloord --simulate (Christchurch
# scenario, --speed 60): all four panes show data; a filter narrows a pane (and a
# bad pattern shows its error in place); resize to 80x24 (one pane, tabs) and back
# to four panes; 200x60 and too small; q quits cleanly (ASan: no leaks).
. tests/lib/tui_helpers.sh
start_server --simulate scenarios/christchurch.scenario --speed 60
tui_start 160 45
wait_screen 'Live-streamed' 15 || fail "no incident: $(cat "$T/last-screen.txt")"
wait_screen "│  X +[0-9]" 15 || fail "no platform figures: $(cat "$T/last-screen.txt")"
wait_screen 'LIVE FEED' 5 || fail "no feed"
wait_screen 'x[0-9]+ (blocked|removed|pending|kept)' 15 || fail "no feed rows"
wait_screen 'rate/min [0-9]' 5 || fail "no propagation"
wait_screen 'sim:board' 15 || fail "no decisions: $(cat "$T/last-screen.txt")"
wait_screen '● live' 5 || fail "not live"
screen >"$T/four.txt"

# filter the platforms pane
keys 2 /
keys -l 'telegram|reddit'
wait_screen '^/telegram\|reddit' 3 || fail "no filter prompt"
keys Enter
wait_screen '/telegram\|reddit/ 2' 5 || fail "filter not applied: $(cat "$T/last-screen.txt")"
screen | head -n 20 | sed 's/.*││//' | grep -Eq '^[> ][ *]X ' && fail "X still listed"
screen | head -n 20 | sed 's/.*││//' | grep -Eq '^[> ][ *]Reddit ' || fail "Reddit filtered out: $(screen)"
# a bad pattern: its error in place, Esc restores the previous filter
keys /
keys -l '(('
wait_screen 'missing closing parenthesis' 3 || fail "no compile error shown"
keys Escape
wait_screen '/telegram\|reddit/ 2' 3 || fail "Esc did not restore the filter"
keys / C-u Enter
wait_screen 'rate [0-9]+─' 3 || fail "filter not cleared"

# resize to 80x24 and back
tm resize-window -x 80 -y 24
# the tab strip (names shortened to 4 letters but the focused one's, at 80 columns)
wait_screen '1 inci(dents)? \([0-9]+\)   2 sightings' 5 || fail "no tab strip at 80x24: $(cat "$T/last-screen.txt")"
wait_screen '2 Sightings by platform' 3 || fail "focused pane not shown"
keys 4
wait_screen 'Pending decisions' 3 || fail "pane 4 not shown at 80x24"
tm resize-window -x 70 -y 20
wait_screen 'Terminal too small' 3 || fail "no too-small screen"
tm resize-window -x 160 -y 45
wait_screen '1 Incidents' 5 || fail "not back to four panes"
wait_screen '3 Propagation' 3 || fail "not back to four panes"
tm resize-window -x 200 -y 60
wait_screen 'PLATFORM +/MIN' 3 || fail "propagation at 200x60"
# hostile text from the network: placeholders, no escape reaches the terminal
api POST /v1/incidents '{"title":"HOSTILE \u001b]0;pwned\u0007 \u001b[2J a\rb c\bd e\tf \u202eevil\u202c 日本語😀 e\u0301\u0301 \u0085x","location":"\u200bZ","tier":"incident","state":"active","summary":"s"}' >/dev/null ||
	fail "posting the hostile incident"
keys 1 /
keys -l HOSTILE
keys Enter
wait_screen 'INC +active +HOSTILE' 5 || fail "hostile incident not listed: $(cat "$T/last-screen.txt")"
keys Enter
wait_screen 'Incident: HOSTILE \?\]0;pwned\? \?\[2J a\?b c\?d e\?f \?evil\? 日本語😀 e.* \?x' 5 ||
	fail "hostile title not sanitized as expected: $(cat "$T/last-screen.txt")"
tm display -p '#{pane_title}' | grep -q pwned && fail "the title escape reached the terminal"
keys Escape / C-u Enter
# help, generated from the action table
keys '?'
wait_screen 'approve +Approve the decision' 3 || fail "no help"
keys Escape
tui_quit
echo "tui_panes: ok"
