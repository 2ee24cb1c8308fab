#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages the build, tests and demo need (only the
# missing ones, so a second run does nothing), and mount bpffs if absent.
set -eu

PKGS="make gcc clang llvm libbpf-dev libxdp-dev xdp-tools bpftool libelf-dev
zlib1g-dev libmnl-dev libjson-c-dev iproute2 ethtool tcpdump procps
python3"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ "$(id -u)" -eq 0 ] && ! mount | grep -q ' /sys/fs/bpf type bpf'; then
	mount -t bpf bpf /sys/fs/bpf
fi
exit 0
