/*
 * Property tests: random traces from a seeded in-tree PRNG.
 *  - with mistakes, on small pools: after every event the engine's
 *    invariants hold (pkmap counts = 1 + what tasks hold, count-1 entries
 *    hold nothing, stacks = handles, vmap areas disjoint and in the window)
 *    and the counters agree with each other;
 *  - without mistakes, on a large pool: no errors at all, nobody asleep.
 */
#include "config.h"

#include <stdio.h>

#include "engine_util.h"

/* Relations between counters that hold after any event. */
static const char *counter_relations(const struct engine *e)
{
	const struct engine_counters *c = engine_counters(e);
	uint64_t depth = 0, asleep = 0;
	uint32_t t;

	for (t = 0; t < engine_ntasks(e); t++) {
		depth += engine_task_depth(e, t);
		asleep += engine_task_asleep(e, t) != 0;
	}
	if (c->local.invlpg != c->local.pte_clears)
		return "invlpg != pte_clears";
	if ((c->local.pte_sets - c->local.sched_in_maps) -
	    (c->local.pte_clears - c->local.sched_out_unmaps) != depth)
		return "map-time PTE writes - unmap-time clears != the stacks' depth";
	if (c->pkmap.sleeps - c->pkmap.wakeups != asleep || engine_nsleepers(e) != asleep)
		return "sleeps - wakeups != tasks asleep";
	if (c->pkmap.maps - c->pkmap.hits - c->pkmap.new_entries != asleep)
		return "maps - hits - new != kmaps asleep";
	if (c->pkmap.tlb_flushes > c->pkmap.flush_calls || c->pkmap.reclaimed < c->pkmap.tlb_flushes)
		return "pkmap flush counters disagree";
	if (c->pkmap.max_in_use > engine_get_params(e)->last_pkmap)
		return "more entries in use than the pool has";
	if (c->vmap.tlb_flushes > c->vmap.purges || engine_vmap_live_bytes(e) > c->vmap.peak_bytes ||
	    engine_vmap_lazy_pages(e) > c->vmap.lazy_pages_peak)
		return "vmap counters disagree";
	return NULL;
}

/* engine_priced() is the dot product of the prices and the counts (mod 2^64). */
static const char *priced_total(const struct engine *e, const struct engine_prims *price)
{
	const uint64_t *w = (const uint64_t *)price, *x = (const uint64_t *)engine_prims(e);
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < sizeof(*price) / sizeof(uint64_t); i++)
		sum += w[i] * x[i];
	return sum == engine_priced(e) ? NULL : "engine_priced() != prices x primitive counts";
}

/* Prices from 0 to 9999, or now and then one that makes the total wrap. */
static void random_prices(struct engine_prims *price)
{
	uint64_t *w = (uint64_t *)price;
	size_t i;

	for (i = 0; i < sizeof(*price) / sizeof(uint64_t); i++)
		w[i] = below(8) ? below(10000) : 0x9E3779B97F4A7C15ull + below(1000);
}

static void random_with_mistakes(uint64_t seed)
{
	struct engine_prims price;
	static const uint32_t pools[] = { 1, 2, 4, 8, 16 };
	struct engine_params p;
	struct engine *e;
	const char *why = NULL;
	uint32_t ntasks, i;
	char id[8];
	int events = 400 + (int)(seed % 400);

	rng = seed;
	engine_params_default(&p);
	p.last_pkmap = pools[below(5)];
	p.cpus = 1 + below(4);
	p.km_max_idx = 2 + below(15);
	p.max_low_pfn = 1000;
	p.vmalloc_start = 0x100000;
	p.vmalloc_end = 0x100000 + 4096ull * (4 + below(60));
	p.lazy_max_pages = below(20);
	ntasks = 1 + below(8);
	nerrs = 0;
	cur_line = 0;
	e = engine_new(&p, record, NULL);
	for (i = 0; i < (uint32_t)events && !why; i++) {
		uint32_t t = below(ntasks) % (engine_ntasks(e) + 1);
		int op = (int)below(ENGINE_NOPS);
		uint64_t arg = below(5) ? 1000 + below(3 * p.last_pkmap + 4) : below(1000);

		if (op == ENGINE_CPU)
			arg = below(p.cpus);
		snprintf(id, sizeof(id), "v%u", below(10));
		if (op == ENGINE_VMAP)
			arg = below(6) ? below(8) : below(80);
		if (i == (uint32_t)events / 3) {	/* prices set mid-run count what came before */
			random_prices(&price);
			engine_set_prices(e, &price);
		}
		ev_id(e, t, op, id, arg);
		why = engine_check(e);
		if (!why)
			why = counter_relations(e);
		if (!why && i >= (uint32_t)events / 3)
			why = priced_total(e, &price);
	}
	engine_finish(e);
	if (!why)
		why = counter_relations(e);
	tap_ok(!why, "seed %" PRIu64 ": invariants after each of %u events (pool %u, %u cpus, %u tasks)",
	       seed, i, p.last_pkmap, p.cpus, ntasks);
	if (why)
		printf("#   %s\n", why);
	engine_free(e);
}

/* ---- engine_submit_all(): the same as engine_submit() event by event ---- */

struct err_sum {
	uint64_t n, h;
};

static void sum_error(void *ctx, const struct engine_error *err)
{
	struct err_sum *s = ctx;

	s->n++;
	s->h = (s->h ^ (err->line * 31 + err->task * 7 + (uint64_t)err->kind)) * 0x100000001B3ull;
}

static void batches(uint64_t seed)
{
	static const char *const ids[] = { "v0", "v1", "v2", "v3" };
	static struct engine_event evs[3000];
	struct err_sum sa = { 0, 0 }, sb = { 0, 0 };
	struct engine_params p;
	struct engine *a, *b;
	size_t n = sizeof(evs) / sizeof(evs[0]), i, done = 0;
	uint32_t ntasks = 0;
	int ra = 0, rb = 0;

	rng = seed;
	engine_params_default(&p);
	p.last_pkmap = 4;
	p.cpus = 2;
	p.max_low_pfn = 1000;
	p.vmalloc_end = p.vmalloc_start + 4096 * 40;
	for (i = 0; i < n; i++) {
		uint32_t t = below(6) % (ntasks + 1);
		int op = (int)below(ENGINE_NOPS);

		ntasks += t == ntasks;
		evs[i] = (struct engine_event){ i + 1, below(5) ? 1000 + below(12) : below(1000), NULL,
						0, t, (uint8_t)op };
		if (op == ENGINE_CPU)
			evs[i].arg = below(2);
		if (op == ENGINE_VMAP || op == ENGINE_VUNMAP) {
			evs[i].id = ids[below(4)];
			evs[i].idlen = 2;
			evs[i].arg = below(10);
		}
	}
	a = engine_new(&p, sum_error, &sa);
	b = engine_new(&p, sum_error, &sb);
	for (i = 0; i < n && !ra; i++)
		ra = engine_submit(a, &evs[i]);
	for (i = 0; i < n && !rb; i += done) {
		size_t k = 1 + below(70);

		rb = engine_submit_all(b, &evs[i], k < n - i ? k : n - i, &done);
	}
	tap_ok(!ra && !rb && sa.n == sb.n && sa.h == sb.h &&
	       !memcmp(engine_counters(a), engine_counters(b), sizeof(struct engine_counters)) &&
	       !memcmp(engine_prims(a), engine_prims(b), sizeof(struct engine_prims)),
	       "seed %" PRIu64 ": batches of 1 to 70 events do what single events do (%" PRIu64
	       " errors)", seed, sa.n);
	engine_free(a);
	engine_free(b);
}

/* A refused event ends the batch: its result, and how many ran before it. */
static void batch_stops(void)
{
	struct engine_event evs[4] = {
		{ 1, 1001, NULL, 0, 0, ENGINE_KMAP_LOCAL },
		{ 2, 1001, NULL, 0, 0, ENGINE_KUNMAP_LOCAL },
		{ 3, 1002, NULL, 0, 5, ENGINE_KMAP_LOCAL },	/* task 5 of 1: refused */
		{ 4, 1003, NULL, 0, 0, ENGINE_KMAP_LOCAL },
	};
	struct engine *e = mk(16, 1);
	size_t done = 99;
	int rc = engine_submit_all(e, evs, 4, &done);

	tap_ok(rc == ENGINE_EINVAL && done == 2 && engine_counters(e)->local.maps == 1,
	       "engine_submit_all stops at a refused event (rc %d, %zu done)", rc, done);
	rc = engine_submit_all(e, evs, 2, &done);
	tap_ok(rc == ENGINE_OK && done == 2 && engine_submit_all(e, evs, 0, NULL) == ENGINE_OK,
	       "... and runs a whole batch, or none");
	engine_free(e);
}

/* ---- a mistake-free workload ---- */

#define NT 24
#define NC 4

struct gtask {
	uint64_t holds[4];
	unsigned nholds, depth, natomic, nvmaps;
	uint64_t stack[14];
	int atomic[14];
	unsigned vmaps[8];
};

struct gen {
	struct engine *e;
	struct gtask t[NT];
	unsigned next_vmap;
};

static uint64_t page(void)
{
	return below(8) ? 1000 + below(5000) : below(1000);
}

static void gvmap(struct gen *g, unsigned ti, int map)
{
	struct gtask *t = &g->t[ti];
	char id[16];

	if (map) {
		t->vmaps[t->nvmaps] = g->next_vmap++;
		snprintf(id, sizeof(id), "v%u", t->vmaps[t->nvmaps++]);
		ev_id(g->e, ti, ENGINE_VMAP, id, 1 + below(16));
	} else {
		unsigned i = below(t->nvmaps);

		snprintf(id, sizeof(id), "v%u", t->vmaps[i]);
		t->vmaps[i] = t->vmaps[--t->nvmaps];
		ev_id(g->e, ti, ENGINE_VUNMAP, id, 0);
	}
}

static void glocal(struct gen *g, unsigned ti, int map, int atomic)
{
	struct gtask *t = &g->t[ti];

	if (map) {
		uint64_t p = page();

		ev(g->e, ti, atomic ? ENGINE_KMAP_ATOMIC : ENGINE_KMAP_LOCAL, p);
		t->stack[t->depth] = p;
		t->atomic[t->depth++] = atomic;
		t->natomic += atomic;
	} else {
		atomic = t->atomic[--t->depth];
		t->natomic -= atomic;
		ev(g->e, ti, atomic ? ENGINE_KUNMAP_ATOMIC : ENGINE_KUNMAP_LOCAL, t->stack[t->depth]);
	}
}

static int current_is_atomic(struct gen *g, uint32_t cpu, unsigned self)
{
	uint32_t u;

	for (u = 0; u < NT; u++)
		if (u != self && engine_task_cpu(g->e, u) == cpu && g->t[u].natomic)
			return 1;
	return 0;
}

static void gstep(struct gen *g, unsigned ti)
{
	struct gtask *t = &g->t[ti];
	unsigned x = below(100);

	if (t->natomic) {	/* atomic: map, touch or unmap, nothing that sleeps */
		if (x < 30 && t->depth < 14)
			glocal(g, ti, 1, 1);
		else if (x < 50 && t->depth)
			ev(g->e, ti, ENGINE_TOUCH, t->stack[below(t->depth)]);
		else
			glocal(g, ti, 0, 0);
	} else if (x < 15 && t->nholds < 4) {
		uint64_t p = page();

		ev(g->e, ti, ENGINE_KMAP, p);
		if (p >= 1000)
			t->holds[t->nholds++] = p;
	} else if (x < 30 && t->nholds) {
		unsigned i = below(t->nholds);

		ev(g->e, ti, ENGINE_KUNMAP, t->holds[i]);
		t->holds[i] = t->holds[--t->nholds];
	} else if (x < 45 && t->depth < 14) {
		glocal(g, ti, 1, below(3) == 0);
	} else if (x < 60 && t->depth) {
		glocal(g, ti, 0, 0);
	} else if (x < 70 && t->nholds) {
		ev(g->e, ti, ENGINE_TOUCH, t->holds[below(t->nholds)]);
	} else if (x < 75) {
		ev(g->e, ti, ENGINE_SWITCH, 0);
	} else if (x < 80 && !t->depth) {
		uint32_t cpu = below(NC);

		if (!current_is_atomic(g, cpu, ti))
			ev(g->e, ti, ENGINE_CPU, cpu);
	} else if (x < 90 && t->nvmaps < 8) {
		gvmap(g, ti, 1);
	} else if (t->nvmaps) {
		gvmap(g, ti, 0);
	}
}

static void mistake_free(uint64_t seed, int events)
{
	static struct gen g;
	int i, bad = 0;
	unsigned running[NC] = { 0 };

	rng = seed;
	memset(&g, 0, sizeof(g));
	g.e = mk(1024, NC);
	for (i = 0; i < NT; i++)
		ev(g.e, (uint32_t)i, ENGINE_TOUCH, 1);
	for (i = 0; i < NC; i++)
		running[i] = (unsigned)i;
	for (i = 0; i < events; i++) {
		uint32_t cpu = below(NC);
		unsigned ti = running[cpu];

		/* now and then another task of that CPU runs, unless the current is atomic */
		if (engine_task_cpu(g.e, ti) != cpu || (!g.t[ti].natomic && below(6) == 0)) {
			unsigned cand = below(NT);

			if (engine_task_cpu(g.e, cand) == cpu && !current_is_atomic(&g, cpu, cand))
				ti = cand;
			else if (engine_task_cpu(g.e, ti) != cpu)
				continue;
		}
		running[cpu] = ti;
		gstep(&g, ti);
		if (i % 97 == 0)
			bad |= engine_check(g.e) != NULL || counter_relations(g.e) != NULL;
	}
	tap_ok(nerrs == 0, "mistake-free trace, seed %" PRIu64 ": no errors in %d events", seed, events);
	if (nerrs)
		show_errs();
	tap_ok(!bad && engine_finish(g.e) == 0 && engine_counters(g.e)->pkmap.sleeps == 0,
	       "... invariants held, nobody slept, no deadlock");
	tap_ok(engine_counters(g.e)->pkmap.tlb_flushes > 0 && engine_counters(g.e)->pkmap.hits > 0 &&
	       engine_counters(g.e)->local.sched_out_unmaps > 0 && engine_counters(g.e)->vmap.maps > 0,
	       "... and it exercised reuse, reclaim, switches and vmap");
	engine_free(g.e);
}

int main(void)
{
	uint64_t seed;

	for (seed = 1; seed <= 150; seed++)
		random_with_mistakes(seed);
	for (seed = 1; seed <= 20; seed++)
		batches(seed);
	batch_stops();
	mistake_free(7, 200000);
	mistake_free(8, 200000);
	return tap_done();
}
