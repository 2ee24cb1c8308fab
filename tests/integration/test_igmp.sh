#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IGMP router on the real fast path, with real hosts.  mgm-script runs
# the MGM controller in the router: a scripted protocol S owns rs (towards
# the sources) and r3; the real IGMP (user/proto/igmp.c) runs on r1 as an
# IGMPv2 router and on r2, r3 as IGMPv3 routers (r3 shared with S).  The
# receivers join through their kernels (mcsink --join): R1 is forced to
# IGMPv2, R2 and R3 speak IGMPv3.  Two sources, S1 192.0.2.1 and S2
# 192.0.2.2, send six streams:
#
#   239.1.1.1  S1      R1 (v2) and R2 (v3) join, later leave; R3 never joins
#   232.1.1.1  S1, S2  R2 joins INCLUDE {S1} (SSM)
#   239.3.3.3  S1, S2  R3 joins EXCLUDE {S1}
#   239.4.4.4  S1      R3 joins; then S releases r3 (the seed's handoff)
#
# Asserted: forwarding starts with the join, only to joined receivers; it
# stops within the leave latency after a v2 leave and after a v3 TO_IN({})
# (last member queries, LMQT = 2 x 200 ms); INCLUDE {S1} gets only S1;
# EXCLUDE {S1} gets S2 and not S1; when S releases r3, IGMP is disabled and
# enabled around it and re-adds its memberships afterwards (deferred, never
# refused), and forwarding to R3 resumes.  Short timers: QI 2 s, QRI 1 s.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
S1=192.0.2.1
S2=192.0.2.2
G1=239.1.1.1
G2=232.1.1.1
G3=239.3.3.3
G4=239.4.4.4
ip -n "$NS_SRC" addr add "$S2/24" dev s0
# R1 is an IGMPv2 host; the others keep the kernel's default (v3).
in_ns "$NS_R1" sysctl -qw net.ipv4.conf.x0.force_igmp_version=2

cat >"$TMP/script" <<EOF
attach rs r1 r2 r3
proto S 1000 1
take S rs
take S r3
igmp-opts rv=2 qi=2000 qri=1000 lmqi=200 lmqc=2 sqi=500 sqc=2
igmp-enable r1 v2
igmp-enable r2 v3
igmp-enable r3 v3
touch $TMP/ready
wait $TMP/handoff
igmp-show
release S r3
wait $TMP/done
igmp-show
show
EOF

in_rtr "$BUILD/mgm-script" -r "$PIN" "$TMP/script" >"$TMP/log" 2>"$TMP/log.err" &
SCRIPT=$!
BG_PIDS+=($SCRIPT)
n=0
while [ ! -e "$TMP/ready" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
check "controller ready" test -e "$TMP/ready"

sink_start 1 "$NS_R1" "$G1" -S 1 --join
sink_start 2 "$NS_R2" "$G1" -S 1 --join
sink_start 3 "$NS_R3" "$G1" -S 1
sink_start 5 "$NS_R2" "$G2" -S 21 --source "$S1"
sink_start 6 "$NS_R2" "$G2" -S 22
sink_start 7 "$NS_R3" "$G3" -S 32 --join-exclude "$S1"
sink_start 8 "$NS_R3" "$G3" -S 31
sink_start 9 "$NS_R3" "$G4" -S 4 --join

check "v2 join on r1 -> (*,G)" wait_log "igmp add \* $G1 if r1 -> NO_ERROR"
check "v3 join on r2 -> (*,G)" wait_log "igmp add \* $G1 if r2 -> NO_ERROR"
check "INCLUDE {S1} on r2 -> (S1,G)" wait_log "igmp add $S1 $G2 if r2 -> NO_ERROR"
check "EXCLUDE {S1} on r3 -> (*,G)" wait_log "igmp add \* $G3 if r3 -> NO_ERROR"
check "join on r3 -> (*,G)" wait_log "igmp add \* $G4 if r3 -> NO_ERROR"

# stream SRC GROUP ID: 500 packets/s for 10 s.
stream() {
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$1" -g "$2" -p 5000 -t 16 -q \
		-S "$3" -r 500 -d 10 &
	BG_PIDS+=($!)
	SENDERS+=($!)
}
SENDERS=()
stream "$S1" "$G1" 1
stream "$S1" "$G2" 21
stream "$S2" "$G2" 22
stream "$S1" "$G3" 31
stream "$S2" "$G3" 32
stream "$S1" "$G4" 4

sleep 3
kill -USR2 "${SINK_PID[1]}" # R1 (v2) leaves: a v2 Leave
sleep 1.5
kill -USR2 "${SINK_PID[2]}" # R2 (v3) leaves: TO_IN({})
sleep 1.5
touch "$TMP/handoff"
wait "${SENDERS[@]}"
sleep 0.3
touch "$TMP/done"
wait $SCRIPT
check "script ran to the end" test $? -eq 0
for i in 1 2 3 5 6 7 8 9; do sink_stop $i; done
[ -n "${V:-}" ] && cat "$TMP/log" >&2

# ts PATTERN: timestamp of the first log line matching it; ln_of: its line.
ts() { grep -m1 -E "$1" "$TMP/log" | awk '{print $1}'; }
ln_of() { grep -n -m1 -E "$1" "$TMP/log" | cut -d: -f1; }
# sent_between ID FROM TO: packets received at sink ID sent in (FROM, TO).
sent_between() { awk -v a="$2" -v b="$3" '$2 > a && $2 < b' "$TMP/sink$1.seq" | wc -l; }

# --- joins: forwarding only to the joined ----------------------------------
check_ge "R1 (v2) receives 239.1.1.1" "$(sink_val 1 received)" 500
check_ge "R2 (v3) receives 239.1.1.1" "$(sink_val 2 received)" 500
check_eq "R3 never joined 239.1.1.1: nothing" "$(sink_val 3 received)" 0
check "r1 runs IGMPv2 and R1 reported with v2" \
	grep -qE "igmp counters r1 .* reports 0/[1-9][0-9]*/0 " "$TMP/log"

# --- leaves: within the leave latency ----------------------------------------
for i in 1 2; do
	case $i in 1) ifc=r1 how="v2 Leave" ;; 2) ifc=r2 how="v3 TO_IN({})" ;; esac
	left=$(sink_val $i left_ns)
	del=$(ts "igmp delete \* $G1 if $ifc -> NO_ERROR")
	check "$how on $ifc: membership deleted" test -n "$del"
	[ -n "$del" ] || continue
	lat=$(((del - left) / 1000000))
	check "$how: deleted $lat ms after the leave (LMQT 400 ms, < 1500)" \
		test "$lat" -gt 0 -a "$lat" -lt 1500
	check_ge "$how: R$i received until it left" \
		"$(sent_between $i $((left - 1000000000)) "$left")" 300
	check_eq "$how: nothing sent after the delete reached R$i" \
		"$(sent_between $i $((del + 50000000)) 99999999999999999999)" 0
done
check "last member queries were sent on r1 and r2" \
	test "$(grep -cE "igmp counters r[12] .* gsq [1-9]" "$TMP/log")" -ge 2

# --- SSM: INCLUDE {S1} ---------------------------------------------------------
check_ge "INCLUDE {S1}: S1's stream arrives" "$(sink_val 5 received)" 2000
check_eq "INCLUDE {S1}: S2's stream does not" "$(sink_val 6 received)" 0

# --- EXCLUDE {S1} (until the handoff) -----------------------------------------
t_rel=$(ts "S release r3 begin")
check "creation alert kept r3 out of (S1,239.3.3.3)" \
	grep -q "cb igmp creation $S1 $G3 block if r3" "$TMP/log"
check_ge "EXCLUDE {S1}: S2's stream arrives" "$(sent_between 7 0 "$t_rel")" 1500
check_eq "EXCLUDE {S1}: S1's stream does not" "$(sent_between 8 0 "$t_rel")" 0

# --- the handoff: S releases r3, which IGMP shares -----------------------------
check "IGMP's join on r3 was a local join for its owner S" \
	grep -q "cb S local_join 0.0.0.0 $G4 if r3" "$TMP/log"
rel_begin=$(ln_of "S release r3 begin")
dis=$(ln_of "cb igmp disable_igmp if r3")
ena=$(ln_of "cb igmp enable_igmp if r3")
rel_end=$(ln_of "S release r3 -> NO_ERROR")
readd=$(ln_of "igmp re-add \* $G4 if r3 -> NO_ERROR")
check "order: release, disable, enable, return, then IGMP re-adds" \
	test "${rel_begin:-0}" -gt 0 -a "${dis:-0}" -gt "${rel_begin:-0}" -a \
	"${ena:-0}" -gt "${dis:-0}" -a "${rel_end:-0}" -gt "${ena:-0}" -a \
	"${readd:-0}" -gt "${rel_end:-0}"
check "every membership of r3 re-added" \
	grep -q "igmp re-add \* $G3 if r3 -> NO_ERROR" "$TMP/log"
check "MGM never refused IGMP (no add from inside the enable callback)" \
	test -z "$(grep CAN_NOT_COMPLETE "$TMP/log")"
t_end=$(ts "S release r3 -> NO_ERROR")
t_readd=$(ts "igmp re-add \* $G4 if r3")
check_eq "R3 got nothing sent while r3 was released" \
	"$(sent_between 9 "$t_end" "$t_readd")" 0
check_ge "R3 receives 239.4.4.4 again after the re-add" \
	"$(sent_between 9 $((t_readd + 50000000)) 99999999999999999999)" 1000
check_ge "and 239.3.3.3 from S2 too" \
	"$(sent_between 7 $((t_readd + 50000000)) 99999999999999999999)" 1000
# MGM remembers the creation alert's "not r3" for (S1,239.3.3.3) across
# the handoff (r3 was never in that entry), so S1 stays excluded.
check_eq "and S1 stays excluded after the handoff" "$(sink_val 8 received)" 0

# --- the rest ---------------------------------------------------------------------
check "r1 v2, querier" grep -qE "igmp if r1 v2 addr 198.51.100.1 querier" "$TMP/log"
check "r2 v3, querier" grep -qE "igmp if r2 v3 addr 198.51.100.65 querier" "$TMP/log"
check "no MGM errors" test -z "$(grep -E "mgm-errors [1-9]" "$TMP/log")"
check "shutdown: IGMP released its interfaces and deregistered" \
	grep -q "igmp shut down" "$TMP/log"
check "no errors on stderr" test ! -s "$TMP/log.err"
summary
