#!/bin/sh
# interop_taxii.sh - the TAXII 2.1 feed walked with curl + jq as a client would:
# discovery -> API root -> collections -> objects page by page with next while new
# sightings are posted between the pages (nothing skipped, nothing repeated, every
# object's newest version seen), added_after boundaries, manifest, one object and
# its versions, match[type] / match[id] / match[version] / match[spec_version], the
# per-incident collection, Basic auth, the 400/401/403/404/406 answers, and
# --public-url in the discovery.
set -eu
. tests/integration/lib.sh
. tests/lib/interop_helpers.sh
wf_setup
start_server
seed_incident
INC1=$INC
expect 201 "$OFFICER" POST /v1/incidents '{"title":"Other incident","tier":"awareness"}'
INC2=$(jq -r .id "$T/body")

# discovery -> API root -> collections
[ "$(taxii "$VIEWER" /taxii2/)" = 200 ] || fail "discovery: $(cat "$T/body")"
header Content-Type | grep -qx 'application/taxii+json;version=2.1' || fail "discovery media type: $(header Content-Type)"
root=$(jq -r '.api_roots[0]' "$T/body")
[ "$(jq -r .default "$T/body")" = "$root" ] || fail "default is not the API root"
case $root in "$URL"/taxii2/*/) ;; *) fail "api root $root is not under $URL" ;; esac
rootpath=${root#"$URL"}
[ "$(taxii "$VIEWER" "$rootpath")" = 200 ] || fail "api root: $(cat "$T/body")"
body_has '.versions == ["application/taxii+json;version=2.1"] and .max_content_length > 0'
[ "$(taxii "$VIEWER" "${rootpath}collections/")" = 200 ] || fail "collections"
body_has '(.collections | length) == 3 and all(.collections[]; .can_read and (.can_write | not))'
ALL=$(jq -r '.collections[] | select(.title == "All incidents") | .id' "$T/body")
C1=$(jq -r --arg i "$INC1" '.collections[] | select(.title | startswith("Incident " + $i + ":")) | .id' "$T/body")
C2=$(jq -r --arg i "$INC2" '.collections[] | select(.title | startswith("Incident " + $i + ":")) | .id' "$T/body")
[ -n "$ALL" ] && [ -n "$C1" ] && [ -n "$C2" ] || fail "collections: $(cat "$T/body")"
[ "$(taxii "$VIEWER" "${rootpath}collections/$C1/")" = 200 ] || fail "collection"
jq -e --arg c "$C1" '.id == $c and .can_write == false' "$T/body" >/dev/null || fail "collection $C1"

# Walk the "all" collection one object a page; after every page a new sightings
# batch arrives (a new version of one sighting object, or a new object).
OBJ="${rootpath}collections/$ALL/objects/"
: >"$T/walk"
: >"$T/dates"
next=
pages=0
posts=0
while :; do
	pages=$((pages + 1))
	[ $pages -le 200 ] || fail "walk did not end after 200 pages"
	code=$(taxii "$VIEWER" "$OBJ?limit=1${next:+&next=$next}")
	[ "$code" = 200 ] || fail "page $pages: $code $(cat "$T/body")"
	jq -c '.objects // [] | .[] | [.id, (.modified // .created)]' "$T/body" >>"$T/walk"
	n=$(jq '.objects // [] | length' "$T/body")
	if [ "$n" -gt 0 ]; then
		first=$(header X-TAXII-Date-Added-First)
		last=$(header X-TAXII-Date-Added-Last)
		[ -n "$first" ] && [ -n "$last" ] || fail "page $pages lacks X-TAXII-Date-Added-*"
		echo "$first" >>"$T/dates"
		echo "$last" >>"$T/dates"
	fi
	more=$(jq -r .more "$T/body")
	[ "$more" = true ] || break
	next=$(jq -r .next "$T/body")
	[ "$next" != null ] || fail "more without next"
	# once the walk has passed a sighting, every page is followed by a batch: a
	# new version of that sighting (already listed) or of a sighting not yet there
	if [ $posts -lt 9 ] && grep -q '"sighting--' "$T/walk"; then
		posts=$((posts + 1))
		case $((posts % 3)) in
		0) post_sighting "$PLAT_FB" p-fb "$SIG_PDQ" 2 blocked ;;
		1) post_sighting "$PLAT_YT" p-yt "$SIG_VMD5" 1 removed ;;
		2) post_sighting "$PLAT_FB" p-fb "$SIG_TMK" 4 pending ;;
		esac
	fi
done
[ $posts = 9 ] || fail "only $posts batches posted: the walk must outlast them"
# nothing repeated: each (id, version) once
dups=$(sort "$T/walk" | uniq -d | wc -l)
[ "$dups" = 0 ] || fail "repeated object versions: $(sort "$T/walk" | uniq -d | head -3)"
# date_added grows across pages (the headers in order)
sort -c "$T/dates" 2>/dev/null || fail "X-TAXII-Date-Added-* not in order: $(cat "$T/dates")"
# nothing skipped: the whole collection now, in one read, is exactly the newest
# version of each id the walk saw
[ "$(taxii "$VIEWER" "$OBJ?limit=1000")" = 200 ] || fail "full read"
body_has '.more == false'
jq -c '.objects[] | [.id, (.modified // .created)]' "$T/body" | sort >"$T/final"
jq -s -c 'group_by(.[0]) | map(max_by(.[1])) | .[]' "$T/walk" | sort >"$T/walk.newest"
cmp -s "$T/final" "$T/walk.newest" || fail "walk and final read differ: $(diff "$T/walk.newest" "$T/final" | head -5)"
cnt=$(wc -l <"$T/final")
walked=$(wc -l <"$T/walk")
[ "$walked" -gt "$cnt" ] || fail "no object got a new version during the walk ($walked, $cnt)"
# the sightings posted during the walk are in: p-fb's pdq sighting counts 5 + 4 x 2
jq -e --arg s "$SIG_PDQ" '[.objects[] | select(.type == "sighting" and .x_watchfloor_signal_id == $s and .x_watchfloor_platform_id == "p-fb")] | length == 1 and .[0].count == 11' "$T/body" >/dev/null ||
	fail "pdq sighting count is not 11"

# added_after boundaries: strictly after, to the microsecond
jq -r '.objects[2].id' "$T/body" >"$T/third"
[ "$(taxii "$VIEWER" "${rootpath}collections/$ALL/manifest/?limit=1000")" = 200 ] || fail "manifest"
body_has 'all(.objects[]; .media_type == "application/stix+json;version=2.1" and (.date_added | test("\\.[0-9]{6}Z$")))'
jq -c '.objects[] | [.id, .version]' "$T/body" | sort >"$T/manifest"
cmp -s "$T/manifest" "$T/final" || fail "manifest differs from objects: $(diff "$T/manifest" "$T/final" | head -5)"
d2=$(jq -r '.objects[2].date_added' "$T/body")
id2=$(jq -r '.objects[2].id' "$T/body")
id3=$(jq -r '.objects[3].id' "$T/body")
total=$(jq '.objects | length' "$T/body")
[ "$(taxii "$VIEWER" "$OBJ?added_after=$d2&limit=1000")" = 200 ] || fail "added_after"
jq -e --arg a "$id3" --argjson n "$((total - 3))" '.objects[0].id == $a and (.objects | length) == $n' "$T/body" >/dev/null ||
	fail "added_after=$d2 does not start right after $id2"
before=$(/usr/bin/python3 -c 'import sys, datetime as d
t = d.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ") - d.timedelta(microseconds=1)
print(t.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))' "$d2")
[ "$(taxii "$VIEWER" "$OBJ?added_after=$before&limit=1")" = 200 ] || fail "added_after 1us before"
jq -e --arg a "$id2" '.objects[0].id == $a and .more == true' "$T/body" >/dev/null || fail "added_after=$before does not include $id2"
[ "$(taxii "$VIEWER" "$OBJ?added_after=2999-01-01T00:00:00Z")" = 200 ] || fail "added_after future"
body_has '.more == false and (.objects == null)'
[ -z "$(header X-TAXII-Date-Added-First)" ] || fail "an empty page has X-TAXII-Date-Added-First"

# filters
[ "$(taxii "$VIEWER" "$OBJ?match%5Btype%5D=indicator,incident&limit=1000")" = 200 ] || fail "match[type]"
body_has '(.objects | length) == 8 and all(.objects[]; .type == "indicator" or .type == "incident")'
[ "$(taxii "$VIEWER" "$OBJ?match%5Bid%5D=$id2")" = 200 ] || fail "match[id]"
jq -e --arg a "$id2" '(.objects | length) == 1 and .objects[0].id == $a' "$T/body" >/dev/null || fail "match[id]"
[ "$(taxii "$VIEWER" "$OBJ?match%5Bspec_version%5D=2.0")" = 200 ] || fail "spec_version"
body_has '.objects == null'
[ "$(taxii "$VIEWER" "${OBJ}$id2/")" = 200 ] || fail "get object"
v=$(jq -r '.objects[0].modified // .objects[0].created' "$T/body")
[ "$(taxii "$VIEWER" "${OBJ}$id2/versions/")" = 200 ] || fail "versions"
jq -e --arg v "$v" '.versions == [$v] and .more == false' "$T/body" >/dev/null || fail "versions: $(cat "$T/body")"
[ "$(taxii "$VIEWER" "${OBJ}$id2/?match%5Bversion%5D=$v")" = 200 ] || fail "match[version]"
body_has '(.objects | length) == 1'
[ "$(taxii "$VIEWER" "${OBJ}$id2/?match%5Bversion%5D=2000-01-01T00:00:00.000Z")" = 200 ] || fail "match[version] other"
body_has '.objects == null'

# per-incident collections: INC2's has its incident and no sighting or indicator
[ "$(taxii "$VIEWER" "${rootpath}collections/$C2/objects/?limit=1000")" = 200 ] || fail "C2"
body_has '([.objects[] | select(.type == "incident")] | length) == 1 and ([.objects[] | select(.type == "sighting" or .type == "indicator")] | length) == 0'
[ "$(taxii "$VIEWER" "${rootpath}collections/$C1/objects/?match%5Btype%5D=sighting&limit=1000")" = 200 ] || fail "C1"
jq -e --arg i "$INC1" '(.objects | length) >= 4 and all(.objects[]; .x_watchfloor_incident_id == $i)' "$T/body" >/dev/null || fail "C1 sightings"
ind=$(jq -r '[.objects[] | select(.type == "sighting")][0].sighting_of_ref' "$T/body")
[ "$(taxii "$VIEWER" "${rootpath}collections/$C2/objects/$ind/")" = 404 ] || fail "INC1's indicator is in INC2's collection"
[ "$(taxii "$VIEWER" "${rootpath}collections/$C1/objects/$ind/")" = 200 ] || fail "INC1's indicator is not in its collection"

# Basic auth (what TAXII clients send): user name ignored, the token as password
[ "$(taxii "" /taxii2/ -u "misp:$VIEWER")" = 200 ] || fail "Basic auth refused"
[ "$(taxii "" /taxii2/ -u "misp:wrong")" = 401 ] || fail "Basic auth with a wrong token"

# errors, in TAXII's format
[ "$(taxii "" /taxii2/)" = 401 ] || fail "no token: not 401"
body_has '.http_status == "401" and (.title | length) > 0'
header WWW-Authenticate | grep -q Basic || fail "401 without WWW-Authenticate"
[ "$(taxii "not-a-token" "$OBJ")" = 401 ] || fail "bad token: not 401"
code=$(curl -sS -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $ADMIN" \
	-H "Accept: $TAXII_ACCEPT" -H 'Content-Type: application/taxii+json;version=2.1' \
	--data-binary '{"objects":[]}' "$URL$OBJ")
[ "$code" = 403 ] || fail "POST objects: $code, want 403"
body_has '.http_status == "403"'
[ "$(taxii "$VIEWER" "${rootpath}collections/00000000-0000-5000-8000-000000000000/objects/")" = 404 ] || fail "unknown collection"
body_has '.http_status == "404"'
[ "$(taxii "$VIEWER" "${OBJ}indicator--00000000-0000-5000-8000-000000000000/")" = 404 ] || fail "unknown object"
[ "$(taxii "$VIEWER" /taxii2/nope/)" = 404 ] || fail "unknown api root"
for acc in 'application/json' 'application/taxii+json;version=2.0' 'text/html' '*/*'; do
	code=$(curl -sS -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $VIEWER" -H "Accept: $acc" "$URL$OBJ")
	[ "$code" = 406 ] || fail "Accept $acc: $code, want 406"
done
body_has '.http_status == "406"'
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VIEWER" -H "Accept: application/taxii+json" "$URL/taxii2/")
[ "$code" = 200 ] || fail "Accept without version: $code"
code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VIEWER" -H "Accept: text/html, application/taxii+json; version=2.1; q=0.5" "$URL/taxii2/")
[ "$code" = 200 ] || fail "Accept list with parameters: $code"
for q in 'added_after=yesterday' 'limit=0' 'limit=-3' 'next=abc' 'match%5Btype%5D=' 'match%5Bversion%5D=soon'; do
	[ "$(taxii "$VIEWER" "$OBJ?$q")" = 400 ] || fail "$q: not 400"
	body_has '.http_status == "400"'
done
# behind a proxy: --public-url names the URL clients use in the discovery
stop_server
start_server --public-url https://cc.example:9443/
[ "$(taxii "$VIEWER" /taxii2/)" = 200 ] || fail "discovery with --public-url"
body_has '.api_roots == ["https://cc.example:9443/taxii2/feed/"] and .default == "https://cc.example:9443/taxii2/feed/"'
stop_server
code=0
"$WFD" --public-url 'ftp://x' --db "$T/x.db" >/dev/null 2>"$T/err" || code=$?
[ $code = 2 ] && grep -q -- '--public-url' "$T/err" || fail "--public-url ftp://x: $code $(cat "$T/err")"
echo "interop_taxii: OK ($pages pages, $walked versions walked, $cnt objects)"
