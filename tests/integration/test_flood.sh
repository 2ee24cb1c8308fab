#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A flood from spoofed sources against mgmd (issue 15 item 6): packets to
# a group nobody wants, each from another source (mcsend --spoof), while
# a legitimate static route forwards.
#
#  1. bad "mfe" settings are refused at start-up naming file and line;
#  2. the table stays bounded: one interface holds at most
#     negative-per-interface negative MFEs, the rest are refused and
#     counted, and a legitimate flow set up during the flood is forwarded
#     (every packet counted at its receiver);
#  3. once the flood stops, the negative MFEs are gone after their own
#     lifetime (negative-timeout), the legitimate one stays;
#  4. with "mfe max" reached by negative MFEs, a legitimate new flow
#     evicts one and is forwarded; the evictions are counted.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
FLOOD_GROUP=239.9.9.9
CAP=40
NEG_TIMEOUT=2


flood_bg() {
	ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -g "$FLOOD_GROUP" -p 5000 -t 16 -q \
		--spoof 203.0.113.0/24 "$@" &
	FLOOD=$!
	BG_PIDS+=($FLOOD)
}

# --- 1. bad settings -----------------------------------------------------------
for bad in "negative-timeout 0" "negative-per-interface -3" "max lots" "negative-lifetime 5"; do
	printf 'phyint rs\nmfe %s\n' "$bad" >"$CONF"
	timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" \
		-s "$MGMD_SOCK" --pin-root "$PIN" 2>"$TMP/bad.err"
	check "'mfe $bad' refused at start-up" test $? -ne 0
	check "'mfe $bad': the error names file and line" grep -q "$CONF:2: " "$TMP/bad.err"
done
check "nothing attached by a refused start" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"

# --- 2. the flood, bounded; a legitimate flow forwarded --------------------------
cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r1
mfe negative-timeout $NEG_TIMEOUT
mfe negative-per-interface $CAP
EOF
check "mgmd starts" mgmd_start "$CONF"
# 254 sources, each about 12 times a second: every one would be an MFE.
flood_bg -r 3000 -d 30
sleep 1.5
neg=$(stat_of mfes_negative)
check_eq "negative MFEs held: the cap" "$neg" "$CAP"
check_ge "the rest refused and counted" "$(stat_of negative_refused)" 1
check "fast path bounded during the flood" test "$(stat_of mfes)" -le "$CAP"
# The legitimate flow: its first packets make the entry, then all count.
check "first packets of the legitimate flow" send -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
check "send 500 during the flood" send -n 500 -r 2000
sleep 0.3
sink_stop 1
check_eq "legitimate flow forwarded during the flood: every packet" "$(sink_val 1 received)" 500
check "fast path still bounded" test "$(stat_of mfes)" -le $((CAP + 1))
check_eq "still the cap" "$(stat_of mfes_negative)" "$CAP"
mgmctl -j show mfe >"$TMP/mfe.json"
check "a flood entry has the short timeout" \
	grep -q "\"group\": *\"$FLOOD_GROUP\"[^}]*\"timeout\": *$NEG_TIMEOUT\b" "$TMP/mfe.json"

# --- 3. after the flood: negative MFEs expire, the wanted one stays -------------
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
# Lifetime + the scan's second + slack.
sleep $((NEG_TIMEOUT + 2))
check_eq "negative MFEs gone after their lifetime" "$(stat_of mfes_negative)" 0
check_eq "the legitimate MFE stays" "$(stat_of mfes)" 1
check_ge "expired counted" "$(stat_of mfes_expired)" "$CAP"
mgmd_stop

# --- 4. a full table evicts negative MFEs for a wanted flow ----------------------
cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r1
mfe negative-timeout 30
mfe max 20
EOF
check "mgmd starts with mfe max 20" mgmd_start "$CONF"
flood_bg -r 3000 -d 30
sleep 1.5
check_eq "table full of negative MFEs" "$(stat_of mfes)" 20
check "first packets of the legitimate flow" send -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
check "send 500" send -n 500 -r 2000
sleep 0.3
sink_stop 1
check_eq "wanted flow forwarded from a full table" "$(sink_val 1 received)" 500
check_ge "evictions counted" "$(stat_of mfes_evicted)" 1
check_eq "no wanted flow refused" "$(stat_of mfes_refused)" 0
check_eq "table still at its max" "$(stat_of mfes)" 20
kill "$FLOOD" 2>/dev/null
wait "$FLOOD" 2>/dev/null
check "mgmd still running" kill -0 "$MGMD_PID"
mgmd_stop

summary
