#include "config.h"

#include "histogram.h"

#include <math.h>

/* The largest value that falls in bucket i. */
static uint64_t bucket_top(unsigned i)
{
	unsigned e, m;

	if (i < 2 * HIST_SUB)
		return i;
	e = i / HIST_SUB + 5;
	m = i % HIST_SUB;
	return ((uint64_t)(HIST_SUB + m + 1) << (e - 6)) - 1;
}

uint64_t hist_quantile(const struct histogram *h, double q)
{
	uint64_t rank, seen = 0;
	unsigned i;

	if (!h->count)
		return 0;
	/* nearest rank: the ceil(q * count)-th smallest value */
	rank = (uint64_t)ceil(q * (double)h->count);
	rank = rank ? rank - 1 : 0;
	if (rank >= h->count)
		rank = h->count - 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen > rank) {
			uint64_t top = bucket_top(i);

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}

void hist_merge(struct histogram *into, const struct histogram *from)
{
	unsigned i;

	for (i = 0; i < HIST_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
	into->count += from->count;
	into->sum += from->sum;
	if (from->max > into->max)
		into->max = from->max;
}
