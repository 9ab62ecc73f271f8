/*
 * The kernel's virtual areas above lowmem, top-down from FIXADDR_TOP:
 * fixmap, cpu_entry_area, LDT remap, pkmap, then VMALLOC_END and MAXMEM.
 * arch/x86/include/asm/{fixmap.h,pgtable_32_areas.h,cpu_entry_area.h} in
 * 6.1; fixmap_32.h and page_32.h for the 2.6 rules.  All arithmetic is
 * unsigned 32-bit, so it wraps exactly where the kernel's does.
 */
#include "config.h"

#include "layout.h"

#define MAX_IO_APICS 64			/* 32-bit */
#define TOTAL_FIX_BTMAPS 512		/* 64 per slot x 8 slots (6.1) */
#define CEA_PAGES 43			/* sizeof(struct cpu_entry_area), 6.1: 176128 */
#define KM_TYPE_NR_26 13		/* kmap_atomic types of 2.6.2x (i386) */
#define FIX_BTMAPS_26 256		/* 64 x 4 slots in 2.6.2x */

static uint32_t round_down(uint32_t x, uint32_t align)
{
	return x & ~(align - 1);
}

static uint32_t fixaddr_top(const struct bootparams *bp, uint32_t pmd)
{
	/* reserve_top_address(): unsigned long, so reservetop=4G is 0 */
	if (bp && bp->has_reservetop)
		return round_down((uint32_t)0 - (uint32_t)bp->reservetop, pmd) - PAGE_SIZE;
	return 0xfffff000u;
}

static uint32_t vmalloc_reserve(const struct bootparams *bp, bool classic)
{
	if (!bp || !bp->has_vmalloc)
		return 128u << 20;
	/* __VMALLOC_RESERVE is an unsigned int */
	return (uint32_t)bp->vmalloc + (classic ? 0 : VMALLOC_OFFSET);
}

/* enum fixed_addresses up to __end_of_permanent_fixed_addresses (6.1). */
static unsigned fix_permanent_61(const struct kernel_config *k, unsigned km_max_idx,
				 unsigned *kmap_begin)
{
	unsigned n = 3;		/* FIX_HOLE, FIX_DBGP_BASE, FIX_EARLYCON_MEM_BASE */

	n += k->ohci1394_dma;
	n += k->local_apic;
	n += k->io_apic ? MAX_IO_APICS : 0;
	*kmap_begin = n;	/* KMAP_LOCAL: always selected on x86-32 */
	n += km_max_idx * k->nr_cpus;
	n += k->pci_mmconfig;	/* inside the KMAP_LOCAL block */
	n += k->paravirt_xxl;
	n += k->apei_ghes ? 2 : 0;
	return n;
}

static void virtual_61(const struct kernel_config *k, const struct bootparams *bp,
		       struct vmap_areas *v)
{
	unsigned ptrs_per_pte = k->pae ? 512 : 1024;
	unsigned km_max_idx = k->debug_kmap_local ? 33 : 16;
	unsigned p, btmap_end, cea_pages;

	v->pmd_size = k->pae ? 2u << 20 : 4u << 20;
	v->fixaddr_top = fixaddr_top(bp, v->pmd_size);
	p = fix_permanent_61(k, km_max_idx, &v->fix_kmap_begin);
	/* keep the early_ioremap slots inside one page table */
	btmap_end = ((p ^ (p + TOTAL_FIX_BTMAPS - 1)) & -ptrs_per_pte)
		? p + TOTAL_FIX_BTMAPS - (p & (TOTAL_FIX_BTMAPS - 1)) : p;
	v->fix_permanent = p;
	v->fix_total = btmap_end + TOTAL_FIX_BTMAPS + 1 /* FIX_WP_TEST */ + k->intel_txt;
	v->fixaddr_start = v->fixaddr_top - p * PAGE_SIZE;
	v->fixaddr_tot_start = v->fixaddr_top - v->fix_total * PAGE_SIZE;

	v->cea_pages_per_cpu = CEA_PAGES;	/* the debug store is unconditional in 6.1 */
	cea_pages = k->nr_cpus * v->cea_pages_per_cpu;
	v->cea_base = round_down(v->fixaddr_tot_start - PAGE_SIZE * (cea_pages + 1), v->pmd_size);
	v->cea_end = v->cea_base + PAGE_SIZE * (cea_pages + 1);
	v->ldt_base = round_down(v->cea_base - PAGE_SIZE, v->pmd_size);
	v->ldt_end = v->ldt_base + v->pmd_size;
	if (k->highmem != HIGHMEM_NONE) {
		v->pkmap_base = round_down(v->ldt_base - PAGE_SIZE, v->pmd_size);
		v->vmalloc_end = v->pkmap_base - 2 * PAGE_SIZE;
	} else {
		v->pkmap_base = 0;
		v->vmalloc_end = v->ldt_base - 2 * PAGE_SIZE;
	}
	v->vmalloc_reserve = vmalloc_reserve(bp, false);
	v->maxmem = v->vmalloc_end - k->page_offset - v->vmalloc_reserve;
}

/* 2.6.0 - 2.6.27: MAXMEM = 4G - PAGE_OFFSET - reserve; the rest fits inside. */
static void virtual_26(const struct kernel_config *k, const struct bootparams *bp,
		       struct vmap_areas *v)
{
	unsigned last_pkmap = k->pae ? 512 : 1024;
	unsigned n = 4;		/* HOLE, VDSO, DBGP, EARLYCON */
	uint32_t boot_start;

	v->pmd_size = k->pae ? 2u << 20 : 4u << 20;
	v->fixaddr_top = fixaddr_top(bp, v->pmd_size);
	n += k->local_apic;
	n += k->io_apic ? MAX_IO_APICS : 0;
	v->fix_kmap_begin = n;
	n += k->highmem != HIGHMEM_NONE ? KM_TYPE_NR_26 * k->nr_cpus : 0;
	n += k->pci_mmconfig;
	v->fix_permanent = n;
	v->fix_total = n + FIX_BTMAPS_26 - (n & (FIX_BTMAPS_26 - 1)) + FIX_BTMAPS_26
		+ 1 /* FIX_WP_TEST */ + k->ohci1394_dma;
	v->fixaddr_start = v->fixaddr_top - n * PAGE_SIZE;
	v->fixaddr_tot_start = v->fixaddr_top - v->fix_total * PAGE_SIZE;
	boot_start = v->fixaddr_tot_start;
	v->cea_base = v->cea_end = v->ldt_base = v->ldt_end = 0;
	if (k->highmem != HIGHMEM_NONE) {
		v->pkmap_base = round_down(boot_start - PAGE_SIZE * (last_pkmap + 1), v->pmd_size);
		v->vmalloc_end = v->pkmap_base - 2 * PAGE_SIZE;
	} else {
		v->pkmap_base = 0;
		v->vmalloc_end = v->fixaddr_start - 2 * PAGE_SIZE;
	}
	v->vmalloc_reserve = vmalloc_reserve(bp, true);
	v->maxmem = (uint32_t)0 - k->page_offset - v->vmalloc_reserve;
}

void layout_virtual(const struct kernel_config *k, const struct bootparams *bp,
		    struct vmap_areas *v)
{
	if (k->rules == RULES_2_6)
		virtual_26(k, bp, v);
	else
		virtual_61(k, bp, v);
}

/*
 * struct page on 32-bit: 32 bytes, 36 with the memcg pointer, padded to a
 * multiple of 8 when HAVE_ALIGNED_STRUCT_PAGE (SLUB) asks for it.
 */
unsigned layout_struct_page(const struct kernel_config *k)
{
	unsigned size = 32 + (k->memcg ? 4 : 0);

	if (k->aligned_struct_page)
		size = (size + 7) & ~7u;
	return size;
}
