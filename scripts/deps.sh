#!/bin/sh
# deps.sh - installs the Debian packages listed in deps.txt that are missing.
# A no-op when all are present; `apt-get update` runs only when something is
# missing; as root directly, otherwise through sudo.
set -eu
list=${1:-deps.txt}
missing=
for pkg in $(grep -v '^[[:space:]]*#' "$list"); do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=; else sudo=sudo; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
