#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mcbench runs and says what it measured: a very short run of a Zipf
# table case, a two-CPU case and an IPv6 case (the benchmark's own
# namespaces and pins, removed by it), and its JSON checked for the fields
# README promises and for consistency (ratios match the rates they are
# made of, no misses, no copies lost where the ceiling lost none, the Zipf
# draw accepted, every IPv6 copy delivered once with its hop limit
# decremented).  Not a timing test: the figures themselves are only
# required to be positive.
. "$(dirname "$0")/lib.sh"
require_root

MCB=$BUILD/mcbench
[ -x "$MCB" ] || { fail "$MCB is built (make)"; summary; exit 1; }
require_cmd python3

cases=(--case 64,2,1000,zipf --case ipv6,64,2,1)
two=0
if [ "$(nproc)" -ge 2 ]; then
	cases+=(--case 64,2,1,uniform,2,same)
	two=1
else
	skip "mcbench two-CPU case: this machine has $(nproc) CPU"
fi

# Its namespaces are named mcbPID-...: started directly so that $! is it.
"$MCB" "${cases[@]}" --trials 1 --seconds 0.05 --json \
	>"$TMP/mcb.json" 2>"$TMP/mcb.err" &
MCB_PID=$!
BG_PIDS+=($MCB_PID)
( sleep $((240 * TS)); kill -INT "$MCB_PID" 2>/dev/null ) &
WATCH=$!
wait "$MCB_PID"
rc=$?
kill "$WATCH" 2>/dev/null
check_eq "mcbench exits 0" "$rc" 0
[ "$rc" -eq 0 ] || tail -n 20 "$TMP/mcb.err" >&2
check_eq "it left none of its namespaces" \
	"$(ip netns list | grep -c "^mcb$MCB_PID-")" 0

python3 - "$TMP/mcb.json" "$two" >"$TMP/checks" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
two = sys.argv[2] == "1"
out = []
# The last bad TTL (IPv6: hop limit) the receivers saw, if any.
def seen(r):
    v = r.get("bad_ttl_seen")
    return "" if v is None else ", one was %d, not %d" % (v, 63)
def ok(name, cond):
    out.append(("ok " if cond else "FAIL ") + name)
cs = d.get("cases", [])
ok("ours' copies by xdp or tc (%s)" % d.get("ours_copies_by"),
   d.get("ours_copies_by") in ("xdp", "tc"))
# Set where the kernel's live-frame injection loses a broadcast's clones
# (Linux 6.1): a fact about the harness, said with the figures.
lossy = d.get("live_broadcast_lossy", "missing")
ok("live_broadcast_lossy is null or says why",
   lossy is None or (isinstance(lossy, str) and "broadcast" in lossy))
lossy = lossy if isinstance(lossy, str) else None
ok("cases: %d" % len(cs), len(cs) == (3 if two else 2))
ok("every case has its family",
   all(c.get("family") in ("ipv4", "ipv6") for c in cs))
v6 = [c for c in cs if c.get("family") == "ipv6"]
ok("one IPv6 case", len(v6) == 1)
if v6:
    c = v6[0]
    num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    ok("IPv6: 1 entry, fan-out 2, 64 B, one CPU, ip6mr as its kernel router",
       c["entries"] == 1 and c["fanout"] == 2 and c["pkt_size"] == 64
       and c["cpus"] == 1 and c["kernel_router"] == "ip6mr")
    ok("IPv6: ours, the fair and the bare ceiling measured (%s, %s, %s)"
       % (c["ours_mpps"], c["fair_ceiling_mpps"], c["ceiling_mpps"]),
       c["ours_mpps"] > 0 and c["fair_ceiling_mpps"] > 0
       and c["ceiling_mpps"] > 0)
    ok("IPv6: ours_over_fair_ceiling is a number (%s)"
       % c["ours_over_fair_ceiling"], num(c["ours_over_fair_ceiling"])
       and c["ours_over_fair_ceiling"] > 0)
    r = c["ours_mpps"] / c["fair_ceiling_mpps"]
    ok("IPv6: ours_over_fair_ceiling is ours / fair (%.3f vs %.3f)"
       % (c["ours_over_fair_ceiling"], r),
       abs(c["ours_over_fair_ceiling"] - r) < 0.01)
    ok("IPv6: ours_over_ceiling is a number",
       num(c["ours_over_ceiling"]) and c["ours_over_ceiling"] > 0)
    o = c["ours"]
    ok("IPv6: every copy counted at each receiver, hop limit decremented "
       "once (%d injected, %d-%d delivered, %d bad hop limit%s, "
       "%d not forwarded)"
       % (o["injected"], o["delivered_per_receiver_min"],
          o["delivered_per_receiver_max"], o["bad_ttl"],
          seen(o), c["ours_misses"]),
       o["injected"] > 0
       and o["delivered_per_receiver_min"] >= 0.9 * o["injected"]
       and o["delivered_per_receiver_max"] <= o["injected"]
       and o["bad_ttl"] == 0 and o["strays"] == 0
       and o["duplicates"] == 0 and c["ours_misses"] == 0
       and (c["loss"]["ours"] == 0 or c["loss"]["ceiling_fair"] > 0))
    f = c["ceiling_fair"]
    name = ("IPv6: the fair ceiling's copies counted, hop limit decremented "
            "(%d injected, %d delivered, %d bad%s)"
            % (f["injected"], f["delivered_per_receiver_min"], f["bad_ttl"],
               seen(f)))
    if lossy:
        # Only the last member's copy arrives, with its hop limit right.
        ok(name + ", the last member's", f["bad_ttl"] == 0
           and f["injected"] > 0
           and f["delivered"][-1] >= 0.9 * f["injected"])
        out.append("SKIP IPv6: the fair ceiling's copies to every member\t"
                   + lossy)
    else:
        ok(name, f["bad_ttl"] == 0 and f["injected"] > 0
           and f["delivered_per_receiver_min"] >= 0.9 * f["injected"])
    ok("IPv6: no nft-dup (IPv4 rows only)",
       c["nft_dup_mpps"] is None and "not_measured" in c["nft_dup"])
    ok("IPv6: ip6mr absent (and said why) or measured, never both",
       (c["ipmr_mpps"] is None) == ("not_measured" in c["ipmr"])
       and (c["ipmr_mpps"] is not None
            or "ip6mr" in d.get("not_measured", {})))
    if c["ipmr_mpps"] is not None:
        k = c["ipmr"]
        ok("IPv6: ip6mr's copies counted, hop limit decremented once",
           k["bad_ttl"] == 0 and k["injected"] > 0
           and k["delivered_per_receiver_min"] >= 0.5 * k["injected"])
    pn = d.get("program_ns", {})
    ok("program_ns: the IPv6 hit measured beyond its generator (%s ns)"
       % pn.get("hit_ipv6"), num(pn.get("hit_ipv6"))
       and num(pn.get("generator_ipv6")) and pn["generator_ipv6"] > 0)
    ok("goals: the IPv6 rows' lowest ours/fair ceiling (%s)"
       % d.get("goals", {}).get("ipv6_ours_over_fair_ceiling_min"),
       num(d.get("goals", {}).get("ipv6_ours_over_fair_ceiling_min")))
z = [c for c in cs if c.get("traffic") == "zipf"]
ok("a zipf case", len(z) == 1)
if z:
    c = z[0]
    ok("zipf: family ipv4", c["family"] == "ipv4")
    ok("zipf: 1000 entries, fan-out 2, one CPU",
       c["entries"] == 1000 and c["fanout"] == 2 and c["cpus"] == 1)
    ok("zipf: ours and the fair ceiling measured",
       c["ours_mpps"] > 0 and c["fair_ceiling_mpps"] > 0)
    r = c["ours_mpps"] / c["fair_ceiling_mpps"]
    ok("zipf: ours_over_fair_ceiling is ours / fair (%.3f vs %.3f)"
       % (c["ours_over_fair_ceiling"], r),
       abs(c["ours_over_fair_ceiling"] - r) < 0.01)
    ok("zipf: ours_over_one_entry is a ratio",
       isinstance(c["ours_over_one_entry"], (int, float))
       and c["ours_over_one_entry"] > 0)
    o = c["ours"]
    ok("zipf: no misses (every entry installed; %d of %d not forwarded, "
       "%d-%d delivered)" % (c["ours_misses"], o["injected"],
                             o["delivered_per_receiver_min"],
                             o["delivered_per_receiver_max"]),
       c["ours_misses"] == 0)
    lost = c["loss"]["ours"]
    ok("zipf: no loss where the fair ceiling lost none",
       lost == 0 or c["loss"]["ceiling_fair"] > 0)
    ok("zipf: ipmr absent or measured, never both",
       (c["ipmr_mpps"] is None) == ("not_measured" in c["ipmr"]))
    if c["ipmr_mpps"] is not None:
        k = c["ipmr"]
        ok("zipf: ipmr's copies counted over its 1000 MFC entries",
           k["bad_ttl"] == 0 and k["injected"] > 0
           and k["delivered_per_receiver_min"] >= 0.5 * k["injected"])
if two:
    t = [c for c in cs if c.get("cpus") == 2]
    ok("a two-CPU case", len(t) == 1)
    if t:
        c = t[0]
        ok("two CPUs: scaling reported (%s)" % c.get("scaling"),
           isinstance(c.get("scaling"), (int, float)) and c["scaling"] > 0)
        s = c["ours_mpps"] / c["ours_one_cpu_mpps"]
        ok("two CPUs: scaling is aggregate / one CPU (%.3f vs %.3f)"
           % (c["scaling"], s), abs(c["scaling"] - s) < 0.02)
        ok("two CPUs: ours_over_one_entry is null",
           c["ours_over_one_entry"] is None)
g = d.get("goals", {})
for k in ("ours_over_fair_ceiling_goal", "zipf_table_goal", "two_cpu_goal",
          "large_table_goal"):
    ok("goals has " + k, k in g)
ok("the fair-ceiling goal is 0.95 (one entry only: none here, so null)",
   g.get("ours_over_fair_ceiling_goal") == 0.95
   and g.get("ours_over_fair_ceiling_min") is None)
print("\n".join(out))
EOF
check "the JSON parsed" test -s "$TMP/checks"
while read -r res name; do
	case $res in
	ok) pass "$name" ;;
	SKIP) skip "${name%%$'\t'*}" "${name#*$'\t'}" ;;
	*) fail "$name" ;;
	esac
done < <(grep -E '^(ok|FAIL|SKIP) ' "$TMP/checks")
grep -vE '^(ok|FAIL|SKIP) ' "$TMP/checks" >&2

summary
