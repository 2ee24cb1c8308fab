#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd's kernel mirror for IPv6 (ip6mr) with a real routing daemon:
# smcroute (Debian's 2.5 routes IPv6 too: "mroute from IF source ADDR6
# group GROUP6 to IF...", MRT6_INIT) in the router namespace, with private
# config, socket and pid files; modelled on test_kmirror.sh.
#
#  1. smcroute alone routes 2001:db8:1::1 -> ff0e::db8:1 to r1 and r2.
#  2. mgmd with mirror-kernel beside it: the daemon's MRT6_INIT socket and
#     the kernel's ip6mr state untouched; the entry mirrored, family ipv6,
#     its MFE's origin the kernel; the IPv4 route beside it mirrored too.
#  3. traffic: each packet exactly once at r1 and r2, hop limit
#     decremented once, source MAC rewritten, counted by XDP.
#  4. smcroutectl add / del of an IPv6 route: mirrored at once, and out
#     of the fast path at once.
#  5. smcroute exits (the kernel flushes): nothing left forwarding.
#  6. ip6mr treated as absent (MGM_NO_FEATURES): IPv4 only, and the log
#     says IPv6 is not mirrored and why.
#
# Needs CONFIG_IPV6_MROUTE: elsewhere it says SKIP with the reason.
. "$(dirname "$0")/lib.sh"
require_root
require_feature ip6mr
require_cmd smcrouted smcroute
if [ ! -d /proc/sys/net/ipv6 ]; then
	skip "$TEST_NAME" "this kernel has no IPv6 (ipv6.disable=1?)"
	summary
	exit 0
fi
topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
S6=2001:db8:1::1
G6=ff0e::db8:1
G6B=ff3e::db8:2

# IPv6 on the standard topology: 2001:db8:1::/64 on the source link,
# 2001:db8:1:N::/64 on receiver link N, no DAD.
for ns in "$NS_SRC" "$NS_RTR" "$NS_R1" "$NS_R2" "$NS_R3"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
in_ns "$NS_RTR" sysctl -qw net.ipv6.conf.all.forwarding=1
ip -n "$NS_SRC" addr add "$S6/64" dev s0 nodad
ip -n "$NS_RTR" addr add 2001:db8:1::fe/64 dev rs nodad
ip -n "$NS_SRC" -6 route add default via 2001:db8:1::fe
for i in 1 2 3; do
	ip -n "$NS_RTR" addr add "2001:db8:1:$i::1/64" dev "r$i" nodad
	ip -n "$(rcv_ns $i)" addr add "2001:db8:1:$i::2/64" dev x0 nodad
done

# send6 [mcsend args...]: from the source, $S6 to $G6:5000, hop limit 16.
send6() {
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$S6" -g "${GROUP6:-$G6}" \
		-p 5000 -t 16 -q "$@"
}

# sink6 ID GROUP: a receiver on x0 of receiver namespace ID, joined
# through its kernel (MLD), expecting hop limit 15 and the router's MAC.
sink6() {
	sink_start "$1" "$(rcv_ns "$1")" "$2" --join --expect-ttl 15 \
		--expect-smac "$(mac_of "$NS_RTR" "r$1")"
}

# A key of the ($S6, GROUP) MFE in mgmctl's JSON ('' if none).
mfe6() {
	mgmctl -j show mfe | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin) if e['source'] == '$S6' and e['group'] == '$1']
print(d[0]['$2'] if d else '')"
}

# KEY of the ($S6, GROUP) entry in the mirror: path[:reason] for "path"
# ('' if none).
kent6() {
	mgmctl -j show kernel | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin)['entries'] if e['source'] == '$S6' and e['group'] == '$1']
if not d:
    print('')
elif '$2' == 'path':
    print(d[0]['path'] + ('' if d[0]['reason'] == '-' else ':' + d[0]['reason']))
else:
    print(d[0]['$2'])"
}

kstat() { mgmctl -j show kernel | python3 -c "import json, sys; print(json.load(sys.stdin)['stats']['$1'])"; }
kfamilies() { mgmctl -j show kernel | python3 -c "import json, sys; print(','.join(json.load(sys.stdin)['families']))"; }
xdp_on() { ip -n "$NS_RTR" link show "$1" | grep -q prog/xdp; }
mroute6() { ip -n "$NS_RTR" -6 mroute show | sed 's/Age.*//'; }

# CLOCK_MONOTONIC in ns (mcsend stamps packets with it).
MONO_OFF=$(python3 -c 'import time; print(time.time_ns() - time.monotonic_ns())')
mono_ns() { echo $(($(date +%s%N) - MONO_OFF)); }

# --- 1. smcroute alone --------------------------------------------------------------
cat >"$SMC_CONF" <<EOF
mroute from rs source $S6 group $G6 to r1 r2
mroute from rs source $SOURCE group $GROUP to r1
EOF
check "smcroute starts" smc_start
has_route6() { mroute6 | grep -q "$1"; }
check "ip6mr has the route" has_route6 "$G6"
for i in 1 2 3; do sink6 $i "$G6" || fail "sink $i ready"; done
check "send 1000 (smcroute alone)" send6 -n 1000 -r 5000
tsleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "alone: r1 receives every packet" "$(sink_val 1 received)" 1000
check_eq "alone: r2 receives every packet" "$(sink_val 2 received)" 1000
check_eq "alone: r3 is not in the route" "$(sink_val 3 received)" 0
check "alone: no XDP program anywhere" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
mcfwd_before=$(in_ns "$NS_RTR" cat /proc/sys/net/ipv6/conf/all/mc_forwarding)
mroute6 >"$TMP/mroute6.alone"

# --- 2. mgmd beside it --------------------------------------------------------------
echo "mirror-kernel" >"$CONF"
check "mgmd starts with mirror-kernel" mgmd_start "$CONF"
tsleep 0.3
check "smcroute still runs (its MRT6_INIT socket untouched)" kill -0 "$SMC_PID"
check_eq "IPv6 mc_forwarding unchanged" \
	"$(in_ns "$NS_RTR" cat /proc/sys/net/ipv6/conf/all/mc_forwarding)" "$mcfwd_before"
check_eq "ip6mr's routes unchanged" "$(mroute6)" "$(cat "$TMP/mroute6.alone")"
if feature ipmr; then
	check_eq "both families mirrored" "$(kfamilies)" "ipv4,ipv6"
else
	check_eq "IPv6 mirrored (no ipmr here)" "$(kfamilies)" "ipv6"
fi
check_eq "(S,G) mirrored to XDP" "$(kent6 "$G6" path)" "xdp"
check_eq "show kernel: family ipv6" "$(kent6 "$G6" family)" "ipv6"
check_eq "its MFE's origin is the kernel" "$(mfe6 "$G6" origin)" "kernel"
check_eq "its MFE's oifs are the kernel's" "$(mfe6 "$G6" oifs)" "['r1', 'r2']"
check "the forwarder is attached where the kernel routes" \
	eval 'xdp_on rs && xdp_on r1 && xdp_on r2'
check "mgmd's log says which tables it mirrors" \
	grep -q "kernel: mirroring .*ip6mr table 254" "$TMP/mgmd.log"

# --- 3. forwarded by XDP, each packet once -----------------------------------------------
for i in 1 2 3; do sink6 $i "$G6" || fail "sink $i ready"; done
check "send 5000 over 1 s" send6 -n 5000 -r 5000
tsleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "r1 receives every packet" "$(sink_val 1 received)" 5000
check_eq "r2 receives every packet" "$(sink_val 2 received)" 5000
check_eq "r3 receives nothing" "$(sink_val 3 received)" 0
check_eq "no duplicates at r1" "$(sink_val 1 duplicates)" 0
check_eq "no duplicates at r2" "$(sink_val 2 duplicates)" 0
check_eq "hop limit decremented once" "$(sink_val 1 bad_ttl)" 0
check_eq "source MAC rewritten" "$(sink_val 1 bad_smac)" 0
check_ge "XDP counted the flow" "$(mfe6 "$G6" packets)" 5000

# --- 4. smcroutectl add and del ---------------------------------------------------------
smc add rs "$S6" "$G6B" r1 r3 >/dev/null
tsleep 0.2
check_eq "smcroutectl add: mirrored at once" "$(kent6 "$G6B" path)" "xdp"
sink6 1 "$G6B" || fail "sink 1 ready"
GROUP6=$G6B send6 -n 500 -r 5000
tsleep 0.2
sink_stop 1
check_eq "the added route forwards" "$(sink_val 1 received)" 500
check_ge "... by XDP" "$(mfe6 "$G6B" packets)" 499

sink6 1 "$G6" || fail "sink 1 ready"
in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$S6" -g "$G6" -p 5000 -t 16 -q \
	-n 4000 -r 2000 &
SENDER=$!
BG_PIDS+=("$SENDER")
sleep 1
smc del rs "$S6" "$G6" >/dev/null
t_del=$(mono_ns)
wait "$SENDER"
tsleep 0.2
sink_stop 1
late=$(awk -v t="$t_del" '$2 > t + 50000000' "$TMP/sink1.seq" | wc -l)
check_eq "smcroutectl del: nothing sent 50 ms later reached r1" "$late" 0
# Every packet sent until 50 ms before the del reached r1 (most of the
# second at 2000/s on a real machine; an emulated guest sends fewer).
read -r n span <<<"$(sink_before 1 $((t_del - 50000000)))"
check_eq "r1 received every packet sent until the del" "$n" "$span"
check_ge "... a flow of them" "$n" $((500 / TS))
check_eq "no MFE left for the deleted route" "$(mfe6 "$G6" packets)" ""
p=$(kent6 "$G6" path)
check "the kernel's answer stays with the kernel ($p)" \
	test "$p" = "" -o "$p" = "kernel:no-oifs"

# --- 5. smcroute exits -----------------------------------------------------------------
smc_stop
tsleep 0.3
check_eq "the kernel flushed, so did the mirror" "$(kstat entries)" 0
check_eq "no MFE left" "$(mgmctl -j show mfe)" "[]"
check "the forwarder left the interfaces" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
mgmd_stop TERM

# --- 6. ip6mr treated as absent ---------------------------------------------------------
check "smcroute restarts" smc_start
: >"$TMP/mgmd.log"
if feature ipmr; then
	MGM_NO_FEATURES=ip6mr check "mgmd starts without ip6mr" mgmd_start "$CONF"
	tsleep 0.3
	check_eq "IPv4 alone mirrored" "$(kfamilies)" "ipv4"
	check "the log says IPv6 is not mirrored, and why" \
		grep -q "kernel: IPv6 multicast routes not mirrored: IPv6 multicast routing treated as absent (MGM_NO_FEATURES)" "$TMP/mgmd.log"
	check_eq "the ip6mr route is not mirrored" "$(kent6 "$G6" path)" ""
	mgmd_stop TERM
else
	MGM_NO_FEATURES=ip6mr timeout $((10 * TS)) nsenter --net="/run/netns/$NS_RTR" \
		"$BUILD/mgmd" -n -f "$CONF" -s "$MGMD_SOCK" --pin-root "$PIN" \
		2>"$TMP/bad.err"
	check "neither family: start refused" test $? -ne 0
	check "... naming both reasons" \
		grep -q "$CONF:1: mirror-kernel: .*IPv4 multicast routing.*; IPv6 multicast routing treated as absent" "$TMP/bad.err"
fi
smc_stop
summary
