/*
 * Permanent kmaps (S3): pkmap_count[], the rotating cursor, the flush on
 * every wrap, page_address() reuse, sleeping when the pool is full.
 *
 * The kernel probes entry after entry; we get the same outcome (which entry,
 * how many probes, whether the scan wraps and flushes, whether it sleeps)
 * from bitmaps of the count-0 and count-1 entries, a 64-bit word at a time,
 * and count the probes the kernel would have made arithmetically.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static inline void bit_set(uint64_t *b, uint32_t i)
{
	b[i >> 6] |= 1ull << (i & 63);
}

static inline void bit_clear(uint64_t *b, uint32_t i)
{
	b[i >> 6] &= ~(1ull << (i & 63));
}

static inline bool bit_test(const uint64_t *b, uint32_t i)
{
	return (b[i >> 6] >> (i & 63)) & 1;
}

/* First set bit in [from, to), or NIL. */
static uint32_t find_set(const uint64_t *b, uint32_t from, uint32_t to)
{
	uint32_t w, last;
	uint64_t word;

	if (from >= to)
		return NIL;
	w = from >> 6;
	last = (to - 1) >> 6;
	word = b[w] & (~0ull << (from & 63));
	for (;;) {
		if (word) {
			uint32_t i = (w << 6) + (uint32_t)__builtin_ctzll(word);

			return i < to ? i : NIL;
		}
		if (++w > last)
			return NIL;
		word = b[w];
	}
}

int pkmap_init(struct pkmap *pk, uint32_t n)
{
	uint32_t i;

	memset(pk, 0, sizeof(*pk));
	pk->n = n;
	pk->mask = n - 1;
	pk->words = (n + 63) / 64;
	pk->count = calloc(n, sizeof(*pk->count));
	pk->page = calloc(n, sizeof(*pk->page));
	pk->zero = calloc(pk->words, sizeof(uint64_t));
	pk->one = calloc(pk->words, sizeof(uint64_t));
	if (!pk->count || !pk->page || !pk->zero || !pk->one || pmap_init(&pk->where, 2 * n) < 0) {
		pkmap_free(pk);
		return -1;
	}
	for (i = 0; i < n; i++)
		bit_set(pk->zero, i);
	return 0;
}

void pkmap_free(struct pkmap *pk)
{
	free(pk->count);
	free(pk->page);
	free(pk->zero);
	free(pk->one);
	pmap_free(&pk->where);
	memset(pk, 0, sizeof(*pk));
}

/*
 * flush_all_zero_pkmaps() (S3.5): every count-1 entry goes to 0, its PTE is
 * cleared and its page loses its address; one global TLB flush if any did.
 */
static void flush_all_zero(struct engine *e)
{
	struct pkmap *pk = &e->pk;
	uint64_t reclaimed = 0;
	uint32_t w;

	e->c.pkmap.flush_calls++;
	PRIM_ADD(e, pkmap_flush_walks, 1);
	for (w = 0; w < pk->words; w++) {
		uint64_t bits = pk->one[w];

		while (bits) {
			uint32_t i = (w << 6) + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			pk->count[i] = 0;
			bit_set(pk->zero, i);
			pmap_del(&pk->where, pk->page[i], 0);
			reclaimed++;
		}
		pk->one[w] = 0;
	}
	if (reclaimed) {
		e->c.pkmap.reclaimed += reclaimed;
		PRIM_ADD(e, pte_clears, reclaimed);
		e->c.pkmap.tlb_flushes++;
		PRIM_ADD(e, tlb_flush_pkmap, 1);
	}
}

/*
 * map_new_virtual()'s scan (S3.4): from the cursor, the first count-0 entry
 * before the wrap; else flush at index 0 and the first count-0 entry from 0;
 * else (after LAST_PKMAP probes past the flush) NIL: the caller sleeps, the
 * cursor left at LAST_PKMAP - 1.  At most one flush per scan.
 */
static uint32_t scan(struct engine *e)
{
	struct pkmap *pk = &e->pk;
	uint32_t last = pk->cursor, i;

	i = find_set(pk->zero, last + 1, pk->n);
	if (i != NIL) {
		PRIM_ADD(e, pkmap_probes, i - last);
		pk->cursor = i;
		return i;
	}
	PRIM_ADD(e, pkmap_probes, pk->n - 1 - last);
	flush_all_zero(e);
	i = find_set(pk->zero, 0, pk->n);
	if (i != NIL) {
		PRIM_ADD(e, pkmap_probes, (uint64_t)i + 1);
		pk->cursor = i;
		return i;
	}
	PRIM_ADD(e, pkmap_probes, pk->n);
	pk->cursor = pk->n - 1;
	return NIL;
}

/* ---- kmap() holds: per task, in map order, with the most recent per pfn at hand ---- */

static uint32_t hold_alloc(struct engine *e)
{
	uint32_t h = e->holdfree;

	if (h != NIL) {
		e->holdfree = e->holds[h].next;
		return h;
	}
	if (e->nhold >= NIL - 1 || grow(&e->holds, &e->holdcap, e->nhold + 1, sizeof(*e->holds)) < 0)
		return NIL;
	return (uint32_t)e->nhold++;
}

static bool hold_add(struct engine *e, uint32_t ti, uint64_t pfn)
{
	struct task *t = &e->tasks[ti];
	uint32_t h = hold_alloc(e);
	struct hold *n;

	if (h == NIL)
		return false;
	n = &e->holds[h];
	n->pfn = pfn;
	n->older = pmap_get(&e->holdmap, pfn, ti);
	if (pmap_put(&e->holdmap, pfn, ti, h) < 0) {
		n->next = e->holdfree;
		e->holdfree = h;
		return false;
	}
	n->next = NIL;
	n->prev = t->hold_tail;
	if (t->hold_tail != NIL)
		e->holds[t->hold_tail].next = h;
	else
		t->hold_head = h;
	t->hold_tail = h;
	t->nholds++;
	return true;
}

bool holds_has(const struct engine *e, uint32_t ti, uint64_t pfn)
{
	return pmap_get(&e->holdmap, pfn, ti) != NIL;
}

/* Remove the task's most recent hold of pfn (it must exist). */
static bool hold_remove(struct engine *e, uint32_t ti, uint64_t pfn)
{
	struct task *t = &e->tasks[ti];
	uint32_t h = pmap_get(&e->holdmap, pfn, ti);
	struct hold *n;

	if (h == NIL)
		return false;
	n = &e->holds[h];

	if (n->older != NIL)
		pmap_put(&e->holdmap, pfn, ti, n->older);	/* replaces: cannot fail */
	else
		pmap_del(&e->holdmap, pfn, ti);
	if (n->prev != NIL)
		e->holds[n->prev].next = n->next;
	else
		t->hold_head = n->next;
	if (n->next != NIL)
		e->holds[n->next].prev = n->prev;
	else
		t->hold_tail = n->prev;
	t->nholds--;
	n->next = e->holdfree;
	e->holdfree = h;
	return true;
}

/* The entry now has one more user; count 1 -> 2 puts it back in use. */
static void entry_get(struct engine *e, uint32_t i)
{
	struct pkmap *pk = &e->pk;

	if (pk->count[i] == 1) {
		bit_clear(pk->one, i);
		if (++pk->in_use > e->c.pkmap.max_in_use)
			e->c.pkmap.max_in_use = pk->in_use;
	}
	pk->count[i]++;
}

/* Install pfn in the free entry i (count 0 -> 1, PTE written). */
static bool entry_install(struct engine *e, uint32_t i, uint64_t pfn)
{
	struct pkmap *pk = &e->pk;

	if (pmap_put(&pk->where, pfn, 0, i) < 0)
		return false;
	bit_clear(pk->zero, i);
	bit_set(pk->one, i);
	pk->count[i] = 1;
	pk->page[i] = pfn;
	PRIM_ADD(e, pte_writes, 1);
	return true;
}

/*
 * kmap_high() for a task that is awake and current: a hit through
 * page_address(), a new entry, or NIL when the scan fails (the caller sleeps).
 */
static uint32_t kmap_high(struct engine *e, uint32_t ti, uint64_t pfn)
{
	struct pkmap *pk = &e->pk;
	uint32_t i;

	PRIM_ADD(e, pkmap_lookups, 1);
	i = pmap_get(&pk->where, pfn, 0);
	if (i != NIL) {
		e->c.pkmap.hits++;
	} else {
		i = scan(e);
		if (i == NIL)
			return NIL;
		if (!entry_install(e, i, pfn)) {
			e->oom = true;
			return i;
		}
		e->c.pkmap.new_entries++;
	}
	entry_get(e, i);
	if (!hold_add(e, ti, pfn))
		e->oom = true;
	return i;
}

/* kmap() and kunmap() may sleep: a mistake inside a kmap_atomic section. */
static void sleep_in_atomic(struct engine *e, const struct task *t, uint32_t ti,
			    const char *op, uint64_t pfn, uint64_t line)
{
	err_begin(e);
	err_str(e, op);
	err_u64(e, pfn);
	err_str(e, ") may sleep, but the task holds ");
	err_u64(e, t->atomic);
	err_str(e, " kmap_atomic");
	err_emit(e, line, ti, ENGINE_ERR_SLEEP_IN_ATOMIC);
}

void op_kmap(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn, uint64_t line)
{
	if (t->atomic)
		sleep_in_atomic(e, t, ti, "kmap(", pfn, line);
	if (!is_highmem(e, pfn))
		return;
	e->c.pkmap.maps++;
	if (kmap_high(e, ti, pfn) == NIL)
		task_sleep(e, ti, pfn, line);
}

bool kmap_retry(struct engine *e, uint32_t ti)
{
	struct task *t = &e->tasks[ti];

	if (kmap_high(e, ti, t->sleep_pfn) != NIL)
		return true;
	task_sleep(e, ti, t->sleep_pfn, t->sleep_line);
	return false;
}

void op_kunmap(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn, uint64_t line)
{
	struct pkmap *pk = &e->pk;
	uint32_t i;

	if (t->atomic)
		sleep_in_atomic(e, t, ti, "kunmap(", pfn, line);
	if (!is_highmem(e, pfn))
		return;
	if (!hold_remove(e, ti, pfn)) {
		err_begin(e);
		err_str(e, "kunmap(");
		err_u64(e, pfn);
		err_str(e, "): the task holds no kmap() of this page");
		err_emit(e, line, ti, ENGINE_ERR_UNMAP_NOT_MAPPED);
		return;
	}
	PRIM_ADD(e, pkmap_lookups, 1);
	i = pmap_get(&pk->where, pfn, 0);
	if (--pk->count[i] == 1) {
		bit_set(pk->one, i);
		pk->in_use--;
		if (e->waitq.len > e->waitq.head)
			wake_all(e);
	}
}

/* ---- invariants (tests) ---- */

static const char *pkmap_check_entry(const struct engine *e, uint32_t i, uint64_t *held)
{
	const struct pkmap *pk = &e->pk;
	uint32_t c = pk->count[i];

	if (bit_test(pk->zero, i) != (c == 0) || bit_test(pk->one, i) != (c == 1))
		return "pkmap: bitmaps disagree with pkmap_count[]";
	if (c == 0)
		return NULL;
	if (pmap_get(&pk->where, pk->page[i], 0) != i)
		return "pkmap: page_address() does not find a mapped entry";
	*held += c - 1;
	return NULL;
}

const char *pkmap_check(const struct engine *e)
{
	const struct pkmap *pk = &e->pk;
	uint64_t held = 0, holds = 0, mapped = 0;
	uint32_t i, in_use = 0;
	size_t ti;

	for (i = 0; i < pk->n; i++) {
		const char *why = pkmap_check_entry(e, i, &held);

		if (why)
			return why;
		mapped += pk->count[i] != 0;
		in_use += pk->count[i] >= 2;
	}
	if (in_use != pk->in_use)
		return "pkmap: in-use count is wrong";
	if (mapped != pk->where.n)
		return "pkmap: page_address() has records for unmapped pages";
	for (ti = 0; ti < e->ntasks; ti++) {
		const struct task *t = &e->tasks[ti];
		uint64_t n = 0;
		uint32_t h;

		for (h = t->hold_head; h != NIL; h = e->holds[h].next) {
			uint32_t entry = pmap_get(&pk->where, e->holds[h].pfn, 0);

			if (entry == NIL || pk->count[entry] < 2)
				return "pkmap: a task holds a page that has no entry in use";
			n++;
		}
		if (n != t->nholds)
			return "pkmap: a task's hold count disagrees with its holds";
		holds += n;
	}
	if (holds != held)
		return "pkmap: counts do not equal 1 + what tasks hold";
	return NULL;
}
