#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Optional kernel features are probed, and the paths taken without them
# run on every machine:
#  - mgm-dp probe agrees with a second, independent sign of each feature
#    (/proc/net/ip_mr_vif exists only where the kernel has ipmr);
#  - MGM_NO_FEATURES makes a feature count as absent, with its reason;
#  - a test that needs a missing feature ends with "SKIP name: reason"
#    and "0 passed, 0 failed, 1 skipped", exit 0: skipped, never passed.
. "$(dirname "$0")/lib.sh"
require_root

for f in ipmr:ip_mr_vif ip6mr:ip6_mr_vif; do
	name=${f%%:*}
	proc=/proc/net/${f#*:}
	if [ -e "$proc" ]; then want=0; else want=1; fi
	out=$(env -u MGM_NO_FEATURES "$BUILD/mgm-dp" probe "$name")
	check_eq "probe $name agrees with $proc ($out)" "$?" "$want"
	out=$(MGM_NO_FEATURES="x, $name" "$BUILD/mgm-dp" probe "$name")
	check_eq "MGM_NO_FEATURES: $name absent" "$?" 1
	check_eq "MGM_NO_FEATURES: $name's reason" "${out#*treated as }" "absent (MGM_NO_FEATURES)"
done
check_eq "probe of an unknown feature is an error" \
	"$("$BUILD/mgm-dp" probe nosuch >/dev/null 2>&1; echo $?)" 2

# The shell side: the same names, the same override.
MGM_NO_FEATURES=bridge feature bridge
check_eq "feature bridge treated as absent" "$FEATURE_WHY" "bridge treated as absent (MGM_NO_FEATURES)"
if feature bridge; then pass "feature bridge: a bridge can be made here"; else
	skip "feature bridge" "$FEATURE_WHY"; fi

# A whole test skipped: its closing line and exit status.
for t in test_kmirror test_kmirror_pim; do
	MGM_NO_FEATURES=ipmr timeout 60 bash "$ROOT/tests/integration/$t.sh" >"$TMP/$t.out" 2>&1
	check_eq "$t without ipmr exits 0" "$?" 0
	check_eq "$t without ipmr: the closing line counts one skip" \
		"$(tail -n 1 "$TMP/$t.out")" "0 passed, 0 failed, 1 skipped"
	check "$t without ipmr says SKIP with the reason" \
		grep -qx "SKIP $t: IPv4 multicast routing treated as absent (MGM_NO_FEATURES)" "$TMP/$t.out"
done
# ip6mr's mirror test without ip6mr.
MGM_NO_FEATURES=ip6mr timeout 60 bash "$ROOT/tests/integration/test_kmirror6.sh" >"$TMP/k6.out" 2>&1
check_eq "test_kmirror6 without ip6mr exits 0" "$?" 0
check_eq "test_kmirror6 without ip6mr: the closing line counts one skip" \
	"$(tail -n 1 "$TMP/k6.out")" "0 passed, 0 failed, 1 skipped"
check "test_kmirror6 without ip6mr says SKIP with the reason" \
	grep -qx "SKIP test_kmirror6: IPv6 multicast routing treated as absent (MGM_NO_FEATURES)" "$TMP/k6.out"
summary
