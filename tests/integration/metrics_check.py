#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# metrics_check.py - test_metrics.sh's checks of mgmd's Prometheus output,
# parsed with Prometheus' own parser (Debian's python3-prometheus-client).
# Prints one "PASS what" or "FAIL what: why" line per check; the shell
# test counts them.
#
#   format FILE HEADER            every family well-formed (names, types,
#                                 HELP from include/mgm_fwd.h)
#   compare FILE S1 S2 I1 I2      scrape vs mgmctl -j show stats/interfaces
#                                 taken before (1) and after (2)
#   mfe FILE LIMIT [MFEJSON]      per-MFE series: none, or the first LIMIT
#   gm FILE GROUPSJSON IF         IGMP's and MLD's series for IF vs
#                                 mgmctl -j show groups
#   http HOST PORT                the listener's answers and refusals
#   idle HOST PORT N              N idle clients; a scrape still answers
#   many HOST PORT N              N concurrent scrapes, all answered
import json
import re
import socket
import sys
import threading
import time

from prometheus_client.parser import text_string_to_metric_families

ok = True


def check(cond, what, why=""):
    global ok
    if cond:
        print("PASS " + what)
    else:
        ok = False
        print("FAIL " + what + (": " + why if why else ""))
    sys.stdout.flush()


def parse(text):
    """{sample name: {frozenset(labels): value}}, families."""
    fams = list(text_string_to_metric_families(text))
    samples = {}
    for f in fams:
        for s in f.samples:
            samples.setdefault(s.name, {})[frozenset(s.labels.items())] = s.value
    return samples, fams


def value(samples, name, **labels):
    return samples.get(name, {}).get(frozenset(labels.items()))


def cmd_format(path, header):
    text = open(path).read()
    try:
        samples, fams = parse(text)
    except Exception as e:  # the parser's verdict
        check(False, "%s parses" % path, repr(e))
        return
    check(len(fams) >= 40, "%d metric families parsed" % len(fams))
    names = re.compile(r"^mgm_[a-z0-9_]+$")
    bad = [f.name for f in fams if not names.match(f.name)]
    check(not bad, "every name is mgm_[a-z0-9_]+", str(bad))
    bad = [f.name for f in fams if not f.documentation]
    check(not bad, "every family has HELP", str(bad))
    bad = [f.name for f in fams if f.type not in ("counter", "gauge")]
    check(not bad, "every family is a counter or a gauge", str(bad))
    bad = [s.name for f in fams if f.type == "counter" for s in f.samples
           if not s.name.endswith("_total")]
    check(not bad, "counters end in _total", str(bad))
    bad = [s.name for f in fams if f.type == "gauge" for s in f.samples
           if s.name.endswith("_total")]
    check(not bad, "gauges do not end in _total", str(bad))
    bad = [s.name for f in fams for s in f.samples if s.value < 0]
    check(not bad, "no negative value", str(bad))
    # TYPE lines as written: once per family, before its samples.
    types = re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M)
    check(len(types) == len(set(t[0] for t in types)) == len(fams),
          "one TYPE line per family")
    # The fast path's counters: every one of MGM_COUNTERS, with its
    # description as HELP.
    xs = re.findall(r'X\((\w+), "([^"]*)"\)', open(header).read())
    check(len(xs) >= 20, "%d counters in MGM_COUNTERS" % len(xs))
    helps = {f.name: f.documentation for f in fams}
    for n, desc in xs:
        fam = "mgm_fastpath_%s" % n  # the parser drops _total
        check(helps.get(fam) == "Fast path: " + desc,
              "HELP of mgm_fastpath_%s_total is MGM_COUNTERS' text" % n,
              repr(helps.get(fam)))
        check(value(samples, fam + "_total") is not None,
              "mgm_fastpath_%s_total present" % n)


def between(what, got, a, b):
    check(got is not None and a <= got <= b,
          "%s: %s within [%s, %s]" % (what, got, a, b))


CONTROLLER_GAUGES = {"mfes": "mgm_mfes", "mfes_out_of_sync": "mgm_mfes_out_of_sync",
                     "mfes_negative": "mgm_mfes_negative", "out_sets": "mgm_out_sets",
                     "uptime": "mgm_uptime_seconds"}
CONTROLLER_COUNTERS = {"events": "mgm_controller_events_total"}


def cmd_compare(path, s1, s2, i1, i2):
    samples, _ = parse(open(path).read())
    s1, s2 = json.load(open(s1)), json.load(open(s2))
    i1, i2 = json.load(open(i1)), json.load(open(i2))
    fp1, fp2 = s1["fastpath"], s2["fastpath"]
    check(len(fp1) >= 20, "show stats has the fast path's counters")
    for k in fp1:
        between("mgm_fastpath_%s_total vs show stats" % k,
                value(samples, "mgm_fastpath_%s_total" % k), fp1[k], fp2[k])
    fwd = value(samples, "mgm_fastpath_forwarded_total")
    check(fwd and fwd == fp1["forwarded"] == fp2["forwarded"],
          "traffic stopped: forwarded equal in all three (%s)" % fwd)
    c1, c2 = s1["controller"], s2["controller"]
    for k in ("events", "mfes", "mfes_created", "mfes_deleted", "mfes_expired",
              "install_errors", "mfes_out_of_sync", "install_retries",
              "misses_unowned", "mfes_negative", "negative_refused",
              "mfes_evicted", "mfes_refused", "callbacks", "out_sets", "uptime"):
        name = CONTROLLER_GAUGES.get(k) or CONTROLLER_COUNTERS.get(k) or \
            "mgm_%s_total" % k
        lo, hi = min(c1[k], c2[k]), max(c1[k], c2[k])
        if k == "uptime":  # whole seconds, read at other moments
            lo, hi = lo - 1, hi + 1
        between("%s vs show stats controller.%s" % (name, k),
                value(samples, name), lo, hi)
    # The control socket's counters, where show stats has them.
    for k in s1.get("control", {}):
        between("mgm_control_%s_total vs show stats control.%s" % (k, k),
                value(samples, "mgm_control_%s_total" % k),
                s1["control"][k], s2["control"][k])
    check(value(samples, "mgm_mfes") == 3, "mgm_mfes is 3 (three flows)")
    by = {i["name"]: i for i in i2 if i.get("ifindex")}
    seen = 0
    for a in i1:
        if not a.get("ifindex"):
            continue
        b = by[a["name"]]
        for k in ("out_packets", "out_bytes", "ttl_too_low", "discards",
                  "frag_needed"):
            between("mgm_interface_%s_total{interface=%s}" % (k, a["name"]),
                    value(samples, "mgm_interface_%s_total" % k,
                          interface=a["name"]), a[k], b[k])
        check(value(samples, "mgm_interface_xdp_attached", interface=a["name"])
              == (1 if a["xdp"] else 0), "xdp_attached{interface=%s}" % a["name"])
        seen += 1
    check(seen >= 3, "%d interfaces compared" % seen)
    out = value(samples, "mgm_interface_out_packets_total", interface="r1")
    check(out is not None and out >= 300, "r1 sent the flows' copies (%s)" % out)


def cmd_mfe(path, limit, mfejson=None):
    samples, _ = parse(open(path).read())
    limit = int(limit)
    mfes = value(samples, "mgm_mfes")
    got = samples.get("mgm_mfe_packets_total", {})
    check(value(samples, "mgm_mfe_series_limit") == limit,
          "mgm_mfe_series_limit is %d" % limit)
    if not limit:
        check(not [n for n in samples if n.startswith("mgm_mfe_")
                   and n not in ("mgm_mfe_series_limit", "mgm_mfe_series_omitted")],
              "no per-MFE series by default")
        check(value(samples, "mgm_mfe_series_omitted") == mfes,
              "every MFE counted as omitted (%s)" % mfes)
        return
    check(len(got) == min(limit, mfes), "%d per-MFE series for limit %d, %d MFEs"
          % (len(got), limit, mfes))
    check(value(samples, "mgm_mfe_series_omitted") == mfes - len(got),
          "omitted = MFEs - listed")
    table = json.load(open(mfejson))
    first = table[:limit]  # show mfe: (group, source) order
    for e in first:
        for name, key in (("mgm_mfe_packets_total", "packets"),
                          ("mgm_mfe_bytes_total", "bytes"),
                          ("mgm_mfe_wrong_if_total", "wrong_if")):
            v = value(samples, name, source=e["source"], group=e["group"],
                      family=e["family"])
            check(v == e[key], "%s{%s,%s} = show mfe's %s (%s, %s)"
                  % (name, e["source"], e["group"], key, v, e[key]))


def cmd_gm(path, groups, ifname):
    """IGMP (mgm_igmp_*) and MLD (mgm_mld_*): one series per interface,
    no family label, groups as many as show groups has for the family."""
    samples, fams = parse(open(path).read())
    members = json.load(open(groups))
    for prefix, family, versions in (("mgm_igmp_", "ipv4", ["1", "2", "3"]),
                                     ("mgm_mld_", "ipv6", ["1", "2"])):
        own = [f for f in fams if f.name.startswith(prefix)]
        check(len(own) >= 20, "%d %s* families" % (len(own), prefix))
        bad = [s.labels for f in own for s in f.samples
               if set(s.labels) - {"interface", "version"}]
        check(not bad, "%s*: labels interface (and version) only" % prefix,
              str(bad[:3]))
        want = len({m["group"] for m in members
                    if m["protocol"] == "igmp" and m["interface"] == ifname
                    and m["family"] == family})
        got = value(samples, prefix + "groups", interface=ifname)
        check(got == want and want >= 1, "%sgroups{interface=%s} = show groups' "
              "%s groups there (%s, %s)" % (prefix, ifname, family, got, want))
        rep = {k: v for k, v in samples.get(prefix + "rx_reports_total", {}).items()
               if dict(k)["interface"] == ifname}
        vers = sorted(dict(k)["version"] for k in rep)
        check(vers == versions, "%srx_reports_total versions %s (%s)"
              % (prefix, versions, vers))
        check(sum(rep.values()) >= 1, "%s: the host's reports counted (%s)"
              % (prefix, sum(rep.values())))
        pk = value(samples, prefix + "rx_packets_total", interface=ifname)
        check(pk is not None and pk >= sum(rep.values()),
              "%srx_packets_total (%s) counts the reports" % (prefix, pk))


def request(host, port, data, timeout=5.0):
    """Send data, read to EOF: (status, headers, body) or raises."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((host, port))
    s.sendall(data)
    buf = b""
    while True:
        r = s.recv(65536)
        if not r:
            break
        buf += r
    s.close()
    head, _, body = buf.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {k.lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    return status, hdrs, body


def scrape(host, port, timeout=5.0):
    return request(host, port, b"GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n", timeout)


def cmd_http(host, port):
    port = int(port)
    st, h, body = request(host, port, b"GET /metrics HTTP/1.0\r\n\r\n")
    check(st == 200, "HTTP/1.0 GET /metrics: 200 (%d)" % st)
    check(h.get("connection") == "close", "Connection: close")
    check(h.get("content-type", "").startswith("text/plain; version=0.0.4"),
          "Content-Type text/plain; version=0.0.4 (%s)" % h.get("content-type"))
    check(int(h.get("content-length", -1)) == len(body), "Content-Length is the body's")
    try:
        n = len(list(text_string_to_metric_families(body.decode())))
    except Exception as e:
        n = repr(e)
    check(isinstance(n, int) and n > 40, "the HTTP/1.0 answer parses (%s)" % n)
    st, h, body = request(host, port, b"GET /metrics?x=1 HTTP/1.1\r\nHost: t\r\n"
                          b"User-Agent: test\r\nAccept: */*\r\n\r\n")
    check(st == 200 and body.startswith(b"# HELP"), "HTTP/1.1 GET /metrics?x=1: 200")
    for req, want, what in (
            (b"GET / HTTP/1.1\r\nHost: t\r\n\r\n", 404, "GET /"),
            (b"GET /metricsx HTTP/1.1\r\n\r\n", 404, "GET /metricsx"),
            (b"GET /other HTTP/1.0\r\n\r\n", 404, "GET /other"),
            (b"POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 405, "POST"),
            (b"HEAD /metrics HTTP/1.1\r\n\r\n", 405, "HEAD"),
            (b"DELETE /metrics HTTP/1.0\r\n\r\n", 405, "DELETE"),
            (b"hello there\r\n\r\n", 400, "garbage text"),
            (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400, "a TLS hello"),
            (b"GET /metrics HTTP/2.0\r\n\r\n", 400, "HTTP/2.0"),
            (b"GET /metrics\r\n\r\n", 400, "HTTP/0.9 style"),
            (b"GET /metrics HTTP/1.1\r\nno colon here\r\n\r\n", 400, "bad header"),
            (b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 5000, 431, "a 5000-byte head"),
    ):
        try:
            st, h, _ = request(host, port, req)
        except Exception as e:
            st, h = repr(e), {}
        check(st == want, "%s: %s (%s)" % (what, want, st))
        if want == 405:
            check(h.get("allow") == "GET", "405 says Allow: GET")


def timed_scrape(host, port, what, limit):
    t = time.monotonic()
    try:
        st, _, body = scrape(host, port)
    except Exception as e:
        st, body = repr(e), b""
    dt = time.monotonic() - t
    check(st == 200 and body.startswith(b"# HELP"),
          "%s: a scrape is answered (%s)" % (what, st))
    check(dt < limit, "%s: promptly (%.3f s < %s s)" % (what, dt, limit))


def cmd_idle(host, port, n):
    port, n = int(port), int(n)
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    one = socket.socket(fam, socket.SOCK_STREAM)
    one.connect((host, port))
    one.sendall(b"GET /metr")  # and then nothing
    timed_scrape(host, port, "one silent client connected", 1.0)
    idle = []
    for _ in range(n):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.connect((host, port))
        idle.append(s)
    timed_scrape(host, port, "%d more silent clients" % n, 2.0)
    # The read deadline (5 s) closes a silent client.
    one.settimeout(9)
    t = time.monotonic()
    try:
        r = one.recv(100)
    except Exception as e:
        r = repr(e)
    check(r == b"" and time.monotonic() - t < 9,
          "a silent client is closed by the read deadline (%r)" % r)
    for s in idle:
        s.close()


def cmd_many(host, port, n):
    port, n = int(port), int(n)
    res = [None] * n

    def one(i):
        try:
            st, _, body = scrape(host, port, timeout=20)
            list(text_string_to_metric_families(body.decode()))
            res[i] = st
        except Exception as e:
            res[i] = repr(e)

    ts = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    t = time.monotonic()
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    bad = [r for r in res if r != 200]
    check(not bad, "%d concurrent scrapes all answered and parsed in %.2f s"
          % (n, time.monotonic() - t), str(bad[:3]))


if __name__ == "__main__":
    cmds = {"format": cmd_format, "compare": cmd_compare, "mfe": cmd_mfe,
            "gm": cmd_gm,
            "http": cmd_http, "idle": cmd_idle, "many": cmd_many}
    cmds[sys.argv[1]](*sys.argv[2:])
    sys.exit(0 if ok else 1)
