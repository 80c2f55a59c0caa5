#!/bin/sh
# server_tokens.sh - `watchfloord token new|list|revoke` and the SIGHUP reload: a new
# token is random, printed once, its hash appended to a 0600 file; list never shows a
# token; revoke + SIGHUP: the revoked token gets 401 and its open SSE stream ends while
# another token's stream stays and still gets events; a broken file on reload keeps
# the tokens in force and logs the file's line.
set -eu
. tests/integration/lib.sh
wf_setup
rm -f "$T/tokens" # the tool writes the server's tokens file from scratch
TF=$T/tokens
tok() { "$WFD" token --tokens "$TF" "$@"; }

# new: the file is created 0600; each token is long, random and only in stdout.
ALICE=$(tok new officer alice p-fb 2>"$T/new.err")
grep -q 'added officer alice of p-fb' "$T/new.err" || fail "new: no confirmation: $(cat "$T/new.err")"
BOB=$(tok new officer bob p-yt 2>/dev/null)
PLAT=$(WATCHFLOORD_TOKENS=$TF "$WFD" token new platform fb-bot p-fb 2>/dev/null)
[ "$(stat -c %a "$TF")" = 600 ] || fail "tokens file mode $(stat -c %a "$TF"), want 600"
for t in "$ALICE" "$BOB" "$PLAT"; do
	[ ${#t} -ge 40 ] || fail "token too short: ${#t} characters"
	if grep -qF "$t" "$TF"; then fail "a token is in the tokens file"; fi
done
[ "$ALICE" != "$BOB" ] || fail "two new tokens are equal"
ahash=$(printf %s "$ALICE" | sha256sum | cut -d' ' -f1)
grep -qx "$ahash officer alice p-fb" "$TF" || fail "no hash line for alice: $(cat "$TF")"
[ "$(wc -l <"$TF")" = 3 ] || fail "want 3 lines: $(cat "$TF")"

# Refusals: same name twice, a platform without its id, a bad role; the file is kept.
if tok new viewer alice 2>"$T/dup.err"; then fail "a second token named alice"; fi
grep -q 'already has a token named alice' "$T/dup.err" || fail "dup: $(cat "$T/dup.err")"
if tok new platform nobody 2>/dev/null; then fail "platform token without ORG"; fi
if tok new chief carol 2>/dev/null; then fail "role chief accepted"; fi
if tok new officer 'two words' 2>/dev/null; then fail "name with a space accepted"; fi
[ "$(wc -l <"$TF")" = 3 ] || fail "a refused new changed the file"

# list: names, roles, orgs, fingerprints (the hash's first 16 hex), never a token.
tok list >"$T/list"
grep -Eq "^alice +officer +p-fb +${ahash%"${ahash#????????????????}"}$" "$T/list" ||
	fail "list: $(cat "$T/list")"
grep -Eq '^fb-bot +platform +p-fb ' "$T/list" || fail "list lacks fb-bot: $(cat "$T/list")"
for t in "$ALICE" "$BOB" "$PLAT"; do
	if grep -qF "$t" "$T/list"; then fail "list shows a token"; fi
done

# The server on the issued file; two SSE streams, alice's and bob's.
start_server
expect 200 "$ALICE" GET /v1/whoami
body_has '.name == "alice" and .role == "officer"'
expect 200 "$BOB" GET /v1/whoami
stream() { # TOKEN OUT
	curl -sN -H "Authorization: Bearer $1" -H 'Accept: text/event-stream' \
		"$URL/v1/events" >"$2" 2>/dev/null
}
stream "$ALICE" "$T/alice.sse" &
A_PID=$!
stream "$BOB" "$T/bob.sse" &
B_PID=$!
BG_PIDS="$A_PID $B_PID"
wait_for 10 grep -q '^retry:' "$T/alice.sse" || fail "alice's stream did not open"
wait_for 10 grep -q '^retry:' "$T/bob.sse" || fail "bob's stream did not open"

# A token added while it runs is unknown until SIGHUP.
CAROL=$(tok new viewer carol 2>/dev/null)
expect 401 "$CAROL" GET /v1/whoami

tok revoke alice 2>"$T/rev.err" || fail "revoke: $(cat "$T/rev.err")"
if grep -q ' alice ' "$T/tokens"; then fail "alice still in the file"; fi
if tok revoke alice 2>/dev/null; then fail "revoking alice twice succeeded"; fi
kill -HUP "$SERVER_PID"
logged() { grep -q "$1" "$T/server.err"; }
wait_for 10 logged 'SIGHUP: reloaded .*: 3 tokens, 1 streams of revoked tokens closed' ||
	fail "no reload line"
# alice's stream ends (curl exits), bob's goes on.
alice_ended() { ! kill -0 "$A_PID" 2>/dev/null; }
wait_for 10 alice_ended || fail "alice's stream is still open after revoke + SIGHUP"
kill -0 "$B_PID" 2>/dev/null || fail "bob's stream was closed too"
expect 401 "$ALICE" GET /v1/whoami
expect 200 "$CAROL" GET /v1/whoami
expect 200 "$BOB" GET /v1/whoami
# bob's stream still carries events.
expect 201 "$BOB" POST /v1/incidents '{"title":"after the reload"}'
wait_for 10 grep -q '^event: incident.opened' "$T/bob.sse" || fail "bob's stream got no event"
if grep -q '^event: incident.opened' "$T/alice.sse"; then fail "alice's stream got an event"; fi

# A broken file on reload: the tokens in force stay, the log names the line.
printf 'not-a-hash officer dave\n' >>"$T/tokens"
kill -HUP "$SERVER_PID"
wait_for 10 logged "tokens not reloaded: .*tokens:4: hash must be 64" ||
	fail "no log line naming the broken line: $(tail -n 3 "$T/server.err")"
expect 200 "$BOB" GET /v1/whoami
expect 200 "$CAROL" GET /v1/whoami
expect 401 "$ALICE" GET /v1/whoami
kill -0 "$B_PID" 2>/dev/null || fail "bob's stream closed by a failed reload"

kill "$B_PID" 2>/dev/null || true
stop_server
echo "server_tokens: ok"
