#!/bin/sh
# wall_backend.sh - the wall display never exits on backend loss. watchfloord
# --simulate --heartbeat 1 is killed (-9): within twice the heartbeat the banner
# "BACKEND UNREACHABLE - data N s old" appears, the figures stay (dimmed), the
# process stays up; the backend restarted on the same port with the same database:
# the banner goes and the wall is live again. Then the backend comes back without
# the wall's token (401): the banner says the backend refuses the display, and once
# the token is accepted again the wall recovers by itself (wall_retry_s = 2 in the
# config). Every request of the wall in the access log is a GET. SIGINT ends it, 0.
. tests/lib/wall_helpers.sh
echo "wall_retry_s = 2" >"$XDG_CONFIG_HOME/watchfloor/config"
start_server --simulate scenarios/christchurch.scenario --speed 60 --heartbeat 1 \
	--log "$T/access.log"
wall_start 120 40
wait_screen 'WATCHFLOOR WALL +● live' 15 || fail "wall not live: $(wall_diag)"
wait_screen 'Live-streamed' 15 || fail "no incident: $(cat "$T/last-screen.txt")"
screen | grep -q 'BACKEND' && fail "a banner while live: $(screen)"

# 1. killed: the banner within twice the heartbeat (2 s), the process stays up
kill_server 9
t0=$(date +%s%N)
wait_screen 'BACKEND UNREACHABLE - data [0-9]+ s old' 2 ||
	fail "no banner within 2 s: $(cat "$T/last-screen.txt")"
echo "banner after $((($(date +%s%N) - t0) / 1000000)) ms"
tm capture-pane -p -e | grep -q 'Live-streamed' || fail "the last values are gone"
tm capture-pane -p -e | grep 'Live-streamed' | grep -q "$(printf '\033')\[[0-9;]*2[;m]" ||
	fail "the stale figures are not dimmed"
sleep 3
wall_alive || fail "the wall exited when the backend went away"
wait_screen 'BACKEND UNREACHABLE - data [3-9] s old' 3 || fail "the age does not grow: $(cat "$T/last-screen.txt")"

# 2. back on the same port with the same database: live again, banner gone
start_server --simulate scenarios/christchurch.scenario --speed 60 --heartbeat 1 \
	--log "$T/access.log"
wait_screen 'WATCHFLOOR WALL +● live' 30 || fail "did not recover: $(cat "$T/last-screen.txt")"
sleep 1.5
screen | grep -q 'BACKEND' && fail "banner still there: $(screen)"
screen | grep -q 'Live-streamed' || fail "no incident after recovery"

# 3. the backend refuses the wall's token (401), then accepts it again
kill_server 9
cp "$T/tokens" "$T/tokens.all"
grep -v ' olga' "$T/tokens.all" >"$T/tokens"
start_server --heartbeat 1 --log "$T/access.log"
wait_screen 'BACKEND REFUSES THIS DISPLAY' 40 || fail "no refusal banner: $(cat "$T/last-screen.txt")"
wall_alive || fail "the wall exited on 401"
kill_server 9
cp "$T/tokens.all" "$T/tokens"
start_server --heartbeat 1 --log "$T/access.log"
wait_screen 'WATCHFLOOR WALL +● live' 20 || fail "did not recover after 401: $(cat "$T/last-screen.txt")"
sleep 1.5
screen | grep -q 'BACKEND' && fail "banner still there after 401: $(screen)"
screen | grep -q 'Live-streamed' || fail "no incident after the 401 recovery"

n=$(only_get "$T/access.log")
echo "access log: $n requests from the wall, all GET"
grep -q ' 401 ' "$T/access.log" || fail "no 401 in the log"
wall_stop INT
echo "ok"
