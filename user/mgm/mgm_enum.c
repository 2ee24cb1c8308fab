// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_enum.c - group enumeration (MgmGroupEnumerationStart/GetNext/End).
 *
 * Start takes a snapshot of every protocol's memberships, so GetNext is
 * stable while memberships change underneath, and needs no lock-held
 * cursor into live data.  The records come out sorted by (group, source)
 * although MGM promises no order: it makes output reproducible.
 */
#include <stdlib.h>
#include <string.h>

#include "mgm_int.h"

void genum_free(struct mgm *m, struct genum *ge)
{
	dlist_del(&ge->plink);
	slot_free(&m->etab, ge->slot);
	free(ge->v);
	free(ge);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct mgm_source_group_x *x = a, *y = b;

	return sg_cmp(&x->source, &x->group, &y->source, &y->group);
}

/*
 * ANY_SOURCE: one (*,G) record per group with any member, (S,G) or (*,G);
 * a (*,*) member gives the all-zero record of its family.  ALL_SOURCES:
 * every distinct membership key.  Sorted: IPv4 first.
 */
static int snapshot(struct mgm *m, enum mgm_enum_type type, struct genum *ge)
{
	struct mgm_source_group_x *v = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i <= m->grps.mask; i++) {
		struct hnode *h;

		for (h = m->grps.b[i]; h; h = h->next) {
			const struct grp *g = container_of(h, struct grp, hn);

			if (vec_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
				free(v);
				return -1;
			}
			v[n].group = g->group;
			v[n].source = type == MGM_ANY_SOURCE ?
					      addr_any(&g->group) :
					      g->source;
			n++;
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), rec_cmp);
	/* ANY_SOURCE folds (S1,G), (S2,G) and (*,G) into one record. */
	for (i = k = 0; i < n; i++)
		if (!k || rec_cmp(&v[k - 1], &v[i]))
			v[k++] = v[i];
	ge->v = v;
	ge->n = k;
	for (ge->n4 = 0; ge->n4 < k && v[ge->n4].group.family == MGM_AF_INET;)
		ge->n4++;
	return 0;
}

uint32_t mgm_group_enumeration_start(struct mgm *m, mgm_handle_t protocol,
				     enum mgm_enum_type type,
				     mgm_handle_t *enum_handle)
{
	struct cbq q = { 0 };
	struct genum *ge = NULL;
	struct proto *p;
	uint32_t ret = MGM_NO_ERROR;

	if (!m || !enum_handle ||
	    (type != MGM_ANY_SOURCE && type != MGM_ALL_SOURCES))
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	p = proto_get(m, protocol);
	if (!p) {
		ret = MGM_ERROR_INVALID_PARAMETER;
		goto out;
	}
	ge = calloc(1, sizeof(*ge));
	if (!ge || snapshot(m, type, ge)) {
		free(ge);
		ret = MGM_ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (slot_alloc(&m->etab, ge, &ge->slot)) {
		free(ge->v);
		free(ge);
		ret = MGM_ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	/* Freed with the protocol: its handle dies at deregistration. */
	ge->p = p;
	dlist_add_tail(&p->enums, &ge->plink);
	*enum_handle = handle_make(m, HT_ENUM, &m->etab, ge->slot);
out:
	mgm_unlock(m);
	return ret;
}

/* Copies records [pos, lim) of the snapshot: v4 as MGM's records. */
static uint32_t enum_next(struct mgm *m, mgm_handle_t enum_handle,
			  uint32_t *buffer_size, uint8_t *buffer,
			  uint32_t *num_entries, bool x)
{
	const uint32_t rec = x ? sizeof(struct mgm_source_group_x) :
				 sizeof(struct mgm_source_group);
	struct cbq q = { 0 };
	struct genum *ge;
	uint32_t ret;
	size_t k, i, lim;

	if (!m || !buffer_size || !num_entries || (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	ge = handle_get(m, HT_ENUM, &m->etab, enum_handle);
	if (!ge) {
		ret = MGM_ERROR_INVALID_PARAMETER;
		goto out;
	}
	*num_entries = 0;
	lim = x ? ge->n : ge->n4;
	if (ge->pos >= lim) {
		ret = MGM_ERROR_NO_MORE_ITEMS;
		goto out;
	}
	k = *buffer_size / rec;
	if (!k) {
		*buffer_size = rec;
		ret = MGM_ERROR_INSUFFICIENT_BUFFER;
		goto out;
	}
	if (k > lim - ge->pos)
		k = lim - ge->pos;
	for (i = 0; i < k; i++) {
		const struct mgm_source_group_x *r = &ge->v[ge->pos + i];

		if (x) {
			memcpy(buffer + i * rec, r, rec);
		} else {
			struct mgm_source_group o = {
				.source = r->source.v4,
				.source_mask = r->source.v4 ? MASK_ALL : 0,
				.group = r->group.v4,
				.group_mask = r->group.v4 ? MASK_ALL : 0,
			};

			memcpy(buffer + i * rec, &o, rec);
		}
	}
	ge->pos += k;
	*num_entries = (uint32_t)k;
	ret = ge->pos == lim ? MGM_ERROR_NO_MORE_ITEMS : MGM_ERROR_MORE_DATA;
out:
	mgm_unlock(m);
	return ret;
}

uint32_t mgm_group_enumeration_get_next(struct mgm *m, mgm_handle_t enum_handle,
					uint32_t *buffer_size, uint8_t *buffer,
					uint32_t *num_entries)
{
	return enum_next(m, enum_handle, buffer_size, buffer, num_entries,
			 false);
}

uint32_t mgm_group_enumeration_get_next_x(struct mgm *m,
					  mgm_handle_t enum_handle,
					  uint32_t *buffer_size,
					  uint8_t *buffer,
					  uint32_t *num_entries)
{
	return enum_next(m, enum_handle, buffer_size, buffer, num_entries,
			 true);
}

uint32_t mgm_group_enumeration_end(struct mgm *m, mgm_handle_t enum_handle)
{
	struct cbq q = { 0 };
	struct genum *ge;
	uint32_t ret = MGM_NO_ERROR;

	if (!m)
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	ge = handle_get(m, HT_ENUM, &m->etab, enum_handle);
	if (ge)
		genum_free(m, ge);
	else
		ret = MGM_ERROR_INVALID_PARAMETER;
	mgm_unlock(m);
	return ret;
}
