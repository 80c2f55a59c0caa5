#!/bin/sh
# man_pages.sh - the man pages: `mandoc -T lint` finds nothing in man/*.1 *.5 *.8;
# every --option of `watchfloor --help` is an `.It Fl -option` of man/watchfloor.1
# and the other way round, the same for watchfloord and man/watchfloord.8; and the
# KEYS list of watchfloor(1) holds every action of the action table with its default
# keys (build/tests/tools/keys_dump); watchfloor.conf(5) names every config key the
# sources read. Every failure names the option, action or key and the file to
# change, all of them at once.
set -u
WF_BUILD=${WF_BUILD:-build}
problems=0
say() {
	echo "man_pages: $*" >&2
	problems=$((problems + 1))
}

if command -v mandoc >/dev/null 2>&1; then
	for page in man/*.[158]; do
		out=$(mandoc -T lint -W warning "$page" 2>&1)
		[ -z "$out" ] || say "mandoc -T lint $page: $out"
	done
else
	echo "man_pages: SKIP mandoc -T lint (mandoc not installed)"
fi

# options BINARY: the --options its --help names.
help_options() { "$WF_BUILD/$1" --help 2>&1 | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
# The options a page documents: its `.It Fl -NAME` items (mdoc's Fl adds one dash).
page_options() { grep -oE '^\.It Fl -[a-z][a-z0-9-]*' "$1" | sed 's/^\.It Fl -/--/' | sort -u; }
T=$(mktemp -d "${TMPDIR:-/tmp}/wf-man.XXXXXX")
trap 'rm -rf "$T"' EXIT
for pair in watchfloor:man/watchfloor.1 watchfloord:man/watchfloord.8; do
	bin=${pair%%:*} page=${pair#*:}
	help_options "$bin" >"$T/help"
	page_options "$page" >"$T/page"
	[ -s "$T/help" ] || say "$WF_BUILD/$bin --help names no option"
	for o in $(comm -23 "$T/help" "$T/page"); do
		say "$bin --help has $o, $page does not: add '.It Fl -${o#--} ...' to its OPTIONS"
	done
	for o in $(comm -13 "$T/help" "$T/page"); do
		say "$page documents $o, $bin --help does not: drop it from the page or add it to the usage text"
	done
done

# KEYS: '.It Li KEYS' then '.Cm NAME :' for each action, keys as keys_dump has them.
if [ -x "$WF_BUILD/tests/tools/keys_dump" ]; then
	"$WF_BUILD/tests/tools/keys_dump" | while IFS='	' read -r name keys help; do
		want=$(echo "$keys" | sed 's/^-$/\\(em/; s/\([^ ]*\)/\\\&\1/g; s/\\&\\(em/\\(em/')
		got=$(grep -B1 -xF ".Cm $name :" man/watchfloor.1 | head -n 1 | sed 's/^\.It Li //')
		if ! grep -qxF ".Cm $name :" man/watchfloor.1; then
			echo "man/watchfloor.1 KEYS lacks the action $name ($keys: $help): add '.It Li $want' and '.Cm $name :' with its help"
		elif [ "$got" != "$want" ]; then
			echo "man/watchfloor.1 KEYS gives $name the keys '$got', the action table '$want'"
		fi
	done >"$T/keys"
	[ -s "$T/keys" ] && while read -r l; do say "$l"; done <"$T/keys"
else
	say "no $WF_BUILD/tests/tools/keys_dump (make $WF_BUILD/tests/tools/keys_dump)"
fi

# watchfloor.conf(5): every key a part claims (the prefixes its wf_config_foreach
# walks take, the notifier's and the wall's key tables) is a `.It Cm KEY` item there.
{
	grep -rhoE 'wf_config_foreach\([^,]*, [^,]*, "[a-z_]+"' --include=*.c notify tui |
		grep -oE '"[a-z_]+"$'
	grep -ohE '"notify[a-z_]*"' notify/notify_config.c
	grep -ohE '"wall_[a-z_]+"' tui/wall/wall_config.c
} | tr -d '"' | grep -v '_$' | sort -u >"$T/keys.code"
grep -oE '^\.It Cm [a-z_]+' man/watchfloor.conf.5 | sed 's/^\.It Cm //' | sort -u >"$T/keys.page"
[ -s "$T/keys.code" ] || say "found no config key in the sources"
for k in $(comm -23 "$T/keys.code" "$T/keys.page"); do
	say "the config key $k is read (notify/, tui/) but man/watchfloor.conf.5 lacks '.It Cm $k ...'"
done

if [ "$problems" -gt 0 ]; then
	echo "man_pages: $problems problems" >&2
	exit 1
fi
echo "man_pages: ok (lint clean, options, keys and config keys match)"
