#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IGMP and MLD queries on a link without an Ethernet header.  The router's
# queries leave through the kernel's IPv4 and IPv6 output (igmp_sock.c),
# which builds whatever link header the device has -- none on a tun
# device, the 33:33 / 01:00:5e multicast MACs on Ethernet (test_igmp,
# test_mgmd_mld check those on the wire).  Here the router (mgm-script
# with the real IGMP module) runs IGMPv3 and MLDv2 on a tun device whose
# other end is tun_capture.py: every packet the kernel sends out of it is
# read byte for byte and must include IGMPv3 and MLDv2 general queries,
# valid as RFC 3376 / RFC 3810 want them (TTL / hop limit 1, Router Alert,
# the interface's address as source, all-systems / all-nodes, checksums),
# with no send error counted.
#
# On Ethernet (a veth pair) the kernel's frames go to the groups' MACs,
# 33:33:00:00:00:01 and 01:00:5e:00:00:01 (tcpdump at the other end).
#
# Other link types without an Ethernet header are probed: each the kernel
# has runs the protocols it can carry (ipip IGMP, sit MLD, ip6tnl, gre
# and ip6gre both) and must send their queries without a send error (an
# ip6tnl's 16-byte link address, or GRE's, is where a fixed Ethernet
# destination fails).
. "$(dirname "$0")/lib.sh"
require_root
require_ipv6
[ -c /dev/net/tun ] || {
	skip "$TEST_NAME" "no /dev/net/tun (CONFIG_TUN)"
	summary
	exit 0
}
PY=/usr/bin/python3
CAP=$ROOT/tests/integration/tun_capture.py
NS=$T-gm
EXTRA_NS+=("$NS")
SRC4=192.0.2.1
LL=fe80::1

ip netns add "$NS" || { fail "namespace"; summary; exit 1; }
ip -n "$NS" link set lo up
in_ns "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
	net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.default.accept_dad=0

# gm_run IF PROTO...: mgm-script runs each PROTO (igmp: IGMPv3, mld:
# MLDv2) on IF for 2 s (start-up queries every 200 ms); then each must
# have been enabled and have sent general queries without a send error.
gm_run() {
	local ifn=$1 p v
	shift
	echo "igmp-opts rv=2 qi=1000 qri=500 sqi=200 sqc=4" >"$TMP/$ifn.script"
	for p in "$@"; do
		[ "$p" = igmp ] && v=v3 || v=v2
		echo "$p-enable $ifn $v" >>"$TMP/$ifn.script"
	done
	printf 'run 2\nigmp-show\n' >>"$TMP/$ifn.script"
	nsenter --net="/run/netns/$NS" "$BUILD/mgm-script" -r "$PIN" \
		"$TMP/$ifn.script" >"$TMP/$ifn.log" 2>"$TMP/$ifn.err"
	for p in "$@"; do
		[ "$p" = igmp ] && v=v3 || v=v2
		check "$ifn: $p $v enabled" grep -q "$p enable $ifn $v -> ok" "$TMP/$ifn.log"
		check "$ifn: $p general queries sent, no send error" \
			grep -qE "$p counters $ifn .* tx gq [2-9][0-9]* gsq 0 gssq 0 err 0 " "$TMP/$ifn.log"
	done
	check "$ifn: nothing on stderr" test ! -s "$TMP/$ifn.err"
}

# --- tun: no link-layer header at all ------------------------------------------
ip netns exec "$NS" "$PY" "$CAP" capture tn0 "$TMP/tn0.cap" "$TMP/tn0.ready" "$TMP/tn0.stop" &
CAPPID=$!
BG_PIDS+=($CAPPID)
check "tun device created" wait_file "$TMP/tn0.ready" 5
ip -n "$NS" link set tn0 addrgenmode none
ip -n "$NS" addr add "$SRC4/24" dev tn0
ip -n "$NS" addr add "$LL/64" dev tn0 nodad
ip -n "$NS" link set tn0 up
check "tn0 has no link-layer header (link/none)" \
	bash -c "ip -n '$NS' link show tn0 | grep -q 'link/none'"
gm_run tn0 igmp mld
touch "$TMP/tn0.stop"
wait $CAPPID
while IFS= read -r line; do
	case $line in
	"PASS "*) pass "tn0: ${line#PASS }" ;;
	"FAIL "*) fail "tn0: ${line#FAIL }" ;;
	*) say "$line" ;;
	esac
done < <("$PY" "$CAP" check "$TMP/tn0.cap" "$SRC4" "$LL")

# --- Ethernet: the multicast MACs -------------------------------------------------------
# A veth pair in the namespace, also the tunnels' underlay below.
ip -n "$NS" link add u0 type veth peer name u1
ip -n "$NS" addr add 198.51.100.1/24 dev u0
ip -n "$NS" addr add 2001:db8::1/64 dev u0 nodad
ip -n "$NS" link set u0 up
ip -n "$NS" link set u1 up
if command -v tcpdump >/dev/null; then
	ip netns exec "$NS" tcpdump -i u1 -e -nn -l -Q in \
		'ether dst 33:33:00:00:00:01 or ether dst 01:00:5e:00:00:01' \
		>"$TMP/u1.txt" 2>/dev/null &
	TD=$!
	BG_PIDS+=($TD)
	sleep 1 # tcpdump is listening
	gm_run u0 igmp mld
	sleep 0.2
	kill "$TD"
	wait "$TD" 2>/dev/null
	check "u0 (Ethernet): MLD queries to 33:33:00:00:00:01" \
		grep -qE "> 33:33:00:00:00:01, ethertype IPv6.*multicast listener query v2" "$TMP/u1.txt"
	check "u0 (Ethernet): IGMP queries to 01:00:5e:00:00:01" \
		grep -qE "> 01:00:5e:00:00:01, ethertype IPv4.*igmp query v3" "$TMP/u1.txt"
else
	skip "Ethernet frames" "tcpdump is missing"
fi

# --- the L3 tunnels this kernel has ---------------------------------------------------
for kp in ipip:igmp sit:mld ip6tnl:igmp,mld gre:igmp,mld ip6gre:igmp,mld; do
	kind=${kp%%:*}
	case $kind in
	ip6tnl) ends="mode any local 2001:db8::1 remote 2001:db8::2" ;;
	ip6*) ends="local 2001:db8::1 remote 2001:db8::2" ;;
	*) ends="local 198.51.100.1 remote 198.51.100.2" ;;
	esac
	# shellcheck disable=SC2086
	if ! ip -n "$NS" link add "t$kind" type "$kind" $ends 2>/dev/null; then
		skip "$kind tunnel" "this kernel has no $kind links"
		continue
	fi
	ip -n "$NS" link set "t$kind" addrgenmode none 2>/dev/null
	ip -n "$NS" addr add 203.0.113.1/24 dev "t$kind"
	ip -n "$NS" addr add fe80::2/64 dev "t$kind" nodad
	ip -n "$NS" link set "t$kind" up
	# shellcheck disable=SC2046
	gm_run "t$kind" $(echo "${kp#*:}" | tr , ' ')
done
summary
