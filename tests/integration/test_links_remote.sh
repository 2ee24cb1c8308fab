#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interfaces that go and come under external protocols (mgm-remote on
# libmgmclient), with traffic counted at the receivers:
#  1. alpha has P (owns rs, r1, r2; members on r1 and r2) and an IGMP
#     protocol I that also runs on r1.  r1 is deleted under traffic: mgmd
#     releases it on P's behalf the seed's way -- I is told disable_igmp,
#     then enable_igmp, around it --, then I's own; both are told
#     (EV_IF_GONE), its entries no longer name r1, nobody owns the old
#     ifindex (owner query, mgmctl), and r2 never stops.
#  2. a stranger created with r1's old ifindex receives nothing, and is
#     not announced to anyone (another name).
#  3. r1 comes back: P and I are told (EV_IF_APPEARED, new and old
#     ifindex); P takes it back (mgm-remote's "retake") and joins again,
#     and r1 receives again.  mgmd did not take it on its own.
#  4. beta is a client without the handler (as an older one): its r3 is
#     deleted, mgmd releases it all the same, and beta goes on working.
#  5. link events lost: mgmd is stopped while a burst of links overruns
#     its rtnetlink socket and ry (P's, not in the configuration) is
#     deleted; on the overrun mgmd looks again and releases ry for P.
#  6. SIGTERM: alpha releases what it owns now, never the gone ifindex.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
G2=239.2.2.2
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1
phyint r2
phyint r3
EOF
mgmd_start "$TMP/mgmd.conf" -v || { fail "mgmd starts"; summary; exit 1; }

# wait_log ID PATTERN [SEC]: until $TMP/ID.log has a line matching PATTERN.
wait_log() {
	local n=0 max=$((${3:-10} * 20))
	while ! grep -qE "$2" "$TMP/$1.log" && [ $n -lt $max ]; do
		sleep 0.05
		n=$((n + 1))
	done
	grep -qE "$2" "$TMP/$1.log"
}
# ln_of ID PATTERN: line number of the first match (0 if none).
ln_of() { grep -n -m1 -E "$2" "$TMP/$1.log" | cut -d: -f1 | grep . || echo 0; }
# proto_ifs NAME: MGM's count of interfaces of protocol NAME (mgmctl).
proto_ifs() {
	mgmctl -j show protocols | python3 -c "
import json, sys
print([p['interfaces'] for p in json.load(sys.stdin) if p['name'] == sys.argv[1]])" "$1"
}
# if_owner IFINDEX: the owner mgmctl shows for the interface ('' if no row).
if_owner() {
	mgmctl -j show interfaces | python3 -c "
import json, sys
print(''.join(i['owner'] for i in json.load(sys.stdin) if i['ifindex'] == int(sys.argv[1])))" "$1"
}

# ry: a device only P uses (mgmd's configuration does not name it).
ip -n "$NS_RTR" link add ry type veth peer name ry-peer
ip -n "$NS_RTR" link set ry up
old1=$(ifindex r1)
old3=$(ifindex r3)
oldy=$(ifindex ry)

# --- alpha: P and I, a client with the interface handler ------------------------
cat >"$TMP/a.script" <<EOF
proto P 1000 1
proto I igmp 2
retake P
take P rs
take P r1
take P r2
take P ry
take I r1
join P r1 $GROUP
join P r2 $GROUP
touch $TMP/a.ready
wait $TMP/a.gone 30
owner $old1
mfe
touch $TMP/a.checked
wait $TMP/a.back 30
join P r1 $GROUP
touch $TMP/a.joined
wait $TMP/never 60
EOF
remote_start a alpha "$TMP/a.script"
# --- beta: Q on r3, a client without the handler (-O) ----------------------------
cat >"$TMP/b.script" <<EOF
proto Q 2000 1
take Q r3
join Q r3 $G2
touch $TMP/b.ready
wait $TMP/b.go 30
owner rs
touch $TMP/b.done
wait $TMP/never 60
EOF
nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgm-remote" -s "$MGMD_SOCK" -n beta -O \
	"$TMP/b.script" >"$TMP/b.log" 2>"$TMP/b.err" &
RPID[b]=$!
BG_PIDS+=($!)
check "alpha ready" wait_file "$TMP/a.ready"
check "beta ready" wait_file "$TMP/b.ready"
check "alpha: mgmd announces interface events (features bit 0x1)" has a "connected, callback timeout [0-9]+ ms, features 0x[0-9a-f]*[13579bdf]\b"
check "alpha: I registered as IGMP beside mgmd's" has a "I register -> NO_ERROR"
check "alpha: I runs on r1 beside P" has a "I take r1 -> NO_ERROR"
check_eq "mgmctl: alpha's P owns 4 interfaces" "$(proto_ifs remote:alpha)" "[4]"

# --- 1. r1 deleted under traffic ---------------------------------------------------
sink_start 2 "$NS_R2" "$GROUP"
send_bg -n 8000 -r 2000
sleep 0.8
ip -n "$NS_RTR" link del r1
check "P told: r1 gone, released on its behalf" \
	wait_log a "cb P if_gone r1 ifindex $old1 nexthop 0.0.0.0 released NO_ERROR"
check "I told too, its own run there released" \
	wait_log a "cb I if_gone r1 ifindex $old1 nexthop 0.0.0.0 released NO_ERROR"
touch "$TMP/a.gone"
check "alpha looked at the entries" wait_file "$TMP/a.checked"
wait "$SENDER"
sleep 0.3
sink_stop 2
l_dis=$(ln_of a "cb I disable_igmp if (r1|if$old1)$")
l_en=$(ln_of a "cb I enable_igmp if (r1|if$old1)$")
l_gone=$(ln_of a "cb P if_gone r1")
l_igone=$(ln_of a "cb I if_gone r1")
check "the seed: IGMP disabled before the release is announced ($l_dis < $l_gone)" \
	test "$l_dis" -gt 0 -a "$l_dis" -lt "$l_gone"
check "the seed: IGMP re-enabled after it was disabled ($l_dis < $l_en < $l_gone)" \
	test "$l_en" -gt "$l_dis" -a "$l_en" -lt "$l_gone"
check "owners first, then IGMP ($l_gone < $l_igone)" test "$l_gone" -lt "$l_igone"
check "nobody owns the old ifindex (MgmGetProtocolOnInterface)" has a "owner if$old1 -> ERROR_NOT_FOUND"
check "the entry rebuilt without r1: oifs r2 only" has a "mfe $SOURCE $GROUP iif rs oifs r2 upstream"
check "no entry names the old ifindex" test -z "$(grep -E "^[0-9]+ mfe .*if$old1( |$)" "$TMP/a.log")"
check_eq "mgmctl: P owns 3 interfaces now" "$(proto_ifs remote:alpha)" "[3]"
check_eq "mgmctl: no interface row owns the old ifindex" "$(if_owner "$old1")" ""
check "mgmd logged the release on P's behalf" \
	grep -q "remote:alpha: interface r1 (ifindex $old1) is gone: released on its behalf: NO_ERROR" "$TMP/mgmd.log"
# The release deletes the shared entry; the next packet rebuilds it (RPF
# and creation alert answered by alpha): a gap of a few ms, not a stop.
gap=$(sink_seqs 2 | sort -n | awk 'NR > 1 && $1 - p - 1 > m {m = $1 - p - 1} {p = $1} END {print m + 0}')
check "r2 never stopped while r1 went (largest gap $gap packets, < 50 ms at 2000 pps)" \
	test "$gap" -lt 100
check_ge "r2 received nearly every packet" "$(sink_val 2 received)" 7900

# --- 2. a stranger with r1's old ifindex -----------------------------------------------
ip -n "$NS_RTR" link add zz index "$old1" type veth peer name x0 netns "$NS_R1"
ip -n "$NS_RTR" link set zz up
ip -n "$NS_R1" link set x0 up
in_ns "$NS_R1" ethtool -K x0 gro on >/dev/null
check_eq "the stranger zz has r1's old ifindex" "$(ifindex zz)" "$old1"
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
send -n 500 -r 2000
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "the stranger receives nothing meant for r1" "$(sink_val 1 received)" 0
check_ge "r2 receives meanwhile" "$(sink_val 2 received)" 495
check "the stranger is announced to nobody" test -z "$(grep if_appeared "$TMP/a.log")"
o=$(if_owner "$old1")
check "mgmctl: the stranger has no owner (${o:-no row})" test -z "$o" -o "$o" = "-"
ip -n "$NS_RTR" link del zz

# --- 3. r1 comes back ----------------------------------------------------------------
check "r1 re-created" veth_rcv 1 "$NS_R1"
new1=$(ifindex r1)
check "P told: r1 appeared (new and old ifindex)" \
	wait_log a "cb P if_appeared r1 ifindex $new1 was $old1"
check "I told too" wait_log a "cb I if_appeared r1 ifindex $new1 was $old1"
check "P took it back" wait_log a "P retake r1 -> NO_ERROR"
check "I did not ask: mgmd took nothing for it" test -z "$(grep 'I retake' "$TMP/a.log")"
touch "$TMP/a.back"
check "P joined again on the new r1" wait_file "$TMP/a.joined"
check "the new r1 gets the forwarder" wait_attached r1
check_eq "mgmctl: the new r1 is P's" "$(if_owner "$new1")" "remote:alpha"
send -n 5 -r 100 >/dev/null
sleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
send -n 500 -r 2000
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "the re-created r1 receives again" "$(sink_val 1 received)" 500
check_eq "r2 too" "$(sink_val 2 received)" 500

# --- 4. beta, a client without the handler ---------------------------------------------
ip -n "$NS_RTR" link del r3
n=0
while ! grep -q "remote:beta: interface r3 (ifindex $old3) is gone" "$TMP/mgmd.log" && [ $n -lt 100 ]; do
	sleep 0.05
	n=$((n + 1))
done
check "mgmd released r3 on beta's behalf" \
	grep -q "remote:beta: interface r3 (ifindex $old3) is gone: released on its behalf: NO_ERROR" "$TMP/mgmd.log"
check_eq "mgmctl: beta's Q owns nothing now" "$(proto_ifs remote:beta)" "[0]"
touch "$TMP/b.go"
check "beta goes on" wait_file "$TMP/b.done"
check "beta printed no event (no handler)" test -z "$(grep -E 'if_gone|if_appeared' "$TMP/b.log")"
check "beta is served after the event" has b "owner rs -> NO_ERROR 0x000003e8 1"
check "mgmctl: beta still connected" bash -c "nsenter --net=/run/netns/$NS_RTR '$BUILD/mgmctl' -s '$MGMD_SOCK' -j show remotes | grep -qE '\"name\": ?\"remote:beta\".*\"connected\": ?true'"
check "beta's connection is alive" kill -0 "${RPID[b]}"

# --- 5. link events lost -----------------------------------------------------------------
kill -STOP "$MGMD_PID"
for i in $(seq 1 300); do echo "link add lz$i type veth peer name lz$i-p"; done >"$TMP/burst"
ip -n "$NS_RTR" -batch "$TMP/burst"
ip -n "$NS_RTR" link del ry
for i in $(seq 301 400); do echo "link add lz$i type veth peer name lz$i-p"; done >"$TMP/burst"
ip -n "$NS_RTR" -batch "$TMP/burst"
kill -CONT "$MGMD_PID"
check "mgmd saw the overrun" wait_log mgmd "events lost" 10
check "P told: ry gone (found by looking again)" \
	wait_log a "cb P if_gone ry ifindex $oldy nexthop 0.0.0.0 released NO_ERROR"
check "mgmd released ry for P" \
	grep -q "remote:alpha: interface ry (ifindex $oldy) is gone: released on its behalf: NO_ERROR" "$TMP/mgmd.log"
check_eq "mgmctl: P owns 3 interfaces (rs, r1, r2)" "$(proto_ifs remote:alpha)" "[3]"
for i in $(seq 1 400); do echo "link del lz$i"; done >"$TMP/burst"
ip -n "$NS_RTR" -batch "$TMP/burst"

# --- 6. SIGTERM: alpha releases what it owns now ---------------------------------------
kill -TERM "${RPID[a]}"
wait "${RPID[a]}"
check "alpha released rs, r1 (the new one) and r2" \
	test "$(grep -cE 'P release r[s12] -> NO_ERROR' "$TMP/a.log")" -eq 3
check "... and never the gone ifindex" test -z "$(grep -E "release if$old1|release .* -> ERROR" "$TMP/a.log")"
check "mgmd is still running" kill -0 "$MGMD_PID"
check "no error in mgmd's log" test -z "$(grep -E ' error: ' "$TMP/mgmd.log")"
mgmd_stop
[ -n "${V:-}" ] && cat "$TMP/a.log" "$TMP/b.log" "$TMP/mgmd.log" >&2
summary
