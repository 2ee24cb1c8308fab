#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgm-script with IPv6 (the mgm_*_x API), beside IPv4, on the real fast
# path with real packets (lib.sh's standard topology with IPv6 on top):
# a scripted protocol P owns rs, r1 and r2, registered for both families;
# MLD (the real IGMP module's IPv6 half) runs on r3, where a host's kernel
# joins with MLDv2.
#
#   ff0e::db8:1     P joins (*,G) on r1, the host behind r3 joins by MLD
#   ff3e::db8:5     P joins (2001:db8:1::1, G) on r2; 2001:db8:1::2 sends too
#   239.1.1.1       P joins (*,G) on r1 (IPv4, printed as it always was)
#
# Asserted: the joins answer NO_ERROR with the group in text; the first
# packets bring the RPF and creation callbacks with IPv6 addresses and
# the right interfaces; `show` lists the entries of both families, IPv4
# first; every packet reaches exactly the receivers that should have it
# (the (S,G) member only its source's); after P leaves on r1 nothing more
# reaches r1 while r3 still receives; igmp-show shows MLD's interface and
# group in IPv6.
. "$(dirname "$0")/lib.sh"
require_root
require_ipv6

S6=2001:db8:1::1
S6B=2001:db8:1::2
G6=ff0e::db8:1
G6S=ff3e::db8:5

topo_std || { fail "topology"; summary; exit 1; }
topo_ipv6 || { fail "IPv6 addresses"; summary; exit 1; }
ip -n "$NS_SRC" addr add "$S6B/64" dev s0 nodad
in_ns "$NS_R3" sysctl -qw net.ipv6.conf.x0.mldv2_unsolicited_report_interval=100

send6() {
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -p 5000 -t 16 -q "$@"
}

cat >"$TMP/script" <<EOF
attach rs r1 r2 r3
proto P 1000 1
take P rs
take P r1
take P r2
join P r1 $G6
join P r2 $G6S $S6
join P r1 $GROUP
igmp-opts rv=2 qi=2000 qri=1000 lmqi=200 lmqc=2 sqi=500 sqc=2
mld-enable r3 v2
touch $TMP/ready
wait $TMP/flows
show
leave P r1 $G6
touch $TMP/left
wait $TMP/done
show
igmp-show
EOF

in_rtr "$BUILD/mgm-script" -r "$PIN" "$TMP/script" >"$TMP/log" 2>"$TMP/log.err" &
SCRIPT=$!
BG_PIDS+=($SCRIPT)
check "controller ready" wait_file "$TMP/ready"


check "P registered for both families" grep -q "register P -> NO_ERROR" "$TMP/log"
check "IPv6 (*,G) join: the group in text" grep -q "P join $G6 if r1 -> NO_ERROR" "$TMP/log"
check "IPv6 (S,G) join" grep -q "P join $G6S if r2 -> NO_ERROR" "$TMP/log"
check "IPv4 join as before" grep -q "P join $GROUP if r1 -> NO_ERROR" "$TMP/log"
check "MLDv2 on r3" grep -q "mld enable r3 v2 -> ok" "$TMP/log"

# The host behind r3 joins through its kernel (MLDv2 report).
sink_start 3 "$NS_R3" "$G6" --join
check "the host's MLD join becomes a (*,G) membership on r3" \
	wait_log "igmp add \* $G6 if r3 -> NO_ERROR"

# --- the first packets: misses, callbacks, entries ------------------------------
send6 -s "$S6" -g "$G6" -n 5 -r 100
send6 -s "$S6" -g "$G6S" -n 5 -r 100
send6 -s "$S6B" -g "$G6S" -n 5 -r 100
send -n 5 -r 100
sleep 0.3
check "RPF callback with IPv6 addresses" \
	grep -q "cb P rpf $S6 $G6 iif rs" "$TMP/log"
# P's creation alert names P's own oifs (r3 is MLD's).
check "creation alert: ($S6, $G6) from rs to r1" \
	grep -q "cb P creation $S6 $G6 iif rs oifs r1$" "$TMP/log"
check "creation alert: ($S6, $G6S) to r2 (the (S,G) member)" \
	grep -q "cb P creation $S6 $G6S iif rs oifs r2$" "$TMP/log"
check "no creation alert for ($S6B, $G6S) (not the member's source)" \
	test -z "$(grep "cb P creation $S6B" "$TMP/log")"
check "MLD's (*,G) member on r3 made P's join alert" \
	grep -q "cb P join :: $G6 member_update 1" "$TMP/log"
check "IPv4 creation alert printed as before" \
	grep -q "cb P creation $SOURCE $GROUP iif rs oifs r1$" "$TMP/log"
# ts PATTERN: the timestamp (CLOCK_MONOTONIC, as mcsend's) of a log line.
ts() { grep -m1 -E "$1" "$TMP/log" | awk '{print $1}'; }
# r3's packets sent after A (and before B): "count unique-seqs".
r3_between() {
	awk -v a="$1" -v b="${2:-0}" '$2 > a && (b == 0 || $2 < b) {print $1}' "$TMP/sink3.seq" |
		awk '{n++; if (!s[$1]++) u++} END {print n + 0, u + 0}'
}
t_primed=$(ts "cb P creation $SOURCE $GROUP")

# --- every packet where it belongs ------------------------------------------------
sink_start 1 "$NS_R1" "$G6"
sink_start 2 "$NS_R2" "$G6S"
sink_start 4 "$NS_R1" "$GROUP"
check "send 1000 to $G6" send6 -s "$S6" -g "$G6" -n 1000 -r 5000
check "send 500 from $S6 to $G6S" send6 -s "$S6" -g "$G6S" -n 500 -r 5000
check "send 300 from $S6B to $G6S" send6 -s "$S6B" -g "$G6S" -n 300 -r 5000
check "send 400 to $GROUP" send -n 400 -r 5000
sleep 0.3
sink_stop 1
sink_stop 2
sink_stop 4
check_eq "r1 got every packet of $G6" "$(sink_val 1 received)" 1000
check_eq "r2 got its source's packets only" "$(sink_val 2 received)" 500
check_eq "r1 got every IPv4 packet" "$(sink_val 4 received)" 400
for i in 1 2; do
	check_eq "r$i: no duplicates" "$(sink_val $i duplicates)" 0
done

# --- show: both families, IPv4 first --------------------------------------------------
touch "$TMP/flows"
check "P left $G6 on r1" wait_log "P leave $G6 if r1 -> NO_ERROR"
check "show: the IPv4 entry" grep -q "mfe $SOURCE $GROUP iif rs oifs r1$" "$TMP/log"
check "show: ($S6, $G6) to r1 and r3" grep -qE "mfe $S6 $G6 iif rs oifs (r1 r3|r3 r1)$" "$TMP/log"
check "show: ($S6, $G6S) to r2" grep -q "mfe $S6 $G6S iif rs oifs r2$" "$TMP/log"
check "show: ($S6B, $G6S) negative" grep -q "mfe $S6B $G6S iif rs oifs (negative)$" "$TMP/log"
l4=$(grep -n -m1 "mfe $SOURCE $GROUP" "$TMP/log" | cut -d: -f1)
l6=$(grep -n -m1 "mfe $S6 " "$TMP/log" | cut -d: -f1)
check "show: IPv4 before IPv6" test -n "$l4" -a -n "$l6" -a "${l4:-0}" -lt "${l6:-0}"

# --- after the leave: r1 gets nothing more, r3 still everything -----------------------
wait_file "$TMP/left"
sink_start 1 "$NS_R1" "$G6"
check "send 500 more to $G6" send6 -s "$S6" -g "$G6" -n 500 -r 5000
sleep 0.3
sink_stop 1
check_eq "r1 got nothing after P's leave" "$(sink_val 1 received)" 0
touch "$TMP/done"
wait $SCRIPT
check "script ran to the end" test $? -eq 0
sink_stop 3 # its packet log is complete now
t_left=$(ts "P leave $G6 if r1")
check_eq "r3 (MLD member) got every packet of the 1000, once" \
	"$(r3_between "$t_primed" "$t_left")" "1000 1000"
check_eq "r3 got the 500 sent after P's leave, once" "$(r3_between "$t_left")" "500 500"
[ -n "${V:-}" ] && cat "$TMP/log" >&2
check "the entry after the leave: r3 only" \
	grep -q "mfe $S6 $G6 iif rs oifs r3$" <(sed -n '/P leave/,$p' "$TMP/log")
ll3=$(ip -n "$NS_RTR" -6 -o addr show dev r3 scope link | awk '{print $4}' | cut -d/ -f1)
check "igmp-show: MLD on r3 from $ll3, querier" \
	grep -q "mld if r3 v2 addr $ll3 querier $ll3 " "$TMP/log"
check "igmp-show: MLD's group in IPv6" grep -q "mld group r3 $G6 exclude" "$TMP/log"
check "igmp-show: MLD's reports counted" grep -qE "mld counters r3 rx [1-9]" "$TMP/log"
check "no errors on stderr" test ! -s "$TMP/log.err"
summary
