#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 fast path with real packets: lib.sh's standard topology with
# IPv6 addresses on top (no DAD), the XDP forwarder on the router, IPv6
# entries installed with mgm-dp, mcsend/mcsink over IPv6.
#
#   s0 2001:db8:1::1 ---- rs 2001:db8:1::fe
#                         r1 2001:db8:2::1 ---- x0 2001:db8:2::2
#                         r2 2001:db8:3::1 ---- x0 2001:db8:3::2
#                         r3 2001:db8:4::1 ---- x0 2001:db8:4::2
#
#  1. exact delivery of (2001:db8:1::1, ff0e::db8:1) to r1 and r2: every
#     packet, hop limit 16 -> 15, the router's egress MAC as source, none
#     at r3; the entry counts packets and bytes (40 + 8 + payload); the
#     maps dump with BTF; the same through the tc path to a receiver XDP
#     cannot reach (r3 with GRO off on its peer);
#  2. never forwarded: a link-local group (ff02::) although an entry
#     names it, hop limit 1, a packet on the wrong interface (counted on
#     the entry, reported as a wrong-if event with its IPv6 addresses), a
#     miss (one miss event, deduplicated);
#  3. the entry deleted: nothing forwarded any more.
. "$(dirname "$0")/lib.sh"
require_root
if [ ! -d /proc/sys/net/ipv6 ]; then
	skip "$TEST_NAME" "this kernel has no IPv6 (ipv6.disable=1?)"
	summary
	exit 0
fi

S=2001:db8:1::1
G=ff0e::db8:1
G2=ff0e::db8:2
GLL=ff02::db8:1
S2=2001:db8:3::2 # receiver 2's host, a source on the wrong side
LEN=100          # UDP payload: IP length 40 + 8 + 100

topo_std || { fail "topology"; summary; exit 1; }
topo_ipv6
check "IPv6 addresses usable" test -z "$(ip -all netns exec ip -6 addr show 2>/dev/null | grep tentative)"

check "maps created" mgmdp init >/dev/null
for dev in rs r1 r2 r3; do
	check "attach $dev" mgmdp attach "$dev"
done
MAC1=$(mac_of "$NS_RTR" r1)
MAC2=$(mac_of "$NS_RTR" r2)

send6() {
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$S" -p 5000 -l "$LEN" -q "$@"
}

# counter NAME: a global counter of the fast path now.
counter() {
	mgmdp counters | awk -v n="$1" '$1 == n {print $2}'
}

# entry_val SRC GRP KEY: one counter of an entry (mgm-dp mfe-counters).
entry_val() {
	mgmdp mfe-counters "$1" "$2" | tr ' ' '\n' | awk -v k="$3" 'p {print; exit} $0 == k {p = 1}'
}

# --- 1. exact delivery --------------------------------------------------
check "install ($S, $G) -> r1 r2" mgmdp mfe-set "$S" "$G" rs r1 r2
mgmdp show >"$TMP/show"
f0=$FAILED
check "show lists the IPv6 entry" grep -q "^$S  *$G  *iif rs .* r1 r2 " "$TMP/show"
[ "$FAILED" -eq "$f0" ] || sed 's/^/   show: /' "$TMP/show" >&2
fwd0=$(counter forwarded6)
sink_start 1 "$NS_R1" "$G" --expect-ttl 15 --expect-smac "$MAC1"
sink_start 2 "$NS_R2" "$G" --expect-ttl 15 --expect-smac "$MAC2"
sink_start 3 "$NS_R3" "$G"
check "send 2000 to $G" send6 -g "$G" -t 16 -n 2000 -r 5000
tsleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "receiver 1 got every packet" "$(sink_val 1 received)" 2000
check_eq "receiver 2 got every packet" "$(sink_val 2 received)" 2000
check_eq "receiver 3 got none" "$(sink_val 3 received)" 0
for i in 1 2; do
	check_eq "receiver $i: hop limit 16 -> 15" "$(sink_val $i bad_ttl)" 0
	check_eq "receiver $i: last hop limit" "$(sink_val $i last_ttl)" 15
	check_eq "receiver $i: source MAC is the router's r$i" "$(sink_val $i bad_smac)" 0
	check_eq "receiver $i: UDP length intact" "$(sink_val $i bad_len)" 0
	check_eq "receiver $i: no duplicates" "$(sink_val $i duplicates)" 0
done
check_eq "the entry counted 2000 packets" "$(entry_val "$S" "$G" packets)" 2000
check_eq "and 2000 x (40 + 8 + $LEN) bytes" "$(entry_val "$S" "$G" bytes)" $((2000 * (48 + LEN)))
check_ge "forwarded6 counted them" "$(($(counter forwarded6) - fwd0))" 2000
# BTF: bpftool shows the new maps field by field.
bpftool map dump pinned "$PIN/mgm_mfe6" >"$TMP/dump" 2>&1
check "bpftool dump of mgm_mfe6 names the key fields" grep -q '"source": \[' "$TMP/dump"
check "bpftool dump of mgm_mfe6 names the route word" grep -q '"iif":' "$TMP/dump"
# The packets are in the element while one CPU counts (owner 0 or CPU + 1);
# when the sender ran on both CPUs the entry is shared (65535) and they are
# partly in mgm_mfe_shared (the total is checked above).
if grep -q '"owner": 65535' "$TMP/dump"; then
	check "bpftool dump of mgm_mfe_shared names the packets" \
		grep -q '"packets":' <(bpftool map dump pinned "$PIN/mgm_mfe_shared" 2>&1)
else
	check "bpftool dump of mgm_mfe6 shows the packets" grep -q '"packets": 2000' "$TMP/dump"
fi
check "mgm_miss_seen6 is pinned" test -e "$PIN/mgm_miss_seen6"

# --- 1b. a receiver only the tc path reaches ------------------------------
# No GRO (and no XDP) on r3's peer: r3 takes no XDP redirects, and the
# kernel says so.  The set {r1, r3} then goes by the tc path: the XDP
# program marks each packet and mgm_tc_xmit on rs makes every copy.
GT=ff0e::db8:3
MAC3=$(mac_of "$NS_RTR" r3)
in_ns "$NS_R3" ethtool -K x0 gro off >/dev/null
check "r3 re-read" mgmdp if-refresh r3
check "copies reach r3 by tc" grep -q " tx tc$" <(mgmdp if-counters r3)
check "install ($S, $GT) -> r1 r3" mgmdp mfe-set "$S" "$GT" rs r1 r3
# A tc-path entry's out-set is listed too (its flags once hid it).
check "show lists the tc-path entry's set" grep -q "^$S  *$GT .* r1 r3 " <(mgmdp show)
tc0=$(counter to_tc)
fan0=$(counter tc_fanout)
sink_start 1 "$NS_R1" "$GT" --expect-ttl 15 --expect-smac "$MAC1"
sink_start 3 "$NS_R3" "$GT" --expect-ttl 15 --expect-smac "$MAC3"
check "send 1000 to $GT" send6 -g "$GT" -t 16 -n 1000 -r 5000
tsleep 0.3
sink_stop 1
sink_stop 3
for i in 1 3; do
	check_eq "tc path: receiver $i got every packet" "$(sink_val $i received)" 1000
	check_eq "tc path: receiver $i: hop limit 16 -> 15" "$(sink_val $i bad_ttl)" 0
	check_eq "tc path: receiver $i: source MAC is the router's r$i" "$(sink_val $i bad_smac)" 0
	check_eq "tc path: receiver $i: no duplicates" "$(sink_val $i duplicates)" 0
done
check_ge "to_tc counted them" "$(($(counter to_tc) - tc0))" 1000
check_ge "the tc path made their copies" "$(($(counter tc_fanout) - fan0))" 1000
check "delete ($S, $GT)" mgmdp mfe-del "$S" "$GT"
in_ns "$NS_R3" ethtool -K x0 gro on >/dev/null
check "r3 by xdp again" mgmdp if-refresh r3

# --- 2. never forwarded ---------------------------------------------------
# Watched until the part is done, however long it takes (an emulated
# guest takes minutes): a generous bound, then stopped by SIGTERM, after
# which mgm-dp still prints what the ring holds.
mgmdp events $((60 * TS)) >"$TMP/events" 2>&1 &
EVPID=$!
ev_t0=$SECONDS
BG_PIDS+=($EVPID)
tsleep 0.3

# A link-local group, although an entry names it.
check "install ($S, $GLL) -> r1 r2" mgmdp mfe-set "$S" "$GLL" rs r1 r2
sc0=$(counter pass_scope6)
sink_start 1 "$NS_R1" "$GLL"
sink_start 2 "$NS_R2" "$GLL"
check "send 200 to $GLL" send6 -g "$GLL" -n 200 -r 5000
tsleep 0.3
sink_stop 1
sink_stop 2
check_eq "$GLL: none at receiver 1" "$(sink_val 1 received)" 0
check_eq "$GLL: none at receiver 2" "$(sink_val 2 received)" 0
check_ge "$GLL: passed as scope 2" "$(($(counter pass_scope6) - sc0))" 200
check_eq "$GLL: not counted on the entry" "$(entry_val "$S" "$GLL" packets)" 0

# Hop limit 1.
sink_start 1 "$NS_R1" "$G"
check "send 100 with hop limit 1" send6 -g "$G" -t 1 -n 100 -r 5000
tsleep 0.3
sink_stop 1
check_eq "hop limit 1: none at receiver 1" "$(sink_val 1 received)" 0
check_eq "hop limit 1: counted on the entry" "$(entry_val "$S" "$G" ttl_expired)" 100

# The wrong interface: ($S2, $G) comes in on rs by its entry, and is sent
# by receiver 2's host, so it arrives on r2.
check "install ($S2, $G) from rs -> r1" mgmdp mfe-set "$S2" "$G" rs r1
sink_start 1 "$NS_R1" "$G"
check "send 300 from r2's side" in_ns "$NS_R2" "$BUILD/mcsend" -i x0 -s "$S2" \
	-g "$G" -p 5000 -l "$LEN" -q -n 300 -r 5000
tsleep 0.3
sink_stop 1
check_eq "wrong interface: none at receiver 1" "$(sink_val 1 received)" 0
check_eq "wrong interface: counted on the entry" "$(entry_val "$S2" "$G" wrong_if)" 300

# A miss: no entry for ($S, $G2).
sink_start 1 "$NS_R1" "$G2"
check "send 50 to $G2 (no entry)" send6 -g "$G2" -n 50 -r 1000
tsleep 0.3
sink_stop 1
check_eq "miss: none at receiver 1" "$(sink_val 1 received)" 0

ev_busy=$((SECONDS - ev_t0)) # how long the part it watches took
tsleep 0.3
kill -TERM "$EVPID" 2>/dev/null
wait $EVPID
f0=$FAILED
R2IDX=$(ifindex r2)
RSIDX=$(ifindex rs)
check_eq "one wrong-if event ($S2, $G) on r2" \
	"$(grep -c "^wrong-if $S2 $G ifindex $R2IDX " "$TMP/events")" 1
check_eq "one miss event ($S, $G2) on rs (deduplicated)" \
	"$(grep -c "^miss $S $G2 ifindex $RSIDX " "$TMP/events")" 1
check_eq "no event of the link-local group" "$(grep -c " $GLL " "$TMP/events")" 0
if [ "$FAILED" -ne "$f0" ]; then
	say "the part the events were watched over took ${ev_busy} s; they were:"
	sed 's/^/   events: /' "$TMP/events" >&2
fi

# --- 3. deleted -------------------------------------------------------------
check "delete ($S, $G)" mgmdp mfe-del "$S" "$G"
sink_start 1 "$NS_R1" "$G"
sink_start 2 "$NS_R2" "$G"
check "send 500 after the delete" send6 -g "$G" -n 500 -r 5000
tsleep 0.3
sink_stop 1
sink_stop 2
check_eq "deleted: none at receiver 1" "$(sink_val 1 received)" 0
check_eq "deleted: none at receiver 2" "$(sink_val 2 received)" 0
check "deleted: no counters" test -z "$(mgmdp mfe-counters "$S" "$G" 2>/dev/null)"
mgmdp show >"$TMP/show"
check "deleted: not listed" test -z "$(grep "^$S  *$G " "$TMP/show")"

# --- the IPv4 path alongside -------------------------------------------------
check "install IPv4 ($SOURCE, $GROUP) -> r1" mgmdp mfe-set "$SOURCE" "$GROUP" rs r1
sink_start 1 "$NS_R1" "$GROUP" --expect-ttl 15 --expect-smac "$MAC1"
check "send 500 IPv4" send -n 500 -r 5000
tsleep 0.3
sink_stop 1
check_eq "IPv4 beside IPv6: every packet" "$(sink_val 1 received)" 500
check_eq "IPv4: TTL 16 -> 15" "$(sink_val 1 bad_ttl)" 0

for dev in rs r1 r2 r3; do
	check "detach $dev" mgmdp detach "$dev"
done
summary
