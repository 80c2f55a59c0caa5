#!/bin/sh
# run.sh - `make bench`: runs every benchmark, each row beside its baseline in the
# same run (ratios, since these machines are noisy). bench/*.sh are scripts given the
# build folder; build/bench/* are the compiled benchmarks of bench/*.c.
set -eu
build=${1:-build}
# A throwaway PostgreSQL cluster for the replicas rows (bench/replicas_bench.c).
. tests/lib/pg.sh
if pg_start; then
	trap pg_stop EXIT
	trap 'exit 1' INT TERM HUP
fi
for b in "$build"/bench/*; do
	[ -x "$b" ] || continue
	"$b"
done
for s in bench/*.sh; do
	[ "$s" = bench/run.sh ] && continue
	[ -f "$s" ] || continue
	sh "$s" "$build"
done
