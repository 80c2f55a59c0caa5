#!/bin/sh
# notify_dashboard.sh - the real dashboard against watchfloord --simulate (the
# Christchurch scenario at --speed 30), inside a private D-Bus session with dunst
# under Xvfb, watched with dbus-monitor: the incident that opens after the
# dashboard started gives a Notify call with its title, the escalation and the
# high-priority decision follow, and the dashboard quits cleanly on q (the helper
# process is stopped; ASan leaks fail). Exit 0 = pass.
set -u
here=$(dirname "$0")
. "$here/lib/notify_env.sh"
need_tools dbus-run-session dbus-monitor dbus-send dunst Xvfb tmux
[ -x "$build/watchfloor" ] && [ -x "$build/watchfloord" ] || fail "$build/watchfloor(d) not built"

start_xvfb
mkdir -p "$tmp/cfg/watchfloor"
# Coalesce less than the scenario's spacing, so each event is its own Notify.
printf 'notify_coalesce_ms = 300\nnotify_rate_burst = 10\n' >"$tmp/cfg/watchfloor/config"

cat >"$tmp/inner.sh" <<'INNER'
set -u
. "$LIB"
dunst >"$tmp/dunst.log" 2>&1 &
pids="$pids $!"
wait_for_daemon
dbus-monitor --session \
	"type='method_call',interface='org.freedesktop.Notifications',member='Notify'" \
	>"$tmp/monitor.log" 2>&1 &
pids="$pids $!"
"$build/watchfloord" --listen 127.0.0.1:0 --db "$tmp/cc.db" \
	--simulate scenarios/christchurch.scenario --speed 30 \
	>"$tmp/server.out" 2>"$tmp/server.err" &
server=$!
pids="$pids $server"
i=0
until head -n 1 "$tmp/server.out" | grep -q '^watchfloord listening on '; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "watchfloord did not start: $(cat "$tmp/server.err")"
	sleep 0.1
done
url=$(head -n 1 "$tmp/server.out" | sed 's/^watchfloord listening on //')
sock=wf-notify-$$
tmux -L "$sock" new-session -d -x 140 -y 40 \
	"XDG_CONFIG_HOME=$tmp/cfg $build/watchfloor $url 2>$tmp/dash.err; echo exit=\$? >$tmp/dash.rc"
waitfor() { # fixed-string seconds
	n=0
	until grep -qF -- "$1" "$tmp/monitor.log"; do
		n=$((n + 1))
		[ $n -gt $(($2 * 10)) ] && return 1
		sleep 0.1
	done
}
ok=1
waitfor 'New incident: Hoax bomb-threat video, Northfield station' 30 || ok=0
[ $ok = 1 ] && { waitfor 'Decision needed: Activate the incident protocol for the Riverside attack' 20 || ok=0; }
[ $ok = 1 ] && { waitfor 'Escalated: Live-streamed attack on two mosques, Riverside' 20 || ok=0; }
tmux -L "$sock" capture-pane -p >"$tmp/screen.txt" 2>/dev/null
tmux -L "$sock" send-keys q
n=0
while [ ! -f "$tmp/dash.rc" ] && [ $n -lt 100 ]; do n=$((n + 1)); sleep 0.1; done
tmux -L "$sock" kill-server 2>/dev/null
[ $ok = 1 ] || fail "missing notification; monitor log: $(grep -A3 'member=Notify' "$tmp/monitor.log" | head -40)"
[ -f "$tmp/dash.rc" ] || fail "the dashboard did not quit on q"
grep -q 'exit=0' "$tmp/dash.rc" || fail "dashboard $(cat "$tmp/dash.rc"): $(cat "$tmp/dash.err")"
kill $pids 2>/dev/null
wait 2>/dev/null
exit 0
INNER
tmp=$tmp LIB=$here/lib/notify_env.sh WF_BUILD=$build \
	dbus-run-session -- sh "$tmp/inner.sh" 2>"$tmp/session.log" ||
	fail "$(grep -v '^dbus-daemon' "$tmp/session.log")"
echo "Notify calls from the dashboard:"
grep -A5 '^method call.*member=Notify$' "$tmp/monitor.log" | grep -E '^ +string "(New|Escalated|Decision|watchfloor:)'
# nothing but the notifier's own helper talked to the daemon: no leftover process
pgrep -f "$tmp" >/dev/null && fail "a process of the test is still running"
echo "PASS"
