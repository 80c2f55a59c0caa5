#!/bin/sh
# run.sh - runs every test: the cmocka unit binaries, the integration scripts
# (tests/integration/*.sh, each exiting 0 on success) and a short libFuzzer run of
# every fuzz target. Ends with the line "N passed, N failed".
# WF_BUILD: the build folder holding watchfloor, watchfloord and tests/.
# WF_FUZZ: folder of fuzz binaries (empty: skip). FUZZ_SECONDS: per target (5).
set -u
build=${WF_BUILD:-build}
fuzz=${WF_FUZZ:-}
export WF_BUILD="$build"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
failures=
logdir=$build/test-logs
mkdir -p "$logdir"

run_one() { # name, command...
	name=$1
	shift
	start=$(date +%s)
	if "$@" >"$logdir/$name.log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name ($(($(date +%s) - start))s)"
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAIL $name ($(($(date +%s) - start))s)"
		tail -n 40 "$logdir/$name.log" | sed 's/^/    /'
	fi
}

for t in "$build"/tests/test_*; do
	[ -x "$t" ] || continue
	run_one "$(basename "$t")" "$t"
	# cmocka's own summary, so the per-test counts show in the log
	grep -E '^\[  (PASSED|FAILED)  \]' "$logdir/$(basename "$t").log" | sed 's/^/    /'
done

for t in tests/integration/*.sh; do
	[ -f "$t" ] || continue
	[ "$(basename "$t")" = lib.sh ] && continue # helpers, sourced by the tests
	run_one "$(basename "$t" .sh)" sh "$t"
done

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

[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
