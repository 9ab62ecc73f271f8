/* hmplan sweep: the layout over RAM sizes x splits x PAE, and its chart. */
#ifndef HMPLAN_SWEEP_H
#define HMPLAN_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "layout.h"

/* One configuration and what the layout says about it. */
struct sweep_row {
	uint64_t ram;
	uint32_t page_offset;
	bool pae;
	/* results */
	bool boots, printed;
	uint64_t lowmem_mb, highmem_mb;
	uint64_t low_present, high_present;	/* bytes of RAM in lowmem / highmem */
	uint64_t mem_map, swiotlb, free_low, vmalloc;
	uint64_t max_low_pfn, max_pfn;
	char warnings[160];			/* codes, comma-separated */
	/* with a workload: its key stress results */
	bool stressed;				/* false: it could not run (see note) */
	char note[120];
	double mapping_pct;
	uint64_t sleeps, vmap_failures, bounced, swiotlb_full, cycles_per_op;
	bool deadlock;
};

struct sweep_chart {
	const char *title;		/* board, NR_CPUS, command line */
	const struct sweep_row *rows;
	size_t nrows;
};

/* split_name() into a static buffer: for one use at a time, not across threads. */
const char *sweep_split_name(uint32_t page_offset);

/* Draw the chart as a standalone SVG document. */
void sweep_svg(FILE *fp, const struct sweep_chart *c);

/*
 * Parse "512M..64G", "512M..64G:x4", "1G..8G:+512M", "1G,2G,8G" or "8G"
 * into a malloc'd list of sizes.  Returns 0, or -1 with *why (-2: no memory).
 */
int sweep_ram_list(const char *spec, uint64_t **list, size_t *n, const char **why);

#endif
