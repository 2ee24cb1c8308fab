#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading and attaching the forwarder:
#  - `ip link set dev IF xdp obj mgm_fwd.bpf.o sec xdp` attaches a program
#    that shares the maps pinned by the datapath layer (through the links
#    in /sys/fs/bpf/tc/globals) and forwards the entries installed there;
#  - the maps carry BTF: `bpftool map dump` prints named fields;
#  - our loader never replaces or detaches another program: neither a
#    foreign XDP program nor the forwarder of another instance.
. "$(dirname "$0")/lib.sh"
require_root

GLOBALS=/sys/fs/bpf/tc/globals
PIN2=/sys/fs/bpf/${T}-other
cleanup_more() {
	"$BUILD/mgm-dp" -r "$PIN2" unpin 2>/dev/null
}
trap 'cleanup_more; cleanup' EXIT

for m in mgm_mfe mgm_osets mgm_ifs; do
	if [ -e "$GLOBALS/$m" ] && [ "$(readlink "$GLOBALS/$m")" != "$PIN/$m" ]; then
		fail "$GLOBALS/$m belongs to another mgm instance; cannot test ip link here"
		summary
		exit 1
	fi
done

topo_std || { fail "topology"; summary; exit 1; }
check "maps created, linked for iproute2" in_rtr "$BUILD/mgm-dp" -r "$PIN" --iproute2 init >/dev/null
check "link to mgm_mfe in $GLOBALS" test "$(readlink "$GLOBALS/mgm_mfe")" = "$PIN/mgm_mfe"

# --- ip link loads the object and shares our maps --------------------------
check "ip link set dev rs xdp obj mgm_fwd.bpf.o sec xdp" \
	in_rtr ip link set dev rs xdp obj "$BUILD/mgm_fwd.bpf.o" sec xdp
prog_id=$(ip -n "$NS_RTR" -d link show rs | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
map_id=$(bpftool map show pinned "$PIN/mgm_mfe" | sed -n 's/^\([0-9]*\):.*/\1/p')
check "a program is attached" test -n "$prog_id"
check "the ip-link program uses our pinned mgm_mfe (map $map_id)" \
	bash -c "bpftool prog show id '$prog_id' | grep -q 'map_ids.*\\b$map_id\\b'"
check "our loader sees it as ours (attach is a no-op)" mgmdp attach rs
check_eq "still the ip-link program" \
	"$(ip -n "$NS_RTR" -d link show rs | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" "$prog_id"

check "install (S,G) -> r1 r2" mgmdp mfe-set "$SOURCE" "$GROUP" rs r1 r2
sink_start 1 "$NS_R1" "$GROUP" --expect-ttl 15
sink_start 2 "$NS_R2" "$GROUP" --expect-ttl 15
sink_start 3 "$NS_R3" "$GROUP"
check "send 500" send -n 500 -r 5000
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "receiver 1 got all through the ip-link program" "$(sink_val 1 received)" 500
check_eq "receiver 2 got all through the ip-link program" "$(sink_val 2 received)" 500
check_eq "receiver 3 got none" "$(sink_val 3 received)" 0
check_eq "TTL decremented" "$(sink_val 1 bad_ttl)" 0

# --- BTF: bpftool prints named fields ----------------------------------------
bpftool map dump pinned "$PIN/mgm_mfe" >"$TMP/dump" 2>&1
check "bpftool dump of mgm_mfe names the key fields" grep -q '"source":' "$TMP/dump"
check "bpftool dump of mgm_mfe names the value fields" grep -q '"iif":' "$TMP/dump"
bpftool map dump pinned "$PIN/mgm_counters" >"$TMP/dump" 2>&1
check "bpftool dump of mgm_counters names the counters" grep -q '"forwarded":' "$TMP/dump"
check "ip link set dev rs xdp off" in_rtr ip link set dev rs xdp off

# --- peer safety ---------------------------------------------------------------
check "attach a foreign program to r1" \
	in_rtr ip link set dev r1 xdp obj "$BUILD/tests/xdp_foreign.bpf.o" sec xdp
foreign=$(ip -n "$NS_RTR" -d link show r1 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
check "our attach refuses to replace it" bash -c "! nsenter --net=/run/netns/$NS_RTR '$BUILD/mgm-dp' -r '$PIN' attach r1 2>/dev/null"
check "our detach refuses to remove it" bash -c "! nsenter --net=/run/netns/$NS_RTR '$BUILD/mgm-dp' -r '$PIN' detach r1 2>/dev/null"
check_eq "the foreign program is still there" \
	"$(ip -n "$NS_RTR" -d link show r1 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" "$foreign"

check "another instance (own pin root) attaches to r3" \
	in_rtr "$BUILD/mgm-dp" -r "$PIN2" attach r3
other=$(ip -n "$NS_RTR" -d link show r3 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
check "our detach leaves the other instance's forwarder alone" \
	bash -c "! nsenter --net=/run/netns/$NS_RTR '$BUILD/mgm-dp' -r '$PIN' detach r3 2>/dev/null"
check_eq "its forwarder is still there" \
	"$(ip -n "$NS_RTR" -d link show r3 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')" "$other"
check "its owner can detach it" in_rtr "$BUILD/mgm-dp" -r "$PIN2" detach r3

check "our own attach and detach work" mgmdp attach r2
check "detach r2" mgmdp detach r2
check "unpin removes the iproute2 links" mgmdp unpin
check "no link left" test ! -e "$GLOBALS/mgm_mfe"
summary
