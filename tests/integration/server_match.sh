#!/bin/sh
# server_match.sh - the signal bank on the wire: a signal within 31 of another joins
# its variant, beyond it is a new variant with its nearest signal; candidates' decisions
# name the nearest signal; sightings by hash are attributed (distance stored) or counted
# unmatched (near misses kept) in the event and the stats; disabled signals stop
# matching; POST /v1/match roles, limits and answers; bad hashes get 400 naming the
# item; the index is loaded again from the store after a restart.
set -eu
. tests/integration/lib.sh
wf_setup
start_server

# flip HEX BITS...: the 256-bit hash with the listed bit numbers flipped
flip() {
	/usr/bin/python3 -c '
import sys
h = bytearray.fromhex(sys.argv[1])
for b in sys.argv[2:]:
    b = int(b)
    h[b // 8] ^= 1 << (b % 8)
print(h.hex())' "$@"
}
seqs() { seq -s ' ' "$1" "$2"; }
P0=f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22
FAR=0707070f1f0b57b0f9c8f5ddfc709c0f4c91d12a699de1e2cc194c63b16364dd

expect 201 "$OFFICER" POST /v1/incidents '{"title":"Matching","tier":"incident"}'
INC=$(jq -r .id "$T/body")
sig() { # TOKEN TYPE VALUE [VARIANT] [EXTRA]
	v=${4:+,\"variant_id\":\"$4\"}
	expect 201 "$1" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"$2\",\"value\":\"$3\",\"quality\":90,\"platform_id\":\"p-fb\"$v${5:-}}"
}

# A, then B 20 bits off A: B joins A's variant whatever variant it names
sig "$PLAT_FB" pdq "$P0" va
A=$(jq -r .id "$T/body")
body_has '.new_variant == true and .variant_id == "va" and .nearest == null'
sig "$PLAT_FB" pdq "$(flip $P0 $(seqs 0 19))" vb
B=$(jq -r .id "$T/body")
body_has ".new_variant == false and .variant_id == \"va\" and .nearest.signal_id == \"$A\" and .nearest.distance == 20"
# C 40 bits off A (60 off B): a new variant, its nearest kept
sig "$PLAT_FB" pdq "$(flip $P0 $(seqs 100 139))" vc
C=$(jq -r .id "$T/body")
body_has ".new_variant == true and .variant_id == \"vc\" and .nearest.signal_id == \"$A\" and .nearest.distance == 40"
# exactly 31 joins, exactly 32 does not
sig "$PLAT_FB" pdq "$(flip $P0 $(seqs 140 170))" ve
body_has ".new_variant == false and .variant_id == \"va\" and .nearest.distance == 31"
sig "$PLAT_FB" pdq "$(flip $P0 $(seqs 171 202))" vf
body_has ".new_variant == true and .variant_id == \"vf\" and .nearest.signal_id == \"$A\" and .nearest.distance == 32"
# far from everything and no variant named: the server names a new variant
sig "$PLAT_FB" pdq "$FAR"
body_has '.new_variant == true and (.variant_id | startswith("var-")) and .nearest == null'
# the same hash in another incident is not a neighbour
expect 201 "$OFFICER" POST /v1/incidents '{"title":"Other","tier":"incident"}'
INC2=$(jq -r .id "$T/body")
expect 201 "$PLAT_FB" POST /v1/signals "{\"incident_id\":\"$INC2\",\"type\":\"pdq\",\"value\":\"$P0\",\"quality\":90,\"platform_id\":\"p-fb\"}"
body_has '.new_variant == true and .nearest == null'
# exact types: the same md5 joins, another md5 is a new variant
MD5=0123456789abcdef0123456789abcdef
sig "$PLAT_FB" md5 "$MD5" vm
M=$(jq -r .id "$T/body")
sig "$PLAT_FB" md5 "$MD5" other
body_has ".new_variant == false and .variant_id == \"vm\" and .nearest.signal_id == \"$M\" and .nearest.distance == 0"
sig "$PLAT_FB" md5 0123456789abcdef0123456789abcdee vm2
body_has '.new_variant == true and .nearest == null'

# sightings by hash
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
CUR=$(curl -sS "$URL/v1/health" | jq .cursor)
item() { printf '{"hash_type":"%s","hash":"%s","count":%s,"outcome":"%s","seen_at":"%s"}' "$@"; }
NEAR=$(flip $P0 $(seqs 203 242))   # 40 off A, farther from the others
expect 202 "$PLAT_FB" POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[$(item pdq "$(flip $P0 1 2 3 4 250)" 7 blocked "$NOW"),$(item pdq "$FAR" 2 blocked "$NOW"),$(item pdq "$NEAR" 3 pending "$NOW"),$(item pdq 00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff 4 removed "$NOW"),$(item md5 "$MD5" 1 blocked "$NOW"),{\"signal_id\":\"$B\",\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"$NOW\"}]}"
body_has '.accepted == 6 and .attributed == 4 and .unmatched == 2'
expect 200 "$VIEWER" GET "/v1/events?after=$CUR&wait=5" -H 'Accept: application/json'
jq '[.events[] | select(.type == "sightings")][0].data' "$T/body" >"$T/batch"
cp "$T/batch" "$T/body"
body_has "[.items[] | select(.signal_id == \"$A\")][0] | .distance == 5 and .hash == \"$P0\" and (.sighted_hash | length) == 64"
body_has "[.items[] | select(.signal_id == \"$M\")][0].distance == 0"
body_has "(.unmatched | length) == 2"
body_has "[.unmatched[] | select(.hash == \"$NEAR\")][0] | .count == 3 and .nearest.signal_id == \"$A\" and .nearest.distance == 40"
body_has '[.unmatched[] | select(.nearest == null)][0].count == 4'
# FAR is a signal of this incident: attributed at distance 0
body_has "[.items[] | select(.hash == \"$FAR\")][0].distance == 0"
expect 200 "$VIEWER" GET /v1/snapshot
body_has "[.stats[] | select(.incident_id == \"$INC\" and .platform_id == \"p-fb\" and .width_s == 60)] | (map(.unmatched) | add) == 7 and (map(.near_misses) | add) == 3 and (map(.attempts) | add) == 18"

# bad items: 400 naming the item, nothing accepted
for bad in '"hash_type":"pdq","hash":"F8F8"' '"hash_type":"pdq","hash":"'"$(printf %s "$P0" | tr f F)"'"' \
	'"hash_type":"sha1","hash":"'"$P0"'"' '"hash":"'"$P0"'"' '"hash_type":"vpdq","hash":"abcd"'; do
	expect 400 "$PLAT_FB" POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[$(item pdq "$P0" 1 blocked "$NOW"),{$bad,\"count\":1,\"outcome\":\"blocked\",\"seen_at\":\"$NOW\"}]}"
	body_has '.error.code == "bad_request" and (.error.message | contains("items[1].hash"))'
done

# POST /v1/match: roles
Q="{\"hashes\":[{\"hash_type\":\"pdq\",\"hash\":\"$(flip $P0 7 8 9)\"}]}"
expect 401 "" POST /v1/match "$Q"
expect 403 "$VIEWER" POST /v1/match "$Q"
for tok in "$OFFICER" "$ADMIN" "$PLAT_YT"; do
	expect 200 "$tok" POST /v1/match "$Q"
done
# answers: every match within 31 of every incident, nearest first
body_has ".results[0].matches[0] | .signal_id == \"$A\" and .distance == 3 and .variant_id == \"va\" and .incident_id == \"$INC\""
body_has "[.results[0].matches[].distance] == [3, 3, 17] and .results[0].total == 3"
body_has "[.results[0].matches[].signal_id] == [\"$A\", .results[0].matches[1].signal_id, \"$B\"] and .results[0].matches[1].incident_id == \"$INC2\""
body_has '.thresholds.pdq == 31 and .thresholds.vpdq_share == 80'
expect 200 "$OFFICER" POST /v1/match "{\"incident_id\":\"$INC\",\"hashes\":[{\"hash_type\":\"pdq\",\"hash\":\"$(flip $P0 7 8 9)\"},{\"hash_type\":\"md5\",\"hash\":\"$MD5\"},{\"hash_type\":\"pdq\",\"hash\":\"$NEAR\"}]}"
body_has "[.results[0].matches[].signal_id] == [\"$A\", \"$B\"]"
body_has '(.results[1].matches | length) == 2 and .results[1].matches[0].distance == 0'
body_has '.results[2].matches == [] and .results[2].total == 0'
# limits and bad hashes
python3 -c 'import json,sys; print(json.dumps({"hashes":[{"hash_type":"md5","hash":"0"*32}]*1001}))' >"$T/big.json"
expect 400 "$OFFICER" POST /v1/match "@$T/big.json"
body_has '.error.message | contains("hashes")'
python3 -c 'import json,sys; print(json.dumps({"hashes":[{"hash_type":"md5","hash":"0"*32}]*1000}))' >"$T/max.json"
expect 200 "$OFFICER" POST /v1/match "@$T/max.json"
body_has '(.results | length) == 1000'
expect 400 "$OFFICER" POST /v1/match '{"hashes":[]}'
expect 400 "$OFFICER" POST /v1/match "{\"hashes\":[{\"hash_type\":\"pdq\",\"hash\":\"$P0\"},{\"hash_type\":\"pdq\",\"hash\":\"${P0%?}\"}]}"
body_has '.error.message | contains("hashes[1].hash") and contains("64")'
expect 400 "$OFFICER" POST /v1/match '{"hashes":[{"hash_type":"pdq","hash":"'"$P0"'"},7]}'
body_has '.error.message | contains("hashes[1]")'

# vPDQ: a video matches at 80% of the query's frames, not at 60%
F1=$(flip $P0 $(seqs 0 99)) F2=$(flip $P0 $(seqs 50 149)) F3=$(flip $P0 $(seqs 100 199))
F4=$(flip $P0 $(seqs 150 249)) F5=$(flip $FAR $(seqs 0 99))
sig "$PLAT_FB" vpdq "$F1$F2$F3$F4$F5" vv
V=$(jq -r .id "$T/body")
R1=$(flip $FAR $(seqs 100 199)) R2=$(flip $FAR $(seqs 150 249))
expect 200 "$OFFICER" POST /v1/match "{\"hashes\":[{\"hash_type\":\"vpdq\",\"hash\":\"$(flip $F1 1)$F2$F3$(flip $F4 9)$R1\"},{\"hash_type\":\"vpdq\",\"hash\":\"$F1$F2$F3$R1$R2\"}]}"
body_has ".results[0].matches[0] | .signal_id == \"$V\" and .share == 80"
body_has '.results[1].matches == []'
# sightings by vPDQ: 80% of the frames attributes, 60% is unmatched with its share
expect 202 "$PLAT_FB" POST /v1/sightings "{\"platform_id\":\"p-fb\",\"incident_id\":\"$INC\",\"items\":[$(item vpdq "$(flip $F1 1)$F2$F3$(flip $F4 9)$R1" 2 blocked "$NOW"),$(item vpdq "$F1$F2$F3$R1$R2" 3 pending "$NOW")]}"
body_has '.attributed == 1 and .unmatched == 1'
expect 200 "$VIEWER" GET "/v1/events?after=$(($(jq .seq "$T/body") - 1))&wait=5" -H 'Accept: application/json'
body_has "[.events[] | select(.type == \"sightings\")][0].data | .items[0].signal_id == \"$V\" and .unmatched[0].nearest.signal_id == \"$V\" and .unmatched[0].nearest.share == 60"

# a candidate beyond the threshold: a new variant, proposed, and its add_signal decision
# names the nearest signal, the distance against the threshold and its first sighting
sig "$PLAT_FB" pdq "$NEAR" vn ',"candidate":true'
CAND=$(jq -r .id "$T/body")
body_has ".state == \"proposed\" and .new_variant == true and .nearest.signal_id == \"$A\" and .nearest.distance == 40"
body_has ".decision.kind == \"add_signal\" and (.decision.detail | contains(\"$A\") and contains(\"distance 40\") and contains(\"threshold 31\") and contains(\"first sighted $(echo "$NOW" | cut -c1-19)\") and contains(\"on p-fb\"))"
CDEC=$(jq -r .decision.id "$T/body")
match_near() {
	expect 200 "$OFFICER" POST /v1/match "{\"incident_id\":\"$INC\",\"hashes\":[{\"hash_type\":\"pdq\",\"hash\":\"$NEAR\"}]}"
	jq -e ".results[0].matches[0].signal_id == \"$CAND\"" "$T/body" >/dev/null
}
if match_near; then fail "a proposed signal matches"; fi
expect 200 "$OFFICER" POST "/v1/decisions/$CDEC/resolve" '{"action":"approve","reason":"","version":1}'
match_near || fail "an approved candidate does not match: $(cat "$T/body")"

# disabled signals stop matching: disable A, then a copy of A is a near miss of C
expect 201 "$OFFICER" POST /v1/decisions "{\"kind\":\"disable_signal\",\"incident_id\":\"$INC\",\"subject\":\"False positive\",\"subject_ref\":\"$A\",\"priority\":\"normal\",\"due_in_s\":600}"
DEC=$(jq -r .id "$T/body")
expect 200 "$OFFICER" POST "/v1/decisions/$DEC/resolve" '{"action":"approve","reason":"fp","version":1}'
match_a() {
	expect 200 "$OFFICER" POST /v1/match "{\"incident_id\":\"$INC\",\"hashes\":[{\"hash_type\":\"pdq\",\"hash\":\"$P0\"}]}"
	jq -e "[.results[0].matches[].signal_id] | index(\"$A\") == null" "$T/body" >/dev/null
}
match_a || fail "a disabled signal still matches: $(cat "$T/body")"
body_has "[.results[0].matches[].signal_id] | index(\"$B\") != null"

# a restart loads the index from the store: B matches, A (disabled) does not
stop_server
start_server
match_a || fail "after a restart the disabled signal matches: $(cat "$T/body")"
body_has "[.results[0].matches[].signal_id] | index(\"$B\") != null"
expect 202 "$PLAT_YT" POST /v1/sightings "{\"platform_id\":\"p-yt\",\"incident_id\":\"$INC\",\"items\":[$(item pdq "$(flip $P0 1 2 3 4 250)" 1 blocked "$NOW")]}"
body_has '.attributed == 1'

# replicas on one PostgreSQL database: a signal added, then disabled, on this replica
# reaches the other replica's index through the events it reads
if [ "${WF_DB_ENGINE:-sqlite}" = pg ]; then
	"$WFD" --listen 127.0.0.1:0 --db "$WF_DB" --tokens "$T/tokens" >"$T/b.out" 2>>"$T/server.err" &
	B_PID=$!
	BG_PIDS="$B_PID"
	wait_for 15 grep -q '^watchfloord listening on ' "$T/b.out" || fail "replica B did not start"
	URL_A=$URL
	URL_B=$(head -n 1 "$T/b.out" | sed 's/^watchfloord listening on //')
	X=$(flip $FAR $(seqs 0 127))
	on_b() { # HASH: 0 when B's index matches HASH to a signal of INC
		URL=$URL_B
		expect 200 "$OFFICER" POST /v1/match "{\"incident_id\":\"$INC\",\"hashes\":[{\"hash_type\":\"pdq\",\"hash\":\"$1\"}]}"
		URL=$URL_A
		jq -e '.results[0].total > 0' "$T/body" >/dev/null
	}
	if on_b "$X"; then fail "replica B matches a hash nobody posted"; fi
	sig "$PLAT_FB" pdq "$X" vx
	XS=$(jq -r .id "$T/body")
	wait_for 10 on_b "$X" || fail "replica B never matched the signal added on A"
	expect 201 "$OFFICER" POST /v1/decisions "{\"kind\":\"disable_signal\",\"incident_id\":\"$INC\",\"subject\":\"fp\",\"subject_ref\":\"$XS\",\"priority\":\"normal\",\"due_in_s\":600}"
	XD=$(jq -r .id "$T/body")
	expect 200 "$OFFICER" POST "/v1/decisions/$XD/resolve" '{"action":"approve","reason":"fp","version":1}'
	not_on_b() { ! on_b "$X"; }
	wait_for 10 not_on_b || fail "replica B still matches a signal disabled on A"
	kill -TERM "$B_PID"
	wait "$B_PID" || fail "replica B exited with $?"
	BG_PIDS=
fi
stop_server
