#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmd's metrics (README, "Metrics"): the Prometheus text of
# `mgmctl show stats --format prometheus` and of the metrics-listen HTTP
# listener, parsed with Prometheus' own parser (python3-prometheus-client)
# and checked against `mgmctl -j show stats` / `show interfaces` taken
# just before and just after the scrape, traffic stopped; per-MFE series
# absent by default and capped by metrics-mfe-limit; the listener's
# refusals (404, 405, 400, 431), silent clients that never block a
# scrape, many concurrent scrapes, IPv6, and the configuration's errors.
# IGMP and MLD run on r3, where a host's kernel joins an IPv6 group with
# MLDv2: MLD's rows are mgm_mld_* series beside IGMP's unchanged
# mgm_igmp_* ones, their groups as many as `show groups` lists.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd curl curl

PY=""
for p in /usr/bin/python3 python3; do
	if "$p" -c 'import prometheus_client.parser' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	skip "$TEST_NAME" "python3-prometheus-client is not installed (tools/deps.sh installs it)"
	summary
	exit 0
fi
CHECK=$ROOT/tests/integration/metrics_check.py
HEADER=$ROOT/include/mgm_fwd.h

# pycheck ARGS...: the checker's PASS/FAIL lines, counted here.
pycheck() {
	local line
	while IFS= read -r line; do
		case $line in
		"PASS "*) pass "${line#PASS }" ;;
		"FAIL "*) fail "${line#FAIL }" ;;
		*) say "$line" ;;
		esac
	done < <(in_rtr "$PY" "$CHECK" "$@" 2>&1)
}

CONF=$TMP/mgmd.conf
PORT=$((20000 + $$ % 20000))

# --- the configuration's errors (mgmd -t), each naming file:line -------------
bad_conf() { # WHAT TEXT MESSAGE
	printf 'phyint rs\n%s\n' "$2" >"$TMP/bad.conf"
	"$BUILD/mgmd" -t -f "$TMP/bad.conf" >/dev/null 2>"$TMP/bad.err"
	check "$1: refused" test $? -ne 0
	check "$1: the error names file:line and the problem" \
		grep -qF "$TMP/bad.conf:2: $3" "$TMP/bad.err"
}
bad_conf "no port" "metrics-listen 127.0.0.1" "metrics-listen: '127.0.0.1' needs a port 1..65535"
bad_conf "port 0" "metrics-listen 127.0.0.1:0" "metrics-listen: '127.0.0.1:0' needs a port 1..65535"
bad_conf "port 65536" "metrics-listen 127.0.0.1:65536" "metrics-listen: '127.0.0.1:65536' needs a port 1..65535"
bad_conf "a name" "metrics-listen localhost:9100" "metrics-listen: 'localhost' is not an IPv4 address"
bad_conf "IPv6 without brackets" "metrics-listen ::1:9100" "metrics-listen: '::1' is not an IPv4 address (IPv6: [ADDR]:PORT)"
bad_conf "unclosed bracket" "metrics-listen [::1:9100" "metrics-listen: bad address"
bad_conf "a bad IPv6" "metrics-listen [fe80::zz]:9100" "metrics-listen: 'fe80::zz' is not an IPv6 address"
bad_conf "two words" "metrics-listen 127.0.0.1:9100 extra" "expected 'metrics-listen ADDR:PORT'"
bad_conf "limit too big" "metrics-mfe-limit 10001" "metrics-mfe-limit needs 0..10000, not '10001'"
bad_conf "limit negative" "metrics-mfe-limit -1" "metrics-mfe-limit needs 0..10000"
printf 'metrics-listen 127.0.0.1:9100\nmetrics-listen [::1]:9100\n' >"$TMP/bad.conf"
"$BUILD/mgmd" -t -f "$TMP/bad.conf" >/dev/null 2>"$TMP/bad.err"
check "metrics-listen twice: refused, naming the first line" \
	grep -qF "$TMP/bad.conf:2: metrics-listen already given on line 1" "$TMP/bad.err"
ok_conf() { "$BUILD/mgmd" -t -f "$TMP/ok.conf" >/dev/null; }
printf 'metrics-listen 127.0.0.1:9100\nmetrics-mfe-limit 100\n' >"$TMP/ok.conf"
check "IPv4 listen and a limit: mgmd -t accepts" ok_conf
printf 'metrics-listen [::]:9100\nmetrics-mfe-limit 0\n' >"$TMP/ok.conf"
check "[::]:PORT: mgmd -t accepts" ok_conf

topo_std || { fail "topology"; summary; exit 1; }

# --- a port already taken: the start is refused, naming the line ----------------
# Directly, not through in_rtr: $! must be the holder itself.
nsenter --net="/run/netns/$NS_RTR" "$PY" -c "
import socket, time
s = socket.socket(); s.bind(('127.0.0.1', $PORT)); s.listen(1)
open('$TMP/held', 'w').close(); time.sleep(20)" &
HOLDER=$!
BG_PIDS+=("$HOLDER")
n=0
while [ ! -e "$TMP/held" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
printf 'phyint rs\nmetrics-listen 127.0.0.1:%s\n' "$PORT" >"$CONF"
timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" \
	-s "$MGMD_SOCK" --pin-root "$PIN" 2>"$TMP/taken.err"
check "port in use: mgmd exits non-zero" test $? -ne 0
check "port in use: the error names file:line and why" \
	grep -qF "$CONF:2: metrics-listen 127.0.0.1:$PORT: Address already in use" "$TMP/taken.err"
check "port in use: nothing attached" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
kill "$HOLDER" 2>/dev/null
wait "$HOLDER" 2>/dev/null

# --- off by default --------------------------------------------------------------------
printf 'phyint rs\nmroute from rs group 239.1.1.0/24 to r1 r2\n' >"$CONF"
check "mgmd starts without metrics-listen" mgmd_start "$CONF"
check "no listener by default (no TCP socket)" \
	test -z "$(in_rtr ss -Htln 2>/dev/null)"
mgmctl show stats --format prometheus >"$TMP/off.prom"
check "show stats --format prometheus works without a listener" \
	grep -q '^mgm_fastpath_rx_total ' "$TMP/off.prom"
mgmd_stop

# --- three flows, then a scrape between two show stats ---------------------------
cat >"$CONF" <<EOF
phyint rs
phyint r3 igmp mld
mroute from rs group 239.1.1.0/24 to r1 r2
metrics-listen 127.0.0.1:$PORT
EOF
# MLD's source is r3's link-local address: there once the link is up.
n=0
while [ $n -lt 50 ] && ! ip -n "$NS_RTR" -6 addr show dev r3 scope link | grep -q fe80; do
	sleep 0.1
	n=$((n + 1))
done
in_ns "$NS_R3" sysctl -qw net.ipv6.conf.x0.mldv2_unsolicited_report_interval=100
check "mgmd starts with metrics-listen" mgmd_start "$CONF"
# R3's kernel joins ff0e::1:1 (MLDv2) and 239.2.2.2 (IGMPv3): real reports.
sink_start 6 "$NS_R3" ff0e::1:1 --join
sink_start 4 "$NS_R3" 239.2.2.2 --join
n=0
until mgmctl -j show groups 2>/dev/null | grep -q '"interface":"r3","source":"\*","group":"ff0e::1:1"'; do
	[ $n -ge 60 ] && break
	sleep 0.05
	n=$((n + 1))
done
listening() { in_rtr ss -Htln "sport = :$1" | grep -q LISTEN; }
check "it listens on 127.0.0.1:$PORT" listening "$PORT"
for g in 1 2 3; do
	GROUP=239.1.1.$g send -n 5 -r 100
done
sleep 0.3
for g in 1 2 3; do
	GROUP=239.1.1.$g check "send 200 to 239.1.1.$g" send -n 200 -r 4000
done
sleep 0.5 # traffic stopped: the counters stand still
mgmctl -j show stats >"$TMP/s1.json"
mgmctl -j show interfaces >"$TMP/i1.json"
in_rtr curl -sS -o "$TMP/http.prom" -w '%{http_code}' "http://127.0.0.1:$PORT/metrics" >"$TMP/code"
mgmctl -j show stats >"$TMP/s2.json"
mgmctl -j show interfaces >"$TMP/i2.json"
check_eq "curl GET /metrics: 200" "$(cat "$TMP/code")" 200
pycheck format "$TMP/http.prom" "$HEADER"
pycheck compare "$TMP/http.prom" "$TMP/s1.json" "$TMP/s2.json" "$TMP/i1.json" "$TMP/i2.json"
pycheck mfe "$TMP/http.prom" 0
mgmctl -j show groups >"$TMP/groups.json"
pycheck gm "$TMP/http.prom" "$TMP/groups.json" r3
check "IGMP's series for r3 (its start-up query sent)" \
	grep -qE '^mgm_igmp_tx_general_queries_total\{interface="r3"\} [1-9]' "$TMP/http.prom"
check "IGMP's queries by version" \
	grep -qE '^mgm_igmp_rx_queries_total\{interface="r3",version="2"\} 0$' "$TMP/http.prom"
check "MLD's reports from R3's kernel, by MLD version" \
	grep -qE '^mgm_mld_rx_reports_total\{interface="r3",version="2"\} [1-9]' "$TMP/http.prom"
check "MLD's start-up query sent" \
	grep -qE '^mgm_mld_tx_general_queries_total\{interface="r3"\} [1-9]' "$TMP/http.prom"
check "IGMP's and MLD's series have no family label" \
	test -z "$(grep -E '^mgm_(igmp|mld)_.*family=' "$TMP/http.prom")"
check "per protocol: static owns its interfaces" \
	grep -qE '^mgm_protocol_interfaces\{protocol="static"\} [1-9]' "$TMP/http.prom"

# The same renderer through the control socket.
mgmctl -j show stats >"$TMP/s1.json"
mgmctl -j show interfaces >"$TMP/i1.json"
mgmctl show stats --format prometheus >"$TMP/ctl.prom"
check "mgmctl show stats --format prometheus: exit 0" test $? -eq 0
mgmctl -j show stats >"$TMP/s2.json"
mgmctl -j show interfaces >"$TMP/i2.json"
pycheck format "$TMP/ctl.prom" "$HEADER"
pycheck compare "$TMP/ctl.prom" "$TMP/s1.json" "$TMP/s2.json" "$TMP/i1.json" "$TMP/i2.json"
check_eq "both ways give the same metric names" \
	"$(grep '^# TYPE' "$TMP/ctl.prom" | md5sum)" "$(grep '^# TYPE' "$TMP/http.prom" | md5sum)"
sink_stop 4
sink_stop 6
mgmctl show mfe --format prometheus >/dev/null 2>"$TMP/fmt.err"
check_eq "--format prometheus elsewhere: usage error (2)" "$?" 2
check "  ... saying it is for show stats" grep -q "is for show stats only" "$TMP/fmt.err"
mgmctl show stats --format yaml >/dev/null 2>"$TMP/fmt.err"
check_eq "--format yaml: usage error (2)" "$?" 2

# --- the listener: refusals, silent clients, many at once -------------------------
pycheck http 127.0.0.1 "$PORT"
pycheck idle 127.0.0.1 "$PORT" 40
pycheck many 127.0.0.1 "$PORT" 40
check "mgmd still up after all that" kill -0 "$MGMD_PID"
in_rtr curl -sS -o "$TMP/after.prom" "http://127.0.0.1:$PORT/metrics"
check "the listener counted its 404s" \
	grep -qE '^mgm_metrics_http_answers_total\{code="404"\} [3-9]' "$TMP/after.prom"
check "... its 405s, 400s and 431s" \
	grep -qE '^mgm_metrics_http_answers_total\{code="405"\} [3-9]' "$TMP/after.prom"
check "... and the silent clients it evicted or timed out" \
	test "$(sed -n 's/^mgm_metrics_http_\(evicted\|timeouts\)_total //p' "$TMP/after.prom" |
		awk '{s += $1} END {print s + 0}')" -ge 20
check "and answers mgmctl" mgmctl -j show stats >/dev/null

# --- per-MFE series, capped (a reload applies metrics-mfe-limit) -------------------
echo "metrics-mfe-limit 2" >>"$CONF"
mgmctl reload >"$TMP/reload.out"
check "reload reports the new limit" grep -q "metrics-mfe-limit: 0 -> 2" "$TMP/reload.out"
mgmctl -j show mfe >"$TMP/mfe.json"
in_rtr curl -sS -o "$TMP/mfe.prom" "http://127.0.0.1:$PORT/metrics"
pycheck mfe "$TMP/mfe.prom" 2 "$TMP/mfe.json"
mgmctl show stats --format prometheus >"$TMP/mfe2.prom"
pycheck mfe "$TMP/mfe2.prom" 2 "$TMP/mfe.json"
sed -i 's/^metrics-mfe-limit 2$/metrics-mfe-limit 10/' "$CONF"
mgmctl reload >/dev/null
in_rtr curl -sS -o "$TMP/mfe.prom" "http://127.0.0.1:$PORT/metrics"
pycheck mfe "$TMP/mfe.prom" 10 "$TMP/mfe.json"
sed -i "s/^metrics-listen .*/metrics-listen 127.0.0.1:$((PORT + 1))/" "$CONF"
mgmctl reload >"$TMP/reload.out"
check "a changed metrics-listen applies at the next start" \
	grep -q "metrics-listen: '127.0.0.1:$PORT' -> '127.0.0.1:$((PORT + 1))' (applies at the next start)" "$TMP/reload.out"
mgmd_stop
check "the listener is gone with mgmd" test -z "$(in_rtr ss -Htln "sport = :$PORT")"
mgmctl show stats --format prometheus >"$TMP/down.prom" 2>"$TMP/down.err"
check_eq "--format prometheus without mgmd: exit 1" "$?" 1
check "  ... saying mgmd is not running" grep -q "mgmd is not running" "$TMP/down.err"
check "  ... printing nothing" test ! -s "$TMP/down.prom"

# --- IPv6 ----------------------------------------------------------------------------
if in_rtr ip -6 addr show dev lo 2>/dev/null | grep -q '::1/128'; then
	printf 'phyint rs\nmetrics-listen [::1]:%s\n' "$PORT" >"$CONF"
	check "mgmd starts with metrics-listen [::1]:$PORT" mgmd_start "$CONF"
	in_rtr curl -sS -g -o "$TMP/v6.prom" -w '%{http_code}' "http://[::1]:$PORT/metrics" >"$TMP/code"
	check_eq "GET over IPv6: 200" "$(cat "$TMP/code")" 200
	pycheck format "$TMP/v6.prom" "$HEADER"
	check "not on IPv4 (v6only)" test -z "$(in_rtr ss -Htln "sport = :$PORT" | grep -v '\[::1\]')"
	mgmd_stop
else
	skip "IPv6 listener" "no ::1 in the router namespace (IPv6 disabled)"
fi

summary
