#!/bin/sh
# net_hostile.sh - server text never reaches the terminal raw in batch mode: a fake
# backend (python3) whose error messages and data carry ESC ] 0 ; ... BEL, ESC [ 2 J,
# U+009B (CSI as C1), DEL and U+202E. The --resolve report and the stop message on
# stderr hold none of these bytes, and --batch --json stdout holds only ASCII (C1,
# bidi and DEL escaped as \uXXXX, the text itself kept).
. tests/lib/net_helpers.sh
command -v python3 >/dev/null || { echo "skip: no python3"; exit 0; }
start_server
seed
api GET /v1/snapshot >"$T/snap.json" || fail "snapshot"
kill_server 9

# The fake: whoami and the real snapshot (its subject made hostile), POSTs refused
# with a hostile message; with MODE=401 everything is refused so.
cat >"$T/fake.py" <<'PY'
import http.server, json, os, sys
HOSTILE = "x\x1b]0;PWNED\x07\x1b[2J\u009b31m\x7f\u202eevil\x1b[0m"
snap = json.load(open(sys.argv[1]))
for d in snap.get("decisions", []):
    d["subject"] = "S" + HOSTILE
mode = sys.argv[3]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, code, obj, raw=None):
        body = raw if raw is not None else json.dumps(obj, ensure_ascii=False).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def err(self, code):
        self.send(code, {"error": {"code": "x", "message": "no" + HOSTILE}})
    def do_GET(self):
        if mode == "401":
            return self.err(401)
        if self.path.startswith("/v1/whoami"):
            return self.send(200, {"name": "olga", "role": "officer", "platform_id": None})
        if self.path.startswith("/v1/snapshot"):
            return self.send(200, snap)
        self.err(404)
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.err(422)
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(s.server_address[1]))
s.serve_forever()
PY

fake() { # MODE: starts the fake, sets FAKE_URL
	rm -f "$T/port"
	python3 "$T/fake.py" "$T/snap.json" "$T/port" "$1" &
	bg_pid $!
	i=0
	until [ -s "$T/port" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the fake server did not start"
		sleep 0.1
	done
	FAKE_URL=http://127.0.0.1:$(cat "$T/port")
}

# bad FILE: true when FILE holds ESC, BEL, DEL or a C1 control (UTF-8 C2 80..9F).
bad() { LC_ALL=C grep -q "$(printf '[\033\007\177]')\|$(printf '\302')[$(printf '\200-\237')]" "$1"; }

fake ok
"$WF" --batch --json --poll=1 --hold 0 --iterations 1 --token-file "$T/officer.token" \
	--resolve "$DEC:approve:fine" "$FAKE_URL" >"$T/ok.out" 2>"$T/ok.err"
cat "$T/ok.err"
grep -q "resolve $DEC: failed HTTP 422: no" "$T/ok.err" || fail "no report of the refused vote"
bad "$T/ok.err" && fail "control bytes on stderr (resolve report)"
grep -q "PWNED" "$T/ok.out" || fail "the subject is missing from the JSON"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$T/ok.out" && fail "non-ASCII bytes in --batch --json"
bad "$T/ok.out" && fail "control bytes on stdout (--batch --json)"
jq -e '.pending_decisions[0].subject | contains("\u009b") and contains("\u202e") and contains("\u007f")' \
	"$T/ok.out" >/dev/null || fail "the subject's characters were not kept (escaped)"

fake 401
"$WF" --batch --json --iterations 1 --token-file "$T/officer.token" "$FAKE_URL" \
	>"$T/auth.out" 2>"$T/auth.err"
[ $? = 3 ] || fail "no stop with status 3"
cat "$T/auth.err"
grep -q "not authorized" "$T/auth.err" || fail "no stop message"
bad "$T/auth.err" && fail "control bytes on stderr (stop message)"
echo "ok: server text sanitized on stderr, --batch --json ASCII only"
