#!/bin/sh
# server_early.sh - route, token, role and rate are checked as soon as the headers
# are in: a 401/403/404/405/429 goes out without the body being read (else any
# client could make the server buffer 1 MiB a connection), and only write routes
# take a body. The bodies are uploaded slowly (curl --limit-rate, no Expect: header)
# and curl's upload count shows the server answered before taking them.
set -eu
. tests/integration/lib.sh
wf_setup
start_server

head -c 921600 /dev/zero | tr '\0' ' ' >"$T/big" # 900 KiB, under the 1 MiB limit
SIZE=921600

# slow STATUS TOKEN PATH [curl args]: a slow POST of $T/big answered STATUS before
# half of it was sent.
slow() {
	want=$1 tok=$2 path=$3
	shift 3
	if [ -n "$tok" ]; then set -- -H "Authorization: Bearer $tok" "$@"; fi
	out=$(curl -sS -o "$T/body" -w '%{http_code} %{size_upload}' --limit-rate 100k \
		-m 30 -H 'Expect:' -H 'Content-Type: application/json' \
		--data-binary "@$T/big" "$@" "$URL$path") || fail "curl failed on $path"
	got=${out% *}
	sent=${out#* }
	[ "$got" = "$want" ] || fail "POST $path: want $want, got $got: $(head -c 300 "$T/body")"
	[ "$sent" -lt $((SIZE / 2)) ] ||
		fail "POST $path: $want only after the client sent $sent of $SIZE bytes"
}

slow 401 "" /v1/incidents
body_has '.error.code == "unauthorized"'
slow 401 "not-a-token" /v1/sightings
slow 403 "$VIEWER" /v1/incidents
body_has '.error.code == "forbidden"'
slow 403 "$PLAT_FB" /v1/decisions
slow 404 "$OFFICER" /v1/nowhere
body_has '.error.code == "not_found"'
slow 405 "$OFFICER" /v1/snapshot
body_has '.error.code == "method_not_allowed"'

# Reads take no body (answered at once as well).
slow 400 "$VIEWER" /v1/snapshot -X GET
body_has '.error.code == "bad_request"'
expect 200 "$VIEWER" GET /v1/snapshot
expect 200 "$VIEWER" GET /v1/snapshot -H 'Content-Length: 0'

# A write route still takes a large body.
{
	printf '{"title":"big body"'
	cat "$T/big"
	printf '}'
} >"$T/big.json"
expect 201 "$OFFICER" POST /v1/incidents "@$T/big.json"
body_has '.title == "big body"'
# ... and the server still serves everyone after the early answers.
expect 200 "" GET /v1/health

# Over the rate: 429 before the body too (at 0.2 a second a bucket never holds a
# whole request, so every request with a token is over it).
stop_server
start_server --rate-limit 0.2
slow 429 "$ADMIN" /v1/incidents
body_has '.error.code == "rate_limited"'

stop_server
echo "server_early: ok"
