/*
 * Default cycle costs, order-of-magnitude figures for a 2-3 GHz x86 of the
 * PAE era; hmplan-stress(1) says where each comes from.  A machine profile's
 * costs: map overrides them.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "costmodel.h"

static const struct {
	const char *name;
	uint64_t cycles;
} keys[COST_NKEYS] = {
	[COST_PTE_WRITE] = { "pte_write", 10 },		/* a store (two with PAE) */
	[COST_PTE_CLEAR] = { "pte_clear", 10 },
	[COST_INVLPG] = { "invlpg", 150 },		/* INVLPG: ~100-250 cycles */
	[COST_TLB_FLUSH] = { "tlb_flush", 2000 },	/* full flush incl. global pages, and refill */
	[COST_IPI] = { "ipi", 3000 },			/* per other CPU: send, handler, wait */
	[COST_PKMAP_PROBE] = { "pkmap_probe", 2 },	/* one pkmap_count[] entry examined */
	[COST_CONTEXT_SWITCH] = { "context_switch", 4000 },	/* ~1.5 us */
	[COST_PAGE_COPY] = { "page_copy", 1000 },	/* 4 KiB memcpy, cache-cold */
	[COST_BOUNCE_COPY] = { "bounce_copy", 1200 },	/* a copy plus swiotlb bookkeeping */
	[COST_VMAP_ALLOC] = { "vmap_alloc", 1000 },	/* vmap_area search and insert */
	[COST_SPINLOCK] = { "spinlock", 40 },		/* uncontended kmap_lock pair */
};

static const char *categories[CAT_N] = {
	"pte", "invlpg", "tlb_flush", "ipi", "pkmap_scan", "lock", "vmap", "sched", "copy",
};

const char *cost_key_name(enum cost_key k)
{
	return keys[k].name;
}

int cost_key_find(const char *name)
{
	int i;

	for (i = 0; i < COST_NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

const char *cost_category_name(enum cost_category c)
{
	return categories[c];
}

int cost_category_is_mapping(enum cost_category c)
{
	return c != CAT_SCHED && c != CAT_COPY;
}

void cost_model_default(struct cost_model *m)
{
	int i;

	for (i = 0; i < COST_NKEYS; i++)
		m->cycles[i] = keys[i].cycles;
}

#define FIELD(f) (offsetof(struct engine_prims, f) / sizeof(uint64_t))

/* Each primitive's cycles, and the category they go to (-1: free). */
static void weigh(const struct cost_model *m, const struct engine_params *ep, uint64_t w[],
		  int cat[])
{
	const uint64_t *c = m->cycles;
	uint64_t flush = c[COST_TLB_FLUSH] + (uint64_t)(ep->cpus - 1) * c[COST_IPI];
	size_t n = sizeof(struct engine_prims) / sizeof(uint64_t), i;

	for (i = 0; i < n; i++) {
		w[i] = 0;
		cat[i] = -1;
	}
	w[FIELD(pte_writes)] = c[COST_PTE_WRITE], cat[FIELD(pte_writes)] = CAT_PTE;
	w[FIELD(pte_clears)] = c[COST_PTE_CLEAR], cat[FIELD(pte_clears)] = CAT_PTE;
	w[FIELD(invlpg)] = c[COST_INVLPG], cat[FIELD(invlpg)] = CAT_INVLPG;
	w[FIELD(tlb_flush_pkmap)] = flush, cat[FIELD(tlb_flush_pkmap)] = CAT_TLB_FLUSH;
	w[FIELD(tlb_flush_vmap)] = flush, cat[FIELD(tlb_flush_vmap)] = CAT_TLB_FLUSH;
	w[FIELD(pkmap_probes)] = c[COST_PKMAP_PROBE], cat[FIELD(pkmap_probes)] = CAT_PKMAP_SCAN;
	w[FIELD(pkmap_flush_walks)] = (uint64_t)ep->last_pkmap * c[COST_PKMAP_PROBE];
	cat[FIELD(pkmap_flush_walks)] = CAT_PKMAP_SCAN;
	w[FIELD(pkmap_lookups)] = c[COST_SPINLOCK], cat[FIELD(pkmap_lookups)] = CAT_LOCK;
	w[FIELD(sched_outs)] = c[COST_CONTEXT_SWITCH], cat[FIELD(sched_outs)] = CAT_SCHED;
	w[FIELD(vmap_searches)] = c[COST_VMAP_ALLOC], cat[FIELD(vmap_searches)] = CAT_VMAP;
}

void cost_prices(const struct cost_model *m, const struct engine_params *p,
		 struct engine_prims *out)
{
	int cat[sizeof(*out) / sizeof(uint64_t)];

	weigh(m, p, (uint64_t *)out, cat);
}

void cost_split(const struct cost_model *m, const struct engine_params *ep,
		const struct engine_prims *p, uint64_t copies, uint64_t bounces, uint64_t out[CAT_N])
{
	size_t n = sizeof(struct engine_prims) / sizeof(uint64_t), i;
	const uint64_t *x = (const uint64_t *)p;
	uint64_t w[sizeof(struct engine_prims) / sizeof(uint64_t)];
	int cat[sizeof(struct engine_prims) / sizeof(uint64_t)];

	weigh(m, ep, w, cat);
	memset(out, 0, CAT_N * sizeof(out[0]));
	for (i = 0; i < n; i++)
		if (cat[i] >= 0)
			out[cat[i]] += w[i] * x[i];
	/* the IPI share of global flushes is its own category */
	out[CAT_IPI] = (p->tlb_flush_pkmap + p->tlb_flush_vmap) * (uint64_t)(ep->cpus - 1)
		* m->cycles[COST_IPI];
	out[CAT_TLB_FLUSH] -= out[CAT_IPI];
	out[CAT_COPY] = copies * m->cycles[COST_PAGE_COPY] + bounces * m->cycles[COST_BOUNCE_COPY];
}
