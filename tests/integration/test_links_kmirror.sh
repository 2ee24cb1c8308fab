#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interfaces that go and come under the kernel mirror (mirror-kernel):
# smcroute routes rs -> r1 r2 through the kernel's VIFs, mgmd mirrors the
# entry to XDP.  Under traffic, r2 is deleted (the kernel drops its VIF)
# and a stranger is created with r2's old ifindex: the stranger receives
# nothing, r1 keeps receiving, the mirrored entry and MGM's interfaces no
# longer name the old number.  r2 re-created and smcroute reloaded (a new
# VIF, the route given r2 again): the entry is mirrored to both again and
# r2 receives by XDP.
# Needs the kernel's multicast routing (ipmr) and smcroute: elsewhere it
# says SKIP with the reason.
. "$(dirname "$0")/lib.sh"
require_root
require_feature ipmr
require_cmd smcrouted smcroute
topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf

# A key of the (SOURCE, GROUP) MFE in mgmctl's JSON ('' if none).
mfe() {
	mgmctl -j show mfe | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin) if e['source'] == '$SOURCE' and e['group'] == '$1']
print(d[0]['$2'] if d else '')"
}
# path[:reason] of the (SOURCE, GROUP) entry in the mirror ('' if none).
kpath() {
	mgmctl -j show kernel | python3 -c "
import json, sys
d = [e for e in json.load(sys.stdin)['entries'] if e['source'] == '$SOURCE' and e['group'] == '$1']
print((d[0]['path'] + ('' if d[0]['reason'] == '-' else ':' + d[0]['reason'])) if d else '')"
}
# if_owner IFINDEX: the owner mgmctl shows for the interface ('' if no row).
if_owner() {
	mgmctl -j show interfaces | python3 -c "
import json, sys
print(''.join(i['owner'] for i in json.load(sys.stdin) if i['ifindex'] == int(sys.argv[1])))" "$1"
}
# wait_eq SEC WANT CMD...: until CMD prints WANT (see poll).
wait_eq() {
	local sec=$1
	shift
	poll "$sec" out_is "$@"
}

cat >"$SMC_CONF" <<EOF
mroute from rs source $SOURCE group $GROUP to r1 r2
EOF
cat >"$CONF" <<EOF
mirror-kernel
EOF
check "smcroute starts" smc_start
check "mgmd starts with mirror-kernel" mgmd_start "$CONF"
check "(S,G) mirrored to XDP" wait_eq 3 xdp kpath "$GROUP"
check_eq "its oifs are the kernel's" "$(mfe "$GROUP" oifs)" "['r1', 'r2']"

# --- r2 deleted under traffic, a stranger takes its number ----------------------
old2=$(ifindex r2)
sink_start 1 "$NS_R1" "$GROUP"
send_bg -n 6000 -r 2000
sleep 0.5
ip -n "$NS_RTR" link del r2
sleep 0.3
ip -n "$NS_RTR" link add zz index "$old2" type veth peer name x0 netns "$NS_R2"
ip -n "$NS_RTR" link set zz up
ip -n "$NS_R2" link set x0 up
in_ns "$NS_R2" ethtool -K x0 gro on >/dev/null
check_eq "the stranger zz has r2's old ifindex" "$(ifindex zz)" "$old2"
sink_start 2 "$NS_R2" "$GROUP"
wait "$SENDER"
tsleep 0.3
sink_stop 1
sink_stop 2
check_eq "the stranger with r2's number receives nothing" "$(sink_val 2 received)" 0
check_ge "r1 kept receiving" "$(sink_val 1 received)" 5900
check_eq "the mirrored entry lists r1 only" "$(mfe "$GROUP" oifs)" "['r1']"
check "the kernel does not own the old ifindex in MGM" \
	test "$(if_owner "$old2")" != "kernel"
check "no fast-path entry sends to the stranger" \
	bash -c "! nsenter --net=/run/netns/$NS_RTR '$BUILD/mgm-dp' -r '$PIN' show | grep -qw zz"
ip -n "$NS_RTR" link del zz

# --- r2 back, smcroute reloaded: a new VIF ----------------------------------------
check "r2 re-created" veth_rcv 2 "$NS_R2"
smc reload >/dev/null 2>&1 || kill -HUP "$SMC_PID"
# smcroute (2.5) maps the new r2 to a VIF on reload but keeps its route
# without the oif it lost: added back, as an operator would.
smc add rs "$SOURCE" "$GROUP" r1 r2 >/dev/null
check "the kernel routes to both again" poll 5 eval \
	'in_rtr ip mroute show | grep -qE "Oifs: (r1 r2|r2 r1)"'
f0=$FAILED
check "the entry is mirrored to both again" wait_eq 5 "['r1', 'r2']" mfe "$GROUP" oifs
if [ "$FAILED" -ne "$f0" ]; then
	# Which layer lost it: smcroute's VIFs, the kernel's MFC or the mirror.
	say "kernel VIFs: $(in_rtr cat /proc/net/ip_mr_vif | tr '\n' '|')"
	say "kernel MFC: $(in_rtr ip mroute show | tr '\n' '|')"
	say "smcroute: $(smc show routes 2>&1 | tr '\n' '|')"
	say "mgmctl show kernel: $(mgmctl show kernel 2>&1 | tr '\n' '|')"
	say "mgmctl show mfe: $(mgmctl show mfe 2>&1 | tr '\n' '|')"
	say "smcroute log: $(tail -n 20 "$TMP/smc.log" | tr '\n' '|')"
	say "mgmd log: $(tail -n 20 "$TMP/mgmd.log" 2>/dev/null | tr '\n' '|')"
fi
check_eq "... by XDP" "$(kpath "$GROUP")" "xdp"
send -n 10 -r 100 >/dev/null
tsleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
send -n 500 -r 2000
tsleep 0.3
sink_stop 1
sink_stop 2
check_eq "the new r2 receives" "$(sink_val 2 received)" 500
check_eq "r1 too" "$(sink_val 1 received)" 500
check "mgmd is still running" kill -0 "$MGMD_PID"
mgmd_stop
smc_stop
summary
