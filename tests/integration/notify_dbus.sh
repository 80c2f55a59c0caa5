#!/bin/sh
# notify_dbus.sh - the notifier against a real notification daemon (dunst under
# Xvfb) in a private D-Bus session, watched with dbus-monitor: (1) a new incident
# whose title holds an escape sequence, a bidi override and markup gives one
# Notify call carrying the sanitized title and no raw control character; (2) a
# burst of 1,000 new incidents gives at most a handful of Notify calls.
# Exit 0 = pass. Binaries from $WF_BUILD (default build).
set -u
here=$(dirname "$0")
. "$here/lib.sh" # wait_for
. "$here/lib/notify_env.sh"
need_tools dbus-run-session dbus-monitor dbus-send dunst Xvfb

start_xvfb
cat >"$tmp/inner.sh" <<'INNER'
set -u
. "$LIBW"
. "$LIB"
dunst >"$tmp/dunst.log" 2>&1 &
pids="$pids $!"
wait_for_daemon
dbus-monitor --session \
	"type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
	>"$tmp/monitor.log" 2>&1 &
pids="$pids $!"
# dbus-monitor loses its bus name once it has become a monitor
monitoring() { grep -q 'member=NameLost' "$tmp/monitor.log"; }
wait_for 10 monitoring || fail "dbus-monitor did not start"

# A barrier: a Notify call of our own (a bad one, which the daemon refuses) that
# the monitor prints after every call made before it.
barrier() { # name
	dbus-send --session --type=method_call --dest=org.freedesktop.Notifications \
		/org/freedesktop/Notifications org.freedesktop.Notifications.Notify \
		"string:$1" || fail "dbus-send failed"
	wait_for 10 grep -q "string \"$1\"" "$tmp/monitor.log" ||
		fail "the monitor never showed $1"
}

title=$(printf 'Attack\033[2J at \342\200\256Mosque <b>live</b> & more')
"$probe" --title "$title" --run-ms 3000 --min-shown 1 --term-out "$tmp/term1" \
	>"$tmp/single.out" || fail "probe failed: $(cat "$tmp/single.out")"
barrier wf-barrier-1
cp "$tmp/monitor.log" "$tmp/monitor.single"
"$probe" --burst 1000 --run-ms 5000 --min-shown 1 --term-out "$tmp/term2" \
	>"$tmp/burst.out" || fail "probe (burst) failed"
barrier wf-barrier-2
kill $pids 2>/dev/null
wait 2>/dev/null
exit 0
INNER
tmp=$tmp LIB=$here/lib/notify_env.sh LIBW=$here/lib.sh WF_BUILD=$build \
	dbus-run-session -- sh "$tmp/inner.sh" || fail "the D-Bus session part failed"

echo "--- single:"
cat "$tmp/single.out"
[ "$(val "$tmp/single.out" route)" = desktop ] ||
	fail "route is not desktop: $(val "$tmp/single.out" describe)"
[ "$(val "$tmp/single.out" sent_desktop)" = 1 ] || fail "expected one acknowledged Notify"
[ "$(val "$tmp/single.out" sent_terminal)" = 0 ] || fail "the fallback was used with a server"
# What the sanitizer must make of the title, written out: ESC and the bidi override
# (U+202E) each become U+FFFD; markup stays (the summary is plain text).
expect=$(printf 'New incident: Attack\357\277\275[2J at \357\277\275Mosque <b>live</b> & more')
# Notify calls, less the barriers
calls=$(($(grep -c '^method call.*member=Notify$' "$tmp/monitor.single") - 1))
echo "--- Notify calls seen by dbus-monitor: $calls"
[ "$calls" = 1 ] || fail "$calls Notify calls for one new incident"
grep -F -- "string \"$expect\"" "$tmp/monitor.single" ||
	fail "no Notify call with the sanitized title; monitor log: $(cat "$tmp/monitor.log")"
# The raw ESC and the bidi override never reach D-Bus.
if grep -q "$(printf '\033')" "$tmp/monitor.log"; then fail "raw ESC on the bus"; fi
if grep -q "$(printf '\342\200\256')" "$tmp/monitor.log"; then fail "bidi override on the bus"; fi

echo "--- burst:"
cat "$tmp/burst.out"
[ "$(val "$tmp/burst.out" fed)" = 1000 ] || fail "the burst was not fed"
n=$(val "$tmp/burst.out" sent_desktop)
total=$(($(grep -c '^method call.*member=Notify$' "$tmp/monitor.log") - 2))
burst_calls=$((total - calls))
echo "--- Notify calls for 1000 events: $burst_calls (acknowledged: $n)"
[ "$burst_calls" -ge 1 ] || fail "no notification for the burst"
[ "$burst_calls" -le 5 ] || fail "$burst_calls notifications for one burst (at most 5)"
grep -q 'new events' "$tmp/monitor.log" || fail "no summary notification in the burst"
echo "PASS"
