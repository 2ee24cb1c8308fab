#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run the benchmarks side by side, print the results, and
# write them into README.md between the "bench" markers, with the machine
# they ran on.  README's figures come from here, never from a keyboard.
#
#   control plane  build/mgm-bench: libmgm on the real fast path
#   forwarding     build/mcbench: ours against kernel ipmr, nftables
#                  netdev replication (nft-dup) and the XDP ceilings, over
#                  fan-out, table size (1 to 1M entries, uniform and Zipf
#                  traffic) and one or two CPUs, and IPv6 rows (fan-out,
#                  against the ceilings and ip6mr); also draws doc/bench.svg
#                  and keeps the full JSON report in $OUT/mcbench.json
#   daemons        build/kmirror-bench: smcroute alone against smcroute
#                  with mgmd's mirror-kernel, fan-out 1, 2 and 4
#
# On a kernel without ipmr (or with MGM_NO_FEATURES=ipmr) everything
# still runs: mcbench marks ipmr n/a with the reason, and kmirror-bench,
# which needs ipmr, prints its SKIP line, which goes into the results in
# place of its tables.
#
# MCBENCH_ARGS passes options to mcbench (e.g. --quick or --full;
# `build/mcbench --list` with the same options prints the cases).  The
# default mcbench set is 31 cases (6 of them IPv6, about a minute and a
# half): 15-16 minutes on a 2-CPU machine busy with other jobs (less when
# idle); --quick (17 cases) about 2, --full (64 cases) about twice the
# default.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
results=$(mktemp)
trap 'rm -f "$results" README.md.new' EXIT
mkdir -p doc

{
	echo "Measured by \`make bench\` on $(date -u +%Y-%m-%d):" \
		"$(uname -r), $(nproc) CPUs," \
		"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)."
	echo
	"$OUT/mgm-bench" --markdown
	echo
	# shellcheck disable=SC2086
	"$OUT/mcbench" --markdown --svg doc/bench.svg \
		--json-file "$OUT/mcbench.json" ${MCBENCH_ARGS:-}
	echo
	echo "Existing routing daemons, accelerated (\`mirror-kernel\`):"
	echo
	for n in 1 2 4; do
		out=$("$OUT/kmirror-bench" --markdown --oifs "$n" -q)
		case $out in
		"SKIP kmirror-bench: "*)
			echo "Not measured on this machine (\`kmirror-bench\`):" \
				"${out#SKIP kmirror-bench: }."
			echo
			break
			;;
		esac
		printf '%s\n\n' "$out"
	done
} >"$results"
cat "$results"

awk -v f="$results" '
	/<!-- bench:start -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
	/<!-- bench:end -->/ { skip = 0 }
	!skip' README.md >README.md.new
mv README.md.new README.md
