#!/bin/sh
# demo.sh - starts a private watchfloord simulating the Christchurch-like scenario and
# opens the dashboard on it. Usage: demo.sh BUILD_DIR
set -eu
build=${1:-build}
if [ -x "$build/watchfloor" ] && "$build/watchfloor" --help >/dev/null 2>&1; then
	exec "$build/watchfloor" --demo
fi
echo "make demo: the dashboard and backend are still being built."
echo "It will start build/watchfloord --simulate scenarios/christchurch.scenario and"
echo "open build/watchfloor on it."
