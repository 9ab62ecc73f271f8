/*
 * The engine's insides, shared by its files and by nothing else.  Every
 * table grows by doubling, so no event allocates except when a table of
 * pages, tasks or live vmaps reaches a size it never had.
 */
#ifndef HMPLAN_ENGINE_INTERNAL_H
#define HMPLAN_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

#define NIL UINT32_MAX		/* no task, no entry, no node */

/* ---- pmap.c: (key, sub) -> value hash, open addressing ---- */

struct pmap_slot {
	uint64_t key;
	uint32_t sub;
	uint32_t val;		/* NIL: empty slot */
};

struct pmap {
	struct pmap_slot *slot;
	uint32_t mask;		/* capacity - 1, a power of two minus one */
	uint32_t n;
};

int pmap_init(struct pmap *m, uint32_t min_cap);
void pmap_free(struct pmap *m);
uint32_t pmap_get(const struct pmap *m, uint64_t key, uint32_t sub);
/* Insert or replace; -1 when out of memory. */
int pmap_put(struct pmap *m, uint64_t key, uint32_t sub, uint32_t val);
void pmap_del(struct pmap *m, uint64_t key, uint32_t sub);

/* Grow *p (element size sz) to hold at least need elements: 0 or -1. */
int grow(void *p, size_t *cap, size_t need, size_t sz);

/* ---- pkmap.c: the permanent kmap pool (S3) ---- */

struct pkmap {
	uint32_t n, mask;	/* LAST_PKMAP and its mask */
	uint32_t cursor;	/* last_pkmap_nr */
	uint32_t in_use;	/* entries with count >= 2 */
	uint32_t words;		/* 64-bit words per bitmap */
	uint32_t *count;	/* pkmap_count[] */
	uint64_t *page;		/* pfn each entry maps (count >= 1) */
	uint64_t *zero;		/* bit set: count == 0 */
	uint64_t *one;		/* bit set: count == 1 */
	struct pmap where;	/* page_address(): pfn -> entry, count >= 1 */
};

/* ---- vtree.c: free vmap blocks, an AVL tree by start, augmented with max size ---- */

struct vnode {
	uint64_t start, size, max;	/* pages; max: largest size in the subtree */
	uint32_t l, r;
	int32_t h;
};

struct vtree {
	struct vnode *n;
	size_t cap;
	uint32_t root, used, free;	/* free: list through .l */
};

void vtree_init(struct vtree *t);
void vtree_free(struct vtree *t);
/* Take `need` pages from the lowest block that holds them: 0 and *start, or -1. */
int vtree_alloc(struct vtree *t, uint64_t need, uint64_t *start);
/* Return [start, start + size) to the tree, merged with its neighbours: 0 or -1 (memory). */
int vtree_insert(struct vtree *t, uint64_t start, uint64_t size);
/* Order, AVL balance, heights and maxima, all checked (tests): NULL or what is wrong. */
const char *vtree_check(const struct vtree *t);
/* Walk the blocks in address order (tests). */
void vtree_walk(const struct vtree *t, void (*fn)(void *ctx, uint64_t start, uint64_t size),
		void *ctx);

/* ---- vmap.c: the vmalloc window (S5) ---- */

#define VBIND_INLINE 24

struct vbind {
	uint64_t hash;		/* 0: empty slot */
	uint64_t start;		/* page offset in the window */
	uint64_t pages;		/* n (the guard page not included) */
	uint32_t len;
	bool null;		/* bound to a failed vmap (NULL) */
	union {
		char in[VBIND_INLINE];	/* the id, up to VBIND_INLINE bytes */
		size_t off;		/* else its offset in the key arena */
	} key;
};

struct vrange {
	uint64_t start, pages;
};

struct vmapper {
	uint64_t pages;		/* window size in pages */
	uint64_t threshold;	/* lazy_max_pages */
	struct vtree free;
	struct vrange *lazy;	/* lazily freed areas, waiting for a purge */
	size_t nlazy, lazycap;
	struct vrange *scratch;	/* the purge's sort */
	size_t scratchcap;
	uint64_t lazy_pages;	/* vmap_lazy_nr */
	struct vbind *bind;	/* id -> area, live (and failed) bindings only */
	size_t bmask, nbind;
	char *keys;		/* arena of the longer ids; dead ones compacted away */
	size_t klen, kcap, kdead;
	uint64_t live_bytes;
};

/* ---- sched.c / engine.c: tasks, CPUs, the wait queue ---- */

struct handle {
	uint64_t pfn;
	uint32_t cpu, pos;	/* the fixmap slot the address named */
};

/* A deferred event, its id (if any) in the backlog's id arena. */
struct bl_event {
	uint64_t line, arg;
	size_t idoff;
	uint32_t idlen;
	uint8_t op;
};

struct backlog {
	struct bl_event *ev;
	size_t head, len, cap;	/* waiting: ev[head, len) */
	char *ids;
	size_t idlen, idcap;
};

struct task {
	uint32_t cpu;
	uint32_t atomic;	/* outstanding kmap_atomic() (its preempt count share) */
	uint32_t depth;		/* kmap_ctrl idx: highmem local/atomic maps */
	size_t cap;		/* room in stack[] and handles[] */
	uint64_t *stack;	/* pfn at each stack position */
	struct handle *handles;	/* addresses handed out, oldest first */
	uint32_t hold_head, hold_tail;	/* kmap() holds, in map order */
	uint64_t nholds;
	uint64_t sleep_pfn, sleep_line;	/* the kmap() it sleeps in */
	bool asleep;
	struct backlog bl;
};

/* A kmap() hold: one pfn held by one task, linked in map order. */
struct hold {
	uint64_t pfn;
	uint32_t prev, next;	/* the task's holds in map order */
	uint32_t older;		/* the task's previous hold of the same pfn */
};

/* The resume machinery (S7.2) runs on an explicit stack, not C recursion. */
struct frame {
	uint32_t task;		/* NIL: a resume frame over woken[first, end) */
	size_t first, next, end;
};

struct task_queue {
	uint32_t *v;
	size_t head, len, cap;	/* tasks v[head, len) */
};

struct engine {
	struct engine_params p;
	engine_error_fn on_error;
	void *ctx;
	struct engine_counters c;
	struct engine_prims pr;
	struct engine_prims price;	/* engine_set_prices(); zero by default */
	uint64_t priced;	/* price . pr, events excluded, kept by PRIM_ADD */

	struct task *tasks;
	size_t ntasks, taskcap;
	uint32_t *current;	/* per CPU: the task whose slots are installed */

	struct pkmap pk;
	struct hold *holds;
	size_t nhold, holdcap;
	uint32_t holdfree;	/* free list through .next */
	struct pmap holdmap;	/* (pfn, task) -> most recent hold */

	struct task_queue waitq;	/* pkmap_map_wait, FIFO */
	uint32_t *woken;	/* tasks being resumed, a stack of lists */
	size_t nwoken, wokencap;
	bool woke;		/* the event just run moved the queue into woken[] */
	size_t woke_from;
	struct frame *frames;
	size_t nframes, framecap;

	struct vmapper vm;
	bool oom, finished;
	size_t deadlocked;

	char detail[192];	/* error detail being built */
	size_t dlen;
};

/* Count n more of primitive f (a field of struct engine_prims), priced. */
#define PRIM_ADD(e, f, n) do { \
	uint64_t n_ = (n); \
	(e)->pr.f += n_; \
	(e)->priced += (e)->price.f * n_; \
} while (0)

/* errors and their details (engine.c) */
void err_begin(struct engine *e);
void err_str(struct engine *e, const char *s);
void err_bytes(struct engine *e, const char *s, size_t n);
void err_u64(struct engine *e, uint64_t v);
void err_emit(struct engine *e, uint64_t line, uint32_t task, enum engine_error_kind kind);

static inline bool is_highmem(const struct engine *e, uint64_t pfn)
{
	return pfn >= e->p.max_low_pfn;
}

/* pkmap.c */
int pkmap_init(struct pkmap *pk, uint32_t n);
void pkmap_free(struct pkmap *pk);
void op_kmap(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn, uint64_t line);
void op_kunmap(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn, uint64_t line);
/* Retry of a woken task's kmap (S3.6 steps 4-5): true if it completed. */
bool kmap_retry(struct engine *e, uint32_t ti);
bool holds_has(const struct engine *e, uint32_t ti, uint64_t pfn);
const char *pkmap_check(const struct engine *e);

/*
 * kmap_local.c: S7.3 in full for kmap_local/kmap_atomic, their unmaps and
 * touch.  The op_ functions below are their usual cases, inline in the
 * dispatch; anything else goes to these.
 */
void local_map_general(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
		       uint64_t line, bool atomic);
void local_unmap_general(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
			 uint64_t line, bool atomic);
void touch_general(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn, uint64_t line);
const char *local_check(const struct engine *e);

/* Push a highmem page on the task's stack, at a slot of its CPU (room checked). */
static inline void local_push(struct engine *e, struct task *t, uint64_t pfn)
{
	t->handles[t->depth] = (struct handle){ pfn, t->cpu, t->depth };
	t->stack[t->depth++] = pfn;
	e->c.local.pte_sets++;
	PRIM_ADD(e, pte_writes, 1);
	if (t->depth > e->c.local.max_depth)
		e->c.local.max_depth = t->depth;
}

/* Clear and pop the top slot: PTE clear and local invlpg. */
static inline void local_pop(struct engine *e, struct task *t)
{
	t->depth--;
	e->c.local.pte_clears++;
	e->c.local.invlpg++;
	PRIM_ADD(e, pte_clears, 1);
	PRIM_ADD(e, invlpg, 1);
}

/* The task's newest local address, or NULL. */
static inline const struct handle *newest_handle(const struct task *t)
{
	return t->depth ? &t->handles[t->depth - 1] : NULL;
}

/* Usual: a lowmem page, or a highmem one with room on the stack. */
static inline void op_kmap_local(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
				 uint64_t line, bool atomic)
{
	bool high = is_highmem(e, pfn);

	if (high && (t->depth + 1 >= e->p.km_max_idx || t->depth >= t->cap)) {
		local_map_general(e, t, ti, pfn, line, atomic);
		return;
	}
	if (atomic) {
		e->c.atomic.maps++;
		e->c.atomic.lowmem += !high;
		t->atomic++;
	} else {
		e->c.local.maps++;
		e->c.local.lowmem += !high;
	}
	if (high)
		local_push(e, t, pfn);
}

/* Usual: a lowmem page, or the newest highmem mapping in LIFO order; balanced atomics. */
static inline void op_kunmap_local(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
				   uint64_t line, bool atomic)
{
	const struct handle *h = newest_handle(t);
	bool high = is_highmem(e, pfn);

	if ((high && (!h || h->pfn != pfn || h->cpu != t->cpu || h->pos + 1 != t->depth)) ||
	    (atomic && !t->atomic)) {
		local_unmap_general(e, t, ti, pfn, line, atomic);
		return;
	}
	if (high)
		local_pop(e, t);
	if (atomic)
		t->atomic--;
}

/* Usual: a lowmem page, or the page the task's newest local address maps. */
static inline void op_touch(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
			    uint64_t line)
{
	const struct handle *h = newest_handle(t);

	if (!is_highmem(e, pfn) ||
	    (h && h->pfn == pfn && h->cpu == t->cpu && h->pos < t->depth && t->stack[h->pos] == pfn))
		return;
	touch_general(e, t, ti, pfn, line);
}

/* vmap.c */
int vmapper_init(struct vmapper *vm, const struct engine_params *p);
void vmapper_free(struct vmapper *vm);
void op_vmap(struct engine *e, struct task *t, uint32_t ti, const char *id, uint32_t idlen,
	     uint64_t pages, uint64_t line);
void op_vunmap(struct engine *e, struct task *t, uint32_t ti, const char *id, uint32_t idlen,
	       uint64_t line);
const char *vmap_check(const struct engine *e);

/* sched.c */
/* Switch the CPU's current task out and the task in (run_on_cpu's slow half). */
void switch_to(struct engine *e, uint32_t ti, uint64_t line);

/* Make the task current on its CPU (S7.2); most events find it so already. */
static inline void run_on_cpu(struct engine *e, uint32_t ti, uint64_t line)
{
	if (e->current[e->tasks[ti].cpu] != ti)
		switch_to(e, ti, line);
}

void sched_out(struct engine *e, struct task *t);
void sched_in(struct engine *e, struct task *t);
void op_cpu(struct engine *e, struct task *t, uint32_t ti, uint64_t cpu, uint64_t line);
void op_switch(struct engine *e, struct task *t, uint32_t ti, uint64_t line);
/* A failed scan: the task sleeps on the wait queue (S7.2). */
void task_sleep(struct engine *e, uint32_t ti, uint64_t pfn, uint64_t line);
/* A 2 -> 1 transition: wake every sleeper (they are resumed after the event). */
void wake_all(struct engine *e);
/* Run the S7.2 resume/drain work the last event left, until none is left. */
void sched_settle(struct engine *e);
int backlog_push(struct engine *e, struct task *t, const struct engine_event *ev);
void backlog_free(struct backlog *bl);

/* engine.c: run one event of an awake task */
void exec_event(struct engine *e, uint32_t ti, const struct engine_event *ev);

#endif
