#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the test layers and add up their results.
#   tests/run.sh [OPTIONS] [all|unit|fuzz|bpf|integration|vm] [NAME-FILTER]
#
# Options:
#   --shuffle[=SEED]   run the selected tests in a random order (the seed
#                      is printed; give it back to repeat that order)
#   --repeat N         run the selection N times (leftover state from one
#                      run must never fail the next)
#   --timeout S        per-test time limit in seconds (default 300, or
#                      $TEST_TIMEOUT); a test past it fails with its name
#
# The fuzz layer replays each checked-in fuzz corpus (tests/fuzz/corpus/
# NAME/) through its harness built with ASan/UBSan (mk/fuzz.mk): one
# check per input; like the unit layer it needs no root.
#
# The vm layer runs the integration tests listed in tests/vm/tests in one
# boot of a guest with Debian's stock kernel (tests/vm/run-in-vm.sh), as
# vm:NAME, so that those needing kernel features this machine may lack
# run anyway (MGM_TEST_TIME_SCALE=N stretches the tests' waits, their
# time limits and VM_TIMEOUT N times, for an emulated guest:
# VM_ACCEL=tcg).  Without qemu or the kernel package it is one skip.  It is
# not part of "all" yet (make vmcheck runs it): it has not yet run green
# on a machine whose KVM boots a stock kernel.
#
# Every test (a C binary or a shell script) prints "N passed, N failed,
# N skipped" as its last line (", N skipped" may be absent) and exits
# non-zero on failure.  A test that cannot run here prints "SKIP name:
# reason" lines, shown here.  A test that dies without the closing line
# counts as one failure.  The last line of this script is the total, in
# the same form; skips alone never fail the run.
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-build}
shuffle=""
repeat=1
limit=${TEST_TIMEOUT:-300}

while [ $# -gt 0 ]; do
	case $1 in
	--shuffle) shuffle=$RANDOM$RANDOM ;;
	--shuffle=*) shuffle=${1#--shuffle=} ;;
	--repeat) repeat=${2:?--repeat needs a count}; shift ;;
	--timeout) limit=${2:?--timeout needs seconds}; shift ;;
	-h | --help) sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
case $shuffle in *[!0-9]*) echo "run.sh: --shuffle wants a number" >&2; exit 2 ;; esac
case ${MGM_TEST_TIME_SCALE:-1} in '' | 0* | *[!0-9]*)
	echo "run.sh: MGM_TEST_TIME_SCALE is a whole number from 1" >&2
	exit 2 ;;
esac
layer=${1:-all}
filter=${2:-}
case $layer in all | unit | fuzz | bpf | integration | vm) ;; *)
	echo "run.sh: unknown layer '$layer' (all, unit, fuzz, bpf, integration, vm)" >&2
	exit 2 ;;
esac

total_pass=0
total_fail=0
total_skip=0
failed_names=()

run_one() {
	local name=$1
	shift
	local log rc line p f s
	log=$(mktemp)
	local t0=$((SECONDS - ${ELAPSED:-0}))
	# timeout(1) signals the test (TERM, then KILL 20 s later): test
	# scripts trap TERM and clean up their namespaces on the way out.
	timeout -k 20 "$limit" "$@" >"$log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=${line%% passed*}
		f=${line#*, }
		f=${f%% failed*}
		s=0
		case $line in *skipped) s=${line##*failed, }; s=${s%% skipped} ;; esac
	else
		p=0
		f=1
		s=0
	fi
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	total_skip=$((total_skip + s))
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		printf 'FAIL  %-40s timed out after %ds (limit %ds)\n' "$name" \
			$((SECONDS - t0)) "$limit"
		sed 's/^/      | /' "$log" | tail -n 60
		failed_names+=("$name")
	elif [ "$f" -eq 0 ]; then
		if [ "$p" -eq 0 ] && [ "$s" -gt 0 ]; then
			printf 'SKIP  %-40s %4d skipped %3ds\n' "$name" "$s" $((SECONDS - t0))
		else
			printf 'PASS  %-40s %4d checks%s  %3ds\n' "$name" "$p" \
				"$([ "$s" -gt 0 ] && printf ', %d skipped' "$s")" $((SECONDS - t0))
		fi
		grep -E '^SKIP ' "$log" | sed 's/^/      | /'
		[ -n "${V:-}" ] && cat "$log"
	else
		printf 'FAIL  %-40s %4d passed, %d failed (exit %d)\n' "$name" "$p" "$f" "$rc"
		sed 's/^/      | /' "$log" | tail -n 60
		failed_names+=("$name")
	fi
	rm -f "$log"
}

have_root() {
	[ "$(id -u)" -eq 0 ] || return 1
	mount | grep -q ' /sys/fs/bpf type bpf' || mount -t bpf bpf /sys/fs/bpf
	return 0
}

matches() { [ -z "$filter" ] || [[ "$1" == *"$filter"* ]]; }

# The selection, one "layer/name<TAB>command" per line.
tests=()
add() { matches "$2" && tests+=("$1/$2	$3"); }
if [ "$layer" = all ] || [ "$layer" = unit ]; then
	for src in tests/unit/test_*.c; do
		[ -e "$src" ] || continue
		n=$(basename "$src" .c)
		add unit "$n" "$OUT/tests/$n"
	done
fi
if [ "$layer" = all ] || [ "$layer" = fuzz ]; then
	for src in tests/fuzz/fuzz_*.c; do
		[ -e "$src" ] || continue
		n=$(basename "$src" .c)
		add fuzz "$n" "$OUT/tests/$n tests/fuzz/corpus/${n#fuzz_}"
	done
fi
if [ "$layer" = all ] || [ "$layer" = bpf ]; then
	for src in tests/bpf/test_*.c; do
		[ -e "$src" ] || continue
		n=$(basename "$src" .c)
		add bpf "$n" "$OUT/tests/$n"
	done
fi
if [ "$layer" = all ] || [ "$layer" = integration ]; then
	for t in tests/integration/test_*.sh; do
		[ -e "$t" ] || continue
		n=$(basename "$t" .sh)
		add integration "$n" "bash $t"
	done
fi

vm_tests=()
if [ "$layer" = vm ]; then
	for n in $(sed 's/#.*//' tests/vm/tests); do
		matches "$n" && vm_tests+=("$n")
	done
	[ ${#vm_tests[@]} -gt 0 ] && tests+=("vm	vm")
fi

# run_vm: the vm layer, one guest boot (its own limit: VM_TIMEOUT), then
# each test's output and status as if it had run here.
run_vm() {
	local d=$OUT/vm/results n per=$limit
	local vml=${VM_TIMEOUT:-$((600 * ${MGM_TEST_TIME_SCALE:-1}))}
	rm -rf "$d"
	TEST_TIMEOUT=$per VM_TIMEOUT=$vml limit=$((vml + 30)) run_one vm \
		tests/vm/run-in-vm.sh tests/vm/run-tests.sh "$d" "${vm_tests[@]}"
	[ -d "$d" ] || return 0
	for n in "${vm_tests[@]}"; do
		# shellcheck disable=SC2016
		ELAPSED=$(cat "$d/$n.time" 2>/dev/null || echo 0) run_one "vm:$n" \
			sh -c 'cat "$1" 2>/dev/null; exit "$(cat "$2" 2>/dev/null || echo 1)"' \
			- "$d/$n.log" "$d/$n.rc"
	done
}

if [ -n "$shuffle" ]; then
	echo "order shuffled with seed $shuffle (tests/run.sh --shuffle=$shuffle to repeat)"
	mapfile -t tests < <(printf '%s\n' "${tests[@]}" |
		awk -v seed="$shuffle" 'BEGIN { srand(seed) } { print rand() "\t" $0 }' |
		sort -k1,1g | cut -f2-)
fi

for ((round = 1; round <= repeat; round++)); do
	[ "$repeat" -gt 1 ] && echo "round $round of $repeat"
	for t in "${tests[@]}"; do
		name=${t%%	*}
		cmd=${t#*	}
		if [[ $name != unit/* && $name != fuzz/* ]] && ! have_root; then
			printf 'SKIP  %-40s needs root (CAP_BPF, CAP_NET_ADMIN)\n' "$name"
			total_skip=$((total_skip + 1))
			continue
		fi
		if [ "$name" = vm ]; then
			run_vm
			continue
		fi
		# shellcheck disable=SC2086
		run_one "$name" $cmd
	done
done

if [ ${#failed_names[@]} -gt 0 ]; then
	echo "failed: ${failed_names[*]}"
fi
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
