/* The stress statistics: PRNG determinism, the Zipf sampler's distribution
 * (table and table-free paths), histogram quantiles and their precision. */
#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "histogram.h"
#include "rng.h"
#include "tap.h"

/* Frequencies of ranks 1..n over draws, against k^-s / H(n, s). */
static double zipf_error(uint64_t n, double s, uint64_t mult, int force_slow)
{
	struct zipf z;
	struct rng r;
	uint64_t *count = calloc(n, sizeof(*count)), draws = 2000000, i;
	double h = 0, worst = 0;

	zipf_init(&z, n, s, mult);
	if (force_slow)
		zipf_free(&z);
	rng_seed(&r, 42);
	for (i = 1; i <= n; i++)
		h += pow((double)i, -s);
	for (i = 0; i < draws; i++) {
		uint64_t slot = zipf_sample(&z, &r);

		if (slot >= 1 && slot <= n)
			count[slot - 1]++;
	}
	/* rank i is drawn as slot (i - 1) * mult mod n + 1 */
	for (i = 1; i <= 10 && i <= n; i++) {
		uint64_t slot = (i - 1) * mult % n;
		double want = pow((double)i, -s) / h, got = (double)count[slot] / (double)draws;
		double err = fabs(got - want) / want;

		if (err > worst)
			worst = err;
	}
	zipf_free(&z);
	free(count);
	return worst;
}

int main(void)
{
	struct rng a, b;
	struct histogram *hg = calloc(1, sizeof(*hg));
	uint64_t i, v;
	int same = 1, inrange = 1;

	rng_seed(&a, 7);
	rng_seed(&b, 7);
	for (i = 0; i < 1000; i++)
		same &= rng_next(&a) == rng_next(&b);
	tap_ok(same, "the same seed gives the same sequence");
	rng_seed(&a, 1);
	is_u64(rng_next(&a), UINT64_C(0xb3f2af6d0fc710c5), "xoshiro256** from splitmix64(1): a fixed first value");
	for (i = 0; i < 100000; i++)
		inrange &= rng_below(&a, 10) < 10;
	tap_ok(inrange, "rng_below stays below its bound");

	tap_ok(zipf_error(1000, 1.1, 1, 0) < 0.03, "Zipf(1000, 1.1) by table: top ranks within 3%%");
	tap_ok(zipf_error(1000, 1.1, 1, 1) < 0.03, "Zipf(1000, 1.1) without a table: within 3%%");
	tap_ok(zipf_error(997, 0.8, 617, 0) < 0.03, "Zipf(997, 0.8), permuted slots, by table: within 3%%");
	tap_ok(zipf_error(997, 0.8, 617, 1) < 0.03, "Zipf(997, 0.8), permuted slots, without a table: within 3%%");
	tap_ok(zipf_error(5000, 1.0, 3091, 0) < 0.03, "Zipf with s = 1 (log integral)");

	for (v = 1; v <= 1000; v++)
		hist_add(hg, v);
	is_u64(hg->count, 1000, "histogram counts");
	is_u64(hg->max, 1000, "histogram max is exact");
	is_u64(hist_quantile(hg, 0.05), 50, "exact below 128");
	v = hist_quantile(hg, 0.5);
	tap_ok(v >= 500 && v <= 500 * 65 / 64 + 1, "p50 of 1..1000 within 1/64 (%llu)", (unsigned long long)v);
	v = hist_quantile(hg, 0.99);
	tap_ok(v >= 990 && v <= 1000, "p99 within 1/64 and never above max (%llu)", (unsigned long long)v);
	memset(hg, 0, sizeof(*hg));
	hist_add(hg, UINT64_MAX);
	is_u64(hist_quantile(hg, 0.5), UINT64_MAX, "the top bucket holds 2^64 - 1");
	memset(hg, 0, sizeof(*hg));
	is_u64(hist_quantile(hg, 0.5), 0, "an empty histogram says 0");
	free(hg);
	return tap_done();
}
