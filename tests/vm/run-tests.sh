#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-tests.sh DIR NAME... - run in the guest (tests/run.sh vm): each
# integration test tests/integration/NAME.sh with the per-test limit
# ($TEST_TIMEOUT, default 300 s, times $MGM_TEST_TIME_SCALE, default 1:
# the tests' own waits scale with it), its output in DIR/NAME.log, its exit
# status in DIR/NAME.rc and its duration in seconds in DIR/NAME.time, for
# tests/run.sh to count on the host.  Its own closing line is one check:
# the guest ran every test to its end.
set -u
cd "$(dirname "$0")/../.." || exit 1
dir=${1:?usage: run-tests.sh DIR NAME...}
shift
limit=$((${TEST_TIMEOUT:-300} * ${MGM_TEST_TIME_SCALE:-1}))
mkdir -p "$dir" || exit 1
mount | grep -q ' /sys/fs/bpf type bpf' || mount -t bpf bpf /sys/fs/bpf
echo "vm: $(uname -r), $(nproc) CPUs${MGM_TEST_TIME_SCALE:+, time scale $MGM_TEST_TIME_SCALE}"
for n in "$@"; do
	t0=$SECONDS
	timeout -k 20 "$limit" bash "tests/integration/$n.sh" >"$dir/$n.log" 2>&1
	echo $? >"$dir/$n.rc"
	echo $((SECONDS - t0)) >"$dir/$n.time"
	echo "vm: $n exit $(cat "$dir/$n.rc") in $(cat "$dir/$n.time")s"
done
left=$(ip netns list | wc -l)
[ "$left" -eq 0 ] || echo "vm: $left namespaces left behind: $(ip netns list | tr '\n' ' ')"
echo "1 passed, 0 failed"
