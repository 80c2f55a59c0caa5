#!/bin/sh
# server_ids.sh - ids in paths are checked like every other id (1..64 of
# [A-Za-z0-9._:-]; libmicrohttpd decodes %0a and %1b before we see them): a bad one
# is 404 not_found without the raw id echoed back, and the access log escapes what
# is not printable, so no request can forge a log line (the wall-display test reads
# that log to prove only GETs were made).
set -eu
. tests/integration/lib.sh
wf_setup
start_server --log "$T/access.log"

expect 201 "$OFFICER" POST /v1/incidents '{"title":"ids"}'
INC=$(jq -r .id "$T/body")
n_req=1
ESC=$(printf '\033')

# A newline in the id: would end the log line and start a forged "GET" one.
# (no "/" in it: that would split the path before the id is looked at)
FORGED="2026-01-01T00:00:00.000Z%20GET%20snapshot%20200%201ms%20val"
expect 404 "$OFFICER" POST "/v1/incidents/$INC%0a$FORGED" '{"state":"active","version":1}' --path-as-is
n_req=$((n_req + 1))
body_has '.error.code == "not_found"'
body_has '.error.message | (contains("snapshot") or contains("\n")) | not'
# An escape sequence in the id, on another route.
expect 404 "$OFFICER" POST "/v1/decisions/dec-1%1b%5b31mRED/resolve" '{"action":"approve","version":1}' --path-as-is
n_req=$((n_req + 1))
body_has '.error.code == "not_found"'
body_has '.error.message | contains("RED") | not'
! grep -q "$ESC" "$T/body" || fail "escape byte echoed in the answer"
# Too long (65) and bad characters; 64 is still an id (just not a known one).
LONG=$(head -c 65 /dev/zero | tr '\0' a)
expect 404 "$OFFICER" POST "/v1/incidents/$LONG" '{"state":"active","version":1}'
n_req=$((n_req + 1))
body_has ".error.message | contains(\"aaaa\") | not"
expect 404 "$OFFICER" POST "/v1/reports/r%20x/triage" '{"state":"triaged","version":1}'
n_req=$((n_req + 1))
body_has '.error.message | contains("r x") | not'
expect 404 "$OFFICER" POST "/v1/incidents/${LONG%a}" '{"state":"active","version":1}'
n_req=$((n_req + 1))
body_has '.error.code == "not_found"'
# A good id still works.
expect 200 "$OFFICER" POST "/v1/incidents/$INC" '{"state":"active","version":1}'
n_req=$((n_req + 1))
expect 200 "" GET "/v1/health"
n_req=$((n_req + 1))

stop_server
# One line a request, each of six fields: time method path status duration name.
lines=$(wc -l <"$T/access.log")
[ "$lines" -eq "$n_req" ] || fail "access log has $lines lines for $n_req requests: $(cat "$T/access.log")"
bad=$(LC_ALL=C grep -Evc '^[^ ]+ (GET|POST) [!-~]+ [0-9]{3} [0-9]+ms [!-~]+$' "$T/access.log" || true)
[ "$bad" -eq 0 ] || fail "access log lines not of the format: $(cat "$T/access.log")"
! grep -q "$ESC" "$T/access.log" || fail "escape byte in the access log"
grep -q "/v1/incidents/$INC\\\\x0a2026-01-01T00:00:00.000Z\\\\x20GET\\\\x20snapshot" "$T/access.log" ||
	fail "newline not escaped as \\x0a: $(cat "$T/access.log")"
grep -q '/v1/decisions/dec-1\\x1b\[31mRED/resolve 404' "$T/access.log" ||
	fail "escape not written as \\x1b: $(cat "$T/access.log")"
grep -q '/v1/reports/r\\x20x/triage 404' "$T/access.log" ||
	fail "space not written as \\x20: $(cat "$T/access.log")"
# The status logged is the one sent (201 for a create, 404 from the handler).
grep -q ' POST /v1/incidents 201 ' "$T/access.log" || fail "create not logged as 201"
grep -q " POST /v1/incidents/${LONG%a} 404 " "$T/access.log" ||
	fail "unknown incident not logged as 404: $(cat "$T/access.log")"
grep -q " POST /v1/incidents/$INC 200 " "$T/access.log" || fail "update not logged as 200"
echo "server_ids: ok"
