#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mgmctl treats every answer as untrusted input.  Anything may listen on
# the socket path, so a fake mgmd (Python, on a UNIX socket, speaking the
# framing of include/mgm/mgm_ipc.h) answers every command with hostile
# JSON: null elements and rows, values of the wrong type, missing fields,
# deep nesting, numbers past 64 bits, control characters, several values
# in one answer, broken streams.  For each answer and each command (every
# show object, shutdown, add route, take), in table, -j and -p mode,
# mgmctl must end by itself (no signal, no hang) with status 0 or 1; a few
# tables are checked for what they show instead (null is "-").
#
# No namespace and no mgmd: the fake server is all mgmctl talks to.
# MGMCTL_BIN=path runs another mgmctl (e.g. an older build).
. "$(dirname "$0")/lib.sh"
require_cmd python3 python3

MGMCTL_BIN=${MGMCTL_BIN:-$BUILD/mgmctl}
FAKE=$TMP/fake.sock

# The server: for each connection, read one MGM_IPC_CMD, then answer with
# the scenario named in $TMP/scenario (re-read every time).
cat >"$TMP/fake.py" <<'EOF'
import json, os, socket, struct, sys
sock, scen_file = sys.argv[1], sys.argv[2]

def msg(t, payload=b"", status=0):
    return struct.pack("=IHHII", 16 + len(payload), t, 0, 0, status) + payload

def out(text):
    return msg(2, text.encode() if isinstance(text, str) else text)

def done(status=0, text=b""):
    return msg(3, text, status)

deep_ok = "[" * 30 + "null" + "]" * 30           # within json-c's depth
deep_bad = "[" * 5000 + "]" * 5000               # past it: "not JSON"
deep_obj = '{"a":' * 30 + "null" + "}" * 30
wrong = {"name": 5, "ifindex": "x", "owner": [None], "igmp": None,
         "xdp": "yes", "ttl_threshold": {"a": None}, "out_packets": [1, None],
         "source": 5, "group": [1, 2], "iif": {"a": None}, "oifs": "r1",
         "packets": "many", "bytes": -1, "wrong_if": 1.5, "uptime": "x",
         "expires": None, "timeout": [], "upstream": True,
         "protocol": [None, {"x": [None]}], "protocol_id": "0x",
         "component_id": None, "interfaces": {}, "memberships": False,
         "pid": -7, "connected": 1, "callbacks": None, "timeouts": "t",
         "bad_answers": [[None]], "path": None, "reason": [None],
         "since": None, "kernel_packets": None}
huge = {"packets": 18446744073709551615, "bytes": 99999999999999999999999999,
        "uptime": -9223372036854775808, "expires": 9223372036854775807,
        "wrong_if": -99999999999999999999, "protocol_id": -1,
        "ifindex": 1e400, "out_bytes": -1e400, "ttl_threshold": 1e-400,
        "since": 18446744073709551615, "pid": 4294967296}
mixed_list = [None, 1, True, {"a": None}, [None], "r1", 1.5, "", "\u0000x"]
evil = "\u001b[2J\u001b]0;pwned\u0007\r\n\u007f"

S = {
    "null-element": out('[null]') + done(),
    "null-oif": out('[{"oifs":[null]}]') + done(),
    "null-fields": out(json.dumps([{k: None for k in wrong}])) + done(),
    "wrong-types": out(json.dumps([wrong, None, 1, "s", [None]])) + done(),
    "mixed-list": out(json.dumps([{"oifs": mixed_list, "path": mixed_list}])) + done(),
    "missing": out('[{}, {"unknown": null}, []]') + done(),
    "huge": out(json.dumps([huge])) + done(),
    "deep-ok": out("[" + deep_ok + ", {\"oifs\": " + deep_ok + "}]") + done(),
    "deep-obj": out("[" + deep_obj + "]") + out(deep_obj) + done(),
    "deep-bad": out(deep_bad) + done(),
    "top-null": out("null") + done(),
    "top-scalars": out('1 "two" true 1e400 null [] {}') + done(),
    "stats-null": out('{"fastpath": null, "controller": {"events": null, '
                      '"mfes": "x", "uptime": [null], "out_sets": {"a": null}},'
                      ' "other": [null], "": null}') + done(),
    "kernel-null": out('{"table": null, "stats": {"entries": null, "x": [null],'
                       ' "y": {"z": null}}, "entries": [null, {"oifs": [null]},'
                       ' {"oifs": [[null], {"a": null}]}]}') + done(),
    "kernel-wrong": out('{"table": [null], "stats": [null], "entries": {"a": null}}')
                    + done(),
    "control-chars": out(json.dumps([{"name": evil, "oifs": [evil], evil: evil,
                                      "step": evil}])) + out(json.dumps({evil: evil}))
                     + done(3, evil.encode()),
    "steps": out('{"step": null, "x": null}') + out('{"step": [null], "y": [null]}')
             + out('null') + out('[null]') + out('{"step": {"a": null}}') + done(),
    "null-in-string": out('[{"name": "a\\u0000b", "oifs": ["\\u0000"]}]') + done(),
    "bad-status": done(0xffffffff, b"\x00\x01" + evil.encode()),
    "error-binary": msg(4, bytes(range(256))),
    "bad-type": msg(77, b"null"),
    "empty": done(),
}

s = socket.socket(socket.AF_UNIX)
s.bind(sock)
s.listen(16)
while True:
    c, _ = s.accept()
    try:
        h = c.recv(16, socket.MSG_WAITALL)
        if len(h) == 16:
            n = struct.unpack("=I", h[:4])[0]
            if n > 16:
                c.recv(n - 16, socket.MSG_WAITALL)
        name = open(scen_file).read().strip()
        c.sendall(S[name])
    except (OSError, KeyError):
        pass
    c.close()
EOF

python3 "$TMP/fake.py" "$FAKE" "$TMP/scenario" 2>"$TMP/fake.err" &
BG_PIDS+=($!)
n=0
while [ ! -S "$FAKE" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
check "the fake mgmd listens" test -S "$FAKE"

# run SCENARIO ARGS...: mgmctl against the fake; output in $TMP/out, $TMP/err.
run() {
	echo "$1" >"$TMP/scenario"
	shift
	timeout -s KILL 10 "$MGMCTL_BIN" -s "$FAKE" -t 5 "$@" >"$TMP/out" 2>"$TMP/err"
}

scenarios="null-element null-oif null-fields wrong-types mixed-list missing huge
deep-ok deep-obj deep-bad top-null top-scalars stats-null kernel-null
kernel-wrong control-chars steps null-in-string bad-status error-binary
bad-type empty"
commands=("show interfaces" "show protocols" "show groups" "show mfe"
	"show stats" "show remotes" "show kernel" "shutdown x"
	"add route from rs group 239.1.1.1 to r1" "take r1 static")

# Every scenario, command and mode: one check each (a summary of the
# failures is printed), so the count stays readable.
for sc in $scenarios; do
	bad=""
	for c in "${commands[@]}"; do
		for mode in "" -j -p; do
			# shellcheck disable=SC2086
			run "$sc" $mode $c
			rc=$?
			# 3: the status control-chars sends in DONE.
			if [ "$rc" -gt 1 ] && ! { [ "$sc" = control-chars ] && [ "$rc" -eq 3 ]; }; then
				bad="$bad [$mode $c: exit $rc$([ "$rc" -gt 128 ] && echo " (signal $((rc - 128)))")]"
			fi
		done
	done
	check "$sc: mgmctl survives every command in every mode${bad:+:$bad}" test -z "$bad"
done

# What the tables show.
run null-oif show mfe
check_eq "[{\"oifs\":[null]}]: exit 0" "$?" 0
check_eq "... a table whose row is all '-'" "$(sed -n 2p "$TMP/out" | tr -s ' ')" \
	"- - - - - - - - - - -"
run null-element show mfe
check_eq "[null]: one row of '-'" "$(wc -l <"$TMP/out") $(sed -n 2p "$TMP/out" | tr -d ' -')" "2 "
run mixed-list show mfe
check "a list of odd elements: each one shown" \
	grep -q -- '-,1,true,{"a":null},\[null\],r1,1.5,,' "$TMP/out"
run huge show mfe
check "a counter past int64 is shown exactly" \
	grep -qE "^- +- +- +- +18446744073709551615 " "$TMP/out"
run control-chars show interfaces
check "no control character reaches the terminal" \
	test -z "$(LC_ALL=C tr -d '\n' <"$TMP/out" | LC_ALL=C tr -d '[:print:]')"
check "... nor in the error" \
	test -z "$(LC_ALL=C tr -d '\n' <"$TMP/err" | LC_ALL=C tr -d '[:print:]')"
run stats-null show stats
check_eq "stats with null sections: exit 0" "$?" 0
check "... a null counter is '-'" grep -qE "^  events +- " "$TMP/out"
run kernel-null show kernel
check_eq "kernel with nulls: exit 0" "$?" 0
check "... 'table -'" grep -q "^table -" "$TMP/out"
run steps shutdown x
check_eq "steps with nulls: exit 0" "$?" 0
check "... a null step is '-'" grep -qE "^- +x=-$" "$TMP/out"
run deep-bad show mfe
check_eq "nesting past the parser's depth: an error, exit 1" \
	"$? $(cat "$TMP/err")" "1 Error: mgmd sent text that is not JSON"
run bad-status show mfe
check_eq "a status past 255: exit 1" "$?" 1
summary
