#!/bin/sh
# server_auth.sh - the auth matrix: every role (and no token, an unknown token, a
# platform acting for another platform) against every endpoint, with the status
# docs/protocol.md gives; a malformed tokens file stops the server naming its line;
# no token ever appears in the access log; a token over its --rate-limit gets 429.
set -eu
. tests/integration/lib.sh
wf_setup
start_server --log "$T/access.log"

expect 201 "$ADMIN" POST /v1/incidents '{"title":"auth matrix"}'
INC=$(jq -r .id "$T/body")
expect 201 "$ADMIN" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-fb\"}"
SIG=$(jq -r .id "$T/body")
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# A fresh resource for endpoints that change it (made by the admin).
new_report() { req "$ADMIN" POST /v1/reports '{"kind":"referral","text":"r"}' >/dev/null; jq -r .id "$T/body"; }
new_decision() { req "$ADMIN" POST /v1/decisions '{"kind":"conclude","subject":"s"}' >/dev/null; jq -r .id "$T/body"; }

# call TOKEN ENDPOINT: prints the status.
call() {
	case $2 in
	health) req "$1" GET /v1/health ;;
	whoami) req "$1" GET /v1/whoami ;;
	rules) req "$1" GET /v1/rules ;;
	snapshot) req "$1" GET /v1/snapshot ;;
	events) req "$1" GET '/v1/events?after=0&wait=0' -H 'Accept: application/json' ;;
	sightings) req "$1" POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[{\"signal_id\":\"$SIG\",\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"$NOW\"}]}" ;;
	signals) req "$1" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"00112233445566778899aabbccddeeff\",\"quality\":90,\"variant_id\":\"v2\",\"platform_id\":\"p-fb\"}" ;;
	candidate) req "$1" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"00112233445566778899aabbccddee00\",\"quality\":90,\"variant_id\":\"v3\",\"platform_id\":\"p-fb\",\"candidate\":true}" ;;
	reports) req "$1" POST /v1/reports "{\"kind\":\"referral\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"t\"}" ;;
	triage) r=$(new_report); req "$1" POST "/v1/reports/$r/triage" '{"state":"triaged","reason":"ok","version":1}' ;;
	incident_new) req "$1" POST /v1/incidents '{"title":"t"}' ;;
	incident_upd)
		req "$ADMIN" GET /v1/snapshot >/dev/null
		v=$(jq ".incidents[] | select(.id == \"$INC\") | .version" "$T/body")
		req "$1" POST "/v1/incidents/$INC" "{\"summary\":\"s\",\"version\":$v}" ;;
	decision_new) req "$1" POST /v1/decisions '{"kind":"activate","subject":"s"}' ;;
	resolve) d=$(new_decision); req "$1" POST "/v1/decisions/$d/resolve" '{"action":"approve","version":1}' ;;
	esac
}

# Expected statuses, one column per caller:
#            none bad viewer officer fb(own) yt(other) admin
matrix='
health       200 200 200 200 200 200 200
whoami       401 401 200 200 200 200 200
rules        401 401 200 200 200 200 200
snapshot     401 401 200 200 200 200 200
events       401 401 200 200 200 200 200
sightings    401 401 403 403 202 403 202
signals      401 401 403 201 201 403 201
candidate    401 401 403 201 201 403 201
reports      401 401 403 201 201 403 201
triage       401 401 403 200 403 403 200
incident_new 401 401 403 201 403 403 201
incident_upd 401 401 403 200 403 403 200
decision_new 401 401 403 201 403 403 201
resolve      401 401 403 200 403 403 200
'
echo "$matrix" | while read -r ep none bad viewer officer fb yt admin; do
	[ -n "$ep" ] || continue
	for who in none bad viewer officer fb yt admin; do
		case $who in
		none) tok= want=$none ;;
		bad) tok=bogus-token want=$bad ;;
		viewer) tok=$VIEWER want=$viewer ;;
		officer) tok=$OFFICER want=$officer ;;
		fb) tok=$PLAT_FB want=$fb ;;
		yt) tok=$PLAT_YT want=$yt ;;
		admin) tok=$ADMIN want=$admin ;;
		esac
		got=$(call "$tok" "$ep")
		[ "$got" = "$want" ] || fail "$ep as $who: want $want, got $got: $(head -c 200 "$T/body")"
		case $want in
		401) jq -e '.error.code == "unauthorized"' "$T/body" >/dev/null || fail "$ep as $who: error body" ;;
		403) jq -e '.error.code == "forbidden"' "$T/body" >/dev/null || fail "$ep as $who: error body" ;;
		esac
	done
	echo "$ep: ok"
done

# Tokens never reach the log; token owners' names do.
for tok in "$VIEWER" "$OFFICER" "$ADMIN" "$PLAT_FB" "$PLAT_YT" bogus-token; do
	! grep -q -- "$tok" "$T/access.log" || fail "a token appears in the access log"
done
grep -q ' olga$' "$T/access.log" || fail "the access log does not name token owners"
stop_server

# Rate limit: a token over its budget gets 429 with Retry-After; others do not.
start_server --rate-limit 1 # bursts of 2: the loop may take up to 18 s and still get 10 429s
n429=0
i=0
while [ $i -lt 30 ]; do
	s=$(req "$OFFICER" GET /v1/whoami -D "$T/headers")
	if [ "$s" = 429 ]; then
		n429=$((n429 + 1))
		body_has '.error.code == "rate_limited"'
		grep -qi '^retry-after: [1-9]' "$T/headers" || fail "429 without Retry-After"
	fi
	i=$((i + 1))
done
[ "$n429" -ge 10 ] || fail "only $n429 of 30 quick requests were limited at 1/s"
expect 200 "$VIEWER" GET /v1/whoami
expect 200 "" GET /v1/health
stop_server

# A malformed tokens file stops the server with the line number.
cp "$T/tokens" "$T/tokens.good"
printf '# comment\n\nnot-a-hash officer x\n' >"$T/tokens"
if "$WFD" --listen 127.0.0.1:0 --db "$T/cc.db" --tokens "$T/tokens" >"$T/bad.out" 2>"$T/bad.err"; then
	fail "started with a malformed tokens file"
fi
grep -q ':3:' "$T/bad.err" || fail "no line number: $(cat "$T/bad.err")"
token_line x superuser eve >"$T/tokens"
! "$WFD" --listen 127.0.0.1:0 --db "$T/cc.db" --tokens "$T/tokens" >/dev/null 2>"$T/bad.err" || fail "accepted role superuser"
grep -q ':1:.*role' "$T/bad.err" || fail "bad role message: $(cat "$T/bad.err")"
token_line x platform eve >"$T/tokens"
! "$WFD" --listen 127.0.0.1:0 --db "$T/cc.db" --tokens "$T/tokens" >/dev/null 2>"$T/bad.err" || fail "accepted a platform token without platform id"
echo "ok"
