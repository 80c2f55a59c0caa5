#!/bin/sh
# notify_latency.sh - the dashboard's key-to-screen latency with notifications on
# stays what it is with --no-notify, and the terminal fallback carries the
# notifications, (1) with no session bus and (2) with a notification daemon that
# owns the name but never answers (dunst under Xvfb, stopped with SIGSTOP, in a
# private dbus-run-session). Latency: '?' pressed in tmux until the help screen is
# captured, 12 times from the moment the dashboard draws (so the notifier's probe
# and its first notifications fall inside), against watchfloord --simulate. The raw
# output of the dashboard (tmux pipe-pane) must hold an OSC 777 notification.
# Exit 0 = pass.
set -u
for t in dbus-run-session dbus-send dunst Xvfb tmux; do
	command -v "$t" >/dev/null 2>&1 ||
		{ echo "FAIL: $t not found: install dbus, dunst, xvfb, tmux (make deps)" >&2; exit 1; }
done
. tests/lib/tui_helpers.sh

ms() { echo $(($(date +%s%N) / 1000000)); }

# One run: the dashboard with the given options; prints "median max" in ms.
measure() { # label [watchfloor options]
	label=$1
	shift
	rm -f "$T/tui.rc" "$T/raw.$label"
	tui_start 140 40 "$@"
	tm pipe-pane -o "cat >>'$T/raw.$label'"
	wait_screen '1 Incidents' 15 || fail "$label: the dashboard did not draw: $(cat "$T/tui.err")"
	: >"$T/lat.$label"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		s=$(ms)
		keys '?'
		until screen | grep -Eq 'approve +Approve the decision'; do
			[ $(($(ms) - s)) -gt 10000 ] && fail "$label: no help screen after 10 s"
		done
		echo $(($(ms) - s)) >>"$T/lat.$label"
		keys Escape
		until ! screen | grep -Eq 'approve +Approve the decision'; do
			[ $(($(ms) - s)) -gt 20000 ] && fail "$label: help did not close"
		done
		sleep 0.25
	done
	# wait for the notifications of the scenario's first minutes
	if [ "$label" != off ]; then
		n=0
		until grep -aq '777;notify;' "$T/raw.$label" 2>/dev/null; do
			n=$((n + 1))
			[ $n -gt 200 ] && fail "$label: no terminal notification in the dashboard's output"
			sleep 0.1
		done
	fi
	tui_quit
	tm kill-server 2>/dev/null
	sort -n "$T/lat.$label" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[NR]}'
}

compare() { # label-with off-result with-result
	set -- "$1" $2 $3
	echo "--- $1: median $4 ms, worst $5 ms; with --no-notify: median $2 ms, worst $3 ms"
	[ "$4" -le $(($2 + 50)) ] || fail "$1: median latency $4 ms vs $2 ms without notifications"
	[ "$5" -le $(($3 + 250)) ] || fail "$1: worst latency $5 ms vs $3 ms without notifications"
}

mkdir -p "$T/cfg/watchfloor" "$T/run"
printf 'notify_coalesce_ms = 300\nnotify_rate_burst = 10\n' >"$T/cfg/watchfloor/config"
export XDG_CONFIG_HOME="$T/cfg"

if [ -z "${WF_NOTIFY_SESSION:-}" ]; then
	# (1) no session bus: nothing to find, nothing to autolaunch.
	unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
	export XDG_RUNTIME_DIR="$T/run"
	start_server --simulate scenarios/christchurch.scenario --speed 30
	off=$(measure off --no-notify)
	stop_server
	start_server --simulate scenarios/christchurch.scenario --speed 30
	on=$(measure nobus)
	compare "no session bus" "$off" "$on"
	stop_server

	# (2) a daemon that never answers: the same script inside a private session.
	Xvfb -displayfd 7 -screen 0 640x480x24 -nolisten tcp 7>"$T/display" >/dev/null 2>&1 &
	BG_PIDS="$BG_PIDS $!"
	i=0
	while [ ! -s "$T/display" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "Xvfb did not start"
		sleep 0.1
	done
	DISPLAY=:$(cat "$T/display") WF_NOTIFY_SESSION=1 dbus-run-session -- sh "$0" \
		2>"$T/session.err" ||
		fail "the hung-daemon part failed: $(grep -v '^dbus-daemon' "$T/session.err")"
	echo "PASS"
	exit 0
fi

# Inside the private session.
dunst >/dev/null 2>&1 &
dunst_pid=$!
BG_PIDS="$BG_PIDS $dunst_pid"
i=0
until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
	org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
	grep -q 'boolean true'; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "dunst did not appear on the bus"
	sleep 0.1
done
kill -STOP "$dunst_pid"
start_server --simulate scenarios/christchurch.scenario --speed 30
off=$(measure off --no-notify)
stop_server
start_server --simulate scenarios/christchurch.scenario --speed 30
on=$(measure hung)
compare "hung daemon" "$off" "$on"
stop_server
kill -CONT "$dunst_pid"
exit 0
