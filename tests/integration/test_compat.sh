#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A routing protocol written only against the Windows RRAS MGM
# documentation (tests/compat/rras_proto.c: #include <mgm.h>, Win32
# names, built with nothing but include/mgm/compat on the include path)
# runs against mgmd on the real fast path, under traffic:
#
#  1. startup: register (twice: ERROR_ALREADY_EXISTS), take rs, r1, r2
#     (again: ERROR_ALREADY_EXISTS), MgmGetProtocolOnInterface, (*,G)
#     joins on r1 and r2, both group enumerations;
#  2. the first packets: its RPF callback (with the IPv4 header) and
#     creation alert, then MgmGetMfe (and its too-small buffer),
#     MgmGetFirstMfe/NextMfe, MgmGetMfeStats(MGM_MFE_STATS_1), MgmSetMfe;
#     r1 and r2 receive, r3 (not joined) does not;
#  3. MgmDeleteGroupMembershipEntry on r2: r2 stops, r1 goes on;
#  4. the shutdown: deregistering while owning interfaces is refused,
#     the three releases, deregister, the dead handle refused; nothing is
#     forwarded any more.
. "$(dirname "$0")/lib.sh"
require_root

PROTO=$BUILD/tests/rras_proto
[ -x "$PROTO" ] || { fail "$PROTO is built (make)"; summary; exit 1; }

topo_std || { fail "topology"; summary; exit 1; }
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1
phyint r2
phyint r3
EOF
mgmd_start "$TMP/mgmd.conf" -v || { fail "mgmd starts"; summary; exit 1; }

D=$TMP/rras
mkdir -p "$D"
# val NAME: the value the protocol printed for NAME.
val() { awk -v k="$1" '$1 == k {print $2; exit}' "$TMP/rras.out"; }
expect() { check_eq "$1 = $2" "$(val "$1")" "$2"; }

nsenter --net="/run/netns/$NS_RTR" env MGM_SOCKET="$MGMD_SOCK" MGM_NAME=rras \
	"$PROTO" rs r1 r2 "$SOURCE" "$GROUP" "$D" >"$TMP/rras.out" 2>"$TMP/rras.err" &
RRAS=$!
BG_PIDS+=($RRAS)

# --- 1. startup ------------------------------------------------------------------
wait_file "$D/setup.ready" 10 || { fail "the protocol starts up"; cat "$TMP/rras.err" >&2; }
expect register 0
expect register_again 183 # ERROR_ALREADY_EXISTS
expect take_iif 0
expect take_oif1 0
expect take_oif2 0
expect take_again 183
expect owner 0
expect owner_ids 1
expect join_oif1 0
expect join_oif2 0
expect groups_all 1
expect groups_any 1
check "mgmctl lists the protocol as remote:rras" mgmctl show protocols
mgmctl show protocols >"$TMP/protos.txt" 2>&1
check "its protocol ID is shown" grep -qiE '41370014|1094123540' "$TMP/protos.txt"

# --- 2. traffic: the MFE ---------------------------------------------------------
for i in 1 2 3; do sink_start $i "$(rcv_ns $i)" "$GROUP" || fail "receiver $i"; done
send_bg -r 200 -d 30
touch "$D/traffic"
wait_file "$D/mfe.ready" 15 || fail "the MFE phase ends"
expect get_mfe 0
expect rpf_header ok
expect rpf_iif 1
expect mfe_iif 1
expect mfe_iif_protocol 1
expect mfe_oifs 2
check_ge "its RPF callback ran" "$(val rpf_calls)" 1
check_ge "its creation alert ran" "$(val creation_calls)" 1
expect creation_oifs 2
check_eq "a too-small buffer: ERROR_INSUFFICIENT_BUFFER and SIZEOF_MIB_MFE(2)" \
	"$(awk '$1 == "get_mfe_small" {print $2, $3}' "$TMP/rras.out")" "122 1"
expect enum_found 1
expect enum_total_ge1 1
expect get_mfe_stats 0
expect stats_in_pkts_gt0 1
expect stats_oifs 2
check_eq "both oifs counted packets" \
	"$(awk '$1 == "stats_oif_out_gt0" && $2 == 1' "$TMP/rras.out" | wc -l)" 2
expect set_mfe 0
expect upstream_set 1
sleep 0.5
touch "$D/prune"

# --- 3. prune r2 -----------------------------------------------------------------
wait_file "$D/prune.ready" 10 || fail "the prune phase ends"
expect leave_oif2 0
sleep 0.5
touch "$D/stop"

# --- 4. shutdown -----------------------------------------------------------------
wait_file "$D/stop.ready" 10 || fail "the shutdown ends"
sleep 0.5
kill "$SENDER" 2>/dev/null
wait "$SENDER" 2>/dev/null
wait "$RRAS"
check_eq "the protocol exits 0" "$?" 0
for i in 1 2 3; do sink_stop $i; done
check_eq "deregistering while owning interfaces: ERROR_CAN_NOT_COMPLETE" \
	"$(val deregister_owning)" 1003
expect release_iif 0
expect release_oif1 0
expect release_oif2 0
expect deregister 0
expect deregister_again 87 # ERROR_INVALID_PARAMETER
expect take_dead 87
check_eq "nobody owns r1 afterwards: ERROR_NOT_FOUND" "$(val owner_after)" 1168

# Judge packets by the time they were sent (see platform-notes: veth
# rings can hold frames), against the protocol's own clock readings
# (CLOCK_MONOTONIC, as mcsend's stamps) taken when each call returned.
T_PRUNE=$(val t_pruned)
T_DONE=$(val t_released)
sent_between() { awk -v a="$2" -v b="$3" '$2 > a && $2 < b' "$TMP/sink$1.seq" | wc -l; }
check_ge "r1 received the flow while joined" "$(sent_between 1 0 "$T_DONE")" 100
check_ge "r2 received the flow while joined" "$(sent_between 2 0 "$T_PRUNE")" 50
check_eq "r3 (never joined) received nothing" "$(wc -l <"$TMP/sink3.seq")" 0
check_eq "r2 received nothing sent after its membership was deleted" \
	"$(sent_between 2 "$T_PRUNE" 1e30)" 0
check_eq "r1 received nothing sent after the shutdown" \
	"$(sent_between 1 "$T_DONE" 1e30)" 0
check "mgmd is still up" kill -0 "$MGMD_PID"
mgmctl show protocols >"$TMP/protos.txt" 2>&1
check "the protocol is gone from mgmd" bash -c "! grep -q rras '$TMP/protos.txt'"

summary
