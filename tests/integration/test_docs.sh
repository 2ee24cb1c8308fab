#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The manual pages (doc/man): `mandoc -Tlint` finds nothing (warnings and
# worse), and they cannot silently fall behind the code: every keyword
# user/mgmd/config.c accepts is in mgmd.conf(5), every command and show
# object mgmctl's help lists is in mgmctl(8), every long option of mgmd
# and mgmctl (their --help) is in their page, and README points at the
# pages.  The check itself is shown to fail on a page missing a keyword.
. "$(dirname "$0")/lib.sh"
require_cmd mandoc mandoc

MAN=$ROOT/doc/man

for p in "$MAN"/*.[1-8]; do
	check_eq "mandoc -Tlint $(basename "$p")" "$(mandoc -Tlint -Wwarning "$p" 2>&1)" ""
done
for p in mgmd.8 mgmctl.8 mgmd.conf.5 mgm.3; do
	check "doc/man/$p exists" test -f "$MAN/$p"
done

# documented PAGE WORD: a macro line of PAGE names WORD as a command or
# keyword (Ic, Cm) or, for "--name", as an option (Fl Fl name).
documented() {
	local w=$2 re
	case $w in
	--*) re="(^\\.| )Fl Fl ${w#--}( |$)" ;;
	*) re="(^\\.| )(Ic|Cm) ${w}( |$)" ;;
	esac
	grep -E '^\.' "$1" | grep -qE -- "$re"
}

# Every word config.c compares a configuration word with.
KW=$(grep -o 'strcmp(w\[[^]]*\], "[^"]*")' "$ROOT/user/mgmd/config.c" |
	sed 's/.*"\(.*\)")/\1/' | sort -u)
check_ge "keywords found in config.c" "$(echo "$KW" | wc -w)" 15
for w in $KW; do
	check "mgmd.conf(5) documents '$w'" documented "$MAN/mgmd.conf.5" "$w"
done

# The check fails where a keyword is missing.
grep -v 'Ic socket-group' "$MAN/mgmd.conf.5" >"$TMP/broken.5"
if documented "$TMP/broken.5" socket-group; then
	fail "the check finds a keyword taken out of the page"
else
	pass "the check finds a keyword taken out of the page"
fi

# mgmctl's commands, from its own help: the first word of each line of
# "Commands", and show's objects from "help show".
CMDS=$("$BUILD/mgmctl" help | sed -n '/^Commands/,/^$/p' | sed -n 's/^  \([a-z]*\).*/\1/p' | sort -u)
OBJS=$("$BUILD/mgmctl" help show | sed -n 's/^Usage: mgmctl \[OPTIONS\] show //p' | tr '|' ' ')
check_ge "commands found in mgmctl help" "$(echo "$CMDS" | wc -w)" 10
check_ge "show objects found in mgmctl help show" "$(echo "$OBJS" | wc -w)" 6
for w in $CMDS $OBJS; do
	check "mgmctl(8) documents '$w'" documented "$MAN/mgmctl.8" "$w"
done
for w in $("$BUILD/mgmctl" --help | grep -o -- '--[a-z-]*' | sort -u); do
	check "mgmctl(8) documents '$w'" documented "$MAN/mgmctl.8" "$w"
done
for w in $("$BUILD/mgmd" --help | grep -o -- '--[a-z-]*' | sort -u); do
	check "mgmd(8) documents '$w'" documented "$MAN/mgmd.8" "$w"
done

# README and the pages point at each other.
for p in 'mgmd(8)' 'mgmctl(8)' 'mgmd.conf(5)' 'mgm(3)'; do
	check "README points at $p" grep -qF "$p" "$ROOT/README.md"
done
check "mgmd(8) points at README" grep -q 'README.md' "$MAN/mgmd.8"

summary
