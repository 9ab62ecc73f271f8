/*
 * Workloads for hmplan stress: a profile (what the tasks do, on which pages)
 * validated into a plain struct, and the generator that turns it, with a
 * seed, into engine events, one operation at a time.
 */
#ifndef HMPLAN_WORKLOAD_H
#define HMPLAN_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "engine/engine.h"

enum op_kind {
	OP_LOCAL_COPY,		/* kmap_local; touch; kunmap_local */
	OP_LOCAL_COPY2,		/* two kmap_local (copy_highpage); copy; unmap in LIFO order */
	OP_ATOMIC_COPY,		/* kmap_atomic; touch; kunmap_atomic */
	OP_ATOMIC_COPY2,	/* kmap_atomic a; kmap_atomic b; copy; unmap b; unmap a */
	OP_KMAP_HOLD,		/* kmap() up to nest pages, one per turn; keep them for hold ops */
	OP_VMAP_BUFFER,		/* vmap of pages; vunmap after lifetime operations */
	OP_BOUNCE_IO,		/* I/O: a page above dma_limit is bounced through swiotlb */
	OP_SWITCH,		/* preemption: the task is switched out and in */
	OP_NKINDS
};

const char *op_kind_name(enum op_kind k);

#define WORKLOAD_MAX_MIX 16
#define WORKLOAD_MAX_NEST 64

struct mix_entry {
	enum op_kind kind;
	uint64_t weight;
	uint32_t hold, nest;		/* kmap_hold */
	uint32_t pages_min, pages_max;	/* vmap_buffer */
	uint64_t lifetime;		/* vmap_buffer: operations until vunmap */
	uint64_t dma_limit;		/* bounce_io: bytes the device can reach */
	uint32_t in_flight;		/* bounce_io: operations an I/O stays in flight */
};

enum placement { PLACE_PROPORTIONAL, PLACE_HIGHMEM, PLACE_LOWMEM, PLACE_SHARE };
enum pattern { PATTERN_UNIFORM, PATTERN_SEQUENTIAL, PATTERN_ZIPF };
const char *placement_name(enum placement p);
const char *pattern_name(enum pattern p);

struct workload {
	char *name, *description, *path;
	uint32_t tasks;			/* 0: twice the online CPUs */
	uint64_t ops;
	uint64_t working_set;		/* bytes; 0 with ws_share */
	double ws_share;		/* "50%", "all": a share of the machine's RAM, else 0 */
	enum placement placement;
	double share;			/* PLACE_SHARE: highmem share, 0..1 */
	enum pattern pattern;
	double zipf_s;
	struct mix_entry mix[WORKLOAD_MAX_MIX];
	unsigned nmix;
	unsigned long ws_line, ws_col;	/* where working_set is, for later errors */
};

#define WORKLOAD_DEFAULT_OPS 1000000

/* Load a workload profile (path or bundled NAME): EXIT_OK or a status with d. */
int workload_load(const char *name, struct workload *w, struct diag *d);
void workload_free(struct workload *w);

/* ---- the generator ---- */

/* Physical pages the working set is drawn from: RAM ranges [start, end) in pfns. */
struct page_ranges {
	const uint64_t *start, *end;
	unsigned n;
};

struct gen_config {
	const struct workload *w;
	uint64_t seed;
	uint32_t tasks, cpus;
	uint64_t max_low_pfn;
	struct page_ranges low, high;	/* RAM in lowmem and in highmem */
	uint64_t swiotlb_slots;		/* 2 KiB slots; 0: no swiotlb */
};

/* Where events go, a few at a time, in order: the engine, and perhaps a trace file. */
typedef int (*gen_emit_fn)(void *ctx, struct engine_event *ev, size_t n);

/* What one operation did, beyond its engine events. */
struct gen_op {
	enum op_kind kind;
	uint32_t copies, bounces;
	bool yield;		/* the task gives up its CPU after this operation */
};

struct gen_counters {
	uint64_t ios, bounced, swiotlb_full, no_swiotlb, slots_peak;
	uint64_t vmaps_expired;
};

struct gen;

/* NULL with d set when the working set does not fit the machine. */
struct gen *gen_new(const struct gen_config *c, gen_emit_fn emit, void *ctx, struct diag *d);
void gen_free(struct gen *g);
/* One operation of a task (awake, not atomic): 0, or the emit function's error. */
int gen_op(struct gen *g, uint32_t task, struct gen_op *op);
/* Wind down a task: release its kmaps (0 when it had none to release). */
int gen_release(struct gen *g, uint32_t task, bool *released);
/* vunmap every live vmap buffer. */
int gen_release_vmaps(struct gen *g, uint32_t task);
const struct gen_counters *gen_counters(const struct gen *g);
uint64_t gen_pages(const struct gen *g, uint64_t *high);	/* working-set pages */

#endif
