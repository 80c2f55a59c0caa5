#!/bin/sh
# interop_schemas.sh - every STIX object watchfloord exports validates against the
# OASIS STIX 2.1 JSON schemas (../shared/reference/stix2-json-schemas beside the
# checkout, or $STIX_SCHEMAS) with Debian's python3-jsonschema: the bundle of the
# demo's simulated incident (from the API and from `watchfloor --batch --export
# --format stix`), of the quieter one, of an incident with a signal of
# every hash type and a note, and every page of every TAXII collection. Without
# the schemas the test says so and exits 77 (SKIP in tests/run.sh), never 0.
set -eu
. tests/integration/lib.sh
. tests/lib/interop_helpers.sh
SCHEMAS=$(schemas_dir)
if [ ! -f "$SCHEMAS/schemas/common/core.json" ]; then
	echo "SKIPPED: the OASIS STIX 2.1 schemas are not at $SCHEMAS"
	exit 77
fi
/usr/bin/python3 -c 'import jsonschema' || fail "python3-jsonschema is missing (deps.txt)"
wf_setup
# the demo's setup (make demo: 3 h of the scenario written at once, then 60x; 90 min
# on PostgreSQL, whose back-dated start is slower)
at=3h
[ "${WF_DB_ENGINE:-sqlite}" = pg ] && at=90m
start_server --simulate scenarios/christchurch.scenario --speed 60 --scale 0.01 --start-at $at
seed_incident

main_ready() { # the demo's incident with sightings, notes and signals
	req "$VIEWER" GET /v1/snapshot >/dev/null
	MAIN=$(jq -r '.incidents[] | select(.title | startswith("Live-streamed attack")) | .id' "$T/body")
	[ -n "$MAIN" ] || return 1
	req "$VIEWER" GET "/v1/incidents/$MAIN/record" >/dev/null
	jq -e '.figures.totals.attempts > 0 and .figures.totals.situation_notes > 0' "$T/body" >/dev/null
}
wait_for 60 main_ready || fail "the simulated incident did not get going"

n=0
for inc in $(req "$VIEWER" GET /v1/snapshot >/dev/null; jq -r '.incidents[].id' "$T/body"); do
	expect 200 "$VIEWER" GET "/v1/incidents/$inc/stix"
	cp "$T/body" "$T/bundle-$inc.json"
	n=$((n + 1))
done
[ $n -ge 3 ] || fail "only $n incidents"
jq -e '[.objects[].type] | index("note") and index("sighting") and index("incident")' "$T/bundle-$MAIN.json" >/dev/null ||
	fail "the demo's bundle lacks notes, sightings or the incident"
jq -e '[.objects[] | select(.type == "indicator") | .pattern] | (map(select(contains("x_pdq"))) | length) > 0' "$T/bundle-$MAIN.json" >/dev/null ||
	fail "the demo's bundle has no PDQ indicator"
jq -e '([.objects[] | select(.type == "note" and .x_watchfloor_exception_id and (.object_refs | length) == 2)] | length) == 1 and
  ([.objects[] | select(.type == "note" and .x_watchfloor_notification_id)] | length) == 1' "$T/bundle-$MAIN.json" >/dev/null ||
	fail "the demo's bundle lacks the exception's or the notification's note"

# the dashboard's export of the same bundle
WATCHFLOOR_TOKEN="$VIEWER" "$WF_BUILD/watchfloor" --batch --export "$MAIN" --format stix \
	--output "$T/bundle-cli.json" "$URL" 2>/dev/null || fail "watchfloor --export --format stix"

# every TAXII collection, every page
[ "$(taxii "$VIEWER" /taxii2/feed/collections/)" = 200 ] || fail "collections"
pages=0
for c in $(jq -r '.collections[].id' "$T/body"); do
	next=
	while :; do
		pages=$((pages + 1))
		[ $pages -le 500 ] || fail "too many pages"
		[ "$(taxii "$VIEWER" "/taxii2/feed/collections/$c/objects/?limit=200${next:+&next=$next}")" = 200 ] ||
			fail "objects of $c"
		cp "$T/body" "$T/page-$pages.json"
		[ "$(jq -r .more "$T/body")" = true ] || break
		next=$(jq -r .next "$T/body")
	done
done

/usr/bin/python3 tests/tools/stix_validate.py "$SCHEMAS" "$T"/bundle-*.json "$T"/page-*.json >"$T/validate.out" 2>&1 ||
	fail "STIX validation: $(tail -n 20 "$T/validate.out")"
tail -n 1 "$T/validate.out"
# the validator itself rejects what breaks the schemas (a test that can fail)
jq '.objects |= map(if .type == "sighting" then .count = -1 else . end)' "$T/bundle-$MAIN.json" >"$T/broken.json"
if /usr/bin/python3 tests/tools/stix_validate.py "$SCHEMAS" "$T/broken.json" >/dev/null 2>&1; then
	fail "the validator accepted a sighting with count -1"
fi
stop_server
echo "interop_schemas: OK ($n bundles, $pages TAXII pages)"
