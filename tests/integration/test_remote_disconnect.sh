#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An external protocol that owns many interfaces and dies (issue 15, 3):
# "hoard" (tools/mgm-remote) takes 320 ownerships -- 300 (ifindex, next
# hop) pairs on r1, r2 and r3 and 20 made-up ifindexes -- and is killed.
# mgmd must run the seed for all of them (no cap), deregister the
# protocol, and say so in a few lines (not one error per made-up
# ifindex); afterwards no such protocol is listed, and another protocol
# takes every one of those interfaces.  mgmctl shuts that one down with
# the same seed.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1
phyint r2
phyint r3
EOF
mgmd_start "$TMP/mgmd.conf" -v || { fail "mgmd starts"; summary; exit 1; }

wait_for() { # wait_for COMMAND... (10 s)
	local n=0
	until "$@"; do
		[ $n -ge 200 ] && return 1
		sleep 0.05
		n=$((n + 1))
	done
}

# The 320 ownerships, for protocol P.
takes() {
	cat <<EOF
take-many $1 r1 198.51.100.10 100
take-many $1 r2 198.51.100.110 100
take-many $1 r3 203.0.113.1 100
take-ifindexes $1 4000000 20
EOF
}

{
	echo "proto H 4000 1"
	takes H
	echo "touch $TMP/h.ready"
	echo "wait $TMP/never 60"
} >"$TMP/h.script"
remote_start h hoard "$TMP/h.script"
check "hoard took its interfaces" wait_for test -e "$TMP/h.ready"
check_eq "hoard: 320 ownerships" \
	"$(grep -oE -- '-> [0-9]+ of [0-9]+ NO_ERROR$' "$TMP/h.log" | awk '{s += $2} END {print s}')" 320
out=$(mgmctl -j show protocols)
check "mgmctl lists remote:hoard with 320 interfaces" \
	grep -qE '"name": ?"remote:hoard", ?"protocol_id": ?4000, ?"component_id": ?1, ?"interfaces": ?320' <<<"$out"

: >"$TMP/mgmd.log.mark"
lines0=$(wc -l <"$TMP/mgmd.log")
kill -KILL "${RPID[h]}"
wait "${RPID[h]}" 2>/dev/null
gone() { grep -q "remote:hoard: .*deregist" "$TMP/mgmd.log"; }
check "mgmd shut hoard down after it died" wait_for gone
tail -n +"$((lines0 + 1))" "$TMP/mgmd.log" >"$TMP/after.log"
[ -n "${V:-}" ] && cat "$TMP/after.log" >&2
check "... releasing all 320, then deregistering it" \
	grep -q "remote:hoard: 320 interfaces released, deregistered" "$TMP/after.log"
check_eq "... with no line per made-up ifindex" \
	"$(grep -c "datapath tx\|if_release" "$TMP/after.log")" 0
check_eq "... but one summary of the datapath's errors" \
	"$(grep -c "remote:hoard: [0-9]* datapath errors while releasing" "$TMP/after.log")" 1
n=$(wc -l <"$TMP/after.log")
check "... in a few lines ($n)" test "$n" -le 10

out=$(mgmctl -j show protocols)
check "mgmctl show protocols: no remote:hoard, no protocol 4000" \
	test -z "$(grep -E 'remote:hoard|"protocol_id": ?4000' <<<"$out")"
out=$(mgmctl -j show remotes)
check "mgmctl show remotes: no remote:hoard" test -z "$(grep 'remote:hoard' <<<"$out")"
out=$(mgmctl -j shutdown remote:hoard 2>&1)
check "mgmctl shutdown remote:hoard: nothing left to shut down" \
	grep -q "unknown protocol\|not running\|no protocol" <<<"$out"

# Another protocol takes every one of them.
{
	echo "proto T 5000 1"
	takes T
	echo "owner r1"
	echo "touch $TMP/t.ready"
	echo "wait $TMP/never 60"
} >"$TMP/t.script"
remote_start t taker "$TMP/t.script"
check "taker ran" wait_for test -e "$TMP/t.ready"
check_eq "taker: every ownership taken (none ALREADY_EXISTS)" \
	"$(grep -cE -- '-> ([0-9]+) of \1 NO_ERROR$' "$TMP/t.log")" 4
check "taker: no failure" test -z "$(grep 'first failure' "$TMP/t.log")"

# mgmctl shuts it down: the same seed, 320 releases, one summary.
lines0=$(wc -l <"$TMP/mgmd.log")
mgmctl -j shutdown remote:taker >"$TMP/shut.json" 2>&1
check_eq "mgmctl shutdown remote:taker: 320 releases, all NO_ERROR, deregistered" \
	"$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = [s for s in d if s["step"] == "release"]
print(len(r), all(s["result"] == "NO_ERROR" for s in r), d[0]["interfaces"],
      [s["result"] for s in d if s["step"] == "deregister"])' "$TMP/shut.json" 2>&1)" \
	"320 True 320 ['NO_ERROR']"
check_eq "... its made-up ifindexes summarised in one line" \
	"$(tail -n +"$((lines0 + 1))" "$TMP/mgmd.log" | grep -c "datapath")" 1
check "mgmd still runs" kill -0 "$MGMD_PID"
mgmd_stop
summary
