#!/bin/sh
# tui_verbs.sh - the officer's verbs end to end in tmux against a real watchfloord:
# an incident declared through the form on one dashboard appears on a second one
# (another officer); a situation note filed with n shows in the second dashboard's
# notes view; a platform's report is triaged with t; a decision of every kind is
# proposed with P (each reaches the server once, with its own fields); every verb
# undone with u within the hold sends nothing; a form's request in the outbox
# survives kill -9 and is delivered exactly once by the next start.
. tests/lib/tui_helpers.sh
OFFICER2=officer-token-2
token_line "$OFFICER2" officer yuki p-yt >>"$T/tokens"
printf '%s' "$OFFICER2" >"$T/officer2.token"
start_server --log "$T/access.log"

# two dashboards in their own tmux sessions: a (olga, hold 2 s) and b (yuki)
dash() { # NAME TOKENFILE COLS ROWS [options]
	n=$1 tok=$2 c=$3 r=$4
	shift 4
	tm new-session -d -s "$n" -x "$c" -y "$r" \
		"env TERM=tmux-256color XDG_STATE_HOME='$XDG_STATE_HOME/$n' ASAN_OPTIONS='${ASAN_OPTIONS:-}' UBSAN_OPTIONS='${UBSAN_OPTIONS:-}' $WF --token-file '$tok' $* '$URL' 2>'$T/$n.err'; echo \$? >'$T/$n.rc'"
}
scr() { tm capture-pane -p -t "$1" 2>/dev/null; }
k() {
	s=$1
	shift
	tm send-keys -t "$s" "$@"
}
on() { # SESSION REGEX SECONDS
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		scr "$1" | grep -Eq -- "$2" && return 0
		i=$((i + 1))
		sleep 0.1
	done
	scr "$1" >"$T/last-screen.txt"
	return 1
}
snap() { api GET /v1/snapshot; }
count() { snap | jq "$1" ; }
has() { [ "$(count "$1")" -ge 1 ]; }
posts() { grep -c "POST $1 " "$T/access.log"; }

dash a "$T/officer.token" 120 32 --hold 2
dash b "$T/officer2.token" 120 32
on a 'olga/officer' 20 || fail "dashboard a not live: $(cat "$T/last-screen.txt")"
on b 'yuki/officer' 20 || fail "dashboard b not live: $(cat "$T/last-screen.txt")"

# 1. declare an incident (hostile title) on a; b sees it
k a I
on a 'Declare an incident' 10 || fail "no declare form: $(cat "$T/last-screen.txt")"
k a -l "E2E declared $(printf '\342\200\256') mosque $(printf '\345\255\227')" # RLO, CJK
k a Tab
k a -l 'Northfield'
k a Tab Right Tab Tab
k a -l 'first line of the summary'
k a C-d
on a 'Check before sending' 10 || fail "no summary: $(cat "$T/last-screen.txt")"
k a y
on a 'declare \(new incident\) queued' 10 || fail "declare not queued: $(cat "$T/last-screen.txt")"
wait_for 15 has '[.incidents[] | select(.title | startswith("E2E declared"))] | length' ||
	fail "the declared incident never reached the server"
INC=$(snap | jq -r '.incidents[] | select(.title | startswith("E2E declared")) | .id')
[ "$(snap | jq -r ".incidents[] | select(.id==\"$INC\") | .tier")" = content_incident ] ||
	fail "tier: $(snap | jq -c ".incidents[] | select(.id==\"$INC\")")"
on b 'E2E declared .*mosque' 10 || fail "b never showed the incident: $(cat "$T/last-screen.txt")"
tm capture-pane -p -e -t b | grep -q "$(printf '\342\200\256')" && fail "a bidi override reached b's screen"

# 2. a situation note on the selected incident; b reads it in the notes view
k a -l n
on a 'Situation note on' 10 || fail "no note form: $(cat "$T/last-screen.txt")"
k a -l 'Origin traced to a forum post at 04:12'
k a Enter
k a -l 'second line of the note'
k a C-d
on a 'Check before sending' 10 || fail "no note summary"
k a y
wait_for 15 has '[.reports[] | select(.kind=="situation_note" and (.text | startswith("Origin traced")))] | length' ||
	fail "the note never reached the server"
k b N
on b 'Situation notes of' 10 || fail "b: no notes view: $(cat "$T/last-screen.txt")"
on b 'Origin traced to a forum post' 10 || fail "b: the note is not in the notes view: $(cat "$T/last-screen.txt")"
on b 'olga' 10 || fail "b: the note's author"
k b Escape

# 3. a platform's report, triaged on a with t
req "$PLAT_FB" POST /v1/reports "{\"kind\":\"referral\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"Mirror ring on a file host \\u001b[2J\\u202e\",\"needs_decision\":false}" >/dev/null
REP=$(jq -r .id "$T/body")
[ -n "$REP" ] && [ "$REP" != null ] || fail "no report: $(cat "$T/body")"
k a 5
on a 'Mirror ring' 10 || fail "a: the report is not in the reports pane: $(cat "$T/last-screen.txt")"
k a / && k a -l 'Mirror ring' && k a Enter
k a t
on a "triage $REP reason" 10 || fail "no triage prompt: $(cat "$T/last-screen.txt")"
k a -l 'confirmed mirrors' && k a Enter
on a "triage $REP queued" 10 || fail "triage not queued: $(cat "$T/last-screen.txt")"
wait_for 15 has "[.reports[] | select(.id==\"$REP\" and .state==\"triaged\")] | length" ||
	fail "the report was never triaged: $(snap | jq -c ".reports[] | select(.id==\"$REP\")")"
k a / && k a C-u && k a Enter

# 4. a decision of every kind, proposed with P (kind chosen with Right)
req "$PLAT_FB" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":100,\"variant_id\":\"v1\",\"platform_id\":\"p-fb\"}" >/dev/null
SIG=$(jq -r .id "$T/body")
k a 1
propose() { # INDEX FIELD-KEYS...: kind by Right presses, then extra keys
	idx=$1
	shift
	k a P
	on a 'Propose a decision' 10 || fail "no propose form: $(cat "$T/last-screen.txt")"
	i=0
	while [ $i -lt "$idx" ]; do
		k a Right
		i=$((i + 1))
	done
	for x in "$@"; do
		case $x in
		ref=*) k a Tab Tab C-u && k a -l "${x#ref=}" ;;
		text=*) k a -l "${x#text=}" ;;
		*) k a "$x" ;;
		esac
	done
	k a C-d
	on a 'Check before sending' 10 || fail "proposal $idx: no summary: $(cat "$T/last-screen.txt")"
	k a y
	on a 'proposal on .* queued' 10 || fail "proposal $idx not queued: $(cat "$T/last-screen.txt")"
}
wait_for 10 has "[.signals[] | select(.id==\"$SIG\")] | length" || fail "no signal $SIG"
propose 0                              # activate
propose 1                              # change_tier (its tier: content_incident)
propose 2                              # conclude
propose 3 "ref=$SIG"                   # add_signal
propose 4 "ref=$SIG"                   # disable_signal
propose 5 Tab Tab Tab 'text=p-fb'      # public_interest, the organisation that may keep
propose 6 "ref=$REP"                   # triage_report
propose 7 Tab Tab Tab 'text=NZ Police' # notify_authority
for kind in activate change_tier conclude add_signal disable_signal public_interest triage_report notify_authority; do
	wait_for 20 has "[.decisions[] | select(.kind==\"$kind\" and .proposer==\"olga\" and .incident_id==\"$INC\")] | length" ||
		fail "no $kind decision on the server: $(snap | jq -c '[.decisions[] | {kind, proposer}]')"
done
[ "$(count "[.decisions[] | select(.proposer==\"olga\")] | length")" = 8 ] ||
	fail "proposals: $(count "[.decisions[] | select(.proposer==\"olga\")] | length"), not 8"
[ "$(snap | jq -r ".decisions[] | select(.kind==\"add_signal\" and .proposer==\"olga\") | .subject_ref")" = "$SIG" ] ||
	fail "add_signal not about $SIG"
on b 'Pending decisions .*due 8' 10 || fail "b never showed the 8 proposals: $(cat "$T/last-screen.txt")"

# 5. every verb undone within the hold, on a dashboard holding 30 s (so u is always
# in time): nothing reaches the server, and it quits without asking (nothing left)
on a 'outbox 0 ' 20 || fail "a's outbox did not drain"
POSTS0=$(grep -c 'POST /v1/' "$T/access.log")
dash u "$T/officer.token" 120 32 --hold 30
on u 'olga/officer' 20 || fail "u not live: $(cat "$T/last-screen.txt")"
undo_check() { # what
	on u 'queued' 10 || fail "$1 not queued: $(cat "$T/last-screen.txt")"
	k u u
	on u 'undone: 1 action never sent' 10 || fail "$1 not undone: $(cat "$T/last-screen.txt")"
}
k u I && k u -l 'UNDONE declare' && k u C-d y && undo_check declare
k u E && k u -l ' UNDONE update' && k u C-d y && undo_check update
k u n && k u -l 'UNDONE note' && k u C-d y && undo_check note
k u R && k u Tab Tab && k u -l 'UNDONE report' && k u C-d y && undo_check report
k u P && k u Tab && k u C-u && k u -l 'UNDONE proposal' && k u C-d y && undo_check propose
k u 5 && k u g && k u x && k u -l 'UNDONE dismiss' && k u Enter && undo_check dismiss
k u g && k u t && k u -l 'UNDONE triage' && k u Enter && undo_check triage
k u q
wait_for 10 test -s "$T/u.rc" || fail "u did not quit at once (something left?): $(scr u | tail -n 3)"
[ "$(cat "$T/u.rc")" = 0 ] || fail "u exited $(cat "$T/u.rc")"
[ "$(cat "$XDG_STATE_HOME"/u/watchfloor/*/outbox.log | grep -c '"why":"undo"')" = 7 ] ||
	fail "undo records: $(cat "$XDG_STATE_HOME"/u/watchfloor/*/outbox.log)"
snap | grep -q UNDONE && fail "an undone verb reached the server: $(snap | grep -o '.\{60\}UNDONE.\{20\}')"
[ "$(grep -c 'POST /v1/' "$T/access.log")" = "$POSTS0" ] ||
	fail "POSTs after the undos: $(tail -n 8 "$T/access.log")"

# 6. kill -9 with a note in the outbox: the next start delivers it once
k a q
quit_a() {
	[ -s "$T/a.rc" ] && return 0
	scr a | grep -q 'quit anyway' && k a y
	return 1
}
wait_for 10 quit_a || fail "a did not quit"
[ "$(cat "$T/a.rc")" = 0 ] || fail "a exited $(cat "$T/a.rc"): $(tail -n 5 "$T/a.err")"
dash c "$T/officer.token" 80 24 --hold 60
XDG_C="$XDG_STATE_HOME/c"
on c 'olga/officer' 20 || fail "c not live"
k c n
k c -l 'KILL9 note'
k c C-d y
on c 'note on .* queued' 10 || fail "c: note not queued: $(cat "$T/last-screen.txt")"
PANE=$(tm list-panes -t c -F '#{pane_pid}')
PID=$(pgrep -P "$PANE" -x watchfloor)
[ -n "$PID" ] || fail "no watchfloor under $PANE"
kill -9 "$PID"
wait_for 5 test -s "$T/c.rc" || fail "c did not die"
cat "$XDG_C"/watchfloor/*/outbox.log | grep -q "KILL9 note" || fail "the note is not in c's outbox"
[ "$(count '[.reports[] | select(.text=="KILL9 note")] | length')" = 0 ] || fail "sent before the kill"
rm -f "$T/c.rc"
tm kill-session -t c 2>/dev/null || true
dash c "$T/officer.token" 80 24 --hold 60
wait_for 20 has '[.reports[] | select(.text=="KILL9 note")] | length' ||
	fail "the note in the outbox was never delivered after the restart"
on c 'outbox 0 ' 10 || fail "c's outbox did not drain: $(cat "$T/last-screen.txt")"
[ "$(count '[.reports[] | select(.text=="KILL9 note")] | length')" = 1 ] || fail "delivered twice"
k c q
wait_for 10 test -s "$T/c.rc" || fail "c did not quit"
for n in b; do k $n q; done
wait_for 10 test -s "$T/b.rc" || fail "b did not quit"
for n in a b c u; do
	grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$T/$n.err" && fail "sanitizer ($n): $(head -n 20 "$T/$n.err")"
done
echo "tui_verbs: ok ($INC declared, note, $REP triaged, 8 proposals, 7 undos, kill -9 delivered once)"
