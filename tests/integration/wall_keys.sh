#!/bin/sh
# wall_keys.sh - the wall display is a kiosk: against watchfloord --simulate, 10,000
# random keys (every printable character, every control key including Ctrl-C,
# Ctrl-Z and Ctrl-\, function keys, cursor keys, Alt- and raw escape sequences) are
# pressed in large batches; afterwards the dashboard still runs and shows the wall,
# and the server's access log holds nothing but GET requests from it, although its
# token (an officer's) could triage. No cursor, no help bar. SIGTERM then ends it
# with status 0 (ASan: no leaks).
. tests/lib/wall_helpers.sh
start_server --simulate scenarios/christchurch.scenario --speed 60 --log "$T/access.log"
wall_start 120 40
wait_screen 'WATCHFLOOR WALL +● live' 15 || fail "wall not live: $(wall_diag)"
wait_screen 'Live-streamed' 15 || fail "no incident: $(cat "$T/last-screen.txt")"
wait_screen 'PENDING DECISIONS' 5 || fail "no tiles"
[ "$(tm display -p '#{cursor_flag}')" = 0 ] || fail "the cursor is visible"
screen | grep -Eq '\?:help|q:quit' && fail "a help bar on the wall"
# Let the simulator open decisions, so that triage keys would have had targets.
wait_screen 'sim:board' 20 || fail "no decisions"

# The keys, from a fixed seed: named keys (tmux key names) and literal chunks.
awk 'BEGIN {
	srand(20261126);
	split("Escape Enter Tab BTab BSpace Up Down Left Right Home End PageUp PageDown IC DC " \
	      "F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 F11 F12 Space", named, " ");
	nn = 0; for (k in named) nn++;
	total = 0; batch = "";
	while (total < 10000) {
		r = rand();
		if (r < 0.35) { # printable ASCII, as one literal chunk of 1..40
			len = 1 + int(rand() * 40); s = "";
			for (i = 0; i < len; i++) s = s sprintf("%c", 33 + int(rand() * 94));
			if (batch != "") { print "K" batch; batch = "" }
			print "L" s; total += len; continue;
		} else if (r < 0.6) { # control keys C-a .. C-z, C-\ C-] C-^ C-_ C-@
			c = int(rand() * 31);
			if (c < 26) k = "C-" sprintf("%c", 97 + c);
			else if (c == 26) k = "C-\\"; else if (c == 27) k = "C-]";
			else if (c == 28) k = "C-^"; else if (c == 29) k = "C-_"; else k = "C-Space";
		} else if (r < 0.85) {
			k = named[1 + int(rand() * nn)];
		} else if (r < 0.95) { # Alt- keys: ESC then a character
			k = "M-" sprintf("%c", 97 + int(rand() * 26));
		} else { # raw escape sequences, some broken
			if (batch != "") { print "K" batch; batch = "" }
			split("\033[A \033[1;5C \033[15~ \033O \033[ \033[99;99R \033]0;x\007 \033P \033[200~ \033[M", seq, " ");
			print "L" seq[1 + int(rand() * 10)]; total++; continue;
		}
		batch = batch " " k; total++;
		if (length(batch) > 900) { print "K" batch; batch = "" }
	}
	if (batch != "") print "K" batch;
}' >"$T/keys.txt"
start=$(date +%s)
while IFS= read -r line; do
	case $line in
	K*) # shellcheck disable=SC2086
		keys ${line#K} 2>>"$T/keys.err" ;;
	L*) keys -l -- "${line#L}" 2>>"$T/keys.err" ;;
	esac
done <"$T/keys.txt"
[ -s "$T/keys.err" ] && fail "tmux refused keys: $(head -n 3 "$T/keys.err")"
echo "pressed 10000 keys in $(($(date +%s) - start)) s ($(wc -l <"$T/keys.txt") send-keys calls)"
sleep 1
wall_alive || fail "the wall exited on a key: status $(cat "$T/tui.rc" 2>/dev/null) $(tail -n 5 "$T/tui.err")"
keys C-l
wait_screen 'WATCHFLOOR WALL +● live' 10 || fail "wall not showing live data after the keys: $(cat "$T/last-screen.txt")"
wait_screen 'PENDING DECISIONS' 5 || fail "no tiles after the keys"
screen | grep -Eq '^[:/]|reason|y/n|Help: keys' && fail "a prompt or help opened: $(screen)"
[ "$(tm display -p '#{cursor_flag}')" = 0 ] || fail "the cursor is visible after the keys"
n=$(only_get "$T/access.log")
echo "access log: $n requests from the wall, all GET"
wall_stop TERM
echo "ok"
