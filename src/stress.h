/*
 * hmplan stress, the run: tasks scheduled on the machine's CPUs, each turn
 * one operation of the workload generator fed to the engine, priced with the
 * cost model.  No I/O here: time, progress and the trace file come through
 * callbacks.
 */
#ifndef HMPLAN_STRESS_H
#define HMPLAN_STRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "engine/costmodel.h"
#include "engine/engine.h"
#include "histogram.h"
#include "layout.h"
#include "machine.h"
#include "workload.h"

/* Lines before the first event in a --trace-out file (event k is on line k + 4). */
#define STRESS_TRACE_HEADER_LINES 3
#define STRESS_MAX_ERRORS 1000
#define STRESS_QUANTUM 1000	/* operations a task runs before its CPU moves on (~0.5 ms) */
#define STRESS_TICK 65536		/* operations between tick() calls */

struct stress_config {
	struct engine_params params;
	struct gen_config gen;
	uint64_t ops;
	struct cost_model costs;
	/* every STRESS_TICK operations; false stops the run (timeout) */
	bool (*tick)(void *ctx, uint64_t done, uint64_t total);
	/* every event, before the engine sees it (--trace-out); nonzero stops the run */
	int (*trace)(void *ctx, const struct engine_event *ev);
	void *ctx;
};

struct stress_error {
	uint64_t line;
	uint32_t task;
	uint8_t kind;
	char detail[120];
};

struct stress_result {
	uint64_t ops_done, events;
	bool stopped;			/* tick() said stop: --timeout */
	struct engine *eng;		/* after engine_finish(): counters and deadlock */
	uint64_t copies, bounces;
	uint64_t cycles[CAT_N], total_cycles, mapping_cycles;
	struct histogram *hist[OP_NKINDS + 1];	/* per kind, then all */
	struct gen_counters io;
	uint64_t ws_pages, ws_high_pages;
	struct stress_error *errors;
	size_t nerrors;
	uint64_t error_kinds[ENGINE_NERRORS];
	size_t deadlocked;
	int trace_status;		/* what trace() returned when it stopped the run */
};

/* Mapping cycles as a share of all cycles, in percent (0 before any cycle). */
static inline double stress_mapping_pct(const struct stress_result *r)
{
	return r->total_cycles ? 100.0 * (double)r->mapping_cycles / (double)r->total_cycles : 0;
}

/* Room for the RAM ranges a gen_config points to. */
struct stress_pages {
	uint64_t start[2 * E820_MAX_ENTRIES], end[2 * E820_MAX_ENTRIES];
};

/*
 * Configure a run on a machine: the engine parameters from its layout (pkmap
 * pool, kmap_local slots, vmalloc area, lowmem's end; cpus online, 2 if 0),
 * the RAM the working set is drawn from, the swiotlb slots, and the default
 * cost model with the machine's own costs.  Tasks, ops and seed come from
 * the workload and seed 1; the caller may change them.  NULL, or why the
 * machine cannot be stressed.
 */
const char *stress_configure(struct stress_config *c, struct stress_pages *pg,
			     const struct layout *lo, const struct machine *mc,
			     const struct workload *w, uint32_t cpus);

/* EXIT_OK, or a status with d filled (a working set that does not fit, no memory). */
int stress_run(const struct stress_config *c, struct stress_result *r, struct diag *d);
void stress_result_free(struct stress_result *r);

#endif
