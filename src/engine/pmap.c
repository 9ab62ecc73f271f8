/*
 * (key, sub) -> value, open addressing with linear probing and backward
 * shift deletion (no tombstones, so lookups stay short however many pages
 * come and go).  Used for page_address() (pfn -> pkmap entry) and for the
 * kmap() holds ((pfn, task) -> most recent hold).
 */
#include "config.h"

#include <stdlib.h>

#include "internal.h"

int grow(void *p, size_t *cap, size_t need, size_t sz)
{
	void **pp = p;
	size_t n = *cap ? *cap : 8;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / sz)
			return -1;
		n *= 2;
	}
	q = realloc(*pp, n * sz);
	if (!q)
		return -1;
	*pp = q;
	*cap = n;
	return 0;
}

static inline uint64_t mix(uint64_t key, uint32_t sub)
{
	uint64_t k = key ^ ((uint64_t)sub * 0x9E3779B97F4A7C15ull);

	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static int alloc_slots(struct pmap *m, uint32_t cap)
{
	uint32_t i;

	m->slot = malloc((size_t)cap * sizeof(*m->slot));
	if (!m->slot)
		return -1;
	for (i = 0; i < cap; i++)
		m->slot[i].val = NIL;
	m->mask = cap - 1;
	m->n = 0;
	return 0;
}

int pmap_init(struct pmap *m, uint32_t min_cap)
{
	uint32_t cap = 16;

	while (cap < min_cap && cap < (1u << 31))
		cap *= 2;
	return alloc_slots(m, cap);
}

void pmap_free(struct pmap *m)
{
	free(m->slot);
	m->slot = NULL;
}

uint32_t pmap_get(const struct pmap *m, uint64_t key, uint32_t sub)
{
	uint32_t i = (uint32_t)mix(key, sub) & m->mask;

	for (;;) {
		const struct pmap_slot *s = &m->slot[i];

		if (s->val == NIL)
			return NIL;
		if (s->key == key && s->sub == sub)
			return s->val;
		i = (i + 1) & m->mask;
	}
}

static void place(struct pmap *m, uint64_t key, uint32_t sub, uint32_t val)
{
	uint32_t i = (uint32_t)mix(key, sub) & m->mask;

	while (m->slot[i].val != NIL) {
		if (m->slot[i].key == key && m->slot[i].sub == sub) {
			m->slot[i].val = val;
			return;
		}
		i = (i + 1) & m->mask;
	}
	m->slot[i].key = key;
	m->slot[i].sub = sub;
	m->slot[i].val = val;
	m->n++;
}

/* Keep the load at most one half: probes stay short. */
static int rehash(struct pmap *m)
{
	struct pmap old = *m;
	uint32_t i;

	if (old.mask >= (1u << 30) || alloc_slots(m, (old.mask + 1) * 2) < 0) {
		*m = old;
		return -1;
	}
	for (i = 0; i <= old.mask; i++)
		if (old.slot[i].val != NIL)
			place(m, old.slot[i].key, old.slot[i].sub, old.slot[i].val);
	free(old.slot);
	return 0;
}

int pmap_put(struct pmap *m, uint64_t key, uint32_t sub, uint32_t val)
{
	if ((m->n + 1) * 2 > m->mask + 1 && rehash(m) < 0)
		return -1;
	place(m, key, sub, val);
	return 0;
}

void pmap_del(struct pmap *m, uint64_t key, uint32_t sub)
{
	uint32_t i = (uint32_t)mix(key, sub) & m->mask, j;

	for (;;) {
		if (m->slot[i].val == NIL)
			return;
		if (m->slot[i].key == key && m->slot[i].sub == sub)
			break;
		i = (i + 1) & m->mask;
	}
	m->n--;
	/* shift later members of the cluster back over the hole */
	for (j = i;;) {
		uint32_t home;

		j = (j + 1) & m->mask;
		if (m->slot[j].val == NIL)
			break;
		home = (uint32_t)mix(m->slot[j].key, m->slot[j].sub) & m->mask;
		/* j may move to i only if its home is not in (i, j] cyclically */
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slot[i] = m->slot[j];
			i = j;
		}
	}
	m->slot[i].val = NIL;
}
