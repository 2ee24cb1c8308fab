#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packets on an interface no protocol owns (issue 13 item 5), on the real
# fast path, counted at the receivers.  mgmd's rule: such packets make no
# MFE (counted as misses_unowned), except on a configured phyint, which
# is the operator's standing permission for traffic arriving there.
#  1. A route from rs (not a phyint): after `mgmctl release rs static`
#     (the seed's step) the next packets make nothing and reach no one;
#     after `take rs static` the flow comes back.
#  2. A plain phyint upstream, IGMP receivers downstream, no route: the
#     phyint line is permission enough.
#  3. Both: releasing the route's incoming interface makes the route
#     inert (its receiver gets nothing more) while the IGMP receiver,
#     fed through the phyint's permission, keeps getting the flow.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
for ns in "$NS_R1" "$NS_R2"; do
	# A lone join is reported at once.
	in_ns "$ns" sysctl -qw net.ipv4.conf.x0.igmpv3_unsolicited_report_interval=100
done

# window ID NS: count what one receiver gets from 300 packets.
window() {
	sink_start "$1" "$2" "$GROUP" || return 1
	send -n 300 -r 3000
	sleep 0.3
	sink_stop "$1"
	sink_val "$1" received
}

# entries: (S,G) entries in mgmctl's table now.
entries() {
	mgmctl -j show mfe group "$GROUP" | grep -o '"group"' | wc -l
}

# wait_group GROUP: IGMP has a member for it (up to 5 s).
wait_group() {
	local n=0
	while [ $n -lt 50 ]; do
		mgmctl -j show groups | grep -q "\"$1\"" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

# --- 1. a released route interface forwards nothing more -------------------------
cat >"$CONF" <<EOF
phyint r1
mroute from rs group $GROUP to r1
EOF
check "mgmd starts (rs named only by the route)" mgmd_start "$CONF"
check "first packets (the miss creates the entry)" send -n 5 -r 100
sleep 0.3
check_eq "the route forwards: 300 of 300" "$(window 1 "$NS_R1")" 300
check "release rs static" mgmctl release rs static
check_eq "the entry went with the release" "$(entries)" 0
m0=$(stat_of misses_unowned)
check_eq "after the release: 0 of 300 reach r1" "$(window 1 "$NS_R1")" 0
check_eq "and no entry was made from rs" "$(entries)" 0
m1=$(stat_of misses_unowned)
check "the refused misses are counted ($m0 -> $m1)" test "$m1" -gt "$m0"
mgmctl -j show stats >"$TMP/stats.json"
check_eq "mgmd is up" "$(kill -0 "$MGMD_PID" && echo up)" up
check "take rs static" mgmctl take rs static
# The fast path reports the flow again within its miss retry (1 s).
check "first packets again" send -n 15 -r 10
check_eq "taken back: 300 of 300" "$(window 1 "$NS_R1")" 300
mgmctl -j show mfe group "$GROUP" >"$TMP/mfe1.json"
check "the new entry's iif owner is static" grep -q '"protocol": *"static"' "$TMP/mfe1.json"
mgmd_stop

# --- 2. a plain phyint upstream, IGMP downstream, no route ----------------------
cat >"$CONF" <<EOF
phyint rs
phyint r1 igmp
EOF
check "mgmd starts (phyint rs, IGMP on r1)" mgmd_start "$CONF"
sink_start 1 "$NS_R1" "$GROUP" --join
check "IGMP learnt the member on r1" wait_group "$GROUP"
m0=$(stat_of misses_unowned)
send -n 5 -r 100
sleep 0.3
send -n 300 -r 3000
sleep 0.3
sink_stop 1
check_ge "the phyint's permission: r1 gets the flow (300 + first packets)" "$(sink_val 1 received)" 300
mgmctl -j show mfe group "$GROUP" >"$TMP/mfe2.json"
check "the entry has rs as iif and no owner" grep -q '"protocol": *"-"' "$TMP/mfe2.json"
check_eq "made on an interface nobody owns: counted once" "$(($(stat_of misses_unowned) - m0))" 1
mgmd_stop

# --- 3. both: the released route is inert, the IGMP receiver is not -------------
cat >"$CONF" <<EOF
phyint rs
phyint r1 igmp
mroute from rs group $GROUP to r2
EOF
check "mgmd starts (phyint rs, IGMP on r1, route to r2)" mgmd_start "$CONF"
sink_start 1 "$NS_R1" "$GROUP" --join
check "IGMP learnt the member on r1" wait_group "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
send -n 5 -r 100
sleep 0.3
send -n 300 -r 3000
sleep 0.3
sink_stop 1
sink_stop 2
check_ge "before: r1 (IGMP) gets the flow" "$(sink_val 1 received)" 300
check_ge "before: r2 (route) gets the flow" "$(sink_val 2 received)" 300
check "release rs static" mgmctl release rs static
sink_start 1 "$NS_R1" "$GROUP" --join
sink_start 2 "$NS_R2" "$GROUP"
send -n 15 -r 10
send -n 300 -r 3000
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "after: the route is inert, r2 gets 0" "$(sink_val 2 received)" 0
check_ge "after: r1 (IGMP, through the phyint) keeps it" "$(sink_val 1 received)" 300
mgmd_stop

summary
