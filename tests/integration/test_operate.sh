#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Operating mgmd: `mgmd -t` on good and bad configurations (exit status,
# FILE:LINE messages, nothing changed), `mgmctl reload` (the changes it
# prints, a bad file refused with the state kept, traffic following the
# new routes), and `mgmctl unpin` (refused while mgmd runs; an upgrade to
# another map layout: the ABI refusal names it, it detaches forwarders
# left by --keep-forwarding and removes the pins, and forwarding is back
# once the next mgmd runs; the gap is measured).
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf

# mgmd -t in the router's namespace: status, stdout and stderr kept.
check_conf() {
	in_rtr "$BUILD/mgmd" -t -f "$CONF" >"$TMP/t.out" 2>"$TMP/t.err"
}

# --- a service's open-files limit ---------------------------------------------------
# systemd starts services with a soft limit of 1024 open files (the unit
# sets none): the out-set pool's 4096 devmaps are made in batches, never
# all open at once.
check "the maps are created under 'ulimit -n 1024'" \
	bash -c "ulimit -n 1024 && nsenter --net=/run/netns/$NS_RTR $BUILD/mgm-dp -r $PIN-nofile init >/dev/null"
rm -rf "$PIN-nofile"

# --- mgmd -t: a good file, with an absent interface -----------------------------
cat >"$CONF" <<EOF
# comment
phyint rs ttl-threshold 1
phyint r3 igmp v2
mroute from rs group $GROUP to r1 r9
igmp query-interval 30
EOF
check_conf
check_eq "-t: a good file exits 0" "$?" 0
check "-t: says the file is good" grep -q "$CONF: configuration OK (phyints 2, routes 1, warnings 1)" "$TMP/t.out"
check "-t: an absent interface is a warning with file:line" \
	grep -q "$CONF:4: warning: interface r9 is absent" "$TMP/t.err"
in_rtr "$BUILD/mgmd" --check-config -f "$CONF" >/dev/null 2>&1
check_eq "--check-config is -t" "$?" 0
check "-t: nothing pinned" test ! -e "$PIN"
check "-t: nothing attached" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
check "-t: no socket made" test ! -e "$MGMD_SOCK"

# --- mgmd -t: bad files, each named by file and line ------------------------------
bad() {
	local line=$1 msg=$2
	check_conf
	check_eq "-t: bad ($msg) exits 1" "$?" 1
	check "-t: '$CONF:$line: $msg'" grep -qF "$CONF:$line: $msg" "$TMP/t.err"
	check_eq "-t: bad ($msg): nothing on stdout" "$(cat "$TMP/t.out")" ""
}
printf 'phyint rs\nphyint r1\nmroute from rs group 198.51.100.7 to r1\n' >"$CONF"
bad 3 "198.51.100.7 is not a multicast group"
printf 'phyint rs\nfrobnicate\n' >"$CONF"
bad 2 "unknown statement 'frobnicate'"
printf 'mroute from rs group %s to r1\n\nmroute from rs group %s to r2\n' "$GROUP" "$GROUP" >"$CONF"
bad 3 "same route as line 1"
printf 'phyint rs ttl-threshold 300\n' >"$CONF"
bad 1 "'ttl-threshold' needs 0..255"
printf 'phyint rs\nsocket-group no-such-group-%s\n' "$$" >"$CONF"
bad 2 "unknown socket group 'no-such-group-$$'"
# An interface that is there but cannot be served (not Ethernet).
printf 'phyint rs\nmroute from rs group %s to r1 lo\n' "$GROUP" >"$CONF"
bad 2 "interface lo cannot be served: not an Ethernet device"
nsenter --net="/run/netns/$NS_RTR" "$MGMD_BIN" -n -f "$CONF" -s "$TMP/lo.sock" \
	--pin-root "$TMP/lo-pins" >/dev/null 2>"$TMP/lo.err"
check_eq "mgmd refuses to start on it" "$?" 1
check "... naming the line and why" grep -qF "$CONF:2: interface lo cannot be served" "$TMP/lo.err"
check "... and leaves nothing attached to rs" bash -c "! ip -n '$NS_RTR' link show rs | grep -q xdp"
check "... nor pinned" test ! -e "$TMP/lo-pins"
MGM_NO_FEATURES=ipmr in_rtr "$BUILD/mgmd" -t -f <(printf 'phyint rs\nmirror-kernel\n') \
	>/dev/null 2>"$TMP/t.err"
check_eq "-t: mirror-kernel without ipmr exits 1" "$?" 1
check "-t: ... naming line 2" grep -q ":2: mirror-kernel: IPv4 multicast routing treated as absent" "$TMP/t.err"
in_rtr "$BUILD/mgmd" -t -f "$TMP/no-such-file" 2>"$TMP/t.err"
check_eq "-t: a missing file exits 1" "$?" 1
check "-t: ... and says so" grep -q "$TMP/no-such-file: No such file or directory" "$TMP/t.err"
check "-t on bad files: still nothing pinned" test ! -e "$PIN"

# --- mgmctl reload ---------------------------------------------------------------------
cat >"$CONF" <<EOF
phyint rs
mroute from rs group $GROUP to r1
mroute from rs group 239.1.1.2 to r3
EOF
# The socket's directory is made if missing (the default is
# /run/mgmd/mgmd.sock; here a private one).
MGMD_SOCK=$TMP/run-mgmd/mgmd.sock
check "mgmd starts" mgmd_start "$CONF"
check "... making its socket's directory" test -d "$TMP/run-mgmd" -a -S "$MGMD_SOCK"
check "first packets (the miss creates the entry)" send -n 5 -r 100
sleep 0.3
out=$(mgmctl reload 2>&1)
check_eq "reload of an unchanged file: no changes" "$out" "reloaded $CONF
  no changes"
cat >"$CONF" <<EOF
phyint rs
phyint r3 ttl-threshold 2
mroute from rs group $GROUP to r1 r2
igmp robustness 3
EOF
mgmctl reload >"$TMP/reload.out" 2>&1
check_eq "reload exits 0" "$?" 0
check "reload: first line names the file" grep -qx "reloaded $CONF" "$TMP/reload.out"
check "reload: phyint added, with its line" grep -qx "  phyint added: r3 ttl-threshold 2 (line 2)" "$TMP/reload.out"
check "reload: route changed, old and new oifs" \
	grep -qx "  route changed: from rs group $GROUP to r1 -> to r1 r2 (line 3)" "$TMP/reload.out"
check "reload: route removed" grep -qx "  route removed: from rs group 239.1.1.2 to r3" "$TMP/reload.out"
check "reload: a setting that waits for the next start says so" \
	grep -q "  igmp robustness: 0 -> 3 (0: the default; applies at the next start)" "$TMP/reload.out"
check_eq "reload: nothing else" "$(wc -l <"$TMP/reload.out")" 5
check "reload: the changes are logged" grep -q "reload: route changed: from rs group $GROUP to r1 -> to r1 r2" "$TMP/mgmd.log"
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
check "send 500" send -n 500 -r 5000
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "after reload: r1 still gets every packet" "$(sink_val 1 received)" 500
check_eq "after reload: r2 gets every packet (entry updated in place)" "$(sink_val 2 received)" 500

# -j: the same changes as JSON.
printf 'phyint rs\nphyint r3 ttl-threshold 2\nmroute from rs group %s to r2\nigmp robustness 3\nmroute from rs source %s group 232.1.1.0/24 to r3\n' \
	"$GROUP" "$SOURCE" >"$CONF"
mgmctl -j reload >"$TMP/reload.json"
check "reload -j: JSON with the file and the changes" python3 -c '
import json, sys
o = json.load(open(sys.argv[1]))
assert o["reloaded"] == sys.argv[2], o
assert o["changes"] == ["route changed: from rs group %s to r1 r2 -> to r2 (line 3)" % sys.argv[3],
    "route added: from rs source %s group 232.1.1.0/24 to r3 (line 5)" % sys.argv[4]], o
' "$TMP/reload.json" "$CONF" "$GROUP" "$SOURCE"

# A bad file: refused, named, nothing changed.
printf 'phyint rs\nmroute from rs group %s to r1\nmroute from rs group 10.0.0.1 to r3\n' "$GROUP" >"$CONF"
mgmctl reload >"$TMP/reload.out" 2>"$TMP/reload.err"
check_eq "bad reload exits 1" "$?" 1
check "bad reload: the error names file and line" \
	grep -qF "Error: reload refused, running state kept: $CONF:3: 10.0.0.1 is not a multicast group" "$TMP/reload.err"
check_eq "bad reload: nothing on stdout" "$(cat "$TMP/reload.out")" ""
check "mgmd still running" kill -0 "$MGMD_PID"
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
check "send 500" send -n 500 -r 5000
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "after the bad reload: r2 still gets every packet" "$(sink_val 2 received)" 500
check_eq "after the bad reload: r1 still out of the route" "$(sink_val 1 received)" 0
check_eq "reload takes no argument (usage, exit 2)" "$(mgmctl reload now >/dev/null 2>&1; echo $?)" 2
mgmd_stop

# --- mgmctl unpin ------------------------------------------------------------------------
printf 'phyint rs\nmroute from rs group %s to r1\n' "$GROUP" >"$CONF"
check "mgmd starts (--keep-forwarding)" mgmd_start "$CONF" --keep-forwarding
mgmctl unpin >/dev/null 2>"$TMP/unpin.err"
check_eq "unpin while mgmd runs: exit 1" "$?" 1
check "unpin while mgmd runs: names it" grep -q "Error: mgmd (pid $MGMD_PID) uses the maps under $PIN: stop it first (nothing was removed)" "$TMP/unpin.err"
check "unpin while mgmd runs: the pins are still there" test -e "$PIN/mgm_mfe"
check "first packets (the miss creates the entry)" send -n 5 -r 100
sleep 0.3
mgmd_stop TERM
check "--keep-forwarding left the forwarder attached" test -n "$(ip -n "$NS_RTR" link show rs | grep prog/xdp)"

# A fast path of another ABI: the next mgmd refuses the maps, naming unpin.
val=$(bpftool -j map lookup pinned "$PIN/mgm_config" key 0 0 0 0 |
	python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; print(" ".join(["0x63","0","0","0"] + v[4:]))')
# shellcheck disable=SC2086
check "pinned config made to say ABI 99" bpftool map update pinned "$PIN/mgm_config" key 0 0 0 0 value $val
timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" -s "$MGMD_SOCK" \
	--pin-root "$PIN" 2>"$TMP/abi.err"
check_eq "mgmd refuses maps of another ABI" "$?" 1
check "the refusal names mgmctl unpin" grep -q "maps under $PIN are of ABI 99, this is [0-9]*; remove them first (mgmctl unpin)" "$TMP/abi.err"

# The upgrade: traffic runs, unpin, start the new mgmd; the gap is the
# longest run of sequence numbers the receiver missed.
sink_start 1 "$NS_R1" "$GROUP"
send_bg -n 1000000 -r 2000
sleep 0.5
t0=$(date +%s%N)
mgmctl unpin >"$TMP/unpin.out" 2>&1
check_eq "unpin with mgmd stopped: exit 0" "$?" 0
check "unpin says what it removed" grep -qx "unpinned  $PIN" "$TMP/unpin.out"
check "unpin detached the forwarders left attached" grep -qE "^detached +rs,r1$" "$TMP/unpin.out"
check "unpin: the pins are gone" test ! -e "$PIN"
check "unpin: nothing attached any more" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
check "the new mgmd starts on fresh maps" mgmd_start "$CONF"
t1=$(date +%s%N)
sleep 1.5
kill "$SENDER"
wait "$SENDER" 2>/dev/null
sleep 0.3
sink_stop 1
# "gap after": packets missed in the longest gap, packets received after it.
read -r gap after < <(awk '{print $1}' "$TMP/sink1.seq" | sort -n -u | awk '
	NR > 1 && $1 - p - 1 > g { g = $1 - p - 1; end = $1 }
	{ p = $1; s[NR] = $1 }
	END { n = 0; for (i in s) if (s[i] >= end) n++; print g + 0, n }')
check_ge "forwarding is back after the upgrade (packets after the gap)" "$after" 500
check_ge "the gap is real (forwarding stopped at unpin)" "$gap" 1
say "upgrade to another layout: forwarding stopped for $gap packets at 2 kpps," \
	"about $((gap / 2)) ms; unpin to the new mgmd's socket: $(((t1 - t0) / 1000000)) ms"
check "the new mgmd adopted nothing old" sh -c "grep started '$TMP/mgmd.log' | tail -n 1 | grep -q '0 MFEs adopted from $PIN'"
mgmd_stop
mgmctl unpin >/dev/null 2>&1
mgmctl unpin 2>"$TMP/unpin.err"
check_eq "unpin with nothing pinned: exit 1" "$?" 1
check "... and says so" grep -q "Error: nothing pinned under $PIN" "$TMP/unpin.err"

summary
