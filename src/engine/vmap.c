/*
 * vmap()/vunmap() in the vmalloc window (S5, S7.3): lowest-address fit of
 * n + 1 pages (the guard page), lazy freeing, the purge above the
 * threshold, purge-and-retry before failing.  Ids name the pointer a caller
 * keeps: only bound ids are stored (live or failed), so memory follows the
 * live vmaps, not the trace.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define PAGE 4096u

static uint64_t id_hash(const char *s, uint32_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	h ^= h >> 29;
	return h ? h : 1;	/* 0 marks an empty slot */
}

static const char *bind_key(const struct vmapper *vm, const struct vbind *b)
{
	return b->len > VBIND_INLINE ? vm->keys + b->key.off : b->key.in;
}

int vmapper_init(struct vmapper *vm, const struct engine_params *p)
{
	memset(vm, 0, sizeof(*vm));
	vm->pages = (p->vmalloc_end - p->vmalloc_start) / PAGE;
	vm->threshold = p->lazy_max_pages;
	vtree_init(&vm->free);
	vm->bmask = 15;
	vm->bind = calloc(vm->bmask + 1, sizeof(*vm->bind));
	if (!vm->bind || vtree_insert(&vm->free, 0, vm->pages) < 0) {
		vmapper_free(vm);
		return -1;
	}
	return 0;
}

void vmapper_free(struct vmapper *vm)
{
	free(vm->keys);
	free(vm->bind);
	free(vm->lazy);
	free(vm->scratch);
	vtree_free(&vm->free);
	memset(vm, 0, sizeof(*vm));
}

static struct vbind *bind_find(const struct vmapper *vm, const char *id, uint32_t n, uint64_t h)
{
	size_t i = h & vm->bmask;

	for (;; i = (i + 1) & vm->bmask) {
		struct vbind *b = &vm->bind[i];

		if (!b->hash)
			return NULL;
		if (b->hash == h && b->len == n && memcmp(bind_key(vm, b), id, n) == 0)
			return b;
	}
}

static struct vbind *bind_slot(struct vmapper *vm, uint64_t h)
{
	size_t i = h & vm->bmask;

	while (vm->bind[i].hash)
		i = (i + 1) & vm->bmask;
	return &vm->bind[i];
}

static int bind_grow(struct vmapper *vm)
{
	struct vbind *old = vm->bind;
	size_t oldmask = vm->bmask, i;

	if ((vm->nbind + 1) * 2 <= vm->bmask + 1)
		return 0;
	vm->bind = calloc((oldmask + 1) * 2, sizeof(*vm->bind));
	if (!vm->bind) {
		vm->bind = old;
		return -1;
	}
	vm->bmask = oldmask * 2 + 1;
	for (i = 0; i <= oldmask; i++)
		if (old[i].hash)
			*bind_slot(vm, old[i].hash) = old[i];
	free(old);
	return 0;
}

/*
 * Room for a long id in the key arena.  Ids of unbound vmaps are dead
 * bytes; once they are half the arena, the live ones are packed again, so
 * the arena follows the live ids and grows only when they do.
 */
static int key_store(struct vmapper *vm, const char *id, uint32_t n, size_t *off)
{
	if (vm->kdead > 4096 && vm->kdead * 2 > vm->klen) {
		char *packed = malloc(vm->kcap);
		size_t i, len = 0;

		if (!packed)
			return -1;
		for (i = 0; i <= vm->bmask; i++) {
			struct vbind *b = &vm->bind[i];

			if (b->hash && b->len > VBIND_INLINE) {
				memcpy(packed + len, vm->keys + b->key.off, b->len);
				b->key.off = len;
				len += b->len;
			}
		}
		free(vm->keys);
		vm->keys = packed;
		vm->klen = len;
		vm->kdead = 0;
	}
	if (grow(&vm->keys, &vm->kcap, vm->klen + n, 1) < 0)
		return -1;
	memcpy(vm->keys + vm->klen, id, n);
	*off = vm->klen;
	vm->klen += n;
	return 0;
}

/* A new binding for an id not bound now, or NULL (out of memory). */
static struct vbind *bind_add(struct vmapper *vm, const char *id, uint32_t n, uint64_t h)
{
	struct vbind *b;
	size_t off = 0;

	if (bind_grow(vm) < 0 || (n > VBIND_INLINE && key_store(vm, id, n, &off) < 0))
		return NULL;
	b = bind_slot(vm, h);
	memset(b, 0, sizeof(*b));
	if (n > VBIND_INLINE)
		b->key.off = off;
	else
		memcpy(b->key.in, id, n);
	b->hash = h;
	b->len = n;
	vm->nbind++;
	return b;
}

static void bind_del(struct vmapper *vm, struct vbind *b)
{
	size_t i = (size_t)(b - vm->bind), j;

	if (b->len > VBIND_INLINE)
		vm->kdead += b->len;
	vm->nbind--;
	for (j = i;;) {
		size_t home;

		j = (j + 1) & vm->bmask;
		if (!vm->bind[j].hash)
			break;
		home = vm->bind[j].hash & vm->bmask;
		if (((j - home) & vm->bmask) >= ((j - i) & vm->bmask)) {
			vm->bind[i] = vm->bind[j];
			i = j;
		}
	}
	memset(&vm->bind[i], 0, sizeof(vm->bind[i]));
}

/*
 * The lazy areas in order of start: an LSD radix sort, a byte a pass, as
 * many passes as the window's page numbers have bytes (two for 120 MiB).
 * false when the scratch array cannot be had: they stay as they are.
 */
static bool sort_lazy(struct vmapper *vm)
{
	struct vrange *src = vm->lazy, *dst;
	size_t n = vm->nlazy, i, pos[256], cap;
	unsigned shift, bits = 64 - (unsigned)__builtin_clzll(vm->pages | 1);

	if (grow(&vm->scratch, &vm->scratchcap, vm->lazycap, sizeof(*vm->scratch)) < 0)
		return false;
	dst = vm->scratch;
	for (shift = 0; shift < bits; shift += 8) {
		size_t sum = 0;

		memset(pos, 0, sizeof(pos));
		for (i = 0; i < n; i++)
			pos[(src[i].start >> shift) & 255]++;
		for (i = 0; i < 256; i++) {
			size_t c = pos[i];

			pos[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[pos[(src[i].start >> shift) & 255]++] = src[i];
		dst = src;
		src = src == vm->lazy ? vm->scratch : vm->lazy;
	}
	if (src != vm->lazy) {	/* an odd number of passes: the sorted copy is the list now */
		vm->scratch = vm->lazy;
		vm->lazy = src;
		cap = vm->scratchcap;
		vm->scratchcap = vm->lazycap;
		vm->lazycap = cap;
	}
	return true;
}

/*
 * The lazy areas back to the free tree.  The tree keeps free space as
 * maximal blocks whatever the order they come in, so the areas are sorted
 * and runs of adjacent ones (neighbours in the window, freed apart) go in
 * as one block: fewer tree operations, the same free space.
 */
static void free_lazy(struct engine *e)
{
	struct vmapper *vm = &e->vm;
	bool sorted = sort_lazy(vm);
	size_t i, j;

	for (i = 0; i < vm->nlazy; i = j) {
		uint64_t end = vm->lazy[i].start + vm->lazy[i].pages;

		for (j = i + 1; sorted && j < vm->nlazy && vm->lazy[j].start == end; j++)
			end += vm->lazy[j].pages;
		if (vtree_insert(&vm->free, vm->lazy[i].start, end - vm->lazy[i].start) < 0)
			e->oom = true;
	}
}

/* Purge (S5.3): one global flush if anything was lazy; lazy areas become free. */
static void purge(struct engine *e)
{
	struct vmapper *vm = &e->vm;

	e->c.vmap.purges++;
	PRIM_ADD(e, vmap_purges, 1);
	if (!vm->nlazy)
		return;
	e->c.vmap.tlb_flushes++;
	PRIM_ADD(e, tlb_flush_vmap, 1);
	PRIM_ADD(e, vmap_purged_pages, vm->lazy_pages);
	free_lazy(e);
	vm->nlazy = 0;
	vm->lazy_pages = 0;
}

/* alloc_vmap_area(): fit, else purge and fit again (S5.4). */
static int area_alloc(struct engine *e, uint64_t need, uint64_t *start)
{
	struct vmapper *vm = &e->vm;

	PRIM_ADD(e, vmap_searches, 1);
	if (need <= vm->pages && vtree_alloc(&vm->free, need, start) == 0)
		return 0;
	purge(e);
	PRIM_ADD(e, vmap_searches, 1);
	if (need <= vm->pages && vtree_alloc(&vm->free, need, start) == 0)
		return 0;
	return -1;
}

static void id_error(struct engine *e, const char *what, const char *id, uint32_t n)
{
	err_begin(e);
	err_str(e, what);
	err_str(e, " '");
	err_bytes(e, id, n > 40 ? 40 : n);
	err_str(e, n > 40 ? "...'" : "'");
}

static void might_sleep(struct engine *e, struct task *t, uint32_t ti, const char *what,
			const char *id, uint32_t n, uint64_t line)
{
	if (!t->atomic)
		return;
	id_error(e, what, id, n);
	err_str(e, ": may sleep, but the task holds ");
	err_u64(e, t->atomic);
	err_str(e, " kmap_atomic");
	err_emit(e, line, ti, ENGINE_ERR_SLEEP_IN_ATOMIC);
}

void op_vmap(struct engine *e, struct task *t, uint32_t ti, const char *id, uint32_t idlen,
	     uint64_t pages, uint64_t line)
{
	struct vmapper *vm = &e->vm;
	uint64_t h = id_hash(id, idlen), start = 0;
	struct vbind *b;
	bool ok;

	might_sleep(e, t, ti, "vmap", id, idlen, line);
	b = bind_find(vm, id, idlen, h);
	if (b && !b->null) {
		/* the caller overwrites a live pointer: the old area is leaked */
		id_error(e, "vmap", id, idlen);
		err_str(e, ": the id is still mapped; its area is leaked and the id rebound");
		err_emit(e, line, ti, ENGINE_ERR_VMAP_UNKNOWN_ID);
	}
	/* size 0 returns NULL at once, without a purge; a size beyond the window
	 * cannot fit (and must not wrap when the guard page is added) */
	ok = pages && area_alloc(e, pages < vm->pages ? pages + 1 : UINT64_MAX, &start) == 0;
	if (!b && !(b = bind_add(vm, id, idlen, h))) {
		e->oom = true;
		return;
	}
	b->null = !ok;
	b->start = start;
	b->pages = ok ? pages : 0;
	if (!ok) {
		e->c.vmap.failures++;
		return;
	}
	e->c.vmap.maps++;
	PRIM_ADD(e, vmap_allocs, 1);
	PRIM_ADD(e, vmap_pages_mapped, pages);
	PRIM_ADD(e, pte_writes, pages);
	vm->live_bytes += pages * PAGE;
	if (vm->live_bytes > e->c.vmap.peak_bytes)
		e->c.vmap.peak_bytes = vm->live_bytes;
}

void op_vunmap(struct engine *e, struct task *t, uint32_t ti, const char *id, uint32_t idlen,
	       uint64_t line)
{
	struct vmapper *vm = &e->vm;
	struct vbind *b;
	struct vrange r;

	might_sleep(e, t, ti, "vunmap", id, idlen, line);
	b = bind_find(vm, id, idlen, id_hash(id, idlen));
	if (!b) {
		id_error(e, "vunmap", id, idlen);
		err_str(e, ": no live vmap has this id (never mapped, or already unmapped)");
		err_emit(e, line, ti, ENGINE_ERR_VMAP_UNKNOWN_ID);
		return;
	}
	if (b->null) {
		/* vunmap(NULL) of a failed vmap: silent, and the id is consumed */
		bind_del(vm, b);
		return;
	}
	r = (struct vrange){ b->start, b->pages + 1 };
	bind_del(vm, b);
	e->c.vmap.unmaps++;
	PRIM_ADD(e, vmap_pages_unmapped, r.pages - 1);
	PRIM_ADD(e, pte_clears, r.pages - 1);
	vm->live_bytes -= (r.pages - 1) * PAGE;
	if (grow(&vm->lazy, &vm->lazycap, vm->nlazy + 1, sizeof(*vm->lazy)) < 0) {
		e->oom = true;
		return;
	}
	vm->lazy[vm->nlazy++] = r;
	vm->lazy_pages += r.pages;
	if (vm->lazy_pages > e->c.vmap.lazy_pages_peak)
		e->c.vmap.lazy_pages_peak = vm->lazy_pages;
	if (vm->lazy_pages > vm->threshold)
		purge(e);	/* the drain worker, run at once (S8.14) */
}

int engine_vmap_lookup(const struct engine *e, const char *id, uint32_t idlen, uint64_t *addr,
		       uint64_t *pages)
{
	struct vbind *b = bind_find(&e->vm, id, idlen, id_hash(id, idlen));

	if (!b)
		return -1;
	if (b->null)
		return 0;
	*addr = e->p.vmalloc_start + b->start * PAGE;
	*pages = b->pages;
	return 1;
}

/* ---- invariants (tests) ---- */

struct span {
	uint64_t start, end;
};

struct spans {
	struct span *v;
	size_t n, cap;
	bool oom;
};

static void span_add(void *ctx, uint64_t start, uint64_t size)
{
	struct spans *s = ctx;

	if (grow(&s->v, &s->cap, s->n + 1, sizeof(*s->v)) < 0) {
		s->oom = true;
		return;
	}
	s->v[s->n++] = (struct span){ start, start + size };
}

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Free blocks, lazy areas and live areas: disjoint and inside the window. */
const char *vmap_check(const struct engine *e)
{
	const struct vmapper *vm = &e->vm;
	struct spans s = { NULL, 0, 0, false };
	const char *why = vtree_check(&vm->free);
	uint64_t live = 0, lazy = 0;
	size_t i;

	if (why)
		return why;
	vtree_walk(&vm->free, span_add, &s);
	for (i = 0; i < vm->nlazy; i++) {
		span_add(&s, vm->lazy[i].start, vm->lazy[i].pages);
		lazy += vm->lazy[i].pages;
	}
	for (i = 0; i <= vm->bmask; i++)
		if (vm->bind[i].hash && !vm->bind[i].null) {
			span_add(&s, vm->bind[i].start, vm->bind[i].pages + 1);
			live += vm->bind[i].pages * PAGE;
		}
	if (s.oom) {
		free(s.v);
		return "vmap: out of memory while checking";
	}
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), span_cmp);
	for (i = 0; i < s.n && !why; i++) {
		if (s.v[i].end <= s.v[i].start || s.v[i].end > vm->pages)
			why = "vmap: an area is empty or outside the window";
		else if (i && s.v[i].start < s.v[i - 1].end)
			why = "vmap: areas overlap";
	}
	free(s.v);
	if (!why && lazy != vm->lazy_pages)
		why = "vmap: lazy page count disagrees with the lazy list";
	if (!why && live > vm->live_bytes)
		why = "vmap: live bytes below what bound ids map";
	return why;
}
