/*
 * The stress cost model: cycles per primitive the engine counts.  Cost is
 * linear in the primitive counts, so the cycles of one operation are a dot
 * product of its primitives, and the totals by category are the same dot
 * product split by category.
 */
#ifndef HMPLAN_COSTMODEL_H
#define HMPLAN_COSTMODEL_H

#include <stdint.h>

#include "engine.h"

/* The primitives a machine profile can price (keys of its costs: map). */
enum cost_key {
	COST_PTE_WRITE, COST_PTE_CLEAR, COST_INVLPG, COST_TLB_FLUSH, COST_IPI,
	COST_PKMAP_PROBE, COST_CONTEXT_SWITCH, COST_PAGE_COPY, COST_BOUNCE_COPY,
	COST_VMAP_ALLOC, COST_SPINLOCK, COST_NKEYS
};

/* Where the cycles go, in the report. */
enum cost_category {
	CAT_PTE, CAT_INVLPG, CAT_TLB_FLUSH, CAT_IPI, CAT_PKMAP_SCAN, CAT_LOCK, CAT_VMAP,
	CAT_SCHED, CAT_COPY, CAT_N
};

struct cost_model {
	uint64_t cycles[COST_NKEYS];
};

const char *cost_key_name(enum cost_key k);		/* "pte_write" */
int cost_key_find(const char *name);			/* or -1 */
const char *cost_category_name(enum cost_category c);	/* "pte" */
/* Does this category count as mapping overhead (not copies, not scheduling)? */
int cost_category_is_mapping(enum cost_category c);

void cost_model_default(struct cost_model *m);

/* Each primitive's cycles, as engine_set_prices() takes them. */
void cost_prices(const struct cost_model *m, const struct engine_params *p,
		 struct engine_prims *out);

/* Totals by category for primitive counts p plus page and bounce copies. */
void cost_split(const struct cost_model *m, const struct engine_params *ep,
		const struct engine_prims *p, uint64_t copies, uint64_t bounces, uint64_t out[CAT_N]);

#endif
