# wall_helpers.sh - shell helpers for tests/integration/wall_*.sh (sourced, not run):
# on top of tests/lib/tui_helpers.sh (server, private tmux, screen, keys), the wall
# display started with its own config folder, its process id, and the access-log
# check that the dashboard sent nothing but GET.
. tests/lib/tui_helpers.sh
export XDG_CONFIG_HOME="$T/config"
mkdir -p "$XDG_CONFIG_HOME/watchfloor"
: >"$XDG_CONFIG_HOME/watchfloor/config"

# wall_start COLS ROWS [watchfloor options...]: --wall on $URL as olga (officer: the
# role could triage, the wall must not).
wall_start() {
	cols=$1
	rows=$2
	shift 2
	tm new-session -d -x "$cols" -y "$rows" \
		"env TERM=tmux-256color LANG=${WALL_LANG:-C.UTF-8} LC_ALL=${WALL_LANG:-C.UTF-8} XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' $WF --wall --token-file '$T/officer.token' $* '$URL' 2>'$T/tui.err'; echo \$? >'$T/tui.rc'"
}
# wall_diag: what a failed wait needs: the last screen, the exit status, stderr.
wall_diag() {
	echo "screen:"
	cat "$T/last-screen.txt" 2>/dev/null
	echo "exit status: $(cat "$T/tui.rc" 2>/dev/null); tmux sessions: $(tm ls 2>&1)"
	echo "stderr: $(tail -n 20 "$T/tui.err" 2>/dev/null)"
}
# The dashboard's pid (env execs it: the child of the pane's shell).
wall_pid() {
	pp=$(tm display -p '#{pane_pid}' 2>/dev/null) || return 1
	ps -o pid= --ppid "$pp" | tr -d ' ' | head -n 1
}
# wall_alive: the dashboard has not exited.
wall_alive() { [ ! -s "$T/tui.rc" ] && [ -n "$(wall_pid)" ]; }
# wall_stop SIGNAL: send it, then the exit status must be 0 and stderr clean.
wall_stop() {
	pid=$(wall_pid)
	[ -n "$pid" ] || fail "the wall is not running"
	kill -"$1" "$pid"
	wall_wait_exit
}
wall_wait_exit() {
	i=0
	while [ ! -s "$T/tui.rc" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the wall did not exit"
		sleep 0.1
	done
	[ "$(cat "$T/tui.rc")" = 0 ] || fail "exit status $(cat "$T/tui.rc"): $(tail -n 20 "$T/tui.err")"
	grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$T/tui.err" &&
		fail "sanitizer: $(head -n 30 "$T/tui.err")"
	return 0
}
# only_get LOG: every request in the access log is a GET (the wall is the only HTTP
# client of these servers: the simulator runs inside watchfloord, and its own
# "watchfloord: sim: ..." lines are not requests) and at least one came from olga;
# prints the number of requests. Request lines: TIME METHOD PATH STATUS DURATION NAME.
only_get() {
	awk '$1 ~ /^[0-9][0-9][0-9][0-9]-/' "$1" >"$1.requests"
	n=$(wc -l <"$1.requests")
	awk '$6 == "olga"' "$1.requests" | grep -q . || fail "no request from the wall in the access log"
	bad=$(awk '$2 != "GET"' "$1.requests")
	[ -z "$bad" ] || fail "requests other than GET: $(echo "$bad" | head -n 5)"
	echo "$n"
}
