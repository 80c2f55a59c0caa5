#!/bin/sh
# tui_caps.sh - what the caps keep out is on screen: 12 incidents against
# --cap incidents=8 put "+4 incidents not shown, cap 8" in the dashboard's status
# bar and on the wall's banner (live data: no dimming, but the band says it).
. tests/lib/wall_helpers.sh
start_server --heartbeat 1
/usr/bin/python3 tests/tools/post_incidents.py "$URL" "$OFFICER" 12 || fail "posting incidents"
tui_start 220 40 --cap incidents=8 --no-notify
wait_screen '\+4 incidents not shown, cap 8' 20 ||
	fail "status bar: $(tail -n 3 "$T/last-screen.txt")"
wait_screen 'live' 5 || fail "not live: $(tail -n 3 "$T/last-screen.txt")"
tui_quit
tm kill-server 2>/dev/null
: >"$T/tui.rc"
wall_start 160 45 --cap incidents=8
wait_screen 'LIVE|live' 20 || fail "wall not live: $(wall_diag)"
wait_screen '\+4 incidents not shown, cap 8' 10 || fail "wall banner: $(wall_diag)"
wall_stop TERM
echo "ok: +4 incidents not shown, cap 8: status bar and wall banner"
