#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The seed -- shutting down a multicast routing protocol -- on the real fast
# path, with traffic flowing.  mgm-script runs the MGM controller with two
# scripted protocols: P owns rs, r1 and r2; IGMP also runs on r1 and has a
# member there; P has members on r2.  Source -> 239.1.1.1 is forwarded to
# r1 (IGMP) and r2 (P); a host behind r1 sends 239.2.2.2 to r2 (P).
#
# Then P shuts down: it releases r1 (IGMP shares it: disable-IGMP, entries
# gone, enable-IGMP, IGMP re-adds, deferred), releases r2 (no IGMP), then rs,
# and deregisters; its handle is then rejected by every function.  The
# receivers' counts prove that nothing leaks after a release returns and
# that nothing else is lost.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
G2=239.2.2.2
cat >"$TMP/script" <<EOF
attach rs r1 r2 r3
proto P 1000 1
proto IGMP igmp 1
take P rs
take P r1
take P r2
take IGMP r1
join IGMP r1 $GROUP
join P r2 $GROUP
join P r2 $G2
touch $TMP/ready
wait $TMP/go
run 1.5
show
release P r1
run 1.5
show
release P r2
run 1.5
release P rs
deregister P
stale P
run 0.5
show
EOF

nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgm-script" -r "$PIN" "$TMP/script" \
	>"$TMP/log" 2>"$TMP/log.err" &
SCRIPT=$!
BG_PIDS+=($SCRIPT)
n=0
while [ ! -e "$TMP/ready" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
check "controller ready" test -e "$TMP/ready"

sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
sink_start 4 "$NS_R2" "$G2"
send -n 60000 -r 10000 &
S1=$!
in_ns "$NS_R1" "$BUILD/mcsend" -i x0 -s 198.51.100.2 -g "$G2" -p 5000 -t 16 -q -n 60000 -r 10000 &
S2=$!
BG_PIDS+=($S1 $S2)
touch "$TMP/go"
wait $SCRIPT
check "script ran to the end" test $? -eq 0
wait $S1 $S2
sleep 0.3
for i in 1 2 4; do sink_stop $i; done
[ -n "${V:-}" ] && cat "$TMP/log" >&2

# ts PATTERN: the timestamp of the first log line matching PATTERN.
ts() { grep -m1 -E "$1" "$TMP/log" | awk '{print $1}'; }
# line PATTERN: its line number (for ordering).
ln_of() { grep -n -m1 -E "$1" "$TMP/log" | cut -d: -f1; }

check "flows created from misses (RPF, creation alerts)" grep -q "cb P creation 192.0.2.1 $GROUP iif rs" "$TMP/log"
check "the entry forwards to r1 and r2" grep -q "mfe 192.0.2.1 $GROUP iif rs oifs r1 r2" "$TMP/log"

# --- release r1: the IGMP handoff, in order --------------------------------
rel1_begin=$(ln_of "P release r1 begin")
dis=$(ln_of "cb IGMP disable_igmp if r1")
ena=$(ln_of "cb IGMP enable_igmp if r1")
rel1_end=$(ln_of "P release r1 -> NO_ERROR")
readd=$(ln_of "IGMP re-add $GROUP if r1 -> NO_ERROR")
check "order: release r1, disable-IGMP, enable-IGMP, return, IGMP re-adds" \
	test "$rel1_begin" -lt "$dis" -a "$dis" -lt "$ena" -a "$ena" -lt "$rel1_end" -a "$rel1_end" -lt "$readd"
check "IGMP's first join on r1 was a local join for its owner P" \
	grep -q "cb P local_join 0.0.0.0 $GROUP if r1" "$TMP/log"
check "IGMP's re-add tells nobody (r1 has no other owner now)" \
	test -z "$(sed -n "${rel1_end},\$p" "$TMP/log" | grep 'local_join')"

# Nothing sent between the release returning and IGMP re-adding reached r1.
t_rel1=$(ts "P release r1 -> NO_ERROR")
# Until IGMP's re-add begins; from then on r1 may rightly receive again.
t_readd=$(ts "IGMP re-add $GROUP if r1 begin")
gap=$(awk -v a="$t_rel1" -v b="$t_readd" '$2 > a && $2 < b' "$TMP/sink1.seq" | wc -l)
check_eq "r1 got nothing sent while it was released" "$gap" 0
after=$(awk -v b="$t_readd" '$2 > b + 50000000' "$TMP/sink1.seq" | wc -l)
check_ge "r1 receives again after IGMP re-added its member" "$after" 1000
check "the IGMP entry is back: r1 and r2" grep -q "mfe 192.0.2.1 $GROUP iif rs oifs r1 r2" <(sed -n "${readd},\$p" "$TMP/log")

# --- release r2: no IGMP there -------------------------------------------------
t_rel2=$(ts "P release r2 -> NO_ERROR")
rel2_lines=$(sed -n "/P release r2 begin/,/P release r2 ->/p" "$TMP/log")
check "no IGMP callbacks for r2" test -z "$(echo "$rel2_lines" | grep igmp)"
last2=$(sink_max_send_ns 2)
last4=$(sink_max_send_ns 4)
check "nothing sent after r2's release reached r2 (239.1.1.1)" test "$last2" -le "$t_rel2"
check "nothing sent after r2's release reached r2 (239.2.2.2 from r1)" test "$last4" -le "$t_rel2"
check_ge "r2 got 239.2.2.2 before its release" "$(sink_val 4 received)" 1000

# r2 lost nothing before its own release (r1's release did not disturb it).
sent_before=$(awk -v t="$t_rel2" '$2 < t - 20000000' "$TMP/sink2.seq" | awk '{print $1}' | sort -n | tail -n1)
got_before=$(awk -v t="$t_rel2" '$2 < t - 20000000' "$TMP/sink2.seq" | wc -l)
first=$(awk '{print $1}' "$TMP/sink2.seq" | sort -n | head -n1)
check_eq "r2: no packet lost before its release (across r1's release)" \
	"$got_before" "$((sent_before - first + 1))"
# r1 lost nothing around r2's release.
lost1=$(awk -v a="$t_readd" -v b="$t_rel2" '$2 > a + 50000000 && $2 < b + 200000000 {print $1}' "$TMP/sink1.seq" |
	sort -n | awk 'NR == 1 {p = $1; next} {if ($1 != p + 1) gaps++; p = $1} END {print gaps + 0}')
check_eq "r1: no gap around r2's release" "$lost1" 0

# --- deregister -------------------------------------------------------------------
check "deregister after releasing everything" grep -q "P deregister -> NO_ERROR" "$TMP/log"
check "the handle is rejected by every function" grep -q "P stale handle: 7 of 7 calls rejected" "$TMP/log"
check "IGMP's entry for r1 survives P's shutdown" \
	grep -q "mfe 192.0.2.1 $GROUP iif rs oifs r1$" <(sed -n '/P deregister/,$p' "$TMP/log")
summary
