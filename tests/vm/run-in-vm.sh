#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-in-vm.sh - run a command in a KVM guest booted with Debian's stock
# kernel (linux-image-amd64), whatever kernel this machine runs.  That
# kernel has what ours may lack (multicast routing, 802.1Q, GRE), so the
# tests that need them run on every machine.
#
#   tests/vm/run-in-vm.sh [--timeout S] COMMAND [ARG...]
#
# The guest sees this machine's root filesystem read-only (9p) under a
# tmpfs overlay (its writes stay in the guest), the project directory
# (and $OUT, if outside it) read-write at the same path, the kernel's own
# modules at /lib/modules, and proc, sys, dev, bpffs, debugfs, tracefs
# and cgroup2 mounted.  COMMAND runs as root in the project directory,
# with OUT, TEST_TIMEOUT and MGM_TEST_TIME_SCALE passed on; its output is
# printed here and its exit status is ours.  The serial console is kept
# in $OUT/vm/console.log.
#
# The kernel and busybox-static are fetched with apt-get download and
# unpacked with dpkg-deb -x under $OUT/vm/cache, never installed here.
# Without /dev/kvm, qemu or the packages (no network), it prints
# "SKIP vm: reason" and "0 passed, 0 failed, 1 skipped" and exits 0.
#
# Environment: OUT (build directory, default build), VM_TIMEOUT (wall
# clock limit of the boot in seconds, default 600 times
# MGM_TEST_TIME_SCALE), VM_MEM (default 2G),
# VM_CPUS (default 2), VM_CONSOLE=1 (show the console as it goes),
# VM_ACCEL=tcg (emulate the CPU, slowly, where KVM is missing or cannot
# boot an unmodified kernel), VM_BOOT_WAIT (seconds KVM may take to show
# the kernel's banner, default 15), MGM_TEST_TIME_SCALE (a whole factor,
# default 1, for the tests' waits, see tests/integration/lib.sh: an
# emulated guest is many times slower than the machine).
set -u
cd "$(dirname "$0")/../.." || exit 1
PROJ=$(pwd -P)
OUT=${OUT:-build}
scale=${MGM_TEST_TIME_SCALE:-1}
case $scale in '' | 0* | *[!0-9]*)
	echo "run-in-vm.sh: MGM_TEST_TIME_SCALE is a whole number from 1, not '$scale'" >&2
	exit 2 ;;
esac
limit=${VM_TIMEOUT:-$((600 * scale))}
if [ "${1:-}" = --timeout ]; then
	limit=${2:?--timeout needs seconds}
	shift 2
fi
[ $# -gt 0 ] || {
	echo "usage: tests/vm/run-in-vm.sh [--timeout S] COMMAND [ARG...]" >&2
	exit 2
}
mkdir -p "$OUT/vm" || exit 1
OUTABS=$(cd "$OUT" && pwd -P)
VMDIR=$OUTABS/vm
CACHE=$VMDIR/cache
RUN=$VMDIR/run

skip() {
	echo "SKIP vm: $*"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}
die() {
	echo "vm: $*"
	echo "0 passed, 1 failed"
	exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root (the guest reads the whole root filesystem)"
accel=${VM_ACCEL:-kvm}
case $accel in kvm | tcg) ;; *) die "VM_ACCEL is kvm or tcg, not '$accel'" ;; esac
if [ "$accel" = kvm ]; then
	[ -c /dev/kvm ] || skip "no /dev/kvm (no hardware virtualization here)"
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
		skip "/dev/kvm is not usable by $(id -un)"
	fi
fi
command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu-system-x86_64 is missing (Debian package qemu-system-x86; tools/deps.sh installs it)"
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
	skip "apt-get and dpkg-deb are needed to fetch the guest kernel"
fi
case "$PROJ$OUTABS" in *[[:space:]]*)
	die "the project and build paths must not contain blanks" ;;
esac

# --- the guest kernel and busybox, fetched, never installed ---------------
# fetch PACKAGE DIR: download PACKAGE and unpack it into DIR.
fetch() {
	local tmp=$CACHE/dl.$$ deb
	rm -rf "$tmp" "$2.part"
	mkdir -p "$tmp" "$2.part" || return 1
	(cd "$tmp" && apt-get download -q "$1" >dl.log 2>&1) || {
		# Stale or no package lists: refresh once, then again.
		apt-get update -qq >/dev/null 2>&1 &&
			(cd "$tmp" && apt-get download -q "$1" >dl.log 2>&1)
	} || {
		rm -rf "$tmp" "$2.part"
		return 1
	}
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb -x "$deb" "$2.part" && rm -rf "$2" && mv "$2.part" "$2"
	local rc=$?
	rm -rf "$tmp"
	return $rc
}

mkdir -p "$CACHE" || exit 1
if [ ! -x "$CACHE/busybox" ]; then
	fetch busybox-static "$CACHE/bb" || skip "cannot download busybox-static (no network?)"
	mv "$CACHE/bb/bin/busybox" "$CACHE/busybox" && rm -rf "$CACHE/bb" || exit 1
fi
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
if [ -z "$kpkg" ]; then
	apt-get update -qq >/dev/null 2>&1
	kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
fi
if [ -z "$kpkg" ]; then
	# Offline: the last kernel fetched, if any.
	kpkg=$(ls -d "$CACHE"/linux-image-* 2>/dev/null | tail -n 1)
	kpkg=${kpkg##*/}
	[ -n "$kpkg" ] || skip "cannot resolve linux-image-amd64 (no package lists, no network?)"
fi
KDIR=$CACHE/$kpkg
if [ ! -e "$KDIR/.done" ]; then
	echo "vm: fetching $kpkg" >&2
	fetch "$kpkg" "$KDIR" || skip "cannot download $kpkg (no network?)"
	# Only networking, filesystems and virtio are of use in the guest.
	find "$KDIR"/lib/modules/*/kernel/drivers -mindepth 1 -maxdepth 1 \
		! -name net ! -name virtio -exec rm -rf {} +
	rm -rf "$KDIR"/lib/modules/*/kernel/sound \
		"$KDIR"/lib/modules/*/kernel/drivers/net/{wireless,ethernet,usb,can,wwan}
	KVER=$(ls "$KDIR/lib/modules")
	"$CACHE/busybox" depmod -b "$KDIR" "$KVER" || die "depmod failed for $KVER"
	: >"$KDIR/.done"
	# Older kernels fetched before this one.
	for d in "$CACHE"/linux-image-*; do
		[ "$d" = "$KDIR" ] || rm -rf "$d"
	done
fi
KVER=$(ls "$KDIR/lib/modules")
KMODS=$KDIR/lib/modules/$KVER
[ -s "$KMODS/modules.dep" ] || die "no modules.dep for $KVER"
VMLINUZ=$KDIR/boot/vmlinuz-$KVER
[ -e "$VMLINUZ" ] || die "no kernel image in $kpkg"

# --- the initramfs: busybox, the modules to mount 9p and overlay, init ----
# mod_closure NAME...: module paths (relative to $KMODS), each after the
# ones it depends on, from modules.dep.
mod_closure() {
	local name path deps d
	for name in "$@"; do
		path=$(grep -E "(^|/)$name\.ko:" "$KMODS/modules.dep" | head -n 1)
		[ -n "$path" ] || continue # built in
		deps=${path#*:}
		path=${path%%:*}
		for d in $deps; do
			d=${d##*/}
			mod_closure "${d%.ko}"
		done
		echo "$path"
	done
}
INITRD=$VMDIR/initrd
rm -rf "$INITRD" "$VMDIR/initrd.cpio"
mkdir -p "$INITRD"/{bin,sbin,proc,sys,dev,lower,rw,newroot,modules} || exit 1
cp "$CACHE/busybox" "$INITRD/bin/busybox" || exit 1
for a in sh mount umount mkdir insmod modprobe chroot poweroff sync tee cat \
	sleep echo grep sed ln cp; do
	ln -s busybox "$INITRD/bin/$a"
done
ln -s ../bin/busybox "$INITRD/sbin/modprobe"
: >"$INITRD/modules.list"
for m in $(mod_closure virtio_pci 9pnet_virtio 9p overlay | awk '!seen[$0]++'); do
	cp "$KMODS/$m" "$INITRD/modules/" || exit 1
	echo "${m##*/}" >>"$INITRD/modules.list"
done
cp tests/vm/init "$INITRD/init" && chmod 755 "$INITRD/init" || exit 1
(cd "$INITRD" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) \
	>"$VMDIR/initrd.cpio" || die "cannot build the initramfs (cpio)"
rm -rf "$INITRD"

# --- the job: the command, its environment, where its results go ----------
rm -rf "$RUN"
mkdir -p "$RUN" || exit 1
{
	echo "cd $PROJ || exit 1"
	# This shell's open-file limits, not the kernel's defaults for init.
	echo "ulimit -Hn $(ulimit -Hn) && ulimit -n $(ulimit -n)"
	printf 'export OUT=%q\n' "$OUT"
	[ -n "${TEST_TIMEOUT:-}" ] && printf 'export TEST_TIMEOUT=%q\n' "$TEST_TIMEOUT"
	[ -n "${MGM_TEST_TIME_SCALE:-}" ] &&
		printf 'export MGM_TEST_TIME_SCALE=%q\n' "$MGM_TEST_TIME_SCALE"
	[ -n "${V:-}" ] && printf 'export V=%q\n' "$V"
	printf '%q ' "$@"
	echo
} >"$RUN/job"

shares=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$PROJ,mount_tag=proj,security_model=none,multidevs=remap")
# loglevel 6: notices (the kernel's banner, the watchdog's sign) and worse.
cmdline="console=ttyS0 panic=-1 loglevel=6 vm.proj=$PROJ vm.run=$RUN vm.kmods=$KMODS"
case $OUTABS/ in "$PROJ"/*) ;; *)
	shares+=(-virtfs "local,path=$OUTABS,mount_tag=out,security_model=none,multidevs=remap")
	cmdline="$cmdline vm.out=$OUTABS" ;;
esac

# -arch-capabilities: some nested hypervisors refuse the guest's
# IA32_ARCH_CAPABILITIES MSR, and the guest does not need it.
if [ "$accel" = kvm ]; then
	accel_args=(-enable-kvm -cpu "host,-arch-capabilities")
else
	accel_args=(-accel "tcg,thread=multi,tb-size=512" -cpu max)
fi
t0=$SECONDS
console=$VMDIR/console.log
rm -f "$console"
qemu=(timeout -k 10 "$limit" qemu-system-x86_64 "${accel_args[@]}"
	-smp "${VM_CPUS:-2}" -m "${VM_MEM:-2G}"
	-nographic -no-reboot -nic none -kernel "$VMLINUZ"
	-initrd "$VMDIR/initrd.cpio" -append "$cmdline" "${shares[@]}")
"${qemu[@]}" </dev/null >"$console" 2>&1 &
qpid=$!
[ -n "${VM_CONSOLE:-}" ] && tail -f "$console" --pid=$qpid &
# A KVM that cannot run an unmodified kernel (PVM, the kvm_pvm module of
# some cloud VMs, runs only kernels built for it) hangs before the
# kernel's banner: given up on after VM_BOOT_WAIT seconds.
n=0
while [ "$accel" = kvm ] && kill -0 $qpid 2>/dev/null &&
	! grep -q "Linux version" "$console" 2>/dev/null; do
	if [ $n -ge $((${VM_BOOT_WAIT:-15} * 10)) ]; then
		kill $qpid 2>/dev/null
		wait $qpid 2>/dev/null
		why="KVM here does not boot Debian's stock kernel (no banner in ${VM_BOOT_WAIT:-15}s)"
		[ -d /sys/module/kvm_pvm ] && why="$why: /dev/kvm is PVM (kvm_pvm), which runs only kernels built as PVM guests"
		skip "$why; VM_ACCEL=tcg emulates instead (slow)"
	fi
	sleep 0.1
	n=$((n + 1))
done
wait $qpid
qrc=$?
took=$((SECONDS - t0))

[ -e "$RUN/out" ] && cat "$RUN/out"
if [ ! -s "$RUN/rc" ]; then
	if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
		echo "vm: the guest ($KVER) did not finish in ${limit}s; console:"
	else
		echo "vm: the guest ($KVER) stopped without the command's status (qemu exit $qrc); console:"
	fi
	tail -n 40 "$console" | sed 's/^/vm| /'
	echo "0 passed, 1 failed"
	exit 1
fi
echo "vm: guest kernel $KVER, ${took}s" >&2
exit "$(cat "$RUN/rc")"
