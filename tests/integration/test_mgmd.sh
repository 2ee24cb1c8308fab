#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd with real packets: static routes from its configuration, SIGHUP
# reloads that apply only the difference, a bad reload that changes
# nothing, a --keep-forwarding restart under traffic that loses no packet,
# and SIGTERM's shutdown (the seed for every protocol, then detach).
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf

# --- a bad configuration at start-up ----------------------------------------
cat >"$CONF" <<EOF
phyint rs
mroute from rs group 198.51.100.7 to r1 r9
EOF
timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" -s "$MGMD_SOCK" \
	--pin-root "$PIN" 2>"$TMP/bad.err"
check "bad config at start-up exits non-zero" test $? -ne 0
check "the error names file, line and problem" \
	grep -q "$CONF:2: 198.51.100.7 is not a multicast group" "$TMP/bad.err"
check "nothing attached by a refused start" test -z "$(ip -n "$NS_RTR" link show rs | grep prog/xdp)"

# --- mirror-kernel where the kernel has no multicast routing ---------------
# Treated as absent (MGM_NO_FEATURES) so that this runs on every kernel;
# on a kernel really without it, the words name the kernel option.  Both
# families: with one of ipmr and ip6mr, mirror-kernel mirrors that one
# (test_kmirror6 checks that), with neither it is refused.
cat >"$CONF" <<EOF
phyint rs
mirror-kernel
EOF
MGM_NO_FEATURES="ipmr ip6mr" timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" \
	-s "$MGMD_SOCK" --pin-root "$PIN" 2>"$TMP/bad.err"
check "mirror-kernel without ipmr and ip6mr: start refused" test $? -ne 0
check "the error names file, line and the missing features" \
	grep -q "$CONF:2: mirror-kernel: IPv4 multicast routing treated as absent (MGM_NO_FEATURES); IPv6 multicast routing treated as absent" "$TMP/bad.err"
if ! feature ipmr && ! feature ip6mr; then
	timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" \
		-s "$MGMD_SOCK" --pin-root "$PIN" 2>"$TMP/bad.err"
	check "this kernel: the error names CONFIG_IP_MROUTE" \
		grep -q "$CONF:2: mirror-kernel: this kernel has no IPv4 multicast routing (CONFIG_IP_MROUTE); this kernel has no IPv6 multicast routing (CONFIG_IPV6_MROUTE)" "$TMP/bad.err"
fi
cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r1
EOF
MGM_NO_FEATURES="ipmr ip6mr" check "mgmd starts (ipmr, ip6mr treated as absent)" mgmd_start "$CONF"
echo "mirror-kernel" >>"$CONF"
kill -HUP "$MGMD_PID"
sleep 0.5
check "a reload adding mirror-kernel is refused, naming file and line" \
	grep -q "reload refused, running state kept: $CONF:3: mirror-kernel: IPv4 multicast routing treated as absent" "$TMP/mgmd.log"
check "first packets (the miss creates the entry)" send -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
check "send 300" send -n 300 -r 3000
sleep 0.3
sink_stop 1
check_eq "the route still forwards after the refused reload" "$(sink_val 1 received)" 300
mgmd_stop
check "no forwarder left attached" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"

# --- static routes from the configuration -------------------------------------
cat >"$CONF" <<EOF
# the source is behind rs
phyint rs ttl-threshold 1
mroute from rs group $GROUP to r1 r2
EOF
check "mgmd starts" mgmd_start "$CONF"
# A new flow's first packets reach the kernel (the miss that creates the
# entry) until the entry is installed, a fraction of a millisecond on an
# idle machine, more on a busy one: a few packets first, then every one.
check "first packets (the miss creates the entry)" send -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 3 "$NS_R3" "$GROUP"
check "send 1000" send -n 1000 -r 5000
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "r1 receives from the config route" "$(sink_val 1 received)" 1000
check_eq "r2 receives from the config route" "$(sink_val 2 received)" 1000
check_eq "r3 is not in the route" "$(sink_val 3 received)" 0
check_eq "TTL decremented on the way" "$(sink_val 1 bad_ttl)" 0

# --- SIGHUP: r2 out, r3 in ---------------------------------------------------------
cat >"$CONF" <<EOF
phyint rs ttl-threshold 1
mroute from rs group $GROUP to r1 r3
EOF
kill -HUP "$MGMD_PID"
sleep 0.5
check "reload logged" grep -q "configuration reloaded" "$TMP/mgmd.log"
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 3 "$NS_R3" "$GROUP"
check "send 1000" send -n 1000 -r 5000
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "r1 unchanged by the reload: every packet" "$(sink_val 1 received)" 1000
check_eq "r2 left the route" "$(sink_val 2 received)" 0
check_eq "r3 joined the route (existing entry updated)" "$(sink_val 3 received)" 1000

# --- a bad reload is refused whole, forwarding intact ----------------------------
cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r2
mroute from rs group 10.0.0.1 to r2
EOF
kill -HUP "$MGMD_PID"
sleep 0.5
check "bad reload refused, naming file and line" \
	grep -q "reload refused.*$CONF:3: 10.0.0.1 is not a multicast group" "$TMP/mgmd.log"
check "mgmd still running" kill -0 "$MGMD_PID"
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 3 "$NS_R3" "$GROUP"
check "send 1000" send -n 1000 -r 5000
sleep 0.3
for i in 1 2 3; do sink_stop $i; done
check_eq "r1 still receives after the bad reload" "$(sink_val 1 received)" 1000
check_eq "r3 still receives after the bad reload" "$(sink_val 3 received)" 1000
check_eq "the half-applied file did not add r2" "$(sink_val 2 received)" 0

# --- --keep-forwarding: a restart under traffic loses nothing -----------------------
cat >"$CONF" <<EOF
phyint rs ttl-threshold 1
mroute from rs group $GROUP to r1 r3
EOF
mgmd_stop TERM
check "back to a good config" mgmd_start "$CONF" --keep-forwarding
# A flow's first packet is the miss that creates its entry: prime it.
send -n 5 -r 1000
sleep 0.2
sink_start 1 "$NS_R1" "$GROUP"
sink_start 3 "$NS_R3" "$GROUP"
send_bg -n 30000 -r 10000
sleep 1
mgmd_stop TERM
check "fast path left forwarding on SIGTERM" grep -q "fast path left forwarding" "$TMP/mgmd.log"
check "still attached while no mgmd runs" test -n "$(ip -n "$NS_RTR" link show rs | grep prog/xdp)"
sleep 0.5
check "mgmd restarts" mgmd_start "$CONF" --keep-forwarding
wait $SENDER
sleep 0.3
sink_stop 1
sink_stop 3
check "restart adopted the entries" grep -q "reconciled 1 entries" "$TMP/mgmd.log"
check_eq "r1 lost no packet across the restart" "$(sink_val 1 received)" 30000
check_eq "r3 lost no packet across the restart" "$(sink_val 3 received)" 30000
check_eq "no duplicates" "$(sink_val 1 duplicates)" 0
gaps() {
	awk '{print $1}' "$TMP/sink$1.seq" | sort -n |
		awk 'NR > 1 && $1 != p + 1 {printf "%d-%d ", p + 1, $1 - 1} {p = $1}'
}
[ "$(sink_val 1 received)" = 30000 ] || say "r1 missed: $(gaps 1)"

# The adopted entry is MGM's again: a reload still updates it.
cat >"$CONF" <<EOF
phyint rs ttl-threshold 1
mroute from rs group $GROUP to r1
EOF
kill -HUP "$MGMD_PID"
sleep 0.5
sink_start 3 "$NS_R3" "$GROUP"
check "send 500" send -n 500 -r 5000
sleep 0.3
sink_stop 3
check_eq "reload after adoption removed r3" "$(sink_val 3 received)" 0

# --- SIGINT (and SIGTERM without --keep-forwarding): the seed, then detach ----
mgmd_stop INT
mgmdp show >"$TMP/show" 2>&1
check "no entry left after the shutdown" test -z "$(grep "$GROUP" "$TMP/show")"
check "detached after the shutdown" test -z "$(ip -n "$NS_RTR" link show rs | grep prog/xdp)"
summary
