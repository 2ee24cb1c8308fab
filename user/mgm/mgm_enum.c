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
#include <arpa/inet.h>

#include "mgm_int.h"

void genum_free(struct mgm *m, struct genum *ge)
{
	dlist_del(&ge->plink);
	slot_free(&m->etab, ge->slot);
	free(ge->v);
	free(ge);
}

static int sg_cmp(const void *a, const void *b)
{
	const struct mgm_source_group *x = a, *y = b;

	if (x->group != y->group)
		return ntohl(x->group) < ntohl(y->group) ? -1 : 1;
	if (x->source != y->source)
		return ntohl(x->source) < ntohl(y->source) ? -1 : 1;
	return 0;
}

/*
 * ANY_SOURCE: one (*,G) record per group with any member, (S,G) or (*,G);
 * a (*,*) member gives the all-zero record.  ALL_SOURCES: every distinct
 * membership key, with its masks.
 */
static int snapshot(struct mgm *m, enum mgm_enum_type type,
		    struct mgm_source_group **out, size_t *nout)
{
	struct mgm_source_group *v = NULL;
	size_t n = 0, cap = 0, i, k;

	for (i = 0; i <= m->grps.mask; i++) {
		struct hnode *h;

		for (h = m->grps.b[i]; h; h = h->next) {
			const struct grp *g = container_of(h, struct grp, hn);

			if (vec_reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
				free(v);
				return -1;
			}
			if (type == MGM_ANY_SOURCE)
				v[n++] = (struct mgm_source_group){
					0, 0, g->group, g->group ? MASK_ALL : 0
				};
			else
				v[n++] = (struct mgm_source_group){
					g->source, g->source ? MASK_ALL : 0,
					g->group, g->group ? MASK_ALL : 0
				};
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), sg_cmp);
	/* ANY_SOURCE folds (S1,G), (S2,G) and (*,G) into one record. */
	for (i = k = 0; i < n; i++)
		if (!k || sg_cmp(&v[k - 1], &v[i]))
			v[k++] = v[i];
	*out = v;
	*nout = k;
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
	if (!ge || snapshot(m, type, &ge->v, &ge->n)) {
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

uint32_t mgm_group_enumeration_get_next(struct mgm *m, mgm_handle_t enum_handle,
					uint32_t *buffer_size, uint8_t *buffer,
					uint32_t *num_entries)
{
	const uint32_t rec = sizeof(struct mgm_source_group);
	struct cbq q = { 0 };
	struct genum *ge;
	uint32_t ret;
	size_t k;

	if (!m || !buffer_size || !num_entries || (!buffer && *buffer_size))
		return MGM_ERROR_INVALID_PARAMETER;
	mgm_lock(m, &q);
	ge = handle_get(m, HT_ENUM, &m->etab, enum_handle);
	if (!ge) {
		ret = MGM_ERROR_INVALID_PARAMETER;
		goto out;
	}
	*num_entries = 0;
	if (ge->pos == ge->n) {
		ret = MGM_ERROR_NO_MORE_ITEMS;
		goto out;
	}
	k = *buffer_size / rec;
	if (!k) {
		*buffer_size = rec;
		ret = MGM_ERROR_INSUFFICIENT_BUFFER;
		goto out;
	}
	if (k > ge->n - ge->pos)
		k = ge->n - ge->pos;
	memcpy(buffer, &ge->v[ge->pos], k * rec);
	ge->pos += k;
	*num_entries = (uint32_t)k;
	ret = ge->pos == ge->n ? MGM_ERROR_NO_MORE_ITEMS : MGM_ERROR_MORE_DATA;
out:
	mgm_unlock(m);
	return ret;
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
