#!/bin/sh
# server_headers.sh - header hygiene in watchfloord, over raw sockets: optional
# whitespace around a value is not part of it (a valid token followed by a space and
# a tab is accepted, "Last-Event-ID: 1 " is 1), a space before the colon and a control
# character in a value are 400. (A NUL inside a value and obs-fold continuation lines
# are not caught: libmicrohttpd 0.9.75 cuts the value at the NUL and folds a
# continuation into the field name before the server sees either; docs/protocol.md.)
. tests/integration/lib.sh
wf_setup
start_server --heartbeat 1
expect 201 "$OFFICER" POST /v1/incidents '{"title":"T","location":"","tier":"incident","state":"active","summary":""}'
status() { # REQUEST (printf format, CRLF as \r\n): prints the status code
	/usr/bin/python3 - "${LISTEN##*:}" "$1" <<'PY'
import socket, sys
req = sys.argv[2].encode().decode("unicode_escape").encode("latin-1")
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(req)
data = b""
while b"\r\n" not in data:
    chunk = s.recv(4096)
    if not chunk:
        break
    data += chunk
print(data.split(b" ")[1].decode() if data.startswith(b"HTTP/") else "none")
PY
}
want() { # STATUS NAME REQUEST
	got=$(status "$3")
	[ "$got" = "$1" ] || fail "$2: want $1, got $got"
}
H='Host: x\r\nConnection: close\r\n'
want 200 "a plain token" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\r\n\r\n"
want 200 "a token with trailing space and tab" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER \t\r\n\r\n"
want 200 "leading whitespace" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: \t  Bearer $OFFICER\r\n\r\n"
want 200 "Last-Event-ID with trailing space" "GET /v1/events?wait=0 HTTP/1.1\r\n${H}Accept: application/json\r\nAuthorization: Bearer $OFFICER\r\nLast-Event-ID: 1 \r\n\r\n"
want 400 "a bad Last-Event-ID" "GET /v1/events?wait=0 HTTP/1.1\r\n${H}Accept: application/json\r\nAuthorization: Bearer $OFFICER\r\nLast-Event-ID: 1 x\r\n\r\n"
want 400 "a space before the colon" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization : Bearer $OFFICER\r\n\r\n"
want 400 "a tab before the colon" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note\t: a\r\nAuthorization: Bearer $OFFICER\r\n\r\n"
want 400 "a control character in a value" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note: a\x01b\r\nAuthorization: Bearer $OFFICER\r\n\r\n"
want 400 "a too long Idempotency-Key" "POST /v1/incidents HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\r\nContent-Type: application/json\r\nIdempotency-Key: $(printf 'k%.0s' $(seq 1 140))\r\nContent-Length: 2\r\n\r\n{}"
want 400 "a bad name on any path" "GET /nope HTTP/1.1\r\n${H}Bad Name: x\r\n\r\n"
stop_server
echo "ok: trailing whitespace trimmed; space before colon, control characters: 400"
