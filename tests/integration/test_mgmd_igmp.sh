#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd's IGMP router with real hosts: receivers join and leave through
# their kernels (IGMPv2 forced on one, IGMPv3 on the others); forwarding
# starts after a join and stops within the leave latency.  Then the seed
# under traffic through mgmctl: `shutdown static` releases each interface
# static owns -- on the one IGMP shares, MGM disables IGMP, rewrites the
# entries, enables IGMP, and IGMP re-adds its members -- and deregisters;
# static's entries vanish, IGMP's come back, its handle is dead.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
cat >"$CONF" <<EOF
phyint rs
phyint r1 igmp v2
phyint r2 igmp v3
phyint r3 igmp v3
# receiver 3 always gets the group, whoever joins
mroute from rs group $GROUP to r3
igmp query-interval 2
igmp query-response-interval 1
igmp last-member-query-interval 200
igmp robustness 2
EOF
in_ns "$NS_R1" sysctl -qw net.ipv4.conf.x0.force_igmp_version=2
for ns in "$NS_R1" "$NS_R2" "$NS_R3"; do
	# Hosts answer queries quickly, and a lone join is reported at once.
	in_ns "$ns" sysctl -qw net.ipv4.conf.x0.igmpv3_unsolicited_report_interval=100
	in_ns "$ns" sysctl -qw net.ipv4.conf.x0.igmpv2_unsolicited_report_interval=100
done
check "mgmd starts with IGMP on r1 (v2), r2 and r3 (v3)" mgmd_start "$CONF"

# --- before anyone joins ----------------------------------------------------------
send_bg -n 100000 -r 2000 2>/dev/null
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sleep 1
sink_stop 1
sink_stop 2
check_eq "r1 gets nothing before joining" "$(sink_val 1 received)" 0
check_eq "r2 gets nothing before joining" "$(sink_val 2 received)" 0

# --- joins: IGMPv2 on r1, IGMPv3 on r2 ------------------------------------------------
sink_start 1 "$NS_R1" "$GROUP" --join
sink_start 2 "$NS_R2" "$GROUP" --join
sleep 1.5
mgmctl -j show groups >"$TMP/groups.json"
check "IGMP's (*,G) membership on r1" grep -q '"protocol":"igmp","interface":"r1","source":"\*","group":"239.1.1.1"' "$TMP/groups.json"
check "IGMP's (*,G) membership on r2" grep -q '"protocol":"igmp","interface":"r2","source":"\*","group":"239.1.1.1"' "$TMP/groups.json"
mgmctl -j show mfe >"$TMP/mfe.json"
check "the entry forwards to r1, r2 (IGMP) and r3 (static)" \
	grep -q '"oifs":\["r1","r2","r3"\]' "$TMP/mfe.json"

# --- leaves: forwarding stops within the leave latency ----------------------------------
# v2 leave -> group-specific queries (2 x 200 ms) -> membership gone.
kill -USR2 "${SINK_PID[1]}"
sleep 2
kill -USR2 "${SINK_PID[2]}"
sleep 2
sink_stop 1
sink_stop 2
left1=$(json_num "$TMP/sink1.json" left_ns)
left2=$(json_num "$TMP/sink2.json" left_ns)
check_ge "r1 received while joined (IGMPv2)" "$(sink_val 1 received)" 1000
check_ge "r2 received while joined (IGMPv3)" "$(sink_val 2 received)" 1000
late1=$(awk -v t="$left1" '$2 > t + 1000000000' "$TMP/sink1.seq" | wc -l)
late2=$(awk -v t="$left2" '$2 > t + 1000000000' "$TMP/sink2.seq" | wc -l)
check_eq "nothing reaches r1 later than 1 s after its IGMPv2 leave" "$late1" 0
check_eq "nothing reaches r2 later than 1 s after its IGMPv3 leave" "$late2" 0
mgmctl -j show groups >"$TMP/groups.json"
check "no IGMP membership left on r1" test -z "$(grep -o '"interface":"r1"' "$TMP/groups.json")"

# --- the seed through mgmctl, under traffic ------------------------------------------------
# Receivers 2 and 3 join through IGMP; r3 also has static's route.
sink_start 2 "$NS_R2" "$GROUP" --join
sink_start 3 "$NS_R3" "$GROUP" --join
sleep 1.5
mgmctl shutdown static >"$TMP/shutdown.txt" 2>&1
check "shutdown static succeeded" test $? -eq 0
mgmctl -j shutdown static >"$TMP/again.json" 2>/dev/null
check "static is gone afterwards" grep -q "static is not running" "$TMP/again.json"
[ -n "${V:-}" ] && cat "$TMP/shutdown.txt" >&2
# The steps, in order: release rs, release r3 with the IGMP handoff.
order=$(grep -n -o -E "release|igmp-disable|igmp-enable|igmp-re-add|deregister|handle" "$TMP/shutdown.txt" |
	cut -d: -f2 | uniq | tr '\n' ' ')
check "steps: releases with disable, enable and IGMP's re-add, then deregister ($order)" \
	bash -c "echo '$order' | grep -q 'release .*igmp-disable igmp-enable .*igmp-re-add.* deregister handle'"
check "the dead handle is rejected" grep -q "ERROR_INVALID_PARAMETER" "$TMP/shutdown.txt"
sleep 1
mgmctl -j show mfe >"$TMP/mfe.json"
check "IGMP's entry is back: r2 and r3 through IGMP alone" \
	grep -q '"oifs":\["r2","r3"\]' "$TMP/mfe.json"
mgmctl -j show protocols >"$TMP/protos.json"
check "only IGMP is registered now" test "$(grep -o '"name":"[a-z]*"' "$TMP/protos.json" | tr '\n' ' ')" = '"name":"igmp" '
sleep 1
sink_stop 2
sink_stop 3
after2=$(tail -n 200 "$TMP/sink2.seq" | wc -l)
check_ge "r2 (IGMP) keeps receiving after static's shutdown" "$after2" 100
last3=$(awk '{print $1}' "$TMP/sink3.seq" | sort -n | tail -n1)
last2=$(awk '{print $1}' "$TMP/sink2.seq" | sort -n | tail -n1)
check "r3 (IGMP member) receives up to the end like r2" test "$last3" -ge $((last2 - 10))
kill "$SENDER" 2>/dev/null
summary
