#!/bin/sh
# net_export_text.sh - text beyond ASCII and hostile text in --batch and the exports:
# an incident titled with CJK, an accent and an emoji plus ESC ] 0 ; ... BEL, U+009B
# (CSI as C1), U+202E and DEL. --batch (text) in a UTF-8 locale keeps the letters
# (it printed '?' for each: batch mode never took the locale); the Markdown record
# keeps them in a UTF-8 locale and in the C locale (the file is UTF-8; each was
# U+FFFD); the JSON and STIX exports on stdout hold no raw control, C1, bidi or DEL
# byte (escaped as \uXXXX: they reached the terminal raw) and decode to the title.
# The incident has no signal yet: its record called qsort(NULL, 0) (server/record.c),
# which the UBSan build of CI turns into a crash of watchfloord.
. tests/lib/net_helpers.sh
command -v python3 >/dev/null || { echo "skip: no python3"; exit 0; }
start_server
python3 -c 'import json; print(json.dumps({"title": "東京 café 👮 x\u001b]0;PWNED\u0007\u009b31m\u202eevil\u007f", "location": "Zürich", "tier": "incident", "summary": "naïve 日本語"}))' >"$T/inc.body"
api POST /v1/incidents "$(cat "$T/inc.body")" >"$T/inc.json"
INC=$(jq -r .id "$T/inc.json")
[ "$INC" != null ] || fail "incident: $(cat "$T/inc.json")"

# No ESC, BEL, C1 (as UTF-8), bidi override or DEL byte in FILE.
clean() {
	python3 - "$1" <<'PY'
import re, sys
b = open(sys.argv[1], "rb").read()
bad = re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]", b)
if bad:
    sys.exit("byte %r at %d: %r" % (bad.group(0), bad.start(), b[max(0, bad.start() - 20):bad.start() + 20]))
PY
}
LC_ALL=C.UTF-8 "$WF" --batch --iterations 1 --token-file "$T/officer.token" "$URL" >"$T/batch.txt" 2>"$T/batch.err" ||
	fail "--batch: $(cat "$T/batch.err")"
grep -q '東京 café 👮 x' "$T/batch.txt" || fail "--batch lost the letters: $(grep -a 'x' "$T/batch.txt" | head -n 3)"
clean "$T/batch.txt" || fail "--batch printed a control"
for loc in C.UTF-8 C; do
	LC_ALL=$loc "$WF" --batch --export "$INC" --format md --token-file "$T/officer.token" "$URL" >"$T/r.md" 2>"$T/md.err" ||
		fail "md ($loc): $(cat "$T/md.err")"
	head -n 1 "$T/r.md" | grep -q '^# Incident record: 東京 café 👮 x' || fail "md ($loc) lost the letters: $(head -n 1 "$T/r.md")"
	grep -q 'Location: Zürich' "$T/r.md" || fail "md ($loc): location $(grep Location "$T/r.md")"
	grep -q 'naïve 日本語' "$T/r.md" || fail "md ($loc): summary"
	clean "$T/r.md" || fail "md ($loc) holds a control"
done
want=$(jq -r .title "$T/inc.body")
for f in json stix; do
	"$WF" --batch --export "$INC" --format $f --token-file "$T/officer.token" "$URL" >"$T/r.$f" 2>"$T/$f.err" ||
		fail "$f: $(cat "$T/$f.err")"
	clean "$T/r.$f" || fail "$f export: a raw control reaches stdout"
done
[ "$(jq -r .incident.title "$T/r.json")" = "$want" ] || fail "json: the title changed: $(jq .incident.title "$T/r.json")"
[ "$(jq -r '.objects[] | select(.type == "incident") | .name' "$T/r.stix")" = "$want" ] ||
	fail "stix: the incident's name changed: $(jq -c '.objects[] | select(.type == "incident") | .name' "$T/r.stix")"
stop_server
echo "net_export_text: OK"
