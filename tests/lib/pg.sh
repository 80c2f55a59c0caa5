#!/bin/sh
# pg.sh - a throwaway PostgreSQL cluster for the tests and benches (sourced): initdb
# into a temporary folder as an unprivileged user (root runs it as `postgres`, the
# user Debian's postgresql package creates), the server listening only on a Unix
# socket in that folder, removed by pg_stop. tests/run.sh starts one for the whole
# run and exports WF_PG_HOST, WF_PG_PORT, WF_PG_USER; a script run alone starts its
# own.
#
#   pg_start            a cluster (reuses the exported one); 1 when PostgreSQL is absent
#   pg_new_db NAME      creates database NAME; prints its libpq keyword string
#   pg_url NAME         the postgresql:// URI of database NAME
#   pg_psql NAME SQL    runs SQL in database NAME (unaligned, tuples only)
#   pg_stop             stops the cluster this shell started and removes its folder
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PG_OWNED=

pg_as() { # runs a PostgreSQL binary as the cluster's owner
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_available() { [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ]; }

pg_start() {
	[ -n "${WF_PG_HOST:-}" ] && return 0
	pg_available || return 1
	# As root the cluster runs as postgres, which must reach the folder: /tmp, not
	# a $TMPDIR that may be private.
	if [ "$(id -u)" = 0 ]; then pg_tmp=/tmp; else pg_tmp=${TMPDIR:-/tmp}; fi
	WF_PG_HOST=$(mktemp -d "$pg_tmp/wf-pg.XXXXXX") || return 1
	WF_PG_PORT=5432 # only names the socket file: nothing listens on TCP
	if [ "$(id -u)" = 0 ]; then
		chown postgres "$WF_PG_HOST"
		WF_PG_USER=postgres
	else
		WF_PG_USER=$(id -un)
	fi
	chmod 700 "$WF_PG_HOST"
	PG_OWNED=$WF_PG_HOST
	export WF_PG_HOST WF_PG_PORT WF_PG_USER
	pg_as "$PG_BIN/initdb" -D "$WF_PG_HOST/data" -U "$WF_PG_USER" -A trust -E UTF8 \
		--no-sync >"$WF_PG_HOST/initdb.log" 2>&1 || {
		cat "$WF_PG_HOST/initdb.log" >&2
		return 1
	}
	pg_as "$PG_BIN/pg_ctl" -D "$WF_PG_HOST/data" -l "$WF_PG_HOST/server.log" -w -t 30 \
		-o "-k $WF_PG_HOST -p $WF_PG_PORT -c listen_addresses= -c max_connections=300 ${WF_PG_OPTS:-}" \
		start >/dev/null || {
		cat "$WF_PG_HOST/server.log" >&2
		return 1
	}
}

pg_conninfo() { echo "host=$WF_PG_HOST port=$WF_PG_PORT user=$WF_PG_USER dbname=$1"; }

pg_url() { # the socket folder as the URI's host parameter
	echo "postgresql://$WF_PG_USER@/$1?host=$WF_PG_HOST&port=$WF_PG_PORT"
}

pg_psql() {
	"$PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$(pg_conninfo "$1")" -c "$2"
}

pg_new_db() {
	pg_psql postgres "CREATE DATABASE $1" >/dev/null || return 1
	pg_conninfo "$1"
}

pg_stop() {
	[ -n "$PG_OWNED" ] || return 0
	pg_as "$PG_BIN/pg_ctl" -D "$PG_OWNED/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_OWNED"
	PG_OWNED=
	unset WF_PG_HOST WF_PG_PORT WF_PG_USER
}
