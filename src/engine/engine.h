/*
 * The highmem engine: a pure model of how Linux 6.1 on 32-bit x86 maps high
 * memory -- kmap()/kunmap() and the pkmap pool, kmap_local_page() and
 * kmap_atomic() with their per-task slots, vmap()/vunmap() in the vmalloc
 * area -- event for event, as ../shared/reference/highmem-engine.md (S3-S8)
 * specifies it.  No I/O, no exit(), no parsing here: plain structs in, plain
 * structs and callbacks out.
 *
 * Using it:
 *
 *	struct engine_params p;
 *	engine_params_default(&p);          // S7.1 defaults (then override)
 *	struct engine *e = engine_new(&p, on_error, ctx);
 *	for each event:                     // task = dense index, 0, 1, 2...
 *		engine_submit(e, &ev);      //   in order of first appearance
 *	engine_finish(e);                   // end of trace: deadlock check
 *	engine_counters(e)->pkmap.maps ...  // the S7.4 counters
 *	engine_free(e);
 *
 * Costing one event (for a cost model): copy *engine_prims(e) before
 * engine_submit() and subtract it from the value after (engine_prims_sub()).
 * The difference includes everything the event caused: wake-ups, the
 * retries of woken tasks and the deferred events they ran.  A model that is
 * linear in the primitives can instead give their prices once
 * (engine_set_prices()) and subtract engine_priced() before from after.
 *
 * Errors (the trace's mistakes, S7.5) are reported through the callback as
 * they happen, in order; the engine keeps none of them.
 */
#ifndef HMPLAN_ENGINE_H
#define HMPLAN_ENGINE_H

#include <stddef.h>
#include <stdint.h>

/* Engine parameters (S7.1).  Every count is in pages or entries as named. */
struct engine_params {
	uint32_t last_pkmap;	/* pkmap entries: a power of two (1024, 512 PAE) */
	uint32_t km_max_idx;	/* KM_MAX_IDX: usable local depth is one less */
	uint32_t cpus;		/* online CPUs: placement and the lazy threshold */
	uint64_t max_low_pfn;	/* pfn >= this is highmem */
	uint64_t vmalloc_start;	/* vmap window [start, end), bytes, page aligned */
	uint64_t vmalloc_end;
	uint64_t lazy_max_pages;	/* purge when lazily freed pages exceed this */
};

#define ENGINE_MAX_LAST_PKMAP	(1u << 20)
#define ENGINE_MAX_KM_MAX_IDX	4096u
#define ENGINE_MAX_CPUS		4096u

/* The S7.1 defaults; lazy_max_pages = fls(cpus) x 8192 for p->cpus. */
void engine_params_default(struct engine_params *p);
/* fls(cpus) x 8192: the kernel's lazy_max_pages() */
uint64_t engine_lazy_default(uint32_t cpus);
/* NULL if the parameters are usable, else why not (a static string). */
const char *engine_params_check(const struct engine_params *p);

/* Trace operations (DESIGN.md section 5). */
enum engine_op {
	ENGINE_CPU,		/* arg: the CPU to move to */
	ENGINE_KMAP,		/* arg: pfn */
	ENGINE_KUNMAP,
	ENGINE_KMAP_LOCAL,
	ENGINE_KUNMAP_LOCAL,
	ENGINE_KMAP_ATOMIC,
	ENGINE_KUNMAP_ATOMIC,
	ENGINE_VMAP,		/* id, arg: pages */
	ENGINE_VUNMAP,		/* id */
	ENGINE_SWITCH,		/* no argument */
	ENGINE_TOUCH,		/* arg: pfn */
	ENGINE_NOPS
};

/* The op's name as a trace spells it ("kmap_local"). */
const char *engine_op_name(enum engine_op op);

struct engine_event {
	uint64_t line;		/* reported with errors; the engine does not interpret it */
	uint64_t arg;		/* pfn, CPU number or page count, by op */
	const char *id;		/* vmap/vunmap: the id's bytes (not NUL-terminated) */
	uint32_t idlen;		/* an id is any byte string, compared exactly */
	uint32_t task;		/* dense index: existing task, or the next new one */
	uint8_t op;		/* enum engine_op */
};

enum engine_error_kind {
	ENGINE_ERR_LIFO_VIOLATION,
	ENGINE_ERR_DEPTH_OVERFLOW,
	ENGINE_ERR_UNMAP_NOT_MAPPED,
	ENGINE_ERR_SLEEP_IN_ATOMIC,
	ENGINE_ERR_SWITCH_IN_ATOMIC,
	ENGINE_ERR_CPU_CHANGE_IN_ATOMIC,
	ENGINE_ERR_TOUCH_UNMAPPED,
	ENGINE_ERR_DEADLOCK,
	ENGINE_ERR_VMAP_UNKNOWN_ID,
	ENGINE_NERRORS
};

/* "lifo_violation" ...: the kind as DESIGN.md section 6 spells it. */
const char *engine_error_name(enum engine_error_kind kind);
/* The kind for a name, or -1. */
int engine_error_kind(const char *name, size_t len);

struct engine_error {
	uint64_t line;		/* line of the event at fault (S7.5) */
	uint32_t task;		/* the task at fault */
	enum engine_error_kind kind;
	const char *detail;	/* short text, valid only during the callback */
};

typedef void (*engine_error_fn)(void *ctx, const struct engine_error *err);

/* The counters of S7.4 (DESIGN.md section 6 names them; all cumulative). */
struct engine_counters {
	struct {
		uint64_t maps;		/* highmem kmap() calls */
		uint64_t hits;		/* completed through page_address() */
		uint64_t new_entries;	/* completed with a new entry (JSON "new") */
		uint64_t flush_calls;	/* flush_all_zero_pkmaps() calls */
		uint64_t tlb_flushes;	/* those that reclaimed, hence flushed globally */
		uint64_t reclaimed;	/* entries taken from count 1 to 0 */
		uint64_t sleeps;	/* times a task slept in kmap() */
		uint64_t wakeups;	/* tasks woken, summed over wake-ups */
		uint64_t max_in_use;	/* peak of entries with count >= 2 */
	} pkmap;
	struct {
		uint64_t maps;		/* kmap_local_page() calls, lowmem and refused included */
		uint64_t lowmem;	/* of those, on lowmem pages */
		uint64_t pte_sets;	/* fixmap PTE writes (atomic maps and sched-in included) */
		uint64_t pte_clears;	/* fixmap PTE clears (unmaps and sched-out) */
		uint64_t invlpg;	/* local single-page TLB flushes */
		uint64_t max_depth;	/* deepest highmem stack of any task */
		uint64_t sched_out_unmaps;	/* slots torn down at context switches */
		uint64_t sched_in_maps;		/* slots restored at context switches */
	} local;
	struct {
		uint64_t maps;		/* kmap_atomic() calls, lowmem and refused included */
		uint64_t lowmem;
	} atomic;
	struct {
		uint64_t maps;		/* successful vmap() */
		uint64_t unmaps;	/* successful vunmap() */
		uint64_t failures;	/* vmap() that returned NULL */
		uint64_t purges;	/* purge runs, empty ones included */
		uint64_t tlb_flushes;	/* non-empty purges: one global flush each */
		uint64_t peak_bytes;	/* peak of n x 4096 over live (and leaked) vmaps */
		uint64_t lazy_pages_peak;	/* peak of vmap_lazy_nr, guard pages included */
	} vmap;
};

/*
 * Primitive operations, for a cost model: what the kernel would have done,
 * counted (cumulative; read before and after an event to cost it).
 */
struct engine_prims {
	uint64_t events;		/* events executed (deferred ones when they run) */
	uint64_t pte_writes;		/* all: pkmap installs, local maps and restores, vmap pages */
	uint64_t pte_clears;		/* all: pkmap reclaims, local unmaps and teardowns, vunmap pages */
	uint64_t invlpg;		/* local single-page TLB flushes (no IPI) */
	uint64_t tlb_flush_pkmap;	/* global flushes (IPIs to every other CPU) from pkmap */
	uint64_t tlb_flush_vmap;	/* global flushes from vmap purges */
	uint64_t pkmap_probes;		/* pkmap_count[] entries map_new_virtual() examined */
	uint64_t pkmap_flush_walks;	/* flush_all_zero_pkmaps() walks (LAST_PKMAP entries each) */
	uint64_t pkmap_lookups;		/* page_address() hash lookups under kmap_lock */
	uint64_t sleeps;		/* tasks put to sleep in kmap() */
	uint64_t wakeups;		/* tasks woken */
	uint64_t sched_outs;		/* context switch halves: a task leaves its CPU */
	uint64_t sched_ins;		/* a task (re)starts on its CPU */
	uint64_t migrations;		/* successful 'cpu' moves */
	uint64_t vmap_searches;		/* free-area searches (a purge-and-retry makes two) */
	uint64_t vmap_allocs;		/* vmap areas allocated */
	uint64_t vmap_purges;		/* purge runs */
	uint64_t vmap_purged_pages;	/* pages returned to the free tree by purges */
	uint64_t vmap_pages_mapped;	/* PTEs written by vmap() (also in pte_writes) */
	uint64_t vmap_pages_unmapped;	/* PTEs cleared by vunmap() (also in pte_clears) */
};

/* out = after - before, field by field. */
void engine_prims_sub(const struct engine_prims *after, const struct engine_prims *before,
		      struct engine_prims *out);

struct engine;

/* NULL on bad parameters (see engine_params_check) or no memory.  fn may be NULL. */
struct engine *engine_new(const struct engine_params *p, engine_error_fn fn, void *ctx);
void engine_free(struct engine *e);

/* engine_submit() results */
#define ENGINE_OK	0
#define ENGINE_EINVAL	1	/* bad event: op, task index beyond the next, cpu >= cpus */
#define ENGINE_ENOMEM	2	/* out of memory; the engine is unusable afterwards */

/*
 * Submit the next event of the trace (S7.2 main loop).  A task's first event
 * creates it (ev->task must then equal engine_ntasks()); its default CPU is
 * its index mod cpus.  If the task is asleep the event waits in its backlog;
 * otherwise it runs now, with every wake-up, retry and deferred event it
 * causes.  ev->id is copied if it has to wait.
 */
int engine_submit(struct engine *e, const struct engine_event *ev);

/*
 * engine_submit() of ev[0], ev[1] ... ev[n - 1] in turn, up to the first
 * that does not return ENGINE_OK: ENGINE_OK, or that one's result.  *done
 * (if not NULL): how many returned ENGINE_OK.  One call for a batch of
 * events, for callers that have them at hand together.
 */
int engine_submit_all(struct engine *e, const struct engine_event *ev, size_t n, size_t *done);

/*
 * End of trace: if tasks are still asleep this is a deadlock (S7.2), one
 * ENGINE_ERR_DEADLOCK error per sleeper in queue order.  Returns the number
 * of sleepers (0: no deadlock).  Later calls do nothing and return the same.
 */
size_t engine_finish(struct engine *e);

const struct engine_counters *engine_counters(const struct engine *e);
const struct engine_prims *engine_prims(const struct engine *e);

/*
 * Prices per primitive, each a field of w (zero: free).  From then on
 * engine_priced() is the sum over the fields of price x count (mod 2^64),
 * the counts so far included, kept up to date as primitives are counted:
 * costing an event is one subtraction instead of a pass over the fields.
 */
void engine_set_prices(struct engine *e, const struct engine_prims *w);
uint64_t engine_priced(const struct engine *e);

const struct engine_params *engine_get_params(const struct engine *e);

/* Introspection (reports, deadlock output, tests). */
uint32_t engine_ntasks(const struct engine *e);
int engine_task_asleep(const struct engine *e, uint32_t task);
uint32_t engine_task_cpu(const struct engine *e, uint32_t task);
uint32_t engine_task_depth(const struct engine *e, uint32_t task);
uint32_t engine_task_atomic(const struct engine *e, uint32_t task);
/* The kmap() the task sleeps in: its pfn and line (0 if awake). */
uint64_t engine_task_sleep_pfn(const struct engine *e, uint32_t task);
uint64_t engine_task_sleep_line(const struct engine *e, uint32_t task);
/* Number of highmem kmap() mappings the task holds. */
uint64_t engine_task_nholds(const struct engine *e, uint32_t task);
/*
 * The pfns the task holds through kmap(), in the order they were mapped,
 * with repeats: fn is called once per hold.
 */
void engine_task_holds(const struct engine *e, uint32_t task,
		       void (*fn)(void *ctx, uint64_t pfn), void *ctx);
/* The wait queue, in order: n sleepers, the i-th. */
size_t engine_nsleepers(const struct engine *e);
uint32_t engine_sleeper(const struct engine *e, size_t i);
/* The pfn at a position of the task's local stack (0 <= pos < depth), or 0. */
uint64_t engine_task_stack(const struct engine *e, uint32_t task, uint32_t pos);
/* The pkmap entry mapping pfn (count >= 1), or -1; an entry's count; the cursor. */
int64_t engine_pkmap_entry(const struct engine *e, uint64_t pfn);
uint32_t engine_pkmap_count(const struct engine *e, uint32_t entry);
uint32_t engine_pkmap_cursor(const struct engine *e);
/*
 * A vmap id's binding: 1 (live: *addr, its first byte, and *pages, n), 0
 * (bound to a failed vmap, NULL) or -1 (not bound).
 */
int engine_vmap_lookup(const struct engine *e, const char *id, uint32_t idlen, uint64_t *addr,
		       uint64_t *pages);
/* Live bytes in vmaps (n x 4096, leaks included) and lazily freed pages now. */
uint64_t engine_vmap_live_bytes(const struct engine *e);
uint64_t engine_vmap_lazy_pages(const struct engine *e);

/*
 * Check every internal invariant (tests only: O(size of the state)):
 * pkmap counts = 1 + holds for mapped entries, bitmaps and hash agree with
 * the counts, stacks match handles, vmap areas never overlap and stay in the
 * window.  NULL if all hold, else a description of the first that does not.
 */
const char *engine_check(const struct engine *e);

#endif
