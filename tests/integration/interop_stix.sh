#!/bin/sh
# interop_stix.sh - the STIX 2.1 bundle of an incident: an identity for the command
# center and per platform, the incident, an indicator per signal with its hash
# pattern (MD5, SHA-256 by their STIX names; PDQ, TMK, vPDQ by custom names;
# video MD5 as MD5), its indicates relationship, a sighting per platform x signal
# with count / first_seen / last_seen / where_sighted_refs / sighting_of_ref, the
# situation note, the TLP marking on every object (amber, or --tlp); deterministic
# ids: a second export after new sightings keeps every id, moves `modified` on the
# objects that changed only, and a restarted server gives the same ids again; a
# candidate signal is not exported until it is approved; an incident whose events
# were pruned is a clear 404.
set -eu
. tests/integration/lib.sh
. tests/lib/interop_helpers.sh
wf_setup
start_server
seed_incident
AMBER=marking-definition--f88d31f6-486f-44da-b317-01333bde0b82
RED=marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed

expect 200 "$VIEWER" GET "/v1/incidents/$INC/stix" -D "$T/h"
grep -qi '^content-type: application/stix+json;version=2.1' "$T/h" || fail "media type: $(cat "$T/h")"
cp "$T/body" "$T/b1.json"
b='$T/b1.json'
count() { jq "[.objects[] | select($1)] | length" "$T/b1.json"; }
[ "$(count '.type == "identity"')" = 3 ] || fail "identities: want the command center, p-fb, p-yt"
[ "$(count '.type == "incident"')" = 1 ] || fail "incident"
[ "$(count '.type == "indicator"')" = 6 ] || fail "indicators"
[ "$(count '.type == "relationship" and .relationship_type == "indicates"')" = 6 ] || fail "relationships"
[ "$(count '.type == "sighting"')" = 2 ] || fail "sightings"
[ "$(count '.type == "note"')" = 1 ] || fail "note"
[ "$(count '.type == "marking-definition" and .id == "'$AMBER'"')" = 1 ] || fail "TLP:AMBER definition"
[ "$(count '.type != "marking-definition" and .object_marking_refs != ["'$AMBER'"]')" = 0 ] || fail "an object without TLP:AMBER"
jq -e '[.objects[] | select(.type == "indicator") | .pattern] | sort == ([
  "[file:hashes.'"'"'MD5'"'"' = '"'"'0123456789abcdef0123456789abcdef'"'"']",
  "[file:hashes.'"'"'MD5'"'"' = '"'"'fedcba9876543210fedcba9876543210'"'"']",
  "[file:hashes.'"'"'SHA-256'"'"' = '"'"'a3f1c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345'"'"']",
  "[file:hashes.'"'"'x_pdq'"'"' = '"'"'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22'"'"']",
  "[file:hashes.'"'"'x_tmk'"'"' = '"'"'00ff00ff00ff'"'"']",
  "[file:hashes.'"'"'x_vpdq'"'"' = '"'"'abababababababababababababababababababababababababababababababab'"'"']"] | sort)' "$T/b1.json" >/dev/null ||
	fail "patterns: $(jq -c '[.objects[] | select(.type == "indicator") | .pattern]' "$T/b1.json")"
# the sighting's references resolve inside the bundle
jq -e --arg s "$SIG_PDQ" '
  (.objects | map({(.id): .}) | add) as $by |
  [.objects[] | select(.type == "sighting" and .x_watchfloor_signal_id == $s)][0] as $x |
  $x.count == 5 and $x.x_watchfloor_blocked == 5 and $x.first_seen <= $x.last_seen and
  $by[$x.sighting_of_ref].type == "indicator" and $by[$x.sighting_of_ref].x_watchfloor_signal_id == $s and
  $by[$x.where_sighted_refs[0]].x_watchfloor_platform_id == "p-fb"' "$T/b1.json" >/dev/null || fail "pdq sighting"
jq -e '[.objects[] | select(.type == "note")][0] | .content == "Origin: a live stream.\nSecond line with | pipes and `ticks`" and .abstract == "Origin: a live stream." and (.object_refs | length) == 1' "$T/b1.json" >/dev/null ||
	fail "note"

# new sightings on the pdq signal: same ids, modified later on that sighting only
post_sighting "$PLAT_FB" p-fb "$SIG_PDQ" 4 removed
expect 200 "$VIEWER" GET "/v1/incidents/$INC/stix"
cp "$T/body" "$T/b2.json"
jq -r '.objects[] | [.id, (.modified // .created)] | @tsv' "$T/b1.json" | sort >"$T/v1"
jq -r '.objects[] | [.id, (.modified // .created)] | @tsv' "$T/b2.json" | sort >"$T/v2"
[ "$(cut -f1 "$T/v1")" = "$(cut -f1 "$T/v2")" ] || fail "ids changed between exports"
changed=$(join "$T/v1" "$T/v2" | awk '$2 != $3 { print $1 }')
want=$(jq -r --arg s "$SIG_PDQ" '.objects[] | select(.type == "sighting" and .x_watchfloor_signal_id == $s) | .id' "$T/b2.json")
[ "$changed" = "$want" ] || fail "changed: '$changed', want only the pdq sighting $want"
jq -e --arg id "$want" --slurpfile old "$T/b1.json" '
  [.objects[] | select(.id == $id)][0] as $n | [$old[0].objects[] | select(.id == $id)][0] as $o |
  $n.modified > $o.modified and $n.created == $o.created and $n.count == 9' "$T/b2.json" >/dev/null ||
	fail "the pdq sighting did not move forward"

# a candidate signal stays out until approved (its add_signal decision)
expect 201 "$PLAT_YT" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"md5\",\"value\":\"11112222333344445555666677778888\",\"quality\":80,\"variant_id\":\"v9\",\"platform_id\":\"p-yt\",\"candidate\":true}"
CAND=$(jq -r .id "$T/body")
expect 200 "$VIEWER" GET "/v1/incidents/$INC/stix"
jq -e --arg s "$CAND" '[.objects[] | select(.x_watchfloor_signal_id == $s)] | length == 0' "$T/body" >/dev/null ||
	fail "a proposed candidate was exported"

# a restart (the feed rebuilt from the event log) gives the same ids and versions,
# and --tlp red marks everything red
stop_server
start_server --tlp red --stix-name "Test command center"
expect 200 "$VIEWER" GET "/v1/incidents/$INC/stix"
cp "$T/body" "$T/b3.json"
jq -r '.objects[] | select(.type != "marking-definition") | [.id, (.modified // .created)] | @tsv' "$T/b3.json" | sort >"$T/v3"
grep -v '^marking-definition' "$T/v2" | cmp -s - "$T/v3" || fail "ids or versions changed across a restart: $(grep -v '^marking-definition' "$T/v2" | diff - "$T/v3" | head -4)"
jq -e --arg r "$RED" '([.objects[] | select(.type == "marking-definition")] | map(.id)) == [$r] and
  all(.objects[] | select(.type != "marking-definition"); .object_marking_refs == [$r]) and
  ([.objects[] | select(.type == "identity" and .identity_class == "organization" and .name == "Test command center")] | length) == 1' "$T/b3.json" >/dev/null ||
	fail "--tlp red / --stix-name not applied"
expect 404 "$VIEWER" GET /v1/incidents/inc-nope/stix
expect 401 "" GET "/v1/incidents/$INC/stix"
stop_server
# history pruned by --retention: the feed, rebuilt at start, says the incident is
# gone from the log (404, not a 503 or an empty bundle); the record says incomplete
start_server --db "$T/pruned.db" --retention 20
seed_incident
i=0
while [ $i -lt 30 ]; do
	post_sighting "$PLAT_FB" p-fb "$SIG_PDQ" 1 blocked
	i=$((i + 1))
done
stop_server
start_server --db "$T/pruned.db" --retention 20
expect 404 "$VIEWER" GET "/v1/incidents/$INC/stix"
body_has '.error.message | contains("retention")'
expect 200 "$VIEWER" GET "/v1/incidents/$INC/record"
body_has '.complete == false and .first_seq > 1'
stop_server
code=0
"$WFD" --tlp purple --db "$T/x.db" >/dev/null 2>"$T/err" || code=$?
[ $code = 2 ] && grep -q -- '--tlp' "$T/err" || fail "--tlp purple: $code $(cat "$T/err")"
echo "interop_stix: OK"
