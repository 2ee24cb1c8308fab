#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpora of the fuzz targets (tests/fuzz/corpus/NAME/).

The seeds are real messages, configurations and packets, built here from
the wire formats (include/mgm/mgm_ipc.h, mgm_ipc_proto.h, RFC 2236/3376,
rtnetlink).  Run it again after a format changes; files that crashes
left in a corpus (crash-*) are kept, the generated ones rewritten.

    tests/fuzz/gen_corpus.py [CORPUS-DIR]
"""
import os
import socket
import struct
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus")

# ---- the control socket ---------------------------------------------------

CMD, OUTPUT, DONE, ERROR = 1, 2, 3, 4
(HELLO, REGISTER, DEREGISTER, TAKE_IF, RELEASE_IF, GET_OWNER, ADD_MEMB,
 DEL_MEMB, GET_MFE, GET_FIRST_MFE, GET_NEXT_MFE, GET_MFE_STATS,
 GET_FIRST_MFE_STATS, GET_NEXT_MFE_STATS, SET_MFE, ENUM_START, ENUM_NEXT,
 ENUM_END) = range(32, 50)
REPLY = 64
(CB_RPF, CB_CREATION, CB_PRUNE, CB_JOIN, CB_WRONG_IF, CB_LOCAL_JOIN,
 CB_LOCAL_LEAVE, CB_DISABLE_IGMP, CB_ENABLE_IGMP) = range(96, 105)
EV_SHUTDOWN, EV_IF_GONE, EV_IF_APPEARED = 112, 113, 114
# Both address families (MGM_IPC_FEAT_FAMILY_X)
(REGISTER_X, ADD_MEMB_X, DEL_MEMB_X, GET_MFE_X, GET_FIRST_MFE_X,
 GET_NEXT_MFE_X, ENUM_NEXT_X) = range(50, 57)
(CB_RPF_X, CB_CREATION_X, CB_PRUNE_X, CB_JOIN_X, CB_WRONG_IF_X,
 CB_LOCAL_JOIN_X, CB_LOCAL_LEAVE_X) = range(115, 122)
CB_REPLY = 127
F_JSON, F_PRETTY = 1, 2
NO_ERROR, INVALID, INSUFFICIENT, MORE_DATA, NO_MORE = 0, 87, 122, 234, 259


def msg(typ, payload=b"", seq=0, status=0, flags=0):
    return struct.pack("<IHHII", 16 + len(payload), typ, flags, seq,
                       status) + payload


def ip(a):
    return struct.unpack("<I", socket.inet_aton(a))[0]


def cmd(*argv, flags=0, seq=1):
    return msg(CMD, b"".join(a.encode() + b"\0" for a in argv), seq,
               flags=flags)


# Placeholders for MGM's handles (fuzz_mgmd.c: placeholder()).
def ph(k):
    return b"MGMH" + bytes([k]) + b"\xff\xff\xff"


def pe(k):
    return b"MGME" + bytes([k]) + b"\xff\xff\xff"


def hello(name=b"fuzz", version=1, pid=4242, seq=1):
    return msg(HELLO, struct.pack("<II32s", version, pid, name), seq)


def register(pid=0x4d474d01, cid=1, cbs=0x1ff, seq=2, flags=0):
    return msg(REGISTER, struct.pack("<IIII", pid, cid, flags, cbs), seq)


def iface(t, h, ifx, nh=0, seq=3):
    return msg(t, h + struct.pack("<II", ifx, nh), seq)


def memb(t, h, s, sm, g, gm, ifx, nh=0, fl=1, seq=4):
    return msg(t, h + struct.pack("<IIIIIIII", s, sm, g, gm, ifx, nh, fl, 0),
               seq)


def mfe_words(g=0, s=0, sm=0, up=0, iif=0):
    return struct.pack("<15I", g, s, sm, up, iif, *([0] * 10))


def mfe_query(t, key=b"\0" * 60, size=4096, flags=0, seq=5):
    return msg(t, key + struct.pack("<III", size, flags, 0), seq)


def addr4(a):
    return struct.pack("<HH", 2, 0) + socket.inet_aton(a) + b"\0" * 12


def addr6(a):
    return struct.pack("<HH", 10, 0) + socket.inet_pton(socket.AF_INET6, a)


def register_x(pid=0x4d474d06, cid=1, fams=3, cbs=0x1ff, seq=2):
    return msg(REGISTER_X, struct.pack("<IIII", pid, cid, fams, cbs), seq)


def memb_x(t, h, s, g, ifx, nh=0, fl=1, seq=4):
    return msg(t, h + s + g + struct.pack("<IIII", ifx, nh, fl, 0), seq)


def mfe_query_x(t, s, g, size=4096, seq=5):
    return msg(t, s + g + struct.pack("<II", size, 0), seq)


def mgmd_input(a, b=b"", c=b""):
    return struct.pack("<HH", len(a), len(b)) + a + b + c


def mgmd_corpus():
    out = {}
    for argv in (["help"], [], ["show", "interfaces"],
                 ["show", "protocols"], ["show", "groups"],
                 ["show", "mfe"], ["show", "stats"], ["show", "kernel"],
                 ["show", "remotes"], ["show"], ["show", "bogus"],
                 ["add", "route", "from", "lo", "group", "239.1.1.1", "to",
                  "lo"],
                 ["add", "route", "from", "lo", "source", "192.0.2.1",
                  "group", "232.1.1.1/32", "to", "lo", "lo"],
                 ["del", "route", "from", "lo", "group", "239.1.1.0/24",
                  "to", "lo"],
                 ["add", "route", "from", "eth0", "group", "1.2.3.4", "to"],
                 ["attach", "lo"], ["detach", "lo"], ["attach", "nosuch0"],
                 ["take", "lo", "static"], ["release", "lo", "static"],
                 ["take", "lo", "igmp"], ["take", "lo", "bgp"],
                 ["shutdown", "static"], ["shutdown", "igmp"],
                 ["shutdown", "remote:fuzz"], ["reload"], ["frobnicate"]):
        name = "cmd-" + ("-".join(argv) or "empty").replace("/", "_")
        out[name] = mgmd_input(cmd(*argv, flags=F_JSON))
    out["cmd-unterminated"] = mgmd_input(msg(CMD, b"show\0stats", 1))
    out["cmd-too-many"] = mgmd_input(msg(CMD, b"x\0" * 70, 1))
    out["cmd-then-more"] = mgmd_input(cmd("show", "stats") +
                                      cmd("show", "mfe"))
    out["bad-length"] = mgmd_input(struct.pack("<IHHII", 8, 1, 0, 1, 0))
    out["huge-length"] = mgmd_input(struct.pack("<IHHII", 1 << 20, 32, 0,
                                                1, 0))
    out["unknown-type"] = mgmd_input(msg(200, b"abc", 7))
    out["partial"] = mgmd_input(cmd("show", "groups")[:20])

    h0 = ph(0)
    proto = hello() + register()
    out["remote-hello"] = mgmd_input(hello())
    out["remote-hello-badversion"] = mgmd_input(hello(version=9))
    out["remote-hello-short"] = mgmd_input(msg(HELLO, b"\1\0\0\0", 1))
    out["remote-hello-label"] = mgmd_input(hello(b"ospf d\"\\<x>" + b"A" * 20))
    out["remote-register"] = mgmd_input(proto)
    out["remote-register-badcb"] = mgmd_input(hello() + register(cbs=0x400))
    out["remote-register-many"] = mgmd_input(
        hello() + b"".join(register(pid=0x100 + i, seq=2 + i)
                           for i in range(18)))
    session = (proto + iface(TAKE_IF, h0, 1, seq=3) +
               iface(TAKE_IF, h0, 2, seq=4) +
               memb(ADD_MEMB, h0, 0, 0, ip("239.1.1.1"), 0xffffffff, 2,
                    seq=5) +
               memb(ADD_MEMB, h0, ip("192.0.2.10"), 0xffffffff,
                    ip("232.0.0.1"), 0xffffffff, 2, seq=6) +
               msg(GET_OWNER, struct.pack("<II", 1, 0), 7))
    out["remote-session"] = mgmd_input(session)
    queries = b""
    key = mfe_words(ip("239.1.1.1"), ip("192.0.2.10"), 0xffffffff)
    for i, t in enumerate((GET_MFE, GET_FIRST_MFE, GET_NEXT_MFE,
                           GET_MFE_STATS, GET_FIRST_MFE_STATS,
                           GET_NEXT_MFE_STATS)):
        queries += mfe_query(t, key, 4096, 0, 20 + 2 * i)
        queries += mfe_query(t, key, 0, 2, 21 + 2 * i)
    out["remote-queries"] = mgmd_input(session, queries)
    out["remote-set-mfe"] = mgmd_input(
        session, msg(SET_MFE, h0 + key + b"\0\0\0\0", 30))
    enum = (msg(ENUM_START, h0 + struct.pack("<II", 1, 0), 40) +
            msg(ENUM_NEXT, pe(0) + struct.pack("<II", 4096, 0), 41) +
            msg(ENUM_NEXT, pe(0) + struct.pack("<II", 16, 0), 42) +
            msg(ENUM_END, pe(0), 43) + msg(ENUM_END, pe(0), 44))
    out["remote-enum"] = mgmd_input(session + enum)
    out["remote-release-deregister"] = mgmd_input(
        session + iface(RELEASE_IF, h0, 1, seq=8) +
        memb(DEL_MEMB, h0, 0, 0, ip("239.1.1.1"), 0xffffffff, 2, seq=9) +
        msg(DEREGISTER, h0, 10) + msg(DEREGISTER, h0, 11))
    out["remote-wrong-handle"] = mgmd_input(
        proto + iface(TAKE_IF, struct.pack("<Q", 0x1234), 1))
    out["remote-bad-size"] = mgmd_input(proto + msg(TAKE_IF, h0, 3))
    out["remote-cmd-on-remote"] = mgmd_input(proto + cmd("show", "mfe"))
    # Callbacks: the misses after A go to the owner of interface 1 (RPF)
    # and of the oifs (creation alerts); B answers them (seq 1, 2, ...).
    rpf_ans = struct.pack("<III5I", 1, 0, 0, 0, 0, 0, 1, 0)
    crea_ans = struct.pack("<II", 1, 0) + struct.pack("<IIii", 2, 0, 0, 1)
    out["remote-callbacks"] = mgmd_input(
        session, b"".join(msg(CB_REPLY, rpf_ans, s) for s in (1, 3, 5)) +
        b"".join(msg(CB_REPLY, crea_ans, s) for s in (2, 4, 6)))
    out["remote-callbacks-bad"] = mgmd_input(
        session, msg(CB_REPLY, rpf_ans[:7], 1) +
        msg(CB_REPLY, struct.pack("<II", 5, 0), 2) +
        msg(CB_REPLY, b"", 99))
    out["remote-late-reply"] = mgmd_input(proto + msg(CB_REPLY, b"x", 1))
    out["remote-then-mgmctl"] = mgmd_input(
        session, b"", cmd("show", "remotes", flags=F_JSON))
    out["remote-then-shutdown"] = mgmd_input(
        session, b"", cmd("shutdown", "remote:fuzz"))
    out["remote-then-show-all"] = mgmd_input(
        session, b"", cmd("show", "interfaces"))
    out["remote-then-groups"] = mgmd_input(
        session, b"", cmd("show", "groups"))

    # Both families: a family-neutral protocol (IPv6 memberships; the
    # fuzzer's misses are IPv4, so its callbacks are the _X messages
    # with IPv4 addresses), its queries and answers.
    any6, g6 = addr6("::"), addr6("ff0e::1:1")
    s6, g6b = addr6("2001:db8::1"), addr6("ff3e::2:2")
    session_x = (hello() + register_x() + iface(TAKE_IF, h0, 1, seq=3) +
                 iface(TAKE_IF, h0, 2, seq=4) +
                 memb_x(ADD_MEMB_X, h0, any6, g6, 2, seq=5) +
                 memb_x(ADD_MEMB_X, h0, s6, g6b, 2, seq=6) +
                 memb_x(ADD_MEMB_X, h0, addr4("0.0.0.0"),
                        addr4("239.1.1.1"), 2, seq=7) +
                 memb_x(ADD_MEMB_X, h0, addr4("192.0.2.10"),
                        addr4("232.0.0.1"), 2, seq=8))
    out["remote-x-session"] = mgmd_input(session_x)
    out["remote-x-register-bad"] = mgmd_input(
        hello() + register_x(fams=0) + register_x(fams=8, seq=3) +
        register_x(cbs=0x400, seq=4) + msg(REGISTER_X, b"\0" * 12, 5))
    out["remote-x-bad-addr"] = mgmd_input(
        hello() + register_x() +
        memb_x(ADD_MEMB_X, h0, addr4("192.0.2.1"), g6, 2, seq=3) +
        memb_x(ADD_MEMB_X, h0, any6, addr6("2001:db8::9"), 2, seq=4) +
        memb_x(ADD_MEMB_X, h0, b"\7\0" + b"\0" * 18, g6, 2, seq=5) +
        msg(ADD_MEMB_X, h0 + b"\0" * 40, 6))
    qx = b""
    for i, t in enumerate((GET_MFE_X, GET_FIRST_MFE_X, GET_NEXT_MFE_X)):
        qx += mfe_query_x(t, addr4("192.0.2.10"), addr4("239.1.1.1"), 4096,
                          20 + 2 * i)
        qx += mfe_query_x(t, s6, g6, 0, 21 + 2 * i)
    enum_x = (msg(ENUM_START, h0 + struct.pack("<II", 1, 0), 40) +
              msg(ENUM_NEXT_X, pe(0) + struct.pack("<II", 4096, 0), 41) +
              msg(ENUM_NEXT_X, pe(0) + struct.pack("<II", 40, 0), 42) +
              msg(ENUM_END, pe(0), 43))
    out["remote-x-queries"] = mgmd_input(session_x, qx + enum_x)
    # Answers of the family-neutral RPF (64 bytes) and creation alerts.
    rpf_x_ans = (struct.pack("<II", 1, 0) + addr4("0.0.0.0") +
                 struct.pack("<II", 0, 0) + addr4("0.0.0.0") +
                 struct.pack("<II", 1, 0))
    rpf_x_ans6 = (struct.pack("<II", 2, 0) + addr6("::") +
                  struct.pack("<II", 0, 0) + addr6("::") +
                  struct.pack("<II", 2, 0))
    out["remote-x-callbacks"] = mgmd_input(
        session_x,
        b"".join(msg(CB_REPLY, rpf_x_ans, s) for s in (1, 3)) +
        msg(CB_REPLY, rpf_x_ans6, 5) +
        b"".join(msg(CB_REPLY, crea_ans, s) for s in (2, 4, 6)) +
        memb_x(DEL_MEMB_X, h0, any6, g6, 2, seq=50) +
        msg(DEREGISTER, h0, 51))
    out["remote-x-then-groups"] = mgmd_input(
        session_x, b"", cmd("show", "groups", flags=F_JSON))
    out["remote-x-then-mfe"] = mgmd_input(
        session_x, b"", cmd("show", "mfe", "group", "ff0e::1:1"))
    return out


# ---- libmgmclient: what mgmd sends --------------------------------------

H = 0x00abc00000000001
HB = struct.pack("<Q", H)
EH = struct.pack("<Q", 0x80abc00000000002)


def mfe_rec(g, s, iif, oifs):
    return (struct.pack("<15I", g, s, 0xffffffff, 0, iif, 0x4d474d01, 0, 0,
                        0, 10, 50, 60, len(oifs), 0, 0) +
            b"".join(struct.pack("<IIII", o, 0, 0, 0) for o in oifs))


def stats_rec(g, s, iif, oifs, ex=False):
    base = struct.pack("<16I", g, s, 0xffffffff, 0, iif, 0x4d474d01, 0, 0, 0,
                       10, 50, len(oifs), 100, 10000, 1, 0)
    if ex:
        base += struct.pack("<5I", 0, 0, 0, 0, 200)
    return base + b"".join(struct.pack("<7I", o, 0, 0, 0, 0, 100, 0)
                           for o in oifs)


def buf_reply(seq, recs, n, status=NO_ERROR, size=None):
    data = b"".join(recs)
    return msg(REPLY, struct.pack("<II", len(data) if size is None else size,
                                  n) + data, seq, status)


def mfe_x_rec(g, s, iif, oifs):
    """struct mgm_mfe_x (176 bytes) and its oifs, padded to 8."""
    r = (s + g + addr6("::") + addr6("::") +
         struct.pack("<8I", 0, iif, 0x4d474d06, 0, 10, 50, 60, len(oifs)) +
         struct.pack("<8Q", 100, 10000, 1, 0, 0, 0, 0, 200) +
         b"".join(struct.pack("<7I", o, 0, 0, 0, 0, 100, 0) for o in oifs))
    return r + b"\0" * (-len(r) % 8)


def client_script(extra_before=b"", cb_before_seq=None, cb=b"",
                  nested=False, x=False):
    """The replies to the harness's fixed script, in order.  nested: cb
    makes one nested call (seq cb_before_seq + 1, answered first); the
    later requests' sequence numbers shift by one.  x: HELLO announces
    MGM_IPC_FEAT_FAMILY_X and the family-neutral calls (seq 18..24) are
    answered."""
    g, s = ip("239.1.1.1"), ip("192.0.2.10")
    g6, s6 = addr6("ff0e::1:1"), addr6("2001:db8::1")
    rep = [
        msg(REPLY, struct.pack("<IIII", 1, 250, 65536, 7 if x else 1), 1),
        msg(REPLY, HB, 2),
        msg(REPLY, b"", 3),
        msg(REPLY, b"", 4),
        msg(REPLY, struct.pack("<II", 0x4d474d01, 1), 5),
        buf_reply(6, [mfe_rec(g, s, 1, [2, 3])], 1),
        buf_reply(7, [], 0, INSUFFICIENT, size=92),
        buf_reply(8, [mfe_rec(g, s, 1, [2]), mfe_rec(g, 0, 1, [])], 2,
                  MORE_DATA),
        buf_reply(9, [], 0, NO_MORE),
        buf_reply(10, [stats_rec(g, s, 1, [2], ex=True)], 1),
        buf_reply(11, [stats_rec(g, s, 1, [2, 3])], 1, NO_MORE),
        buf_reply(12, [], 0, NO_MORE),
        msg(REPLY, b"", 13),
        msg(REPLY, EH, 14),
        buf_reply(15, [struct.pack("<IIII", 0, 0, g, 0xffffffff),
                       struct.pack("<IIII", s, 0xffffffff, g, 0xffffffff)],
                  2, NO_MORE),
        msg(REPLY, b"", 16),
        msg(REPLY, b"", 17),
    ]
    if x:
        rep += [
            msg(REPLY, struct.pack("<Q", H + 5), 18),
            msg(REPLY, b"", 19),
            buf_reply(20, [mfe_x_rec(g6, s6, 1, [2, 3])], 1),
            buf_reply(21, [mfe_x_rec(addr4("239.1.1.1"),
                                     addr4("192.0.2.10"), 1, [2]),
                           mfe_x_rec(g6, s6, 1, [])], 2, MORE_DATA),
            buf_reply(22, [], 0, NO_MORE),
            buf_reply(23, [addr6("::") + g6, s6 + g6], 2, NO_MORE),
            msg(REPLY, b"", 24),
        ]
    chunks = []
    for i, r in enumerate(rep):
        seq = i + 1
        chunk = extra_before if not i else b""
        if cb_before_seq == seq:
            chunk += cb
            if nested:
                chunk += msg(REPLY, struct.pack("<II", 1, 1), seq + 1)
        if nested and cb_before_seq is not None and seq > cb_before_seq:
            hdr = bytearray(r)
            struct.pack_into("<I", hdr, 8, seq + 1)
            r = bytes(hdr)
        chunks.append(chunk + r)
        if seq in (16, 23):
            chunks.append(b"")  # dispatch
    return chunked(*chunks)


def chunked(*chunks):
    return b"".join(struct.pack("<H", len(c)) + c for c in chunks)


def client_corpus():
    g, s = ip("239.1.1.1"), ip("192.0.2.10")
    out = {"script": client_script()}
    rpf = msg(CB_RPF, HB + struct.pack("<IIIIIIII", s, 0xffffffff, g,
                                       0xffffffff, 1, 0, 0, 20) +
              struct.pack("<5I", 0, 0, 0, 1, 0) + b"\0\0\0\0" +
              bytes(range(20)), 100)
    crea = msg(CB_CREATION, HB + struct.pack("<IIIIIIII", s, 0xffffffff, g,
                                             0xffffffff, 1, 0, 2, 0) +
               struct.pack("<IIii", 2, 0, 0, 1) +
               struct.pack("<IIii", 1, 0, 1, 1), 101)
    prune = msg(CB_PRUNE, HB + struct.pack("<IIIIIIiI", s, 0xffffffff, g,
                                           0xffffffff, 2, 0, 0, 60), 102)
    join = msg(CB_JOIN, HB + struct.pack("<IIIIiI", 0, 0, g, 0xffffffff,
                                         1, 0), 103)
    wrong = msg(CB_WRONG_IF, HB + struct.pack("<IIIIII", s, g, 3, 0, 8, 0) +
                b"E\0\0\x1c\0\0@\0", 104)
    local = msg(CB_LOCAL_JOIN, HB + struct.pack("<IIIIII", 0, 0, g,
                                                0xffffffff, 2, 0), 105)
    leave = msg(CB_LOCAL_LEAVE, HB + struct.pack("<IIIIII", 0, 0, g,
                                                 0xffffffff, 2, 0), 106)
    dis = msg(CB_DISABLE_IGMP, HB + struct.pack("<II", 2, 0), 107)
    ena = msg(CB_ENABLE_IGMP, HB + struct.pack("<II", 2, 0), 108)
    shut = msg(EV_SHUTDOWN, HB + struct.pack("<II", 1, 0), 0)
    gone = msg(EV_IF_GONE, HB + struct.pack("<IIII16s", 2, 0, 0, 0, b"eth1"))
    appeared = msg(EV_IF_APPEARED, HB + struct.pack("<IIII16s", 5, 0, 2, 0,
                                                    b"eth1"))
    for name, cb in (("rpf", rpf), ("creation", crea), ("prune", prune),
                     ("wrong-if", wrong), ("local-join", local),
                     ("local-leave", leave), ("disable-igmp", dis),
                     ("enable-igmp", ena), ("shutdown", shut),
                     ("if-gone", gone), ("if-appeared", appeared)):
        out["cb-" + name] = client_script(cb_before_seq=3, cb=cb)
    # The join alert makes a nested call (seq 4) while TAKE_INTERFACE
    # (seq 3) waits: its reply comes first, and the script shifts by one.
    out["cb-join-nested"] = client_script(cb_before_seq=3, cb=join,
                                          nested=True)
    out["cb-all"] = client_script(
        cb_before_seq=6, cb=rpf + crea + prune + wrong + local + leave +
        dis + ena + gone)
    # Both families: the family-neutral callbacks (handle H + 5, the
    # REGISTER_X reply's) while ADD_MEMBERSHIP_X (seq 19) waits.
    HX = struct.pack("<Q", H + 5)
    g6, s6, any6 = addr6("ff0e::1:1"), addr6("2001:db8::1"), addr6("::")
    route_x = struct.pack("<II", 0, 128) + s6 + struct.pack("<II", 1, 0)
    rpf_x = msg(CB_RPF_X, HX + s6 + g6 + any6 +
                struct.pack("<IIII", 1, 0, 8, 0) + route_x +
                bytes([0x60] + [0] * 7), 200)
    crea_x = msg(CB_CREATION_X, HX + s6 + g6 + struct.pack("<IIII", 1, 0,
                                                            2, 0) +
                 struct.pack("<IIii", 2, 0, 0, 1) +
                 struct.pack("<IIii", 3, 0, 1, 1), 201)
    prune_x = msg(CB_PRUNE_X, HX + s6 + g6 + struct.pack("<IIiI", 1, 0, 0,
                                                         60), 202)
    join_x = msg(CB_JOIN_X, HX + any6 + g6 + struct.pack("<iI", 1, 0), 203)
    wrong_x = msg(CB_WRONG_IF_X, HX + s6 + g6 +
                  struct.pack("<IIII", 3, 0, 4, 0) + b"\x60\0\0\0", 204)
    local_x = msg(CB_LOCAL_JOIN_X, HX + any6 + g6 + struct.pack("<II", 2, 0),
                  205)
    leave_x = msg(CB_LOCAL_LEAVE_X, HX + any6 + g6 +
                  struct.pack("<II", 2, 0), 206)
    out["script-x"] = client_script(x=True)
    for name, cb in (("rpf", rpf_x), ("creation", crea_x),
                     ("prune", prune_x), ("join", join_x),
                     ("wrong-if", wrong_x), ("local-join", local_x),
                     ("local-leave", leave_x)):
        out["cb-x-" + name] = client_script(cb_before_seq=19, cb=cb, x=True)
    out["cb-x-all"] = client_script(
        cb_before_seq=19, cb=rpf_x + crea_x + prune_x + join_x + wrong_x +
        local_x + leave_x + msg(CB_DISABLE_IGMP, HX + struct.pack("<II", 2, 0),
                                207), x=True)
    out["cb-x-bad"] = client_script(
        cb_before_seq=19, cb=msg(CB_RPF_X, HX + b"\0" * 100, 208) +
        msg(CB_CREATION_X, HX + s6 + g6 + struct.pack("<IIII", 1, 0,
                                                      0x10000000, 0), 209) +
        msg(CB_JOIN_X, HX[:4], 210) + msg(CB_LOCAL_JOIN_X, HX, 211),
        x=True)
    out["cb-x-to-ipv4-proto"] = client_script(cb_before_seq=3, cb=join_x)
    hello_ok = msg(REPLY, struct.pack("<IIII", 1, 250, 65536, 0), 1)
    out["stale-replies"] = chunked(hello_ok, msg(REPLY, b"", 3) +
                                   msg(REPLY, HB, 2), msg(REPLY, b"", 1))
    out["late-reply"] = chunked(hello_ok, b"", msg(REPLY, HB, 2) +
                                msg(REPLY, b"", 3))
    out["hello-bad-version"] = chunked(msg(REPLY, struct.pack(
        "<IIII", 7, 250, 65536, 0), 1))
    out["hello-refused"] = chunked(msg(ERROR, b"permission denied", 0,
                                       INVALID))
    out["hello-short"] = chunked(msg(REPLY, b"\1\0", 1))
    out["bad-length"] = chunked(struct.pack("<IHHII", 3, REPLY, 0, 1, 0))
    out["oversized-data"] = chunked(
        hello_ok, msg(REPLY, HB, 2), msg(REPLY, b"", 3), msg(REPLY, b"", 4),
        msg(REPLY, struct.pack("<II", 1, 1), 5),
        buf_reply(6, [b"\0" * 9000], 1))
    out["error-reply"] = chunked(
        hello_ok, msg(ERROR, b"REGISTER: payload of 3 bytes", 2, INVALID))
    out["creation-bad-count"] = client_script(
        cb_before_seq=3,
        cb=msg(CB_CREATION, HB + struct.pack("<IIIIIIII", s, 0xffffffff, g,
                                             0xffffffff, 1, 0, 0x10000000,
                                             0), 101))
    out["rpf-bad-hdr"] = client_script(
        cb_before_seq=3,
        cb=msg(CB_RPF, HB + struct.pack("<IIIIIIII", s, 0xffffffff, g,
                                        0xffffffff, 1, 0, 0, 0xfffffff0) +
               b"\0" * 24, 100))
    return out


# ---- configuration ----------------------------------------------------------

def config_corpus():
    return {
        "full": b"""# mgmd.conf
phyint eth0 ttl-threshold 2 igmp v3
phyint eth1
phyint lo igmp v2
mroute from eth0 group 239.1.1.1 to eth1
mroute from eth0 source 192.0.2.1 group 232.1.1.1 to eth1 lo
mroute from lo group 239.2.0.0/16 to eth0
igmp query-interval 125
igmp query-response-interval 10
igmp last-member-query-interval 1000
igmp robustness 2
socket-group mgm
mirror-kernel table 10 keepalive 500
""",
        "minimal": b"phyint lo\n",
        "mirror": b"mirror-kernel\n",
        "mirror-off": b"mirror-kernel keepalive off\n",
        "comments": b"# only\n\n   # comments\t\n\r\n",
        "crlf": b"phyint lo igmp\r\nmroute from lo group 239.1.1.1 to lo\r\n",
        "bad-statement": b"frobnicate eth0\n",
        "bad-ttl": b"phyint eth0 ttl-threshold 300\n",
        "bad-igmp": b"phyint eth0 igmp v4\n",
        "bad-group": b"mroute from eth0 group 10.0.0.1 to eth1\n",
        "bad-prefix": b"mroute from eth0 group 239.1.1.1/33 to eth1\n",
        "bad-ifname": b"phyint " + b"x" * 20 + b"\n",
        "no-oif": b"mroute from eth0 group 239.1.1.1 to\n",
        "many-oifs": b"mroute from eth0 group 239.1.1.1 to " +
        b" ".join(b"eth%d" % i for i in range(1, 40)) + b"\n",
        "long-line": b"phyint " + b"a " * 80 + b"\n",
        "igmp-bad": b"igmp robustness 0\nigmp query-interval -5\n",
        "mirror-bad": b"mirror-kernel table x keepalive 5\n",
        "dup-phyint": b"phyint lo\nphyint lo igmp v3\n",
        "socket-group-bad": b"socket-group\n",
        "source-bad": b"mroute from eth0 source 239.1.1.1 group 239.1.1.1 "
        b"to eth1\n",
        "ipv6": b"""phyint eth0
mroute from eth0 group ff0e::db8:1 to eth1
mroute from eth0 source 2001:db8::7 group ff3e::42 to eth1 lo
mroute from lo group ff05::100/120 to eth0
mroute from eth1 group 239.1.1.1 to eth0
""",
        "ipv6-bad-scope": b"mroute from eth0 group ff02::1:3 to eth1\n",
        "ipv6-bad-prefix": b"mroute from eth0 group ff0e::/112 to eth1\n",
        "ipv6-mixed": b"mroute from eth0 source 192.0.2.1 group ff0e::1 "
        b"to eth1\n",
        "ipv6-bad-source": b"mroute from eth0 source ff0e::1 group ff0e::2 "
        b"to eth1\nmroute from eth0 source 2001:db8:::1 group ff0e::2 to "
        b"eth1\n",
    }


# ---- IGMP -------------------------------------------------------------------

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4(src, dst, payload, ttl=1, ra=True):
    opts = b"\x94\x04\0\0" if ra else b""
    ihl = (20 + len(opts)) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0xc0, ihl * 4 + len(payload),
                    0, 0, ttl, 2, 0, socket.inet_aton(src),
                    socket.inet_aton(dst)) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def igmp(typ, code, group, rest=b""):
    b = struct.pack("!BBH4s", typ, code, 0, socket.inet_aton(group)) + rest
    return b[:2] + struct.pack("!H", csum(b)) + b[4:]


def v3_report(recs):
    body = b""
    for rtype, group, srcs in recs:
        body += struct.pack("!BBH4s", rtype, 0, len(srcs),
                            socket.inet_aton(group))
        body += b"".join(socket.inet_aton(x) for x in srcs)
    b = struct.pack("!BBHHH", 0x22, 0, 0, 0, len(recs)) + body
    return b[:2] + struct.pack("!H", csum(b)) + b[4:]


def v3_query(group, srcs=(), mrc=100, s=0, qrv=2, qqic=125):
    rest = struct.pack("!BBH", s << 3 | qrv, qqic, len(srcs)) + b"".join(
        socket.inet_aton(x) for x in srcs)
    return igmp(0x11, mrc, group, rest)


def ipv6_mld(src, dst, icmp, hlim=1, ra=True):
    """IPv6 (+ Hop-by-Hop with the Router Alert) around an MLD message."""
    s, d = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(
        socket.AF_INET6, dst)
    hbh = b"\x3a\x00\x05\x02\x00\x00\x01\x00" if ra else b""
    pseudo = s + d + struct.pack("!I3xB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack("!H", csum(pseudo + icmp)) + icmp[4:]
    return struct.pack("!IHBB", 0x60000000, len(hbh) + len(icmp),
                       0 if ra else 58, hlim) + s + d + hbh + icmp


def mld_v1(typ, group, delay=0):
    return struct.pack("!BBHHH16s", typ, 0, 0, delay, 0,
                       socket.inet_pton(socket.AF_INET6, group))


def mld_v2_report(recs):
    body = b""
    for rtype, group, srcs in recs:
        body += struct.pack("!BBH16s", rtype, 0, len(srcs),
                            socket.inet_pton(socket.AF_INET6, group))
        body += b"".join(socket.inet_pton(socket.AF_INET6, x) for x in srcs)
    return struct.pack("!BBHHH", 143, 0, 0, 0, len(recs)) + body


def mld_v2_query(group, srcs=(), mrc=1000, s=0, qrv=2, qqic=125):
    return struct.pack("!BBHHH16sBBH", 130, 0, 0, mrc, 0,
                       socket.inet_pton(socket.AF_INET6, group),
                       s << 3 | qrv, qqic, len(srcs)) + b"".join(
        socket.inet_pton(socket.AF_INET6, x) for x in srcs)


def pkt(ifx, payload, delay=0, flags=0):
    return struct.pack("<BBH", (ifx - 1) | flags, delay,
                       len(payload)) + payload


def igmp_corpus():
    h1, h2, r = "10.0.1.5", "10.0.2.5", "10.0.1.2"
    join2 = ipv4(h1, "239.1.1.1", igmp(0x16, 0, "239.1.1.1"))
    leave2 = ipv4(h1, "224.0.0.2", igmp(0x17, 0, "239.1.1.1"))
    join1 = ipv4(h1, "239.1.1.2", igmp(0x12, 0, "239.1.1.2"), ra=False)
    q2 = ipv4(r, "224.0.0.1", igmp(0x11, 100, "0.0.0.0"))
    q2g = ipv4(r, "239.1.1.1", igmp(0x11, 10, "239.1.1.1"))
    q3 = ipv4("10.0.2.1", "224.0.0.1", v3_query("0.0.0.0"))
    q3gs = ipv4("10.0.2.1", "232.1.1.1",
                v3_query("232.1.1.1", ["192.0.2.1", "192.0.2.2"], 10, 1))
    rep = lambda recs: ipv4(h2, "224.0.0.22", v3_report(recs))
    allow = rep([(5, "232.1.1.1", ["192.0.2.1", "192.0.2.2"])])
    isin = rep([(1, "232.1.1.1", ["192.0.2.1"])])
    isex = rep([(2, "239.2.2.2", [])])
    toin = rep([(3, "239.2.2.2", ["192.0.2.9"])])
    toex = rep([(4, "239.2.2.2", ["192.0.2.9"])])
    block = rep([(6, "232.1.1.1", ["192.0.2.1"])])
    multi = rep([(2, "239.3.3.3", []), (5, "232.2.2.2", ["198.51.100.1"]),
                 (1, "232.4.4.4", ["198.51.100.%d" % i for i in range(1, 9)])])
    seeds = {
        "v2-join": pkt(1, join2),
        "v2-join-leave": pkt(1, join2) + pkt(1, leave2, 20) +
        pkt(1, b"", 60),
        "v1-join": pkt(1, join1, 0, 8),
        "v2-query-other": pkt(1, q2) + pkt(1, q2g, 5),
        "v3-query": pkt(2, q3) + pkt(3, q3gs, 1),
        "v3-allow-block": pkt(2, allow) + pkt(2, block, 10, 8),
        "v3-is-in": pkt(2, isin, 0, 8),
        "v3-is-ex-to-in": pkt(3, isex) + pkt(3, toin, 30) + pkt(3, toex, 30),
        "v3-multi": pkt(2, multi, 0, 8) + pkt(2, q3gs, 200),
        "v2-on-v3": pkt(2, join2) + pkt(2, leave2, 4),
        "v3-on-v2": pkt(1, allow),
        "unknown-if": pkt(4, join2),
        "bad-checksum": pkt(1, join2[:-1] + b"\x55"),
        "fix-checksum": pkt(1, join2[:-1] + b"\x55", 0, 4),
        "ttl2": pkt(1, ipv4(h1, "239.1.1.1", igmp(0x16, 0, "239.1.1.1"),
                            ttl=2)),
        "no-ra-v3": pkt(2, ipv4(h2, "224.0.0.22",
                                v3_report([(5, "232.1.1.1", ["1.2.3.4"])]),
                                ra=False)),
        "truncated": pkt(2, allow[:30]),
        "short": pkt(1, join2[:24], 0, 4),
        "options": pkt(1, ipv4(h1, "239.1.1.1", igmp(0x16, 0, "239.1.1.1"))
                       [:0] + bytes.fromhex("46c0002000000000010200000a00"
                                            "0105ef0101019404000016000000"
                                            "ef010101"), 0, 4),
        "record-overrun": pkt(2, ipv4(h2, "224.0.0.22",
                                      v3_report([(1, "232.1.1.1", ["1.1.1.1"]
                                                  )])[:8] +
                                      struct.pack("!BBH4s", 1, 0, 200,
                                                  socket.inet_aton(
                                                      "232.1.1.1"))), 0, 4),
        "timers": pkt(1, join2) + pkt(2, isex) + pkt(3, allow) +
        pkt(1, q2, 255) + pkt(2, q3, 255),
    }
    # MLD, the IPv6 half (RFC 2710, RFC 3810) through the same router.
    h6, r6 = "fe80::5", "fe80::1:2"
    m1 = ipv6_mld(h6, "ff0e::1:1", mld_v1(131, "ff0e::1:1"))
    done = ipv6_mld(h6, "ff02::2", mld_v1(132, "ff0e::1:1"))
    mrep = lambda recs: ipv6_mld(h6, "ff02::16", mld_v2_report(recs))
    m2 = mrep([(2, "ff0e::2:2", []), (5, "ff3e::1", ["2001:db8::1",
                                                       "2001:db8::2"])])
    m2b = mrep([(6, "ff3e::1", ["2001:db8::1"]), (3, "ff0e::2:2", [])])
    mq = ipv6_mld(r6, "ff02::1", mld_v2_query("::"))
    mqgs = ipv6_mld(r6, "ff3e::1", mld_v2_query("ff3e::1", ["2001:db8::2"],
                                                100, 1))
    seeds.update({
        "mld-v1-join-done": pkt(1, m1) + pkt(1, done, 20) + pkt(1, b"", 60),
        "mld-v2-records": pkt(2, m2, 0, 8) + pkt(2, m2b, 10, 8),
        "mld-v2-queries": pkt(3, m2) + pkt(3, mq, 1) + pkt(3, mqgs, 2) +
        pkt(3, b"", 255),
        "mld-v2-on-v1": pkt(1, m2),
        "mld-hoplimit2": pkt(2, ipv6_mld(h6, "ff02::16",
                                         mld_v2_report([(2, "ff0e::3",
                                                         [])]), hlim=2)),
        "mld-no-ra": pkt(2, ipv6_mld(h6, "ff02::16",
                                     mld_v2_report([(2, "ff0e::3", [])]),
                                     ra=False)),
        "mld-fix-checksum": pkt(2, m2[:-1] + b"\x55", 0, 4 | 8),
        "mld-global-src": pkt(2, ipv6_mld("2001:db8::5", "ff02::16",
                                          mld_v2_report([(2, "ff0e::3",
                                                          [])]))),
    })
    return seeds


# ---- the kernel mirror: rtnetlink -------------------------------------------

RTM_NEWROUTE, RTM_DELROUTE, RTM_DELLINK, RTM_NEWNETCONF = 24, 25, 17, 80
NLMSG_ERROR, NLMSG_DONE = 2, 3
RTNL_FAMILY_IPMR = 128
RTNL_FAMILY_IP6MR = 129
RTA_DST, RTA_SRC, RTA_IIF, RTA_MULTIPATH, RTA_TABLE = 1, 2, 3, 9, 15
RTA_MFC_STATS, RTA_EXPIRES = 17, 23
NETCONFA_IFINDEX, NETCONFA_MC_FORWARDING = 1, 3


def align4(b):
    return b + b"\0" * (-len(b) % 4)


def attr(t, data):
    return align4(struct.pack("<HH", 4 + len(data), t) + data)


def nlmsg(t, payload, seq=0, pid=0, flags=0):
    return align4(struct.pack("<IHHII", 16 + len(payload), t, flags, seq,
                              pid) + payload)


def mroute(t, s, g, iif, oifs, table=None, seq=0, flags=0, stats=True):
    # ipmr's (dotted quads) or ip6mr's (IPv6 text: 16-byte addresses,
    # default table 254), in the kernel's layout.
    v6 = ":" in g
    if table is None:
        table = 254 if v6 else 253
    fam, alen = (RTNL_FAMILY_IP6MR, 128) if v6 else (RTNL_FAMILY_IPMR, 32)
    rtm = struct.pack("<BBBBBBBBI", fam, alen, alen, 0, table, 0, 0, 5, 0)
    a = attr(RTA_TABLE, struct.pack("<I", table))
    if v6:
        a += attr(RTA_SRC, socket.inet_pton(socket.AF_INET6, s))
        a += attr(RTA_DST, socket.inet_pton(socket.AF_INET6, g))
    else:
        a += attr(RTA_SRC, socket.inet_aton(s)) + attr(RTA_DST,
                                                      socket.inet_aton(g))
    if iif:
        a += attr(RTA_IIF, struct.pack("<I", iif))
    if oifs is not None:
        nh = b"".join(struct.pack("<HBBi", 8, 0, ttl, ifx)
                      for ifx, ttl in oifs)
        a += attr(RTA_MULTIPATH, nh)
    if stats:
        a += attr(RTA_MFC_STATS, struct.pack("<QQQ", 10, 1000, 0))
        a += attr(RTA_EXPIRES, struct.pack("<Q", 0))
    return nlmsg(t, rtm + a, seq, 0, flags)


def netconf(ifx, fwd, family=2):
    return nlmsg(RTM_NEWNETCONF, struct.pack("<B3x", family) +
                 attr(NETCONFA_IFINDEX, struct.pack("<i", ifx)) +
                 attr(NETCONFA_MC_FORWARDING, struct.pack("<i", fwd)))


def dellink(ifx):
    return nlmsg(RTM_DELLINK, struct.pack("<BxHiII", 0, 1, ifx, 0, 0))


def dgram(b, dump=False, user=False):
    return struct.pack("<BH", (1 if dump else 0) | (2 if user else 0),
                       len(b)) + b


def kmirror_corpus():
    add = mroute(RTM_NEWROUTE, "192.0.2.10", "239.1.1.1", 1, [(2, 1),
                                                              (3, 1)])
    add2 = mroute(RTM_NEWROUTE, "198.51.100.1", "232.1.1.1", 2, [(1, 2)])
    dele = mroute(RTM_DELROUTE, "192.0.2.10", "239.1.1.1", 1, [(2, 1)])
    nooif = mroute(RTM_NEWROUTE, "192.0.2.11", "239.1.1.2", 1, [])
    noiif = mroute(RTM_NEWROUTE, "192.0.2.12", "239.1.1.3", 0, [(2, 1)])
    tunnel = mroute(RTM_NEWROUTE, "192.0.2.13", "239.1.1.4", 13, [(2, 1)])
    othertab = mroute(RTM_NEWROUTE, "192.0.2.14", "239.1.1.5", 1, [(2, 1)],
                      table=10)
    done = nlmsg(NLMSG_DONE, struct.pack("<i", 0), 1)
    err = nlmsg(NLMSG_ERROR, struct.pack("<i", -16) + b"\0" * 16, 1)
    d1 = mroute(RTM_NEWROUTE, "192.0.2.10", "239.1.1.1", 1, [(2, 1)], seq=1,
                flags=2)
    d2 = mroute(RTM_NEWROUTE, "203.0.113.5", "239.9.9.9", 3, [(1, 1), (2, 1)],
                seq=1, flags=2)
    seeds = {
        "add": dgram(add),
        "add-del": dgram(add) + dgram(dele),
        "batch": dgram(add + add2 + nooif + noiif),
        "update": dgram(add) + dgram(mroute(RTM_NEWROUTE, "192.0.2.10",
                                            "239.1.1.1", 1, [(3, 1)])),
        "tunnel": dgram(tunnel) + dgram(othertab),
        "netconf": dgram(add) + dgram(netconf(2, 0)) + dgram(dump=True,
                                                             b=d1 + done),
        "dellink": dgram(add2) + dgram(dellink(2)),
        "dump": dgram(d1 + d2 + done, dump=True),
        "dump-error": dgram(d1 + err, dump=True),
        "dump-intr": dgram(mroute(RTM_NEWROUTE, "192.0.2.10", "239.1.1.1", 1,
                                  [(2, 1)], seq=1, flags=0x10) + done,
                           dump=True),
        "from-user": dgram(add, user=True),
        "truncated": dgram(add[:-6]),
        "bad-len": dgram(struct.pack("<IHHII", 0x80000000, RTM_NEWROUTE, 0,
                                     0, 0) + add[16:]),
        "nested-bad": dgram(mroute(RTM_NEWROUTE, "192.0.2.10", "239.1.1.1",
                                   1, None) +
                            nlmsg(RTM_NEWROUTE, struct.pack(
                                "<BBBBBBBBI", RTNL_FAMILY_IPMR, 32, 32, 0,
                                253, 0, 0, 5, 0) +
                                attr(RTA_MULTIPATH, struct.pack(
                                    "<HBBi", 200, 0, 1, 2)))),
        "no-stats": dgram(mroute(RTM_NEWROUTE, "192.0.2.10", "239.1.1.1", 1,
                                 [(2, 1)], stats=False)),
    }
    # ip6mr: the same messages with 16-byte addresses.
    s6, g6 = "2001:db8:1::10", "ff0e::1:1"
    add6 = mroute(RTM_NEWROUTE, s6, g6, 1, [(2, 1), (3, 1)])
    star6 = mroute(RTM_NEWROUTE, "::", "ff3e::2", 1, [(1, 1), (2, 1)])
    any6 = mroute(RTM_NEWROUTE, "::", "::", 1, [(2, 1)])
    ll6 = mroute(RTM_NEWROUTE, s6, "ff02::1:3", 1, [(2, 1)])
    d6 = mroute(RTM_NEWROUTE, s6, g6, 1, [(2, 1)], seq=1, flags=2)
    short_src = nlmsg(RTM_NEWROUTE, struct.pack(
        "<BBBBBBBBI", RTNL_FAMILY_IP6MR, 128, 128, 0, 254, 0, 0, 5, 0) +
        attr(RTA_SRC, socket.inet_aton("192.0.2.10")) +
        attr(RTA_DST, socket.inet_pton(socket.AF_INET6, g6)))
    seeds.update({
        "v6-add": dgram(add6),
        "v6-add-del": dgram(add6) + dgram(mroute(RTM_DELROUTE, s6, g6, 1,
                                                 [(2, 1)])),
        "v6-star": dgram(star6) + dgram(any6) + dgram(ll6),
        "v6-netconf": dgram(add6) + dgram(netconf(2, 0, family=10)) +
        dgram(dump=True, b=d6 + done),
        "v6-dump": dgram(d6 + d1 + done, dump=True),
        "v6-mixed": dgram(add + add6 + star6),
        "v6-short-src": dgram(short_src),
        "v6-truncated": dgram(add6[:-10]),
    })
    return seeds


# ---- mgmctl: what mgmd answers ----------------------------------------------

VIEWS = dict(interfaces=0, protocols=1, groups=2, mfe=3, stats=4, remotes=5,
             kernel=6, steps=7, result=8)
STREAM, JSON, PRETTY = 0x10, 0x20, 0x40


def out_(text, status=0):
    return msg(OUTPUT, text.encode())


def mgmctl_corpus():
    ifs = ('[{"name":"eth0","ifindex":2,"owner":"static","igmp":true,'
           '"igmp_version":3,"state":"attached","xdp":true,'
           '"ttl_threshold":1,"out_packets":12345678901,"out_bytes":1,'
           '"ttl_too_low":0,"discards":0},{"name":"eth9","ifindex":0,'
           '"state":"absent","owner":"-","igmp":false,"xdp":false}]')
    protos = ('[{"name":"static","protocol_id":1296780545,'
              '"component_id":1,"interfaces":2,"memberships":0}]')
    groups = ('[{"protocol":"igmp","interface":"eth1","source":"*",'
              '"group":"239.1.1.1"}]')
    mfe = ('[{"source":"192.0.2.1","group":"239.1.1.1","iif":"eth0",'
           '"oifs":["eth1","eth2"],"packets":10,"bytes":1000,"wrong_if":0,'
           '"kernel_passes":0,"uptime":3725,"expires":-1,"timeout":900,'
           '"upstream":"*","protocol":"static","origin":"static"},'
           '{"source":"*","group":"232.1.1.1","iif":null,"oifs":[],'
           '"packets":null,"uptime":90061}]')
    stats = ('{"fastpath":{"rx":1,"fwd":2,"bogus_counter":3},'
             '"controller":{"events":5,"mfes":1,"uptime":86400}}')
    remotes = ('[{"name":"remote:ospf\\u001b[31m","protocol_id":1,'
               '"component_id":2,"pid":42,"connected":true,"callbacks":7,'
               '"timeouts":0,"bad_answers":1}]')
    kernel = ('{"table":253,"stats":{"entries":1,"mirrored":1,'
              '"updates":2},"entries":[{"source":"192.0.2.1",'
              '"group":"239.1.1.1","iif":"eth0","oifs":["eth1:1"],'
              '"path":"xdp","reason":"-","since":12,'
              '"kernel_packets":5}]}')
    steps = ['{"step":"begin","protocol":"static","interfaces":2,"mfes":3}',
             '{"step":"release","interface":"eth0","result":"NO_ERROR",'
             '"igmp_handoff":true,"mfes_left":1,"ms":0.25}',
             '{"step":"deregister","result":"NO_ERROR"}']
    result = '{"added":"from eth0 group 239.1.1.1 to eth1"}'
    done = msg(DONE)
    out = {}
    for mode_name, mode in (("table", 0), ("json", JSON),
                            ("pretty", JSON | PRETTY)):
        for view, text in (("interfaces", ifs), ("protocols", protos),
                           ("groups", groups), ("mfe", mfe),
                           ("stats", stats), ("remotes", remotes),
                           ("kernel", kernel), ("result", result)):
            if mode and view not in ("mfe", "kernel"):
                continue
            out["%s-%s" % (view, mode_name)] = (
                bytes([VIEWS[view] | mode]) + out_(text) + done)
        out["steps-" + mode_name] = (bytes([VIEWS["steps"] | STREAM | mode]) +
                                     b"".join(out_(s) for s in steps) +
                                     msg(DONE, b"", 0, 0))
    out["split-value"] = (bytes([VIEWS["mfe"]]) + out_(mfe[:40]) +
                          out_(mfe[40:]) + done)
    out["two-values"] = (bytes([VIEWS["result"]]) +
                         out_(result + "\n " + result) + done)
    out["error-done"] = bytes([8]) + msg(DONE, b"unknown command 'x'", 0, 2)
    out["error-done-ctl"] = bytes([8 | JSON]) + msg(DONE, b"bad\x1b[2J", 0,
                                                     300)
    out["refused"] = bytes([0]) + msg(ERROR, b"permission denied", 0, 87)
    out["refused-other"] = bytes([0]) + msg(ERROR, b"malformed", 0, 87)
    out["not-json"] = bytes([0]) + out_("{nope") + done
    out["half-json"] = bytes([3]) + out_('[{"a":') + done
    out["stream-error"] = (bytes([VIEWS["steps"] | STREAM | JSON]) +
                           out_(steps[0]) + msg(DONE, b"MGM refused", 0, 1))
    out["bad-length"] = bytes([0]) + struct.pack("<IHHII", 4, 2, 0, 0, 0)
    out["unexpected-type"] = bytes([0]) + msg(77, b"x")
    out["eof"] = bytes([0]) + out_(result)
    out["wrong-shape"] = bytes([4]) + out_("[1,2,3]") + out_('"str"') + done
    out["nulls"] = (bytes([0]) + out_('[{"name":null,"ifindex":"x",'
                                      '"out_packets":-5}]') + done)
    return out


def main():
    corpora = dict(mgmd=mgmd_corpus(), client=client_corpus(),
                   config=config_corpus(), igmp=igmp_corpus(),
                   kmirror=kmirror_corpus(), mgmctl=mgmctl_corpus())
    for name, files in corpora.items():
        d = os.path.join(ROOT, name)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            if f.startswith("seed-"):
                os.unlink(os.path.join(d, f))
        for f, data in files.items():
            with open(os.path.join(d, "seed-" + f), "wb") as fh:
                fh.write(data)
        print("%-8s %3d seeds" % (name, len(files)))


if __name__ == "__main__":
    main()
