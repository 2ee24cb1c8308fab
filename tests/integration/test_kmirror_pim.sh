#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PIM-SM with FRR's pimd (Debian's frr) on two routers, each with mgmd
# mirroring its kernel's routes into XDP:
#
#   src s0 ---- a0 [A] b0 ---- b1 [B] c0 ---- x0 rx   (joins 239.1.1.1)
#   192.0.2.1       203.0.113.1/.2     c1 ---- x0 ry   (joins nothing)
#
# A is the source's DR (first-hop router), B the RP and the receivers'
# IGMP querier (last-hop router).  The receiver's IGMP join becomes a PIM
# join, the source's packets a register, then the shortest-path tree; both
# kernels end up with an (S,G) entry that each mgmd mirrors: traffic from
# the source reaches the joined receiver, forwarded by XDP on both
# routers, and the kernels only see keepalive packets.  FRR's keepalive
# timer is set to 10 s (default 210): without keepalive packets the first
# hop's (S,G) would time out while traffic flows; with them it lives.
# When the receiver leaves, PIM prunes and XDP stops with the kernel.
. "$(dirname "$0")/lib.sh"
require_root
# FRR's pimd routes through the kernel's multicast routing.
require_feature ipmr
require_cmd /usr/lib/frr/pimd frr
require_cmd /usr/lib/frr/zebra frr
NA=$T-a
NB=$T-b
NX=$T-x
NY=$T-y
EXTRA_NS+=("$NA" "$NB" "$NX" "$NY")
PIN_B=$PIN-b
trap 'cleanup; "$BUILD/mgm-dp" -r "$PIN_B" unpin 2>/dev/null' EXIT

topo() {
	local p
	for ns in "$NS_SRC" "$NA" "$NB" "$NX" "$NY"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip link add s0 netns "$NS_SRC" type veth peer name a0 netns "$NA" || return 1
	ip link add b0 netns "$NA" type veth peer name b1 netns "$NB" || return 1
	ip link add c0 netns "$NB" type veth peer name x0 netns "$NX" || return 1
	ip link add c1 netns "$NB" type veth peer name x0 netns "$NY" || return 1
	ip -n "$NS_SRC" addr add 192.0.2.1/24 dev s0
	ip -n "$NA" addr add 192.0.2.254/24 dev a0
	ip -n "$NA" addr add 203.0.113.1/24 dev b0
	ip -n "$NB" addr add 203.0.113.2/24 dev b1
	ip -n "$NB" addr add 198.51.100.1/26 dev c0
	ip -n "$NB" addr add 198.51.100.65/26 dev c1
	ip -n "$NX" addr add 198.51.100.2/26 dev x0
	ip -n "$NY" addr add 198.51.100.66/26 dev x0
	# GRO: frames XDP redirects into a veth need it on the peer.
	for p in "$NS_SRC s0" "$NA a0" "$NA b0" "$NB b1" "$NB c0" "$NB c1" \
		"$NX x0" "$NY x0"; do
		set -- $p
		ip -n "$1" link set "$2" up
		ip netns exec "$1" ethtool -K "$2" gro on >/dev/null || return 1
	done
	ip -n "$NS_SRC" route add default via 192.0.2.254
	ip -n "$NA" route add 198.51.100.0/24 via 203.0.113.2
	ip -n "$NB" route add 192.0.2.0/24 via 203.0.113.1
	ip -n "$NX" route add default via 198.51.100.1
	ip -n "$NY" route add default via 198.51.100.65
}

# frr_start NS NAME PIM-CONFIG: zebra and pimd in NS, in the foreground
# (so that cleanup ends them), with private sockets, pid files and logs.
# pimd's configuration goes in through vtysh once its interfaces are
# known: read at start-up, FRR drops the RP ("no path") and IGMP.
frr_start() {
	local ns=$1 n=$2 d=$TMP/$2 i=0
	mkdir -p "$d"
	chmod 711 "$TMP"
	printf 'hostname %s\n' "$n" >"$d/zebra.conf"
	printf 'hostname %s\n' "$n" >"$d/pimd.conf"
	printf '%s\n' "$3" >"$d/pim.vtysh"
	chown -R frr:frr "$d"
	ip netns exec "$ns" /usr/lib/frr/zebra -f "$d/zebra.conf" -i "$d/zebra.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -u frr -g frr -P 0 \
		--log "file:$d/zebra.log" >/dev/null 2>&1 &
	BG_PIDS+=($!)
	while [ ! -S "$d/zserv.api" ] && [ $i -lt $((100 * TS)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	ip netns exec "$ns" /usr/lib/frr/pimd -f "$d/pimd.conf" -i "$d/pimd.pid" \
		-z "$d/zserv.api" --vty_socket "$d" -u frr -g frr -P 0 \
		--log "file:$d/pimd.log" >/dev/null 2>&1 &
	BG_PIDS+=($!)
	i=0
	while [ ! -S "$d/pimd.vty" ] && [ $i -lt $((100 * TS)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	tsleep 0.5
	ip netns exec "$ns" vtysh --vty_socket "$d" -f "$d/pim.vtysh" >/dev/null
}

vty() { ip netns exec "$1" vtysh --vty_socket "$TMP/$2" -c "$3"; }

# mgmd in router NS (A or B), private socket and pin root.
mgmd_in() {
	local ns=$1 n=$2 pin=$3 i=0
	printf 'mirror-kernel\n' >"$TMP/mgmd-$n.conf"
	nsenter --net="/run/netns/$ns" "$BUILD/mgmd" -n -f "$TMP/mgmd-$n.conf" \
		-s "$TMP/mgmd-$n.sock" --pin-root "$pin" 2>>"$TMP/mgmd-$n.log" &
	eval "MGMD_$n=$!"
	BG_PIDS+=($!)
	while [ ! -S "$TMP/mgmd-$n.sock" ] && [ $i -lt $((100 * TS)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ -S "$TMP/mgmd-$n.sock" ]
}

ctl() { # A|B mgmctl args...
	local n=$1 ns pin
	shift
	if [ "$n" = A ]; then ns=$NA pin=$PIN; else ns=$NB pin=$PIN_B; fi
	nsenter --net="/run/netns/$ns" "$BUILD/mgmctl" -s "$TMP/mgmd-$n.sock" \
		--pin-root "$pin" "$@"
}

# path of (S,G) in a router's mirror, and a counter of its MFE.
kpath() {
	ctl "$1" -j show kernel | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin)['entries'] if e['source'] == '$SOURCE' and e['group'] == '$GROUP']
print((d[0]['path'] + ('' if d[0]['reason'] == '-' else ':' + d[0]['reason'])) if d else '')"
}

mfe() {
	ctl "$1" -j show mfe | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin) if e['source'] == '$SOURCE' and e['group'] == '$GROUP']
print(d[0]['$2'] if d else 0)"
}

kstat() { ctl "$1" -j show kernel | python3 -c "import json, sys; print(json.load(sys.stdin)['stats']['$2'])"; }

# The kernel's packet counter of (S,G) in NS.
kpkts() {
	ip -n "$1" -j -s mroute show | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin) if e['src'] == '$SOURCE' and e['dst'] == '$GROUP']
print(d[0]['packets'] if d else 0)"
}

# wait_xdp SEC: until both routers forward (S,G) by XDP (at most SEC s, times
# the scale).
both_xdp() { [ "$(kpath A)" = xdp ] && [ "$(kpath B)" = xdp ]; }
wait_xdp() { poll "$1" both_xdp; }

topo || { fail "topology"; summary; exit 1; }
PIMCONF_A="ip pim rp 203.0.113.2 239.0.0.0/8
ip pim keep-alive-timer 10
interface a0
 ip pim
interface b0
 ip pim"
PIMCONF_B="ip pim rp 203.0.113.2 239.0.0.0/8
ip pim keep-alive-timer 10
interface b1
 ip pim
interface c0
 ip pim
 ip igmp
interface c1
 ip pim
 ip igmp"
frr_start "$NA" ra "$PIMCONF_A"
frr_start "$NB" rb "$PIMCONF_B"
check "mgmd on A" mgmd_in "$NA" A "$PIN"
check "mgmd on B" mgmd_in "$NB" B "$PIN_B"
poll 20 eval 'vty "$NA" ra "show ip pim neighbor" | grep -q 203.0.113.2'
check "PIM neighbours (hellos pass the forwarder)" \
	eval 'vty "$NA" ra "show ip pim neighbor" | grep -q 203.0.113.2'
check "keep-alive-timer 10 accepted" eval 'vty "$NA" ra "show running-config" | grep -q "keep-alive-timer 10"'

sink_start 1 "$NX" "$GROUP" --join
sink_start 2 "$NY" "$GROUP"
poll 10 eval 'vty "$NB" rb "show ip igmp groups" | grep -q "$GROUP"'
check "B learned the receiver's IGMP join" eval 'vty "$NB" rb "show ip igmp groups" | grep -q "$GROUP"'

# The first packets: register, SPT, register-stop.  Then both mirror.
send_bg -n 600 -r 100
check "both routers forward (S,G) by XDP" wait_xdp 8
wait "$SENDER"
vty "$NA" ra "show ip mroute" >"$TMP/mroute-a.txt"
vty "$NB" rb "show ip mroute" >"$TMP/mroute-b.txt"
ctl A show kernel >"$TMP/kernel-a.txt"
ctl B show kernel >"$TMP/kernel-b.txt"
sink_stop 1
sink_stop 2

# --- traffic over 25 s, past FRR's keepalive timer (10 s) -------------------
sink_start 1 "$NX" "$GROUP" --join
sink_start 2 "$NY" "$GROUP"
ka0=$(kpkts "$NA")
kb0=$(kpkts "$NB")
kt0=$(now_ns)
xa0=$(mfe A packets)
xb0=$(mfe B packets)
dela0=$(kstat A deletes)
check "send 25000 over 25 s" send -n 25000 -r 1000
tsleep 0.3
sink_stop 1
sink_stop 2
ka=$(($(kpkts "$NA") - ka0))
kb=$(($(kpkts "$NB") - kb0))
ks=$(since_s "$kt0") # 25 s here, more where senders are slowed
xa=$(($(mfe A packets) - xa0))
xb=$(($(mfe B packets) - xb0))
check_ge "the joined receiver got the flow" "$(sink_val 1 received)" 24990
check_eq "... each packet once" "$(sink_val 1 duplicates)" 0
check_eq "... TTL decremented by two routers" "$(sink_val 1 last_ttl)" 14
check_eq "the other receiver got nothing" "$(sink_val 2 received)" 0
check_ge "A (first hop) forwarded by XDP" "$xa" 24950
check_ge "B (RP, last hop) forwarded by XDP" "$xb" 24950
check "A's kernel saw only keepalive packets ($ka in $ks s)" \
	test "$ka" -ge $((ks - 5)) -a "$ka" -le $((ks + 5))
check "B's kernel saw only keepalive packets ($kb in $ks s)" \
	test "$kb" -ge $((ks - 5)) -a "$kb" -le $((ks + 5))
check_eq "FRR's 10 s keepalive timer never removed A's (S,G)" "$(kstat A deletes)" "$dela0"
check_eq "still by XDP on A" "$(kpath A)" xdp
check_eq "still by XDP on B" "$(kpath B)" xdp
check "PIM neighbours still up" eval 'vty "$NB" rb "show ip pim neighbor" | grep -q 203.0.113.1'
say "25 s at 1000 pps: A kernel +$ka XDP +$xa, B kernel +$kb XDP +$xb"

# --- the receiver leaves: PIM prunes, XDP stops with the kernel -----------------
MONO_OFF=$(python3 -c 'import time; print(time.time_ns() - time.monotonic_ns())')
sink_start 1 "$NX" "$GROUP" --join --leave-after 2
send_bg -n 8000 -r 1000
# The kernel's entry may change more than once (FRR rewrites it): the
# prune is when the oif was last seen, plus the polling period.
t_seen=
while kill -0 "$SENDER" 2>/dev/null; do
	now=$(($(date +%s%N) - MONO_OFF))
	if ip -n "$NB" mroute show | grep -q "Oifs: c0"; then
		t_seen=$now
	fi
	sleep 0.05
done
t_prune=$((${t_seen:-0} + 100000000))
check "B's kernel had the oif, then dropped it (prune)" \
	eval '[ -n "$t_seen" ] && ! ip -n "$NB" mroute show | grep -q "Oifs: c0"'
wait "$SENDER"
tsleep 0.3
sink_stop 1
late=$(awk -v t="${t_prune:-0}" '$2 > t + 20000000' "$TMP/sink1.seq" | wc -l)
check_eq "nothing sent 20 ms after the kernel's change reached the receiver" "$late" 0
check_ge "it received until then" "$(sink_val 1 received)" 1500
p=$(kpath B)
check "B's (S,G) is no longer carried by XDP ($p)" test "$p" != xdp
summary
