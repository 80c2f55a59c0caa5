#!/bin/sh
# tui_bindings.sh - key bindings and the mouse in tmux, against watchfloord
# --simulate --start-at (decisions waiting from the first frame):
# - a config that rebinds approve to A and unbinds a: A approves (the vote reaches
#   the server), a does nothing, the help screen and the hint bar show A; its bad
#   lines are named FILE:LINE and the rest loads;
# - :reload and SIGHUP read the config again (a new binding is in force);
# - a click (X10 bytes with TERM=tmux-256color, SGR 1006 with TERM=xterm-256color)
#   selects the clicked row, a second click on it opens the detail; the wheel moves
#   the selection three rows;
# - `mouse = off`: no mouse reporting is asked of the terminal (tmux's pane flags);
# - on the wall, clicks and the wheel send nothing but GET.
. tests/lib/tui_helpers.sh
CFG=$T/cfg/watchfloor/config
mkdir -p "$T/cfg/watchfloor"
export XDG_CONFIG_HOME="$T/cfg"
cat >"$CFG" <<'EOF'
# tui_bindings.sh
notify = off
bind A approve
unbind a
bind nonsense approve
bind <PageDown> down
bind q frobnicate
EOF
start_server --simulate scenarios/christchurch.scenario --start-at 1h --scale 0.01 \
	--expire-grace 0 --log "$T/access.log"

# tm_start SESSION TERM [watchfloor options]: the dashboard in a session of our tmux
# (an outbox of its own: one process holds an outbox).
tm_start() {
	s=$1 term=$2
	shift 2
	tm new-session -d -s "$s" -x 160 -y 45 \
		"env TERM=$term XDG_STATE_HOME='$T/state-$s' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' $WF --token-file '$T/officer.token' --no-notify $* '$URL' 2>'$T/tui-$s.err'; echo \$? >'$T/tui-$s.rc'"
}
shot() { tm capture-pane -p -t "$1" 2>/dev/null; }
# seen SESSION ERE: the screen shows it (polled).
seen() { shot "$1" | grep -Eq -- "$2"; }
wait_seen() { wait_for "$3" seen "$1" "$2" || fail "$1: no /$2/ on the screen: $(shot "$1")"; }
# click SESSION Y X [twice]: a left click at the 0-based cell, in the session's
# terminal's own encoding (X10 for tmux-256color, SGR for xterm-256color); twice:
# X10 in one write (ncurses: DOUBLE_CLICKED), SGR as two writes (two presses).
click() {
	n=1
	[ "${4:-}" = twice ] && n=2
	i=0
	while [ $i -lt $n ]; do
		if [ "$(eval echo \$TERM_$1)" = xterm-256color ]; then
			tm send-keys -t "$1" -l "$(printf '\033[<0;%d;%dM\033[<0;%d;%dm' $(($3 + 1)) $(($2 + 1)) $(($3 + 1)) $(($2 + 1)))"
		elif [ $n = 2 ]; then
			# both clicks in one write: ncurses reads them as one DOUBLE_CLICKED
			cx=$(printf %x $((33 + $3))) cy=$(printf %x $((33 + $2)))
			tm send-keys -t "$1" -H 1b 5b 4d 20 $cx $cy 1b 5b 4d 23 $cx $cy \
				1b 5b 4d 20 $cx $cy 1b 5b 4d 23 $cx $cy
			i=$n
			continue
		else
			tm send-keys -t "$1" -H 1b 5b 4d 20 "$(printf %x $((33 + $3)))" "$(printf %x $((33 + $2)))" \
				1b 5b 4d 23 "$(printf %x $((33 + $3)))" "$(printf %x $((33 + $2)))"
		fi
		i=$((i + 1))
	done
}
# line_of SESSION ERE: the 0-based screen line of the first line matching ERE.
line_of() { shot "$1" | grep -nE -- "$2" | head -n 1 | cut -d: -f1 | awk '{print $1 - 1}'; }

TERM_main=tmux-256color
tm_start main tmux-256color --hold 0
wait_seen main 'sim:board' 20
# The bad lines are named, the rest applies.
wait_seen main 'config: 2 bad lines, the rest applies: .*config:5: bind: unknown key .nonsense.' 5
# The hint bar and the help show A for approve, not a.
tm send-keys -t main 4 g
wait_seen main 'A:approve' 20 # once the message about the bad lines is gone
if seen main ' a:approve'; then fail "hint bar still shows a:approve"; fi
tm send-keys -t main '?'
wait_seen main '^│ A +approve ' 5
# q stays quit (its bad rebind was left out): the help says so.
seen main '^│ q +quit ' || fail "q lost quit: $(shot main)"
tm send-keys -t main Escape
wait_for 5 sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t main | grep -q 'Help: the keys'" ||
	fail "help did not close"
# a does nothing: had it opened a reason prompt, the ? after it would be typed there
# instead of opening the help.
tm send-keys -t main a '?'
wait_seen main 'Help: the keys in force' 5
if seen main 'approve dec-[^ ]+ reason'; then fail "a still approves"; fi
tm send-keys -t main Escape
# A approves: reason, confirmation, and the vote reaches the server.
wait_for 5 sh -c "! tmux -L '$TMUX_SOCK' capture-pane -p -t main | grep -q 'Help: the keys'" ||
	fail "help did not close"
tm send-keys -t main A
wait_seen main 'approve dec-[^ ]+ reason' 5
DEC=$(shot main | grep -Eo 'approve dec-[^ ]+ reason' | head -n 1 | cut -d' ' -f2)
tm send-keys -t main -l 'approved with A'
tm send-keys -t main Enter
wait_seen main "\\[$DEC\\]\\? .*y/n" 5
tm send-keys -t main y
voted() { [ "$(decision_field "$DEC" '[.votes[] | select(.reason == "approved with A")] | length')" = 1 ]; }
wait_for 15 voted || fail "A's approval of $DEC never reached the server: $(decision_field "$DEC" .votes)"

# :reload reads the config again: approve gets Z too.
echo 'bind Z approve' >>"$CFG"
tm send-keys -t main : && tm send-keys -t main -l reload && tm send-keys -t main Enter
wait_seen main 'config: 2 bad lines' 5
tm send-keys -t main '?'
wait_seen main '^│ A Z +approve ' 5
tm send-keys -t main Escape
# SIGHUP too: approve gets Y.
echo 'bind Y approve' >>"$CFG"
kill -HUP "$(pgrep -n -f -- "--token-file $T/officer.token --no-notify --hold 0")"
wait_seen main 'SIGHUP: config: 2 bad lines' 5
tm send-keys -t main '?'
wait_seen main '^│ A Z Y +approve ' 5
tm send-keys -t main Escape

# The mouse: a click on the second decision's row selects it; a second click on it
# (within 400 ms) opens its detail; then Esc, and the wheel moves the selection.
mouse_check() { # SESSION
	s=$1
	wait_seen "$s" 'sim:board' 20
	tm send-keys -t "$s" 4 g
	wait_for 5 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t '$s' | grep -Eq '(││|xx)> .*OVER'" ||
		fail "$s: no selected decision: $(shot "$s")"
	# The decisions pane's rows (only they show OVER); its selected row has the
	# marker right after the two pane borders (││, or xx without line drawing).
	rows=$(shot "$s" | grep -nE 'OVER [0-9]' | cut -d: -f1)
	second=$(echo "$rows" | sed -n 2p)
	[ -n "$second" ] || fail "$s: fewer than two decisions: $(shot "$s")"
	y=$((second - 1))
	want=$(shot "$s" | sed -n "${second}p" | grep -Eo 'OVER [0-9hm]+ [^ ]+' | head -n 1)
	click "$s" $y 120
	sel_is() { shot "$1" | sed -n "${2}p" | grep -Eq '(││|xx)> '; }
	wait_for 5 sel_is "$s" "$second" || fail "$s: the click at line $y did not select '$want': $(shot "$s")"
	click "$s" $y 120 twice
	wait_seen "$s" 'Decision dec-|DECISION|Votes|votes' 5
	tm send-keys -t "$s" Escape
	wait_for 5 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t '$s' | grep -Eq '(││|xx)> .*OVER'" ||
		fail "$s: Esc did not close the detail"
	# The wheel (button 65: down) over the pane moves the selection 3 rows.
	fifth=$(echo "$rows" | sed -n 5p)
	[ -n "$fifth" ] || fail "$s: fewer than five decisions: $(shot "$s")"
	if [ "$(eval echo \$TERM_$s)" = xterm-256color ]; then
		tm send-keys -t "$s" -l "$(printf '\033[<65;121;%dM' $second)"
	else
		tm send-keys -t "$s" -H 1b 5b 4d 61 "$(printf %x $((33 + 120)))" "$(printf %x $((33 + y)))"
	fi
	wait_for 5 sel_is "$s" "$fifth" || fail "$s: the wheel did not move the selection 3 rows: $(shot "$s")"
	echo "$s: click selects line $y, double click opens it, the wheel moves 3 rows"
}
mouse_check main
TERM_xt=xterm-256color
tm_start xt xterm-256color
mouse_check xt
tm kill-session -t xt

# mouse = off: the dashboard does not ask the terminal for mouse reports (tmux's own
# record of the pane's mouse modes), so a terminal sends it no clicks at all; with
# the mouse on it does.
reporting() { tm display -p -t "$1" '#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}#{mouse_sgr_flag}'; }
case $(reporting main) in *1*) ;; *) fail "mouse on, but no mouse reporting asked: $(reporting main)" ;; esac
cp "$CFG" "$CFG.on"
echo 'mouse = off' >>"$CFG"
tm_start off tmux-256color
wait_seen off 'sim:board' 20
[ "$(reporting off)" = 0000 ] || fail "mouse = off, but mouse reporting is on: $(reporting off)"
# :reload with mouse = on turns it on again.
cp "$CFG.on" "$CFG"
tm send-keys -t off : && tm send-keys -t off -l reload && tm send-keys -t off Enter
asked() { case $(reporting off) in *1*) return 0 ;; esac; return 1; }
wait_for 5 asked || fail ":reload did not turn the mouse on: $(reporting off)"
tm kill-session -t off

# The wall: it asks for no mouse reports; and the bytes of clicks, double clicks and
# the wheel on every row (which reach it as keys) send nothing but GET.
tm new-session -d -s wall -x 160 -y 45 \
	"env TERM=tmux-256color XDG_STATE_HOME='$XDG_STATE_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' ASAN_OPTIONS='${ASAN_OPTIONS:-}' $WF --wall --token-file '$T/officer.token' '$URL' 2>'$T/tui-wall.err'; echo \$? >'$T/tui-wall.rc'"
TERM_wall=tmux-256color
wait_for 20 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t wall | grep -q 'Riverside'" || fail "no wall"
[ "$(reporting wall)" = 0000 ] || fail "the wall asks for mouse reports: $(reporting wall)"
before=$(grep -c . "$T/access.log")
y=2
while [ $y -lt 44 ]; do
	click wall $y 40 twice
	click wall $y 120 twice
	tm send-keys -t wall -H 1b 5b 4d 60 41 $(printf %x $((33 + y))) 1b 5b 4d 61 41 $(printf %x $((33 + y)))
	y=$((y + 3))
done
# A barrier: T (a wall action) shows the next theme once every event before it is read.
tm send-keys -t wall T
wait_for 10 sh -c "tmux -L '$TMUX_SOCK' capture-pane -p -t wall | grep -q 'theme '" ||
	fail "the wall did not read its keys: $(shot wall)"
if awk -v n="$before" 'NR > n' "$T/access.log" | grep -v ' GET ' | grep -q .; then
	fail "the wall sent: $(awk -v n="$before" 'NR > n' "$T/access.log" | grep -v ' GET ')"
fi
[ ! -s "$T/tui-wall.rc" ] || fail "the wall exited: $(cat "$T/tui-wall.err")"
grep -Eq 'AddressSanitizer|runtime error' "$T/tui-wall.err" 2>/dev/null && fail "sanitizer on the wall"
tm kill-session -t wall

tm send-keys -t main q
wait_for 10 test -s "$T/tui-main.rc" || fail "main did not quit: $(shot main)"
[ "$(cat "$T/tui-main.rc")" = 0 ] || fail "exit $(cat "$T/tui-main.rc"): $(tail -n 5 "$T/tui-main.err")"
grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$T/tui-main.err" && fail "sanitizer: $(head -n 20 "$T/tui-main.err")"
echo "tui_bindings: ok ($DEC approved with A)"
