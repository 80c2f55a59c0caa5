#!/bin/sh
# notify_fallback.sh - notifications must never slow the loop: (1) with no session
# bus at all and (2) with a notification daemon that never answers (dunst owning
# the name, then stopped with SIGSTOP), every call of the notifier on the loop
# thread stays as fast as with --no-notify (within 10 ms: a fifth of a frame), and
# the terminal fallback (OSC 777) carries the notification instead.
# Exit 0 = pass. Binaries from $WF_BUILD (default build).
set -u
here=$(dirname "$0")
. "$here/lib.sh" # wait_for
. "$here/lib/notify_env.sh"
need_tools dbus-run-session dbus-send dunst Xvfb

# A call blocked on the daemon waits for D-Bus's reply timeout (seconds); 200 ms of
# slack is far below that and far above what a loaded 2-core machine adds to a
# call that does not block (10.9 ms seen with the load average at 13).
slack_us=200000

check_fast() { # out-file baseline-file label
	m=$(val "$1" max_call_us)
	b=$(val "$2" max_call_us)
	echo "--- $3: worst notifier call ${m} us, with --no-notify ${b} us"
	[ -n "$m" ] && [ -n "$b" ] || fail "$3: probe output incomplete"
	[ "$m" -le $((b + slack_us)) ] || fail "$3: a notifier call took ${m} us (--no-notify: ${b} us)"
}

check_fallback() { # out-file term-file label
	[ "$(val "$1" route)" = terminal ] || fail "$3: route $(val "$1" describe), not terminal"
	[ "$(val "$1" sent_terminal)" -ge 1 ] || fail "$3: the fallback was not used"
	grep -q "$(printf '\033')]777;notify;New incident: No listener" "$2" ||
		fail "$3: no OSC 777 notification written"
}

# (1) No session bus: no address, no X display to autolaunch one, a runtime folder
# without a bus socket.
mkdir -p "$tmp/run"
env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY -u WAYLAND_DISPLAY XDG_RUNTIME_DIR="$tmp/run" \
	"$probe" --title "No listener" --run-ms 2500 --min-shown 1 --term-out "$tmp/term.nobus" \
	>"$tmp/nobus.out" || fail "probe failed (no bus)"
env -u DBUS_SESSION_BUS_ADDRESS -u DISPLAY XDG_RUNTIME_DIR="$tmp/run" \
	"$probe" --no-notify --title "No listener" --run-ms 2500 >"$tmp/off.out" ||
	fail "probe failed (--no-notify)"
echo "--- no bus:"
cat "$tmp/nobus.out"
check_fallback "$tmp/nobus.out" "$tmp/term.nobus" "no session bus"
check_fast "$tmp/nobus.out" "$tmp/off.out" "no session bus"
[ "$(val "$tmp/off.out" route)" = off ] || fail "--no-notify is not off"
[ "$(val "$tmp/off.out" term_writes)" = 0 ] || fail "--no-notify wrote to the terminal"

# (2) A daemon that never answers, and (3) one that answers the probe and then hangs
# in the Notify call: the notification in flight goes to the fallback.
start_xvfb
cat >"$tmp/inner.sh" <<'INNER'
set -u
. "$LIBW"
. "$LIB"
dunst >"$tmp/dunst.log" 2>&1 &
dunst_pid=$!
pids="$pids $dunst_pid"
wait_for_daemon
kill -STOP "$dunst_pid"
"$probe" --title "No listener" --timeout-ms 1000 --run-ms 3000 --min-shown 1 \
	--term-out "$tmp/term.hung" >"$tmp/hung.out" || fail "probe failed (hung daemon)"
"$probe" --no-notify --title "No listener" --run-ms 3000 >"$tmp/hung-off.out" ||
	fail "probe failed (--no-notify, hung daemon)"
kill -CONT "$dunst_pid"
# dunst has caught up once it answers a call again
answers() {
	dbus-send --session --print-reply --reply-timeout=1000 \
		--dest=org.freedesktop.Notifications /org/freedesktop/Notifications \
		org.freedesktop.Notifications.GetServerInformation >/dev/null 2>&1
}
wait_for 20 answers || fail "dunst did not answer after SIGCONT"
"$probe" --title "No listener" --timeout-ms 1000 --run-ms 4000 --min-shown 1 \
	--stop-pid "$dunst_pid" --term-out "$tmp/term.call" >"$tmp/call.out" || fail "probe failed (hung call)"
kill -CONT "$dunst_pid"
kill $pids 2>/dev/null
wait 2>/dev/null
exit 0
INNER
tmp=$tmp LIB=$here/lib/notify_env.sh LIBW=$here/lib.sh WF_BUILD=$build \
	dbus-run-session -- sh "$tmp/inner.sh" 2>"$tmp/session.log" ||
	fail "the D-Bus session part failed: $(cat "$tmp/session.log")"
echo "--- hung daemon:"
cat "$tmp/hung.out"
check_fallback "$tmp/hung.out" "$tmp/term.hung" "hung daemon"
check_fast "$tmp/hung.out" "$tmp/hung-off.out" "hung daemon"
[ "$(val "$tmp/hung.out" breaker_trips)" -ge 1 ] || fail "the circuit breaker did not open"
[ "$(val "$tmp/hung.out" free_us)" -lt 100000 ] || fail "wf_notify_free waited for the hung helper"
echo "--- daemon hangs in the Notify call:"
cat "$tmp/call.out"
[ -n "$(val "$tmp/call.out" stopped_daemon_at_ms)" ] || fail "the daemon never answered the probe"
check_fallback "$tmp/call.out" "$tmp/term.call" "hung Notify call"
check_fast "$tmp/call.out" "$tmp/hung-off.out" "hung Notify call"
[ "$(val "$tmp/call.out" sent_desktop)" = 0 ] || fail "a hung call was counted as shown"
echo "PASS"
