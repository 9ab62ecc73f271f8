/*
 * Machine and workload profiles: YAML read with libcyaml into plain structs.
 * Every scalar is loaded as a string and parsed by hmplan (libcyaml's
 * integers accept trailing junk).  Positions for messages come from the
 * document tree (ydoc) that was validated before libcyaml saw the file.
 */
#ifndef HMPLAN_PROFILE_H
#define HMPLAN_PROFILE_H

#include "cli.h"
#include "ydoc.h"

struct mp_e820 {
	char *start, *end, *type;
};

struct mp_kernel {
	char *model, *split, *page_offset, *highmem, *nr_cpus, *config;
};

struct mp_memory {
	char *ram, *board, *dmesg;
	struct mp_e820 *e820;
	unsigned e820_count;
};

/* Cost-model overrides, cycles per primitive (hmplan-stress(1)). */
#define COST_KEYS(X) \
	X(pte_write) X(pte_clear) X(invlpg) X(tlb_flush) X(ipi) X(pkmap_probe) \
	X(context_switch) X(page_copy) X(bounce_copy) X(vmap_alloc) X(spinlock)

struct mp_costs {
#define COST_FIELD(name) char *name;
	COST_KEYS(COST_FIELD)
#undef COST_FIELD
};

struct machine_profile {
	char *name, *description;
	struct mp_kernel *kernel;
	char *cmdline, *cpus;
	struct mp_memory *memory;
	struct mp_costs *costs;
};

/* Workload profiles (hmplan-profile(5), WORKLOAD PROFILES). */
struct wp_mix {
	char *kind, *weight, *hold, *nest, *pages, *lifetime, *dma_limit, *in_flight;
};

struct wp_pages {
	char *working_set, *placement, *pattern, *zipf_s;
};

struct workload_profile {
	char *name, *description, *tasks, *ops;
	struct wp_pages *pages;
	struct wp_mix *mix;
	unsigned mix_count;
};

int profile_load_workload(const char *path, struct workload_profile **wp,
			  struct ydoc **doc, struct diag *d);
void profile_free_workload(struct workload_profile *wp);

/* Load and validate a machine profile; *doc keeps positions for later checks. */
int profile_load_machine(const char *path, struct machine_profile **mp,
			 struct ydoc **doc, struct diag *d);
void profile_free_machine(struct machine_profile *mp);

/* Is this file a machine profile, a workload profile, or neither (by its keys)? */
enum profile_kind { PROFILE_UNKNOWN, PROFILE_MACHINE, PROFILE_WORKLOAD };
enum profile_kind profile_sniff(const struct ydoc *doc);

/*
 * Find a bundled profile by NAME in "machines" or "workloads"; a path (with
 * a '/' or a .yaml suffix) is taken as it is.  0 with a malloc'd *path, 1
 * when there is no such profile, -1 when out of memory.
 */
int profile_find(const char *name, const char *kind, char **path);
/* Whether profile_find() takes NAME as a file's path: a slash, or .yaml/.yml. */
bool profile_is_path(const char *name);
/* The directory bundled profiles are read from. */
const char *profile_dir(void);

#endif
