#!/bin/sh
# server_resume.sh - SSE resume across server restarts loses and repeats nothing: a
# reconnecting client (Last-Event-ID, like the dashboard) streams while a writer
# posts and the server is restarted three times (SIGTERM twice, kill -9 once). The
# ids it received must be exactly 1..cursor, once each and in order, and every
# frame must equal the stored event; the cursor survives the restarts.
set -eu
. tests/integration/lib.sh
wf_setup
start_server --heartbeat 1

expect 201 "$ADMIN" POST /v1/incidents '{"title":"resume"}'
INC=$(jq -r .id "$T/body")
expect 201 "$PLAT_FB" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-fb\"}"
SIG=$(jq -r .id "$T/body")

# Writer: sightings until told to stop; failures while the server is down are fine.
(
	n=0
	while [ -d "$T" ] && [ ! -f "$T/stop-writer" ]; do
		n=$((n + 1))
		curl -sS -o /dev/null -m 5 -H "Authorization: Bearer $PLAT_FB" \
			-d "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[{\"signal_id\":\"$SIG\",\"count\":$n,\"outcome\":\"removed\",\"seen_at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}]}" \
			"http://$LISTEN/v1/sightings" 2>/dev/null || sleep 0.1
		sleep 0.02
	done
) &
BG_PIDS="$BG_PIDS $!"
WRITER=$!

# Client: reconnects with Last-Event-ID, keeps only complete frames of each
# connection (a frame cut by a disconnect is not counted as received).
: >"$T/frames"
(
	last=0
	while [ -d "$T" ] && [ ! -f "$T/stop-client" ]; do
		curl -sS -N -m 3 -H "Authorization: Bearer $VIEWER" -H 'Accept: text/event-stream' \
			-H "Last-Event-ID: $last" "http://$LISTEN/v1/events" >"$T/conn" 2>/dev/null || true
		awk 'BEGIN { RS = ""; FS = "\n" }
		     { n++; block[n] = $0 }
		     END { complete = n; if (!full) complete = n - 1
		           for (i = 1; i <= complete; i++) {
		             id = ""; data = ""
		             split(block[i], l, "\n")
		             for (k in l) { if (l[k] ~ /^id: /) id = substr(l[k], 5)
		                            if (l[k] ~ /^data: /) data = substr(l[k], 7) }
		             if (id != "") print id "\t" data } }' \
			full="$(tail -c 2 "$T/conn" | od -An -c | grep -c '\\n  *\\n')" "$T/conn" >>"$T/frames"
		l=$(tail -n 1 "$T/frames" | cut -f1)
		[ -n "$l" ] && last=$l
		sleep 0.1
	done
) &
BG_PIDS="$BG_PIDS $!"
CLIENT=$!

sleep 2
for how in TERM 9 TERM; do
	before=$(curl -sS "$URL/v1/health" | jq .cursor)
	if [ $how = TERM ]; then stop_server; else kill_server 9; fi
	sleep 0.5
	start_server --heartbeat 1
	after=$(curl -sS "$URL/v1/health" | jq .cursor)
	[ "$after" -ge "$before" ] || fail "cursor went back from $before to $after"
	sleep 2
done
touch "$T/stop-writer"
wait "$WRITER" || true
final=$(curl -sS "$URL/v1/health" | jq .cursor)
i=0
until [ "$(tail -n 1 "$T/frames" | cut -f1)" = "$final" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "client stuck at $(tail -n 1 "$T/frames" | cut -f1), cursor $final"
	sleep 0.1
done
touch "$T/stop-client"
wait "$CLIENT" || true

cut -f1 "$T/frames" >"$T/ids"
seq 1 "$final" >"$T/want"
cmp -s "$T/ids" "$T/want" || fail "ids received are not exactly 1..$final: $(diff "$T/want" "$T/ids" | head -n 10)"

# Every frame equals the stored event (long-poll pages of the same log).
: >"$T/stored"
after=0
while [ "$after" -lt "$final" ]; do
	req "$VIEWER" GET "/v1/events?after=$after&wait=0" -H 'Accept: application/json' >/dev/null
	jq -c '.events[]' "$T/body" >>"$T/stored"
	after=$(jq .cursor "$T/body")
done
cut -f2- "$T/frames" | jq -c . >"$T/got"
cmp -s "$T/got" "$T/stored" || fail "frames differ from the stored events"
stop_server
echo "ok: $final events over 3 restarts, none lost or repeated"
