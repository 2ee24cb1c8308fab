#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run the benchmarks side by side, print the results, and
# write them into README.md between the "bench" markers, with the machine
# they ran on.  README's figures come from here, never from a keyboard.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-build}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

{
	echo "Measured by \`make bench\` on $(date -u +%Y-%m-%d):" \
		"$(uname -r), $(nproc) CPUs," \
		"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n1)."
	echo
	"$OUT/mgm-bench" --markdown
} >"$results"
cat "$results"

awk -v f="$results" '
	/<!-- bench:start -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
	/<!-- bench:end -->/ { skip = 0 }
	!skip' README.md >README.md.new
mv README.md.new README.md
