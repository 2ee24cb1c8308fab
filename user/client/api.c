// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * api.c - libmgmclient's MGM functions: each one checks its arguments as
 * the in-process function would, encodes a request (mgm_ipc_proto.h),
 * and decodes the reply into the caller's out parameters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client_int.h"

/* The MGM_IPC_CBM_* bits of a config of either form (the same names). */
#define CB_MASK(cfg)                                                \
	(((cfg)->rpf ? MGM_IPC_CBM_RPF : 0) |                       \
	 ((cfg)->creation_alert ? MGM_IPC_CBM_CREATION_ALERT : 0) | \
	 ((cfg)->prune_alert ? MGM_IPC_CBM_PRUNE_ALERT : 0) |       \
	 ((cfg)->join_alert ? MGM_IPC_CBM_JOIN_ALERT : 0) |         \
	 ((cfg)->wrong_if ? MGM_IPC_CBM_WRONG_IF : 0) |             \
	 ((cfg)->local_join ? MGM_IPC_CBM_LOCAL_JOIN : 0) |         \
	 ((cfg)->local_leave ? MGM_IPC_CBM_LOCAL_LEAVE : 0) |       \
	 ((cfg)->disable_igmp ? MGM_IPC_CBM_DISABLE_IGMP : 0) |     \
	 ((cfg)->enable_igmp ? MGM_IPC_CBM_ENABLE_IGMP : 0))

/*
 * REGISTER or REGISTER_X (q, len), and the protocol table entry for
 * cfg (IPv4) or cfgx.  The lock is held across the request, so that the
 * entry is added before any callback for the new handle can be read
 * (mgmd sends none before this reply anyway).
 */
static uint32_t register_req(struct mgmc *c, uint16_t type, const void *q,
			     size_t len, const struct mgm_protocol_config *cfg,
			     const struct mgm_protocol_config_x *cfgx,
			     mgm_handle_t *protocol)
{
	struct mgm_ipc_handle a;
	uint32_t r;

	pthread_mutex_lock(&c->lock);
	if (mgmc_proto_reserve(c)) {
		pthread_mutex_unlock(&c->lock);
		return MGM_ERROR_NOT_ENOUGH_MEMORY;
	}
	r = mgmc_request(c, type, q, len, &a, sizeof(a), NULL);
	if (r == MGM_NO_ERROR) {
		if (cfgx)
			mgmc_proto_add_x(c, a.handle, cfgx);
		else
			mgmc_proto_add(c, a.handle, cfg);
		*protocol = a.handle;
	}
	pthread_mutex_unlock(&c->lock);
	return r;
}

uint32_t mgmc_register_protocol(struct mgmc *c,
				const struct mgm_protocol_config *config,
				uint32_t protocol_id, uint32_t component_id,
				mgm_handle_t *protocol)
{
	struct mgm_ipc_register q = {
		.protocol_id = protocol_id,
		.component_id = component_id,
	};

	if (!c || !config || !protocol)
		return MGM_ERROR_INVALID_PARAMETER;
	q.callback_flags = config->callback_flags;
	q.callbacks = CB_MASK(config);
	return register_req(c, MGM_IPC_REQ_REGISTER, &q, sizeof(q), config,
			    NULL, protocol);
}

uint32_t mgmc_deregister_protocol(struct mgmc *c, mgm_handle_t protocol)
{
	struct mgm_ipc_handle q = { protocol };
	uint32_t r;

	if (!c)
		return MGM_ERROR_INVALID_PARAMETER;
	pthread_mutex_lock(&c->lock);
	r = mgmc_request(c, MGM_IPC_REQ_DEREGISTER, &q, sizeof(q), NULL, 0,
			 NULL);
	if (r == MGM_NO_ERROR)
		mgmc_proto_del(c, protocol);
	pthread_mutex_unlock(&c->lock);
	return r;
}

static uint32_t interface_req(struct mgmc *c, uint16_t type, mgm_handle_t h,
			      uint32_t ifindex, uint32_t nexthop)
{
	struct mgm_ipc_interface q = { h, ifindex, nexthop };

	if (!c)
		return MGM_ERROR_INVALID_PARAMETER;
	return mgmc_request(c, type, &q, sizeof(q), NULL, 0, NULL);
}

uint32_t mgmc_take_interface_ownership(struct mgmc *c, mgm_handle_t protocol,
				       uint32_t ifindex, uint32_t nexthop)
{
	return interface_req(c, MGM_IPC_REQ_TAKE_INTERFACE, protocol, ifindex,
			     nexthop);
}

uint32_t mgmc_release_interface_ownership(struct mgmc *c, mgm_handle_t protocol,
					  uint32_t ifindex, uint32_t nexthop)
{
	return interface_req(c, MGM_IPC_REQ_RELEASE_INTERFACE, protocol,
			     ifindex, nexthop);
}

uint32_t mgmc_get_protocol_on_interface(struct mgmc *c, uint32_t ifindex,
					uint32_t nexthop, uint32_t *protocol_id,
					uint32_t *component_id)
{
	struct mgm_ipc_if_query q = { ifindex, nexthop };
	struct mgm_ipc_if_owner a;
	uint32_t r;

	if (!c || !protocol_id || !component_id)
		return MGM_ERROR_INVALID_PARAMETER;
	r = mgmc_request(c, MGM_IPC_REQ_GET_PROTOCOL_ON_INTERFACE, &q,
			 sizeof(q), &a, sizeof(a), NULL);
	if (r == MGM_NO_ERROR) {
		*protocol_id = a.protocol_id;
		*component_id = a.component_id;
	}
	return r;
}

static uint32_t membership_req(struct mgmc *c, uint16_t type, mgm_handle_t h,
			       uint32_t source, uint32_t source_mask,
			       uint32_t group, uint32_t group_mask,
			       uint32_t ifindex, uint32_t nexthop,
			       uint32_t flags)
{
	struct mgm_ipc_membership q = {
		.handle = h,
		.source = source,
		.source_mask = source_mask,
		.group = group,
		.group_mask = group_mask,
		.ifindex = ifindex,
		.nexthop = nexthop,
		.flags = flags,
	};

	if (!c)
		return MGM_ERROR_INVALID_PARAMETER;
	return mgmc_request(c, type, &q, sizeof(q), NULL, 0, NULL);
}

uint32_t mgmc_add_group_membership_entry(struct mgmc *c, mgm_handle_t protocol,
					 uint32_t source, uint32_t source_mask,
					 uint32_t group, uint32_t group_mask,
					 uint32_t ifindex, uint32_t nexthop,
					 uint32_t flags)
{
	return membership_req(c, MGM_IPC_REQ_ADD_MEMBERSHIP, protocol, source,
			      source_mask, group, group_mask, ifindex, nexthop,
			      flags);
}

uint32_t mgmc_delete_group_membership_entry(
	struct mgmc *c, mgm_handle_t protocol, uint32_t source,
	uint32_t source_mask, uint32_t group, uint32_t group_mask,
	uint32_t ifindex, uint32_t nexthop, uint32_t flags)
{
	return membership_req(c, MGM_IPC_REQ_DELETE_MEMBERSHIP, protocol,
			      source, source_mask, group, group_mask, ifindex,
			      nexthop, flags);
}

/* ---- functions that fill a buffer -------------------------------------- */

/*
 * Send a request whose reply is a struct mgm_ipc_buffer_reply and data,
 * and apply MGM's buffer contract: *buffer_size is written only with
 * MGM_ERROR_INSUFFICIENT_BUFFER; *num_entries whenever mgmd answered.
 */
static uint32_t buffer_req(struct mgmc *c, uint16_t type, const void *q,
			   size_t len, uint32_t *buffer_size, uint8_t *buffer,
			   uint32_t *num_entries)
{
	struct mgm_ipc_buffer_reply a;
	struct mgmc_msg *m;
	size_t data;
	uint32_t r;

	r = mgmc_request(c, type, q, len, &a, sizeof(a), &m);
	if (!m)
		return r;
	data = m->len - sizeof(a);
	if (data > *buffer_size || (data && !buffer)) {
		mgmc_set_error("mgmd returned %zu bytes for a buffer of %u",
			       data, *buffer_size);
		free(m);
		return MGM_ERROR_CAN_NOT_COMPLETE;
	}
	if (data)
		memcpy(buffer, (const uint8_t *)m->payload + sizeof(a), data);
	if (r == MGM_ERROR_INSUFFICIENT_BUFFER)
		*buffer_size = a.buffer_size;
	if (num_entries)
		*num_entries = a.num_entries;
	free(m);
	return r;
}

/* mgmd's replies hold at most MGM_IPC_BUF_MAX bytes of records; a bigger
 * buffer just gets fewer records per call (MORE_DATA, then GetNext). */
static uint32_t cap(uint32_t size)
{
	return size > MGM_IPC_BUF_MAX ? MGM_IPC_BUF_MAX : size;
}

static uint32_t mfe_query(struct mgmc *c, uint16_t type,
			  const struct mgm_ipmcast_mfe *key,
			  uint32_t *buffer_size, uint8_t *buffer,
			  uint32_t *num_entries, uint32_t flags)
{
	struct mgm_ipc_mfe_query q = { .flags = flags };

	if (key)
		memcpy(q.mfe, key, sizeof(q.mfe));
	q.buffer_size = cap(*buffer_size);
	return buffer_req(c, type, &q, sizeof(q), buffer_size, buffer,
			  num_entries);
}

/*
 * GetMfe without a buffer, asked with size 0 (r, size: the answer): MGM
 * answers INSUFFICIENT_BUFFER if *buffer_size is too small, with the size
 * needed, and INVALID_PARAMETER if it would have fitted.
 */
static uint32_t no_buffer(uint32_t r, uint32_t size, uint32_t *buffer_size)
{
	if (r == MGM_ERROR_INSUFFICIENT_BUFFER) {
		if (*buffer_size >= size)
			return MGM_ERROR_INVALID_PARAMETER;
		*buffer_size = size;
	}
	return r;
}

/* MgmGetMfe and MgmGetMfeStats: one record. */
static uint32_t get_one(struct mgmc *c, uint16_t type,
			const struct mgm_ipmcast_mfe *mfe,
			uint32_t *buffer_size, uint8_t *buffer, uint32_t flags)
{
	uint32_t size, r;

	if (!c || !mfe || !buffer_size)
		return MGM_ERROR_INVALID_PARAMETER;
	if (buffer)
		return mfe_query(c, type, mfe, buffer_size, buffer, NULL,
				 flags);
	size = 0;
	r = mfe_query(c, type, mfe, &size, NULL, NULL, flags);
	return no_buffer(r, size, buffer_size);
}

/* The GetFirst and GetNext variants. */
static uint32_t get_many(struct mgmc *c, uint16_t type,
			 const struct mgm_ipmcast_mfe *start, bool next,
			 uint32_t *buffer_size, uint8_t *buffer,
			 uint32_t *num_entries, uint32_t flags)
{
	if (!c || !buffer_size || !num_entries || (next && !start) ||
	    (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	return mfe_query(c, type, start, buffer_size, buffer, num_entries,
			 flags);
}

uint32_t mgmc_get_mfe(struct mgmc *c, const struct mgm_ipmcast_mfe *mfe,
		      uint32_t *buffer_size, uint8_t *buffer)
{
	return get_one(c, MGM_IPC_REQ_GET_MFE, mfe, buffer_size, buffer, 0);
}

uint32_t mgmc_get_first_mfe(struct mgmc *c, uint32_t *buffer_size,
			    uint8_t *buffer, uint32_t *num_entries)
{
	return get_many(c, MGM_IPC_REQ_GET_FIRST_MFE, NULL, false, buffer_size,
			buffer, num_entries, 0);
}

uint32_t mgmc_get_next_mfe(struct mgmc *c, const struct mgm_ipmcast_mfe *start,
			   uint32_t *buffer_size, uint8_t *buffer,
			   uint32_t *num_entries)
{
	return get_many(c, MGM_IPC_REQ_GET_NEXT_MFE, start, true, buffer_size,
			buffer, num_entries, 0);
}

uint32_t mgmc_get_mfe_stats(struct mgmc *c, const struct mgm_ipmcast_mfe *mfe,
			    uint32_t *buffer_size, uint8_t *buffer,
			    uint32_t flags)
{
	return get_one(c, MGM_IPC_REQ_GET_MFE_STATS, mfe, buffer_size, buffer,
		       flags);
}

uint32_t mgmc_get_first_mfe_stats(struct mgmc *c, uint32_t *buffer_size,
				  uint8_t *buffer, uint32_t *num_entries,
				  uint32_t flags)
{
	return get_many(c, MGM_IPC_REQ_GET_FIRST_MFE_STATS, NULL, false,
			buffer_size, buffer, num_entries, flags);
}

uint32_t mgmc_get_next_mfe_stats(struct mgmc *c,
				 const struct mgm_ipmcast_mfe *start,
				 uint32_t *buffer_size, uint8_t *buffer,
				 uint32_t *num_entries, uint32_t flags)
{
	return get_many(c, MGM_IPC_REQ_GET_NEXT_MFE_STATS, start, true,
			buffer_size, buffer, num_entries, flags);
}

uint32_t mgmc_set_mfe(struct mgmc *c, mgm_handle_t protocol,
		      const struct mgm_ipmcast_mfe *mfe)
{
	struct mgm_ipc_set_mfe q = { .handle = protocol };

	if (!c || !mfe)
		return MGM_ERROR_INVALID_PARAMETER;
	memcpy(q.mfe, mfe, sizeof(q.mfe));
	return mgmc_request(c, MGM_IPC_REQ_SET_MFE, &q, sizeof(q), NULL, 0,
			    NULL);
}

/* ---- group enumeration --------------------------------------------------- */

uint32_t mgmc_group_enumeration_start(struct mgmc *c, mgm_handle_t protocol,
				      enum mgm_enum_type type,
				      mgm_handle_t *enum_handle)
{
	struct mgm_ipc_enum_start q = { .handle = protocol,
					.type = (uint32_t)type };
	struct mgm_ipc_handle a;
	uint32_t r;

	if (!c || !enum_handle)
		return MGM_ERROR_INVALID_PARAMETER;
	r = mgmc_request(c, MGM_IPC_REQ_GROUP_ENUM_START, &q, sizeof(q), &a,
			 sizeof(a), NULL);
	if (r == MGM_NO_ERROR)
		*enum_handle = a.handle;
	return r;
}

uint32_t mgmc_group_enumeration_get_next(struct mgmc *c,
					 mgm_handle_t enum_handle,
					 uint32_t *buffer_size, uint8_t *buffer,
					 uint32_t *num_entries)
{
	struct mgm_ipc_enum_next q = { .enum_handle = enum_handle };

	if (!c || !buffer_size || !num_entries || (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	q.buffer_size = cap(*buffer_size);
	return buffer_req(c, MGM_IPC_REQ_GROUP_ENUM_GET_NEXT, &q, sizeof(q),
			  buffer_size, buffer, num_entries);
}

uint32_t mgmc_group_enumeration_end(struct mgmc *c, mgm_handle_t enum_handle)
{
	struct mgm_ipc_handle q = { enum_handle };

	if (!c)
		return MGM_ERROR_INVALID_PARAMETER;
	return mgmc_request(c, MGM_IPC_REQ_GROUP_ENUM_END, &q, sizeof(q), NULL,
			    0, NULL);
}

/* ---- both address families (mgm.h's _x functions) ---------------------- */

/* The daemon must speak them: an older one would refuse them as unknown
 * requests (MGM_IPC_ERROR); say why instead. */
static bool family_x(struct mgmc *c)
{
	if (c->features & MGM_IPC_FEAT_FAMILY_X)
		return true;
	mgmc_set_error("mgmd is too old for family-neutral requests "
		       "(no MGM_IPC_FEAT_FAMILY_X)");
	return false;
}

static bool addr_ok(const struct mgm_addr *a)
{
	return a && (a->family == MGM_AF_INET || a->family == MGM_AF_INET6);
}

uint32_t mgmc_register_protocol_x(struct mgmc *c,
				  const struct mgm_protocol_config_x *config,
				  uint32_t protocol_id, uint32_t component_id,
				  mgm_handle_t *protocol)
{
	struct mgm_ipc_register_x q = {
		.protocol_id = protocol_id,
		.component_id = component_id,
	};

	mgmc_clear_error();
	if (!c || !config || !protocol)
		return MGM_ERROR_INVALID_PARAMETER;
	if (!family_x(c))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	q.families = config->families;
	q.callbacks = CB_MASK(config);
	return register_req(c, MGM_IPC_REQ_REGISTER_X, &q, sizeof(q), NULL,
			    config, protocol);
}

static uint32_t membership_x_req(struct mgmc *c, uint16_t type, mgm_handle_t h,
				 const struct mgm_addr *source,
				 const struct mgm_addr *group, uint32_t ifindex,
				 uint32_t nexthop, uint32_t flags)
{
	struct mgm_ipc_membership_x q = {
		.handle = h,
		.ifindex = ifindex,
		.nexthop = nexthop,
		.flags = flags,
	};

	mgmc_clear_error();
	if (!c || !addr_ok(source) || !addr_ok(group))
		return MGM_ERROR_INVALID_PARAMETER;
	if (!family_x(c))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	q.source = *source;
	q.group = *group;
	return mgmc_request(c, type, &q, sizeof(q), NULL, 0, NULL);
}

uint32_t mgmc_add_group_membership_x(struct mgmc *c, mgm_handle_t protocol,
				     const struct mgm_addr *source,
				     const struct mgm_addr *group,
				     uint32_t ifindex, uint32_t nexthop,
				     uint32_t flags)
{
	return membership_x_req(c, MGM_IPC_REQ_ADD_MEMBERSHIP_X, protocol,
				source, group, ifindex, nexthop, flags);
}

uint32_t mgmc_delete_group_membership_x(struct mgmc *c, mgm_handle_t protocol,
					const struct mgm_addr *source,
					const struct mgm_addr *group,
					uint32_t ifindex, uint32_t nexthop,
					uint32_t flags)
{
	return membership_x_req(c, MGM_IPC_REQ_DELETE_MEMBERSHIP_X, protocol,
				source, group, ifindex, nexthop, flags);
}

static uint32_t mfe_query_x(struct mgmc *c, uint16_t type,
			    const struct mgm_addr *source,
			    const struct mgm_addr *group, uint32_t *buffer_size,
			    uint8_t *buffer, uint32_t *num_entries)
{
	struct mgm_ipc_mfe_query_x q = { .buffer_size = cap(*buffer_size) };

	if (!family_x(c))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	if (source)
		q.source = *source;
	if (group)
		q.group = *group;
	return buffer_req(c, type, &q, sizeof(q), buffer_size, buffer,
			  num_entries);
}

uint32_t mgmc_get_mfe_x(struct mgmc *c, const struct mgm_addr *source,
			const struct mgm_addr *group, uint32_t *buffer_size,
			uint8_t *buffer)
{
	uint32_t size, r;

	mgmc_clear_error();
	if (!c || !addr_ok(source) || !addr_ok(group) || !buffer_size)
		return MGM_ERROR_INVALID_PARAMETER;
	if (buffer)
		return mfe_query_x(c, MGM_IPC_REQ_GET_MFE_X, source, group,
				   buffer_size, buffer, NULL);
	size = 0;
	r = mfe_query_x(c, MGM_IPC_REQ_GET_MFE_X, source, group, &size, NULL,
			NULL);
	return no_buffer(r, size, buffer_size);
}

uint32_t mgmc_get_first_mfe_x(struct mgmc *c, uint32_t *buffer_size,
			      uint8_t *buffer, uint32_t *num_entries)
{
	mgmc_clear_error();
	if (!c || !buffer_size || !num_entries || (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	return mfe_query_x(c, MGM_IPC_REQ_GET_FIRST_MFE_X, NULL, NULL,
			   buffer_size, buffer, num_entries);
}

uint32_t mgmc_get_next_mfe_x(struct mgmc *c, const struct mgm_addr *source,
			     const struct mgm_addr *group,
			     uint32_t *buffer_size, uint8_t *buffer,
			     uint32_t *num_entries)
{
	mgmc_clear_error();
	if (!c || !addr_ok(source) || !addr_ok(group) || !buffer_size ||
	    !num_entries || (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	return mfe_query_x(c, MGM_IPC_REQ_GET_NEXT_MFE_X, source, group,
			   buffer_size, buffer, num_entries);
}

uint32_t mgmc_group_enumeration_get_next_x(struct mgmc *c,
					   mgm_handle_t enum_handle,
					   uint32_t *buffer_size,
					   uint8_t *buffer,
					   uint32_t *num_entries)
{
	struct mgm_ipc_enum_next q = { .enum_handle = enum_handle };

	mgmc_clear_error();
	if (!c || !buffer_size || !num_entries || (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	if (!family_x(c))
		return MGM_ERROR_CAN_NOT_COMPLETE;
	q.buffer_size = cap(*buffer_size);
	return buffer_req(c, MGM_IPC_REQ_GROUP_ENUM_GET_NEXT_X, &q, sizeof(q),
			  buffer_size, buffer, num_entries);
}
