// SPDX-License-Identifier: GPL-2.0
/*
 * mld.c - MLD's way into the shared state machine: a received IPv6
 * packet is validated by the MLD codec (mld_pkt.c) and its messages are
 * handed to the same functions IGMP's are (igmp.c, igmp_query.c), with
 * the RFC 3810 section 8 mapping: an MLDv1 report is an IGMPv2 report,
 * an MLDv1 done an IGMPv2 leave, an MLDv2 report's records IGMPv3
 * records, and queries carry their decoded Maximum Response Delay.
 *
 * What RFC 3810 5.1.14 / 5.2.13 and RFC 2710 3 require of a message a
 * router accepts -- link-local source (:: for reports), hop limit 1,
 * Router Alert, ICMPv6 checksum -- is the codec's check; rejections are
 * counted on the interface like IGMP's.
 */
#include "igmp_int.h"

static void count_reject(struct igmp_counters *c, enum mld_rx r)
{
	switch (r) {
	case MLD_RX_TOO_SHORT:
		c->too_short++;
		break;
	case MLD_RX_TRUNCATED:
		c->truncated++;
		break;
	case MLD_RX_BAD_CHECKSUM:
		c->bad_checksum++;
		break;
	case MLD_RX_BAD_HOPLIMIT:
		c->bad_ttl++;
		break;
	case MLD_RX_NO_RA:
		c->no_router_alert++;
		break;
	case MLD_RX_BAD_SRC:
		c->bad_src++;
		break;
	case MLD_RX_BAD_DEST:
		c->bad_dest++;
		break;
	case MLD_RX_BAD_GROUP:
		c->bad_group++;
		break;
	case MLD_RX_NOT_ICMP6:
	case MLD_RX_UNKNOWN_TYPE:
		c->unknown_type++;
		break;
	default:
		c->bad_ip++;
		break;
	}
}

void mld_input(struct igmp *g, struct igmp_if *ifp, const uint8_t *ip,
	       size_t len, uint64_t now)
{
	struct mgm_addr src, group;
	struct igmp_qrx q;
	struct mld_msg m;
	struct mld_rec rec;
	enum mld_rx r;
	size_t off = 0;

	r = mld_pkt_parse(ip, len, &m);
	if (r) {
		count_reject(&ifp->cnt, r);
		return;
	}
	src = mgm_addr6(&m.src);
	group = mgm_addr6(&m.group);
	switch (m.type) {
	case MLD_QUERY:
		ifp->addr = igmp_own_addr(g, ifp);
		if (mgm_addr_eq(&src, &ifp->addr)) {
			ifp->cnt.ignored_own++;
			return;
		}
		ifp->cnt.rx_query[m.version]++;
		q = (struct igmp_qrx){
			.src = src,
			.group = group,
			.level = m.version + 1,
			.max_resp_ns = (uint64_t)m.max_resp_ms * NS_PER_MS,
			.s_flag = m.s_flag,
			.qrv = m.qrv,
			.qqi_s = m.qqi_s,
			.nsrc = m.nsrc,
			.srcs = m.srcs,
		};
		igmp_query_rx(g, ifp, &q, now);
		break;
	case MLD_V1_REPORT:
		ifp->cnt.rx_report[1]++;
		igmp_old_report(g, ifp, 2, &group, &src, now);
		break;
	case MLD_V1_DONE:
		ifp->cnt.rx_leave++;
		igmp_leave(g, ifp, &group, &src, now);
		break;
	case MLD_V2_REPORT:
		/* An RFC 2710 router does not know this type. */
		if (ifp->version < 3) {
			ifp->cnt.ignored_version++;
			return;
		}
		ifp->cnt.rx_report[2]++;
		/* Records of unknown type are skipped by the codec. */
		while (mld_rec_next(&m, &off, &rec)) {
			struct mgm_addr rg = mgm_addr6(&rec.group);

			igmp_v3_record(g, ifp, rec.type, &rg, rec.srcs,
				       rec.nsrc, &src, now);
		}
		ifp->cnt.rec_bad += m.nrec_unknown;
		break;
	default:
		ifp->cnt.unknown_type++;
		break;
	}
}
