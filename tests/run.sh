#!/bin/sh
# run.sh - runs every test: the cmocka unit binaries, the integration scripts
# (tests/integration/*.sh, each exiting 0 on success) and a short libFuzzer run of
# every fuzz target. Ends with the line "N passed, N failed, N skipped". An integration
# script that exits 77 is skipped (it lacks something it needs, e.g. reference data beside the
# checkout) and says why on its last line; a skip is listed, never counted as a pass.
# WF_BUILD: the build folder holding watchfloor, watchfloord and tests/.
# WF_FUZZ: folder of fuzz binaries (empty: skip). FUZZ_SECONDS: per target (5).
# The backend's scripts (server_*.sh) run twice: on SQLite, and as NAME@pg with
# WF_DB_ENGINE=pg on a PostgreSQL cluster this script starts in a temporary folder
# (tests/lib/pg.sh) and removes at the end; every script that needs PostgreSQL uses
# that cluster. WF_PG=0 skips the @pg runs (they are reported as skipped).
set -u
build=${WF_BUILD:-build}
fuzz=${WF_FUZZ:-}
export WF_BUILD="$build"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
skipped=0
failures=
skips=
logdir=$build/test-logs
mkdir -p "$logdir"

run_one() { # name, command...
	name=$1
	shift
	start=$(date +%s)
	rc=0
	"$@" >"$logdir/$name.log" 2>&1 || rc=$?
	if [ $rc = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name ($(($(date +%s) - start))s)"
	elif [ $rc = 77 ] && [ "${may_skip:-0}" = 1 ]; then
		skipped=$((skipped + 1))
		skips="$skips $name"
		echo "SKIP $name: $(tail -n 1 "$logdir/$name.log")"
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAIL $name ($(($(date +%s) - start))s)"
		tail -n 40 "$logdir/$name.log" | sed 's/^/    /'
	fi
}

. tests/lib/pg.sh
pg_ok=0
if [ "${WF_PG:-1}" = 1 ]; then
	if pg_start; then
		pg_ok=1
		trap 'pg_stop' EXIT
		trap 'exit 1' INT TERM HUP
	else
		echo "FAIL postgresql: cannot start a test cluster (is the postgresql package installed?)"
		failed=$((failed + 1))
		failures="$failures postgresql"
	fi
fi

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
	# cmocka's own summary, so the per-test counts show in the log
	grep -E '^\[  (PASSED|FAILED)  \]' "$logdir/$(basename "$t").log" | sed 's/^/    /'
done

for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	[ "$(basename "$t")" = lib.sh ] && continue # helpers, sourced by the tests
	may_skip=1 # only a script may skip: 77 from a unit binary (77 failures) or a
	# fuzz target (libFuzzer's exit code for a crash) is a failure
	run_one "$(basename "$t" .sh)" sh "$t"
	case $(basename "$t") in
	server_*.sh)
		if [ "$pg_ok" = 1 ]; then
			run_one "$(basename "$t" .sh)@pg" env WF_DB_ENGINE=pg sh "$t"
		else
			echo "SKIP $(basename "$t" .sh)@pg: no PostgreSQL"
			skipped=$((skipped + 1))
			skips="$skips $(basename "$t" .sh)@pg"
		fi
		;;
	esac
done
may_skip=0

if [ -n "$fuzz" ]; then
	for f in "$fuzz"/fuzz_*; do
		[ -x "$f" ] || continue
		n=$(basename "$f")
		corpus=tests/fuzz/corpus/$n
		mkdir -p "$build/corpus/$n"
		if [ -d "$corpus" ]; then
			run_one "$n" "$f" -artifact_prefix="$build/corpus/$n-" -max_total_time="${FUZZ_SECONDS:-5}" "$build/corpus/$n" "$corpus"
		else
			run_one "$n" "$f" -artifact_prefix="$build/corpus/$n-" -max_total_time="${FUZZ_SECONDS:-5}" "$build/corpus/$n"
		fi
	done
fi

[ -n "$skips" ] && echo "skipped:$skips"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
