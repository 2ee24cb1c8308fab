#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd's MLD router with real hosts: receivers join and leave IPv6 groups
# through their kernels (MLDv2 on r1 and r3, MLDv1 forced on r2, where
# IGMP runs too); mgmd is the querier on each link (its queries come from
# the link-local address, hop limit 1, Router Alert -- the hosts' kernels
# answer them, so memberships outlive the listener interval), learns
# the memberships into MGM (show groups, family ipv6), (S,G) for an SSM
# join, and drops them after the hosts leave.  mgmctl releases and takes
# MLD on an interface; static, sharing r1 with MLD, shuts down with the
# seed's handoff there (MLD's membership re-added).  Forwarding IPv6 is
# the fast path's part (not here).
. "$(dirname "$0")/lib.sh"
require_root

G6=ff0e::1:1
SSM6=ff3e::1:1
SRC6=2001:db8::1

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
cat >"$CONF" <<EOF
phyint rs
phyint r1 mld
phyint r2 igmp v3 mld v1
phyint r3 mld v2
# static shares r1 with MLD: its shutdown is the seed's handoff there
mroute from rs group ff0e::9:9 to r1
igmp query-interval 2
igmp query-response-interval 1
igmp last-member-query-interval 200
igmp robustness 2
EOF
in_ns "$NS_R2" sysctl -qw net.ipv6.conf.x0.force_mld_version=1
for ns in "$NS_R1" "$NS_R2" "$NS_R3"; do
	# Hosts answer queries quickly, and a lone join is reported at once.
	in_ns "$ns" sysctl -qw net.ipv6.conf.x0.mldv1_unsolicited_report_interval=100
	in_ns "$ns" sysctl -qw net.ipv6.conf.x0.mldv2_unsolicited_report_interval=100
done
# The router's link-local addresses (its MLD source) are there once the
# links are up; DAD may still run, which does not matter to MLD.
n=0
while [ $n -lt 50 ] && ! ip -n "$NS_RTR" -6 addr show dev r3 scope link | grep -q fe80; do
	sleep 0.1
	n=$((n + 1))
done
check "mgmd starts with MLD on r1, r2 (v1, with IGMP) and r3" mgmd_start "$CONF" -v

mgmctl -j show interfaces >"$TMP/ifs.json"
check "r1 runs MLDv2" grep -q '"name":"r1"[^}]*"mld_version":2' "$TMP/ifs.json"
check "r2 runs IGMPv3 and MLDv1" \
	grep -q '"name":"r2"[^}]*"igmp_version":3,"mld_version":1' "$TMP/ifs.json"

# --- the querier: the hosts' kernels see mgmd's queries --------------------------
# A general query every 2 s from the router's link-local address; tcpdump
# on a host shows it as MLD with hop limit 1.
if command -v tcpdump >/dev/null; then
	ip netns exec "$NS_R1" timeout 3 tcpdump -c 1 -ni x0 -vv \
		'ip6[6] == 0 and ip6[40] == 58 and ip6[48] == 130' >"$TMP/q1.txt" 2>/dev/null
	ll1=$(ip -n "$NS_RTR" -6 -o addr show dev r1 scope link | awk '{print $4}' | cut -d/ -f1)
	check "r1's host sees an MLDv2 general query from $ll1" \
		grep -q "$ll1 > ff02::1: HBH .*multicast listener query v2" "$TMP/q1.txt"
	check "with hop limit 1" grep -q "hlim 1" "$TMP/q1.txt"
else
	skip "query on the wire" "tcpdump is missing"
fi

# --- joins: MLDv2 on r1, MLDv1 on r2, MLDv2 SSM on r3 ------------------------------
sink_start 1 "$NS_R1" "$G6" --join
sink_start 2 "$NS_R2" "$G6" --join
sink_start 3 "$NS_R3" "$SSM6" --source "$SRC6"
sleep 1.5
mgmctl -j show groups >"$TMP/groups.json"
[ -n "${V:-}" ] && cat "$TMP/groups.json" >&2
check "MLDv2 (*,G) membership on r1" \
	grep -q '"protocol":"igmp","interface":"r1","source":"\*","group":"ff0e::1:1","family":"ipv6"' "$TMP/groups.json"
check "MLDv1 (*,G) membership on r2" \
	grep -q '"protocol":"igmp","interface":"r2","source":"\*","group":"ff0e::1:1","family":"ipv6"' "$TMP/groups.json"
check "MLDv2 (S,G) membership on r3 (SSM)" \
	grep -q '"protocol":"igmp","interface":"r3","source":"2001:db8::1","group":"ff3e::1:1","family":"ipv6"' "$TMP/groups.json"
check "no link-scope group (solicited-node, ff02::) became a membership" \
	test -z "$(grep -o '"group":"ff02::[^"]*"' "$TMP/groups.json")"
check "mgmd logged the MLD join" grep -q "mld: join (\*,ff0e::1:1) on r1 -> NO_ERROR" "$TMP/mgmd.log"

# --- the hosts answer mgmd's queries: the memberships outlive the GMI (5 s) ----------
sleep 5
mgmctl -j show groups >"$TMP/groups.json"
check "r1 (MLDv2) still a member after 6.5 s: its host answers the queries" \
	grep -q '"interface":"r1","source":"\*","group":"ff0e::1:1","family":"ipv6"' "$TMP/groups.json"
check "r2 (MLDv1 queries, v1 host) still a member" \
	grep -q '"interface":"r2","source":"\*","group":"ff0e::1:1","family":"ipv6"' "$TMP/groups.json"
check "r3's (S,G) still there" \
	grep -q '"interface":"r3","source":"2001:db8::1","group":"ff3e::1:1","family":"ipv6"' "$TMP/groups.json"

# --- leaves: the memberships go after the last listener queries --------------------
kill -USR2 "${SINK_PID[1]}"
kill -USR2 "${SINK_PID[2]}"
sleep 2
mgmctl -j show groups >"$TMP/groups.json"
check "r1's membership gone after its MLDv2 leave" \
	test -z "$(grep -o '"protocol":"igmp","interface":"r1"' "$TMP/groups.json")"
check "r2's membership gone after its MLDv1 done" \
	test -z "$(grep -o '"protocol":"igmp","interface":"r2"' "$TMP/groups.json")"
check "r3's (S,G) stays" grep -q '"interface":"r3","source":"2001:db8::1","group":"ff3e::1:1","family":"ipv6"' "$TMP/groups.json"
sink_stop 3
sleep 2
mgmctl -j show groups >"$TMP/groups.json"
check "r3's (S,G) gone after its leave" \
	test -z "$(grep -o '"protocol":"igmp","interface":"r3"' "$TMP/groups.json")"
check "mgmd logged no MGM error" bash -c "! grep -q 'MGM add\|MGM delete' '$TMP/mgmd.log'"
sink_stop 1
sink_stop 2

# --- mgmctl: MLD off and on again on an interface ------------------------------------
sink_start 3 "$NS_R3" "$G6" --join
sleep 1.5
mgmctl -j release r3 mld >"$TMP/rel.json" 2>&1
check "release r3 mld" grep -q '"released":"r3","protocol":"mld"' "$TMP/rel.json"
mgmctl -j show groups >"$TMP/groups.json"
check "r3's membership went with MLD" \
	test -z "$(grep -o '"protocol":"igmp","interface":"r3"' "$TMP/groups.json")"
mgmctl -j show interfaces >"$TMP/ifs.json"
check "r3 runs no MLD" bash -c "! grep -q '\"name\":\"r3\"[^}]*mld_version' '$TMP/ifs.json'"
mgmctl -j take r3 mld >"$TMP/take.json" 2>&1
check "take r3 mld" grep -q '"taken":"r3","protocol":"mld"' "$TMP/take.json"
sleep 2.5
mgmctl -j show groups >"$TMP/groups.json"
check "the host answers the new querier: r3 is a member again" \
	grep -q '"interface":"r3","source":"\*","group":"ff0e::1:1","family":"ipv6"' "$TMP/groups.json"

# --- the seed: static releases r1, which MLD shares -----------------------------------
sink_start 1 "$NS_R1" "$G6" --join
sleep 1.5
mgmctl shutdown static >"$TMP/shutdown.txt" 2>&1
check "shutdown static succeeded" test $? -eq 0
[ -n "${V:-}" ] && cat "$TMP/shutdown.txt" >&2
order=$(grep -o -E "release|igmp-disable|igmp-enable|igmp-re-add|deregister" "$TMP/shutdown.txt" |
	uniq | tr '\n' ' ')
check "steps: release with disable, enable and the re-add, then deregister ($order)" \
	bash -c "echo '$order' | grep -q 'release .*igmp-disable igmp-enable .*igmp-re-add.* deregister'"
check "MLD's membership is what was re-added" \
	grep -q "igmp-re-add.*interface=r1.*group=ff0e::1:1.*NO_ERROR" "$TMP/shutdown.txt"
mgmctl -j show groups >"$TMP/groups.json"
check "r1's MLD membership is there after the handoff" \
	grep -q '"interface":"r1","source":"\*","group":"ff0e::1:1","family":"ipv6"' "$TMP/groups.json"
sink_stop 1
sink_stop 3
summary
