#!/bin/sh
# net_outbox.sh - decisions reach the server exactly once: a client killed (-9) with
# a vote still held in its outbox sends it on the next start (same idempotency key);
# a copy of the outbox from before the send, restored after it (a crash between the
# send and its removal), is sent again and changes nothing; a vote on a closed
# decision is kept as failed. Votes are counted on the server.
. tests/lib/net_helpers.sh
# the seeded decision is an activate: one organisation closes it here (the quorum
# itself is tested in server_quorum.sh; this test is about exactly-once delivery)
start_server --heartbeat 1 --quorum activate=1
seed
votes() { api GET /v1/snapshot | jq -r ".decisions[] | select(.id==\"$1\") | .votes | length"; }
OB=$XDG_STATE_HOME/watchfloor/$(echo "$URL" | sed 's/[^A-Za-z0-9.-]\{1,\}/_/g')/outbox.log

# 1. enqueue with a 60 s hold, kill -9 while held
"$WF" --batch --json --iterations 0 --interval 0.2 --hold 60 \
	--resolve "$DEC:note:seen by alice" --token-file "$T/officer.token" "$URL" \
	>"$T/a.out" 2>"$T/a.err" &
A=$!
bg_pid $A
i=0
until [ -s "$OB" ] && grep -q '"op":"add"' "$OB"; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "nothing in the outbox"; sleep 0.1
done
sleep 0.3
kill -9 $A
wait $A 2>/dev/null
[ "$(votes "$DEC")" = 0 ] || fail "sent during the hold"
cp "$OB" "$T/outbox.before"
grep -q "$OFFICER_TOKEN" "$OB" && fail "the token is in the outbox file"

# 2. restart: the pending vote is sent once
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/b.out" 2>"$T/b.err" || fail "second client: $(cat "$T/b.err")"
[ "$(votes "$DEC")" = 1 ] || fail "after restart: $(votes "$DEC") votes"
[ "$(tail -n 1 "$T/b.out" | jq -r .outbox.total)" -le 1 ] || fail "outbox count"

# 3. again: nothing left to send
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/c.out" 2>"$T/c.err" || fail "third client"
[ "$(votes "$DEC")" = 1 ] || fail "sent twice"
[ "$(tail -n 1 "$T/c.out" | jq -r .outbox.total)" = 0 ] || fail "outbox not empty"

# 4. crash between send and removal: the same key again changes nothing
cp "$T/outbox.before" "$OB"
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/d.out" 2>"$T/d.err" || fail "fourth client"
[ "$(votes "$DEC")" = 1 ] || fail "the idempotency key did not hold: $(votes "$DEC") votes"

# 5. a torn last line (a write cut by the crash) is ignored
printf '{"op":"add","id":99,"key":"torn' >>"$OB"
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/e.out" 2>"$T/e.err" || fail "torn outbox: $(cat "$T/e.err")"
grep -q torn "$OB" && fail "the torn line was not cut off"

# 5b. an unreadable line in the middle is not dropped silently: counted, said on
# stderr, shown in the JSON and kept in outbox.log.corrupt
printf 'not a record\n{"op":"del","id":98,"why":"drop"}\n' >>"$OB"
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" \
	>"$T/e2.out" 2>"$T/e2.err" || fail "corrupt outbox: $(cat "$T/e2.err")"
[ "$(tail -n 1 "$T/e2.out" | jq -r .outbox.corrupt)" = 1 ] || fail "corrupt line not counted"
grep -q '1 unreadable outbox line copied to' "$T/e2.err" || fail "corrupt line not said: $(cat "$T/e2.err")"
grep -qx 'not a record' "$OB.corrupt" || fail "corrupt line not kept aside"
grep -q 'not a record' "$OB" && fail "corrupt line still in the log"

# 6. approve closes it; a second approve is refused (422) and kept as failed
"$WF" --batch --json --iterations 1 --hold 0 --resolve "$DEC:approve:" \
	--token-file "$T/officer.token" "$URL" >"$T/f.out" 2>"$T/f.err" || fail "approve: $(cat "$T/f.err")"
[ "$(api GET /v1/snapshot | jq -r ".decisions[] | select(.id==\"$DEC\") | .state")" = approved ] || fail "not approved"
"$WF" --batch --json --iterations 1 --hold 0 --resolve "$DEC:approve:" \
	--token-file "$T/officer.token" "$URL" >"$T/g.out" 2>"$T/g.err" && fail "second approve succeeded"
grep -q 'failed HTTP 422' "$T/g.err" || fail "no failure shown: $(cat "$T/g.err")"
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$URL" >"$T/h.out" 2>"$T/h.err"
[ "$(tail -n 1 "$T/h.out" | jq -r .outbox.failed)" = 1 ] || fail "failed record not kept"
[ "$(votes "$DEC")" = 2 ] || fail "votes after approve: $(votes "$DEC")"

# 7. read-only refuses to send
"$WF" --batch --json --read-only --iterations 1 --resolve "$DEC:note:x" "$URL" 2>/dev/null &&
	fail "--resolve accepted read-only"
echo "ok: exactly once across kill -9, restored outbox and torn tail"
