#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every kind of interface a router uses, in and out, under traffic: a
# bridge (a veth port toward a receiver), a VXLAN tunnel (over a veth
# underlay), a macvlan and, where the kernel has 802.1Q, a VLAN device
# and, where it has GRE, an Ethernet-over-GRE (gretap) tunnel, mixed with
# veths in one out-set.  Devmap broadcast skips every device
# without XDP transmit, silently; these copies go by the tc path.
#
#  1. what the kernel says: veths with GRO on the peer take XDP copies,
#     the others go by tc; a device the fast path cannot serve (lo, an L3
#     GRE tunnel) is refused;
#  2. exact delivery to a mixed out-set: counts, TTL - 1, the router
#     interface's MAC as source, per-interface counters;
#  3. out-set changes under traffic between an all-XDP set and a mixed
#     one: every packet reaches the whole old or the whole new set;
#  4. the release of a bridge under traffic: nothing sent after the call
#     returned reaches it, the others lose nothing;
#  5. MTU per copy: 1500 and 1000 in one set, 200- and 1228-byte packets:
#     every copy that fits is delivered, the rest counted as frag_needed;
#  6. incoming on a VXLAN endpoint and on a bridge (generic XDP), and on a
#     bridge through the tc forwarder alone; RPF by the logical interface;
#  7. mgmd with a static route to a mixed set: delivery, and `mgmctl show
#     interfaces` saying how each interface receives and is reached; a
#     route naming an L3 GRE device is refused at start, with the reason.
. "$(dirname "$0")/lib.sh"
require_root

NS_B=$T-b # behind the bridge
NS_V=$T-v # the far end of the VXLAN tunnel
NS_M=$T-m # behind the macvlan
NS_L=$T-l # behind the VLAN
NS_G=$T-g # the far end of the GRE tunnel
EXTRA_NS+=("$NS_B" "$NS_V" "$NS_M" "$NS_L" "$NS_G")

topo_std || { fail "topology"; summary; exit 1; }
for ns in "$NS_B" "$NS_V" "$NS_M"; do
	ip netns add "$ns" && ip -n "$ns" link set lo up
done
R() { ip -n "$NS_RTR" "$@"; }

# Bridge br0 with port bp0 toward x0 in $NS_B.
R link add br0 type bridge mcast_snooping 0
ip link add x0 netns "$NS_B" type veth peer name bp0 netns "$NS_RTR"
R link set bp0 master br0
R addr add 203.0.113.1/28 dev br0
ip -n "$NS_B" addr add 203.0.113.2/28 dev x0
for d in bp0 br0; do R link set "$d" up; done
ip -n "$NS_B" link set x0 up
ip -n "$NS_B" route add default via 203.0.113.1

# VXLAN vx0 over the underlay ru <-> u0; the far end's tunnel is x0.
ip link add u0 netns "$NS_V" type veth peer name ru netns "$NS_RTR"
R addr add 203.0.113.17/30 dev ru
ip -n "$NS_V" addr add 203.0.113.18/30 dev u0
R link set ru up
ip -n "$NS_V" link set u0 up
R link add vx0 type vxlan id 42 dstport 4789 local 203.0.113.17 \
	remote 203.0.113.18 dev ru
ip -n "$NS_V" link add x0 type vxlan id 42 dstport 4789 local 203.0.113.18 \
	remote 203.0.113.17 dev u0
R addr add 203.0.113.33/28 dev vx0
ip -n "$NS_V" addr add 203.0.113.34/28 dev x0
R link set vx0 up
ip -n "$NS_V" link set x0 up
ip -n "$NS_V" route add default via 203.0.113.33

# macvlan mv0 on rm, whose peer x0 in $NS_M receives.  (features.sh
# probes macvlan on a dummy device; this needs only veth.)
HAVE_MACVLAN=1
ip link add x0 netns "$NS_M" type veth peer name rm netns "$NS_RTR"
R link set rm up
ip -n "$NS_M" link set x0 up
if R link add mv0 link rm type macvlan mode bridge 2>/dev/null; then
	R addr add 203.0.113.49/28 dev mv0
	ip -n "$NS_M" addr add 203.0.113.50/28 dev x0
	R link set mv0 up
else
	HAVE_MACVLAN=
	skip "macvlan" "this kernel cannot create macvlan devices"
fi

HAVE_VLAN=
if feature vlan; then
	HAVE_VLAN=1
	ip netns add "$NS_L" && ip -n "$NS_L" link set lo up
	ip link add u0 netns "$NS_L" type veth peer name rl netns "$NS_RTR"
	R link set rl up
	ip -n "$NS_L" link set u0 up
	R link add vl0 link rl type vlan id 10
	ip -n "$NS_L" link add x0 link u0 type vlan id 10
	R addr add 203.0.113.65/28 dev vl0
	ip -n "$NS_L" addr add 203.0.113.66/28 dev x0
	R link set vl0 up
	ip -n "$NS_L" link set x0 up
else
	skip "vlan" "$FEATURE_WHY"
fi

# GRE (ip_gre): gretap gt0 over the underlay rg <-> u0, whose far end x0
# receives; and gl0, an L3 GRE tunnel (no Ethernet header: refused).
# Not gre0 or gretap0: the module makes those itself in every namespace.
HAVE_GRE=
if feature gre; then
	HAVE_GRE=1
	ip netns add "$NS_G" && ip -n "$NS_G" link set lo up
	ip link add u0 netns "$NS_G" type veth peer name rg netns "$NS_RTR"
	R addr add 203.0.113.81/30 dev rg
	ip -n "$NS_G" addr add 203.0.113.82/30 dev u0
	R link set rg up
	ip -n "$NS_G" link set u0 up
	check "gretap gt0 created" R link add gt0 type gretap \
		local 203.0.113.81 remote 203.0.113.82 dev rg
	ip -n "$NS_G" link add x0 type gretap local 203.0.113.82 \
		remote 203.0.113.81 dev u0
	R addr add 203.0.113.97/28 dev gt0
	ip -n "$NS_G" addr add 203.0.113.98/28 dev x0
	R link set gt0 up
	ip -n "$NS_G" link set x0 up
	ip -n "$NS_G" route add default via 203.0.113.97
	check "gre gl0 created" R link add gl0 type gre \
		local 203.0.113.81 remote 203.0.113.82 dev rg
	R link set gl0 up
else
	skip "gre" "$FEATURE_WHY"
fi
tsleep 0.5 # addresses and neighbours settle

# xdp-features (the netdev generic-netlink family, Linux 6.3+) say which
# devices take XDP copies; without them every copy goes by tc, which is
# checked instead.
XDPF=1
if feature_disabled netdev-genl; then
	XDPF=
	XDPF_WHY="netdev-genl treated as absent (MGM_NO_FEATURES)"
elif ! genl ctrl get name netdev >/dev/null 2>&1; then
	XDPF=
	XDPF_WHY="this kernel has no netdev generic-netlink family (xdp-features, Linux 6.3+): every copy goes by tc"
fi

check "maps created" mgmdp init >/dev/null
for dev in rs r1 r2 r3; do
	check "attach $dev" mgmdp attach "$dev"
done

# --- 1. what the kernel says -----------------------------------------------
tx_of() { mgmdp if-counters "$1" | sed -n 's/.* tx \([a-z]*\).*/\1/p'; }
check "mfe-set registers the interfaces" \
	mgmdp mfe-set 192.0.2.99 239.99.99.99 rs r1 br0 vx0
if [ -n "$XDPF" ]; then
	check_eq "r1 (peer has GRO) takes XDP copies" "$(tx_of r1)" xdp
else
	skip "r1 takes XDP copies" "$XDPF_WHY"
	check_eq "r1 goes by tc without xdp-features" "$(tx_of r1)" tc
fi
check_eq "br0 goes by tc" "$(tx_of br0)" tc
check_eq "vx0 goes by tc" "$(tx_of vx0)" tc
mgmdp mfe-set 192.0.2.98 239.99.99.98 rs lo >"$TMP/lo" 2>&1
check_eq "lo (not Ethernet) is refused" "$?" 1
check "with the reason" grep -qi "not supported" "$TMP/lo"
if [ -n "$HAVE_GRE" ]; then
	mgmdp mfe-set 192.0.2.98 239.99.99.98 rs gl0 >"$TMP/gl0" 2>&1
	check_eq "gl0 (L3 GRE, not Ethernet) is refused" "$?" 1
	check "with the reason" grep -qi "not supported" "$TMP/gl0"
	check "gretap gt0 registers" mgmdp mfe-set 192.0.2.97 239.99.99.97 rs gt0
	check_eq "gt0 (gretap) goes by tc" "$(tx_of gt0)" tc
	mgmdp mfe-del 192.0.2.97 239.99.99.97
fi
mgmdp mfe-del 192.0.2.99 239.99.99.99
tc -n "$NS_RTR" filter show dev rs ingress >"$TMP/tcf" 2>&1
check "our tc program sits beside XDP on rs" grep -q mgm_tc_xmit "$TMP/tcf"

MAC1=$(mac_of "$NS_RTR" r1)
MACB=$(mac_of "$NS_RTR" br0)
MACV=$(mac_of "$NS_RTR" vx0)
MACM=
[ -n "$HAVE_MACVLAN" ] && MACM=$(mac_of "$NS_RTR" mv0)
MACL=
[ -n "$HAVE_VLAN" ] && MACL=$(mac_of "$NS_RTR" vl0)
MACG=
[ -n "$HAVE_GRE" ] && MACG=$(mac_of "$NS_RTR" gt0)

# Sinks: 1 r1, 3 r3, 5 bridge, 6 vxlan, 7 macvlan, 8 vlan, 9 gretap.
OUTS="r1 br0 vx0"
[ -n "$HAVE_MACVLAN" ] && OUTS="$OUTS mv0"
[ -n "$HAVE_VLAN" ] && OUTS="$OUTS vl0"
[ -n "$HAVE_GRE" ] && OUTS="$OUTS gt0"
declare -A SINK_NS=([1]=$NS_R1 [3]=$NS_R3 [5]=$NS_B [6]=$NS_V [7]=$NS_M [8]=$NS_L [9]=$NS_G)
declare -A SINK_MAC=([1]=$MAC1 [5]=$MACB [6]=$MACV [7]=$MACM [8]=$MACL [9]=$MACG)
declare -A SINK_IF=([1]=r1 [5]=br0 [6]=vx0 [7]=mv0 [8]=vl0 [9]=gt0)
SINKS="1 5 6"
[ -n "$HAVE_MACVLAN" ] && SINKS="$SINKS 7"
[ -n "$HAVE_VLAN" ] && SINKS="$SINKS 8"
[ -n "$HAVE_GRE" ] && SINKS="$SINKS 9"

outp() { mgmdp if-counters "$1" | sed -n 's/^out_packets \([0-9]*\).*/\1/p'; }
# wait_flowing IF: until copies go out of IF (a loaded machine may take
# its time to start the sender), at most 10 s times the scale.
wait_flowing() {
	local n0 ifc=$1
	n0=$(outp "$ifc")
	poll 10 eval '[ "$(outp "$ifc")" != "$n0" ]' || true
}
fragn() { mgmdp if-counters "$1" | sed -n 's/.* frag_needed \([0-9]*\).*/\1/p'; }

# --- 2. exact delivery to a mixed out-set ----------------------------------
# shellcheck disable=SC2086
check "install (S,G) -> $OUTS" mgmdp mfe-set "$SOURCE" "$GROUP" rs $OUTS
declare -A OUT0
for i in $SINKS; do
	OUT0[$i]=$(outp "${SINK_IF[$i]}")
	sink_start "$i" "${SINK_NS[$i]}" "$GROUP" --expect-ttl 15 \
		--expect-smac "${SINK_MAC[$i]}"
done
sink_start 3 "$NS_R3" "$GROUP"
check "send 2000" send -n 2000 -r 5000
tsleep 0.3
for i in $SINKS 3; do sink_stop "$i"; done
for i in $SINKS; do
	d=${SINK_IF[$i]}
	check_eq "$d: receiver got every packet" "$(sink_val "$i" received)" 2000
	check_eq "$d: checksums valid" "$(sink_val "$i" bad_csum)" 0
	check_eq "$d: TTL 16 -> 15" "$(sink_val "$i" bad_ttl)" 0
	check_eq "$d: source MAC is the router's $d" "$(sink_val "$i" bad_smac)" 0
	check_eq "$d: no duplicates" "$(sink_val "$i" duplicates)" 0
	check_eq "$d: 2000 copies counted" "$(($(outp "$d") - OUT0[$i]))" 2000
done
check_eq "a receiver outside the set got none" "$(sink_val 3 received)" 0
mgmdp counters >"$TMP/cnt"
check "the XDP program handed them to tc" grep -q '^to_tc  *2000$' "$TMP/cnt"
check "no copy lost for want of metadata" grep -q '^tc_no_meta  *0$' "$TMP/cnt"

# --- 3. out-set changes under traffic, across paths ------------------------
# A = {r1, r2} (all XDP) and B = {r1, br0, vx0} (tc) alternate every 5 ms
# while traffic flows (the sender runs until the flips are done: a loaded
# machine may start either late).  r1 is in both sets: its packets are
# the reference.
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 5 "$NS_B" "$GROUP"
sink_start 6 "$NS_V" "$GROUP"
send_bg -n 0 -r 10000
wait_flowing r1
check "flip {r1,r2} <-> {r1,br0,vx0} 300 times" \
	mgmdp flip "$SOURCE" "$GROUP" rs r1,r2 r1,br0,vx0 300 5000 >/dev/null
tsleep 0.2
kill "$SENDER"
wait "$SENDER" 2>/dev/null
tsleep 0.3
for i in 1 2 5 6; do sink_stop "$i"; done
for i in 1 2 5 6; do sink_seqs "$i" >"$TMP/s$i"; done
n1=$(wc -l <"$TMP/s1")
n2=$(wc -l <"$TMP/s2")
n5=$(wc -l <"$TMP/s5")
n6=$(wc -l <"$TMP/s6")
span=$(awk 'NR == 1 {lo = $1} {hi = $1} END {print hi - lo + 1}' \
	<(sort -n "$TMP/s1"))
say "flip: r1 $n1 (span $span), r2 $n2, br0 $n5, vx0 $n6"
check_eq "r1 (in both sets) lost no packet" "$n1" "$span"
check_ge "the XDP set was used" "$n2" 1000
check_ge "the tc set was used" "$n5" 1000
check "br0 and vx0 got the same packets (whole set B)" cmp -s "$TMP/s5" "$TMP/s6"
check_eq "no packet reached r2 and br0 (a mix)" \
	"$(LC_ALL=C comm -12 "$TMP/s2" "$TMP/s5" | wc -l)" 0
check_eq "every packet reached set A or set B" "$((n2 + n5))" "$n1"
check_eq "nothing outside r1's packets" \
	"$(LC_ALL=C sort -u "$TMP/s2" "$TMP/s5" | LC_ALL=C comm -23 - "$TMP/s1" | wc -l)" 0

# --- 4. release of the bridge under traffic --------------------------------
check "set (S,G) -> r1 br0 vx0" mgmdp mfe-set "$SOURCE" "$GROUP" rs r1 br0 vx0
sink_start 1 "$NS_R1" "$GROUP"
sink_start 5 "$NS_B" "$GROUP"
sink_start 6 "$NS_V" "$GROUP"
send_bg -n 20000 -r 10000
wait_flowing r1
sleep 0.5
out=$(mgmdp release br0)
check "release br0" test -n "$out"
released_ns=$(echo "$out" | sed -n 's/.*returned_ns \([0-9]*\).*/\1/p')
wait "$SENDER"
tsleep 0.3
for i in 1 5 6; do sink_stop "$i"; done
check_eq "r1 lost nothing while br0 was released" "$(sink_val 1 received)" 20000
check_eq "vx0 lost nothing while br0 was released" "$(sink_val 6 received)" 20000
check_ge "br0 got packets before the release" "$(sink_val 5 received)" 1000
last5=$(sink_max_send_ns 5)
check "nothing sent after the release reached br0 ($last5 <= $released_ns)" \
	test "$last5" -le "$released_ns"

# --- 5. MTU per copy ---------------------------------------------------------
R link set r2 mtu 1000
ip -n "$NS_R2" link set x0 mtu 1000
# What mgmd does on the kernel's RTM_NEWLINK.
check "refresh r2" mgmdp if-refresh r2
check "set (S,G) -> r1 r2 vx0 (1500, 1000, 1450)" \
	mgmdp mfe-set "$SOURCE" "$GROUP" rs r1 r2 vx0
f2=$(fragn r2)
for len in 172 1200; do
	sink_start 1 "$NS_R1" "$GROUP"
	sink_start 2 "$NS_R2" "$GROUP"
	sink_start 6 "$NS_V" "$GROUP"
	check "send 1000 of $((len + 28)) bytes" send -n 1000 -r 5000 -l "$len"
	tsleep 0.3
	for i in 1 2 6; do sink_stop "$i"; done
	ip_len=$((len + 28))
	check_eq "$ip_len bytes: r1 (1500) got all" "$(sink_val 1 received)" 1000
	check_eq "$ip_len bytes: vx0 (1450) got all" "$(sink_val 6 received)" 1000
	if [ "$len" -lt 1000 ]; then
		check_eq "$ip_len bytes: r2 (1000) got all" "$(sink_val 2 received)" 1000
	else
		check_eq "$ip_len bytes: r2 (1000) got none" "$(sink_val 2 received)" 0
	fi
done
check_eq "r2 counted 1000 copies as frag_needed" "$(($(fragn r2) - f2))" 1000
R link set r2 mtu 1500
ip -n "$NS_R2" link set x0 mtu 1500
mgmdp if-refresh r2

# --- 6. incoming on a VXLAN endpoint and on a bridge -----------------------
G3=239.3.3.3
G4=239.4.4.4
check "attach vx0" mgmdp attach vx0
check "attach br0" mgmdp attach br0
check "(S,G3) from the tunnel -> r1 br0" \
	mgmdp mfe-set 203.0.113.34 "$G3" vx0 r1 br0
sink_start 1 "$NS_R1" "$G3" --expect-ttl 15 --expect-smac "$MAC1"
sink_start 5 "$NS_B" "$G3" --expect-ttl 15 --expect-smac "$MACB"
check "send 1000 into the tunnel" in_ns "$NS_V" "$BUILD/mcsend" -i x0 \
	-s 203.0.113.34 -g "$G3" -p 5000 -t 16 -q -n 1000 -r 5000
tsleep 0.3
for i in 1 5; do sink_stop "$i"; done
check_eq "from vx0: r1 got every packet" "$(sink_val 1 received)" 1000
check_eq "from vx0: br0 got every packet" "$(sink_val 5 received)" 1000
check_eq "from vx0: TTL and MACs" \
	"$(($(sink_val 1 bad_ttl) + $(sink_val 1 bad_smac) + $(sink_val 5 bad_ttl) + $(sink_val 5 bad_smac)))" 0

check "(S,G4) from the bridge -> r1 vx0" \
	mgmdp mfe-set 203.0.113.2 "$G4" br0 r1 vx0
for mode in xdp tc; do
	if [ $mode = tc ]; then
		check "detach br0" mgmdp detach br0
		check "attach br0 by tc alone" mgmdp attach br0 tc
	fi
	sink_start 1 "$NS_R1" "$G4" --expect-ttl 15 --expect-smac "$MAC1"
	sink_start 6 "$NS_V" "$G4" --expect-ttl 15 --expect-smac "$MACV"
	check "send 1000 into the bridge ($mode)" in_ns "$NS_B" "$BUILD/mcsend" \
		-i x0 -s 203.0.113.2 -g "$G4" -p 5000 -t 16 -q -n 1000 -r 5000
	tsleep 0.3
	for i in 1 6; do sink_stop "$i"; done
	check_eq "from br0 ($mode): r1 got every packet" "$(sink_val 1 received)" 1000
	check_eq "from br0 ($mode): vx0 got every packet" "$(sink_val 6 received)" 1000
	check_eq "from br0 ($mode): TTL and MACs" \
		"$(($(sink_val 1 bad_ttl) + $(sink_val 1 bad_smac) + $(sink_val 6 bad_ttl) + $(sink_val 6 bad_smac)))" 0
done
# RPF by the logical interface: (S,G5) expected on br0 arrives on vx0.
G5=239.5.5.5
check "(S,G5) with iif br0" mgmdp mfe-set 203.0.113.34 "$G5" br0 r1
mgmdp counters >"$TMP/cnt0"
in_ns "$NS_V" "$BUILD/mcsend" -i x0 -s 203.0.113.34 -g "$G5" -p 5000 -t 16 \
	-q -n 10 -r 1000
tsleep 0.2
mgmdp counters >"$TMP/cnt1"
w0=$(awk '$1 == "wrong_if" {print $2}' "$TMP/cnt0")
w1=$(awk '$1 == "wrong_if" {print $2}' "$TMP/cnt1")
check_eq "G5 on vx0 instead of br0: wrong interface" "$((w1 - w0))" 10

for dev in rs r1 r2 r3 vx0 br0; do
	check "detach $dev" mgmdp detach "$dev"
done
check "no tc program left on rs" \
	test -z "$(tc -n "$NS_RTR" filter show dev rs ingress 2>/dev/null | grep mgm_)"
mgmdp unpin >/dev/null 2>&1

# --- 7. mgmd: a static route to a mixed set, shown per interface ------------
CONF=$TMP/mgmd.conf
cat >"$CONF" <<EOF
phyint rs
mroute from rs source $SOURCE group $GROUP to r1 br0 vx0
EOF
check "mgmd starts with a route to r1 br0 vx0" mgmd_start "$CONF"
# The first packet creates the entry (a miss), as in test_cli.
send -n 5 -r 100
tsleep 0.3
mgmctl -j show interfaces >"$TMP/ifs0.json"
sink_start 1 "$NS_R1" "$GROUP" --expect-ttl 15 --expect-smac "$MAC1"
sink_start 5 "$NS_B" "$GROUP" --expect-ttl 15 --expect-smac "$MACB"
sink_start 6 "$NS_V" "$GROUP" --expect-ttl 15 --expect-smac "$MACV"
check "send 1000" send -n 1000 -r 5000
tsleep 0.3
for i in 1 5 6; do sink_stop "$i"; done
check_eq "mgmd: r1 got every packet" "$(sink_val 1 received)" 1000
check_eq "mgmd: br0 got every packet" "$(sink_val 5 received)" 1000
check_eq "mgmd: vx0 got every packet" "$(sink_val 6 received)" 1000
mgmctl -j show interfaces >"$TMP/ifs.json"
ifield() {
	python3 -c 'import json,sys
for o in json.load(open(sys.argv[1])):
    if o.get("name") == sys.argv[2]:
        print(o.get(sys.argv[3]))' "${3:-$TMP/ifs.json}" "$1" "$2"
}
check_eq "show interfaces: rs receives by native XDP" "$(ifield rs rx)" xdp-native
if [ -n "$XDPF" ]; then
	check_eq "show interfaces: r1 takes XDP copies" "$(ifield r1 tx)" xdp
else
	skip "show interfaces: r1 takes XDP copies" "$XDPF_WHY"
	check_eq "show interfaces: r1 takes tc copies" "$(ifield r1 tx)" tc
fi
check_eq "show interfaces: br0 takes tc copies" "$(ifield br0 tx)" tc
check_eq "show interfaces: vx0 takes tc copies" "$(ifield vx0 tx)" tc
check_eq "show interfaces: br0 counted the 1000 copies" \
	"$(($(ifield br0 out_packets) - $(ifield br0 out_packets "$TMP/ifs0.json")))" 1000
check_eq "show interfaces: vx0 MTU" "$(ifield vx0 mtu)" 1450
mgmctl show interfaces >"$TMP/ifs.txt"
check "the table has RX, TX and FRAG-NEEDED columns" \
	grep -q "RX .*TX .*FRAG-NEEDED" "$TMP/ifs.txt"
mgmd_stop

# A route to an L3 GRE tunnel: refused when mgmd starts, naming file,
# line, interface and why (not 124: it must not start and run).
if [ -n "$HAVE_GRE" ]; then
	cat >"$CONF" <<EOF
phyint rs
mroute from rs source $SOURCE group $GROUP to r1 gl0
EOF
	timeout $((10 * TS)) nsenter --net="/run/netns/$NS_RTR" "$MGMD_BIN" -n -f "$CONF" \
		-s "$MGMD_SOCK" --pin-root "$PIN" 2>"$TMP/gre.err"
	rc=$?
	check "mgmd refuses a route to gl0 (L3 GRE): exit $rc" \
		test "$rc" -ne 0 -a "$rc" -ne 124
	check "the error names file, line, gl0 and why" grep -q \
		"$CONF:2: interface gl0 cannot be served: not an Ethernet device (link type 778)" \
		"$TMP/gre.err"
fi
summary
