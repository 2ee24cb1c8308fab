#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd forwarding IPv6 from static routes, beside IPv4, with real packets
# (lib.sh's standard topology with IPv6 on top, see topo_ipv6):
#
#  1. (*,G) route ff0e::db8:1 rs -> r1 r2: the first packets make the
#     entry (a miss through the fast path's IPv6 event), then every packet
#     reaches r1 and r2, hop limit 16 -> 15, the router's MAC as source;
#     nothing at r3;
#  2. (S,G) route (2001:db8:1::1, ff3e::db8:5) rs -> r3: only that source;
#  3. a mixed run: IPv4 and IPv6 flows at once, exact counts for both;
#  4. mgmctl adds and deletes an IPv6 route: forwarding starts, then stops;
#  5. a --keep-forwarding restart under IPv6 traffic loses nothing and the
#     new mgmd adopts the IPv6 entry;
#  6. the seed: `mgmctl shutdown static` under IPv6 traffic, with MLD
#     sharing r1 (no host joined there): MLD is disabled and enabled
#     around the release, and nothing is forwarded to r1 once it returns.
. "$(dirname "$0")/lib.sh"
require_root
if [ ! -d /proc/sys/net/ipv6 ]; then
	skip "$TEST_NAME" "this kernel has no IPv6 (ipv6.disable=1?)"
	summary
	exit 0
fi

S6=2001:db8:1::1
S6B=2001:db8:1::2
G6=ff0e::db8:1
G6S=ff3e::db8:5
G6M=ff0e::db8:9
CONF=$TMP/mgmd.conf

topo_std || { fail "topology"; summary; exit 1; }
topo_ipv6 || { fail "IPv6 addresses"; summary; exit 1; }
ip -n "$NS_SRC" addr add "$S6B/64" dev s0 nodad
MAC1=$(mac_of "$NS_RTR" r1)
MAC2=$(mac_of "$NS_RTR" r2)

send6() {
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -p 5000 -t 16 -q "$@"
}

# send6_bg ARGS: the same in the background, SENDER mcsend itself (not a
# subshell), so that a kill and cleanup reach it.
send6_bg() {
	ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -p 5000 -t 16 -q "$@" &
	SENDER=$!
	BG_PIDS+=($SENDER)
}

cat >"$CONF" <<EOF
phyint rs
phyint r1 mld
mroute from rs group $G6 to r1 r2
mroute from rs source $S6 group $G6S to r3
mroute from rs group $GROUP to r1
EOF
check "mgmd starts with IPv6 routes" mgmd_start "$CONF"

# --- 1. (*,G) ------------------------------------------------------------
check "first packets (the miss creates the entry)" send6 -s "$S6" -g "$G6" -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$G6" --expect-ttl 15 --expect-smac "$MAC1"
sink_start 2 "$NS_R2" "$G6" --expect-ttl 15 --expect-smac "$MAC2"
sink_start 3 "$NS_R3" "$G6"
check "send 1000 to $G6" send6 -s "$S6" -g "$G6" -n 1000 -r 5000
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "r1 got every packet" "$(sink_val 1 received)" 1000
check_eq "r2 got every packet" "$(sink_val 2 received)" 1000
check_eq "r3 got none" "$(sink_val 3 received)" 0
for i in 1 2; do
	check_eq "r$i: hop limit 16 -> 15" "$(sink_val $i bad_ttl)" 0
	check_eq "r$i: source MAC is the router's" "$(sink_val $i bad_smac)" 0
	check_eq "r$i: no duplicates" "$(sink_val $i duplicates)" 0
done
mgmdp show >"$TMP/show"
check "the fast path holds ($S6, $G6) from rs to r1 r2" \
	grep -q "^$S6  *$G6  *iif rs .* r1 r2 " "$TMP/show"

# --- 2. (S,G) --------------------------------------------------------------
send6 -s "$S6" -g "$G6S" -n 5 -r 100
send6 -s "$S6B" -g "$G6S" -n 5 -r 100
sleep 0.3
sink_start 3 "$NS_R3" "$G6S"
check "send 500 from $S6" send6 -s "$S6" -g "$G6S" -n 500 -r 5000
check "send 300 from $S6B" send6 -s "$S6B" -g "$G6S" -n 300 -r 5000
sleep 0.3
sink_stop 3
check_eq "r3 got the route's source only" "$(sink_val 3 received)" 500

# --- 3. both families at once ----------------------------------------------
send -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$G6"
sink_start 2 "$NS_R1" "$GROUP"
# Two receivers on one host: the IPv4 one on port 5000 too, other group.
send6_bg -s "$S6" -g "$G6" -n 2000 -r 5000
P6=$SENDER
send -n 2000 -r 5000
wait $P6
check "the IPv6 sender finished" test $? -eq 0
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "mixed: every IPv6 packet at r1" "$(sink_val 1 received)" 2000
check_eq "mixed: every IPv4 packet at r1" "$(sink_val 2 received)" 2000

# --- 4. routes by hand -------------------------------------------------------
check "mgmctl add route (IPv6)" mgmctl add route from rs group "$G6M" to r2
send6 -s "$S6" -g "$G6M" -n 5 -r 100
sleep 0.3
sink_start 2 "$NS_R2" "$G6M"
check "send 400 to $G6M" send6 -s "$S6" -g "$G6M" -n 400 -r 5000
sleep 0.3
sink_stop 2
check_eq "the added route forwards" "$(sink_val 2 received)" 400
check "a link-local IPv6 group is refused" \
	sh -c "! '$MGMCTL_BIN' -s '$MGMD_SOCK' add route from rs group ff02::9 to r2 2>'$TMP/ll.err'"
check "and named" grep -q "scope 2" "$TMP/ll.err"
check "mgmctl del route (IPv6)" mgmctl del route from rs group "$G6M" to r2
sink_start 2 "$NS_R2" "$G6M"
send6 -s "$S6" -g "$G6M" -n 300 -r 5000
sleep 0.3
sink_stop 2
check_eq "nothing once the route is deleted" "$(sink_val 2 received)" 0

# --- 5. --keep-forwarding: an IPv6 entry survives a restart, and is MGM's -----
mgmd_stop TERM
check "mgmd starts with --keep-forwarding" mgmd_start "$CONF" --keep-forwarding
send6 -s "$S6" -g "$G6" -n 5 -r 100
sleep 0.3
sink_start 2 "$NS_R2" "$G6"
send6_bg -s "$S6" -g "$G6" -n 20000 -r 10000
P6=$SENDER
sleep 0.5
mgmd_stop TERM
check "fast path left forwarding" grep -q "fast path left forwarding" "$TMP/mgmd.log"
# No mgmd: mgmctl reads the pinned maps, IPv6 table included.
mgmctl -j show mfe group "$G6" >"$TMP/off.json" 2>/dev/null
check "offline show mfe lists the IPv6 entry (family ipv6)" \
	grep -q "\"source\": *\"$S6\", *\"group\": *\"$G6\", *\"family\": *\"ipv6\"" "$TMP/off.json"
mgmctl -j show mfe group "$GROUP" >"$TMP/off4.json" 2>/dev/null
check "an IPv4 filter leaves it out" sh -c "! grep -q ipv6 '$TMP/off4.json'"
check "mgmd restarts" mgmd_start "$CONF" --keep-forwarding
wait $P6
sleep 0.3
sink_stop 2
check "the restart adopted the IPv6 entry" grep -q "reconciled [1-9][0-9]* entries" "$TMP/mgmd.log"
check_eq "r2 lost no IPv6 packet across the restart" "$(sink_val 2 received)" 20000
mgmctl -j show mfe >"$TMP/mfe.json"
check "the adopted entry is MGM's again (static, family ipv6)" \
	python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=d if isinstance(d,list) else d.get('mfes',d.get('entries',[])); sys.exit(0 if any(x.get('family')=='ipv6' and x.get('group')=='$G6' and 'static' in str(x.get('protocol','')) for x in e) else 1)" "$TMP/mfe.json"

mgmd_stop TERM
check "mgmd starts again (without --keep-forwarding)" mgmd_start "$CONF"

# --- 6. the seed under IPv6 traffic -----------------------------------------
sink_start 1 "$NS_R1" "$G6"
send6_bg -s "$S6" -g "$G6" -n 100000 -r 5000
sleep 0.5
check "mgmctl shutdown static" mgmctl shutdown static >"$TMP/shutdown.txt"
check "r1's release handed MLD over (disable, enable)" \
	grep -q "interface=r1 .*igmp_handoff=yes" "$TMP/shutdown.txt"
sleep 0.5
kill "$SENDER" 2>/dev/null
wait "$SENDER" 2>/dev/null
sink_stop 1
got=$(sink_val 1 received)
check "r1 received traffic before the shutdown" test "$got" -gt 0
mgmdp show >"$TMP/show2"
check "no IPv6 entry forwards to r1 after the shutdown" \
	sh -c "! grep -q '$G6 .* r1' '$TMP/show2'"
sink_start 1 "$NS_R1" "$G6"
send6 -s "$S6" -g "$G6" -n 300 -r 5000
sleep 0.3
sink_stop 1
check_eq "nothing forwarded once the release returned" "$(sink_val 1 received)" 0
mgmd_stop
check "no forwarder left attached" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
summary
