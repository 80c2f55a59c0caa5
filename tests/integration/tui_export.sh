#!/bin/sh
# tui_export.sh - `:export` in the dashboard (tmux, a real watchfloord): the
# selected incident's record written as Markdown, JSON and STIX to the files named,
# the path shown on the message line; a read-only dashboard may export too; an
# unknown format and an unwritable path are refused with a message; nothing is
# queued in the outbox (an export is a read).
. tests/lib/tui_helpers.sh
. tests/lib/interop_helpers.sh
start_server
seed_incident
tui_start 120 32 --read-only
wait_screen 'Interop test' 20 || fail "the incident is not on screen: $(cat "$T/last-screen.txt")"
keys 1 # the incidents pane; the only incident is selected

export_to() { # FORMAT FILE
	keys ':'
	keys "export $1 $2" Enter
	wait_for 20 test -s "$2" || fail ":export $1 wrote nothing: $(screen)"
	wait_screen "export: wrote $2" 10 || fail "no message naming $2: $(cat "$T/last-screen.txt")"
}
export_to md "$T/r.md"
head -n 1 "$T/r.md" | grep -q '^# Incident record: Interop test' || fail "markdown: $(head -n 2 "$T/r.md")"
export_to json "$T/r.json"
jq -e --arg i "$INC" '.incident.id == $i and (.figures.totals.attempts == 8)' "$T/r.json" >/dev/null ||
	fail "json: $(head -c 300 "$T/r.json")"
export_to stix "$T/r.stix.json"
jq -e '.type == "bundle" and ([.objects[] | select(.type == "indicator")] | length) == 6' "$T/r.stix.json" >/dev/null ||
	fail "stix: $(head -c 300 "$T/r.stix.json")"

keys ':'
keys "export pdf $T/x" Enter
wait_screen 'export: format md, json or stix' 10 || fail "format pdf: $(cat "$T/last-screen.txt")"
keys ':'
keys "export md /nonexistent/dir/x.md" Enter
wait_screen 'export failed: /nonexistent/dir/x.md' 10 || fail "unwritable path: $(cat "$T/last-screen.txt")"
[ ! -e "$XDG_STATE_HOME/watchfloor" ] || [ -z "$(find "$XDG_STATE_HOME/watchfloor" -name '*.log' -size +0c)" ] ||
	fail "an export went into the outbox"
tui_quit
echo "tui_export: OK"
