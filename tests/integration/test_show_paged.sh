#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reading a big table must not stall or balloon the router (issue 15
# item 7).  About 25,000 MFEs (a spoofed flood to 100 groups, negative
# entries uncapped), then:
#
#  1. `show mfe` lists every MFE once, in (group, source) order, as JSON
#     and as a table; the filters group / source / interface / limit
#     select exactly what they say;
#  2. while `show mfe` runs over and over, `show stats` is answered
#     within STATS_BOUND_MS every time, and mgmd's resident memory grows
#     by less than RSS_BOUND_KB; a reader that stops reading holds one
#     page in mgmd, not the table;
#  3. offline (mgmd gone, --keep-forwarding): the same entries from the
#     pinned maps, filters too, and show stats, in bounded memory in
#     mgmctl.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 python3

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
NGROUPS=100
STATS_BOUND_MS=300
RSS_BOUND_KB=8192

py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r1
mfe negative-per-interface off
mfe negative-timeout 3600
EOF
check "mgmd starts" mgmd_start "$CONF" --keep-forwarding
check "the legitimate flow" send -n 5 -r 100
# 254 spoofed sources to each group; sent twice, for misses over the
# fast path's event budget to come back.
for round in 1 2; do
	for g in $(seq 1 $NGROUPS); do
		ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -g "239.9.$g.1" -p 5000 -t 16 -q \
			--spoof 203.0.113.0/24 -n 254 -r 20000
	done
	sleep 1
done
WANT=$((NGROUPS * 254 + 1))
check_eq "MFEs made" "$(stat_of mfes_negative)" $((WANT - 1))

# --- 1. every MFE once, in order; filters --------------------------------------
# mgmd's memory before the table is read at all (2. compares with it).
rss0=$(rss_kb)
mgmctl -j show mfe >"$TMP/all.json"
check_eq "show mfe -j: every MFE" "$(py "$TMP/all.json" "len(d)")" "$WANT"
check_eq "each once, in (group, source) order" \
	"$(py "$TMP/all.json" "[(e['group'], e['source']) for e in d] == sorted(set((e['group'], e['source']) for e in d), key=lambda k: tuple(int(x) for x in (k[0] + '.' + k[1]).split('.')))")" True
mgmctl show mfe >"$TMP/all.txt"
check_eq "the table: a header and one row each" "$(wc -l <"$TMP/all.txt")" $((WANT + 1))
check_eq "the table's rows are the JSON's" \
	"$(awk 'NR > 1 {print $1, $2}' "$TMP/all.txt" | md5sum)" \
	"$(py "$TMP/all.json" "'\n'.join(e['source'] + ' ' + e['group'] for e in d)" | md5sum)"
mgmctl -j show mfe group 239.9.7.1 >"$TMP/f.json"
check_eq "group: its 254 MFEs" "$(py "$TMP/f.json" "(len(d), set(e['group'] for e in d))")" "(254, {'239.9.7.1'})"
mgmctl -j show mfe source 203.0.113.77 >"$TMP/f.json"
check_eq "source: one MFE per group" "$(py "$TMP/f.json" "(len(d), set(e['source'] for e in d))")" "($NGROUPS, {'203.0.113.77'})"
mgmctl -j show mfe interface r1 >"$TMP/f.json"
check_eq "interface r1: the one forwarding to it" "$(py "$TMP/f.json" "[(e['source'], e['group']) for e in d]")" "[('$SOURCE', '$GROUP')]"
mgmctl -j show mfe interface rs limit 1000 >"$TMP/f.json"
check_eq "interface rs, limit 1000: the first 1000 of the listing" \
	"$(py "$TMP/f.json" "[(e['source'], e['group']) for e in d]")" \
	"$(py "$TMP/all.json" "[(e['source'], e['group']) for e in d][:1000]")"
mgmctl -j show mfe group 239.9.3.1 source 203.0.113.9 >"$TMP/f.json"
check_eq "group and source: one MFE" "$(py "$TMP/f.json" "[(e['source'], e['group']) for e in d]")" "[('203.0.113.9', '239.9.3.1')]"
check_eq "a group without MFEs: []" "$(mgmctl -j show mfe group 239.200.0.1)" "[]"
out=$(mgmctl show mfe limit 0 2>&1)
check_eq "limit 0 refused" "$?" 2
check "... saying why" grep -q "'limit' needs a count > 0" <<<"$out"
out=$(mgmctl show mfe interface nosuch 2>&1)
check_eq "an unknown interface: exit 2" "$?" 2
check "... named" grep -q "unknown interface 'nosuch'" <<<"$out"

# --- 2. the router goes on while the table is read ------------------------------
(
	end=$((SECONDS + 4))
	while [ $SECONDS -lt $end ]; do
		mgmctl -j show mfe >/dev/null
	done
) &
READER=$!
BG_PIDS+=($READER)
worst=0
n=0
while kill -0 "$READER" 2>/dev/null; do
	t0=$(now_ms)
	mgmctl -j show stats >/dev/null || fail "show stats failed"
	dt=$(($(now_ms) - t0))
	[ $dt -gt $worst ] && worst=$dt
	n=$((n + 1))
	sleep 0.05
done
say "show stats: $n samples during show mfe, slowest ${worst} ms"
check_ge "show stats sampled during show mfe" "$n" 10
check "show stats answered within $STATS_BOUND_MS ms while show mfe runs (slowest ${worst} ms)" \
	test "$worst" -le $STATS_BOUND_MS
rss1=$(rss_kb)
say "mgmd RSS: ${rss0} kB before the first show mfe, ${rss1} kB after reading the table over and over"
check "mgmd's memory grows by less than $RSS_BOUND_KB kB (${rss0} -> ${rss1} kB)" \
	test $((rss1 - rss0)) -lt $RSS_BOUND_KB
# A reader that stops reading: mgmd keeps one page for it, not the table.
in_rtr "$BUILD/mgmctl" -s "$MGMD_SOCK" -j show mfe | (sleep 3; cat >/dev/null) &
STALLED=$!
BG_PIDS+=($STALLED)
sleep 1
t0=$(now_ms)
check "show stats while a reader is stalled" mgmctl -j show stats >/dev/null
dt=$(($(now_ms) - t0))
check "... answered within $STATS_BOUND_MS ms (${dt} ms)" test $dt -le $STATS_BOUND_MS
check "mgmd's memory with a stalled reader: less than $RSS_BOUND_KB kB more ($(rss_kb) kB)" \
	test $(($(rss_kb) - rss0)) -lt $RSS_BOUND_KB
wait $STALLED

# --- 3. offline: the pinned maps, a page at a time ---------------------------------
mgmd_stop TERM
check "the pins stay (--keep-forwarding)" test -e "$PIN/mgm_mfe"
in_rtr /usr/bin/time -f %M -o "$TMP/off.rss" "$BUILD/mgmctl" -s "$MGMD_SOCK" --pin-root "$PIN" \
	-j show mfe >"$TMP/off.json" 2>"$TMP/off.err"
check_eq "offline: every MFE" "$(py "$TMP/off.json" "len(d)")" "$WANT"
check_eq "offline: the same MFEs" \
	"$(py "$TMP/off.json" "sorted((e['source'], e['group'], e['iif'], e['oifs']) for e in d)")" \
	"$(py "$TMP/all.json" "sorted((e['source'], e['group'], e['iif'], e['oifs']) for e in d)")"
say "offline mgmctl: max RSS $(cat "$TMP/off.rss") kB for $WANT MFEs"
check "offline mgmctl's memory bounded: under 32 MB ($(cat "$TMP/off.rss") kB)" \
	test "$(cat "$TMP/off.rss")" -lt 32768
mgmctl -j show mfe group 239.9.7.1 >"$TMP/f.json" 2>/dev/null
check_eq "offline group filter" "$(py "$TMP/f.json" "(len(d), set(e['group'] for e in d))")" "(254, {'239.9.7.1'})"
mgmctl -j show mfe interface r1 >"$TMP/f.json" 2>/dev/null
check_eq "offline interface filter" "$(py "$TMP/f.json" "[(e['source'], e['group']) for e in d]")" "[('$SOURCE', '$GROUP')]"
mgmctl -j show mfe limit 5 source 203.0.113.9 >"$TMP/f.json" 2>/dev/null
check_eq "offline limit and source" "$(py "$TMP/f.json" "(len(d), set(e['source'] for e in d))")" "(5, {'203.0.113.9'})"
mgmctl show mfe >"$TMP/off.txt" 2>/dev/null
check_eq "offline table: a header and one row each" "$(wc -l <"$TMP/off.txt")" $((WANT + 1))
in_rtr /usr/bin/time -f %M -o "$TMP/off.rss" "$BUILD/mgmctl" -s "$MGMD_SOCK" --pin-root "$PIN" \
	-j show stats >"$TMP/off.json" 2>/dev/null
check_eq "offline show stats: the MFEs counted" "$(json_num "$TMP/off.json" mfes)" "$WANT"
check_eq "offline show stats: one out-set in use" "$(json_num "$TMP/off.json" out_sets)" 1
check "offline show stats in bounded memory too ($(cat "$TMP/off.rss") kB)" \
	test "$(cat "$TMP/off.rss")" -lt 32768

summary
