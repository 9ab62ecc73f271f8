/*
 * Arithmetic on primitive-operation counts: a cost model (hmplan stress)
 * reads engine_prims() before and after an event and prices the difference.
 * The struct is all uint64_t, so it is handled as an array of counters.
 */
#include "config.h"

#include "internal.h"

#define NPRIMS (sizeof(struct engine_prims) / sizeof(uint64_t))

_Static_assert(sizeof(struct engine_prims) % sizeof(uint64_t) == 0,
	       "struct engine_prims must hold uint64_t counters only");

void engine_prims_sub(const struct engine_prims *after, const struct engine_prims *before,
		      struct engine_prims *out)
{
	const uint64_t *a = (const uint64_t *)after, *b = (const uint64_t *)before;
	uint64_t *o = (uint64_t *)out;
	size_t i;

	for (i = 0; i < NPRIMS; i++)
		o[i] = a[i] - b[i];
}

/*
 * The priced total of the counts so far; PRIM_ADD keeps it from here on,
 * for every primitive but events: those are counted one per event, and
 * their price is added when asked for instead (the same sum, mod 2^64).
 */
void engine_set_prices(struct engine *e, const struct engine_prims *w)
{
	const uint64_t *x = (const uint64_t *)&e->pr, *p = (const uint64_t *)w;
	size_t i;

	e->price = *w;
	e->priced = 0;
	for (i = 0; i < NPRIMS; i++)
		e->priced += p[i] * x[i];
	e->priced -= w->events * e->pr.events;
}

uint64_t engine_priced(const struct engine *e)
{
	return e->priced + e->price.events * e->pr.events;
}
