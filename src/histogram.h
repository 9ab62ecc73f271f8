/*
 * Latency histograms: log-linear buckets (64 per power of two), so that a
 * percentile is exact below 128 and within 1/64 (1.6 %) above, in constant
 * memory however many operations are recorded.  The maximum is exact.
 */
#ifndef HMPLAN_HISTOGRAM_H
#define HMPLAN_HISTOGRAM_H

#include <stdint.h>

#define HIST_SUB 64
#define HIST_BUCKETS (HIST_SUB * 59)

struct histogram {
	uint64_t count, max, sum;
	uint64_t bucket[HIST_BUCKETS];
};

static inline unsigned hist_index(uint64_t v)
{
	unsigned e;

	if (v < 2 * HIST_SUB)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);		/* 2^e <= v < 2^(e+1), e >= 7 */
	return (e - 5) * HIST_SUB + (unsigned)((v >> (e - 6)) & (HIST_SUB - 1));
}

static inline void hist_add(struct histogram *h, uint64_t v)
{
	h->bucket[hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* The smallest recorded bucket's upper value at or above the q quantile (0..1). */
uint64_t hist_quantile(const struct histogram *h, double q);
void hist_merge(struct histogram *into, const struct histogram *from);

#endif
