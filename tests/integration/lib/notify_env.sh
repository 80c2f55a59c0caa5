# notify_env.sh - shared set-up for the notification integration tests (sourced,
# not run): checks the tools, makes a temporary folder, starts Xvfb and, inside a
# private D-Bus session, a real notification daemon (dunst). Every process it
# starts is stopped by its pid on exit. A missing tool fails the test loudly.

build=${WF_BUILD:-build}
probe=$build/tests/tools/notify_probe

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

need_tools() { # tool...
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
			fail "$t not found: install the Debian packages dbus, dunst, xvfb (make deps)"
	done
	[ -x "$probe" ] || fail "$probe not built (make $probe)"
}

# The outer script makes the folder; a script run inside dbus-run-session gets it
# in $tmp and leaves it alone.
own_tmp=
if [ -z "${tmp:-}" ]; then
	tmp=$(mktemp -d /tmp/wf-notify-XXXXXX)
	own_tmp=1
fi
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do kill -CONT "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "$own_tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# A private X server for dunst. Sets DISPLAY.
start_xvfb() {
	Xvfb -displayfd 7 -screen 0 640x480x24 -nolisten tcp 7>"$tmp/display" \
		>"$tmp/xvfb.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -s "$tmp/display" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "Xvfb did not start: $(cat "$tmp/xvfb.log")"
		sleep 0.1
	done
	DISPLAY=:$(cat "$tmp/display")
	export DISPLAY
}

# Waits until a process owns org.freedesktop.Notifications on the session bus.
wait_for_daemon() {
	i=0
	until dbus-send --session --print-reply --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
		string:org.freedesktop.Notifications 2>/dev/null | grep -q 'boolean true'; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the notification daemon did not appear on the bus"
		sleep 0.1
	done
}

# Value of "key: value" in a probe's output file.
val() { # file key
	sed -n "s/^$2: //p" "$1" | head -n 1
}
