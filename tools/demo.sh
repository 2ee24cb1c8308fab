#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the whole product on a small network built in namespaces.
#
#   source ---- router (mgmd: XDP fast path + MGM + static + IGMP) ---- receiver 1
#                                                                 ---- receiver 2
#                                                                 ---- receiver 3
#
# A source streams 239.1.1.1.  A static route sends it to receiver 3.
# Receivers 1 and 2 join through IGMP (their kernels send the reports),
# receiver 1 leaves; beside it an IPv6 flow (ff0e::db8:1) reaches
# receiver 2, whose kernel joins with MLDv2; then the static routing
# protocol shuts down with the seed's sequence: its entries vanish,
# IGMP's come back.  Everything is removed at the end, also on ^C.
# DEMO_PACE=0 runs it without pauses.
set -u
. "$(dirname "$0")/../tests/integration/lib.sh"

PACE=${DEMO_PACE:-1}
if [ -t 1 ]; then
	B=$'\e[1m' D=$'\e[2m' G=$'\e[32m' C=$'\e[36m' R=$'\e[0m'
else
	B='' D='' G='' C='' R=''
fi

step() {
	printf '\n%s==> %s%s\n' "$B$C" "$*" "$R"
}

say_() { printf '    %s\n' "$*"; }

pause() { sleep "$(awk -v p="$PACE" -v s="${1:-1}" 'BEGIN {print p * s}')"; }

run() {
	printf '%s$ %s%s\n' "$D" "$*" "$R"
	"$@" 2>&1 | sed 's/^/    /'
}

# Live counts: every receiver's total and what it got in the last second.
declare -A last
counts() {
	local n=${1:-3} i t got
	printf '    %s%-8s %12s %12s %12s%s\n' "$D" "" "receiver 1" "receiver 2" "receiver 3" "$R"
	for ((t = 1; t <= n; t++)); do
		for i in 1 2 3; do kill -USR1 "${SINK_PID[$i]}" 2>/dev/null; done
		sleep 1
		printf '    %-8s' "t+${t}s"
		for i in 1 2 3; do
			got=$(tail -n 1 "$TMP/sink$i.json" | sed -n 's/.*"received":\([0-9]*\).*/\1/p')
			got=${got:-0}
			if [ "$got" -gt "${last[$i]:-0}" ]; then
				printf ' %s%12s%s' "$G" "$got +$((got - ${last[$i]:-0}))" "$R"
			else
				printf ' %12s' "$got"
			fi
			last[$i]=$got
		done
		echo
	done
}

require_root
step "Building the network: a source, a router, three receivers (network namespaces)"
topo_std || { echo "cannot build the topology"; exit 1; }
topo_ipv6 || { echo "cannot give the topology IPv6 addresses"; exit 1; }
cat <<EOF
    source 192.0.2.1    --- rs [router] r1 --- receiver 1  (joins with IGMP)
           2001:db8:1::1                r2 --- receiver 2  (joins with IGMP,
                                                            and with MLD)
                                     r3 --- receiver 3  (a static route; IGMP
                                                         runs there, nobody joins)
EOF
pause

step "Starting mgmd on the router with this configuration"
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1 igmp
phyint r2 igmp mld
phyint r3 igmp
mroute from rs group $GROUP to r3
igmp query-interval 2
igmp query-response-interval 1
igmp last-member-query-interval 200
EOF
sed 's/^/    /' "$TMP/mgmd.conf"
mgmd_start "$TMP/mgmd.conf" -v || { cat "$TMP/mgmd.log"; exit 1; }
for ns in "$NS_R1" "$NS_R2"; do
	in_ns "$ns" sysctl -qw net.ipv4.conf.x0.igmpv3_unsolicited_report_interval=100
done
say_ "mgmd attached its XDP program to every interface:"
run mgmctl show interfaces
pause

step "The source streams $GROUP at 200 packets/s"
send_bg -n 1000000 -r 200 2>/dev/null
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 3 "$NS_R3" "$GROUP"
say_ "The first packet missed in XDP: MGM asked static for the incoming"
say_ "interface, built the entry and installed it; every packet since is"
say_ "forwarded by XDP.  Only receiver 3 (the static route) gets it:"
counts 3
run mgmctl show mfe
pause

step "Receivers 1 and 2 join $GROUP: their kernels send IGMP reports"
sink_stop 1
sink_stop 2
last[1]=0
last[2]=0
sink_start 1 "$NS_R1" "$GROUP" --join
sink_start 2 "$NS_R2" "$GROUP" --join
sleep 0.5
say_ "IGMP turned the reports into MGM memberships; MGM added r1 and r2 to"
say_ "the entry (one atomic switch to a new out-set in the fast path):"
run mgmctl show groups
counts 3
run mgmctl show mfe
pause

step "Receiver 1 leaves the group"
kill -USR2 "${SINK_PID[1]}"
say_ "IGMP asks who still listens on r1 (group-specific queries), nobody"
say_ "answers, the membership goes, and r1 leaves the entry:"
counts 3
run mgmctl show mfe
pause

G6=ff0e::db8:1
step "IPv6 beside it: the source streams $G6, receiver 2 joins with MLDv2"
# Not via in_ns: $! must be mcsend itself, so that cleanup's kill reaches it.
ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -s 2001:db8:1::1 -g "$G6" -p 5001 -t 16 \
	-q -n 1000000 -r 100 2>/dev/null &
BG_PIDS+=($!)
ip netns exec "$NS_R2" "$BUILD/mcsink" -i x0 -g "$G6" -p 5001 -j --join \
	>"$TMP/sink6.json" 2>/dev/null &
SINK6=$!
BG_PIDS+=($SINK6)
sleep 1.5
say_ "Receiver 2's kernel sent an MLDv2 report; MLD runs in the same MGM"
say_ "protocol as IGMP (one handoff for both) and added the membership:"
run mgmctl show groups
say_ "The first IPv6 packet missed in XDP like an IPv4 one; the entry is"
say_ "in the IPv6 table of the fast path, over the same out-sets:"
run mgmctl show mfe
kill -USR1 "$SINK6" 2>/dev/null
sleep 1
say_ "receiver 2 got $(tail -n 1 "$TMP/sink6.json" | sed -n 's/.*"received":\([0-9]*\).*/\1/p') IPv6 packets so far (100/s, hop limit 16 -> 15)"
pause

step "The static routing protocol shuts down (the seed): mgmctl shutdown static"
say_ "For each interface it owns MGM releases it and deletes the entries"
say_ "tied to it -- r3 is shared with IGMP, so IGMP is disabled around the"
say_ "change and enabled after it -- then static deregisters and its handle"
say_ "is dead:"
run mgmctl shutdown static
sleep 0.5
say_ "static's entry vanished with rs.  Nobody owns rs now, but it is a"
say_ "phyint: the operator's line still lets its traffic in, for the"
say_ "receivers the protocols have (an interface without one would make no"
say_ "entry at all); the next packet built one for IGMP's receiver, with no"
say_ "incoming-interface owner (PROTOCOL -):"
run mgmctl show mfe
counts 3
say_ "Receiver 3 had only the static route: it gets nothing now.  Receiver 2"
say_ "is IGMP's: it lost just the packet that re-created the entry."
pause

step "What the fast path did"
run mgmctl show stats
step "Done; removing the namespaces and pinned maps."
mgmd_stop TERM
exit 0
