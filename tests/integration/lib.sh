#!/bin/sh
# lib.sh - shell helpers for integration tests that run a real watchfloord (sourced
# by tests/integration/server_*.sh; sourcing it defines functions only, so running
# it alone, as tests/run.sh does with every script here, does nothing and passes).
#
#   wf_setup                 temp folder $T, cleanup trap (kills servers, removes $T)
#   make_tokens FILE         the standard tokens (below), written with printf+sha256sum
#   start_server [opts...]   watchfloord on a free loopback port (or $LISTEN) with
#                            $T/cc.db; sets SERVER_PID, URL, LISTEN
#   start_replica NAME [opts...]  one more watchfloord on $WF_DB: NAME_PID, NAME_URL
#   stop_server              SIGTERM, wait, fail unless it exits 0 (ASan leaks fail)
#   kill_server [SIG]        kill without checking (default -9)
#   req TOKEN METHOD PATH [BODY] [curl args...]
#                            body to $T/body, prints the HTTP status (no BODY for GET)
#   expect STATUS TOKEN METHOD PATH [BODY] [curl args...]  fails unless STATUS
#   fail MSG                 prints MSG (and the server's stderr tail), exits 1
#   wait_for SECONDS CMD [ARGS...]
#                            runs CMD every 0.1 s until it succeeds (returns 0), or
#                            returns 1 once SECONDS have passed: poll for a condition
#                            instead of sleeping a fixed time and then asserting it
# WF_BUILD: folder holding watchfloord (default build).
# WF_DB_ENGINE: sqlite (default: $T/cc.db) or pg: wf_setup then gives every script a
#   database of its own on PostgreSQL (tests/lib/pg.sh: the cluster tests/run.sh
#   started, else one of the script's own, stopped at exit); $WF_DB is what --db gets.
WF_BUILD=${WF_BUILD:-build}
WFD=$WF_BUILD/watchfloord
SERVER_PID=
LISTEN=

# Tokens of make_tokens: one per role, two platforms.
VIEWER=viewer-token-1
OFFICER=officer-token-1
ADMIN=admin-token-1
PLAT_FB=platform-token-fb
PLAT_YT=platform-token-yt

wf_cleanup() {
	rc=$?
	set +e
	if [ -n "${SERVER_PID:-}" ]; then
		kill -9 "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
	fi
	for p in ${BG_PIDS:-}; do
		kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "${KEEP:-}" ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
	command -v pg_stop >/dev/null 2>&1 && pg_stop
	exit $rc
}

wf_setup() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/wf-server.XXXXXX")
	BG_PIDS=
	trap wf_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	make_tokens "$T/tokens"
	WF_DB=$T/cc.db
	if [ "${WF_DB_ENGINE:-sqlite}" = pg ]; then
		wf_use_pg || fail "WF_DB_ENGINE=pg: no PostgreSQL cluster"
		WF_DB=$(pg_new_db "$(wf_db_name)") || fail "cannot create a database"
	fi
}

# Sources tests/lib/pg.sh and makes sure a cluster runs (1 when PostgreSQL is absent).
wf_use_pg() {
	command -v pg_start >/dev/null 2>&1 || . "${WF_SRC:-.}/tests/lib/pg.sh"
	pg_start
}

# A database name unique to this script run: wf_<script>_<pid>.
wf_db_name() {
	echo "wf_$(basename "$0" .sh | tr -c 'a-z0-9\n' _)_$$"
}

fail() {
	echo "FAIL: $*" >&2
	[ -f "$T/server.err" ] && tail -n 20 "$T/server.err" >&2
	exit 1
}

wait_for() {
	wait_for_end=$(($(date +%s) + $1 + 1)) # whole seconds: never less than asked
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$wait_for_end" ] || return 1
		sleep 0.1
	done
	return 0
}

token_line() { # TOKEN ROLE NAME [PLATFORM]
	printf '%s %s %s%s\n' "$(printf '%s' "$1" | sha256sum | cut -d' ' -f1)" "$2" "$3" \
		"${4:+ $4}"
}

make_tokens() {
	{
		echo "# test tokens: SHA256HEX ROLE NAME [PLATFORM_ID]"
		token_line "$VIEWER" viewer val
		echo
		token_line "$OFFICER" officer olga
		token_line "$ADMIN" admin ada
		token_line "$PLAT_FB" platform fb-bot p-fb
		token_line "$PLAT_YT" platform yt-bot p-yt
	} >"$1"
}

start_server() {
	: >"$T/server.out"
	"$WFD" --listen "${LISTEN:-127.0.0.1:0}" --db "$WF_DB" --tokens "$T/tokens" \
		"$@" >"$T/server.out" 2>>"$T/server.err" &
	SERVER_PID=$!
	i=0
	until head -n 1 "$T/server.out" 2>/dev/null | grep -q '^watchfloord listening on '; do
		i=$((i + 1))
		if [ $i -gt 150 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
			SERVER_PID=
			fail "watchfloord did not start"
		fi
		sleep 0.1
	done
	URL=$(head -n 1 "$T/server.out" | sed 's/^watchfloord listening on //')
	LISTEN=${URL#*://}
}

# start_replica NAME [opts...]: another watchfloord on $WF_DB (replicas share a
# PostgreSQL database); sets NAME_PID and NAME_URL, killed at exit.
start_replica() {
	rep_name=$1
	shift
	: >"$T/$rep_name.out"
	"$WFD" --listen 127.0.0.1:0 --db "$WF_DB" --tokens "$T/tokens" "$@" \
		>"$T/$rep_name.out" 2>"$T/$rep_name.err" &
	eval "${rep_name}_PID=$!"
	BG_PIDS="${BG_PIDS:-} $!"
	wait_for 15 grep -q '^watchfloord listening on ' "$T/$rep_name.out" ||
		fail "replica $rep_name did not start: $(cat "$T/$rep_name.err")"
	eval "${rep_name}_URL=$(head -n 1 "$T/$rep_name.out" | sed 's/^watchfloord listening on //')"
}

stop_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -TERM "$SERVER_PID"
	rc=0
	wait "$SERVER_PID" || rc=$?
	SERVER_PID=
	[ "$rc" = 0 ] || fail "watchfloord exited with $rc on SIGTERM"
}

kill_server() {
	[ -n "$SERVER_PID" ] || return 0
	kill -"${1:-9}" "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
	return 0
}

req() {
	tok=$1 method=$2 path=$3
	shift 3
	body=
	if [ "$method" != GET ] && [ $# -gt 0 ]; then
		body=$1
		shift
	fi
	if [ -n "$tok" ]; then set -- -H "Authorization: Bearer $tok" "$@"; fi
	if [ "$method" = GET ]; then
		curl -sS -o "$T/body" -w '%{http_code}' "$@" "$URL$path"
	else
		curl -sS -o "$T/body" -w '%{http_code}' -X "$method" \
			-H 'Content-Type: application/json' --data-binary "$body" "$@" "$URL$path"
	fi
}

expect() {
	want=$1
	shift
	got=$(req "$@") || fail "curl failed: $*"
	[ "$got" = "$want" ] || fail "$2 $3 as ${1:-nobody}: want $want, got $got: $(head -c 300 "$T/body")"
}

# jq on the last answer's body; fails when the filter is false or null.
body_has() {
	jq -e "$1" "$T/body" >/dev/null || fail "answer lacks $1: $(head -c 400 "$T/body")"
}
