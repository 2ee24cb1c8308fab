#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A slow external protocol never stalls the router (issue 15, item 4).
# Callbacks to external protocols do not wait: MGM's values are applied at
# once, the answer (if it comes within the callback timeout) after the
# fact, a late one is counted and ignored.
#
#  1. P (tools/mgm-remote) owns rs and answers every RPF callback 1 s late,
#     while new sources keep arriving on rs (one every 25 ms), a flow to G2
#     arrives on rs, a host on r1 joins G2 with IGMP and a probe runs
#     `show stats` every 50 ms (tools/mgm-ctlload).  Bounds asserted:
#     every show stats answered within 100 ms; the IGMP join forwarded
#     within 300 ms; P's answers counted as late, its callbacks as timed
#     out; mgmd's CPU time under 30% of the run (no busy wait).
#  2. MGMD_REMOTE_CB_TIMEOUT_MS=1: HELLO says 1 ms, answers 20 ms late are
#     counted late, none on time, and nothing waits.
#  3. Answers on time are applied after the fact: an RPF answer naming
#     another incoming interface re-creates the entry with it (packets
#     arriving on the old one are no longer forwarded), a prune alert's
#     answer sets the entry's timeout.
. "$(dirname "$0")/lib.sh"
require_root

LOAD=$BUILD/mgm-ctlload
[ -x "$LOAD" ] || { fail "$LOAD is built (make)"; summary; exit 1; }
[ -x "$MGMCTL_BIN" ] || { fail "mgmctl is built (make)"; summary; exit 1; }

topo_std || { fail "topology"; summary; exit 1; }
G2=239.2.2.2
FLOOD_GROUP=239.7.7.7

# mgmd's CPU time so far, in clock ticks (utime + stime).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$MGMD_PID/stat"; }

# --- 1. one RPF answer a second, 1 s late ----------------------------------------
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1 igmp v3
phyint r2
igmp query-interval 2
igmp query-response-interval 1
EOF
in_ns "$NS_R1" sysctl -qw net.ipv4.conf.x0.igmpv3_unsolicited_report_interval=100
mgmd_start "$TMP/mgmd.conf" || { fail "mgmd starts"; summary; exit 1; }
cat >"$TMP/p.script" <<EOF
proto P 1000 1
take P rs
slow P 1000
touch $TMP/p.ready
wait $TMP/never 60
EOF
remote_start p slowpoke "$TMP/p.script"
check "P ready" wait_file "$TMP/p.ready"

HZ=$(getconf CLK_TCK)
CPU0=$(cpu_ticks)
T0=$(date +%s%N)
# New sources on rs: each packet from the next address of 203.0.113.0/24.
ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -g "$FLOOD_GROUP" -p 5000 -t 16 -q \
	--spoof 203.0.113.0/24 -r 40 -d 7 &
BG_PIDS+=($!)
FLOOD=$!
ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$G2" -p 5000 \
	-t 16 -q -r 1000 -d 7 &
BG_PIDS+=($!)
G2SEND=$!
in_rtr "$LOAD" -s "$MGMD_SOCK" -d 6 --probe-ms 50 --good 0 --idle 0 \
	--garbage 0 --noread 0 --slow 0 --churn 0 >"$TMP/load.json" \
	2>"$TMP/load.err" &
LOADPID=$!
BG_PIDS+=($LOADPID)
sleep 2
sink_start 1 "$NS_R1" "$G2" --join || fail "joining receiver on r1"
wait "$LOADPID"
check_eq "the probe ran" "$?" 0
wait "$FLOOD" "$G2SEND" 2>/dev/null
sink_stop 1
CPU1=$(cpu_ticks)
T1=$(date +%s%N)

L=$TMP/load.json
[ -n "${V:-}" ] && cat "$L" >&2
check_ge "the probe ran throughout (>= 60 answers in 6 s)" "$(json_num "$L" probes)" 60
check_eq "every probe was answered" "$(json_num "$L" probe_failures)" 0
max=$(sed -n 's/.*"probe_max_ms":\([0-9.]*\).*/\1/p' "$L")
check "show stats always answered within 100 ms (slowest ${max:-?} ms)" \
	awk -v v="${max:-9999}" 'BEGIN {exit !(v < 100)}'
joined=$(json_num "$TMP/sink1.json" joined_ns)
first=$(awk 'NR == 1 || $3 < m {m = $3} END {printf "%.0f\n", m}' "$TMP/sink1.seq")
check_ge "r1 received G2 after joining" "$(wc -l <"$TMP/sink1.seq")" 1
if [ -n "$joined" ] && [ "$(wc -l <"$TMP/sink1.seq")" -gt 0 ]; then
	lat=$(((first - joined) / 1000000))
	check "the IGMP join was forwarded within 300 ms (${lat} ms)" test "$lat" -lt 300
fi
check_ge "P got an RPF callback per new source" "$(grep -c "cb P rpf 203.0.113" "$TMP/p.log")" 4
check_ge "callbacks sent without waiting" "$(stat_of callbacks_async)" 100
check_ge "P's answers counted as late" "$(stat_of answers_late)" 3
check_eq "... none on time" "$(stat_of answers_on_time)" 0
check_ge "its callbacks counted as timed out" "$(stat_of callback_timeouts)" 100
check "the timeout logged (rate-limited)" \
	test "$(grep -c 'remote:slowpoke: no answer to the rpf callback' "$TMP/mgmd.log")" -le 10
ticks=$((CPU1 - CPU0))
wall_ticks=$(((T1 - T0) * HZ / 1000000000))
check "mgmd used under 30% of one CPU ($ticks of $wall_ticks ticks)" \
	test $((ticks * 100)) -lt $((wall_ticks * 30))
check "mgmd is still up" kill -0 "$MGMD_PID"
kill -KILL "${RPID[p]}" 2>/dev/null
wait "${RPID[p]}" 2>/dev/null
mgmd_stop

# --- 2. a 1 ms callback timeout -----------------------------------------------------
printf 'phyint rs\nphyint r1\n' >"$TMP/mgmd1.conf"
MGMD_REMOTE_CB_TIMEOUT_MS=1 mgmd_start "$TMP/mgmd1.conf" ||
	{ fail "mgmd starts (1 ms)"; summary; exit 1; }
cat >"$TMP/q.script" <<EOF
proto Q 1000 1
take Q rs
slow Q 20
touch $TMP/q.ready
wait $TMP/q.go 20
touch $TMP/q.done
wait $TMP/never 60
EOF
remote_start q onems "$TMP/q.script"
check "Q ready" wait_file "$TMP/q.ready"
check "HELLO says 1 ms" has q "connected, callback timeout 1 ms"
ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -g "$FLOOD_GROUP" -p 5000 -t 16 -q \
	--spoof 203.0.113.0/24 -n 20 -r 100
sleep 1
touch "$TMP/q.go"
check "Q answered everything" wait_file "$TMP/q.done" 10
sleep 0.3
check_ge "Q got the RPF callbacks" "$(grep -c "cb Q rpf 203.0.113" "$TMP/q.log")" 10
check_ge "its answers (20 ms) counted late" "$(stat_of answers_late)" 10
check_eq "... none on time" "$(stat_of answers_on_time)" 0
check_ge "timeouts counted" "$(stat_of callback_timeouts)" 10
kill -KILL "${RPID[q]}" 2>/dev/null
wait "${RPID[q]}" 2>/dev/null
mgmd_stop

# --- 3. answers on time, applied after the fact ---------------------------------------
printf 'phyint rs\nphyint r1\nphyint r2\n' >"$TMP/mgmd3.conf"
mgmd_start "$TMP/mgmd3.conf" || { fail "mgmd starts (3)"; summary; exit 1; }
cat >"$TMP/r.script" <<EOF
proto R 1000 1
take R rs
take R r1
take R r2
join R r1 $GROUP
join R r1 $G2
rpf R r2 $GROUP
prune-timeout R 7
nest R r1
touch $TMP/r.ready
wait $TMP/r.go 20
get-mfe $SOURCE $GROUP
get-mfe $SOURCE $G2
leave R r1 $G2
run 0.5
get-mfe $SOURCE $G2
touch $TMP/r.done
wait $TMP/never 60
EOF
remote_start r prompt "$TMP/r.script"
check "R ready" wait_file "$TMP/r.ready"
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R1" "$G2"
send -n 2000 -r 1000 &
S1=$!
in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$G2" -p 5000 -t 16 -q -n 2000 -r 1000
wait $S1
sleep 0.2
touch "$TMP/r.go"
check "R queried the entries" wait_file "$TMP/r.done" 10
sink_stop 1
sink_stop 2
check "R answered the RPF callback with r2" has r "R rpf answer $SOURCE $GROUP iif r2"
check "the entry was re-created with iif r2" has r "mfe $SOURCE $GROUP iif r2 oifs r1 upstream"
check "r1 got G only until the answer landed (< 250 packets)" \
	test "$(wc -l <"$TMP/sink1.seq")" -lt 250
check_ge "r1 got G2 (MGM's RPF kept: no answer changes it)" "$(sink_val 2 received)" 1900
check "G2's entry with MGM's timeout" has r "mfe $SOURCE $G2 iif rs oifs r1 upstream .* timeout 900"
check "R got the prune alert for G2" has r "cb R prune $SOURCE $G2 if rs member_delete 0"
check "the prune answer set G2's timeout to 7 s" has r "mfe $SOURCE $G2 iif rs oifs upstream .* timeout 7$"
check "a call from inside the RPF callback is served (MGM_IPC_FEAT_ASYNC_CB)" \
	has r "R nested call in rpf -> NO_ERROR"
check_ge "answers applied after the fact" "$(stat_of answers_applied)" 2
check_eq "none late" "$(stat_of answers_late)" 0
kill -TERM "${RPID[r]}" 2>/dev/null
wait "${RPID[r]}" 2>/dev/null
mgmd_stop
[ -n "${V:-}" ] && cat "$TMP/p.log" "$TMP/q.log" "$TMP/r.log" "$TMP/mgmd.log" >&2
summary
