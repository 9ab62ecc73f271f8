/*
 * The pure layout core: a kernel build, a firmware memory map and a command
 * line in; everything the 32-bit x86 kernel computes about its memory at
 * boot out.  No I/O, no YAML, no JSON here.
 */
#ifndef HMPLAN_LAYOUT_H
#define HMPLAN_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "bootparam.h"
#include "e820.h"
#include "kconfig.h"

#define PAGE_SIZE 4096u
#define PAGE_SHIFT 12
#define VMALLOC_OFFSET (8u << 20)

struct layout_input {
	struct kernel_config k;
	struct e820_table firmware;	/* as the firmware gave it */
	struct bootparams boot;
	struct boot_reserved reserved;	/* early reservations seen in a boot log */
	unsigned cpus;			/* online CPUs (profile cpus: or --cpus), 0 = unknown */
};

/* A virtual area, top-down in the report.  end is exclusive here. */
struct region {
	const char *name;
	uint64_t start, end;
};

struct zone {
	const char *name;		/* "DMA", "Normal", "HighMem" as printed */
	uint64_t start_pfn, end_pfn;	/* [start, end); equal when empty */
	uint64_t spanned, present;
};

struct memblock_range {
	uint64_t start_pfn, end_pfn;
};

#define LAYOUT_MAX_MESSAGES 8
#define LAYOUT_MAX_WARNINGS 24
#define LAYOUT_MAX_REGIONS 16

struct warning {
	const char *code;
	char message[320];
};

/* The virtual map above PAGE_OFFSET (unsigned 32-bit, as the kernel computes it). */
struct vmap_areas {
	uint32_t fixaddr_top, fixaddr_start, fixaddr_tot_start;
	unsigned fix_permanent, fix_total;	/* __end_of_(permanent_)fixed_addresses */
	unsigned fix_kmap_begin;		/* first kmap_local slot index */
	uint32_t cea_base, cea_end;		/* 0 on 2.6 rules */
	unsigned cea_pages_per_cpu;
	uint32_t ldt_base, ldt_end;		/* 0 on 2.6 rules */
	uint32_t pkmap_base;			/* 0 without HIGHMEM */
	uint32_t vmalloc_end;
	uint32_t vmalloc_reserve;		/* __VMALLOC_RESERVE */
	uint32_t maxmem;			/* may have wrapped, as in the kernel */
	uint32_t pmd_size;
};

struct layout {
	/* the kernel */
	uint32_t page_offset;
	unsigned last_pkmap;		/* 0 without HIGHMEM */
	unsigned km_max_idx;
	unsigned struct_page_bytes;
	uint64_t max_arch_pfn;
	struct vmap_areas v;

	/* physical */
	struct e820_table map;		/* after boot parameters and the BIOS trim */
	bool user_map;			/* the kernel printed a "user-defined" map */
	uint64_t last_pfn;		/* e820 end of RAM, before lowmem/highmem */
	uint64_t max_pfn, max_low_pfn, highstart_pfn, maxmem_pfn;
	uint64_t zones_end_pfn;		/* end of the last zone: the max_pfn dmesg shows */
	uint64_t mapped_low_end;	/* "mapped low ram" end, bytes */
	struct memblock_range memblock[E820_MAX_ENTRIES];
	unsigned nmemblock;
	struct zone zones[3];
	unsigned nzones;

	/* derived virtual addresses */
	uint32_t high_memory, vmalloc_start;
	struct region regions[LAYOUT_MAX_REGIONS];
	unsigned nregions;

	/* what the kernel prints */
	bool printed_sizes;		/* it got as far as "NNNMB LOWMEM available" */
	uint64_t lowmem_mb, highmem_mb;
	uint64_t memory_total_kb, memory_highmem_kb;
	uint64_t total_pages;		/* "Built 1 zonelists ... Total pages" */
	char messages[LAYOUT_MAX_MESSAGES][120];
	unsigned nmessages;
	bool boots;
	char death[200];		/* why not, when boots is false */

	/* what eats lowmem (estimates; see hmplan-layout(1)) */
	uint64_t mem_map_bytes, swiotlb_bytes, pagetable_bytes, hash_bytes;
	uint64_t kernel_bytes;		/* image, percpu, early allocations */
	uint64_t lowmem_present_bytes, highmem_present_bytes;	/* RAM present, by zone kind */
	uint64_t lowmem_free_estimate_bytes;
	uint64_t dentry_entries, inode_entries;

	/* hmplan's own advice */
	struct warning warnings[LAYOUT_MAX_WARNINGS];
	unsigned nwarnings;
};

/* Compute the layout.  Never fails: a kernel that dies is boots == false. */
void layout_compute(const struct layout_input *in, struct layout *out);

/* The pieces, for the core's own use and for unit tests. */
void layout_virtual(const struct kernel_config *k, const struct bootparams *bp,
		    struct vmap_areas *v);
unsigned layout_struct_page(const struct kernel_config *k);
void layout_overhead(const struct layout_input *in, struct layout *out);
void layout_advise(const struct layout_input *in, struct layout *out);
void layout_warn(struct layout *out, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *split_name(uint32_t page_offset, char *buf, unsigned n);
/* 3G_OPT or 2G_OPT: the splits Kconfig offers only without PAE. */
bool split_is_opt(uint32_t page_offset);
const char *highmem_name(enum highmem_model h);

#endif
