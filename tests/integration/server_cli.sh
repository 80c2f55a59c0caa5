#!/bin/sh
# server_cli.sh - watchfloord's command line: --help/--version, bad options, the
# "listening on" line, the simulator (the Christchurch-like scenario at --speed 90
# yields incidents, many platforms, valid hashes, sightings and pending decisions),
# a malformed scenario stopped with its line number, HTTPS with --tls-cert/--tls-key,
# and the event seq surviving a restart.
set -eu
. tests/integration/lib.sh
wf_setup

"$WFD" --help | grep -q -- '--simulate' || fail "--help"
"$WFD" --version | grep -q '^watchfloord [0-9]' || fail "--version"
! "$WFD" --listen nowhere >/dev/null 2>&1 || fail "accepted --listen nowhere"
! "$WFD" --speed -1 >/dev/null 2>&1 || fail "accepted --speed -1"
! "$WFD" --tls-cert x >/dev/null 2>&1 || fail "accepted --tls-cert without --tls-key"

# The simulator.
start_server --simulate scenarios/christchurch.scenario --speed 90 --scale 0.05 --heartbeat 1
# An officer activates the main incident before the scenario's own update (6m = 4 s
# in): the scenario must yield to the officer.
i=0
until [ "$(req "$VIEWER" GET /v1/snapshot)" = 200 ] && jq -e '.incidents | length > 0' "$T/body" >/dev/null; do
	i=$((i + 1))
	[ $i -lt 30 ] || fail "the simulator opened no incident"
	sleep 0.1
done
MAIN=$(jq -r '.incidents[0].id' "$T/body")
expect 200 "$ADMIN" POST "/v1/incidents/$MAIN" '{"state":"active","tier":"protocol_activated","version":1}'
# Until the scenario has got far enough (up to 18 min in, 12 s at --speed 90; more
# on a slow machine): the checks below that only grow. The hoax's conclude decision
# comes at 16 min, well after the main incident's update at 6 min, so once it is
# there the scenario has had its chance to override the officer.
grown='(.incidents | length) == 2 and (.platforms | length) >= 15
	and ([.platforms[] | select(.kind == "non_member")] | length >= 3)
	and (.signals | length) >= 4
	and ([.stats[] | select(.attempts > 0) | .platform_id] | unique | length >= 5)
	and ([.decisions[] | select(.state == "pending") | .kind] as $k
		| all("activate", "add_signal", "public_interest", "conclude", "triage_report";
			. as $w | $k | index([$w]) != null))
	and ([.reports[] | .kind] | index(["public_interest"]) != null)'
scenario_grown() {
	[ "$(req "$VIEWER" GET /v1/snapshot)" = 200 ] && jq -e "$grown" "$T/body" >/dev/null
}
wait_for 60 scenario_grown || fail "the scenario did not get far: $(head -c 600 "$T/body")"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '(.incidents | length) == 2'
body_has '.incidents[] | select(.id == "'"$MAIN"'") | .state == "active" and .tier == "protocol_activated" and .version == 2'
body_has '.incidents[] | select(.id != "'"$MAIN"'") | .tier == "awareness"'
body_has '(.platforms | length) >= 15'
body_has '[.platforms[] | select(.kind == "non_member")] | length >= 3'
body_has '(.signals | length) >= 4'
body_has 'all(.signals[]; (.type == "pdq" and (.value | test("^[0-9a-f]{64}$")) and .quality >= 50) or (.type == "md5" and (.value | test("^[0-9a-f]{32}$"))))'
body_has '[.stats[] | select(.attempts > 0) | .platform_id] | unique | length >= 5'
body_has '[.decisions[] | select(.state == "pending") | .kind] as $k | all("activate", "add_signal", "public_interest", "conclude", "triage_report"; . as $w | $k | index([$w]) != null)'
body_has '[.reports[] | .kind] | index(["public_interest"]) != null'
body_has 'all(.decisions[]; .due_at > .created_at)'
body_has '.server_time[0:13] == (.incidents[0].opened_at[0:13])'
cursor=$(jq .cursor "$T/body")
stop_server

# The sequence survives a restart (the simulator is not restarted).
start_server
c2=$(curl -sS "$URL/v1/health" | jq .cursor)
[ "$c2" -ge "$cursor" ] || fail "cursor $c2 after restart, was $cursor"
expect 200 "$VIEWER" GET /v1/snapshot
body_has '(.incidents | length) == 2'
stop_server

# A malformed scenario stops the server with its line number.
printf '# bad\n0 platform id=p-a name=A\n5m explode ref=x\n' >"$T/bad.scenario"
! "$WFD" --listen 127.0.0.1:0 --db "$T/bad.db" --simulate "$T/bad.scenario" >/dev/null 2>"$T/bad.err" ||
	fail "started with a malformed scenario"
grep -q 'bad.scenario:3:' "$T/bad.err" || fail "no line number: $(cat "$T/bad.err")"
printf '0 report platform=p-none kind=referral text=x\n' >"$T/bad.scenario"
! "$WFD" --listen 127.0.0.1:0 --db "$T/bad.db" --simulate "$T/bad.scenario" >/dev/null 2>"$T/bad.err" ||
	fail "started with an unknown platform in a scenario"
grep -q 'bad.scenario:1:' "$T/bad.err" || fail "no line number: $(cat "$T/bad.err")"

# HTTPS.
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
		-days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1
	LISTEN=
	start_server --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
	case $URL in https://127.0.0.1:*) ;; *) fail "TLS line: $URL" ;; esac
	curl -sS --cacert "$T/cert.pem" "$URL/v1/health" | jq -e '.status == "ok"' >/dev/null || fail "HTTPS health"
	stop_server
fi
echo ok
