#!/bin/sh
# net_tls.sh - https with a self-signed certificate (made here with openssl): the
# client refuses it without --cacert (and says why), accepts it with --cacert.
. tests/lib/net_helpers.sh
command -v openssl >/dev/null || fail "openssl CLI missing"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
	>/dev/null 2>&1 || fail "openssl could not make a certificate"
start_server --heartbeat 1 --tls-cert "$T/cert.pem" --tls-key "$T/key.pem"
case $URL in https://*) ;; *) fail "server not on https: $URL" ;; esac
CURL_OPTS="--cacert $T/cert.pem"
seed
"$WF" --batch --json --iterations 1 --sync-timeout 4 --token-file "$T/officer.token" \
	"$URL" >"$T/no.out" 2>"$T/no.err"
line=$(tail -n 1 "$T/no.out")
[ "$(echo "$line" | jq -r .synced)" = false ] || fail "synced without --cacert"
echo "$line" | jq -r .connection.message | grep -qi 'certificate\|ssl' ||
	fail "no certificate error shown: $(echo "$line" | jq -r .connection.message)"
"$WF" --batch --json --iterations 1 --cacert "$T/cert.pem" --token-file "$T/officer.token" \
	"$URL" >"$T/yes.out" 2>"$T/yes.err" || fail "client with --cacert: $(cat "$T/yes.err")"
line=$(tail -n 1 "$T/yes.out")
[ "$(echo "$line" | jq -r .synced)" = true ] || fail "not synced with --cacert"
[ "$(echo "$line" | jq -r .connection.state)" = live ] || fail "not live with --cacert"
[ "$(echo "$line" | jq -r .counts.incidents)" = 1 ] || fail "no data"
echo "ok: refused without --cacert ($(echo "$(tail -n 1 "$T/no.out")" | jq -r .connection.message)), accepted with it"
