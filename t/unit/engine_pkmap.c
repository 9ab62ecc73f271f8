/* The pkmap pool (S3): rotation, flushes, reuse, and the bitmap scan against a naive one. */
#include "config.h"

#include "engine_util.h"

static void rotation_and_flush(void)
{
	struct engine *e = mk(4, 1);
	const struct engine_counters *c = engine_counters(e);
	uint64_t probes;

	ev(e, 0, ENGINE_KMAP, 1001);
	is_u64(engine_pkmap_entry(e, 1001), 1, "the cursor starts at 0: the first probe is entry 1");
	ev(e, 0, ENGINE_KMAP, 1002);
	ev(e, 0, ENGINE_KMAP, 1003);
	is_u64(engine_pkmap_cursor(e), 3, "entries handed out in rotation order");
	is_u64(c->pkmap.flush_calls, 0, "no flush before the scan passes index 0");
	ev(e, 0, ENGINE_KMAP, 1004);
	is_u64(engine_pkmap_entry(e, 1004), 0, "entry 0 only after the wrap");
	is_u64(c->pkmap.flush_calls, 1, "the wrap calls flush_all_zero_pkmaps()");
	is_u64(c->pkmap.tlb_flushes, 0, "nothing at count 1: no TLB flush");
	is_u64(engine_prims(e)->pkmap_probes, 4, "four kmaps, one probe each");
	ev(e, 0, ENGINE_KUNMAP, 1001);
	ev(e, 0, ENGINE_KUNMAP, 1002);
	is_u64(engine_pkmap_count(e, 1), 1, "kunmap leaves the entry at count 1");
	is_u64(engine_pkmap_entry(e, 1001), 1, "a count-1 entry keeps its page_address()");
	probes = engine_prims(e)->pkmap_probes;
	ev(e, 0, ENGINE_KMAP, 1005);
	is_u64(engine_pkmap_entry(e, 1005), 1, "count-1 entries are skipped until the wrap reclaims");
	is_u64(engine_prims(e)->pkmap_probes - probes, 5, "probes 1 2 3, then 0 (flush) and 1");
	is_u64(c->pkmap.reclaimed, 2, "the wrap reclaimed both count-1 entries");
	is_u64(c->pkmap.tlb_flushes, 1, "one global TLB flush for the reclaim");
	is_u64(engine_pkmap_entry(e, 1002), (uint64_t)-1, "a reclaimed page lost its address");
	is_u64(c->pkmap.max_in_use, 4, "max_in_use counts entries at count >= 2");
	invariants(e, "invariants after rotation");
	engine_free(e);
}

static void reuse(void)
{
	struct engine *e = mk(4, 2);
	const struct engine_counters *c = engine_counters(e);

	ev(e, 0, ENGINE_KMAP, 1001);
	ev(e, 1, ENGINE_KMAP, 1001);
	is_u64(c->pkmap.hits, 1, "a second task's kmap of a mapped page is a hit");
	is_u64(engine_pkmap_count(e, 1), 3, "count is 1 + two users");
	ev(e, 1, ENGINE_KUNMAP, 1001);
	ev(e, 0, ENGINE_KUNMAP, 1001);
	ev(e, 1, ENGINE_KMAP, 1001);
	is_u64(c->pkmap.hits, 2, "a kmap of a count-1 entry is a hit too");
	is_u64(c->pkmap.new_entries, 1, "no new entry was taken");
	ev(e, 0, ENGINE_KUNMAP, 1001);
	is_u64(nerrs, 1, "kunmap of a page the task does not hold is an error");
	tap_ok(err_is(0, 6, 0, ENGINE_ERR_UNMAP_NOT_MAPPED), "... unmap_not_mapped, on that line");
	is_u64(engine_pkmap_count(e, 1), 2, "... and changes nothing");
	ev(e, 0, ENGINE_KMAP, 50);
	ev(e, 0, ENGINE_KUNMAP, 50);
	is_u64(c->pkmap.maps, 3, "lowmem kmap() is not counted");
	invariants(e, "invariants after reuse");
	engine_free(e);
}

/* The kernel's scan, probe by probe, on a mirror of pkmap_count[] and the pages. */
struct naive {
	uint32_t n, cursor, count[256];
	uint64_t page[256];
	uint64_t flushes, probes, reclaimed;
};

static int naive_scan(struct naive *m)
{
	uint32_t remaining = m->n, i;

	for (;;) {
		m->cursor = (m->cursor + 1) & (m->n - 1);
		m->probes++;
		if (m->cursor == 0) {
			m->flushes++;
			for (i = 0; i < m->n; i++)
				if (m->count[i] == 1) {
					m->count[i] = 0;
					m->page[i] = 0;
					m->reclaimed++;
				}
			remaining = m->n;
		}
		if (m->count[m->cursor] == 0)
			return (int)m->cursor;
		if (--remaining == 0)
			return -1;
	}
}

/* kmap of pfn in the mirror: the entry, or -1 if the kernel would sleep. */
static int naive_kmap(struct naive *m, uint64_t pfn)
{
	uint32_t i;
	int k = -1;

	for (i = 0; i < m->n; i++)
		if (m->count[i] && m->page[i] == pfn)
			k = (int)i;
	if (k < 0) {
		for (i = 0; i < m->n && m->count[i] > 1; i++)
			;
		if (i == m->n)
			return -1;	/* every entry in use: it would sleep; not tried */
		k = naive_scan(m);
		m->count[k] = 1;
		m->page[k] = pfn;
	}
	m->count[k]++;
	return k;
}

static void naive_kunmap(struct naive *m, uint64_t pfn)
{
	uint32_t i;

	for (i = 0; i < m->n; i++)
		if (m->count[i] && m->page[i] == pfn) {
			m->count[i]--;
			return;
		}
}

/* Random kmaps/kunmaps of one task on pools of 1..256 entries: the same entries, flushes, probes. */
static void scan_like_the_kernel(uint32_t n, uint64_t seed, int rounds)
{
	struct engine *e = mk(n, 1);
	const struct engine_counters *c = engine_counters(e);
	static uint64_t held[4096];
	struct naive m = { .n = n };
	uint32_t nheld = 0;
	int r, bad = 0, badcheck = 0;

	rng = seed;
	for (r = 0; r < rounds && !bad; r++) {
		uint64_t pfn = 1000 + below(2 * n + 8);
		int k;

		if ((below(2) || !nheld) && nheld < 4096 && (k = naive_kmap(&m, pfn)) >= 0) {
			ev(e, 0, ENGINE_KMAP, pfn);
			held[nheld++] = pfn;
			bad |= engine_pkmap_entry(e, pfn) != k;
		} else if (nheld) {
			uint32_t i = below(nheld);

			pfn = held[i];
			held[i] = held[--nheld];
			naive_kunmap(&m, pfn);
			ev(e, 0, ENGINE_KUNMAP, pfn);
		}
		bad |= m.flushes != c->pkmap.flush_calls || m.probes != engine_prims(e)->pkmap_probes ||
		       m.reclaimed != c->pkmap.reclaimed || m.cursor != engine_pkmap_cursor(e);
		if (r % 64 == 0)
			badcheck |= engine_check(e) != NULL;
	}
	tap_ok(!bad, "pool of %u: entries, probes, flushes, reclaims as the kernel's scan (%d ops)",
	       n, r);
	if (bad)
		printf("#   diverged at op %d: flushes %" PRIu64 "/%" PRIu64 " probes %" PRIu64 "/%"
		       PRIu64 "\n", r, m.flushes, c->pkmap.flush_calls, m.probes,
		       engine_prims(e)->pkmap_probes);
	tap_ok(!badcheck && nerrs == 0 && c->pkmap.sleeps == 0,
	       "pool of %u: invariants held, no errors, no sleeps", n);
	engine_free(e);
}

int main(void)
{
	uint32_t n;

	rotation_and_flush();
	reuse();
	for (n = 1; n <= 256; n *= 2)
		scan_like_the_kernel(n, n * 7919 + 1, 20000);
	return tap_done();
}
