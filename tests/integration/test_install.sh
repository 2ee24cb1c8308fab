#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a DESTDIR (PREFIX=/usr): every file where it belongs,
# the shared libraries with their sonames, no build-tree path in anything
# installed, pkg-config files that compile and link a program against the
# installed libmgmclient and libmgm; the INSTALLED mgmd and mgmctl
# (started from /) forward a flow on a netns topology; the unit passes
# systemd-analyze verify; mgmctl's bash completion completes; then make
# uninstall leaves no file behind (an edited /etc/mgmd.conf excepted, as
# install never overwrites one either).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd pkg-config pkgconf
require_cmd readelf binutils

DEST=$TMP/dest
MK=(make -s -C "$ROOT" OUT="$BUILD" DESTDIR="$DEST" PREFIX=/usr)
"${MK[@]}" install >"$TMP/install.log" 2>&1
check_eq "make install DESTDIR=... PREFIX=/usr" "$?" 0

# --- what is where -----------------------------------------------------------------
for f in usr/sbin/mgmd usr/bin/mgmctl usr/lib/libmgm.a usr/lib/libmgmclient.a \
	usr/include/mgm/mgm.h usr/include/mgm/client.h usr/include/mgm/mgm_fwd.h \
	usr/include/mgm/mgm_datapath.h usr/include/mgm/mgm_ipc.h \
	usr/lib/pkgconfig/mgm.pc usr/lib/pkgconfig/mgmclient.pc \
	usr/lib/libmgmcompat.a usr/include/mgm/compat/mgm.h \
	usr/lib/pkgconfig/mgmcompat.pc usr/lib/bpf/mgm_fwd.bpf.o usr/share/man/man8/mgmd.8 \
	usr/share/man/man8/mgmctl.8 usr/share/man/man5/mgmd.conf.5 \
	usr/share/man/man3/mgm.3 usr/lib/systemd/system/mgmd.service \
	usr/share/bash-completion/completions/mgmctl \
	usr/share/doc/mgm/mgmd.conf.example etc/mgmd.conf; do
	check "installed: /$f" test -f "$DEST/$f"
done
check "mgmd and mgmctl are executable" test -x "$DEST/usr/sbin/mgmd" -a -x "$DEST/usr/bin/mgmctl"
for l in mgm mgmclient mgmcompat; do
	check_eq "lib$l.so.0.1.0: soname" \
		"$(readelf -d "$DEST/usr/lib/lib$l.so.0.1.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')" "lib$l.so.0"
	check_eq "lib$l.so.0 -> the real file" "$(readlink "$DEST/usr/lib/lib$l.so.0")" "lib$l.so.0.1.0"
	check_eq "lib$l.so -> the soname" "$(readlink "$DEST/usr/lib/lib$l.so")" "lib$l.so.0"
done
check "the unit runs the installed mgmd" grep -q "^ExecStart=/usr/sbin/mgmd -n -f /etc/mgmd.conf" \
	"$DEST/usr/lib/systemd/system/mgmd.service"
# Where the build tree is named, an installed program could depend on it.
found=$(grep -rlaF "$ROOT" "$DEST" 2>/dev/null)
check_eq "no build-tree path ($ROOT) in anything installed" "$found" ""

# --- pkg-config, and programs built against what is installed ----------------------
PC=(env PKG_CONFIG_PATH="$DEST/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$DEST" pkg-config)
# pkg-config's answer without its trailing blank.
pc() { "${PC[@]}" "$@" | sed 's/ *$//'; }
check_eq "pkg-config --modversion mgmclient" "$(pc --modversion mgmclient)" 0.1.0
check_eq "pkg-config --cflags mgmclient" "$(pc --cflags mgmclient)" "-I$DEST/usr/include"
check_eq "pkg-config --libs mgmclient" "$(pc --libs mgmclient)" "-L$DEST/usr/lib -lmgmclient"
check_eq "pkg-config --libs mgm" "$(pc --libs mgm)" "-L$DEST/usr/lib -lmgm"
check_eq "pkg-config: where the BPF object is" \
	"$(PKG_CONFIG_PATH="$DEST/usr/lib/pkgconfig" pkg-config --variable=bpfobjdir mgm)" /usr/lib/bpf
check "pkg-config --static --libs mgm names libbpf and libxdp" \
	sh -c "\"\$@\" --static --libs mgm | grep -q -- -lbpf && \"\$@\" --static --libs mgm | grep -q -- -lxdp" _ "${PC[@]}"
cat >"$TMP/client.c" <<'EOF'
#include <stdio.h>
#include <mgm/client.h>

int main(int argc, char **argv)
{
	struct mgmc *c = mgmc_connect_as(argc > 1 ? argv[1] : NULL, "pc-test");

	if (!c) {
		printf("connect: %s\n", mgmc_last_error());
		return 1;
	}
	printf("connected, MGM_NO_ERROR is %u\n", MGM_NO_ERROR);
	mgmc_close(c);
	return 0;
}
EOF
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Werror -o "$TMP/client" "$TMP/client.c" $("${PC[@]}" --cflags --libs mgmclient) 2>"$TMP/cc.err"
check_eq "a program compiles and links with pkg-config's mgmclient flags" "$?" 0
check_eq "... against the installed libmgmclient.so.0" \
	"$(LD_LIBRARY_PATH="$DEST/usr/lib" ldd "$TMP/client" | awk '/libmgmclient/ {print $3}')" \
	"$DEST/usr/lib/libmgmclient.so.0"
# An RRAS-style protocol: <mgm.h> with the Win32 names, nothing else.
cat >"$TMP/rras.c" <<'EOF'
#include <stdio.h>
#include <mgm.h>

int main(void)
{
	HANDLE h;
	DWORD r = MgmCompatConnect("/nonexistent/mgmd.sock", "pc-test");

	printf("%u %u\n", r, MgmRegisterMProtocol(NULL, 1, 1, &h));
	return 0;
}
EOF
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Wextra -Werror -o "$TMP/rras" "$TMP/rras.c" $("${PC[@]}" --cflags --libs mgmcompat) 2>>"$TMP/cc.err"
check_eq "an RRAS-style source compiles and links with pkg-config's mgmcompat flags" "$?" 0
check_eq "... and runs on the installed libmgmcompat.so.0 (no mgmd, then a NULL config)" \
	"$(LD_LIBRARY_PATH="$DEST/usr/lib" "$TMP/rras")" "1003 87"
cat >"$TMP/lib.c" <<'EOF'
#include <stdio.h>
#include <mgm/mgm.h>
#include <mgm/mgm_datapath.h>

int main(void)
{
	printf("%s %s\n", mgm_strerror(MGM_ERROR_CAN_NOT_COMPLETE),
	       mgm_strerror(MGM_ERROR_NOT_FOUND));
	return 0;
}
EOF
# shellcheck disable=SC2046
cc -std=gnu11 -Wall -Werror -o "$TMP/lib" "$TMP/lib.c" $("${PC[@]}" --cflags --libs mgm) 2>>"$TMP/cc.err"
check_eq "a program compiles and links with pkg-config's mgm flags" "$?" 0
check_eq "... and runs on the installed libmgm.so.0" \
	"$(LD_LIBRARY_PATH="$DEST/usr/lib" "$TMP/lib")" "ERROR_CAN_NOT_COMPLETE ERROR_NOT_FOUND"

# --- the installed mgmd and mgmctl forward a flow ------------------------------------
MGMD_BIN=$DEST/usr/sbin/mgmd
MGMCTL_BIN=$DEST/usr/bin/mgmctl
check "the installed mgmd -t accepts the installed example" \
	sh -c '"$1" -t -f "$2" >/dev/null' _ "$MGMD_BIN" "$DEST/usr/share/doc/mgm/mgmd.conf.example"
topo_std || { fail "topology"; summary; exit 1; }
CONF=$TMP/mgmd.conf
# socket-group: a group root is not in, so that giving the socket to it
# needs CAP_CHOWN, as it would under systemd.
printf 'phyint rs\nmroute from rs group %s to r1 r2\nsocket-group daemon\n' "$GROUP" >"$CONF"

# The capabilities the unit keeps (CapabilityBoundingSet), as setpriv's
# list: mgmd runs with exactly those, so the forwarding below shows that
# they are enough; one fewer is shown not to be.
UNIT_CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' "$DEST/usr/lib/systemd/system/mgmd.service")
check_eq "the unit's capabilities" "$UNIT_CAPS" "CAP_SYS_ADMIN CAP_NET_ADMIN CAP_NET_RAW CAP_CHOWN"
setpriv_caps() { # CAP... -> -all,+cap,...
	local c l="-all"
	for c in "$@"; do
		c=${c#CAP_}
		l="$l,+${c,,}"
	done
	echo "$l"
}
with_caps() { # CAPS: a wrapper running the installed mgmd with only CAPS
	printf '#!/bin/sh\nexec setpriv --bounding-set=%s --inh-caps=-all %s "$@"\n' \
		"$(setpriv_caps "$@")" "$DEST/usr/sbin/mgmd" >"$TMP/mgmd-caps"
	chmod 755 "$TMP/mgmd-caps"
	MGMD_BIN=$TMP/mgmd-caps
}
if command -v setpriv >/dev/null && getent group daemon >/dev/null; then
	# shellcheck disable=SC2086
	with_caps ${UNIT_CAPS/CAP_SYS_ADMIN/CAP_BPF CAP_PERFMON}
	mgmd_start "$CONF" 2>/dev/null
	# It refuses to start, or starts without a forwarder (depending on
	# where BPF_*_GET_FD_BY_ID is first needed): it never forwards.
	check "without CAP_SYS_ADMIN (CAP_BPF and CAP_PERFMON instead) no forwarder is attached" \
		test -z "$(ip -n "$NS_RTR" link show rs | grep prog/xdp)"
	mgmd_stop
	check "... and mgmd says so" grep -qE "Operation not permitted|Operation not supported|Couldn't get BTF" "$TMP/mgmd.log"
	# shellcheck disable=SC2086
	with_caps ${UNIT_CAPS/CAP_CHOWN/}
	mgmd_start "$CONF" 2>/dev/null
	mgmd_stop
	check "without CAP_CHOWN the socket cannot go to its socket-group" \
		grep -q "control socket $MGMD_SOCK: Operation not permitted" "$TMP/mgmd.log"
	check "... and mgmd left nothing attached" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"
	# shellcheck disable=SC2086
	with_caps $UNIT_CAPS
	MGMD_CAPS="the unit's capabilities"
else
	skip "capabilities" "setpriv or the group daemon is missing: mgmd runs with every capability"
	MGMD_CAPS="every capability"
fi
: >"$TMP/mgmd.log"
# From /: nothing it needs is found relative to where it starts.
# systemd's side of Type=notify: a datagram socket at $NOTIFY_SOCKET; each
# message is written down with whether the control socket was there then.
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "w", buffering=1) as out:
    while True:
        try:
            m = s.recv(4096).decode()
        except socket.timeout:
            break
        for line in m.split("\n"):
            out.write("%s socket=%s\n" % (line, os.path.exists(sys.argv[3])))
        if "STOPPING=1" in m:
            break
' "$TMP/notify" "$TMP/notify.log" "$MGMD_SOCK" &
NOTIFY_PID=$!
BG_PIDS+=("$NOTIFY_PID")
n=0
while [ ! -S "$TMP/notify" ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n + 1)); done
pushd / >/dev/null || exit 1
NOTIFY_SOCKET=$TMP/notify check "the installed mgmd starts (from /, $MGMD_CAPS)" mgmd_start "$CONF"
popd >/dev/null || exit 1
sleep 0.2
check "sd_notify: READY=1 once the control socket listens" grep -qx "READY=1 socket=True" "$TMP/notify.log"
check_eq "sd_notify: nothing before READY=1" "$(head -n 1 "$TMP/notify.log")" "READY=1 socket=True"
kill -HUP "$MGMD_PID"
sleep 0.5
check_eq "sd_notify: a reload says RELOADING=1, then READY=1" \
	"$(grep -E '^(RELOADING|READY)=' "$TMP/notify.log" | tail -n 2 | cut -d' ' -f1 | tr '\n' ' ')" "RELOADING=1 READY=1 "
check "first packets (the miss creates the entry)" send -n 5 -r 100
sleep 0.3
sink_start 1 "$NS_R1" "$GROUP"
sink_start 2 "$NS_R2" "$GROUP"
check "send 1000" send -n 1000 -r 5000
sleep 0.3
sink_stop 1
sink_stop 2
check_eq "r1 received every packet through the installed mgmd" "$(sink_val 1 received)" 1000
check_eq "r2 received every packet through the installed mgmd" "$(sink_val 2 received)" 1000
mgmctl -j show mfe >"$TMP/mfe.json"
check "the installed mgmctl shows the entry with its packets" python3 -c '
import json, sys
e = [m for m in json.load(open(sys.argv[1])) if m["group"] == sys.argv[2]]
assert len(e) == 1 and e[0]["packets"] >= 1000 and sorted(e[0]["oifs"]) == ["r1", "r2"], e
' "$TMP/mfe.json" "$GROUP"
check_eq "a libmgmclient program built from the .pc talks to it" \
	"$(in_rtr env LD_LIBRARY_PATH="$DEST/usr/lib" "$TMP/client" "$MGMD_SOCK")" "connected, MGM_NO_ERROR is 0"
mgmd_stop
wait "$NOTIFY_PID"
check "sd_notify: STOPPING=1 on SIGTERM" grep -q "^STOPPING=1" "$TMP/notify.log"
check "the installed mgmd detached on SIGTERM" test -z "$(ip -n "$NS_RTR" link show | grep prog/xdp)"

# --- the unit ---------------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	# As installed, with the program's path in the staging root (verify
	# checks that it is executable).
	sed "s|/usr/sbin/mgmd|$DEST/usr/sbin/mgmd|g" "$DEST/usr/lib/systemd/system/mgmd.service" \
		>"$TMP/mgmd.service"
	(cd "$TMP" && systemd-analyze verify --man=no "$TMP/mgmd.service") >"$TMP/verify.out" 2>&1
	check_eq "systemd-analyze verify: exit 0" "$?" 0
	check_eq "systemd-analyze verify: no warning" "$(cat "$TMP/verify.out")" ""
	check "the unit is Type=notify with its runtime directory" \
		grep -qx "Type=notify" "$TMP/mgmd.service"
else
	skip "systemd-analyze verify" "systemd-analyze is missing (Debian package systemd)"
fi

# --- bash completion ----------------------------------------------------------------
if [ -f /usr/share/bash-completion/bash_completion ]; then
	complete_words() {
		bash -c '. /usr/share/bash-completion/bash_completion
			. "$1"; shift
			COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
			_mgmctl mgmctl "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
			echo "${COMPREPLY[*]}"' _ "$DEST/usr/share/bash-completion/completions/mgmctl" "$@"
	}
	check_eq "completion: commands after 'sh'" "$(complete_words mgmctl sh)" "show shutdown"
	check_eq "completion: show's objects" "$(complete_words mgmctl show m)" "mfe"
	check_eq "completion: commands after 're'" "$(complete_words mgmctl re)" "release reload"
	check_eq "completion: options" "$(complete_words mgmctl --pr)" "--pretty"
else
	skip "bash completion" "bash-completion is missing (Debian package bash-completion)"
fi

# --- install again, edit the configuration, uninstall -----------------------------------
echo "phyint r1 # edited" >>"$DEST/etc/mgmd.conf"
"${MK[@]}" install >>"$TMP/install.log" 2>&1
check "a second install keeps the edited /etc/mgmd.conf" grep -q "edited" "$DEST/etc/mgmd.conf"
"${MK[@]}" uninstall >"$TMP/uninstall.log" 2>&1
check_eq "make uninstall" "$?" 0
left=$(cd "$DEST" && find . ! -type d | sort | tr '\n' ' ')
check_eq "uninstall left only the edited configuration" "$left" "./etc/mgmd.conf "
check "uninstall removed mgm's own directories" test ! -e "$DEST/usr/include/mgm" -a ! -e "$DEST/usr/share/doc/mgm"
rm "$DEST/etc/mgmd.conf"
"${MK[@]}" install >>"$TMP/install.log" 2>&1
"${MK[@]}" uninstall >>"$TMP/uninstall.log" 2>&1
check_eq "install then uninstall: no file left at all" "$(cd "$DEST" && find . ! -type d)" ""

summary
