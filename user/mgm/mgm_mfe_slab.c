// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_mfe_slab.c - where MFEs live (struct mfe_slab, mgm_int.h): blocks
 * of MFE_BLK_BYTES aligned to their size, a free list per block, blocks
 * with a free slot on slab.partial, a block freed with its last MFE (one
 * emptied block is kept as slab.spare, for the next block needed).
 * Blocks are mapped directly (aligned_alloc() would touch a page of
 * header before each one): pages are touched only as slots are used.
 * Under ASan they come from aligned_alloc(), which it tracks (and the
 * unit tests count), and free slots are poisoned, as free() would.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mgm_int.h"

#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/asan_interface.h>
#define slot_poison(e)                                           \
	ASAN_POISON_MEMORY_REGION((char *)(e) + sizeof((e)->hn), \
				  sizeof(*(e)) - sizeof((e)->hn))
#define slot_unpoison(e) ASAN_UNPOISON_MEMORY_REGION((e), sizeof(*(e)))
#define blk_unpoison(b) ASAN_UNPOISON_MEMORY_REGION((b), MFE_BLK_BYTES)
#else
#define slot_poison(e) ((void)(e))
#define slot_unpoison(e) ((void)(e))
#define blk_unpoison(b) ((void)(b))
#endif

_Static_assert(MFE_PER_BLK >= 64, "MFE blocks too small");
_Static_assert((MFE_BLK_BYTES & (MFE_BLK_BYTES - 1)) == 0,
	       "MFE_BLK_BYTES must be a power of two");

#ifdef __SANITIZE_ADDRESS__
static void *blk_map(void)
{
	return aligned_alloc(MFE_BLK_BYTES, MFE_BLK_BYTES);
}

static void blk_unmap(struct mfe_blk *b)
{
	blk_unpoison(b);
	free(b);
}
#else
static void *blk_map(void)
{
	const size_t sz = MFE_BLK_BYTES;
	char *p = mmap(NULL, 2 * sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + sz - 1) & ~(uintptr_t)(sz - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	if (p + sz > a)
		munmap(a + sz, (size_t)(p + sz - a));
	return a;
}

static void blk_unmap(struct mfe_blk *b)
{
	munmap(b, MFE_BLK_BYTES);
}
#endif

static struct mfe_blk *blk_new(struct mgm *m)
{
	struct mfe_slab *sl = &m->slab;
	struct mfe_blk *b;
	size_t i;

	for (i = 0; i < sl->n && sl->b[i]; i++)
		;
	if (i == sl->n &&
	    (i >= UINT32_MAX / MFE_PER_BLK ||
	     vec_reserve((void **)&sl->b, &sl->cap, i + 1, sizeof(*sl->b))))
		return NULL;
	b = sl->spare;
	sl->spare = NULL;
	if (!b && !(b = blk_map()))
		return NULL;
	memset(b, 0, offsetof(struct mfe_blk, e));
	b->index = (uint32_t)i;
	sl->b[i] = b;
	if (i == sl->n)
		sl->n++;
	dlist_add_tail(&sl->partial, &b->link);
	return b;
}

struct mfe *mfe_alloc(struct mgm *m)
{
	struct mfe_slab *sl = &m->slab;
	struct mfe_blk *b;
	struct mfe *e;

	if (!dlist_empty(&sl->partial))
		b = container_of(sl->partial.next, struct mfe_blk, link);
	else if (!(b = blk_new(m)))
		return NULL;
	if (b->free) {
		e = container_of(b->free, struct mfe, hn);
		b->free = e->hn.next;
	} else {
		e = &b->e[b->fresh++];
	}
	if (++b->used == MFE_PER_BLK)
		dlist_del(&b->link);
	slot_unpoison(e);
	memset(e, 0, sizeof(*e));
	return e;
}

void mfe_slot_put(struct mgm *m, struct mfe *e)
{
	struct mfe_slab *sl = &m->slab;
	struct mfe_blk *b = mfe_blk_of(e);

	if (b->used-- == MFE_PER_BLK)
		dlist_add_tail(&sl->partial, &b->link);
	if (!b->used) {
		dlist_del(&b->link);
		sl->b[b->index] = NULL;
		while (sl->n && !sl->b[sl->n - 1])
			sl->n--;
		if (sl->spare) {
			blk_unmap(b);
		} else {
			/* Its slots read as never used: poisoned, as freed. */
			slot_poison(e);
			sl->spare = b;
		}
		return;
	}
	e->hn.next = b->free;
	b->free = &e->hn;
	slot_poison(e);
}

void mfe_slab_fini(struct mgm *m)
{
	size_t i;

	for (i = 0; i < m->slab.n; i++)
		if (m->slab.b[i])
			blk_unmap(m->slab.b[i]);
	if (m->slab.spare)
		blk_unmap(m->slab.spare);
	free(m->slab.b);
	memset(&m->slab, 0, sizeof(m->slab));
}
