// SPDX-License-Identifier: GPL-2.0
/*
 * mgm_util.c - error names and the small containers the core is built on:
 * a chained hash table, a pointer set and an AVL tree.  glibc's tsearch()
 * has no "next after this key", which MgmGetNextMfe needs for a key that
 * may no longer exist, hence the tree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "mgm_int.h"

const char *mgm_strerror(uint32_t err)
{
	static __thread char buf[32];

	switch (err) {
	case MGM_NO_ERROR:
		return "NO_ERROR";
	case MGM_ERROR_NOT_ENOUGH_MEMORY:
		return "ERROR_NOT_ENOUGH_MEMORY";
	case MGM_ERROR_INVALID_PARAMETER:
		return "ERROR_INVALID_PARAMETER";
	case MGM_ERROR_INSUFFICIENT_BUFFER:
		return "ERROR_INSUFFICIENT_BUFFER";
	case MGM_ERROR_ALREADY_EXISTS:
		return "ERROR_ALREADY_EXISTS";
	case MGM_ERROR_MORE_DATA:
		return "ERROR_MORE_DATA";
	case MGM_ERROR_NO_MORE_ITEMS:
		return "ERROR_NO_MORE_ITEMS";
	case MGM_ERROR_CAN_NOT_COMPLETE:
		return "ERROR_CAN_NOT_COMPLETE";
	case MGM_ERROR_NOT_FOUND:
		return "ERROR_NOT_FOUND";
	}
	/* Thread-local so that concurrent callers never share a buffer. */
	snprintf(buf, sizeof(buf), "ERROR_%u", err);
	return buf;
}

uint32_t mgm_hash(uint64_t a, uint64_t b)
{
	/* splitmix64 finaliser over both words: cheap and well mixed. */
	uint64_t x = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL);

	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return (uint32_t)x;
}

bool addr_valid(const struct mgm_addr *a)
{
	if (a->reserved)
		return false;
	if (a->family == MGM_AF_INET)
		return !(a->w[1] | a->w[2] | a->w[3]);
	return a->family == MGM_AF_INET6;
}

int sg_cmp(const struct mgm_addr *s1, const struct mgm_addr *g1,
	   const struct mgm_addr *s2, const struct mgm_addr *g2)
{
	int c;

	if (g1->family != g2->family)
		return g1->family == MGM_AF_INET ? -1 : 1;
	c = memcmp(g1->v6, g2->v6, 16);
	if (!c)
		c = memcmp(s1->v6, s2->v6, 16);
	return c;
}

uint32_t sg_hash(const struct mgm_addr *s, const struct mgm_addr *g)
{
	/* IPv4 keys hash as before: the upper words are zero. */
	uint64_t a = ((uint64_t)s->w[0] << 32) | g->w[0];
	uint64_t b = ((uint64_t)(s->w[1] ^ g->w[3]) << 32) ^
		     ((uint64_t)s->w[2] << 21) ^ ((uint64_t)g->w[1] << 11) ^
		     ((uint64_t)s->w[3] << 7) ^ g->w[2] ^ g->family;

	return mgm_hash(a, b);
}

const char *mgm_addr_ntop(const struct mgm_addr *a, char *buf, size_t len)
{
	if (!a || !buf || !len)
		return "?";
	if (!inet_ntop(a->family == MGM_AF_INET ? AF_INET : AF_INET6, a->v6,
		       buf, (socklen_t)len) ||
	    (a->family != MGM_AF_INET && a->family != MGM_AF_INET6))
		return "?";
	return buf;
}

uint32_t plen_of_mask(uint32_t mask)
{
	uint32_t h = ntohl(mask), n = 0;

	while (n < 32 && (h & (0x80000000U >> n)))
		n++;
	return n;
}

uint32_t mask_of_plen(uint32_t plen)
{
	return plen >= 32 ? MASK_ALL :
	       plen	  ? htonl(~((1U << (32 - plen)) - 1)) :
			    0;
}

int vec_reserve(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t nc;
	void *nv;

	if (need <= *cap)
		return 0;
	nc = *cap ? *cap : 8;
	while (nc < need)
		nc *= 2;
	nv = realloc(*v, nc * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Chained hash table                                                  */

#define HTAB_MIN 16

int htab_init(struct htab *t, uint32_t (*hash)(const struct hnode *))
{
	t->b = calloc(HTAB_MIN, sizeof(*t->b));
	if (!t->b)
		return -ENOMEM;
	t->mask = HTAB_MIN - 1;
	t->n = 0;
	t->hash = hash;
	return 0;
}

void htab_fini(struct htab *t)
{
	free(t->b);
	t->b = NULL;
	t->n = 0;
}

static void htab_resize(struct htab *t, size_t nsize)
{
	struct hnode **nb = calloc(nsize, sizeof(*nb));
	size_t i;

	/* Failing to grow only makes chains longer; never fatal. */
	if (!nb)
		return;
	for (i = 0; i <= t->mask; i++) {
		struct hnode *n = t->b[i], *next;

		for (; n; n = next) {
			size_t j = t->hash(n) & (nsize - 1);

			next = n->next;
			n->next = nb[j];
			nb[j] = n;
		}
	}
	free(t->b);
	t->b = nb;
	t->mask = nsize - 1;
}

void htab_insert(struct htab *t, struct hnode *n)
{
	size_t i;

	if (t->n + 1 > t->mask + 1)
		htab_resize(t, (t->mask + 1) * 2);
	i = t->hash(n) & t->mask;
	n->next = t->b[i];
	t->b[i] = n;
	t->n++;
}

void htab_remove(struct htab *t, struct hnode *n)
{
	struct hnode **pp = &t->b[t->hash(n) & t->mask];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->n--;
			break;
		}
	}
	/* Shrink after mass deletions (a release of 100k MFEs, expiry). */
	if (t->mask + 1 > HTAB_MIN && t->n < (t->mask + 1) / 8)
		htab_resize(t, (t->mask + 1) / 2);
}

/* ------------------------------------------------------------------ */
/* Pointer set                                                         */

static uint32_t id_hash(uint32_t id)
{
	return mgm_hash(id, 0);
}

static int idset_resize(struct idset *s, uint32_t ncap)
{
	uint32_t *nv = calloc(ncap, sizeof(*nv));
	uint32_t i;

	if (!nv)
		return -ENOMEM;
	for (i = 0; i < s->cap; i++) {
		uint32_t j;

		if (!s->v[i])
			continue;
		j = id_hash(s->v[i]) & (ncap - 1);
		while (nv[j])
			j = (j + 1) & (ncap - 1);
		nv[j] = s->v[i];
	}
	free(s->v);
	s->v = nv;
	s->cap = ncap;
	return 0;
}

bool idset_has(const struct idset *s, uint32_t id)
{
	uint32_t j;

	if (!s->cap)
		return false;
	for (j = id_hash(id) & (s->cap - 1); s->v[j];
	     j = (j + 1) & (s->cap - 1))
		if (s->v[j] == id)
			return true;
	return false;
}

int idset_add(struct idset *s, uint32_t id)
{
	uint32_t j;

	/* Keep the load under 3/4 so probe sequences stay short. */
	if ((s->n + 1) * 4 > s->cap * 3) {
		int err = idset_resize(s, s->cap ? s->cap * 2 : 8);

		if (err)
			return err;
	}
	for (j = id_hash(id) & (s->cap - 1); s->v[j];
	     j = (j + 1) & (s->cap - 1))
		if (s->v[j] == id)
			return 0;
	s->v[j] = id;
	s->n++;
	return 0;
}

void idset_del(struct idset *s, uint32_t id)
{
	uint32_t mask = s->cap - 1, i, j;

	if (!s->cap)
		return;
	for (i = id_hash(id) & mask; s->v[i]; i = (i + 1) & mask)
		if (s->v[i] == id)
			break;
	if (!s->v[i])
		return;
	/* Backward-shift deletion: no tombstones, lookups stay exact. */
	s->v[i] = 0;
	s->n--;
	for (j = (i + 1) & mask; s->v[j]; j = (j + 1) & mask) {
		uint32_t k = id_hash(s->v[j]) & mask;

		/* Move v[j] into the hole unless its home lies in (i, j]. */
		if ((j > i && (k <= i || k > j)) ||
		    (j < i && k <= i && k > j)) {
			s->v[i] = s->v[j];
			s->v[j] = 0;
			i = j;
		}
	}
	if (s->n == 0) {
		idset_fini(s);
	} else if (s->cap > 8 && s->n * 8 < s->cap) {
		/* Failure to shrink is harmless. */
		(void)idset_resize(s, s->cap / 2);
	}
}

void idset_fini(struct idset *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = 0;
	s->n = 0;
}

uint32_t *idset_snapshot(const struct idset *s, uint32_t *n)
{
	uint32_t *v;
	uint32_t i, k = 0;

	*n = 0;
	if (!s->n)
		return NULL;
	v = malloc(s->n * sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < s->cap; i++)
		if (s->v[i])
			v[k++] = s->v[i];
	*n = k;
	return v;
}

/* ------------------------------------------------------------------ */
/* AVL tree                                                            */

/* Nodes are named by ids (0: none), which t->at() and t->id() map. */
static struct avl_node *avl_at(const struct avl_tree *t, uint32_t id)
{
	return id ? t->at(t, id) : NULL;
}

static uint32_t avl_id(const struct avl_tree *t, const struct avl_node *n)
{
	return n ? t->id(n) : 0;
}

static int avl_h(const struct avl_tree *t, uint32_t id)
{
	return id ? (int)avl_at(t, id)->h : 0;
}

static void avl_fix_h(const struct avl_tree *t, struct avl_node *n)
{
	int hl = avl_h(t, n->l), hr = avl_h(t, n->r);

	n->h = (uint32_t)(hl > hr ? hl : hr) + 1;
}

static void avl_replace_child(struct avl_tree *t, struct avl_node *parent,
			      struct avl_node *old, struct avl_node *new)
{
	uint32_t nid = avl_id(t, new);

	if (!parent)
		t->root = nid;
	else if (parent->l == avl_id(t, old))
		parent->l = nid;
	else
		parent->r = nid;
	if (new)
		new->p = avl_id(t, parent);
}

/* Rotate left (x's right child rises) or right (its left child does). */
static struct avl_node *avl_rot(struct avl_tree *t, struct avl_node *x,
				bool left)
{
	uint32_t *xc = left ? &x->r : &x->l;
	struct avl_node *y = avl_at(t, *xc);
	uint32_t *yc = left ? &y->l : &y->r; /* y's inner child */

	*xc = *yc;
	if (*yc)
		avl_at(t, *yc)->p = avl_id(t, x);
	avl_replace_child(t, avl_at(t, x->p), x, y);
	*yc = avl_id(t, x);
	x->p = avl_id(t, y);
	avl_fix_h(t, x);
	avl_fix_h(t, y);
	return y;
}

/* Walk from n to the root restoring heights and balance. */
static void avl_rebalance(struct avl_tree *t, struct avl_node *n)
{
	while (n) {
		int bal = avl_h(t, n->l) - avl_h(t, n->r);

		if (bal > 1) {
			struct avl_node *l = avl_at(t, n->l);

			if (avl_h(t, l->l) < avl_h(t, l->r))
				avl_rot(t, l, true);
			n = avl_rot(t, n, false);
		} else if (bal < -1) {
			struct avl_node *r = avl_at(t, n->r);

			if (avl_h(t, r->r) < avl_h(t, r->l))
				avl_rot(t, r, false);
			n = avl_rot(t, n, true);
		} else {
			avl_fix_h(t, n);
		}
		n = avl_at(t, n->p);
	}
}

void avl_insert(struct avl_tree *t, struct avl_node *n, const void *key)
{
	uint32_t *pp = &t->root;
	struct avl_node *parent = NULL;

	while (*pp) {
		parent = avl_at(t, *pp);
		pp = t->cmp(parent, key) > 0 ? &parent->l : &parent->r;
	}
	n->l = n->r = 0;
	n->p = avl_id(t, parent);
	n->h = 1;
	*pp = avl_id(t, n);
	avl_rebalance(t, parent);
}

void avl_remove(struct avl_tree *t, struct avl_node *n)
{
	struct avl_node *fix;

	if (n->l && n->r) {
		/* Swap in the successor: the leftmost node of the right tree. */
		struct avl_node *s = avl_at(t, n->r);

		while (s->l)
			s = avl_at(t, s->l);
		if (s->p == avl_id(t, n)) {
			fix = s;
		} else {
			fix = avl_at(t, s->p);
			fix->l = s->r;
			if (s->r)
				avl_at(t, s->r)->p = avl_id(t, fix);
			s->r = n->r;
			avl_at(t, n->r)->p = avl_id(t, s);
		}
		s->l = n->l;
		avl_at(t, n->l)->p = avl_id(t, s);
		avl_replace_child(t, avl_at(t, n->p), n, s);
		s->h = n->h;
	} else {
		struct avl_node *c = avl_at(t, n->l ? n->l : n->r);

		fix = avl_at(t, n->p);
		avl_replace_child(t, fix, n, c);
	}
	n->l = n->r = n->p = 0;
	avl_rebalance(t, fix);
}

struct avl_node *avl_first(const struct avl_tree *t)
{
	struct avl_node *n = avl_at(t, t->root);

	if (!n)
		return NULL;
	while (n->l)
		n = avl_at(t, n->l);
	return n;
}

struct avl_node *avl_next(const struct avl_tree *t, const struct avl_node *n)
{
	struct avl_node *c;

	if (n->r) {
		c = avl_at(t, n->r);
		while (c->l)
			c = avl_at(t, c->l);
		return c;
	}
	/* Up while n is a right child; its parent then follows. */
	while (n->p) {
		c = avl_at(t, n->p);
		if (c->r != avl_id(t, n))
			return c;
		n = c;
	}
	return NULL;
}

static struct avl_node *avl_bound(const struct avl_tree *t, const void *k,
				  bool strict)
{
	struct avl_node *n = avl_at(t, t->root), *best = NULL;

	while (n) {
		int c = t->cmp(n, k);

		if (c > 0 || (!strict && !c)) {
			best = n;
			n = avl_at(t, n->l);
		} else {
			n = avl_at(t, n->r);
		}
	}
	return best;
}

struct avl_node *avl_upper_bound(const struct avl_tree *t, const void *k)
{
	return avl_bound(t, k, true);
}

struct avl_node *avl_lower_bound(const struct avl_tree *t, const void *k)
{
	return avl_bound(t, k, false);
}
