#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mcsend and mcsink over IPv6, without a router: two namespaces joined by
# a veth, 2001:db8::1 (s0, the source) and 2001:db8::2 (x0, the receiver),
# DAD off.  mcsink joins through its kernel, which sends MLDv2 reports
# (captured with tcpdump on the sender's side, and read back from
# /proc/net/igmp6 and /proc/net/mcfilter6):
#
#   ff0e::db8:1  ASM join; 300 packets, hop limit 5: exactly 300 counted,
#                hop limit, source MAC, UDP length and the 33:33 MAC checked
#   ff3e::db8:1  SSM join INCLUDE {2001:db8::1}; 200 packets from it
#                (stream 1) and 100 from 2001:db8::3 (stream 2): the
#                report names the source, 200 of stream 1 counted
#
# then a leave (--leave-after) that removes the membership and is
# reported, and the argument checks of the IPv6 options.  IPv4 use of the
# tools is covered by every other integration test.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd tcpdump tcpdump
if [ ! -d /proc/sys/net/ipv6 ]; then
	skip "$TEST_NAME" "this kernel has no IPv6 (ipv6.disable=1?)"
	summary
	exit 0
fi

G1=ff0e::db8:1
G2=ff3e::db8:1
S1=2001:db8::1
S2=2001:db8::3
# The groups as /proc/net/igmp6 and mcfilter6 print them.
G1_HEX=ff0e000000000000000000000db80001
G2_HEX=ff3e000000000000000000000db80001
S1_HEX=20010db8000000000000000000000001

# The namespaces: IPv6 on, no DAD (the link-local addresses are usable at
# once, so the kernel's MLD reports come from them, not from ::).
for ns in "$NS_SRC" "$NS_R1"; do
	ip netns add "$ns" || { fail "netns"; summary; exit 1; }
	ip -n "$ns" link set lo up
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
ip link add s0 netns "$NS_SRC" type veth peer name x0 netns "$NS_R1" ||
	{ fail "veth"; summary; exit 1; }
in_ns "$NS_SRC" sysctl -qw net.ipv6.conf.s0.disable_ipv6=0
in_ns "$NS_R1" sysctl -qw net.ipv6.conf.x0.disable_ipv6=0
ip -n "$NS_SRC" addr add "$S1/64" dev s0 nodad
ip -n "$NS_SRC" addr add "$S2/64" dev s0 nodad
ip -n "$NS_R1" addr add 2001:db8::2/64 dev x0 nodad
ip -n "$NS_SRC" link set s0 up
ip -n "$NS_R1" link set x0 up
SMAC=$(mac_of "$NS_SRC" s0)

# Until x0 has a usable (not tentative) link-local address.
n=0
until ip -n "$NS_R1" -6 addr show dev x0 scope link | grep -q 'inet6 fe80' &&
	! ip -n "$NS_R1" -6 addr show dev x0 | grep -q tentative; do
	[ $n -ge 100 ] && break
	sleep 0.05
	n=$((n + 1))
done
check "x0 has a link-local address" \
	ip -n "$NS_R1" -6 addr show dev x0 scope link | grep -q 'inet6 fe80'

# Everything on the wire, seen from the sender's side.
ip netns exec "$NS_SRC" tcpdump -i s0 -nn -U -w "$TMP/wire.pcap" ip6 \
	2>"$TMP/tcpdump.err" &
TCPDUMP=$!
BG_PIDS+=("$TCPDUMP")
n=0
until grep -q "listening on" "$TMP/tcpdump.err" 2>/dev/null; do
	[ $n -ge 100 ] && break
	sleep 0.05
	n=$((n + 1))
done

# sink6 ID GROUP [mcsink args...]: lib.sh's receiver (x0, port 5000, JSON
# summary, seq file) in the receiving namespace.
sink6() {
	sink_start "$1" "$NS_R1" "$2" "${@:3}"
}

send6() {
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -p 5000 -q "$@"
}

# wait_sink ID: until mcsink exits (its -c count reached), at most 10 s.
wait_sink() {
	local n=0
	while kill -0 "${SINK_PID[$1]}" 2>/dev/null && [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	sink_stop "$1"
}

# --- ASM: ff0e::db8:1 -------------------------------------------------------
sink6 1 "$G1" --join --expect-ttl 5 --expect-smac "$SMAC" -c 300 ||
	fail "sink 1 ready"
check "joined: $G1 in /proc/net/igmp6" \
	grep -q "x0 *$G1_HEX" <(in_ns "$NS_R1" cat /proc/net/igmp6)
check "mcsend to $G1 (300, hop limit 5)" \
	send6 -s "$S1" -g "$G1" -t 5 -n 300 -r 3000
wait_sink 1
check_eq "received exactly 300" "$(sink_val 1 received)" 300
check_eq "no duplicates" "$(sink_val 1 duplicates)" 0
check_eq "seq 1..300" "$(sink_val 1 first_seq)-$(sink_val 1 max_seq)" 1-300
check_eq "hop limit 5 on every packet" "$(sink_val 1 bad_ttl)" 0
check_eq "last hop limit" "$(sink_val 1 last_ttl)" 5
check_eq "source MAC of s0" "$(sink_val 1 bad_smac)" 0
check_eq "UDP length = payload length" "$(sink_val 1 bad_len)" 0
check_eq "no IPv4 checksum to get wrong" "$(sink_val 1 bad_csum)" 0
check_eq "summary names the MAC" "$(json_str "$TMP/sink1.json" last_smac)" "$SMAC"
check_eq "one seq line per packet" "$(sink_seqs 1 | wc -l)" 300

# --- SSM: ff3e::db8:1 from 2001:db8::1 only --------------------------------
sink6 2 "$G2" --source "$S1" -S 1 -c 200 || fail "sink 2 ready"
check "joined: $G2 in /proc/net/igmp6" \
	grep -q "x0 *$G2_HEX" <(in_ns "$NS_R1" cat /proc/net/igmp6)
check "source filter: $S1 INCLUDE in /proc/net/mcfilter6" \
	grep -qE "x0 +$G2_HEX +$S1_HEX +1 +0" <(in_ns "$NS_R1" cat /proc/net/mcfilter6)
check "mcsend from $S2 (stream 2, not wanted)" \
	send6 -s "$S2" -g "$G2" -S 2 -n 100 -r 2000
check "mcsend from $S1 (stream 1)" \
	send6 -s "$S1" -g "$G2" -S 1 -n 200 -r 2000
wait_sink 2
check_eq "stream 1: exactly 200" "$(sink_val 2 received)" 200
check_eq "stream 1: seq 1..200" "$(sink_val 2 first_seq)-$(sink_val 2 max_seq)" 1-200

# --- leave ------------------------------------------------------------------
joined6() { in_ns "$NS_R1" cat /proc/net/igmp6 | grep -q "x0 *$1"; }
sink6 3 "$G1" --join --leave-after 0.3 -d 3 || fail "sink 3 ready"
check "joined again" joined6 "$G1_HEX"
n=0
while joined6 "$G1_HEX" && [ $n -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
# Gone while mcsink still runs: --leave-after left, not the exit.
check "left after 0.3 s: $G1 gone from /proc/net/igmp6" \
	test "$(joined6 "$G1_HEX" && echo joined)" = ""
check "while mcsink still runs" kill -0 "${SINK_PID[3]}"
sink_stop 3
check_ge "summary has the leave time" "$(sink_val 3 left_ns)" 1

# --- what was on the wire ----------------------------------------------------
sleep 0.3 # the last reports (the leave is sent more than once)
kill -INT "$TCPDUMP" 2>/dev/null
wait "$TCPDUMP" 2>/dev/null
tcpdump -nn -vv -r "$TMP/wire.pcap" 2>/dev/null >"$TMP/wire.txt"
tcpdump -nn -e -r "$TMP/wire.pcap" 2>/dev/null >"$TMP/wire-e.txt"
# MLDv2 reports from x0's link-local address, to ff02::16, hop limit 1,
# with the Router Alert.
rep() { grep "multicast listener report v2" "$TMP/wire.txt"; }
check "MLDv2 reports seen" test -n "$(rep)"
check "from a link-local source, to ff02::16" \
	test -z "$(rep | grep -v 'fe80::[0-9a-f:]* > ff02::16')"
check "hop limit 1, Router Alert, checksum right" \
	test -z "$(rep | grep -vE 'hlim 1,.*rtalert: 0x0000.*icmp6 sum ok')"
check "ASM join: EXCLUDE {} for $G1" \
	grep -qE "gaddr $G1 (to_ex|is_ex) \{ \}" <(rep)
check "SSM join: INCLUDE {$S1} for $G2" \
	grep -qE "gaddr $G2 (allow|to_in|is_in) \{ $S1 \}" <(rep)
check "leave: TO_IN {} for $G1" grep -qE "gaddr $G1 to_in \{ \}" <(rep)
check "no MLDv1 message from the host" \
	test -z "$(grep -E 'multicast listener (report|done)( |,)' "$TMP/wire.txt" | grep -v 'report v2')"
check_eq "data to $G1 went to 33:33:0d:b8:00:01" \
	"$(grep -c "> 33:33:0d:b8:00:01, .* $S1.[0-9]* > $G1.5000: UDP" "$TMP/wire-e.txt")" 300
check_eq "data to $G2 from both sources went to 33:33:0d:b8:00:01" \
	"$(grep -c "> 33:33:0d:b8:00:01, .* > $G2.5000: UDP" "$TMP/wire-e.txt")" 300

# --- arguments ----------------------------------------------------------------
rc() {
	"$@" >/dev/null 2>&1
	echo $?
}
check_eq "mcsend: -s of the other family" \
	"$(rc "$BUILD/mcsend" -i lo -g "$G1" -s 192.0.2.1 -n 1)" 2
check_eq "mcsend: --spoof is IPv4 only" \
	"$(rc "$BUILD/mcsend" -i lo -g "$G1" -R 192.0.2.0/24 -n 1)" 2
check_eq "mcsend: IPv6 payload at most 1452" \
	"$(rc "$BUILD/mcsend" -i lo -g "$G1" -l 1453 -n 1)" 2
check_eq "mcsink: --source of the other family" \
	"$(rc "$BUILD/mcsink" -i lo -g "$G2" --source 192.0.2.1 -d 0.1)" 2
check_eq "mcsink: --source :: refused" \
	"$(rc "$BUILD/mcsink" -i lo -g "$G2" --source :: -d 0.1)" 2
check_eq "mcsink: --join of a unicast IPv6 group" \
	"$(rc "$BUILD/mcsink" -i lo -g 2001:db8::9 --join -d 0.1)" 2
check "mcsend --help names IPv6" \
	grep -q "ff00::/8" <("$BUILD/mcsend" --help)
summary
