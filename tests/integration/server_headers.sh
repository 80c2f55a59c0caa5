#!/bin/sh
# server_headers.sh - header hygiene in watchfloord, over raw sockets
# (tests/tools/raw_http.py): optional whitespace around a value is not part of it (a
# valid token followed by a space and a tab is accepted, "Last-Event-ID: 1 " is 1); a
# space before the colon, a control byte, a NUL inside a value and an obs-fold line
# are 400, on the first request of a connection and on a later one (keep-alive,
# pipelined: the answers before it come first, in order); ambiguous framing is
# refused; chunked bodies, trailers and half-closed connections still work. The
# refused are counted (/v1/health malformed_requests) and logged. The relay under
# load: hostile clients, early answers while bodies still come, pipelined bulk with a
# FIN, a stop with requests mid-body, running out of descriptors. The same over TLS,
# which the relay terminates. --header-check library shows what libmicrohttpd 0.9.75
# alone lets through (the NUL case), plain and over its own TLS.
. tests/integration/lib.sh
wf_setup
start_server --heartbeat 1 --log "$T/access.log"
PORT=${LISTEN##*:}
expect 201 "$OFFICER" POST /v1/incidents '{"title":"T","location":"","tier":"incident","state":"active","summary":""}'
raw() { # [flags] REQUEST...: the answers' statuses and eof/open, one a line, joined by spaces
	/usr/bin/python3 tests/tools/raw_http.py "$@" | tr '\n' ' ' | sed 's/ $//'
}
want() { # WANT NAME [flags] PORT REQUEST...
	w=$1 name=$2
	shift 2
	got=$(raw "$@")
	[ "$got" = "$w" ] || fail "$name: want '$w', got '$got'"
}
H='Host: x\r\n'
A="Authorization: Bearer $OFFICER\r\n"
WHO="GET /v1/whoami HTTP/1.1\r\n${H}${A}\r\n"
EV='GET /v1/events?wait=0 HTTP/1.1\r\n'"${H}${A}"'Accept: application/json\r\n'

# Optional whitespace, a space before the colon, control bytes (as before the relay).
want "200 open" "a plain token" "$PORT" "$WHO"
want "200 open" "a token with trailing space and tab" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER \t\r\n\r\n"
want "200 open" "leading whitespace" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: \t  Bearer $OFFICER\r\n\r\n"
want "200 open" "Last-Event-ID with trailing space" "$PORT" "${EV}Last-Event-ID: 1 \r\n\r\n"
want "400 open" "a bad Last-Event-ID" "$PORT" "${EV}Last-Event-ID: 1 x\r\n\r\n"
want "400 eof" "a space before the colon" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization : Bearer $OFFICER\r\n\r\n"
want "400 eof" "a tab before the colon" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note\t: a\r\n${A}\r\n"
want "400 eof" "a control character in a value" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note: a\x01b\r\n${A}\r\n"
want "400 open" "a too long Idempotency-Key" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Type: application/json\r\nIdempotency-Key: $(printf 'k%.0s' $(seq 1 140))\r\nContent-Length: 2\r\n\r\n{}"
want "400 eof" "a bad name on any path" "$PORT" "GET /nope HTTP/1.1\r\n${H}Bad Name: x\r\n\r\n"

# Issue 10 item 3: a NUL inside a value, an obsolete folded line.
want "400 eof" "a NUL after a valid token" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\x00junk\r\n\r\n"
want "400 eof" "Last-Event-ID 20 NUL junk" "$PORT" "${EV}Last-Event-ID: 20\x00junk\r\n\r\n"
want "400 eof" "an obs-fold Last-Event-ID" "$PORT" "${EV}Last-Event-ID: 20\r\n 0\r\n\r\n"
want "400 eof" "an obs-fold line with a tab" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note: a\r\n\tb\r\n${A}\r\n"
want "400 eof" "whitespace before the first field" "$PORT" "GET /v1/whoami HTTP/1.1\r\n ${H}${A}\r\n"
want "400 eof" "a bare CR in a value" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note: a\rb\r\n${A}\r\n"
body=$(/usr/bin/python3 tests/tools/raw_http.py --body "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\x00junk\r\n\r\n" | sed -n 1p)
printf '%s' "$body" | grep -q '^400 {"error":{"code":"bad_request","message":"header .Authorization.: a NUL byte in the value"}}$' ||
	fail "the NUL's answer names the field and the fault: $body"
body=$(/usr/bin/python3 tests/tools/raw_http.py --body "$PORT" "GET /taxii2/ HTTP/1.1\r\n${H}X-Note: a\r\n b\r\n\r\n" | sed -n 1p)
printf '%s' "$body" | grep -q '"title":"Bad Request".*obsolete line folding.*"http_status":"400"' ||
	fail "under /taxii2/ the refusal is a TAXII error: $body"

# On a keep-alive connection: the answers before a refused request come first.
want "200 200 400 eof" "keep-alive: two good, then a NUL" "$PORT" "$WHO" "$WHO" "GET /v1/whoami HTTP/1.1\r\n${H}X-Note: a\x00\r\n${A}\r\n"
want "200 200 400 eof" "pipelined: two good, then a fold" --pipeline "$PORT" "$WHO" "$WHO" "${EV}Last-Event-ID: 20\r\n 0\r\n\r\n"
want "200 200 200 open" "pipelined: three good" --pipeline "$PORT" "$WHO" "$WHO" "$WHO"
want "200 eof" "half-closed after a request: answered, then closed" --half-close "$PORT" "$WHO"
# The request and the client's FIN often come in one edge: 300 times, each closed.
/usr/bin/python3 - "$PORT" "$OFFICER" <<'PY' || fail "a half-closed connection was left open"
import socket, sys
port, tok = int(sys.argv[1]), sys.argv[2]
req = ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % tok).encode()
stuck = 0
for i in range(300):
    s = socket.create_connection(("127.0.0.1", port))
    s.settimeout(2)
    s.sendall(req)
    s.shutdown(socket.SHUT_WR)
    try:
        while s.recv(65536):
            pass
    except socket.timeout:
        stuck += 1
        if stuck == 3:
            break
    s.close()
sys.exit(1 if stuck else 0)
PY

# An early answer (401 on the headers) while bodies still trickle in, as curl sends
# them, on 20 connections at once: libmicrohttpd closes with the body unread; every
# answer must still reach its client. (The relay lost it when its next send to
# libmicrohttpd failed before it read the answer: a race, which this load catches
# now and then on a build that has it, more often under ASan; server_early too.)
/usr/bin/python3 - "$PORT" <<'PY' || fail "an early 401 was lost while the body was coming"
import socket, sys, threading, time
port = int(sys.argv[1])
got = []
def client():
    for i in range(5):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /v1/incidents HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  b"application/json\r\nContent-Length: 921600\r\n\r\n")
        try:
            for k in range(40):
                s.sendall(b" " * 16384)
                time.sleep(0.002)
        except OSError:
            pass
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        got.append(data.startswith(b"HTTP/1.1 401"))
        s.close()
threads = [threading.Thread(target=client) for _ in range(20)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("early 401 received %d of %d" % (sum(got), len(got)))
sys.exit(0 if all(got) and len(got) == 100 else 1)
PY

# Framing: chunked bodies and trailers go through; what two readers could disagree on
# is refused.
INC='{"title":"Chunked","location":"","tier":"incident","state":"active","summary":""}'
len=$(printf '%s' "$INC" | wc -c)
n=$(printf '%x' "$len")
want "201 400 eof" "a body, then a refused request" --pipeline "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Type: application/json\r\nContent-Length: $len\r\n\r\n$INC" "GET /v1/whoami HTTP/1.1\r\n${H}X: \x00\r\n\r\n"
want "201 201 open" "chunked bodies, with a trailer" "$PORT" \
	"POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n$n\r\n$INC\r\n0\r\n\r\n" \
	"POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\n$(printf '%s' "$INC" | cut -c1-4)\r\n$(printf '%x' $(($(printf '%s' "$INC" | wc -c) - 4)))\r\n$(printf '%s' "$INC" | cut -c5-)\r\n0\r\nX-Trailer: t\r\n\r\n"
want "400 eof" "a NUL in a trailer" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-T: \x00\r\n\r\n"
want "400 eof" "Content-Length and Transfer-Encoding" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
want "400 eof" "two different Content-Length" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
want "400 eof" "a malformed chunk size" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
want "400 eof" "chunked with a space after it" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Transfer-Encoding: chunked \r\n\r\n2\r\n{}\r\n0\r\n\r\n$WHO"
want "501 eof" "a coding other than chunked" "$PORT" "POST /v1/incidents HTTP/1.1\r\n${H}${A}Transfer-Encoding: gzip\r\n\r\n"
want "505 eof" "HTTP/2.0 in the request line" "$PORT" "GET /v1/whoami HTTP/2.0\r\n${H}\r\n"
want "431 eof" "a header block over 32 KiB" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}X-Big: $(head -c 33000 /dev/zero | tr '\0' a)\r\n\r\n"

[ "$(curl -s "$URL/v1/health" | jq .malformed_requests)" = 23 ] || fail "health malformed_requests: want 23"

# Hostile clients: random bytes, requests cut anywhere, resets before reading,
# half-closes, 300 connections (seeded, bounded); then the server still answers.
/usr/bin/python3 - "$PORT" "$OFFICER" <<'PY' || fail "the hostile clients' run failed"
import random, socket, struct, sys
port, tok = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(10)
good = ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % tok).encode()
post = (b"POST /v1/incidents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Authorization: Bearer " + tok.encode() + b"\r\n\r\n5\r\n{\"a\":\r\n0\r\n\r\n")
for i in range(300):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    mode = rnd.randrange(5)
    if mode == 0:
        data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 3000)))
    elif mode == 1:
        data = (good * 3 + post)[: rnd.randrange(1, 3 * len(good) + len(post))]
    else:
        data = bytearray(good + post + good)
        for _ in range(rnd.randrange(1, 4)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        data = bytes(data)
    try:
        s.sendall(data)
        if mode == 2:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == 3:
            s.shutdown(socket.SHUT_WR)
            while s.recv(65536):
                pass
        elif mode == 4 and i % 10 == 0:
            s.recv(65536)
    except OSError:
        pass
    s.close()
PY
want "200 open" "a plain token after the hostile clients" "$PORT" "$WHO"

# Counted and logged; the stream goes on for everyone else.
got=$(curl -s "$URL/v1/health" | jq .malformed_requests)
[ "$got" -gt 23 ] || fail "health malformed_requests: want over 23, got $got"
grep -q ' GET /v1/whoami 400 0ms -$' "$T/access.log" || fail "the refusal is not in the access log"
expect 200 "$OFFICER" GET /v1/snapshot
stop_server

start_server --rate-limit 0
PORT=${LISTEN##*:}
# Bulk: 200 pipelined requests then the client's FIN, 40 connections from 4 threads
# (a connection is cut short after 16 rounds and pumped again: it may be closed in
# the same turn, and must then not be touched again); every answer arrives, and
# each connection is closed once its answers are out (libmicrohttpd alone keeps a
# half-closed one open). No rate limit here: past it libmicrohttpd closes after a 429.
/usr/bin/python3 - "$PORT" "$OFFICER" <<'PY' || fail "the pipelined bulk lost answers"
import socket, sys, threading
port, tok = int(sys.argv[1]), sys.argv[2]
req = ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % tok).encode()
bad = []
def client():
    for k in range(10):
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        s.sendall(req * 200)
        s.shutdown(socket.SHUT_WR)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        if data.count(b"HTTP/1.1 200") != 200:
            bad.append(data.count(b"HTTP/1.1 200"))
        s.close()
threads = [threading.Thread(target=client) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
if bad:
    print("answers on the connections that lost some:", bad)
sys.exit(1 if bad else 0)
PY

# A stop while 20 requests wait for the rest of their bodies: libmicrohttpd ends
# them as it stops, counting into the relay, which must still be there (ASan).
/usr/bin/python3 - "$PORT" "$OFFICER" "$T/held" <<'PY' &
import socket, sys, time
port, tok, flag = int(sys.argv[1]), sys.argv[2], sys.argv[3]
socks = []
for i in range(20):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("POST /v1/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
               "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ti" % tok).encode())
    socks.append(s)
open(flag, "w").close()
time.sleep(30)
PY
BG_PIDS="$BG_PIDS $!"
wait_for 10 test -e "$T/held" || fail "the held requests did not start"
sleep 0.5
stop_server

# Out of descriptors: the relay cannot accept, the connections wait in the backlog
# (a readable listening socket): it pauses instead of spinning, and accepts again
# once descriptors are free.
start_server --rate-limit 0
PORT=${LISTEN##*:}
prlimit --pid "$SERVER_PID" --nofile=96:96 || fail "prlimit failed"
/usr/bin/python3 - "$PORT" "$SERVER_PID" "$OFFICER" <<'PY' || fail "out of descriptors"
import os, socket, sys, time
port, pid, tok = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def cpu():
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
held = [socket.create_connection(("127.0.0.1", port)) for _ in range(60)]
time.sleep(0.5)
c0 = cpu()
time.sleep(2)
used = cpu() - c0
for s in held:
    s.close()
req = ("GET /v1/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % tok).encode()
ok = False
deadline = time.monotonic() + 5
while not ok and time.monotonic() < deadline:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(req)
        ok = s.recv(100).startswith(b"HTTP/1.1 200")
        s.close()
    except OSError:
        time.sleep(0.1)
print("CPU %.2f s in 2 s with connections waiting; accepting again: %s" % (used, ok))
sys.exit(0 if used < 0.5 and ok else 1)
PY
stop_server

# Over TLS the relay terminates it (OpenSSL): the same checks hold on HTTPS.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
	>/dev/null 2>&1 || fail "openssl could not make a certificate"
start_server --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
PORT=${LISTEN##*:}
TLS="--tls $T/cert.pem"
want "200 open" "TLS: a plain token" $TLS "$PORT" "$WHO"
want "400 eof" "TLS: a NUL after a valid token" $TLS "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\x00junk\r\n\r\n"
want "200 200 400 eof" "TLS: keep-alive, then an obs-fold" $TLS "$PORT" "$WHO" "$WHO" "${EV}Last-Event-ID: 20\r\n 0\r\n\r\n"
want "200 200 400 eof" "TLS: pipelined, then a NUL" --pipeline $TLS "$PORT" "$WHO" "$WHO" "${EV}Last-Event-ID: 20\x00junk\r\n\r\n"
[ "$(curl -s --cacert "$T/cert.pem" "$URL/v1/health" | jq .malformed_requests)" = 3 ] ||
	fail "TLS: malformed_requests is not 3"
stop_server
# libmicrohttpd's own TLS (GnuTLS) with --header-check library: the NUL passes.
start_server --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --header-check library
PORT=${LISTEN##*:}
want "200 open" "TLS, library: a NUL after a valid token passes" $TLS "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\x00junk\r\n\r\n"
stop_server

# What libmicrohttpd alone does with a NUL: cuts the value there (200), uncounted.
start_server --header-check library
PORT=${LISTEN##*:}
want "200 open" "library: a NUL after a valid token passes" "$PORT" "GET /v1/whoami HTTP/1.1\r\n${H}Authorization: Bearer $OFFICER\x00junk\r\n\r\n"
[ "$(curl -s "$URL/v1/health" | jq .malformed_requests)" = null ] || fail "library: malformed_requests is not null"
stop_server
echo "ok: NUL, obs-fold, whitespace before the colon, control bytes: 400 on any request of a connection; framing checked; counted"
