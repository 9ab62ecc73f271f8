/* vmap/vunmap (S5, S7.3): lowest fit with a guard page, lazy purge, ids; the tree vs a naive fit. */
#include "config.h"

#include <stdio.h>

#include "engine_util.h"

#define BASE 0x10000000ull

/* An engine with a window of `pages` pages at BASE and a lazy threshold. */
static struct engine *mkv(uint64_t pages, uint64_t lazy)
{
	struct engine_params p;

	engine_params_default(&p);
	p.max_low_pfn = 1000;
	p.vmalloc_start = BASE;
	p.vmalloc_end = BASE + pages * 4096;
	p.lazy_max_pages = lazy;
	nerrs = 0;
	cur_line = 0;
	return engine_new(&p, record, NULL);
}

/* The page offset of a live id in the window, or -1 (NULL) / -2 (unbound). */
static int64_t at(struct engine *e, const char *id)
{
	uint64_t addr, pages;
	int r = engine_vmap_lookup(e, id, (uint32_t)strlen(id), &addr, &pages);

	return r == 1 ? (int64_t)((addr - BASE) / 4096) : r == 0 ? -1 : -2;
}

static void fit_and_purge(void)
{
	struct engine *e = mkv(16, 6);
	const struct engine_counters *c = engine_counters(e);

	ev_id(e, 0, ENGINE_VMAP, "a", 3);
	ev_id(e, 0, ENGINE_VMAP, "b", 3);
	is_u64(at(e, "b"), 4, "3 pages + a guard page: the next area starts 4 pages on");
	ev_id(e, 0, ENGINE_VMAP, "c", 3);
	ev_id(e, 0, ENGINE_VMAP, "d", 3);
	is_u64(c->vmap.peak_bytes, 12 * 4096, "peak_bytes counts n pages, not the guard");
	ev_id(e, 0, ENGINE_VUNMAP, "a", 0);
	is_u64(engine_vmap_lazy_pages(e), 4, "vunmap is lazy: 4 pages, guard included");
	is_u64(c->vmap.purges, 0, "4 is not above the threshold 6");
	ev_id(e, 0, ENGINE_VUNMAP, "c", 0);
	is_u64(c->vmap.purges, 1, "8 > 6: purge");
	is_u64(c->vmap.lazy_pages_peak, 8, "lazy peak taken before the purge");
	ev_id(e, 0, ENGINE_VMAP, "e", 6);
	is_u64(c->vmap.failures, 1, "7 pages do not fit in two holes of 4");
	is_u64(c->vmap.purges, 2, "... after a purge-and-retry");
	is_u64(c->vmap.tlb_flushes, 1, "an empty purge flushes nothing");
	is_u64(at(e, "e"), (uint64_t)-1, "the failed id is bound to NULL");
	ev_id(e, 0, ENGINE_VMAP, "f", 2);
	is_u64(at(e, "f"), 0, "lowest address first");
	ev_id(e, 0, ENGINE_VUNMAP, "b", 0);
	ev_id(e, 0, ENGINE_VMAP, "g", 4);
	is_u64(at(e, "g"), 3, "a purge coalesced [3,4) with [4,8) and [8,12)");
	is_u64(c->vmap.tlb_flushes, 2, "that purge flushed");
	ev_id(e, 0, ENGINE_VUNMAP, "e", 0);
	is_u64(nerrs, 0, "vunmap of a failed id is silent");
	ev_id(e, 0, ENGINE_VUNMAP, "e", 0);
	tap_ok(err_is(0, 12, 0, ENGINE_ERR_VMAP_UNKNOWN_ID), "... and consumes the id");
	ev_id(e, 0, ENGINE_VMAP, "zero", 0);
	is_u64(c->vmap.failures, 2, "vmap of 0 pages fails");
	is_u64(c->vmap.purges, 3, "... without a purge");
	invariants(e, "invariants");
	engine_free(e);
}

static void ids(void)
{
	struct engine *e = mkv(64, 1000);
	const char *long_id = "an_id_longer_than_the_inline_key_buffer_of_a_binding";
	uint64_t live;

	ev_id(e, 0, ENGINE_VMAP, "x", 2);
	ev_id(e, 0, ENGINE_VMAP, "x", 3);
	tap_ok(err_is(0, 2, 0, ENGINE_ERR_VMAP_UNKNOWN_ID), "vmap of a live id: vmap_unknown_id");
	is_u64(at(e, "x"), 3, "the id is rebound to the new area");
	live = engine_vmap_live_bytes(e);
	is_u64(live, 5 * 4096, "the old area is leaked and stays counted");
	ev_id(e, 0, ENGINE_VUNMAP, "x", 0);
	is_u64(engine_vmap_live_bytes(e), 2 * 4096, "vunmap frees only the new one");
	ev_id(e, 0, ENGINE_VMAP, long_id, 1);
	ev_id(e, 0, ENGINE_VMAP, "an_id_longer_than_the_inline_key_buffer_of_a_bindinX", 1);
	is_u64(nerrs, 1, "long ids are compared whole");
	ev_id(e, 0, ENGINE_VUNMAP, long_id, 0);
	is_u64(at(e, long_id), (uint64_t)-2, "a long id unbinds");
	ev_id(e, 0, ENGINE_VMAP, "huge", UINT64_MAX / 2);
	is_u64(engine_counters(e)->vmap.failures, 1, "a size beyond the window fails, no wrap");
	ev_id(e, 0, ENGINE_VMAP, "n", 0);
	ev_id(e, 0, ENGINE_VMAP, "n", 1);
	is_u64(nerrs, 1, "vmap over a failed (NULL) id is no error");
	invariants(e, "invariants");
	engine_free(e);
}

/* Naive model of the window: a page map, first fit by scanning, lazy list. */
#define W 512
static unsigned char used[W];	/* 0 free, 1 busy, 2 lazy */

static int64_t naive_fit(uint64_t need)
{
	uint64_t s, run = 0;

	for (s = 0; s < W; s++) {
		run = used[s] ? 0 : run + 1;
		if (run == need) {
			uint64_t first = s + 1 - need, i;

			for (i = first; i <= s; i++)
				used[i] = 1;
			return (int64_t)first;
		}
	}
	return -1;
}

static void naive_purge(void)
{
	int i;

	for (i = 0; i < W; i++)
		if (used[i] == 2)
			used[i] = 0;
}

static void tree_like_a_scan(uint64_t seed)
{
	struct engine *e = mkv(W, 40);
	static int64_t start[64], size[64];
	uint64_t lazy = 0;
	int r, bad = 0, badcheck = 0;
	char id[8];

	rng = seed;
	memset(used, 0, sizeof(used));
	for (r = 0; r < 64; r++)
		start[r] = -2;
	for (r = 0; r < 20000 && !bad; r++) {
		int k = (int)below(64);

		snprintf(id, sizeof(id), "v%d", k);
		if (start[k] == -2) {
			uint64_t n = 1 + below(below(4) ? 8 : 40);
			int64_t s = naive_fit(n + 1);

			if (s < 0) {
				naive_purge();
				lazy = 0;
				s = naive_fit(n + 1);
			}
			ev_id(e, 0, ENGINE_VMAP, id, n);
			start[k] = s < 0 ? -1 : s;
			size[k] = (int64_t)n + 1;
			bad |= at(e, id) != start[k];
		} else {
			if (start[k] >= 0) {
				int64_t i;

				for (i = start[k]; i < start[k] + size[k]; i++)
					used[i] = 2;
				lazy += (uint64_t)size[k];
				if (lazy > 40) {
					naive_purge();
					lazy = 0;
				}
			}
			ev_id(e, 0, ENGINE_VUNMAP, id, 0);
			start[k] = -2;
		}
		bad |= lazy != engine_vmap_lazy_pages(e);
		if (r % 128 == 0)
			badcheck |= engine_check(e) != NULL;
	}
	tap_ok(!bad, "20000 random vmaps/vunmaps: the tree places every area as a naive scan (seed %"
	       PRIu64 ")", seed);
	tap_ok(!badcheck && nerrs == 0, "... areas never overlap and stay in the window");
	tap_ok(engine_counters(e)->vmap.failures > 0 && engine_counters(e)->vmap.tlb_flushes > 0,
	       "... through failures and purges");
	engine_free(e);
}

/* Long ids live in a compacting arena: churn them and look every live one up. */
static void long_ids(void)
{
	struct engine *e = mkv(1 << 20, 1000);
	char id[80];
	int i, k, bad = 0;

	for (i = 0; i < 30000 && !bad; i++) {
		snprintf(id, sizeof(id), "a_long_identifier_beyond_the_inline_buffer_%d", i);
		ev_id(e, 0, ENGINE_VMAP, id, 1);
		if (i >= 40) {
			snprintf(id, sizeof(id), "a_long_identifier_beyond_the_inline_buffer_%d", i - 40);
			ev_id(e, 0, ENGINE_VUNMAP, id, 0);
		}
		if (i % 1000 == 999)
			for (k = i - 39; k <= i; k++) {
				snprintf(id, sizeof(id), "a_long_identifier_beyond_the_inline_buffer_%d", k);
				bad |= at(e, id) < 0;
			}
	}
	tap_ok(!bad && nerrs == 0, "30000 long ids bound and unbound: every live one still found");
	invariants(e, "invariants after the churn");
	engine_free(e);
}

int main(void)
{
	long_ids();
	fit_and_purge();
	ids();
	tree_like_a_scan(1);
	tree_like_a_scan(42);
	return tap_done();
}
