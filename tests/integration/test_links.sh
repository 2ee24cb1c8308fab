#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interfaces that come, go and change under a running mgmd (it follows
# them with rtnetlink), counted at the receivers:
#  1. an outgoing interface deleted and re-created (same name, new
#     ifindex): the others never stop, it receives again;
#  2. the incoming interface deleted and re-created: forwarding resumes;
#  3. a MAC change: every copy from then on carries the new source MAC;
#  4. an interface the configuration names but that is absent at start:
#     a warning, not an error; it is used when it appears;
#  5. a device created with the old ifindex of a deleted configured one
#     (a stranger) receives nothing: after the route is gone, and while
#     a flow that had it in its out-set goes on to the others;
#  6. an MTU lowered below the packets' size: those frames go to the
#     stack (counted), raised again: forwarded again;
#  7. a rename: the old name's routes stop, the name back, they resume;
#  8. a route added with mgmctl follows its interface too.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
G2=239.1.1.2
G3=239.1.1.3
NS_R4=$T-r4
EXTRA_NS+=("$NS_R4")
ip netns add "$NS_R4" && ip -n "$NS_R4" link set lo up

cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r1 r3
mroute from rs group $G2 to r4
EOF

# burst ID... : warm-up (the first packets of a new entry miss), then
# 200 counted by the sinks ID... on $GROUP_B.
burst() {
	send -g "$GROUP_B" -n 5 -r 100 >/dev/null
	sleep 0.3
	for i in "$@"; do sink_start "$i" "$(rcv_ns "$i")" "$GROUP_B" $SINK_ARGS; done
	send -g "$GROUP_B" -n 200 -r 2000
	sleep 0.3
	for i in "$@"; do sink_stop "$i"; done
}
rcv_ns() {
	case $1 in 1) echo "$NS_R1" ;; 2) echo "$NS_R2" ;; 3) echo "$NS_R3" ;; 4) echo "$NS_R4" ;; esac
}
GROUP_B=$GROUP
SINK_ARGS=""

check "mgmd starts though r4 is absent" mgmd_start "$CONF"
check "the absent interface is a warning naming file and line" \
	grep -q "$CONF:3: interface r4 is absent" "$TMP/mgmd.log"
mgmctl -j show interfaces >"$TMP/ifs.json"
check_eq "show interfaces: r4 is absent, ifindex 0" \
	"$(python3 -c 'import json,sys; print([(i["state"], i["ifindex"]) for i in json.load(open(sys.argv[1])) if i["name"] == "r4"])' "$TMP/ifs.json")" \
	"[('absent', 0)]"
check_eq "show interfaces: r1 is attached" \
	"$(python3 -c 'import json,sys; print([i["state"] for i in json.load(open(sys.argv[1])) if i["name"] == "r1"])' "$TMP/ifs.json")" \
	"['attached']"
check "show interfaces: the table has a STATE column" bash -c "nsenter --net=/run/netns/$NS_RTR '$BUILD/mgmctl' -s '$MGMD_SOCK' show interfaces | head -n 1 | grep -q STATE"
burst 1 3
check_eq "baseline: r1 receives" "$(sink_val 1 received)" 200
check_eq "baseline: r3 receives" "$(sink_val 3 received)" 200

# --- 1. an outgoing interface deleted and re-created, under traffic ------------
old3=$(ip -n "$NS_RTR" -o link show r3 | cut -d: -f1)
sink_start 1 "$NS_R1" "$GROUP"
send_bg -n 3000 -r 1000
sleep 0.5
ip -n "$NS_RTR" link del r3
sleep 0.3
check "r3 re-created" veth_rcv 3 "$NS_R3"
new3=$(ip -n "$NS_RTR" -o link show r3 | cut -d: -f1)
check "the new r3 has another ifindex ($old3 -> $new3)" test "$old3" != "$new3"
check "the new r3 gets the forwarder" wait_attached r3
wait "$SENDER"
sleep 0.3
sink_stop 1
check "the removal was logged" grep -q "interface r3 (ifindex $old3) is gone" "$TMP/mgmd.log"
# r1 never stops: at most the first packets of the rebuilt entry missed
# (r3's release deletes the entry; the next packet builds it anew).
check_ge "r1 kept receiving while r3 went and came" "$(sink_val 1 received)" 2990
burst 1 3
check_eq "after re-creation: r3 receives" "$(sink_val 3 received)" 200
check_eq "after re-creation: r1 receives" "$(sink_val 1 received)" 200

# --- 2. the incoming interface deleted and re-created -------------------------
ip -n "$NS_RTR" link del rs
sleep 0.3
ip link add s0 netns "$NS_SRC" type veth peer name rs netns "$NS_RTR"
ip -n "$NS_SRC" addr add 192.0.2.1/24 dev s0
ip -n "$NS_RTR" addr add 192.0.2.254/24 dev rs
ip -n "$NS_SRC" link set s0 up
ip -n "$NS_RTR" link set rs up
ip -n "$NS_SRC" route add default via 192.0.2.254
in_ns "$NS_SRC" ethtool -K s0 gro on >/dev/null
check "the new rs gets the forwarder" wait_attached rs
burst 1 3
check_eq "after the iif came back: r1 receives" "$(sink_val 1 received)" 200
check_eq "after the iif came back: r3 receives" "$(sink_val 3 received)" 200

# --- 3. a MAC change ------------------------------------------------------------
ip -n "$NS_RTR" link set r1 address 02:00:5e:10:20:30
sleep 0.2
SINK_ARGS="--expect-smac 02:00:5e:10:20:30"
burst 1
SINK_ARGS=""
check_eq "after the MAC change: r1 receives" "$(sink_val 1 received)" 200
check_eq "every copy carries the new source MAC" "$(sink_val 1 bad_smac)" 0

# --- 4. an interface that appears after the start -----------------------------
check "r4 created" veth_rcv 4 "$NS_R4"
check "r4 gets the forwarder" wait_attached r4
check "the appearance was logged" grep -q "interface r4 appeared" "$TMP/mgmd.log"
check_eq "show interfaces: r4 is attached now" \
	"$(mgmctl -j show interfaces | python3 -c 'import json,sys; print([i["state"] for i in json.load(sys.stdin) if i["name"] == "r4"])')" \
	"['attached']"
GROUP_B=$G2
burst 4
check_eq "r4, absent at start, receives its route's group" "$(sink_val 4 received)" 200

# --- 5. a stranger with a deleted interface's ifindex --------------------------
idx4=$(ip -n "$NS_RTR" -o link show r4 | cut -d: -f1)
ip -n "$NS_RTR" link del r4
sleep 0.3
ip -n "$NS_RTR" link add zz index "$idx4" type veth peer name x0 netns "$NS_R4"
ip -n "$NS_RTR" link set zz up
ip -n "$NS_R4" link set x0 up
in_ns "$NS_R4" ethtool -K x0 gro on >/dev/null
check_eq "the stranger zz has r4's old ifindex" \
	"$(ip -n "$NS_RTR" -o link show zz | cut -d: -f1)" "$idx4"
burst 4
check_eq "the stranger receives nothing meant for r4" "$(sink_val 4 received)" 0
check "no entry names the old ifindex as an oif" \
	bash -c "! nsenter --net=/run/netns/$NS_RTR '$BUILD/mgm-dp' -r '$PIN' show | grep -qw zz"
ip -n "$NS_RTR" link del zz

# --- 5b. a stranger with the old ifindex of an oif whose flow runs on --------
# r3 shares $GROUP's entry with r1; the entry lives on (r1) while r3 goes
# and a stranger takes its number: not one copy may reach the stranger.
GROUP_B=$GROUP
idx3=$(ip -n "$NS_RTR" -o link show r3 | cut -d: -f1)
sink_start 1 "$NS_R1" "$GROUP"
send_bg -n 4000 -r 2000
sleep 0.5
ip -n "$NS_RTR" link del r3
sleep 0.3
ip -n "$NS_RTR" link add zz index "$idx3" type veth peer name x0 netns "$NS_R3"
ip -n "$NS_RTR" link set zz up
ip -n "$NS_R3" link set x0 up
in_ns "$NS_R3" ethtool -K x0 gro on >/dev/null
check_eq "the stranger zz has r3's old ifindex" \
	"$(ip -n "$NS_RTR" -o link show zz | cut -d: -f1)" "$idx3"
sink_start 3 "$NS_R3" "$GROUP"
wait "$SENDER"
sleep 0.3
sink_stop 1
sink_stop 3
check_eq "the stranger with r3's number gets nothing of the running flow" \
	"$(sink_val 3 received)" 0
check_ge "r1 kept receiving the flow meanwhile" "$(sink_val 1 received)" 3990
check "no entry has the stranger in its out-set" \
	bash -c "! nsenter --net=/run/netns/$NS_RTR '$BUILD/mgm-dp' -r '$PIN' show | grep -qw zz"
ip -n "$NS_RTR" link del zz
check "r3 re-created after the stranger" veth_rcv 3 "$NS_R3"
check "r3 gets the forwarder again" wait_attached r3
burst 1 3
check_eq "the real r3 receives again" "$(sink_val 3 received)" 200

# --- 6. an MTU lowered below the packets' size --------------------------------
GROUP_B=$GROUP
ip -n "$NS_RTR" link set r1 mtu 600
sleep 0.2
big0=$(mgmdp counters | awk '$1 == "too_big" {print $2}')
for i in 1 3; do sink_start "$i" "$(rcv_ns "$i")" "$GROUP"; done
send -n 100 -r 1000 -l 1000
sleep 0.3
for i in 1 3; do sink_stop "$i"; done
big1=$(mgmdp counters | awk '$1 == "too_big" {print $2}')
check_eq "MTU 600: no 1000-byte copy through XDP to r1" "$(sink_val 1 received)" 0
check_ge "MTU 600: the frames went to the stack, counted too_big" $((big1 - big0)) 100
ip -n "$NS_RTR" link set r1 mtu 1500
sleep 0.2
for i in 1 3; do sink_start "$i" "$(rcv_ns "$i")" "$GROUP"; done
send -n 100 -r 1000 -l 1000
sleep 0.3
for i in 1 3; do sink_stop "$i"; done
check_eq "MTU back to 1500: r1 receives the 1000-byte packets" "$(sink_val 1 received)" 100
check_eq "MTU back to 1500: r3 receives them" "$(sink_val 3 received)" 100

# --- 7. a rename -----------------------------------------------------------------
GROUP_B=$GROUP
ip -n "$NS_RTR" link set r3 down
ip -n "$NS_RTR" link set r3 name r3x
ip -n "$NS_RTR" link set r3x up
sleep 0.3
burst 1 3
check_eq "renamed away: r3x gets nothing of r3's route" "$(sink_val 3 received)" 0
check_eq "renamed away: r1 still receives" "$(sink_val 1 received)" 200
ip -n "$NS_RTR" link set r3x down
ip -n "$NS_RTR" link set r3x name r3
ip -n "$NS_RTR" link set r3 up
check "renamed back: r3 gets the forwarder" wait_attached r3
sleep 0.3
burst 1 3
check_eq "renamed back: r3 receives again" "$(sink_val 3 received)" 200

# --- 8. a route added with mgmctl follows its interface ------------------------
check "mgmctl add route to r2" mgmctl add route from rs group $G3 to r2 >/dev/null
ip -n "$NS_RTR" link del r2
sleep 0.3
check "r2 re-created" veth_rcv 2 "$NS_R2"
check "the new r2 gets the forwarder" wait_attached r2
GROUP_B=$G3
burst 2
check_eq "the mgmctl route reaches the re-created r2" "$(sink_val 2 received)" 200

check "mgmd is still running" kill -0 "$MGMD_PID"
mgmd_stop
summary
