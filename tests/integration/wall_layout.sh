#!/bin/sh
# wall_layout.sh - the wall display fills every terminal from 80x24 to 300x80: at
# 80x24, 100x30, 120x40, 160x50, 200x60 and 300x80 the five tiles and the three
# panes are there, no line is wider than the terminal, and every line has its
# frames closed (no pane drawn over another). Big glyphs from 120x40, '#' glyphs
# when the locale is not UTF-8. The propagation pane rotates (--rotate 2), the
# layout moves by a cell (--shift 2). `q` does nothing; the config's
# wall_exit_key (F12) ends it with status 0 (ASan: no leaks).
. tests/lib/wall_helpers.sh
echo "wall_exit_key = F12  # for this test" >"$XDG_CONFIG_HOME/watchfloor/config"
start_server --simulate scenarios/christchurch.scenario --speed 60
wall_start 120 40 --shift 0 --rotate 2
wait_screen 'WATCHFLOOR WALL +● live' 15 || fail "wall not live: $(wall_diag)"
wait_screen 'Live-streamed' 15 || fail "no incident: $(cat "$T/last-screen.txt")"

# check_size COLS ROWS
check_size() {
	tm resize-window -x "$1" -y "$2"
	sleep 0.3
	wait_screen '┌ (ACTIVE INCIDENTS|INCIDENTS) ' 5 || fail "$1x$2: no tiles: $(cat "$T/last-screen.txt")"
	wait_screen 'Propagation' 3 || fail "$1x$2: no propagation: $(cat "$T/last-screen.txt")"
	screen >"$T/cap-$1x$2.txt"
	f="$T/cap-$1x$2.txt"
	[ "$(wc -l <"$f")" -eq "$2" ] || fail "$1x$2: $(wc -l <"$f") lines"
	w=$(LC_ALL=C.UTF-8 wc -L <"$f")
	[ "$w" -le "$1" ] || fail "$1x$2: a line of $w columns: $(cat "$f")"
	for t in '(ACTIVE INCIDENTS|INCIDENTS)' '(UPLOADS / MIN|UPLOADS)' \
		'(BLOCKED AT UPLOAD|BLOCKED)' '(PENDING DECISIONS|PENDING)' '(OLDEST PENDING|OLDEST)' \
		'Incidents' 'Propagation' 'Decisions'; do
		c=$(grep -Ec "┌ $t " "$f")
		[ "$c" = 1 ] || fail "$1x$2: '$t' framed $c times: $(cat "$f")"
	done
	# every line closes what it opens: no pane drawn over another
	LC_ALL=C.UTF-8 awk -v size="$1x$2" '{
		a = gsub(/┌/, "&"); b = gsub(/┐/, "&"); c = gsub(/└/, "&"); d = gsub(/┘/, "&");
		v = gsub(/│/, "&");
		if (a != b || c != d || v % 2) { print size ": line " NR " is broken: " $0; bad = 1 }
	} END { exit bad }' "$f" || fail "$(cat "$f")"
	if [ "$1" -ge 120 ]; then
		grep -q '███' "$f" || fail "$1x$2: no big glyphs: $(cat "$f")"
	fi
	wall_alive || fail "$1x$2: the wall exited"
}
for s in 80x24 100x30 120x40 160x50 200x60 300x80 80x24; do
	check_size "${s%x*}" "${s#*x}"
done
grep -q 'Live feed\|LIVE FEED' "$T/cap-300x80.txt" || fail "no live feed at 300x80: $(cat "$T/cap-300x80.txt")"
# smaller than 80x24: a message, no garbage, still running
tm resize-window -x 50 -y 12
wait_screen 'too small' 5 || fail "no too-small message: $(cat "$T/last-screen.txt")"
[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le 50 ] || fail "too-small screen overflows"
tm resize-window -x 120 -y 40
wait_screen '┌ ACTIVE INCIDENTS ' 5 || fail "not back at 120x40"

# the rotation through the active incidents (2 s each)
wait_screen 'incident 1/[2-9]' 6 || fail "no rotation 1/N: $(cat "$T/last-screen.txt")"
wait_screen 'incident 2/[2-9]' 6 || fail "no rotation 2/N: $(cat "$T/last-screen.txt")"
# q, Escape, :, ? are stray keys on a wall
keys q Escape : '?' a y
sleep 0.5
wall_alive || fail "a stray key ended the wall"
screen | grep -Eq 'Help: keys|^:' && fail "help or a prompt opened"
keys F12
wall_wait_exit

# burn-in: with --shift 2 the top bar moves by a cell
rm -f "$T/tui.rc"
tm kill-server 2>/dev/null
wall_start 100 30 --shift 2
wait_screen 'WATCHFLOOR WALL' 10 || fail "no wall"
moved=0
i=0
while [ $i -lt 80 ] && [ $moved != 3 ]; do
	top=$(screen | grep -n 'WATCHFLOOR WALL' | head -n 1)
	case $top in
	"1: WATCHFLOOR"*) moved=$((moved | 1)) ;;
	"1:  WATCHFLOOR"* | "2:"*) moved=$((moved | 2)) ;;
	esac
	i=$((i + 1))
	sleep 0.1
done
[ $moved = 3 ] || fail "the layout did not shift (seen $moved): $(screen)"
wall_stop TERM

# no UTF-8 locale: '#' glyphs
rm -f "$T/tui.rc"
tm kill-server 2>/dev/null
WALL_LANG=C wall_start 120 40 --shift 0
wait_screen 'WATCHFLOOR WALL' 10 || fail "no wall in the C locale"
wait_screen '###' 10 || fail "no ASCII glyphs: $(cat "$T/last-screen.txt")"
screen | grep -q '█' && fail "block glyphs in the C locale"
wall_stop TERM
echo "ok"
