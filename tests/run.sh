#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the test layers and add up their results.
#   tests/run.sh [all|unit|bpf|integration] [NAME-FILTER]
#
# Every test (a C binary or a shell script) prints "N passed, N failed" as
# its last line and exits non-zero on failure.  A test that dies without
# that line counts as one failure.  The last line of this script is the
# total, in the same form.
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-build}
layer=${1:-all}
filter=${2:-}
total_pass=0
total_fail=0
failed_names=()

run_one() {
	local name=$1
	shift
	local log rc line p f
	log=$(mktemp)
	local t0=$SECONDS
	"$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed}
	else
		p=0
		f=1
	fi
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	if [ "$f" -eq 0 ]; then
		printf 'PASS  %-40s %4d checks  %3ds\n' "$name" "$p" $((SECONDS - t0))
		[ -n "${V:-}" ] && cat "$log"
	else
		printf 'FAIL  %-40s %4d passed, %d failed (exit %d)\n' "$name" "$p" "$f" "$rc"
		sed 's/^/      | /' "$log" | tail -n 60
		failed_names+=("$name")
	fi
	rm -f "$log"
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP  $1 layer: needs root (CAP_BPF, CAP_NET_ADMIN)" >&2
		total_fail=$((total_fail + 1))
		return 1
	fi
	mount | grep -q ' /sys/fs/bpf type bpf' || mount -t bpf bpf /sys/fs/bpf
	return 0
}

matches() { [ -z "$filter" ] || [[ "$1" == *"$filter"* ]]; }

if [ "$layer" = all ] || [ "$layer" = unit ]; then
	for src in tests/unit/test_*.c; do
		[ -e "$src" ] || continue
		n=$(basename "$src" .c)
		matches "$n" && run_one "unit/$n" "$OUT/tests/$n"
	done
fi

if [ "$layer" = all ] || [ "$layer" = bpf ]; then
	if need_root bpf; then
		for src in tests/bpf/test_*.c; do
			[ -e "$src" ] || continue
			n=$(basename "$src" .c)
			matches "$n" && run_one "bpf/$n" "$OUT/tests/$n"
		done
	fi
fi

if [ "$layer" = all ] || [ "$layer" = integration ]; then
	if need_root integration; then
		for t in tests/integration/test_*.sh; do
			[ -e "$t" ] || continue
			n=$(basename "$t" .sh)
			matches "$n" && run_one "integration/$n" bash "$t"
		done
	fi
fi

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
