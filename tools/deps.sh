#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the build, tests and demo need (only the
# missing ones, so a second run does nothing), and mount bpffs if absent.
set -eu

PKGS="make gcc clang llvm libbpf-dev libxdp-dev xdp-tools bpftool libelf-dev
zlib1g-dev libmnl-dev libjson-c-dev iproute2 ethtool tcpdump procps nftables
python3 libclang-rt-dev libsystemd-dev pkgconf mandoc bash-completion
python3-prometheus-client curl"
# The vm test layer (make vmcheck) boots Debian's stock kernel (fetched
# with apt-get download, never installed) in a guest.
[ "${MGM_DEPS_VM:-0}" = 1 ] && PKGS="$PKGS qemu-system-x86 cpio"
# libclang-rt-dev: clang's sanitizer and libFuzzer runtimes (make fuzz);
# clang only recommends it, and recommends are not installed here.
# libsystemd-dev: mgmd's sd_notify; pkgconf, mandoc, bash-completion: the
# install and documentation tests (test_install, test_docs).
# python3-prometheus-client, curl: test_metrics parses the scrapes with
# Prometheus' own parser.
# Routing daemons the kernel-mirror tests and kmirror-bench run in their
# own network namespaces, never as services.  smcroute and FRR coexist;
# Debian's standalone pimd conflicts with smcroute, so PIM is FRR's.
DAEMONS="smcroute frr"

missing=""
new_daemons=""
for p in $PKGS $DAEMONS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" &&
		continue
	missing="$missing $p"
	case " $DAEMONS " in *" $p "*) new_daemons="$new_daemons $p" ;; esac
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# A daemon's package must not start a system-wide daemon: a
	# policy-rc.d that refuses, unless one is there (containers have
	# one), removed afterwards.
	guard=""
	if [ -n "$new_daemons" ] && [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		guard=1
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
	[ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
	trap - EXIT
	# Nor at the next boot: here they are test tools.
	if [ -n "$new_daemons" ] && command -v systemctl >/dev/null; then
		for s in $new_daemons; do
			systemctl disable "$s" >/dev/null 2>&1 || true
		done
	fi
fi

if [ "$(id -u)" -eq 0 ] && ! mount | grep -q ' /sys/fs/bpf type bpf'; then
	mount -t bpf bpf /sys/fs/bpf
fi
exit 0
