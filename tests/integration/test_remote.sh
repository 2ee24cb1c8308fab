#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# External routing protocols: tools/mgm-remote (on libmgmclient) talks to
# mgmd over its control socket, with real traffic on the XDP fast path.
#
#  1. alpha registers P, takes rs, r1, r2, joins (*,G) on r1 and r2 and
#     (*,G2) on r1 and r2 but disables r2 in G2's creation alert.  The
#     source's G reaches r1 and r2, not r3; G2 reaches r1 only.  Its
#     callbacks (RPF, creation alerts) and every MFE/enumeration function
#     are checked through its output; a source behind a gateway shows the
#     RPF callback's upstream apart from its next hop.
#  2. beta registers Q (r3) and shows alpha's live handle is refused; then
#     alpha is killed with SIGKILL mid-traffic: mgmd releases its
#     interfaces (forwarding to r1/r2 stops, r3 goes on) and deregisters
#     it; its handle value is refused afterwards.
#  3. gamma takes rs and r1 and then stops reading its socket: the RPF and
#     creation alerts for a new flow time out, mgmd applies MGM's values
#     and keeps serving beta meanwhile.
#  4. beta, two protocols in one process: a request of one makes MGM call
#     the other back (a join alert whose callback calls mgmc_*, a prune
#     alert that must be answered) -- no deadlock, no timeout.
#  5. Garbage: truncated and wrong-sized requests, unknown types and an
#     unsolicited callback answer; the connection and the daemon go on.
#  6. mgmctl (if built): the remote protocols are listed and one is shut
#     down from outside.  SIGTERM: the seed from the client's side.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
G2=239.2.2.2
G3=239.3.3.3
G5=239.5.5.5
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1
phyint r2
phyint r3
EOF
mgmd_start "$TMP/mgmd.conf" -v || { fail "mgmd starts"; summary; exit 1; }


# ts LOG PATTERN: the timestamp of the first line matching PATTERN.
ts() { grep -m1 -E "$2" "$TMP/$1.log" | awk '{print $1}'; }

# sent_after ID T: packets a receiver got that were sent after T.
sent_after() { awk -v t="$2" '$2 > t' "$TMP/sink$1.seq" | wc -l; }
sent_before() { awk -v t="$2" '$2 < t' "$TMP/sink$1.seq" | wc -l; }

# --- 1. alpha ------------------------------------------------------------------
cat >"$TMP/a.script" <<EOF
proto P 1000 1
save P $TMP/a.handle
take P rs
take P r1
take P r2
disable P r2 $G2
join P r1 $GROUP
join P r2 $GROUP
join P r1 $G2
join P r2 $G2
owner r1
groups P all
groups P any
touch $TMP/a.ready
wait $TMP/a.go
mfe
mfe-stats 0
mfe-stats 1
get-mfe $SOURCE $GROUP
get-mfe $SOURCE $GROUP 1
set-mfe P $SOURCE $GROUP 192.0.2.99
get-mfe $SOURCE $GROUP
touch $TMP/a.done
wait $TMP/never 60
EOF
remote_start a alpha "$TMP/a.script"
check "alpha ready" wait_file "$TMP/a.ready"
for i in 1 2 3; do sink_start "$i" "$(rcv_ns $i)" "$GROUP"; done
sink_start 12 "$NS_R1" "$G2"
sink_start 22 "$NS_R2" "$G2"
send -n 3000 -r 2000 &
S1=$!
in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$G2" -p 5000 -t 16 -q -n 3000 -r 2000 &
S2=$!
wait $S1 $S2
sleep 0.2
touch "$TMP/a.go"
check "alpha queried the MFEs" wait_file "$TMP/a.done"
for i in 1 2 3 12 22; do sink_stop "$i"; done

check "alpha: registered" has a "P register -> NO_ERROR handle 0x"
check "alpha: took rs, r1, r2" test "$(grep -cE 'P take r[s12] -> NO_ERROR' "$TMP/a.log")" -eq 3
check "alpha: owner of r1 is P" has a "owner r1 -> NO_ERROR 0x000003e8 1"
check "alpha: RPF callback for the new flow" has a "cb P rpf $SOURCE $GROUP iif rs .* route rs"
check "alpha: creation alert lists its oifs" has a "cb P creation $SOURCE $GROUP iif rs oifs r1 r2$"
check "alpha: creation alert for G2, r2 disabled" has a "cb P creation $SOURCE $G2 iif rs oifs r1 r2 disabled r2$"
check_ge "r1 gets G" "$(sink_val 1 received)" 2700
check_ge "r2 gets G" "$(sink_val 2 received)" 2700
check_eq "r3 gets no G (no member)" "$(wc -l <"$TMP/sink3.seq")" 0
check_ge "r1 gets G2" "$(sink_val 12 received)" 2700
# Callbacks never hold mgmd: the entry forwards by MGM's defaults (r2
# enabled) until alpha's answer lands, within the callback timeout (250 ms,
# 500 packets at this rate); from then on r2 gets nothing.
check "r2 gets G2 only until the creation answer lands (< 250 ms)" \
	awk 'BEGIN {n = 0; m = 0} {n++; if ($1 > m) m = $1} END {exit !(n <= 500 && m < 500)}' "$TMP/sink22.seq"
check "MFE walk: G to r1 r2" has a "^[0-9]+ mfe $SOURCE $GROUP iif rs oifs r1 r2 upstream"
check "MFE walk: G2 to r1 only" has a "^[0-9]+ mfe $SOURCE $G2 iif rs oifs r1 upstream"
check "MFE walk: INSUFFICIENT_BUFFER, then 2 records to NO_MORE_ITEMS" \
	has a "mfe buffer 76 too small, need 92"
check "MFE walk ends" has a "^[0-9]+ mfe end ERROR_NO_MORE_ITEMS: 2 records"
inpk=$(grep -m1 -E "mfe-stats $SOURCE $GROUP in_packets" "$TMP/a.log" | awk '{print $6}')
check_ge "MFE stats: packets counted" "${inpk:-0}" 2700
check "MFE stats EX walk" has a "mfe-stats end ERROR_NO_MORE_ITEMS: 2 records"
check "GetMfe probe: size needed" has a "get-mfe $SOURCE $GROUP probe -> ERROR_INSUFFICIENT_BUFFER size 92"
check "GetMfeStats probe: size needed (EX, 2 oifs)" has a "get-mfe $SOURCE $GROUP probe -> ERROR_INSUFFICIENT_BUFFER size 140"
check "SetMfe" has a "P set-mfe $SOURCE $GROUP upstream 192.0.2.99 -> NO_ERROR"
check "GetMfe shows the new upstream" has a "mfe $SOURCE $GROUP iif rs oifs r1 r2 upstream 192.0.2.99"
check "groups: probe wants one record" has a "P groups probe -> ERROR_INSUFFICIENT_BUFFER size 16"
check "groups all: G and G2" has a "P groups all: 2 records in 1 calls, last ERROR_NO_MORE_ITEMS, end NO_ERROR"
check "groups any" has a "P groups any: 2 records"
# A source behind a gateway: MGM's upstream neighbour is the gateway, the
# next hop stays 0 (a broadcast link); alpha's RPF line shows both apart.
FAR=203.0.113.7
G6=239.6.6.6
ip -n "$NS_RTR" route add 203.0.113.0/24 via 192.0.2.1 dev rs
ip -n "$NS_SRC" addr add "$FAR/32" dev s0
in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$FAR" -g "$G6" -p 5000 -t 16 -q -n 20 -r 200
sleep 0.3
check "alpha: RPF of a far source: next hop 0, upstream the gateway" \
	has a "cb P rpf $FAR $G6 iif rs nh 0\.0\.0\.0 up 192\.0\.2\.1 "

# --- 2. beta, and alpha killed --------------------------------------------------
cat >"$TMP/b.script" <<EOF
proto Q 2000 1
handle A @$TMP/a.handle
stale A rs
take Q r3
join Q r3 $GROUP
touch $TMP/b.ready
wait-free r2 20
wait-free r1 5
wait-free rs 5
stale A rs
touch $TMP/b.freed
wait $TMP/b.go3
join Q r3 $G3
touch $TMP/b.joined3
wait $TMP/b.ping
ping r3 100
touch $TMP/b.pinged
wait $TMP/b.go4
proto Q2 2001 1
take Q2 r2
nest Q r3
join Q r3 $G5
join Q2 r2 $G5
leave Q2 r2 $G5
touch $TMP/b.nested
raw 33 4
raw 35 20
raw 38 36
raw 60 8
raw 63 0
raw-cbreply 99999 8
owner r3
raw 37 8
touch $TMP/b.garbage
wait $TMP/never 60
EOF
remote_start b beta "$TMP/b.script"
check "beta ready" wait_file "$TMP/b.ready"
for i in 1 2 3; do sink_start "$i" "$(rcv_ns $i)" "$GROUP"; done
send -n 15000 -r 5000 &
S1=$!
sleep 1.2
kill -KILL "${RPID[a]}"
wait "${RPID[a]}" 2>/dev/null
check "alpha's interfaces released (seen by beta)" wait_file "$TMP/b.freed" 10
wait $S1
sleep 0.2
for i in 1 2 3; do sink_stop "$i"; done

t_free1=$(ts b "free r1$")
t_free2=$(ts b "free r2$")
check "beta: alpha's live handle is refused by every function" \
	test "$(grep -m1 'A stale handle' "$TMP/b.log" | awk '{print $5}')" = 7
check "beta: alpha's dead handle is refused by every function" \
	test "$(grep 'A stale handle' "$TMP/b.log" | tail -n1 | awk '{print $5}')" = 7
check "alpha got a join alert when beta joined G" has a "cb P join 0.0.0.0 $GROUP member_update 1"
check_ge "r1 got G before the kill" "$(sent_before 1 "$t_free1")" 2000
check_ge "r2 got G before the kill" "$(sent_before 2 "$t_free2")" 2000
check_eq "r1: nothing sent after its release arrived" "$(sent_after 1 "$t_free1")" 0
check_eq "r2: nothing sent after its release arrived" "$(sent_after 2 "$t_free2")" 0
check_ge "r3 keeps receiving after alpha's death" "$(sent_after 3 $((t_free1 + 200000000)))" 1500
check "beta: creation alert for the re-created flow, r3 only" has b "cb Q creation $SOURCE $GROUP iif rs oifs r3$"
check "mgmd shut alpha down as the seed says" grep -q "remote:alpha: 3 interfaces released, deregistered" "$TMP/mgmd.log"

# --- 3. gamma stops answering ---------------------------------------------------
cat >"$TMP/c.script" <<EOF
proto R 3000 1
take R rs
take R r1
join R r1 $G3
touch $TMP/c.ready
wait $TMP/c.go
stall 3
owner r1
touch $TMP/c.done
wait $TMP/never 60
EOF
remote_start c gamma "$TMP/c.script"
check "gamma ready" wait_file "$TMP/c.ready"
touch "$TMP/b.go3"
check "beta joined G3" wait_file "$TMP/b.joined3"
sink_start 13 "$NS_R1" "$G3"
sink_start 33 "$NS_R3" "$G3"
touch "$TMP/c.go"
n=0
while ! has c "stall begin" && [ $n -lt 100 ]; do sleep 0.02; n=$((n + 1)); done
in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$G3" -p 5000 -t 16 -q -n 4000 -r 2000 &
S1=$!
touch "$TMP/b.ping"
wait $S1
check "gamma answered after its stall" wait_file "$TMP/c.done" 10
check "beta pinged" wait_file "$TMP/b.pinged" 10
sleep 0.2
sink_stop 13
sink_stop 33
t_stall_end=$(ts c "stall end")
first3=$(awk '{print $1}' "$TMP/sink33.seq" | sort -n | head -n1)
got_r3=$(awk -v t="$t_stall_end" '$3 < t' "$TMP/sink33.seq" | wc -l)
got_r1=$(awk -v t="$t_stall_end" '$3 < t' "$TMP/sink13.seq" | wc -l)
check_ge "r3 gets G3 while gamma is stuck (defaults applied)" "$got_r3" 1500
check_ge "r1 (gamma's, default: enabled) gets G3 too" "$got_r1" 1500
check "the flow did not wait for gamma's answers (first seq ${first3:-?} < 100)" \
	test "${first3:-99999}" -lt 100
check "mgmd: RPF callback timed out" grep -q "remote:gamma: no answer to the rpf callback" "$TMP/mgmd.log"
check "mgmd: creation alert timed out" grep -q "remote:gamma: no answer to the creation alert callback" "$TMP/mgmd.log"
slowest=$(grep -m1 "ping 100 slowest" "$TMP/b.log" | awk '{print $5}')
check "beta was served during gamma's stall (slowest ${slowest:-?} ms < 1000)" \
	awk -v s="${slowest:-9999}" 'BEGIN {exit !(s < 1000)}'
check "gamma got its callbacks late, and is still served" has c "owner r1 -> NO_ERROR 0x00000bb8 1"
check "gamma: late RPF callback printed" has c "cb R rpf $SOURCE $G3 iif rs"

# --- 4. one process, two protocols: callbacks during its own requests -----------
touch "$TMP/b.go4"
check "beta: nested phase done" wait_file "$TMP/b.garbage" 10
check "Q2's join made MGM alert Q (first joiner)" has b "cb Q join 0.0.0.0 $G5 member_update 1"
jl=$(grep -n -m1 -E "Q2 join r2 $G5" "$TMP/b.log" | cut -d: -f1)
nl=$(grep -n -E "owner r3 -> NO_ERROR 0x000007d0 1" "$TMP/b.log" | head -n1 | cut -d: -f1)
check "Q's join callback called mgmc_* inside Q2's request" test "${nl:-0}" -gt 0 -a "${nl:-0}" -lt "${jl:-0}"
check "Q2's join succeeded" has b "Q2 join r2 $G5 \* -> NO_ERROR"
check "Q2's leave made MGM ask Q (prune alert)" has b "cb Q prune 0.0.0.0 $G5 if r2 member_delete 1"
lms=$(grep -m1 -E "Q2 leave r2 $G5" "$TMP/b.log" | sed -n 's/.*(\([0-9.]*\) ms).*/\1/p')
check "... answered within Q2's request (${lms:-?} ms, no timeout)" \
	awk -v s="${lms:-9999}" 'BEGIN {exit !(s < 150)}'
check "no timeout for beta" test -z "$(grep 'remote:beta: no answer' "$TMP/mgmd.log")"

# --- 5. garbage ------------------------------------------------------------------
check "truncated REGISTER refused" has b "raw 33 4 -> error ERROR_INVALID_PARAMETER: REGISTER: payload of 4 bytes"
check "wrong-sized TAKE refused" has b "raw 35 20 -> error ERROR_INVALID_PARAMETER"
check "wrong-sized ADD_MEMBERSHIP refused" has b "raw 38 36 -> error ERROR_INVALID_PARAMETER"
check "unknown request type refused" has b "raw 60 8 -> error ERROR_INVALID_PARAMETER: unknown request type 60"
check "empty request of the last type refused" has b "raw 63 0 -> error ERROR_INVALID_PARAMETER"
check "unsolicited answer ignored, connection usable" \
	grep -q "owner r3 -> NO_ERROR 0x000007d0 1" <(sed -n '/raw-cbreply/,$p' "$TMP/b.log")
check "well-formed raw request answered" has b "raw 37 8 -> reply ERROR_NOT_FOUND"
check "mgmd still runs" kill -0 "$MGMD_PID"

# --- 6. mgmctl, then SIGTERM ------------------------------------------------------
if [ -x "$BUILD/mgmctl" ]; then
	out=$(mgmctl -j show protocols 2>&1)
	check "mgmctl lists beta's protocol" grep -qE "remote:beta|2000|0x000007d0" <<<"$out"
	out=$(mgmctl -j show remotes 2>&1)
	if grep -qi "unknown object" <<<"$out"; then
		say "mgmctl has no 'show remotes' yet: skipped"
	else
		check "mgmctl show remotes: gamma's timeouts counted" \
			grep -qE '"name": ?"remote:gamma", ?"protocol_id": ?3000.*"timeouts": ?2' <<<"$out"
		# The table has the remotes' own columns, not the interfaces'.
		mgmctl show remotes >"$TMP/remotes.txt" 2>&1
		check_eq "mgmctl show remotes: its own header" \
			"$(head -n 1 "$TMP/remotes.txt" | tr -s ' ')" \
			"PROTOCOL ID COMPONENT PID CONNECTED CALLBACKS TIMEOUTS BAD-ANSWERS"
		check "mgmctl show remotes: gamma's row (id in hex, connected, 2 timeouts)" \
			grep -qE '^remote:gamma +0x00000bb8 +1 +[0-9]+ +yes +[0-9]+ +2 +0$' "$TMP/remotes.txt"
	fi
	out=$(mgmctl -j shutdown remote:beta 2>&1)
	[ -n "${V:-}" ] && echo "$out" >&2
	if grep -qi "unknown protocol" <<<"$out"; then
		say "mgmctl has no remote shutdown yet: skipped"
	else
		check "mgmctl shut remote:beta down (seed steps)" \
			grep -qE '"step": ?"deregister", ?"result": ?"NO_ERROR"' <<<"$out"
		check "... released r3 first" \
			grep -qE '"step": ?"release", ?"interface": ?"r3", ?"result": ?"NO_ERROR"' <<<"$out"
		sleep 0.3
		check "beta was told" has b "Q shut down by mgmd"
	fi
else
	say "build/mgmctl missing: mgmctl checks skipped"
fi
kill -TERM "${RPID[c]}"
wait "${RPID[c]}"
check "gamma: SIGTERM releases its interfaces" test "$(grep -cE 'R release r[s1] -> NO_ERROR' "$TMP/c.log")" -eq 2
check "gamma: then deregisters" has c "R deregister -> NO_ERROR"
check "gamma left nothing for mgmd to clean up" test -z "$(grep 'remote:gamma: connection closed' "$TMP/mgmd.log")"
mgmd_stop
check "mgmd shut beta down on exit" grep -qE "remote:beta(-2)?: [0-9]+ interfaces released, deregistered" "$TMP/mgmd.log"
[ -n "${V:-}" ] && cat "$TMP/a.log" "$TMP/b.log" "$TMP/c.log" "$TMP/mgmd.log" >&2
summary
