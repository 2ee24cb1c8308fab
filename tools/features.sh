# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# features.sh - optional kernel features and packages, probed rather than
# assumed (machines of one kind run differently built kernels).  Sourced by
# the integration tests' lib.sh and by tools/bench.sh; needs $BUILD (the
# build directory) and $T (a prefix for throwaway namespace names).
#
# MGM_NO_FEATURES="ipmr nft-dup" (commas or spaces) makes the named
# features count as absent, here and in mgmd, mcbench and mgm-dp, so the
# paths taken without them run on every machine.

# feature_disabled NAME: is NAME listed in MGM_NO_FEATURES (names between
# commas or spaces)?  Such a feature counts as absent, so the paths taken
# without it run on machines that have it too.
feature_disabled() {
	case ",$(printf '%s' "${MGM_NO_FEATURES:-}" | tr ' \t' ',,')," in
	*",$1,"*) return 0 ;;
	esac
	return 1
}

# feature NAME: 0 if the optional feature NAME is usable here; otherwise
# FEATURE_WHY says why not.  Kernel features the daemon needs too (ipmr,
# ip6mr) are probed by mgm-dp; the others here, each in a namespace of
# its own that is gone when the probe returns.
feature() {
	local ns rc=0
	FEATURE_WHY=""
	case $1 in
	ipmr | ip6mr) # mgm-dp reads MGM_NO_FEATURES too
		FEATURE_WHY=$("$BUILD/mgm-dp" probe "$1" 2>&1) && return 0
		FEATURE_WHY=${FEATURE_WHY#"$1: no: "}
		return 1
		;;
	esac
	if feature_disabled "$1"; then
		FEATURE_WHY="$1 treated as absent (MGM_NO_FEATURES)"
		return 1
	fi
	case $1 in
	bridge | vxlan | vlan | macvlan | gre | ipip | dummy | bond)
		ns=$T-probe
		ip netns add "$ns" 2>/dev/null || {
			FEATURE_WHY="cannot create a namespace to probe $1"
			return 1
		}
		case $1 in
		vxlan) ip -n "$ns" link add p0 type vxlan id 1 dstport 4789 ;;
		# On a veth: loopback cannot carry VLANs (VLAN_CHALLENGED)
		# and dummy devices are an option of their own.
		vlan) ip -n "$ns" link add p1 type veth peer name p2 &&
			ip -n "$ns" link add p0 link p1 type vlan id 2 ;;
		macvlan) ip -n "$ns" link add p1 type veth peer name p2 &&
			ip -n "$ns" link add p0 link p1 type macvlan ;;
		gre) ip -n "$ns" link add p0 type gre remote 192.0.2.1 ;;
		*) ip -n "$ns" link add p0 type "$1" ;;
		esac >/dev/null 2>&1 || rc=1
		ip netns del "$ns"
		[ $rc -eq 0 ] || FEATURE_WHY="this kernel cannot create $1 devices"
		return $rc
		;;
	nft-dup)
		command -v nft >/dev/null || {
			FEATURE_WHY="nft (Debian package nftables) is not installed"
			return 1
		}
		ns=$T-probe
		ip netns add "$ns" 2>/dev/null || {
			FEATURE_WHY="cannot create a namespace to probe $1"
			return 1
		}
		ip -n "$ns" link add p0 type veth peer name p1 >/dev/null 2>&1
		ip netns exec "$ns" nft -f - >/dev/null 2>&1 <<-EOF || rc=1
			table netdev probe {
				chain in {
					type filter hook ingress device p0 priority 0;
					dup to p1
				}
			}
		EOF
		ip netns del "$ns"
		[ $rc -eq 0 ] || FEATURE_WHY="this kernel has no nftables netdev dup (CONFIG_NFT_DUP_NETDEV)"
		return $rc
		;;
	esac
	FEATURE_WHY="unknown feature '$1'"
	return 1
}
