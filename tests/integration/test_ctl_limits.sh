#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Limits on what a permitted peer of the control socket may hold (issue
# 15, item 5; mgmd.conf(5) "control"): each one exceeded by a client, which
# gets MGM's error (ERROR_NOT_ENOUGH_MEMORY) or, for connections, a
# refusal and a close; mgmd stays up and serves others; every refusal is
# counted in `mgmctl show stats` ("control").
#
#  1. Bad "control" lines are refused at start-up with FILE:LINE.
#  2. An external protocol over max-interfaces, max-memberships and
#     max-enumerations.
#  3. Connections over max-connections-per-uid, then (after a reload)
#     over max-connections.
#  4. A peer that sends requests and never reads its answers: dropped at
#     max-output.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 python3
[ -x "$MGMCTL_BIN" ] || { fail "mgmctl is built (make)"; summary; exit 1; }

topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf


# --- 1. bad settings -----------------------------------------------------------
for bad in "max-connections 0" "max-output 100" "max-output lots" "max-output-total 1k" \
	"max-enumerations 5000" "max-sockets 3" "max-interfaces"; do
	printf 'phyint rs\ncontrol %s\n' "$bad" >"$CONF"
	timeout 10 nsenter --net="/run/netns/$NS_RTR" "$BUILD/mgmd" -n -f "$CONF" \
		-s "$MGMD_SOCK" --pin-root "$PIN" 2>"$TMP/bad.err"
	check "'control $bad' refused at start-up" test $? -ne 0
	check "'control $bad': the error names file and line" grep -q "$CONF:2: " "$TMP/bad.err"
done
check "nothing attached by a refused start" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"

# --- 2. an external protocol at its limits ------------------------------------------
cat >"$CONF" <<EOF
phyint rs
phyint r1
phyint r2
control max-interfaces 2
control max-memberships 3
control max-enumerations 2
control max-connections-per-uid 8
control max-output 64k
EOF
mgmd_start "$CONF" || { fail "mgmd starts"; summary; exit 1; }
cat >"$TMP/a.script" <<EOF
proto P 1000 1
take P rs
take P r1
take P r2
join P r1 239.1.1.1
join P r1 239.1.1.2
join P r1 239.1.1.3
join P r1 239.1.1.4
enum-open P 3
leave P r1 239.1.1.3
join P r1 239.1.1.4
owner r1
touch $TMP/a.done
wait $TMP/never 60
EOF
remote_start a greedy "$TMP/a.script"
check "the greedy protocol ran" wait_file "$TMP/a.done"
check "two interfaces taken" test "$(grep -cE 'P take r[s1] -> NO_ERROR' "$TMP/a.log")" -eq 2
check "the third: ERROR_NOT_ENOUGH_MEMORY" has a "P take r2 -> ERROR_NOT_ENOUGH_MEMORY"
check "three memberships" test "$(grep -cE 'P join r1 239.1.1.[123] \* -> NO_ERROR' "$TMP/a.log")" -eq 3
check "the fourth: ERROR_NOT_ENOUGH_MEMORY" has a "P join r1 239.1.1.4 \* -> ERROR_NOT_ENOUGH_MEMORY"
check "after a leave, a join fits again" \
	test "$(grep -cE 'P join r1 239.1.1.4 \* -> NO_ERROR' "$TMP/a.log")" -eq 1
check "two enumerations open" test "$(grep -cE 'P enum-open [01] -> NO_ERROR' "$TMP/a.log")" -eq 2
check "the third: ERROR_NOT_ENOUGH_MEMORY" has a "P enum-open 2 -> ERROR_NOT_ENOUGH_MEMORY"
check "the connection goes on" has a "owner r1 -> NO_ERROR 0x000003e8 1"
check_eq "interfaces refused: counted" "$(stat_of interfaces_refused)" 1
check_eq "memberships refused: counted" "$(stat_of memberships_refused)" 1
check_eq "enumerations refused: counted" "$(stat_of enumerations_refused)" 1
check "refusals logged" grep -q "remote:greedy: refused: it holds 2 interfaces" "$TMP/mgmd.log"

# --- 3. connections ----------------------------------------------------------------
# conns N: N connections at once, held 1 s; prints how many mgmd closed
# at once with its refusal (an MGM_IPC_ERROR, then end of file).
conns() {
	in_rtr python3 - "$MGMD_SOCK" "$1" <<'EOF'
import socket, struct, sys, time
path, n = sys.argv[1], int(sys.argv[2])
socks, refused = [], 0
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
time.sleep(0.5)
for s in socks:
    s.setblocking(False)
    try:
        data = s.recv(4096)
    except BlockingIOError:
        continue
    if len(data) >= 16 and struct.unpack("=IHHII", data[:16])[1] == 4:
        refused += 1
time.sleep(0.5)
print(refused)
EOF
}
# The remote protocol holds one connection of root's 8.
check_eq "9 more connections of root: 2 refused (max-connections-per-uid 8)" "$(conns 9)" 2
sleep 0.3
check_eq "connections refused: counted" "$(stat_of connections_refused)" 2
check "the reason logged" grep -q "refused a connection of uid 0: max-connections-per-uid" "$TMP/mgmd.log"
check "mgmd serves others afterwards" mgmctl show stats
sed -i 's/^control max-connections-per-uid 8$/control max-connections 5/' "$CONF"
check "reload with max-connections 5" mgmctl reload
check_eq "6 more connections: 2 refused (max-connections 5)" "$(conns 6)" 2
sleep 0.3
check "the reason logged" grep -q "refused a connection of uid 0: max-connections (" "$TMP/mgmd.log"
check_eq "connections refused: counted" "$(stat_of connections_refused)" 4

# --- 4. answers never read -----------------------------------------------------------
in_rtr python3 - "$MGMD_SOCK" >"$TMP/noread.out" <<'EOF'
import socket, struct, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
# HELLO requests (40 bytes of payload), never reading the replies.
hello = struct.pack("=II32s", 1, 0, b"noread")
msg = struct.pack("=IHHII", 16 + len(hello), 32, 0, 1, 0) + hello
s.settimeout(5)
sent, end = 0, time.time() + 10
try:
    while time.time() < end:
        s.sendall(msg * 64)
        sent += 64
except (BrokenPipeError, ConnectionResetError, socket.timeout) as e:
    print("closed after", sent, type(e).__name__)
else:
    print("never closed after", sent)
EOF
check "the peer that never reads was dropped" grep -q "^closed after" "$TMP/noread.out"
check_ge "output overflows: counted" "$(stat_of output_overflows)" 1
check "the reason logged" grep -q "does not read its answers (max-output)" "$TMP/mgmd.log"
check "the greedy protocol is still served" kill -0 "${RPID[a]}"
check "mgmd is still up" kill -0 "$MGMD_PID"
kill -TERM "${RPID[a]}" 2>/dev/null
wait "${RPID[a]}" 2>/dev/null
mgmd_stop

# --- all peers together: max-output-total ------------------------------------------
# Three peers that never read, each under its own max-output (1m) but
# together over max-output-total (128k): the one holding most is dropped
# each time, and mgmd's queue never grows past the total.
printf 'phyint rs\ncontrol max-output 1m\ncontrol max-output-total 128k\n' >"$CONF"
mgmd_start "$CONF" || { fail "mgmd starts (max-output-total)"; summary; exit 1; }
rss0=$(awk '/^VmRSS/ {print $2}' "/proc/$MGMD_PID/status")
in_rtr python3 - "$MGMD_SOCK" >"$TMP/total.out" <<'EOF'
import socket, struct, sys, time
hello = struct.pack("=II32s", 1, 0, b"noread")
msg = struct.pack("=IHHII", 16 + len(hello), 32, 0, 1, 0) + hello
socks = []
for i in range(3):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(sys.argv[1])
    s.setblocking(False)
    socks.append(s)
closed, end = set(), time.time() + 8
while time.time() < end and len(closed) < 3:
    for i, s in enumerate(socks):
        if i in closed:
            continue
        try:
            s.send(msg * 16)
        except BlockingIOError:
            time.sleep(0.001)
        except (BrokenPipeError, ConnectionResetError):
            closed.add(i)
print("closed", len(closed))
EOF
check "peers over the total were dropped" grep -qE "^closed [1-3]" "$TMP/total.out"
check "the reason logged" grep -q "max-output-total): dropped" "$TMP/mgmd.log"
check_ge "counted as output overflows" "$(stat_of output_overflows)" 1
rss1=$(awk '/^VmRSS/ {print $2}' "/proc/$MGMD_PID/status")
check "mgmd grew by less than 8 MiB ($(((rss1 - rss0) / 1024)) MiB)" test $((rss1 - rss0)) -lt 8192
check "mgmd is still up and answers" mgmctl show stats
mgmd_stop
[ -n "${V:-}" ] && cat "$TMP/a.log" "$TMP/mgmd.log" "$TMP/noread.out" >&2
summary
