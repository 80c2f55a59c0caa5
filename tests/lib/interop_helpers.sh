# interop_helpers.sh - shared by the interop_*.sh integration tests (sourced after
# tests/integration/lib.sh): TAXII requests as a client sends them, and a small
# incident of the tests' own with a signal of every hash type.
#
#   taxii TOKEN PATH [curl args...]  GET with TAXII's Accept; body to $T/body, headers
#                                    to $T/headers; prints the status
#   header NAME                      a header of the last taxii answer
#   seed_incident                    sets INC, SIG_PDQ, SIG_MD5, ... and posts a note
#   post_sighting TOKEN PLATFORM SIGNAL COUNT OUTCOME   one batch of one item
#   schemas_dir                      the OASIS STIX 2.1 schemas beside the checkout
TAXII_ACCEPT='application/taxii+json;version=2.1'

taxii() {
	tok=$1 path=$2
	shift 2
	if [ -n "$tok" ]; then set -- -H "Authorization: Bearer $tok" "$@"; fi
	curl -sS -o "$T/body" -D "$T/headers" -w '%{http_code}' -H "Accept: $TAXII_ACCEPT" \
		"$@" "$URL$path"
}

header() {
	sed -n "s/^$1: *//Ip" "$T/headers" | tr -d '\r' | head -n 1
}

# $STIX_SCHEMAS, else shared/ beside the checkout (CI), else beside the main
# checkout of this repository when this is one of its git worktrees.
schemas_dir() {
	if [ -n "${STIX_SCHEMAS:-}" ]; then
		echo "$STIX_SCHEMAS"
		return
	fi
	top=$(git rev-parse --show-toplevel 2>/dev/null || pwd)
	dir=$top/../shared/reference/stix2-json-schemas
	common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	if [ ! -d "$dir" ] && [ -n "$common" ] && [ -d "$(dirname "$common")/../shared/reference/stix2-json-schemas" ]; then
		dir=$(dirname "$common")/../shared/reference/stix2-json-schemas
	fi
	echo "$dir"
}

now_z() {
	date -u +%Y-%m-%dT%H:%M:%S.000Z
}

post_sighting() { # TOKEN PLATFORM SIGNAL COUNT OUTCOME
	expect 202 "$1" POST /v1/sightings "{\"platform_id\":\"$2\",\"incident_id\":\"$INC\",\"items\":[{\"signal_id\":\"$3\",\"count\":$4,\"outcome\":\"$5\",\"seen_at\":\"$(now_z)\"}]}"
}

seed_signal() { # TOKEN PLATFORM TYPE VALUE VARIANT -> prints the id
	expect 201 "$1" POST /v1/signals "{\"incident_id\":\"$INC\",\"type\":\"$3\",\"value\":\"$4\",\"quality\":90,\"variant_id\":\"$5\",\"platform_id\":\"$2\"}"
	jq -r .id "$T/body"
}

seed_incident() {
	expect 201 "$OFFICER" POST /v1/incidents '{"title":"Interop test <b>incident</b> | with *markdown*","location":"Testville","tier":"incident","summary":"Seeded by the interop tests."}'
	INC=$(jq -r .id "$T/body")
	SIG_PDQ=$(seed_signal "$PLAT_FB" p-fb pdq f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22 v1)
	SIG_MD5=$(seed_signal "$PLAT_FB" p-fb md5 0123456789abcdef0123456789abcdef v1)
	SIG_SHA=$(seed_signal "$PLAT_YT" p-yt sha256 a3f1c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345 v2)
	SIG_VMD5=$(seed_signal "$PLAT_YT" p-yt video_md5 fedcba9876543210fedcba9876543210 v2)
	SIG_TMK=$(seed_signal "$PLAT_FB" p-fb tmk 00ff00ff00ff v3)
	SIG_VPDQ=$(seed_signal "$PLAT_FB" p-fb vpdq "$(printf 'ab%.0s' $(seq 32))" v3)
	expect 201 "$PLAT_FB" POST /v1/reports "{\"kind\":\"situation_note\",\"incident_id\":\"$INC\",\"platform_id\":\"p-fb\",\"text\":\"Origin: a live stream.\\nSecond line with | pipes and \`ticks\`\",\"needs_decision\":false}"
	post_sighting "$PLAT_FB" p-fb "$SIG_PDQ" 5 blocked
	post_sighting "$PLAT_YT" p-yt "$SIG_SHA" 3 removed
}
