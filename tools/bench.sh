#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run the benchmarks side by side, print the results, and
# write them into README.md between the "bench" markers, with the machine
# they ran on.  README's figures come from here, never from a keyboard.
#
#   control plane  build/mgm-bench: libmgm on the real fast path
#   forwarding     build/mcbench: ours against kernel ipmr and the XDP
#                  ceiling; also draws doc/bench.svg and keeps the full
#                  JSON report in $OUT/mcbench.json
#   daemons        build/kmirror-bench: smcroute alone against smcroute
#                  with mgmd's mirror-kernel, fan-out 1, 2 and 4
#
# MCBENCH_ARGS passes options to mcbench (e.g. --quick or --full).
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
		"$OUT/kmirror-bench" --markdown --oifs "$n" -q
		echo
	done
} >"$results"
cat "$results"

awk -v f="$results" '
	/<!-- bench:start -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
	/<!-- bench:end -->/ { skip = 0 }
	!skip' README.md >README.md.new
mv README.md.new README.md
