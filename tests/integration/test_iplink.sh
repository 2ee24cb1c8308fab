#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Loading and attaching the forwarder:
#  - `ip link set dev IF xdp obj mgm_fwd.bpf.o sec xdp` attaches a program
#    that shares the maps pinned by the datapath layer (through the links
#    `mgm-dp --iproute2 init` makes where iproute2 looks), whatever the
#    bpffs layout: iproute2's (xdp a link to tc), libxdp's (xdp a
#    directory, e.g. after `make demo`) or neither yet; unpin removes
#    exactly what init made; a stale pin of a map's name is an error,
#    never a program attached with empty maps;
#  - the maps carry BTF: `bpftool map dump` prints named fields;
#  - our loader never replaces or detaches another program: neither a
#    foreign XDP program nor the forwarder of another instance.
#
# The test runs in a bpffs of its own (a private mount namespace), so the
# layout is the one each case sets up, whatever this machine ran before,
# and nothing it does is seen outside.
if [ -z "${MGM_IPLINK_PRIVATE:-}" ]; then
	exec env MGM_IPLINK_PRIVATE=1 unshare -m --propagation private bash "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
require_root
mount -t bpf bpf /sys/fs/bpf || { fail "a private bpffs"; summary; exit 1; }

GLOBALS=/sys/fs/bpf/xdp/globals
PIN2=/sys/fs/bpf/${T}-other
cleanup_more() {
	"$BUILD/mgm-dp" -r "$PIN2" unpin 2>/dev/null
}
trap 'cleanup_more; cleanup' EXIT

xdp_prog_of() { # xdp_prog_of IF: the id of the XDP program on IF (router)
	ip -n "$NS_RTR" -d link show "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'
}
map_id_of() { # map_id_of PIN
	bpftool map show pinned "$1" | sed -n 's/^\([0-9]*\):.*/\1/p'
}
# layout_case NAME SETUP: in a fresh bpffs of its own, SETUP (shell) lays
# out what ran before; then init links the maps, ip link attaches the
# object to r3, and that program must use our mgm_mfe; unpin leaves the
# layout as SETUP left it plus what ip link made.
layout_case() {
	local name=$1 setup=$2
	in_rtr unshare -m --propagation private bash -c '
		set -u
		B=$1 SETUP=$2
		mount -t bpf bpf /sys/fs/bpf || exit 10
		eval "$SETUP" || exit 11
		before=$(cd /sys/fs/bpf && find . | sort)
		"$B/mgm-dp" -r /sys/fs/bpf/lc --iproute2 init >/dev/null || exit 12
		ip link set dev r3 xdp obj "$B/mgm_fwd.bpf.o" sec xdp || exit 13
		prog=$(ip -d link show r3 | sed -n "s/.*prog\/xdp id \([0-9]*\).*/\1/p")
		map=$(bpftool map show pinned /sys/fs/bpf/lc/mgm_mfe | sed -n "s/^\([0-9]*\):.*/\1/p")
		bpftool prog show id "$prog" | grep -q "map_ids.*\b$map\b" || exit 14
		ip link set dev r3 xdp off
		"$B/mgm-dp" -r /sys/fs/bpf/lc unpin || exit 15
		# What is left: what SETUP left, and what ip link made
		# (its "ip" link, and the tc hierarchy it would have made).
		after=$(cd /sys/fs/bpf && find . | sort)
		extra=$(comm -13 <(echo "$before") <(echo "$after") |
			grep -vxE "\./(ip|tc|tc/globals|xdp)")
		[ -z "$extra" ] || { echo "left behind: $extra" >&2; exit 16; }
		gone=$(comm -23 <(echo "$before") <(echo "$after"))
		[ -z "$gone" ] || { echo "removed: $gone" >&2; exit 17; }
	' layout "$BUILD" "$setup"
	local rc=$?
	check_eq "layout '$name': ip link shares our maps, unpin removes what init made" "$rc" 0
}

topo_std || { fail "topology"; summary; exit 1; }
# --- the bpffs layouts iproute2 may find -----------------------------------
layout_case "neither tool ran" ":"
layout_case "libxdp first (xdp a directory, as after make demo)" \
	"\"\$B/mgm-dp\" -r /sys/fs/bpf/other attach r2 >/dev/null && \"\$B/mgm-dp\" -r /sys/fs/bpf/other detach r2 && \"\$B/mgm-dp\" -r /sys/fs/bpf/other unpin && test -d /sys/fs/bpf/xdp -a ! -L /sys/fs/bpf/xdp"
layout_case "iproute2 first (xdp a link to tc)" \
	"ip link set dev r2 xdp obj \"\$B/tests/xdp_foreign.bpf.o\" sec xdp && ip link set dev r2 xdp off && test -L /sys/fs/bpf/xdp"
layout_case "iproute2 globals inside libxdp's directory" \
	"mkdir -p /sys/fs/bpf/xdp/globals"
# A stale pin where ip link looks (what ip link made when it found no
# link): init refuses, naming it, rather than let a program use it.
check "a stale pin in xdp/globals: init fails and names it" in_rtr unshare -m --propagation private bash -c '
	mount -t bpf bpf /sys/fs/bpf && mkdir -p /sys/fs/bpf/xdp/globals &&
	bpftool map create /sys/fs/bpf/xdp/globals/mgm_mfe type hash key 8 value 8 entries 4 name mgm_mfe &&
	! "$1/mgm-dp" -r /sys/fs/bpf/lc --iproute2 init 2>/tmp/$$.err >/dev/null &&
	grep -q "/sys/fs/bpf/xdp/globals/mgm_mfe is there and is not a link" /tmp/$$.err; rc=$?
	rm -f /tmp/$$.err; ls /sys/fs/bpf/lc 2>/dev/null | grep -q . && exit 1; exit $rc' x "$BUILD"

# --- the main case: iproute2's layout, as a user would have it ---------------
check "maps created, linked for iproute2" in_rtr "$BUILD/mgm-dp" -r "$PIN" --iproute2 init >/dev/null
check "link to mgm_mfe in $GLOBALS" test "$(readlink "$GLOBALS/mgm_mfe")" = "$PIN/mgm_mfe"
check "link to mgm_mfe in /sys/fs/bpf/tc/globals" test "$(readlink /sys/fs/bpf/tc/globals/mgm_mfe)" = "$PIN/mgm_mfe"

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
# The IPv4 entries are slots of mgm_mfe_tab (millions: one, not a dump).
bpftool map lookup pinned "$PIN/mgm_mfe_tab" key 0 0 0 0 >"$TMP/dump" 2>&1
check "bpftool shows a slot of mgm_mfe_tab with its key fields" grep -q '"source":' "$TMP/dump"
check "bpftool shows a slot of mgm_mfe_tab with its entry fields" grep -q '"iif":' "$TMP/dump"
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
check "no link left" test ! -e "$GLOBALS/mgm_mfe" -a ! -e /sys/fs/bpf/tc/globals/mgm_mfe
summary
