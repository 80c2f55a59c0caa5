# net_helpers.sh - shell helpers for tests/integration/net_*.sh (sourced, not run), on
# top of the backend's tests/integration/lib.sh (temp folder, tokens, start_server,
# kill_server, fail): API calls with curl, seeding, a background writer, and
# comparing the client's --batch --json lines with the server's snapshot.
# WF_BUILD: folder with watchfloor and watchfloord (default build).
set -u
. tests/integration/lib.sh
wf_setup
WF=$WF_BUILD/watchfloor
export XDG_STATE_HOME="$T/state"
unset WATCHFLOOR_TOKEN
OFFICER_TOKEN=$OFFICER
PLATFORM_TOKEN=$PLAT_FB
printf '%s' "$OFFICER_TOKEN" >"$T/officer.token"

# bg_pid PID: a background process killed at the end.
bg_pid() { BG_PIDS="$BG_PIDS $1"; }
# signal_server SIG: STOP / CONT without waiting.
signal_server() { kill -"$1" "$SERVER_PID"; }

# api METHOD PATH [BODY] [TOKEN]: prints the answer body; CURL_OPTS for extras.
api() {
	if [ "$1" = GET ]; then
		curl -sS ${CURL_OPTS:-} -H "Authorization: Bearer ${4:-$OFFICER_TOKEN}" "$URL$2"
	else
		curl -sS ${CURL_OPTS:-} -H "Authorization: Bearer ${4:-$OFFICER_TOKEN}" \
			-H 'Content-Type: application/json' -d "$3" "$URL$2"
	fi
}

# seed: one incident, one signal, one decision; sets INC, SIG, DEC.
seed() {
	INC=$(api POST /v1/incidents '{"title":"Live-streamed attack","location":"Riverside","tier":"incident","state":"active","summary":"test"}' | jq -r .id)
	SIG=$(api POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"0123456789abcdef0123456789abcdef\",\"quality\":90,\"variant_id\":\"v1\",\"platform_id\":\"p-fb\"}" "$PLATFORM_TOKEN" | jq -r .id)
	DEC=$(api POST /v1/decisions "{\"kind\":\"activate\",\"incident_id\":\"$INC\",\"subject\":\"Activate the protocol\",\"subject_ref\":\"$INC\",\"detail\":\"d\",\"priority\":\"high\",\"due_in_s\":900}" | jq -r .id)
	[ -n "$INC" ] && [ "$INC" != null ] && [ "$SIG" != null ] && [ "$DEC" != null ] ||
		fail "seeding the server"
}

# sighting [COUNT]: posts one sightings batch for $SIG (errors ignored).
sighting() {
	api POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[{\"signal_id\":\"$SIG\",\"count\":${1:-3},\"outcome\":\"blocked\",\"seen_at\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"distance\":2}]}" "$PLATFORM_TOKEN" >/dev/null 2>&1
	return 0
}

# A background writer posting sightings (and some decisions) until stopped.
start_writer() {
	(
		n=0
		while [ ! -f "$T/stop-writer" ]; do
			n=$((n + 1))
			sighting $((n % 7 + 1))
			if [ $((n % 10)) = 0 ]; then
				api POST /v1/decisions "{\"kind\":\"add_signal\",\"incident_id\":\"$INC\",\"subject\":\"Add hash $n\",\"subject_ref\":null,\"detail\":\"\",\"priority\":\"normal\",\"due_in_s\":600}" >/dev/null 2>&1
			fi
			sleep 0.05
		done
	) &
	WRITER_PID=$!
	bg_pid "$WRITER_PID"
}
stop_writer() {
	touch "$T/stop-writer"
	wait "$WRITER_PID" 2>/dev/null
	rm -f "$T/stop-writer"
}

# The client's figures from its last JSON line, and the same from the server's
# snapshot, in one comparable line each.
CLIENT_DIGEST='[.cursor, .counts.platforms, .counts.incidents, .counts.signals, .counts.reports, .counts.decisions, .counts.open_decisions, .version_sums.platforms, .version_sums.incidents, .version_sums.open_decisions, .attempts_24h] | map(tostring) | join(" ")'
SNAPSHOT_DIGEST='[.cursor, (.platforms|length), (.incidents|length), (.signals|length), (.reports|length), (.decisions|length), ([.decisions[]|select(.state=="pending" or .state=="escalated")]|length), ([.platforms[].version]|add // 0), ([.incidents[].version]|add // 0), ([.decisions[]|select(.state=="pending" or .state=="escalated")|.version]|add // 0), ([.stats[]|select(.width_s==3600)|.attempts]|add // 0)] | map(tostring) | join(" ")'

client_digest() { tail -n 1 "$1" | jq -r "$CLIENT_DIGEST"; }
server_digest() { api GET /v1/snapshot | jq -r "$SNAPSHOT_DIGEST"; }
server_cursor() { api GET /v1/snapshot | jq -r .cursor; }

# wait_client_cursor FILE CURSOR SECONDS: until the client's last line has it.
wait_client_cursor() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		c=$(tail -n 1 "$1" 2>/dev/null | jq -r .cursor 2>/dev/null)
		[ "$c" = "$2" ] && return 0
		i=$((i + 1))
		sleep 0.1
	done
	return 1
}
