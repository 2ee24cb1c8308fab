#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The fast path with real packets: one source, a router running the XDP
# forwarder (entries installed through the datapath layer with mgm-dp),
# three receivers counting what reaches them.
#
#  1. exact delivery: an entry to r1 and r2 gives exactly the sent packets
#     at receivers 1 and 2 (TTL - 1, valid checksum, router's egress MAC as
#     source), none at 3;
#  2. out-set changes under traffic are atomic: every packet reaches the
#     whole old set or the whole new set, never a mix, and never a receiver
#     outside both;
#  3. releasing an interface under traffic: after the call returns no
#     packet sent later reaches it or comes from it, and the other
#     receiver loses nothing.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
check "maps created" mgmdp init >/dev/null
for dev in rs r1 r2 r3; do
	check "attach $dev" mgmdp attach "$dev"
done
MAC1=$(mac_of "$NS_RTR" r1)
MAC2=$(mac_of "$NS_RTR" r2)

# --- 1. exact delivery --------------------------------------------------
check "install (S,G) -> r1 r2" mgmdp mfe-set "$SOURCE" "$GROUP" rs r1 r2
sink_start 1 "$NS_R1" "$GROUP" --expect-ttl 15 --expect-smac "$MAC1"
sink_start 2 "$NS_R2" "$GROUP" --expect-ttl 15 --expect-smac "$MAC2"
sink_start 3 "$NS_R3" "$GROUP"
check "send 2000" send -n 2000 -r 5000
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "receiver 1 got every packet" "$(sink_val 1 received)" 2000
check_eq "receiver 2 got every packet" "$(sink_val 2 received)" 2000
check_eq "receiver 3 got none" "$(sink_val 3 received)" 0
for i in 1 2; do
	check_eq "receiver $i: checksums valid" "$(sink_val $i bad_csum)" 0
	check_eq "receiver $i: TTL 16 -> 15" "$(sink_val $i bad_ttl)" 0
	check_eq "receiver $i: source MAC is the router's r$i" "$(sink_val $i bad_smac)" 0
	check_eq "receiver $i: no duplicates" "$(sink_val $i duplicates)" 0
done
mgmdp show >"$TMP/show"
check "entry counted 2000 packets" grep -q 'pkts 2000 ' "$TMP/show"

# --- 2. atomic out-set changes ------------------------------------------
# Sets A = {r1, r2} and B = {r2, r3} alternate every 5 ms under 10 kpps.
# Per packet the receivers that got it must be exactly A or exactly B.
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 3 "$NS_R3" "$GROUP"
send_bg -n 30000 -r 10000
sleep 0.2
check "flip the out-set 400 times" mgmdp flip "$SOURCE" "$GROUP" rs r1,r2 r2,r3 400 5000 >/dev/null
wait $SENDER
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
for i in 1 2 3; do sink_seqs $i >"$TMP/s$i"; done
n1=$(wc -l <"$TMP/s1")
n2=$(wc -l <"$TMP/s2")
n3=$(wc -l <"$TMP/s3")
say "flip: r1 $n1, r2 $n2, r3 $n3 packets"
check_eq "r2 (in both sets) got all 30000" "$n2" 30000
check_ge "the old set was used" "$n1" 1000
check_ge "the new set was used" "$n3" 1000
check_eq "no packet reached both r1 and r3 (a mix)" "$(LC_ALL=C comm -12 "$TMP/s1" "$TMP/s3" | wc -l)" 0
check_eq "every packet at r1 or r3 also reached r2" \
	"$(LC_ALL=C sort -u "$TMP/s1" "$TMP/s3" | LC_ALL=C comm -23 - "$TMP/s2" | wc -l)" 0
check_eq "every packet reached r1 or r3 (whole sets)" "$((n1 + n3))" 30000

# Sets {r1} and {r2} alternate; r3 is in neither and must see nothing.
check "set (S,G) -> r1" mgmdp mfe-set "$SOURCE" "$GROUP" rs r1
sink_start 3 "$NS_R3" "$GROUP"
send_bg -n 10000 -r 10000
check "flip {r1} <-> {r2}" mgmdp flip "$SOURCE" "$GROUP" rs r1 r2 200 5000 >/dev/null
wait $SENDER
sleep 0.2
sink_stop 3
check_eq "a receiver outside both sets got nothing" "$(sink_val 3 received)" 0

# --- 3. release under traffic ---------------------------------------------
# Forwarding to r2 (239.1.1.1 from the source) and from r2 (239.2.2.2 sent
# by receiver 2's host to r1) while r2 is released.
G2=239.2.2.2
check "restore (S,G) -> r1 r2" mgmdp mfe-set "$SOURCE" "$GROUP" rs r1 r2
check "install (S2,G2) from r2 -> r1" mgmdp mfe-set 198.51.100.66 "$G2" r2 r1
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 4 "$NS_R1" "$G2"
send -n 20000 -r 10000 &
S1PID=$!
in_ns "$NS_R2" "$BUILD/mcsend" -i x0 -s 198.51.100.66 -g "$G2" -p 5000 -t 16 -q -n 20000 -r 10000 &
S2PID=$!
BG_PIDS+=($S1PID $S2PID)
sleep 1
out=$(mgmdp release r2)
check "release r2" test -n "$out"
released_ns=$(echo "$out" | sed -n 's/.*returned_ns \([0-9]*\).*/\1/p')
say "release: $out"
wait $S1PID $S2PID
sleep 0.3
for i in 1 2 4; do sink_stop $i; done
check_eq "r1 lost nothing while r2 was released" "$(sink_val 1 received)" 20000
check_ge "r2 got packets before the release" "$(sink_val 2 received)" 1000
last2=$(sink_max_send_ns 2)
last4=$(sink_max_send_ns 4)
check "nothing sent after the release reached r2 ($last2 <= $released_ns)" \
	test "$last2" -le "$released_ns"
check_ge "packets from r2 were forwarded before the release" "$(sink_val 4 received)" 1000
check "nothing sent from r2 after the release was forwarded ($last4 <= $released_ns)" \
	test "$last4" -le "$released_ns"
mgmdp show >"$TMP/show"
check "no entry has r2 as iif any more" test -z "$(grep 'iif r2 ' "$TMP/show")"
check "no entry has r2 as oif any more" test -z "$(grep 'oifs.* r2' "$TMP/show")"

# --- detach ----------------------------------------------------------------
for dev in rs r1 r2 r3; do
	check "detach $dev" mgmdp detach "$dev"
done
check "nothing attached after detach" test -z "$(ip -n "$NS_RTR" link show rs | grep prog/xdp)"
summary
