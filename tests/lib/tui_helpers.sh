# tui_helpers.sh - shell helpers for tests/integration/tui_*.sh (sourced, not run):
# on top of the backend's tests/integration/lib.sh (temp folder, tokens,
# start_server, fail), the dashboard in a private tmux server (tmux -L wf$$, always
# killed on exit), keys, screen captures, waits and API reads with curl + jq.
set -u
. tests/integration/lib.sh
wf_setup
WF=$WF_BUILD/watchfloor
export XDG_STATE_HOME="$T/state"
unset WATCHFLOOR_TOKEN
printf '%s' "$OFFICER" >"$T/officer.token"
TMUX_SOCK=wf$$
tm() { tmux -L "$TMUX_SOCK" "$@"; }
tui_cleanup() {
	tui_rc=$?
	tm kill-server 2>/dev/null
	(exit $tui_rc) # wf_cleanup exits with the status it finds in $?
	wf_cleanup
}
trap tui_cleanup EXIT

# api METHOD PATH [BODY]: the answer body, as the officer.
api() {
	if [ "$1" = GET ]; then
		curl -sS -H "Authorization: Bearer $OFFICER" "$URL$2"
	else
		curl -sS -H "Authorization: Bearer $OFFICER" -H 'Content-Type: application/json' \
			-d "$3" "$URL$2"
	fi
}
# decision_field ID JQ: a field of a decision in the server's snapshot.
decision_field() { api GET /v1/snapshot | jq -r ".decisions[] | select(.id==\"$1\") | $2"; }

# tui_start COLS ROWS [watchfloor options...]: the dashboard on $URL as alice.
tui_start() {
	cols=$1
	rows=$2
	shift 2
	tm new-session -d -x "$cols" -y "$rows" \
		"env TERM=tmux-256color XDG_STATE_HOME='$XDG_STATE_HOME' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' $WF --token-file '$T/officer.token' $* '$URL' 2>'$T/tui.err'; echo \$? >'$T/tui.rc'"
}
screen() { tm capture-pane -p 2>/dev/null; }
keys() { tm send-keys "$@"; }
# wait_screen EXTENDED_REGEX SECONDS: until the screen shows it.
wait_screen() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		screen | grep -Eq -- "$1" && return 0
		i=$((i + 1))
		sleep 0.1
	done
	screen >"$T/last-screen.txt"
	return 1
}
# tui_quit: q (y if asked), then the exit status must be 0 and stderr clean.
tui_quit() {
	keys q
	tui_quit_asked=
	wait_for 20 tui_quit_done || fail "the dashboard did not quit: $(screen)"
	[ "$(cat "$T/tui.rc")" = 0 ] || fail "exit status $(cat "$T/tui.rc"): $(tail -n 20 "$T/tui.err")"
	grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$T/tui.err" &&
		fail "sanitizer: $(head -n 20 "$T/tui.err")"
	return 0
}
# True once the dashboard has exited; answers its quit prompt (once) meanwhile.
tui_quit_done() {
	[ -s "$T/tui.rc" ] && return 0
	if [ -z "$tui_quit_asked" ] && screen | grep -q 'quit anyway'; then
		keys y
		tui_quit_asked=1
	fi
	return 1
}
# The pane row under the selection marker '>' of the right-hand panes (cols > 80).
selected_right() { screen | sed -n "$1" | grep -o '│> .*' | head -n 1; }
