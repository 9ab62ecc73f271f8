/*
 * What competes for lowmem at boot: mem_map, the dentry/inode hashes, the
 * swiotlb bounce buffer, page tables and the kernel itself.  The kernel's
 * formulas are exact; the kernel's own size (image, percpu, early tables)
 * is a constant calibrated on Debian 6.1's 686 and 686-pae kernels.
 */
#include "config.h"

#include "layout.h"
#include "size.h"

#include <stdio.h>
#include <string.h>

#define MAX_ORDER_NR_PAGES 1024
/* "reserved" K of the Memory: line minus mem_map, swiotlb and hashes (2 CPUs) */
#define KERNEL_RESERVED_PAE (16416u * 1024u)
#define KERNEL_RESERVED_2LEVEL (16224u * 1024u)
#define PERCPU_PAGES 33u		/* "percpu: Embedded 33 pages/cpu" */
#define IO_TLB_SHIFT 11
#define IO_TLB_SEGSIZE 128
#define IO_TLB_MIN_SLABS ((1u << 20) >> IO_TLB_SHIFT)
#define IO_TLB_DEFAULT_SLABS ((64u << 20) >> IO_TLB_SHIFT)
#define IO_TLB_SLOT_BYTES 16u		/* struct io_tlb_slot with 64-bit phys_addr_t */

/* Free lowmem as memblock sees it, allocated top-down like memblock_alloc(). */
struct lowmem_pool {
	struct { uint64_t start, end; } r[E820_MAX_ENTRIES + 1];
	unsigned n;
};

static void pool_add(struct lowmem_pool *p, uint64_t s, uint64_t e)
{
	if (s < e && p->n < sizeof(p->r) / sizeof(p->r[0])) {
		p->r[p->n].start = s;
		p->r[p->n++].end = e;
	}
}

static void pool_init(struct lowmem_pool *p, const struct kernel_config *k, const struct layout *o)
{
	uint64_t top = o->max_low_pfn << PAGE_SHIFT;
	uint64_t k0 = k->physical_start, k1 = k0 + kernel_image_bytes(k);
	unsigned i;

	p->n = 0;
	for (i = 0; i < o->nmemblock; i++) {
		uint64_t s = o->memblock[i].start_pfn << PAGE_SHIFT;
		uint64_t e = o->memblock[i].end_pfn << PAGE_SHIFT;

		if (s < 0x100000)
			s = 0x100000;	/* the first MiB is the BIOS's and the trampoline's */
		if (e > top)
			e = top;
		/* the kernel image is reserved wherever it falls */
		pool_add(p, s, e < k0 ? e : k0);
		pool_add(p, s > k1 ? s : k1, e);
	}
}

static bool pool_alloc(struct lowmem_pool *p, uint64_t bytes)
{
	unsigned i = p->n;

	bytes = (bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	while (i-- > 0)
		if (p->r[i].end - p->r[i].start >= bytes) {
			p->r[i].end -= bytes;
			return true;
		}
	return false;
}

static uint64_t roundup_pow2(uint64_t x)
{
	uint64_t p = 1;

	while (p < x)
		p <<= 1;
	return p;
}

static unsigned ilog2(uint64_t x)
{
	unsigned n = 0;

	while (x >>= 1)
		n++;
	return n;
}

/* alloc_large_system_hash() with no command-line override. */
static uint64_t hash_entries(uint64_t nr_kernel_pages, uint64_t nr_all_pages,
			     unsigned bucketsize, unsigned scale)
{
	uint64_t n = (nr_kernel_pages + 255) & ~UINT64_C(255);
	uint64_t max;

	n >>= scale - PAGE_SHIFT;
	if (n * bucketsize < PAGE_SIZE)
		n = PAGE_SIZE / bucketsize;
	n = roundup_pow2(n);
	max = ((nr_all_pages << PAGE_SHIFT) >> 4) / bucketsize;
	if (max > UINT64_C(0x80000000))
		max = UINT64_C(0x80000000);
	if (n > max)
		n = max;
	return n ? UINT64_C(1) << ilog2(n) : 0;
}

/* free_area_init_core(): pages the kernel counts for hash sizing. */
static void kernel_pages(const struct layout *o, uint64_t *nr_kernel, uint64_t *nr_all)
{
	unsigned i;

	*nr_kernel = *nr_all = 0;
	for (i = 0; i < o->nzones; i++) {
		const struct zone *z = &o->zones[i];
		uint64_t free = z->present;
		uint64_t memmap = (z->spanned * o->struct_page_bytes + PAGE_SIZE - 1) >> PAGE_SHIFT;

		if (strcmp(z->name, "HighMem") != 0) {
			if (free >= memmap)
				free -= memmap;
			*nr_kernel += free;
		} else if (*nr_kernel > memmap * 2) {
			*nr_kernel -= memmap;
		}
		*nr_all += free;
	}
}

/* alloc_node_mem_map() for FLATMEM: one struct page per pfn, holes included. */
static uint64_t mem_map_bytes(const struct layout *o)
{
	uint64_t start, end = 0;
	unsigned i;

	if (o->nzones == 0 || o->nmemblock == 0)
		return 0;
	start = o->zones[0].start_pfn;	/* the node's first pfn */
	for (i = 0; i < o->nzones; i++)
		end += o->zones[i].spanned;
	end += start;
	start &= ~(uint64_t)(MAX_ORDER_NR_PAGES - 1);
	end = (end + MAX_ORDER_NR_PAGES - 1) & ~(uint64_t)(MAX_ORDER_NR_PAGES - 1);
	return (end - start) * o->struct_page_bytes;
}

/* Direct-map, fixmap, cpu_entry_area and pkmap page-table pages. */
static uint64_t pagetable_pages(const struct layout_input *in, const struct layout *o)
{
	const struct kernel_config *k = &in->k;
	uint64_t pmd = o->v.pmd_size, low = o->max_low_pfn << PAGE_SHIFT, pages = 0;
	uint64_t last_pmd = UINT64_MAX;
	bool pse = true;
	unsigned i;

	for (i = 0; i < in->boot.nops; i++)
		if (in->boot.ops[i].kind == BP_NOPENTIUM)
			pse = false;
	/* 4K-mapped pieces need a PTE page per PMD they touch: the first PMD
	 * always (fixed MTRRs), unaligned range ends, everything without PSE */
	for (i = 0; i < o->nmemblock; i++) {
		uint64_t s = o->memblock[i].start_pfn << PAGE_SHIFT;
		uint64_t e = o->memblock[i].end_pfn << PAGE_SHIFT;
		uint64_t a;

		if (i == 0 || s < 0x100000)
			s = 0;
		if (e > low)
			e = low;
		for (a = s & ~(pmd - 1); a < e; a += pmd) {
			bool full = a >= s && a + pmd <= e;
			bool small = !pse || a == 0 || !full;

			if (small && a / pmd != last_pmd) {
				pages++;
				last_pmd = a / pmd;
			}
		}
	}
	if (k->pae)	/* kernel PMD pages, one per GiB above PAGE_OFFSET */
		pages += ((UINT64_C(1) << 32) - o->page_offset + GiB - 1) / GiB;
	pages += ((UINT64_C(1) << 32) - (o->v.fixaddr_tot_start & ~(pmd - 1)) + pmd - 1) / pmd;
	if (o->v.cea_end > o->v.cea_base)
		pages += ((uint64_t)o->v.cea_end - o->v.cea_base + pmd - 1) / pmd;
	if (o->last_pkmap)
		pages += 1;
	return pages;
}

void layout_overhead(const struct layout_input *in, struct layout *o)
{
	const struct kernel_config *k = &in->k;
	uint64_t nr_kernel, nr_all, kernel, slabs, reserved, percpu;
	unsigned cpus = in->cpus ? in->cpus : 2, i;
	struct lowmem_pool pool;
	char a[32], b[32];

	o->lowmem_present_bytes = o->highmem_present_bytes = 0;
	for (i = 0; i < o->nzones; i++)
		*(strcmp(o->zones[i].name, "HighMem") ? &o->lowmem_present_bytes
		  : &o->highmem_present_bytes) += o->zones[i].present << PAGE_SHIFT;
	o->mem_map_bytes = mem_map_bytes(o);
	kernel_pages(o, &nr_kernel, &nr_all);
	o->total_pages = nr_all;
	o->dentry_entries = hash_entries(nr_kernel, nr_all, 4, 13);
	o->inode_entries = hash_entries(nr_kernel, nr_all, 4, 14);
	o->hash_bytes = (o->dentry_entries + o->inode_entries) * 4;
	o->pagetable_bytes = pagetable_pages(in, o) * PAGE_SIZE;
	percpu = (uint64_t)cpus * PERCPU_PAGES * PAGE_SIZE;
	kernel = (k->pae ? KERNEL_RESERVED_PAE : KERNEL_RESERVED_2LEVEL)
		- 2 * PERCPU_PAGES * PAGE_SIZE + percpu;
	o->kernel_bytes = kernel;

	/* boot-time allocations in the order the kernel makes them */
	pool_init(&pool, k, o);
	pool_alloc(&pool, kernel > kernel_image_bytes(k) + percpu
		   ? kernel - kernel_image_bytes(k) - percpu : 0);
	if (o->boots && o->mem_map_bytes && !pool_alloc(&pool, o->mem_map_bytes)) {
		char why[200];

		snprintf(why, sizeof(why), "mem_map (%s) does not fit in lowmem: \"Failed to "
			 "allocate memory for the node memory map\"",
			 size_human(a, sizeof(a), o->mem_map_bytes));
		o->boots = false;
		snprintf(o->death, sizeof(o->death), "%s", why);
	}
	pool_alloc(&pool, percpu);
	pool_alloc(&pool, o->dentry_entries * 4);
	pool_alloc(&pool, o->inode_entries * 4);

	/* pci_swiotlb_detect(): RAM beyond 4 GiB turns the bounce buffer on */
	o->swiotlb_bytes = 0;
	if (k->swiotlb && k->pae && o->last_pfn > (UINT64_C(1) << 20)) {
		slabs = IO_TLB_DEFAULT_SLABS;
		while (!pool_alloc(&pool, (uint64_t)slabs << IO_TLB_SHIFT)) {
			if (slabs <= IO_TLB_MIN_SLABS) {
				slabs = 0;
				break;
			}
			slabs = ((slabs >> 1) + IO_TLB_SEGSIZE - 1) & ~(IO_TLB_SEGSIZE - 1u);
		}
		if (slabs)
			o->swiotlb_bytes = ((uint64_t)slabs << IO_TLB_SHIFT) + slabs * IO_TLB_SLOT_BYTES;
		if (slabs != IO_TLB_DEFAULT_SLABS)
			layout_warn(o, "swiotlb-reduced", "the 64 MiB swiotlb bounce buffer does not "
				    "fit in lowmem: the kernel shrinks it to %s (\"SWIOTLB bounce buffer "
				    "size adjusted 32768 -> %llu slabs\")",
				    size_human(b, sizeof(b), (uint64_t)slabs << IO_TLB_SHIFT),
				    (unsigned long long)slabs);
	}
	reserved = kernel + o->mem_map_bytes + o->hash_bytes + o->swiotlb_bytes;
	o->lowmem_free_estimate_bytes = o->lowmem_present_bytes > reserved
		? o->lowmem_present_bytes - reserved : 0;
}
