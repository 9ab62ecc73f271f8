/*
 * The in-tree random numbers of hmplan stress: xoshiro256** seeded through
 * splitmix64 (same seed, same sequence, on every machine), and a Zipf
 * sampler by rejection-inversion (Hoermann and Derflinger, 1996) that needs
 * no table, so memory does not grow with the working set.
 */
#ifndef HMPLAN_RNG_H
#define HMPLAN_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);

static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n) by multiply-shift (bias below n / 2^64). */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Uniform in [0, 1). */
static inline double rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/*
 * Zipf over ranks 1..n with P(k) proportional to k^-s (s > 0).  Up to
 * ZIPF_TABLE_MAX ranks an alias table (Vose) gives O(1) draws for 8 bytes a
 * rank; beyond it rejection-inversion needs no table at all.
 */
#define ZIPF_TABLE_MAX (1u << 20)

/*
 * One slot of the alias table: its probability and its alias side by side,
 * so that a draw touches one cache line of a table that is often bigger
 * than the cache.  While zipf_init() builds the table, a slot holds its
 * scaled probability p instead: the table is built in place, without a
 * second array of the same size to fault in.
 */
union zipf_slot {
	struct {
		uint32_t prob, alias;
	} s;
	double p;
};

struct zipf {
	uint64_t n;
	double s, h_x1, h_n, s_const;
	uint64_t mult;
	union zipf_slot *table;		/* the alias table (over permuted slots), or NULL */
};

/*
 * 0, or -1 when the table cannot be allocated.  With mult coprime to n, the
 * sampler returns the rank's slot in a fixed permutation of 1..n, rank r at
 * ((r - 1) * mult mod n) + 1, so hot ranks spread over the whole range.
 */
int zipf_init(struct zipf *z, uint64_t n, double s, uint64_t mult);
void zipf_free(struct zipf *z);

uint64_t zipf_sample_slow(const struct zipf *z, struct rng *r);

static inline uint64_t zipf_sample(const struct zipf *z, struct rng *r)
{
	if (z->table) {
		uint64_t x = rng_next(r);
		uint32_t i = (uint32_t)(((x >> 32) * z->n) >> 32);
		const union zipf_slot *slot = &z->table[i];
		/* all ones when the slot keeps the draw: a select, not a branch the
		 * predictor would miss half the time on these random draws */
		uint32_t keep = -(uint32_t)((uint32_t)x < slot->s.prob);

		return ((i & keep) | (slot->s.alias & ~keep)) + 1;
	}
	return (zipf_sample_slow(z, r) - 1) * z->mult % z->n + 1;
}

#endif
