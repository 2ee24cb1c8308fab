#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd's kernel mirror with a real routing daemon: smcroute (Debian's) in
# the router namespace, with private config, socket and pid files.
#
#  1. smcroute alone: the baseline, and the kernel's TTL threshold.
#  2. mgmd with mirror-kernel beside it: no MRT_INIT, no change to the
#     kernel's state; the entry is mirrored with origin "kernel".
#  3. traffic is forwarded by XDP, each packet once; the kernel's counter
#     only sees keepalive packets; per-oif TTL thresholds are mirrored.
#  4. smcroutectl add mirrors at once; smcroutectl del stops XDP at once;
#     bursts that overrun the netlink socket resync, nothing left stale.
#  5. smcroute exits (the kernel flushes): nothing left forwarding;
#     restarted, it is mirrored again.
#  6. keepalive: smcroute's cache timeout (-c 3) flushes (S,G) entries
#     whose kernel counter does not move; with keepalive the flow lives
#     15 s on XDP without a flush, without it smcroute flushes it.
#  7. mgmd stops: the kernel forwards alone, as before; mgmd started
#     before the daemon does not stand in its way.
#  8. (*,G) entries (MRT_ADD_MFC_PROXY, from a few lines of Python): one
#     MFE per source, by XDP.
. "$(dirname "$0")/lib.sh"
require_root
# smcroute routes through the kernel's multicast routing: without it there
# is nothing to mirror (mgmd refuses mirror-kernel; test_mgmd checks that).
require_feature ipmr
require_cmd smcrouted smcroute
topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
G2=239.1.1.2
GSTAR=239.2.2.7

# The kernel's packet counter of (SOURCE, GROUP) (0 if no entry).
kpkts() {
	ip -n "$NS_RTR" -j -s mroute show | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin) if e['src'] == '$SOURCE' and e['dst'] == '$1']
print(d[0]['packets'] if d else 0)"
}

# A key of the (SOURCE, GROUP) MFE in mgmctl's JSON ('' if none).
mfe() {
	mgmctl -j show mfe | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin) if e['source'] == '$SOURCE' and e['group'] == '$1']
print(d[0]['$2'] if d else '')"
}

# path[:reason] of the (SOURCE, GROUP) entry in the mirror ('' if none).
kpath() {
	mgmctl -j show kernel | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin)['entries'] if e['source'] == '$SOURCE' and e['group'] == '$1']
print((d[0]['path'] + ('' if d[0]['reason'] == '-' else ':' + d[0]['reason'])) if d else '')"
}

kstat() { mgmctl -j show kernel | python3 -c "import json, sys; print(json.load(sys.stdin)['stats']['$1'])"; }

xdp_on() { ip -n "$NS_RTR" link show "$1" | grep -q prog/xdp; }

# CLOCK_MONOTONIC in ns (mcsend stamps packets with it), from date(1):
# one python start-up for the offset, not one per stamp.
MONO_OFF=$(python3 -c 'import time; print(time.time_ns() - time.monotonic_ns())')
mono_ns() { echo $(($(date +%s%N) - MONO_OFF)); }

# --- 1. smcroute alone ------------------------------------------------------------
cat >"$SMC_CONF" <<EOF
phyint r3 ttl-threshold 20
mroute from rs source $SOURCE group $GROUP to r1 r2
mroute from rs source $SOURCE group $G2 to r3
mroute from rs group 239.2.2.0/24 to r1
EOF
check "smcroute starts" smc_start
mcfwd_before=$(ip netns exec "$NS_RTR" cat /proc/sys/net/ipv4/conf/all/mc_forwarding)
for i in 1 2 3; do sink_start $i "$(rcv_ns $i)" "$GROUP"; done
check "send 1000 (smcroute alone)" send -n 1000 -r 5000
tsleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "alone: r1 receives every packet" "$(sink_val 1 received)" 1000
check_eq "alone: r2 receives every packet" "$(sink_val 2 received)" 1000
check_eq "alone: r3 is not in the route" "$(sink_val 3 received)" 0
check_eq "alone: the kernel counted every packet" "$(kpkts $GROUP)" 1000
check "alone: no XDP program anywhere" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
GROUP=$G2 sink_start 3 "$NS_R3" "$G2"
GROUP=$G2 send -n 100 -r 5000
GROUP=$G2 send -n 100 -r 5000 -t 32
tsleep 0.2
sink_stop 3
check_eq "alone: r3's threshold 20 passes TTL 32 only" "$(sink_val 3 received)" 100
ip -n "$NS_RTR" mroute show | sed 's/Age.*//' >"$TMP/mroute.alone"

# --- 2. mgmd beside it --------------------------------------------------------------
cat >"$CONF" <<EOF
mirror-kernel
EOF
check "mgmd starts with mirror-kernel" mgmd_start "$CONF"
tsleep 0.3
check "smcroute still runs (its MRT_INIT socket untouched)" kill -0 "$SMC_PID"
check_eq "mc_forwarding unchanged" \
	"$(ip netns exec "$NS_RTR" cat /proc/sys/net/ipv4/conf/all/mc_forwarding)" "$mcfwd_before"
check_eq "the kernel's routes unchanged" \
	"$(ip -n "$NS_RTR" mroute show | sed 's/Age.*//')" "$(cat "$TMP/mroute.alone")"
check_eq "(S,G) mirrored to XDP" "$(kpath $GROUP)" "xdp"
check_eq "its MFE's origin is the kernel" "$(mfe $GROUP origin)" "kernel"
check_eq "its MFE's oifs are the kernel's" "$(mfe $GROUP oifs)" "['r1', 'r2']"
check "the forwarder is attached where the kernel routes" \
	eval 'xdp_on rs && xdp_on r1 && xdp_on r2'
mgmctl -j show kernel >"$TMP/kernel.json"
check "show kernel: r3 with its threshold" grep -q '"r3:20"' "$TMP/kernel.json"

# --- 3. forwarded by XDP, each packet once ---------------------------------------------
k0=$(kpkts $GROUP)
kt0=$(now_ns)
for i in 1 2 3; do sink_start $i "$(rcv_ns $i)" "$GROUP"; done
check "send 5000 over 1 s" send -n 5000 -r 5000
tsleep 0.3
for i in 1 2 3; do sink_stop $i; done
k1=$(kpkts $GROUP)
ks=$(since_s "$kt0")
check_eq "r1 receives every packet" "$(sink_val 1 received)" 5000
check_eq "r2 receives every packet" "$(sink_val 2 received)" 5000
check_eq "r3 receives nothing" "$(sink_val 3 received)" 0
check_eq "no duplicates at r1" "$(sink_val 1 duplicates)" 0
check_eq "no duplicates at r2" "$(sink_val 2 duplicates)" 0
check_eq "TTL decremented once" "$(sink_val 1 bad_ttl)" 0
check_eq "source MAC rewritten" "$(sink_val 1 bad_smac)" 0
check_ge "XDP counted the flow" "$(mfe $GROUP packets)" 5000
kp=$((k1 - k0))
# One keepalive a second (MGM_DEF_KEEPALIVE_MS), over the ~1 s of the
# burst here, however long it took (an emulated guest: 15 s and more).
check "the kernel's counter saw only keepalive packets ($kp in $ks s)" \
	test "$kp" -ge 1 -a "$kp" -le $((ks + 2))
check_eq "... the ones XDP left to it" "$kp" "$(mfe $GROUP kernel_passes)"
say "1 s at 5000 pps: kernel +$kp packets, XDP $(mfe $GROUP packets)"
# The threshold of r3 (20) is the fast path's too: TTL 16 stays out.
GROUP=$G2 sink_start 3 "$NS_R3" "$G2"
GROUP=$G2 send -n 100 -r 5000
GROUP=$G2 send -n 100 -r 5000 -t 32
tsleep 0.2
sink_stop 3
check_eq "r3's threshold 20 mirrored: TTL 32 only" "$(sink_val 3 received)" 100
check_eq "... and by XDP" "$(kpath $G2)" "xdp"

# --- 4. smcroutectl add and del -------------------------------------------------------
G3=239.1.1.3
smc add rs "$SOURCE" "$G3" r1 r3 >/dev/null
tsleep 0.2
check_eq "smcroutectl add: mirrored at once" "$(kpath $G3)" "xdp"
sink_start 1 "$NS_R1" "$G3"
GROUP=$G3 send -n 500 -r 5000 -t 32
tsleep 0.2
sink_stop 1
check_eq "the added route forwards" "$(sink_val 1 received)" 500
check_ge "... by XDP" "$(mfe $G3 packets)" 499

sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
send_bg -n 4000 -r 2000
sleep 1
smc del rs "$SOURCE" "$GROUP" >/dev/null
t_del=$(mono_ns)
wait "$SENDER"
tsleep 0.2
sink_stop 1
sink_stop 2
late1=$(awk -v t="$t_del" '$2 > t + 50000000' "$TMP/sink1.seq" | wc -l)
late2=$(awk -v t="$t_del" '$2 > t + 50000000' "$TMP/sink2.seq" | wc -l)
check_eq "smcroutectl del: nothing sent 50 ms later reached r1" "$late1" 0
check_eq "smcroutectl del: nothing sent 50 ms later reached r2" "$late2" 0
# Every packet sent until 50 ms before the del reached r1 (most of the
# second at 2000/s on a real machine; an emulated guest sends fewer).
read -r n span <<<"$(sink_before 1 $((t_del - 50000000)))"
check_eq "r1 received every packet sent until the del" "$n" "$span"
check_ge "... a flow of them" "$n" $((500 / TS))
check_eq "no MFE left for the deleted route" "$(mfe $GROUP packets)" ""
p=$(kpath $GROUP)
check "the kernel's answer (no route, or smcroute's stop filter) stays with the kernel ($p)" \
	test "$p" = "" -o "$p" = "kernel:no-oifs"

# --- 4b. netlink overruns: the resync leaves nothing stale --------------------
# The smallest receive buffer the kernel allows, and mgmd stopped while
# the daemon changes 250 routes: the notifications overrun it (ENOBUFS),
# lost for good, and the mirror must come out of the resync exact.
mgmd_stop TERM
MGM_KMIRROR_RCVBUF=1 mgmd_start "$CONF"
tsleep 0.3
n0=$(kstat entries)
m0=$(kstat mirrored)
burst() {
	local i
	kill -STOP "$MGMD_PID"
	for i in $(seq 1 250); do
		echo "$1 rs $SOURCE 239.3.$((i / 200)).$((i % 200 + 1))${2:+ $2}"
	done | smc -b >/dev/null
	kill -CONT "$MGMD_PID"
}
burst add r1
tsleep 0.5
o1=$(kstat overruns)
check_ge "a burst of 250 routes overran the notifications" "$o1" 1
check_eq "after the resync: every entry known" "$(kstat entries)" $((n0 + 250))
check_eq "... and mirrored" "$(kstat mirrored)" $((m0 + 250))
check_eq "... in the fast path" \
	"$(mgmctl -j show mfe | python3 -c 'import json, sys; print(sum(e["group"].startswith("239.3.") for e in json.load(sys.stdin)))')" 250
burst del
tsleep 0.5
check_ge "deleting them overran again" "$(kstat overruns)" $((o1 + 1))
check_eq "after the resync: none left" "$(kstat entries)" "$n0"
check_eq "... none in the fast path" \
	"$(mgmctl -j show mfe | python3 -c 'import json, sys; print(sum(e["group"].startswith("239.3.") for e in json.load(sys.stdin)))')" 0
check_eq "... and the rest as before" "$(kstat mirrored)" "$m0"
mgmd_stop TERM
check "mgmd back with its normal buffer" mgmd_start "$CONF"
tsleep 0.3

# --- 5. smcroute exits and comes back --------------------------------------------------
smc add rs "$SOURCE" "$GROUP" r1 r2 >/dev/null
tsleep 0.2
check_eq "re-added" "$(kpath $GROUP)" "xdp"
sink_start 1 "$NS_R1" "$GROUP"
send_bg -n 4000 -r 2000
sleep 1
smc_stop
t_exit=$(mono_ns)
wait "$SENDER"
tsleep 0.3
sink_stop 1
late=$(awk -v t="$t_exit" '$2 > t + 50000000' "$TMP/sink1.seq" | wc -l)
check_eq "smcroute exited: nothing sent 50 ms later reached r1" "$late" 0
check_eq "the kernel flushed, so did the mirror" "$(kstat entries)" 0
check_eq "no MFE left" "$(mgmctl -j show mfe)" "[]"
check "the forwarder left the interfaces" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"

# Back, with a cache timeout of 3 s for the keepalive part.
check "smcroute restarts" smc_start -c 3
tsleep 0.3
check_eq "its routes mirrored again" "$(kpath $GROUP)" "xdp"
sink_start 1 "$NS_R1" "$GROUP"
check "send 2000" send -n 2000 -r 5000
tsleep 0.2
sink_stop 1
check_eq "after the restart r1 receives every packet" "$(sink_val 1 received)" 2000
check_ge "... by XDP" "$(mfe $GROUP packets)" 1998

# --- 6. keepalive: smcroute's cache timeout, 3 s ----------------------------------------
# 239.2.2.7 matches the (*,G) rule: smcroute installs (S,G) on the first
# packet and, every 3 s, deletes those whose kernel counter did not move.
del0=$(kstat deletes)
sink_start 1 "$NS_R1" "$GSTAR"
GROUP=$GSTAR send_bg -n 7500 -r 500
sleep 1
age0=$(mfe $GSTAR uptime)
k0=$(kpkts $GSTAR)
kt0=$(now_ns)
wait "$SENDER"
tsleep 0.2
sink_stop 1
k1=$(kpkts $GSTAR)
ks=$(since_s "$kt0")
check_eq "keepalive: every packet of 15 s received" "$(sink_val 1 received)" 7500
check_eq "keepalive: none twice" "$(sink_val 1 duplicates)" 0
check_eq "keepalive: smcroute never flushed the flow" \
	"$(grep -c "Del $SOURCE -> $GSTAR" "$TMP/smc.log")" 0
check_eq "keepalive: the mirror saw no delete" "$(kstat deletes)" "$del0"
check_ge "keepalive: the same MFE all along (uptime)" "$(mfe $GSTAR uptime)" $((age0 + 13))
kp=$((k1 - k0))
check "keepalive: the kernel's counter moved ~1/s ($kp in $ks s)" \
	test "$kp" -ge $((ks - 5)) -a "$kp" -le $((ks + 5))
check_ge "keepalive: XDP carried the rest" "$(mfe $GSTAR packets)" 7400
say "15 s at 500 pps: kernel +$kp packets, XDP $(mfe $GSTAR packets)"

# Without it (SIGHUP applies the change to every entry), smcroute sees a
# frozen counter and flushes the live flow.
cat >"$CONF" <<EOF
mirror-kernel keepalive off
EOF
kill -HUP "$MGMD_PID"
tsleep 0.3
flush0=$(grep -c "Del $SOURCE -> $GSTAR" "$TMP/smc.log")
sink_start 1 "$NS_R1" "$GSTAR"
GROUP=$GSTAR send -n 4500 -r 500
tsleep 0.2
sink_stop 1
flush1=$(grep -c "Del $SOURCE -> $GSTAR" "$TMP/smc.log")
check_ge "no keepalive: smcroute flushed the live flow within 9 s" $((flush1 - flush0)) 1
check_ge "no keepalive: the mirror followed the flushes" "$(kstat deletes)" $((del0 + 1))
cat >"$CONF" <<EOF
mirror-kernel
EOF
kill -HUP "$MGMD_PID"
tsleep 0.3

# --- 7. mgmd stops; mgmd before the daemon ------------------------------------------------
mgmd_stop TERM
check "mgmd stop left no program" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
k0=$(kpkts $GROUP)
sink_start 1 "$NS_R1" "$GROUP"
check "send 1000" send -n 1000 -r 5000
tsleep 0.2
sink_stop 1
check_eq "without mgmd: r1 receives every packet" "$(sink_val 1 received)" 1000
check_eq "without mgmd: the kernel forwards them all" $(($(kpkts $GROUP) - k0)) 1000

smc_stop
check "mgmd starts with no daemon running" mgmd_start "$CONF"
check "smcroute starts beside it (MRT_INIT is free)" smc_start
tsleep 0.3
check "no MRT_INIT refused" test -z "$(grep -i 'already in use' "$TMP/smc.log")"
check_eq "mirrored once the daemon came" "$(kpath $GROUP)" "xdp"
sink_start 1 "$NS_R1" "$GROUP"
check "send 1000" send -n 1000 -r 5000
tsleep 0.2
sink_stop 1
check_eq "r1 receives every packet" "$(sink_val 1 received)" 1000
check_ge "by XDP" "$(mfe $GROUP packets)" 998
smc_stop

# --- 8. (*,G) entries (MRT_ADD_MFC_PROXY) -------------------------------------------
# No Debian daemon installs them; a few lines of Python do, as a daemon
# would: MRT_INIT, VIFs rs r1 r2 r3, (*,239.4.4.4) from rs to r1 r2 (the
# parent is in its own list: the kernel accepts (*,G) traffic only on a
# VIF of the list, and never sends it back out of the arrival VIF).
cat >"$TMP/proxyd.py" <<'EOF'
import signal, socket, struct, sys
MRT_INIT, MRT_ADD_VIF, MRT_ADD_MFC_PROXY, VIFF_USE_IFINDEX = 200, 202, 210, 8
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
s.setsockopt(socket.IPPROTO_IP, MRT_INIT, struct.pack("i", 1))
for vif, name in enumerate(["rs", "r1", "r2", "r3"]):
    s.setsockopt(socket.IPPROTO_IP, MRT_ADD_VIF, struct.pack(
        "=HBBIiI", vif, VIFF_USE_IFINDEX, 1, 0, socket.if_nametoindex(name), 0))
ttls = bytes([1, 1, 1] + [0] * 29)
s.setsockopt(socket.IPPROTO_IP, MRT_ADD_MFC_PROXY, struct.pack(
    "=4s4sH32s2xIIIi", bytes(4), socket.inet_aton(sys.argv[1]), 0, ttls,
    0, 0, 0, 0))
print("ready", flush=True)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
while True:
    s.recv(2048)  # upcalls: nothing to resolve
EOF
GP=239.4.4.4
ip netns exec "$NS_RTR" python3 "$TMP/proxyd.py" "$GP" >"$TMP/proxyd.log" 2>&1 &
PROXYD=$!
BG_PIDS+=($PROXYD)
tsleep 1
check "the (*,G) daemon runs" grep -q ready "$TMP/proxyd.log"
p=$(mgmctl -j show kernel | python3 -c "
import json, sys
print([e['path'] for e in json.load(sys.stdin)['entries'] if e['source'] == '*' and e['group'] == '$GP'])")
check_eq "(*,$GP) is carried by XDP" "$p" "['xdp']"
kgp() {
	ip -n "$NS_RTR" -j -s mroute show | python3 -c "
import json, sys
print([e['packets'] for e in json.load(sys.stdin) if e['dst'] == '$GP'][0])"
}
ip -n "$NS_SRC" addr add 192.0.2.2/24 dev s0
k0=$(kgp)
# Two sources, told apart at the receivers by their stream ids.
for i in 1 2 3; do sink_start $i "$(rcv_ns $i)" "$GP" -S 1; done
sink_start 4 "$NS_R1" "$GP" -S 2
GROUP=$GP send -n 3000 -r 5000 -S 1
in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s 192.0.2.2 -g "$GP" -p 5000 -t 16 -q \
	-n 1000 -r 5000 -S 2
tsleep 0.3
for i in 1 2 3 4; do sink_stop $i; done
k1=$(kgp)
check_eq "(*,G): r1 got the first source's packets" "$(sink_val 1 received)" 3000
check_eq "(*,G): ... and the second's" "$(sink_val 4 received)" 1000
check_eq "(*,G): r2 got the first source's packets" "$(sink_val 2 received)" 3000
check_eq "(*,G): r3 is not in the list" "$(sink_val 3 received)" 0
check_eq "(*,G): none twice" "$(($(sink_val 1 duplicates) + $(sink_val 4 duplicates)))" 0
check_ge "(*,G): one MFE per source, by XDP (S1)" "$(mfe $GP packets)" 2990
check_ge "(*,G): ... (S2)" "$(SOURCE=192.0.2.2 mfe $GP packets)" 990
check_eq "(*,G): its origin is the kernel" "$(SOURCE=192.0.2.2 mfe $GP origin)" kernel
check "(*,G): the kernel saw the first packets and keepalives only ($((k1 - k0)))" \
	test $((k1 - k0)) -le 10
kill -TERM "$PROXYD"
wait "$PROXYD" 2>/dev/null
tsleep 0.5
check_eq "(*,G) daemon gone: its sources left the fast path" "$(mgmctl -j show mfe)" "[]"
mgmd_stop TERM
summary
