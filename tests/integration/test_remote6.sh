#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 through the external-protocol protocol, against a running mgmd:
# tools/mgm-remote registers family-neutral protocols (mgmc_register_
# protocol_x) and adds IPv6 memberships; mgmctl shows them (JSON with
# "family", the table with IPv6 widths).  What is checked is the control
# plane: mgmd's XDP datapath may not install IPv6 entries yet, so the
# IPv6 MFE callbacks are tests/unit/test_remote_x.c's; here the RPF and
# creation alerts of a family-neutral protocol are driven by an IPv4 flow
# (the same messages, IPv4 addresses).
#
#  1. six: P (both families) takes rs, r1, r2; Q (IPv6 only) takes r3;
#     P joins (*,ff0e::1:1) on r1, (2001:db8::1,ff3e::2:2) on r2 and
#     (*,239.1.1.1) on r1.  Q is alerted of the IPv6 joins only.
#  2. mgmctl show groups -j: the memberships with family ipv6/ipv4 and
#     their addresses in text; the table lists them in aligned columns.
#  3. L, a family-neutral IGMP (MLD) on r2, joins ff05::5:5: P (r2's
#     owner) gets local join and leave; releasing r2 runs L's
#     disable/enable handoff.
#  4. An IPv4 flow to 239.1.1.1: P's family-neutral RPF and creation
#     callbacks; mgmc_get_*_mfe_x and show mfe -j (family ipv4) list it.
#  5. Leaves: the IPv6 memberships are gone from show groups; an old
#     IPv4-only client (proto) beside them still works.
. "$(dirname "$0")/lib.sh"
require_root

topo_std || { fail "topology"; summary; exit 1; }
G6=ff0e::1:1
G6B=ff3e::2:2
G6C=ff05::5:5
S6=2001:db8::1
cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1
phyint r2
phyint r3
EOF
mgmd_start "$TMP/mgmd.conf" -v || { fail "mgmd starts"; summary; exit 1; }

# groups_json: mgmctl show groups -j, parsed; py EXPR evaluates on it (d).
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# --- 1. registration and memberships ---------------------------------------------
cat >"$TMP/s.script" <<EOF
proto-x P 1000 1 46
proto-x Q 2000 1 6
take Q r3
take P rs
take P r1
take P r2
join P r1 $G6
join P r2 $G6B $S6
join P r1 $GROUP
groups-x P all
proto-x L igmp 7 6
take L r2
touch $TMP/s.joined
wait $TMP/s.go1
join L r2 $G6C
leave L r2 $G6C
touch $TMP/s.local
wait $TMP/s.go2
mfe-x
get-mfe-x $SOURCE $GROUP
get-mfe-x $S6 $G6
touch $TMP/s.mfe
wait $TMP/s.go3
leave P r1 $G6
leave P r2 $G6B $S6
release P r2
touch $TMP/s.done
wait $TMP/never 60
EOF
remote_start s six "$TMP/s.script"
check "six registered and joined" wait_file "$TMP/s.joined" 10
check "P registered for both families" has s "P register -> NO_ERROR"
check "Q registered for IPv6" has s "Q register -> NO_ERROR"
check "P's IPv6 (*,G) join" has s "P join r1 $G6 \* -> NO_ERROR"
check "P's IPv6 (S,G) join" has s "P join r2 $G6B $S6 -> NO_ERROR"
check "P's IPv4 join through the same functions" has s "P join r1 $GROUP \* -> NO_ERROR"
check "Q alerted of P's IPv6 join" has s "cb Q join :: $G6 member_update 1"
check "Q (IPv6 only) not alerted of the IPv4 one" \
	test -z "$(grep -E "cb Q join .* $GROUP " "$TMP/s.log")"
check "enumeration: the IPv6 (*,G)" has s "P group :: $G6$"
check "enumeration: the IPv6 (S,G)" has s "P group $S6 $G6B$"
check "enumeration: the IPv4 (*,G)" has s "P group 0.0.0.0 $GROUP$"
check "mgmd logged the registration's families" \
	grep -q "remote:six: registered protocol 0x000003e8 component 1 (IPv4 and IPv6)" "$TMP/mgmd.log"

# --- 2. mgmctl ------------------------------------------------------------------
mgmctl -j show groups >"$TMP/groups.json" 2>"$TMP/groups.err"
check "show groups -j parses" py "$TMP/groups.json" "len(d)"
check_eq "IPv6 (*,G): protocol, interface, source, group, family" \
	"$(py "$TMP/groups.json" "[(e['protocol'], e['interface'], e['source'], e['family']) for e in d if e['group'] == '$G6']")" \
	"[('remote:six', 'r1', '*', 'ipv6')]"
check_eq "IPv6 (S,G) in text" \
	"$(py "$TMP/groups.json" "[(e['interface'], e['source'], e['family']) for e in d if e['group'] == '$G6B']")" \
	"[('r2', '$S6', 'ipv6')]"
check_eq "IPv4 (*,G): family ipv4, as before" \
	"$(py "$TMP/groups.json" "[(e['interface'], e['source'], e['family']) for e in d if e['group'] == '$GROUP']")" \
	"[('r1', '*', 'ipv4')]"
check_eq "every object names its family" \
	"$(py "$TMP/groups.json" "all(e.get('family') in ('ipv4', 'ipv6') for e in d)")" True
mgmctl -j show remotes >"$TMP/remotes.json" 2>&1
check_eq "show remotes: the families each registered for" \
	"$(py "$TMP/remotes.json" "sorted((e['name'], e['families']) for e in d)")" \
	"[('remote:six', ['ipv4', 'ipv6']), ('remote:six-2', ['ipv6']), ('remote:six-3', ['ipv6'])]"
mgmctl show groups >"$TMP/groups.txt" 2>&1
check "table: the IPv6 (S,G) row" \
	grep -qE "^remote:six +r2 +$S6 +$G6B$" "$TMP/groups.txt"
# Columns line up: GROUP starts at the same offset in the header and in
# every row (the widest source, 2001:db8::1, sets SOURCE's width).
off=$(awk 'NR == 1 {print index($0, "GROUP")}' "$TMP/groups.txt")
bad=$(awk -v o="$off" 'NR > 1 && substr($0, o - 2, 2) != "  " {print}' "$TMP/groups.txt")
check "table: GROUP aligned at column ${off:-?} in every row" test -n "$off" -a -z "$bad"

# --- 3. local join/leave, the handoff ----------------------------------------------
touch "$TMP/s.go1"
check "L's join and leave done" wait_file "$TMP/s.local" 10
check "L (IGMP, IPv6) joined on r2" has s "L join r2 $G6C \* -> NO_ERROR"
check "P, r2's owner, got the local join" has s "cb P local_join :: $G6C if r2"
check "... and the local leave" has s "cb P local_leave :: $G6C if r2"

# --- 4. an IPv4 flow: the family-neutral callbacks, the _x queries ----------------
sink_start 1 "$NS_R1" "$GROUP"
send -n 100 -r 500
sleep 0.3
touch "$TMP/s.go2"
check "MFE queries done" wait_file "$TMP/s.mfe" 10
sink_stop 1
check "P's RPF callback (family-neutral, IPv4 flow)" has s "cb P rpf $SOURCE $GROUP iif rs"
check "P's creation alert" has s "cb P creation $SOURCE $GROUP iif rs oifs r1"
check_ge "r1 received the flow" "$(sink_val 1 received)" 40
check "mgmc_get_first/next_mfe_x list it" has s "mfe $SOURCE $GROUP iif rs oifs r1 upstream"
check "... and the walk ends" has s "mfe end ERROR_NO_MORE_ITEMS: 1 records"
check "mgmc_get_mfe_x finds it" has s "get-mfe $SOURCE $GROUP -> NO_ERROR"
check "no IPv6 MFE (no IPv6 traffic)" has s "get-mfe $S6 $G6 probe -> ERROR_NOT_FOUND"
mgmctl -j show mfe >"$TMP/mfe.json" 2>&1
check_eq "show mfe -j: the entry with family ipv4" \
	"$(py "$TMP/mfe.json" "[(e['source'], e['group'], e['family'], e['iif']) for e in d]")" \
	"[('$SOURCE', '$GROUP', 'ipv4', 'rs')]"
mgmctl -j show mfe group "$G6" >"$TMP/mfe6.json" 2>&1
check_eq "show mfe group IPV6: accepted, nothing listed" "$(py "$TMP/mfe6.json" "d")" "[]"
out=$(mgmctl -j show mfe group 2001:db8::9 2>&1)
check "show mfe group UNICAST6: refused" grep -q "needs a multicast group" <<<"$out"

# --- 5. leaves, an old client beside ------------------------------------------------
cat >"$TMP/o.script" <<EOF
proto O 3000 1
take O r2
join O r2 239.7.7.7
touch $TMP/o.done
wait $TMP/never 60
EOF
touch "$TMP/s.go3"
check "six left" wait_file "$TMP/s.done" 10
check "P's IPv6 leaves" test "$(grep -cE "P leave r[12] ff[0-9a-f:]+ .* -> NO_ERROR" "$TMP/s.log")" -eq 2
check "releasing r2 ran L's MLD handoff (disable)" has s "cb L disable_igmp if r2"
check "... (enable)" has s "cb L enable_igmp if r2"
remote_start o old "$TMP/o.script"
check "an IPv4 client (proto) beside" wait_file "$TMP/o.done" 10
check "its IPv4 join" has o "O join r2 239.7.7.7 \* -> NO_ERROR"
mgmctl -j show remotes >"$TMP/remotes2.json" 2>&1
check_eq "show remotes: an IPv4 client's protocol is IPv4 only" \
	"$(py "$TMP/remotes2.json" "[e['families'] for e in d if e['name'] == 'remote:old']")" \
	"[['ipv4']]"
mgmctl -j show groups >"$TMP/groups2.json" 2>&1
check_eq "show groups: no IPv6 membership of P left, L's gone" \
	"$(py "$TMP/groups2.json" "sorted((e['protocol'], e['group'], e['family']) for e in d)")" \
	"[('remote:old', '239.7.7.7', 'ipv4'), ('remote:six', '$GROUP', 'ipv4')]"
kill -TERM "${RPID[s]}" "${RPID[o]}"
wait "${RPID[s]}" "${RPID[o]}"
check "SIGTERM: six deregistered its protocols" \
	test "$(grep -c "deregister -> NO_ERROR" "$TMP/s.log")" -eq 3
mgmd_stop
check "mgmd still had nothing to clean up" \
	test -z "$(grep 'remote:six: connection closed' "$TMP/mgmd.log")"
[ -n "${V:-}" ] && cat "$TMP/s.log" "$TMP/o.log" "$TMP/mgmd.log" >&2
summary
