#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The control socket under load: 300 clients at once (tools/mgm-ctlload),
# most of them hostile -- idle connections, random bytes and lying
# lengths, answers never read, commands sent a byte every 100 ms, connect
# and close storms -- while mgmd forwards a static route at 1000 pps and
# a host joins a group with IGMP in the middle of it.
#
# Bounds asserted (README's control-socket paragraph states them):
#  - a `show stats` probe every 50 ms is always answered, within 500 ms
#    each (median well under 10 ms);
#  - the forwarded flow never stops: no gap over 100 ms at the receiver,
#    nothing lost;
#  - the IGMP join is forwarded within 1 s;
#  - mgmd stays up, its memory grows by less than 64 MiB, and every
#    connection is gone afterwards (its descriptor count is back).
. "$(dirname "$0")/lib.sh"
require_root

LOAD=$BUILD/mgm-ctlload
[ -x "$LOAD" ] || { fail "$LOAD is built (make)"; summary; exit 1; }

topo_std || { fail "topology"; summary; exit 1; }
G2=239.2.2.2
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1 igmp v3
phyint r2
mroute from rs group $GROUP to r2
igmp query-interval 2
igmp query-response-interval 1
EOF
in_ns "$NS_R1" sysctl -qw net.ipv4.conf.x0.igmpv3_unsolicited_report_interval=100
mgmd_start "$TMP/mgmd.conf" || { fail "mgmd starts"; summary; exit 1; }

fds() { ls "/proc/$MGMD_PID/fd" | wc -l; }
FDS0=$(fds)
RSS0=$(rss_kb)

sink_start 2 "$NS_R2" "$GROUP" || fail "receiver on r2"
send_bg -r 1000 -d 9
# The second flow, to G2, for the IGMP join on r1 during the load.
ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$G2" -p 5000 \
	-t 16 -q -r 1000 -d 9 &
BG_PIDS+=($!)
sleep 0.5

in_rtr "$LOAD" -s "$MGMD_SOCK" -d 6 --probe-ms 50 --good 40 --idle 100 \
	--garbage 50 --noread 50 --slow 40 --churn 20 >"$TMP/load.json" \
	2>"$TMP/load.err" &
LOADPID=$!
BG_PIDS+=($LOADPID)
sleep 2
check "mgmd has the 300 clients' connections" test "$(fds)" -gt $((FDS0 + 100))
sink_start 1 "$NS_R1" "$G2" --join || fail "joining receiver on r1"
wait "$LOADPID"
check_eq "the load tool ran" "$?" 0
sleep 1
sink_stop 1
kill "$SENDER" 2>/dev/null
wait "$SENDER" 2>/dev/null
sleep 0.2
sink_stop 2

L=$TMP/load.json
cat "$L" >&2
check_ge "the probe ran throughout (>= 30 answers in 6 s, one per 50 ms plus its wait)" "$(json_num "$L" probes)" 30
check_eq "every probe was answered" "$(json_num "$L" probe_failures)" 0
max=$(sed -n 's/.*"probe_max_ms":\([0-9.]*\).*/\1/p' "$L")
med=$(sed -n 's/.*"probe_median_ms":\([0-9.]*\).*/\1/p' "$L")
check "the slowest show stats took under 500 ms (${max} ms)" awk -v v="$max" 'BEGIN {exit !(v < 500)}'
say "median show stats: ${med} ms"
check_ge "well-behaved clients were served" "$(json_num "$L" good_answers)" 100
check_ge "the clients reached mgmd" "$(json_num "$L" open_max)" 200
# (Refusals are EAGAIN from a full listen backlog during the connect
# storms: a blocking client such as mgmctl waits for its turn instead.)

# Forwarding: every packet, no stall (gaps measured at the receiver).
# (From the first packet forwarded: the flow's first packets make its MFE.)
check_eq "r2 lost nothing once forwarding started" \
	$(($(sink_val 2 max_seq) - $(sink_val 2 first_seq) + 1 - $(sink_val 2 received) + $(sink_val 2 duplicates))) 0
check_ge "r2 received the flow throughout" "$(sink_val 2 received)" 5000
gap=$(awk '{print $3}' "$TMP/sink2.seq" | sort -n |
	awk 'NR > 1 && $1 - p > m {m = $1 - p} {p = $1} END {printf "%d\n", m / 1e6}')
check "the flow to r2 never stopped for 100 ms (largest gap ${gap} ms)" test "$gap" -lt 100

# IGMP: the join made during the load is forwarded within 1 s.
joined=$(json_num "$TMP/sink1.json" joined_ns)
first=$(awk 'NR == 1 || $3 < m {m = $3} END {printf "%.0f\n", m}' "$TMP/sink1.seq")
check_ge "r1 received G2 after joining" "$(wc -l <"$TMP/sink1.seq")" 1
if [ -n "$joined" ] && [ "$(wc -l <"$TMP/sink1.seq")" -gt 0 ]; then
	lat=$(((first - joined) / 1000000))
	check "the IGMP join was forwarded within 1 s (${lat} ms)" test "$lat" -lt 1000
fi

# The daemon afterwards.
check "mgmd is still up" kill -0 "$MGMD_PID"
check "mgmctl show stats answers" mgmctl show stats
n=0
while [ "$(fds)" -gt "$FDS0" ] && [ $n -lt 40 ]; do sleep 0.05; n=$((n + 1)); done
check_eq "every connection is gone (descriptors back to $FDS0)" "$(fds)" "$FDS0"
RSS1=$(rss_kb)
check "mgmd grew by less than 64 MiB ($(((RSS1 - RSS0) / 1024)) MiB)" \
	test $((RSS1 - RSS0)) -lt $((64 * 1024))

summary
