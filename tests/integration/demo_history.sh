#!/bin/sh
# demo_history.sh - a demo with history: `watchfloor --demo` opens on the incident
# hours in (the server's part is server_start_at.sh): in its first frame that shows
# the propagation pane, Facebook's last-hour sparkline already has more than 30
# columns, and its 24 h figure is well above the 15 min one. Bad --demo-at values are
# refused.
set -eu
. tests/integration/lib.sh
wf_setup
WF=$WF_BUILD/watchfloor
SOCK=wfh$$
dh_cleanup() {
	dh_rc=$?
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	(exit $dh_rc)
	wf_cleanup
}
trap dh_cleanup EXIT

if "$WF" --demo-at 2h >/dev/null 2>&1; then fail "--demo-at without --demo accepted"; fi
if "$WF" --demo --demo-at soon >/dev/null 2>&1; then fail "--demo-at soon accepted"; fi

# The dashboard's demo: its first frame with the propagation pane has the history.
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
tmux -L "$SOCK" new-session -d -x 160 -y 45 \
	"env TERM=tmux-256color XDG_STATE_HOME='$T/state' XDG_CONFIG_HOME='$T/cfg' TMPDIR='$TMPDIR' ASAN_OPTIONS='${ASAN_OPTIONS:-}' $WF --demo --no-notify 2>'$T/tui.err'"
# The longest run of sparkline blocks on a line naming Facebook (the propagation
# pane's row; the sightings pane's row has none).
spark_cols() {
	/usr/bin/python3 -c '
import re, sys
best = 0
for line in sys.stdin:
    if "Facebook" in line:
        for run in re.findall("[\u2581-\u2588]+", line):
            best = max(best, len(run))
print(best)' <"$1"
}
frame_has_data() {
	tmux -L "$SOCK" capture-pane -p >"$T/frame" 2>/dev/null || return 1
	grep -q 'Facebook' "$T/frame" && grep -q 'Propagation' "$T/frame"
}
wait_for 30 frame_has_data || fail "the demo showed no data: $(cat "$T/frame" "$T/tui.err")"
cols=$(spark_cols "$T/frame")
[ "$cols" -gt 30 ] || fail "first frame: Facebook's sparkline has $cols columns, want > 30: $(cat "$T/frame")"
cp "$T/frame" "${WF_BUILD}/demo-first-frame.txt" 2>/dev/null || true
grep -q '3h0[0-9] ' "$T/frame" || fail "the incident's age is not 3 h: $(cat "$T/frame")"
tmux -L "$SOCK" kill-server

# The same in figures: 24 h well above 15 min (not equal, as without history).
"$WF" --demo --batch --json --iterations 1 >"$T/demo.json" 2>"$T/demo.err" ||
	fail "--demo --batch: $(cat "$T/demo.err")"
jq -e '.platforms[] | select(.id == "p-fb") | .attempts_24h > 4 * .attempts_15m' \
	"$T/demo.json" >/dev/null || fail "24 h not above 15 min: $(jq -c '.platforms[0]' "$T/demo.json")"
echo "demo_history: ok (first frame: $cols columns of history)"
