#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmctl against a real mgmd, with real packets:
#
#  1. every show command, as a table and as JSON (-j and -p): the JSON
#     parses and the table says the same (rows, key columns, values);
#  2. show mfe after traffic: the required fields, packets = sent - the
#     packets that missed (fast-path no_entry counter), bytes, wrong_if,
#     the receiver got exactly what the entry counted;
#  3. add route: traffic reaches the new oif; del route: it stops;
#     bad syntax and unknown or ambiguous words: exit 2 with a clear
#     error, parseable {"error": ...} with -j;
#  4. attach / detach;
#  5. the control socket: an unprivileged peer is refused (both by the
#     socket's mode and by the daemon's SO_PEERCRED check), garbage and
#     oversized messages are answered with errors, a silent server is
#     timed out; the daemon keeps serving;
#  6. offline: after SIGTERM with --keep-forwarding, show mfe / show stats
#     read the pinned maps (with a note), still forwarding; other
#     commands say mgmd is not running;
#  7. shutdown static, table and JSON: each step printed (begin, release
#     per interface, deregister, handle rejected) and the MFEs gone.
. "$(dirname "$0")/lib.sh"
require_root

N=200 # packets per burst
G2=239.2.2.2

topo_std || { fail "topology"; summary; exit 1; }
# No IPv6 chatter (router solicitations, MLD) moving the counters.
for ns in "$NS_SRC" "$NS_RTR" "$NS_R1" "$NS_R2" "$NS_R3"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done

cat >"$TMP/mgmd.conf" <<EOF
phyint rs
phyint r1
phyint r2
phyint r3 ttl-threshold 4
mroute from rs source $SOURCE group $GROUP to r1
EOF

# Compare a table with the JSON of the same command: same rows, and in
# every row the same value in every column (times within 2 s, counters
# that move by themselves allowed to grow between the two calls).
cat >"$TMP/cmp.py" <<'EOF'
import json, re, sys
view, tfile, jfile = sys.argv[1:4]
lines = open(tfile).read().splitlines()
data = json.load(open(jfile))
COLS = {
    "interfaces": [("INTERFACE", "name", "s"), ("IFINDEX", "ifindex", "n"),
                   ("STATE", "state", "s"), ("OWNER", "owner", "s"), ("IGMP", "igmp", "b"), ("XDP", "xdp", "b"),
                   ("RX", "rx", "s"), ("TX", "tx", "s"), ("MTU", "mtu", "n"),
                   ("TTL", "ttl_threshold", "n"), ("OUT-PACKETS", "out_packets", "n"),
                   ("OUT-BYTES", "out_bytes", "n"), ("TTL-LOW", "ttl_too_low", "n"),
                   ("DISCARDS", "discards", "n"), ("FRAG-NEEDED", "frag_needed", "n")],
    "protocols": [("PROTOCOL", "name", "s"), ("ID", "protocol_id", "x"),
                  ("COMPONENT", "component_id", "n"), ("INTERFACES", "interfaces", "n"),
                  ("MEMBERSHIPS", "memberships", "n")],
    "groups": [("PROTOCOL", "protocol", "s"), ("INTERFACE", "interface", "s"),
               ("SOURCE", "source", "s"), ("GROUP", "group", "s")],
    "mfe": [("SOURCE", "source", "s"), ("GROUP", "group", "s"), ("IIF", "iif", "s"),
            ("OIFS", "oifs", "l"), ("PACKETS", "packets", "n"), ("BYTES", "bytes", "n"),
            ("WRONG-IF", "wrong_if", "n"), ("UPTIME", "uptime", "d"),
            ("EXPIRES", "expires", "d"), ("UPSTREAM", "upstream", "s"),
            ("PROTOCOL", "protocol", "s")],
}
def die(msg):
    print(msg)
    sys.exit(1)
def dur(s):
    if s == "-":
        return None
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    return sum(int(n) * units[u] for n, u in re.findall(r"(-?\d+)([dhms])", s))
def fmt(v, kind):
    if v is None:
        return "-"
    if kind == "b":
        return "yes" if v else "no"
    if kind == "l":
        return ",".join(v) if v else "-"
    if kind == "x":
        return "0x%08x" % v
    return str(v)
if view == "stats":
    # "  name  value  description" under "fastpath" and "controller".
    sec, seen = None, 0
    moving = {"rx", "rx6", "pass_not_ip", "pass_scope6", "pass_mld", "pass_ext6", "pass_igmp", "pass_local", "pass_not_mcast",
              "uptime", "events"}
    for l in lines:
        if not l.startswith("  "):
            sec = l.strip()
            if sec not in data:
                die("section %s not in the JSON" % sec)
            continue
        k, v = l.split()[:2]
        want = data[sec].get(k, "absent")
        if want is None:
            ok = v == "-"
        elif k in moving:
            ok = v != "-" and 0 <= want - int(v) <= 100
        else:
            ok = v == str(want)
        if not ok:
            die("%s.%s: table %s, JSON %s" % (sec, k, v, want))
        seen += 1
    n = sum(len(s) for s in data.values())
    if seen != n:
        die("table has %d values, JSON %d" % (seen, n))
    sys.exit(0)
cols = COLS[view]
if lines[0].split() != [c[0] for c in cols]:
    die("header %r" % lines[0])
rows = [l.split() for l in lines[1:]]
if len(rows) != len(data):
    die("table has %d rows, JSON %d" % (len(rows), len(data)))
for r, o in zip(rows, data):
    if len(r) != len(cols):
        die("row %r has %d cells" % (r, len(r)))
    for (h, key, kind), c in zip(cols, r):
        if kind == "d":
            a, b = dur(c), o.get(key)
            if (a is None) != (b is None) or (a is not None and abs(a - b) > 2):
                die("%s: table %s, JSON %s" % (h, c, b))
        elif c != fmt(o.get(key), kind):
            die("%s: table %s, JSON %s" % (h, c, o.get(key)))
EOF

parses() { python3 -c 'import json,sys; json.load(sys.stdin)' <"$1" 2>/dev/null; }
# jq-less field access: py FILE EXPR (d is the parsed JSON)
py() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null; }

# show_both OBJECT: table, -j and -p; all parse and agree.
show_both() {
	local o=$1
	mgmctl show "$o" >"$TMP/$o.txt" 2>"$TMP/$o.err"
	check "show $o: table, exit 0" test $? -eq 0
	mgmctl -j show "$o" >"$TMP/$o.json" 2>>"$TMP/$o.err"
	check "show $o -j: exit 0" test $? -eq 0
	check "show $o -j: one line of JSON that parses" \
		test "$(wc -l <"$TMP/$o.json")" -eq 1 -a -n "$(parses "$TMP/$o.json" && echo y)"
	mgmctl -p show "$o" >"$TMP/$o.pretty"
	check "show $o -p: indented JSON that parses" \
		test "$(wc -l <"$TMP/$o.pretty")" -gt 1 -a -n "$(parses "$TMP/$o.pretty" && echo y)"
	out=$(python3 "$TMP/cmp.py" "$o" "$TMP/$o.txt" "$TMP/$o.json")
	check "show $o: the table matches the JSON ${out:+($out)}" test -z "$out"
	check "show $o: nothing on stderr" test ! -s "$TMP/$o.err"
}

# mfe_field GROUP KEY: a field of the entry of ($SOURCE, GROUP) ("" if none).
mfe_field() {
	mgmctl -j show mfe >"$TMP/mfe.now"
	py "$TMP/mfe.now" "[e['$2'] for e in d if e['group'] == '$1' and e['source'] == '$SOURCE'][0]"
}
fpstat() { # fpstat SECTION KEY
	mgmctl -j show stats >"$TMP/stats.now"
	py "$TMP/stats.now" "d['$1']['$2']"
}

check "mgmd starts" mgmd_start "$TMP/mgmd.conf" --keep-forwarding

# --- 1. every show command --------------------------------------------------
for o in interfaces protocols groups mfe stats; do show_both "$o"; done
check_eq "show interfaces: the four phyints" \
	"$(py "$TMP/interfaces.json" "' '.join(sorted(i['name'] for i in d))")" "r1 r2 r3 rs"
check_eq "show interfaces: r3's TTL threshold" \
	"$(py "$TMP/interfaces.json" "[i['ttl_threshold'] for i in d if i['name'] == 'r3'][0]")" 4
check_eq "show interfaces: the forwarder is attached to all" \
	"$(py "$TMP/interfaces.json" "all(i['xdp'] for i in d)")" True
check_eq "show interfaces: static owns rs" \
	"$(py "$TMP/interfaces.json" "[i['owner'] for i in d if i['name'] == 'rs'][0]")" static
check_eq "show protocols: static is registered" \
	"$(py "$TMP/protocols.json" "[p['name'] for p in d].count('static')")" 1
check_eq "show groups: the route's (S,G) membership on r1" \
	"$(py "$TMP/groups.json" "[(g['interface'], g['source'], g['group']) for g in d if g['protocol'] == 'static']")" \
	"[('r1', '$SOURCE', '$GROUP')]"
check_eq "show mfe: no entry before traffic" "$(py "$TMP/mfe.json" "len(d)")" 0
check "prefixes: 'sh m' is show mfe" test "$(mgmctl sh m)" = "$(head -n 1 "$TMP/mfe.txt")"

# --- 2. show mfe after traffic ---------------------------------------------
miss0=$(fpstat fastpath no_entry)
sink_start 1 "$NS_R1" "$GROUP"
check "send $N to $GROUP" send -n $N -r 1000
sleep 0.3
sink_stop 1
misses=$(($(fpstat fastpath no_entry) - miss0))
mgmctl -j show mfe >"$TMP/mfe.json"
check "show mfe -j: the entry has every required field" \
	test "$(py "$TMP/mfe.json" "sorted(set(['source','group','iif','oifs','packets','bytes','wrong_if','uptime','expires','upstream']) - set(d[0]))")" = "[]"
pk=$(py "$TMP/mfe.json" "d[0]['packets']")
say "sent $N, $misses missed (created the entry), entry counted $pk"
check_ge "at least the first packet missed" "$misses" 1
check_eq "entry packets = sent - missed" "$pk" $((N - misses))
check_eq "the receiver got exactly what the entry counted" "$(sink_val 1 received)" "$pk"
check_eq "entry: source, group, iif, oifs, protocol" \
	"$(py "$TMP/mfe.json" "(d[0]['source'], d[0]['group'], d[0]['iif'], d[0]['oifs'], d[0]['protocol'])")" \
	"('$SOURCE', '$GROUP', 'rs', ['r1'], 'static')"
check "entry: bytes are packets x one packet size" \
	test "$(py "$TMP/mfe.json" "d[0]['bytes'] > 0 and d[0]['bytes'] % d[0]['packets'] == 0")" = True
check "entry: uptime, expires, timeout are seconds" \
	test "$(py "$TMP/mfe.json" "all(isinstance(d[0][k], int) and d[0][k] >= 0 for k in ('uptime', 'expires', 'timeout')) and d[0]['expires'] <= d[0]['timeout']")" = True
check_eq "entry: no wrong-interface packets yet" "$(py "$TMP/mfe.json" "d[0]['wrong_if']")" 0
# The same (S,G) arriving on r2 fails the incoming-interface check.
ip -n "$NS_R2" addr add "$SOURCE/32" dev x0
in_ns "$NS_R2" "$BUILD/mcsend" -i x0 -s "$SOURCE" -g "$GROUP" -p 5000 -t 16 -q -n 20 -r 1000
sleep 0.1
check_eq "entry: wrong_if counts the 20 packets that came in on r2" "$(mfe_field "$GROUP" wrong_if)" 20
ip -n "$NS_R2" addr del "$SOURCE/32" dev x0
show_both mfe
show_both stats
show_both interfaces

# --- 3. routes ----------------------------------------------------------------
ROUTE2="from rs source $SOURCE group $G2 to r2"
out=$(mgmctl add route $ROUTE2)
check "add route: exit 0" test $? -eq 0
check_eq "add route: says what it added" "$out" "added  $ROUTE2"
out=$(mgmctl -j add route $ROUTE2 2>/dev/null)
check_eq "add route again -j: exit 1, the route exists" "$out $?" \
	"{\"error\":\"route exists: $ROUTE2\"} 1"
sink_start 2 "$NS_R2" "$G2"
check "send $N to $G2" send -g "$G2" -n $N -r 1000
sleep 0.3
sink_stop 2
pk2=$(mfe_field "$G2" packets)
check_ge "the new route's oif r2 got the traffic" "$(sink_val 2 received)" $((N - 5))
check_eq "r2 got what the new entry counted" "$(sink_val 2 received)" "$pk2"
check_eq "the new entry goes to r2" "$(mfe_field "$G2" oifs)" "['r2']"
check_eq "del route -j" "$(mgmctl -j del ro $ROUTE2)" "{\"deleted\":\"$ROUTE2\"}"
sink_start 2 "$NS_R2" "$G2"
check "send $N to $G2 again" send -g "$G2" -n $N -r 1000
sleep 0.3
sink_stop 2
check_eq "after del route r2 gets nothing" "$(sink_val 2 received)" 0
check "after del route no entry forwards $G2 to r2" \
	test "$(mfe_field "$G2" oifs)" != "['r2']"
out=$(mgmctl del route $ROUTE2 2>&1)
check_eq "del route again: exit 1, no such route" "$? $out" "1 Error: no such route: $ROUTE2"

# bad syntax, unknown and ambiguous words: exit 2, clear, parseable
bad() { # bad DESCRIPTION TEXT ARGS...: exit 2, an error containing TEXT
	local d=$1 pat=$2 rc err
	shift 2
	mgmctl "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	err=$(<"$TMP/bad.err")
	check_eq "$d: exit 2" "$rc" 2
	if [[ $err == "Error: "*"$pat"* ]] && [ ! -s "$TMP/bad.out" ]; then
		pass "$d: 'Error: ...' on stderr"
	else
		fail "$d: 'Error: ...$pat...' on stderr: got '$err'"
	fi
	mgmctl -j "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
	rc=$?
	check_eq "$d -j: exit 2" "$rc" 2
	check_eq "$d -j: {\"error\": ...} that parses ($(<"$TMP/bad.out"))" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(list(d) == ["error"] and sys.argv[2] in d["error"])' "$TMP/bad.out" "$pat" 2>&1)" True
}
bad "add route without 'to'" "expected 'to IF" add route from rs group 239.3.3.3
bad "add route with a bad group" "bad group address" add route from rs group 239.3.3 to r1
bad "add route without 'group'" "expected 'group" add route from rs to r1
bad "add route with an unknown interface (the daemon's check)" "unknown interface 'nosuch0'" \
	add route from nosuch0 group 239.3.3.3 to r1
bad "add route of a unicast group (the daemon's check)" "not a multicast group" \
	add route from rs group 10.1.1.1 to r1
bad "add without route" "unknown object 'rout3'" add rout3 from rs group 239.3.3.3 to r1
bad "an unknown command" "unknown command 'frobnicate'" frobnicate
bad "an ambiguous command" "ambiguous command 'd': del, detach" d r1
bad "an unknown object" "unknown object 'routes'" show routes
bad "a missing object" "show what" show
bad "an extra word" "unexpected 'extra'" show mfe extra
check "help: usage text" sh -c "'$BUILD/mgmctl' help | grep -q '^Usage: mgmctl'"
check "show mfe --help: usage, JSON fields, example" \
	sh -c "'$BUILD/mgmctl' show mfe --help | grep -q 'Example' && '$BUILD/mgmctl' sh m --help | grep -q wrong_if"
check "help -j parses" sh -c "'$BUILD/mgmctl' -j help add | python3 -c 'import json,sys; json.load(sys.stdin)[\"help\"]'"

# --- 4. attach / detach -------------------------------------------------------
check_eq "detach r3" "$(mgmctl -j detach r3)" '{"detached":"r3"}'
check "r3 runs no XDP program" test -z "$(ip -n "$NS_RTR" link show r3 | grep xdp)"
mgmctl -j show interfaces >"$TMP/if.json"
check_eq "show interfaces: r3 not attached" "$(py "$TMP/if.json" "[i['xdp'] for i in d if i['name'] == 'r3'][0]")" False
check "detach r3 again: exit 1, says so" \
	test "$(mgmctl detach r3 2>&1; echo $?)" = "$(printf 'Error: no forwarder attached to r3\n1')"
check_eq "attach r3" "$(mgmctl attach r3)" "attached  r3"
check "r3 runs the forwarder again" test -n "$(ip -n "$NS_RTR" link show r3 | grep xdp)"
mgmctl -j show interfaces >"$TMP/if.json"
check_eq "show interfaces: r3 attached" "$(py "$TMP/if.json" "[i['xdp'] for i in d if i['name'] == 'r3'][0]")" True
bad "attach an unknown interface" "unknown interface 'nosuch0'" attach nosuch0
bad "attach without an interface" "missing arguments" attach

# take/release IF PROTOCOL: only if this mgmd has them.
out=$(mgmctl -j take r3 static 2>/dev/null)
if [[ $out == *"unknown command"* ]]; then
	say "this mgmd has no take/release commands: not tested"
else
	check_eq "take r3 static: no error" "$(py <(echo "$out") "'error' not in d")" True
	mgmctl -j show interfaces >"$TMP/if.json"
	check_eq "take: static owns r3" "$(py "$TMP/if.json" "[i['owner'] for i in d if i['name'] == 'r3'][0]")" static
	check "release r3 static: exit 0" mgmctl release r3 static
	mgmctl -j show interfaces >"$TMP/if.json"
	check_eq "release: nobody owns r3" "$(py "$TMP/if.json" "[i['owner'] for i in d if i['name'] == 'r3'][0]")" -
fi

# --- 5. the control socket ------------------------------------------------------
nobody() { in_rtr setpriv --reuid=65534 --regid=65534 --clear-groups "$BUILD/mgmctl" -s "$MGMD_SOCK" "$@"; }
chmod 711 "$TMP"
out=$(nobody show stats 2>&1)
check_eq "non-root, socket mode 0660: exit 1" "$?" 1
check "non-root, socket mode 0660: permission denied ($out)" \
	grep -q "permission denied: cannot connect to $MGMD_SOCK" <<<"$out"
chmod 666 "$MGMD_SOCK"
out=$(nobody show stats 2>&1)
check_eq "non-root past the socket's mode: exit 1" "$?" 1
check "non-root past the socket's mode: mgmd refuses it ($out)" \
	grep -q "^Error: mgmd refused the connection: permission denied" <<<"$out"
out=$(nobody -j add route $ROUTE2 2>/dev/null)
check "non-root -j: the refusal as {\"error\": ...}" \
	test "$(py <(echo "$out") "'permission denied' in d['error']")" = True
check "mgmd logged the refusal" grep -q "refused peer uid 65534" "$TMP/mgmd.log"
chmod 660 "$MGMD_SOCK"
chmod 700 "$TMP"
check "mgmd still serves root" mgmctl -j show protocols >/dev/null

# Raw messages: each must be answered with an error, never hang mgmd.
cat >"$TMP/raw.py" <<'EOF'
import socket, struct, sys
path = sys.argv[1]
def hdr(length, typ, seq=7):
    return struct.pack("=IHHII", length, typ, 0, seq, 0)
def conv(name, data, close_after_send=False):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    s.sendall(data)
    if close_after_send:
        s.close()
        print(name, "sent")
        return
    buf = b""
    closed = "open"
    try:
        while True:
            c = s.recv(65536)
            if not c:
                closed = "closed"
                break
            buf += c
            if len(buf) >= 16 and len(buf) >= struct.unpack("=I", buf[:4])[0]:
                # one full answer; see whether the daemon also closes
                s.settimeout(0.5)
    except socket.timeout:
        pass
    if len(buf) < 16:
        print(name, "noanswer")
        return
    ln, typ, _, seq, st = struct.unpack("=IHHII", buf[:16])
    print(name, "type=%d" % typ, "status=%d" % st, "seq=%d" % seq, closed,
          buf[16:ln].decode(errors="replace").replace(" ", "_"))
conv("short", hdr(3, 1))
conv("huge", hdr(1 << 30, 1))
conv("unknown", hdr(16, 99))
conv("nonul", hdr(16 + 4, 1) + b"show")
conv("manyargs", hdr(16 + 200, 1) + b"a\0" * 100)
conv("partial", hdr(100, 1) + b"show\0", close_after_send=True)
EOF
in_rtr python3 "$TMP/raw.py" "$MGMD_SOCK" >"$TMP/raw.out" 2>&1
say "raw: $(tr '\n' ';' <"$TMP/raw.out")"
check "header with len 3: MGM_IPC_ERROR, connection closed" grep -q "^short type=4 .* closed bad_message_length" "$TMP/raw.out"
check "header with len 1<<30: MGM_IPC_ERROR, connection closed" grep -q "^huge type=4 .* closed bad_message_length" "$TMP/raw.out"
check "unknown type: MGM_IPC_ERROR with the request's seq" grep -q "^unknown type=4 status=87 seq=7 open unknown_message_type" "$TMP/raw.out"
check "CMD without its NUL: DONE, status 2" grep -q "^nonul type=3 status=2 seq=0 closed malformed_command" "$TMP/raw.out"
check "CMD with 100 words: DONE, status 2" grep -q "^manyargs type=3 status=2 seq=0 closed too_many_arguments" "$TMP/raw.out"
check "a truncated message then a close" grep -q "^partial sent" "$TMP/raw.out"
show_both protocols
check "mgmd is still running" kill -0 "$MGMD_PID"

# A server that accepts and never answers: mgmctl gives up in time.
in_rtr python3 -c 'import socket,sys,time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); time.sleep(20)' "$TMP/silent.sock" &
BG_PIDS+=($!)
n=0
while [ ! -S "$TMP/silent.sock" ] && [ $n -lt 50 ]; do sleep 0.05; n=$((n + 1)); done
t0=$(date +%s%N)
out=$(mgmctl -s "$TMP/silent.sock" -t 0.5 -j show stats)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check_eq "silent server: exit 1" "$rc" 1
check "silent server: gave up after the 0.5 s timeout (${ms} ms)" test "$ms" -ge 450 -a "$ms" -lt 3000
check "silent server: says so in {\"error\": ...}" \
	test "$(py <(echo "$out") "'no answer from mgmd within 0.500 s' in d['error']")" = True

# A scripted mgmd: answers cut at odd places, streams, broken answers.
cat >"$TMP/fake.py" <<'EOF'
import json, socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
def msg(t, payload=b"", status=0):
    return struct.pack("=IHHII", 16 + len(payload), t, 0, 0, status) + payload
big = [{"source": "10.0.%d.%d" % (i // 256, i % 256), "group": "239.1.1.1", "iif": "rs",
        "oifs": ["r1", "r2"], "packets": i * 1000, "bytes": i * 100000, "wrong_if": 0,
        "uptime": i, "expires": 900 - i, "timeout": 900, "upstream": "*",
        "protocol": "static", "origin": "static"} for i in range(3000)]
open(sys.argv[1] + ".big", "w").write(json.dumps(big))
for sc in sys.argv[2:]:
    c, _ = s.accept()
    c.recv(65536)
    if sc == "big":  # > MGM_IPC_MAX, cut through strings and numbers
        text, i, k = json.dumps(big).encode(), 0, 0
        while i < len(text):
            n = [7, 60000, 13, 1, 32768][k % 5]
            c.sendall(msg(2, text[i:i + n]))
            i, k = i + n, k + 1
        c.sendall(msg(3))
    elif sc == "stream":  # two steps in one message, one step in two
        c.sendall(msg(2, b'{"step":"begin","protocol":"x"}\n{"step":"rel'))
        c.sendall(msg(2, b'ease","interface":"a"}'))
        c.sendall(msg(3, b"it broke", 3))
    elif sc == "garbage":
        c.sendall(msg(2, b"{not json") + msg(3))
    elif sc == "cut":
        c.sendall(msg(2, b'[{"a":') + msg(3))
    c.close()
EOF
FAKE=$TMP/fake.sock
in_rtr python3 "$TMP/fake.py" "$FAKE" big big stream stream garbage cut eof &
BG_PIDS+=($!)
n=0
while [ ! -S "$FAKE" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
mgmctl -s "$FAKE" -t 5 -j show mfe >"$TMP/fake.json"
check_eq "a 400 kB answer in 7-byte to 60 kB pieces: the same JSON" \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])))' "$TMP/fake.json" "$FAKE.big")" True
mgmctl -s "$FAKE" -t 5 show mfe >"$TMP/fake.txt"
check_eq "... and its table has 3000 rows" "$(wc -l <"$TMP/fake.txt")" 3001
out=$(python3 "$TMP/cmp.py" mfe "$TMP/fake.txt" "$TMP/fake.json")
check "... that match the JSON ${out:+($out)}" test -z "$out"
mgmctl -s "$FAKE" -t 5 shutdown x >"$TMP/fake.txt" 2>"$TMP/fake.err"
check_eq "a stream: exit status from DONE" "$?" 3
check_eq "a stream: each step printed" "$(cat "$TMP/fake.txt")" \
	"$(printf 'begin       protocol=x\nrelease     interface=a')"
check_eq "a stream: then the error" "$(cat "$TMP/fake.err")" "Error: it broke"
mgmctl -s "$FAKE" -t 5 -j shutdown x >"$TMP/fake.json"
check_eq "a stream -j: one array, the error its last element" \
	"$(py "$TMP/fake.json" "[list(e.values())[-1] for e in d]")" "['x', 'a', 'it broke']"
out=$(mgmctl -s "$FAKE" -t 5 show stats 2>&1)
check_eq "an answer that is not JSON" "$? $out" "1 Error: mgmd sent text that is not JSON"
out=$(mgmctl -s "$FAKE" -t 5 show stats 2>&1)
check_eq "an answer cut short" "$? $out" "1 Error: mgmd's answer ended in the middle of a JSON value"
out=$(mgmctl -s "$FAKE" -t 5 show stats 2>&1)
check_eq "no answer at all" "$? $out" "1 Error: mgmd closed the connection before the end of its answer"

# --- 6. offline: the fast path without mgmd -----------------------------------------
mgmctl -j show mfe >"$TMP/mfe.before"
mgmctl -j show stats >"$TMP/stats.before"
mgmd_stop TERM
check "mgmd gone, its socket too" test ! -e "$MGMD_SOCK"
check "the pins stay" test -e "$PIN/mgm_mfe"
mgmctl show mfe >"$TMP/mfe.txt" 2>"$TMP/off.err"
check "offline show mfe: exit 0" test $? -eq 0
check "offline show mfe: the note on stderr" \
	grep -qx "Note: mgmd is not running; reading the fast path's pinned maps under $PIN" "$TMP/off.err"
mgmctl -j show mfe >"$TMP/mfe.json" 2>/dev/null
out=$(python3 "$TMP/cmp.py" mfe "$TMP/mfe.txt" "$TMP/mfe.json")
check "offline show mfe: the table matches the JSON ${out:+($out)}" test -z "$out"
check "offline show mfe: same entries, counters and interfaces as mgmd showed" test \
	"$(py "$TMP/mfe.json" "sorted((e['source'], e['group'], e['iif'], e['oifs'], e['packets'], e['bytes'], e['wrong_if']) for e in d)")" = \
	"$(py "$TMP/mfe.before" "sorted((e['source'], e['group'], e['iif'], e['oifs'], e['packets'], e['bytes'], e['wrong_if']) for e in d)")"
check "offline show mfe: same keys, the daemon's ones null" \
	test "$(py "$TMP/mfe.json" "[(list(e), [e[k] for k in ('uptime', 'expires', 'timeout', 'upstream', 'protocol', 'origin')]) for e in d][0]")" = \
	"$(py "$TMP/mfe.before" "(list(d[0]), [None] * 6)")"
mgmctl show stats >"$TMP/stats.txt" 2>"$TMP/off.err"
check "offline show stats: exit 0 and the note" grep -q "^Note: mgmd is not running" "$TMP/off.err"
mgmctl -j show stats >"$TMP/stats.json" 2>/dev/null
out=$(python3 "$TMP/cmp.py" stats "$TMP/stats.txt" "$TMP/stats.json")
check "offline show stats: the table matches the JSON ${out:+($out)}" test -z "$out"
check "offline show stats: same keys as mgmd's" test \
	"$(py "$TMP/stats.json" "[(s, list(d[s])) for s in d]")" = "$(py "$TMP/stats.before" "[(s, list(d[s])) for s in d]")"
check "offline show stats: fast-path counters and mfes as before, controller-only null" test \
	"$(py "$TMP/stats.json" "(d['fastpath']['forwarded'], d['fastpath']['no_entry'], d['controller']['mfes'], d['controller']['events'])")" = \
	"$(py "$TMP/stats.before" "(d['fastpath']['forwarded'], d['fastpath']['no_entry'], d['controller']['mfes'], None)")"
# Still forwarding: every packet hits the entry now.
fwd0=$(py "$TMP/stats.json" "d['fastpath']['forwarded']")
pk0=$(py "$TMP/mfe.json" "[e['packets'] for e in d if e['group'] == '$GROUP'][0]")
sink_start 1 "$NS_R1" "$GROUP"
check "send $N without mgmd" send -n $N -r 1000
sleep 0.3
sink_stop 1
check_eq "without mgmd: the receiver got all $N" "$(sink_val 1 received)" $N
mgmctl -j show mfe >"$TMP/mfe.json" 2>/dev/null
check_eq "offline show mfe: the entry counted all $N" \
	"$(py "$TMP/mfe.json" "[e['packets'] for e in d if e['group'] == '$GROUP'][0]")" $((pk0 + N))
mgmctl -j show stats >"$TMP/stats.json" 2>/dev/null
check_eq "offline show stats: forwarded grew by $N" "$(py "$TMP/stats.json" "d['fastpath']['forwarded']")" $((fwd0 + N))
for c in "show groups" "show interfaces" "add route $ROUTE2" "attach r1" "shutdown static"; do
	out=$(mgmctl $c 2>&1)
	rc=$?
	check_eq "offline $c: exit 1" "$rc" 1
	check_eq "offline $c: says mgmd is not running" "$out" \
		"Error: mgmd is not running (cannot connect to $MGMD_SOCK): No such file or directory"
done
out=$(mgmctl -j show groups 2>/dev/null)
check "offline -j show groups: {\"error\": ...}" \
	test "$(py <(echo "$out") "d['error'].startswith('mgmd is not running')")" = True

# --- 7. shutdown static ------------------------------------------------------------------
check "mgmd starts again, adopting the fast path" mgmd_start "$TMP/mgmd.conf" --keep-forwarding
mgmctl -j show mfe >"$TMP/mfe.json"
check_ge "the adopted entry is listed" "$(py "$TMP/mfe.json" "len(d)")" 1
mgmctl shutdown static >"$TMP/shut.txt" 2>"$TMP/shut.err"
check "shutdown static: exit 0" test $? -eq 0
say "shutdown: $(tr '\n' ';' <"$TMP/shut.txt")"
check "shutdown: begin" grep -q "^begin .*protocol=static interfaces=2" "$TMP/shut.txt"
check "shutdown: release rs" grep -q "^release .*interface=rs result=NO_ERROR" "$TMP/shut.txt"
check "shutdown: release r1" grep -q "^release .*interface=r1 result=NO_ERROR" "$TMP/shut.txt"
check "shutdown: deregister" grep -q "^deregister .*result=NO_ERROR" "$TMP/shut.txt"
check "shutdown: the old handle is rejected" grep -q "^handle .*result=ERROR_INVALID_PARAMETER" "$TMP/shut.txt"
check_eq "shutdown: the steps in order" "$(awk '{print $1}' "$TMP/shut.txt" | tr '\n' ' ')" \
	"begin release release deregister handle "
check_eq "shutdown: the MFEs are gone" "$(mgmctl -j show mfe)" "[]"
check_eq "shutdown: the last release left none" "$(grep '^release' "$TMP/shut.txt" | tail -n 1 | grep -o 'mfes_left=[0-9]*')" "mfes_left=0"
out=$(mgmctl -j shutdown static)
check_eq "shutdown static again: exit 1 and why" "$out $?" '{"error":"static is not running"} 1'
mgmd_stop TERM
check "mgmd starts a third time" mgmd_start "$TMP/mgmd.conf"
sink_start 1 "$NS_R1" "$GROUP"
send -n 20 -r 1000
sleep 0.2
sink_stop 1
mgmctl -j shutdown static >"$TMP/shut.json"
check "shutdown -j: exit 0, one JSON array" test "$(py "$TMP/shut.json" "type(d).__name__")" = list
check_eq "shutdown -j: steps" "$(py "$TMP/shut.json" "[s['step'] for s in d]")" \
	"['begin', 'release', 'release', 'deregister', 'handle']"
check_eq "shutdown -j: begin counts the entry" "$(py "$TMP/shut.json" "(d[0]['protocol'], d[0]['interfaces'], d[0]['mfes'])")" "('static', 2, 1)"
check_eq "shutdown -j: releases" "$(py "$TMP/shut.json" "sorted((s['interface'], s['result'], s['igmp_handoff']) for s in d if s['step'] == 'release')")" \
	"[('r1', 'NO_ERROR', False), ('rs', 'NO_ERROR', False)]"
check_eq "shutdown -j: the handle rejected" "$(py "$TMP/shut.json" "d[-1]['result']")" ERROR_INVALID_PARAMETER
check_eq "shutdown -j: no MFE left" "$(mgmctl -j show mfe)" "[]"
mgmctl -p shutdown static >"$TMP/shut.json"
check_eq "shutdown -p when it is down: exit 1 as JSON" "$?$(py "$TMP/shut.json" "d['error']")" "1static is not running"
mgmd_stop TERM
summary
