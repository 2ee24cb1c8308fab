#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mcbench runs and says what it measured: a very short run of a Zipf
# table case and a two-CPU case (the benchmark's own namespaces and pins,
# removed by it), and its JSON checked for the fields README promises and
# for consistency (ratios match the rates they are made of, no misses, no
# copies lost where the ceiling lost none, the Zipf draw accepted).  Not a
# timing test: the figures themselves are only required to be positive.
. "$(dirname "$0")/lib.sh"
require_root

MCB=$BUILD/mcbench
[ -x "$MCB" ] || { fail "$MCB is built (make)"; summary; exit 1; }
require_cmd python3

cases=(--case 64,2,1000,zipf)
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
( sleep 240; kill -INT "$MCB_PID" 2>/dev/null ) &
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
def ok(name, cond):
    out.append(("ok " if cond else "FAIL ") + name)
cs = d.get("cases", [])
ok("cases: %d" % len(cs), len(cs) == (2 if two else 1))
z = [c for c in cs if c.get("traffic") == "zipf"]
ok("a zipf case", len(z) == 1)
if z:
    c = z[0]
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
    ok("zipf: no misses (every entry installed)", c["ours_misses"] == 0)
    lost = c["loss"]["ours"]
    ok("zipf: no loss where the fair ceiling lost none",
       lost == 0 or c["loss"]["ceiling_fair"] > 0)
    ok("zipf: ipmr absent or measured, never both",
       (c["ipmr_mpps"] is None) == ("not_measured" in c["ipmr"]))
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
	if [ "$res" = ok ]; then pass "$name"; else fail "$name"; fi
done < <(grep -E '^(ok|FAIL) ' "$TMP/checks")
grep -vE '^(ok|FAIL) ' "$TMP/checks" >&2

summary
