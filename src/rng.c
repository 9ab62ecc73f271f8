#include "config.h"

#include "rng.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void rng_seed(struct rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

/* (exp(x) - 1) / x and log(1 + x) / x, accurate near 0 */
static double helper2(double x)
{
	return fabs(x) > 1e-8 ? expm1(x) / x : 1 + x / 2 * (1 + x / 3 * (1 + x / 4));
}

static double helper1(double x)
{
	return fabs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

static double h(const struct zipf *z, double x)
{
	return exp(-z->s * log(x));
}

/* H(x) = integral of h: ((x^(1-s)) - 1) / (1 - s), or log(x) when s = 1 */
static double h_integral(const struct zipf *z, double x)
{
	double lx = log(x);

	return helper2((1 - z->s) * lx) * lx;
}

static double h_integral_inverse(const struct zipf *z, double x)
{
	double t = x * (1 - z->s);

	if (t < -1)
		t = -1;	/* limit of the domain, only reached by rounding */
	return exp(helper1(t) * x);
}

/* x^-1 mod n (x coprime to n), by the extended Euclidean algorithm */
static uint64_t inverse(uint64_t x, uint64_t n)
{
	int64_t t = 0, nt = 1;
	uint64_t r = n, nr = x % n;

	while (nr) {
		uint64_t q = r / nr, tmp = r - q * nr;
		int64_t tt = t - (int64_t)q * nt;

		t = nt;
		nt = tt;
		r = nr;
		nr = tmp;
	}
	return t < 0 ? (uint64_t)(t + (int64_t)n) : (uint64_t)t;
}

/*
 * malloc(), the pages then faulted in by one madvise() where the kernel has
 * MADV_POPULATE_WRITE (5.14): the alias table and its work list are written
 * all over at once, and one page fault at a time costs ~10 us in a VM.
 */
static void *malloc_populated(size_t size)
{
	void *p = malloc(size);
#ifdef MADV_POPULATE_WRITE
	long page = sysconf(_SC_PAGESIZE);

	if (p && page > 0) {
		uintptr_t first = ((uintptr_t)p + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
		uintptr_t end = ((uintptr_t)p + size) & ~((uintptr_t)page - 1);

		if (end > first)
			(void)madvise((void *)first, end - first, MADV_POPULATE_WRITE);
	}
#endif
	return p;
}

/*
 * Vose's alias method, probabilities scaled to 2^32.  Slot j holds the
 * weight of the rank that the permutation puts there, so a draw needs no
 * arithmetic afterwards.  The table is built in place: a slot's p is read
 * for the last time when its prob and alias are written.  The small and
 * the large work lists share one array, small from the front, large from
 * the back (together they never hold more than n slots).
 */
static int alias_table(struct zipf *z)
{
	uint32_t n = (uint32_t)z->n, *list = NULL, ns = 0, nl = 0, i;
	union zipf_slot *t = z->table = malloc_populated(n * sizeof(*z->table));
	double sum = 0;

	list = malloc_populated(n * sizeof(*list));
	if (!t || !list) {
		free(list);
		zipf_free(z);
		return -1;
	}
	uint64_t inv = n > 1 ? inverse(z->mult % n, n) : 0, rank = 0;

	/* slot i holds rank i x inv mod n, + 1: stepped by inv, not divided out */
	for (i = 0; i < n; i++) {
		sum += t[i].p = h(z, (double)rank + 1);
		rank += inv;
		if (rank >= n)
			rank -= n;
	}
#define LARGE(k) list[n - 1 - (k)]	/* the k-th entry of the large list */
	for (i = 0; i < n; i++) {
		t[i].p = t[i].p * n / sum;
		if (t[i].p < 1)
			list[ns++] = i;
		else
			LARGE(nl++) = i;
	}
	while (ns && nl) {
		uint32_t a = list[--ns], b = LARGE(nl - 1);
		double pa = t[a].p;

		t[a].s.prob = (uint32_t)(pa * 4294967296.0);
		t[a].s.alias = b;
		t[b].p -= 1 - pa;
		if (t[b].p < 1) {
			nl--;
			list[ns++] = b;
		}
	}
	while (nl) {
		--nl;
		t[LARGE(nl)].s.prob = UINT32_MAX;
		t[LARGE(nl)].s.alias = LARGE(nl);
	}
#undef LARGE
	while (ns) {			/* rounding leftovers: take them whole */
		--ns;
		t[list[ns]].s.prob = UINT32_MAX;
		t[list[ns]].s.alias = list[ns];
	}
	free(list);
	return 0;
}

int zipf_init(struct zipf *z, uint64_t n, double s, uint64_t mult)
{
	z->n = n;
	z->s = s;
	z->mult = mult;
	z->table = NULL;
	z->h_x1 = h_integral(z, 1.5) - 1;
	z->h_n = h_integral(z, (double)n + 0.5);
	z->s_const = 2 - h_integral_inverse(z, h_integral(z, 2.5) - h(z, 2));
	return n <= ZIPF_TABLE_MAX ? alias_table(z) : 0;
}

void zipf_free(struct zipf *z)
{
	free(z->table);
	z->table = NULL;
}

uint64_t zipf_sample_slow(const struct zipf *z, struct rng *r)
{
	for (;;) {
		double u = z->h_n + rng_unit(r) * (z->h_x1 - z->h_n);
		double x = h_integral_inverse(z, u);
		double kf = floor(x + 0.5);
		uint64_t k = kf < 1 ? 1 : kf > (double)z->n ? z->n : (uint64_t)kf;

		if ((double)k - x <= z->s_const || u >= h_integral(z, (double)k + 0.5) - h(z, (double)k))
			return k;
	}
}
