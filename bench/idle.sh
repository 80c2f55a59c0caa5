#!/bin/sh
# idle.sh - `make bench` row: CPU the dashboard spends while nothing happens (a live
# stream with only heartbeats), beside `tmux` itself idling in the same run. The
# budget (DESIGN.md): well under 0.1% of one core. Also bytes written to the
# terminal while idle (the clock and data-age tick once a second).
set -eu
build=${1:-build}
WF_BUILD=$build
. tests/integration/lib.sh
wf_setup
make_tokens "$T/tokens"
start_server --tokens "$T/tokens" --heartbeat 15
sock=wfbench$$
BG_PIDS=
# keep the script's own status for wf_cleanup (tmux may have ended with the dashboard)
trap 'st=$?; set +e; tmux -L '"$sock"' kill-server 2>/dev/null; (exit $st); wf_cleanup' EXIT
tmux -L "$sock" new-session -d -x 160 -y 45 \
	"WATCHFLOOR_TOKEN=$VIEWER $build/watchfloor --no-notify --read-only $URL"
tmux -L "$sock" pipe-pane -o "cat >> $T/tty.out"
wait_for 10 sh -c "tmux -L $sock capture-pane -p | grep -q live" || fail "dashboard not live"
pid=$(pgrep -P "$(tmux -L "$sock" list-panes -F '#{pane_pid}' | head -1)" watchfloor || \
	tmux -L "$sock" list-panes -F '#{pane_pid}' | head -1)
tmux_pid=$(tmux -L "$sock" display -p '#{pid}')
ticks() { awk '{print $1}' "/proc/$1/schedstat"; } # ns on a CPU, precise
secs=20
sleep 2
a=$(ticks "$pid"); ta=$(ticks "$tmux_pid"); b0=$(wc -c < "$T/tty.out")
sleep "$secs"
b=$(ticks "$pid"); tb=$(ticks "$tmux_pid"); b1=$(wc -c < "$T/tty.out")
awk -v d=$((b - a)) -v t=$((tb - ta)) -v hz=1000000000 -v s="$secs" -v by=$((b1 - b0)) 'BEGIN {
	printf "watchfloor idle (live stream, heartbeats only), %d s\n", s
	printf "  dashboard CPU                  %6.3f%% of a core (budget < 0.1%%)\n", 100 * d / hz / s
	printf "  tmux server CPU (baseline)     %6.3f%% of a core\n", 100 * t / hz / s
	printf "  bytes to the terminal          %6.0f B/s (clock and data age, once a second)\n", by / s
}'
tmux -L "$sock" send-keys q
sleep 0.5
