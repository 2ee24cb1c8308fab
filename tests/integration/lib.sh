# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# lib.sh - shared harness of the network-namespace integration tests.
#
# Each test sources this, builds its hosts with topo_std (or its own),
# sends real packets with build/mcsend and counts them at the receivers
# with build/mcsink.  Namespace names and the pin root are unique per run
# (prefix $T), and everything is removed on exit, also on failure or ^C.
#
# The standard topology:
#
#   $NS_SRC                 $NS_RTR                      $NS_R1..3
#   s0 192.0.2.1 ---- rs 192.0.2.254
#                           r1 198.51.100.1/26 ----- x0 198.51.100.2
#                           r2 198.51.100.65/26 ---- x0 198.51.100.66
#                           r3 198.51.100.129/26 --- x0 198.51.100.130

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${OUT:-build}
[[ $BUILD = /* ]] || BUILD=$ROOT/$BUILD
TEST_NAME=$(basename "$0" .sh)
T=mgm$$
NS_SRC=$T-src
NS_RTR=$T-rtr
NS_R1=$T-r1
NS_R2=$T-r2
NS_R3=$T-r3
PIN=/sys/fs/bpf/$T
TMP=$(mktemp -d "/tmp/$T.XXXX")
GROUP=239.1.1.1
SOURCE=192.0.2.1
PASSED=0
FAILED=0
SKIPPED=0
BG_PIDS=()
EXTRA_NS=()

say() { printf '   %s\n' "$*" >&2; }

# MGM_TEST_TIME_SCALE: a whole factor (default 1) for the waits of the
# tests, for a machine far slower than a normal one (an emulated guest:
# tests/run.sh vm with VM_ACCEL=tcg).  It stretches the time given to
# daemons to start, senders to run and packets to drain; never a latency
# the product promises (those checks keep their bound).  TS is the factor.
TS=${MGM_TEST_TIME_SCALE:-1}
case $TS in '' | 0* | *[!0-9]*)
	echo "MGM_TEST_TIME_SCALE must be a whole number from 1, not '$TS'"
	echo "0 passed, 1 failed"
	exit 1 ;;
esac

# tsleep SEC: sleep SEC seconds times the scale.
tsleep() {
	if [ "$TS" -eq 1 ]; then
		sleep "$1"
	else
		sleep "$(awk -v s="$1" -v k="$TS" 'BEGIN { print s * k }')"
	fi
}

pass() {
	PASSED=$((PASSED + 1))
	[ -n "${V:-}" ] && printf 'ok   %s\n' "$*" >&2
	return 0
}

fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s\n' "$*" >&2
	return 0
}

# skip NAME REASON: a part this machine cannot run (a kernel feature, a
# package).  Counted as skipped, never as passed.
skip() {
	SKIPPED=$((SKIPPED + 1))
	printf 'SKIP %s: %s\n' "$1" "$2"
	return 0
}

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
	local d=$1
	shift
	if "$@"; then pass "$d"; else fail "$d"; fi
}

# check_eq DESCRIPTION GOT WANT
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', want '$3'"; fi
}

# check_ge DESCRIPTION GOT MIN
check_ge() {
	if [ "$2" -ge "$3" ] 2>/dev/null; then pass "$1"; else fail "$1: got '$2', want >= $3"; fi
}

cleanup() {
	local pid ns
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	for ns in "$NS_SRC" "$NS_RTR" "$NS_R1" "$NS_R2" "$NS_R3" "${EXTRA_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	"$BUILD/mgm-dp" -r "$PIN" unpin 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary() {
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" -eq 0 ]
}

# feature NAME / feature_disabled NAME: optional features, probed.
. "$ROOT/tools/features.sh"

# require_cmd COMMAND PACKAGE: the whole test needs COMMAND (a name on
# PATH or a path); where it is missing the test is skipped, naming the
# Debian package that brings it.
require_cmd() {
	command -v "$1" >/dev/null && return 0
	skip "$TEST_NAME" "$1 is missing (Debian package $2; tools/deps.sh installs it)"
	summary
	exit 0
}

# require_feature NAME: the whole test needs NAME; where it is absent the
# test says SKIP with the reason and ends here (cleanup still runs).
require_feature() {
	feature "$1" && return 0
	skip "$TEST_NAME" "$FEATURE_WHY"
	summary
	exit 0
}

# require_ipv6: skip the test on a kernel without IPv6.
require_ipv6() {
	[ -d /proc/sys/net/ipv6 ] && return 0
	skip "$TEST_NAME" "this kernel has no IPv6 (ipv6.disable=1?)"
	summary
	exit 0
}

# poll SEC COMMAND...: run COMMAND every 50 ms until it succeeds; give up
# (status 1) once both SEC * 20 tries and SEC seconds times the scale have
# passed.  The tries keep a loaded machine, where each try takes longer
# than 50 ms, from giving up early; the clock keeps an emulated guest,
# where a try can take seconds, from waiting SEC * 20 * the scale tries.
poll() {
	local n=0 max end
	max=$(awk -v s="$1" 'BEGIN { printf "%d", s * 20 }')
	end=$(awk -v s="$1" -v k="$TS" -v t="${EPOCHREALTIME//[!0-9]/}" \
		'BEGIN { printf "%.0f", t + s * k * 1000000 }')
	shift
	until "$@"; do
		[ $n -ge "$max" ] && [ "${EPOCHREALTIME//[!0-9]/}" -ge "$end" ] &&
			return 1
		sleep 0.05
		n=$((n + 1))
	done
}

# out_is WANT COMMAND...: COMMAND prints WANT (for poll).
out_is() {
	local want=$1
	shift
	[ "$("$@")" = "$want" ]
}

# wait_log PATTERN: until $TMP/log (a controller's output) has a line
# matching PATTERN (ERE), 5 s at most.
wait_log() { poll 5 grep -qE "$1" "$TMP/log"; }

# Run in a namespace.  in_ns remounts /sys (ip netns exec), so for
# anything that needs the pins in /sys/fs/bpf use in_rtr (nsenter).
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

in_rtr() {
	nsenter --net="/run/netns/$NS_RTR" "$@"
}

mgmdp() {
	in_rtr "$BUILD/mgm-dp" -r "$PIN" "$@"
}

mac_of() {
	ip -n "$1" link show dev "$2" | awk '/link\/ether/ {print $2}'
}

rcv_ns() {
	case $1 in 1) echo "$NS_R1" ;; 2) echo "$NS_R2" ;; 3) echo "$NS_R3" ;; esac
}

# veth_rcv I NS: (re)create receiver link I: r$I in the router, x0 in NS,
# 198.51.100.(64(I-1)+1)/26 and +2, up, GRO on the receiving side.
veth_rcv() {
	local i=$1 ns=$2 base=$((($1 - 1) * 64))
	ip link add x0 netns "$ns" type veth peer name "r$i" netns "$NS_RTR" || return 1
	ip -n "$NS_RTR" addr add "198.51.100.$((base + 1))/26" dev "r$i"
	ip -n "$ns" addr add "198.51.100.$((base + 2))/26" dev x0
	ip -n "$NS_RTR" link set "r$i" up
	ip -n "$ns" link set x0 up
	# XDP frames redirected into a veth are only delivered if the
	# peer runs XDP or has GRO on (see platform-notes).
	in_ns "$ns" ethtool -K x0 gro on >/dev/null
}

# ifindex IF: the router's ifindex of IF.
ifindex() { ip -n "$NS_RTR" -o link show "$1" | cut -d: -f1; }

# wait_attached IF: until an XDP program is attached to the router's IF
# (at most 2 s, times the scale).
wait_attached() { poll 2 eval "ip -n '$NS_RTR' link show '$1' 2>/dev/null | grep -q prog/xdp"; }

# wait_file FILE [SEC]: until FILE exists (at most SEC s, default 10, times
# the scale).
wait_file() { poll "${2:-10}" test -e "$1"; }

# has ID PATTERN: $TMP/ID.log has a line matching PATTERN (ERE).
has() { grep -qE "$2" "$TMP/$1.log"; }

topo_std() {
	local i
	for ns in "$NS_SRC" "$NS_RTR" "$NS_R1" "$NS_R2" "$NS_R3"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
	done
	ip link add s0 netns "$NS_SRC" type veth peer name rs netns "$NS_RTR" || return 1
	ip -n "$NS_SRC" addr add 192.0.2.1/24 dev s0
	ip -n "$NS_RTR" addr add 192.0.2.254/24 dev rs
	ip -n "$NS_SRC" link set s0 up
	ip -n "$NS_RTR" link set rs up
	ip -n "$NS_SRC" route add default via 192.0.2.254
	for i in 1 2 3; do
		veth_rcv $i "$(rcv_ns $i)" || return 1
		ip -n "$(rcv_ns $i)" route add default via "198.51.100.$(((i - 1) * 64 + 1))"
	done
	# The router's ingress veth gets frames from the source's stack.
	in_ns "$NS_SRC" ethtool -K s0 gro on >/dev/null
	return 0
}

# sink_start ID NS GROUP [mcsink args...]: a counting receiver on x0 of
# NS for GROUP:5000, writing its JSON summary to $TMP/sinkID.json and one
# "seq send_ns recv_ns" line per packet to $TMP/sinkID.seq.
sink_start() {
	local id=$1 ns=$2 grp=$3
	shift 3
	rm -f "$TMP/sink$id".*
	# Not via in_ns: $! must be mcsink itself (ip netns exec execs it),
	# not a subshell, so that sink_stop's signal reaches it.
	ip netns exec "$ns" "$BUILD/mcsink" -i x0 -g "$grp" -p 5000 -j \
		-o "$TMP/sink$id.seq" --ready "$TMP/sink$id.ready" "$@" \
		>"$TMP/sink$id.json" 2>"$TMP/sink$id.err" &
	SINK_PID[$id]=$!
	BG_PIDS+=($!)
	local n=0
	while [ ! -e "$TMP/sink$id.ready" ] && [ $n -lt $((100 * TS)) ]; do
		sleep 0.05
		n=$((n + 1))
	done
	[ -e "$TMP/sink$id.ready" ]
}

sink_stop() {
	kill -TERM "${SINK_PID[$1]}" 2>/dev/null
	wait "${SINK_PID[$1]}" 2>/dev/null
	return 0
}

# sink_val ID KEY: a number from the receiver's summary.
sink_val() {
	json_num "$TMP/sink$1.json" "$2"
}

# since_s T0: whole seconds (rounded up) since T0, a value of $(now_ns).
# Bounds on per-second things (keepalive packets) follow the time that
# passed: senders divide their rate by the time scale, so a burst lasts
# that many times longer in an emulated guest.
now_ns() { date +%s%N; }
since_s() {
	echo $((($(now_ns) - $1 + 999999999) / 1000000000))
}

# Unique sequence numbers a receiver got, sorted as comm(1) wants them.
sink_seqs() {
	awk '{print $1}' "$TMP/sink$1.seq" | LC_ALL=C sort -u
}

# sink_before ID T_NS: "N SPAN" for the packets receiver ID got that were
# sent before T_NS (mcsend's clock): how many, and how many sequence
# numbers they span; equal means none of them was lost.
sink_before() {
	awk -v t="$2" '$2 < t { n++; if (n == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
		END { print n + 0, (n ? hi - lo + 1 : 0) }' "$TMP/sink$1.seq"
}

# Largest send time among the packets a receiver got (0 if none).
sink_max_send_ns() {
	awk 'BEGIN {m = 0} {if ($2 > m) m = $2} END {printf "%.0f\n", m}' "$TMP/sink$1.seq"
}

# json_num FILE KEY: a number from a flat JSON object.
json_num() {
	sed -n "s/.*\"$2\": *\([0-9-]*\).*/\1/p" "$1" | head -n 1
}

json_str() {
	sed -n "s/.*\"$2\": *\"\([^\"]*\)\".*/\1/p" "$1" | head -n 1
}

# rate PPS: a sending rate divided by the time scale (at least 1): an
# emulated guest cannot take a real machine's rate, and its receivers'
# socket buffers overflow behind a burst it could not keep up with.
rate() {
	local r=$(($1 / TS))
	echo $((r > 0 ? r : 1))
}

# mcsend's arguments with the rate of -r scaled (rate), into SARGS.
scale_rate_args() {
	local a prev=
	SARGS=()
	for a in "$@"; do
		[ "$prev" = -r ] && a=$(rate "$a")
		SARGS+=("$a")
		prev=$a
	done
}

# send [mcsend args...]: from the source, to $GROUP:5000, TTL 16 (-r
# scaled, see rate).
send() {
	scale_rate_args "$@"
	in_ns "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$GROUP" -p 5000 -t 16 -q "${SARGS[@]}"
}

# send_bg [mcsend args...]: the same in the background; SENDER is its pid
# (mcsend itself, so that cleanup's kill reaches it).
send_bg() {
	scale_rate_args "$@"
	ip netns exec "$NS_SRC" "$BUILD/mcsend" -i s0 -s "$SOURCE" -g "$GROUP" -p 5000 -t 16 -q "${SARGS[@]}" &
	SENDER=$!
	BG_PIDS+=($SENDER)
}

require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root"
		echo "0 passed, 1 failed"
		exit 1
	fi
	mount | grep -q ' /sys/fs/bpf type bpf' || mount -t bpf bpf /sys/fs/bpf
}

# The mgmd and mgmctl that mgmd_start and mgmctl run: build's, unless a
# test points them elsewhere (test_install: the installed ones).
MGMD_BIN=${MGMD_BIN:-$BUILD/mgmd}
MGMCTL_BIN=${MGMCTL_BIN:-$BUILD/mgmctl}

# topo_ipv6: IPv6 on topo_std's links, no DAD:
#   s0 2001:db8:1::1 -- rs 2001:db8:1::fe; ri 2001:db8:(i+1)::1 -- x0 ::2
# and waits until no address is tentative.
topo_ipv6() {
	local ns i
	for ns in "$NS_SRC" "$NS_RTR" "$NS_R1" "$NS_R2" "$NS_R3"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
	ip -n "$NS_SRC" addr add 2001:db8:1::1/64 dev s0 nodad || return 1
	ip -n "$NS_RTR" addr add 2001:db8:1::fe/64 dev rs nodad || return 1
	for i in 1 2 3; do
		ip -n "$NS_RTR" addr add "2001:db8:$((i + 1))::1/64" dev "r$i" nodad &&
			ip -n "$(rcv_ns $i)" addr add "2001:db8:$((i + 1))::2/64" dev x0 nodad ||
			return 1
	done
	poll 3 eval '! ip -all netns exec ip -6 addr show 2>/dev/null | grep -q tentative'
}

# mgmd_start CONFIG [mgmd args...]: the daemon in the router namespace
# (nsenter, so that the pins are visible), in the foreground, logging to
# $TMP/mgmd.log, with a private socket and pin root.  Waits for its socket.
MGMD_SOCK=$TMP/mgmd.sock
mgmd_start() {
	local conf=$1 n=0
	shift
	rm -f "$MGMD_SOCK"
	# Directly, not through a function: $! must be mgmd itself.
	nsenter --net="/run/netns/$NS_RTR" "$MGMD_BIN" -n -f "$conf" \
		-s "$MGMD_SOCK" --pin-root "$PIN" "$@" 2>>"$TMP/mgmd.log" &
	MGMD_PID=$!
	BG_PIDS+=($MGMD_PID)
	# Up to 20 s times the scale: under emulation the verifier alone
	# takes about a minute for the forwarders (< 1 s here).
	while [ ! -S "$MGMD_SOCK" ] && [ $n -lt $((400 * TS)) ]; do
		kill -0 "$MGMD_PID" 2>/dev/null || break
		sleep 0.05
		n=$((n + 1))
	done
	[ -S "$MGMD_SOCK" ] && return 0
	# Say why, for a run that cannot be repeated at will (a guest's).
	if kill -0 "$MGMD_PID" 2>/dev/null; then
		say "mgmd has no socket after $((20 * TS)) s; its log:"
	else
		say "mgmd exited; its log:"
	fi
	say "$(tail -n 8 "$TMP/mgmd.log" | tr '\n' '|')"
	return 1
}

# mgmd_stop [SIGNAL]: stop it (SIGTERM: the seed's shutdown) and wait.
mgmd_stop() {
	kill "-${1:-TERM}" "$MGMD_PID" 2>/dev/null
	wait "$MGMD_PID" 2>/dev/null
	return 0
}

# remote_start ID NAME SCRIPT: an external protocol (mgm-remote) in the
# router namespace, talking to mgmd; its output in $TMP/ID.log, its pid in
# RPID[ID].
declare -A RPID
remote_start() {
	nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgm-remote" -s "$MGMD_SOCK" \
		-n "$2" "$3" >"$TMP/$1.log" 2>"$TMP/$1.err" &
	RPID[$1]=$!
	BG_PIDS+=($!)
}

# stat_of KEY: a number from `mgmctl -j show stats` now.
stat_of() {
	mgmctl -j show stats >"$TMP/stats.json" 2>/dev/null
	json_num "$TMP/stats.json" "$1"
}

# rss_kb: mgmd's resident memory (KiB).
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$MGMD_PID/status"; }

mgmctl() {
	in_rtr "$MGMCTL_BIN" -s "$MGMD_SOCK" --pin-root "$PIN" "$@"
}

# smcroute (Debian's) in the router namespace, with private config
# ($SMC_CONF), socket, pid file and log ($TMP/smc.log), for the kernel
# mirror's tests.  smc_start [smcrouted args...] waits for its socket and
# its routes; smc_stop ends it; smc runs smcroutectl against it.
SMC_CONF=$TMP/smc.conf
smc_start() {
	local n=0
	rm -f "$TMP/smc.sock"
	ip netns exec "$NS_RTR" smcrouted -n -l debug -f "$SMC_CONF" -i "$T" \
		-u "$TMP/smc.sock" -P "$TMP/smc.pid" "$@" >>"$TMP/smc.log" 2>&1 &
	SMC_PID=$!
	BG_PIDS+=("$SMC_PID")
	while [ ! -S "$TMP/smc.sock" ] && [ $n -lt $((100 * TS)) ]; do
		sleep 0.05
		n=$((n + 1))
	done
	tsleep 0.3 # its routes are installed after the socket appears
	[ -S "$TMP/smc.sock" ]
}

smc_stop() {
	kill -TERM "$SMC_PID" 2>/dev/null
	wait "$SMC_PID" 2>/dev/null
	return 0
}

smc() { ip netns exec "$NS_RTR" smcroutectl -i "$T" -u "$TMP/smc.sock" "$@"; }
