/*
 * The 32-bit x86 boot, as far as memory sizing goes, in the kernel's own
 * order (setup_arch() in 6.1): firmware map, early parameters, BIOS trim,
 * e820 end of RAM, lowmem/highmem split, memblock, zones, "Memory:" line.
 */
#include "config.h"

#include "layout.h"
#include "size.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_DMA_PFN 4096u		/* 16 MiB */
#define MAX_NONPAE_PFN (1u << 20)	/* 4 GiB */
#define BIOS_BEGIN 0xa0000u
#define BIOS_END 0x100000u

static void message(struct layout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void message(struct layout *o, const char *fmt, ...)
{
	va_list ap;

	if (o->nmessages >= LAYOUT_MAX_MESSAGES)
		return;
	va_start(ap, fmt);
	vsnprintf(o->messages[o->nmessages++], sizeof(o->messages[0]), fmt, ap);
	va_end(ap);
}

static void die(struct layout *o, const char *why)
{
	if (!o->boots)
		return;		/* the first death is the one that happens */
	o->boots = false;
	snprintf(o->death, sizeof(o->death), "%s", why);
}

static uint64_t pages_to_mb(uint64_t pages)
{
	return pages >> (20 - PAGE_SHIFT);
}

/* Early parameters that edit the e820 table, in command-line order. */
static void apply_boot_edits(const struct bootparams *bp, struct e820_table *t)
{
	unsigned i;

	for (i = 0; i < bp->nops; i++) {
		const struct bp_op *op = &bp->ops[i];

		switch (op->kind) {
		case BP_MEM:
		case BP_LIMIT:
			e820_range_remove(t, op->size, UINT64_MAX - op->size, E820_TYPE_RAM, true);
			break;
		case BP_EXACTMAP:
			t->nr = 0;
			break;
		case BP_ADD:
			e820_range_add(t, op->start, op->size, op->type);
			break;
		case BP_REMOVE:
			e820_range_remove(t, op->start, op->size, op->from, op->check_type);
			break;
		case BP_UPDATE:
			if (op->from != op->type)
				e820_range_update(t, op->start, op->size, op->from, op->type);
			break;
		default:
			break;
		}
	}
}

/* __e820__mapped_all(): is [start, end) covered by ranges of this type? */
static bool mapped_all(const struct e820_table *t, uint64_t start, uint64_t end, uint32_t type)
{
	uint32_t i;

	for (i = 0; i < t->nr; i++) {
		const struct e820_entry *e = &t->entries[i];

		if (e->type != type || e->addr >= end || e->addr + e->size <= start)
			continue;
		if (e->addr <= start)
			start = e->addr + e->size;
		if (start >= end)
			return true;
	}
	return false;
}

/* e820_add_kernel_range() and trim_bios_range(), 6.1 setup_arch() */
static void fix_up_map(const struct kernel_config *k, struct layout *o)
{
	uint64_t start = k->physical_start, size = kernel_image_bytes(k);

	if (!mapped_all(&o->map, start, start + size, E820_TYPE_RAM)) {
		layout_warn(o, "kernel-not-in-ram",
			    "the kernel image at 0x%llx is not in usable RAM after the boot "
			    "parameters; the kernel re-adds it (\".text .data .bss are not marked "
			    "as E820_TYPE_RAM!\")", (unsigned long long)start);
		e820_range_remove(&o->map, start, size, E820_TYPE_RAM, false);
		e820_range_add(&o->map, start, size, E820_TYPE_RAM);
	}
	e820_range_update(&o->map, 0, PAGE_SIZE, E820_TYPE_RAM, E820_TYPE_RESERVED);
	e820_range_remove(&o->map, BIOS_BEGIN, BIOS_END - BIOS_BEGIN, E820_TYPE_RAM, true);
	e820_update_table(&o->map);
}

/*
 * e820_end_pfn(): the end of the highest RAM range below limit.  pfns are an
 * unsigned long (32 bits) in the kernel.
 */
static uint64_t end_of_ram_pfn(const struct e820_table *t, uint64_t limit, uint64_t arch_max)
{
	uint64_t last = 0;
	uint32_t i;

	for (i = 0; i < t->nr; i++) {
		const struct e820_entry *e = &t->entries[i];
		uint64_t s, end;

		if (e->type != E820_TYPE_RAM)
			continue;
		s = (uint32_t)(e->addr >> PAGE_SHIFT);
		end = (uint32_t)((e->addr + e->size) >> PAGE_SHIFT);
		if (s >= limit)
			continue;
		if (end > limit) {
			last = limit;
			break;
		}
		if (end > last)
			last = end;
	}
	return last > arch_max ? arch_max : last;
}

/* lowmem_pfn_init(): everything fits; highmem= may carve an artificial HighMem. */
static void lowmem_path(const struct kernel_config *k, struct layout *o, uint32_t highmem_pages)
{
	o->max_low_pfn = o->max_pfn;
	if (highmem_pages == UINT32_MAX)
		highmem_pages = 0;
	if (k->highmem == HIGHMEM_NONE) {
		if (highmem_pages)
			message(o, "ignoring highmem size on non-highmem kernel!");
		return;
	}
	if (highmem_pages >= o->max_pfn) {
		message(o, "highmem size (%uMB) is bigger than pages available (%uMB)!",
			highmem_pages >> 8, (uint32_t)pages_to_mb(o->max_pfn));
		highmem_pages = 0;
	}
	if (highmem_pages) {
		if (o->max_low_pfn - highmem_pages < 64 * 1024 * 1024 / PAGE_SIZE) {
			message(o, "highmem size (%uMB) results in <64MB lowmem, ignoring it!",
				highmem_pages >> 8);
			highmem_pages = 0;
		}
		o->max_low_pfn -= highmem_pages;
	}
}

/* highmem_pfn_init(): more RAM than lowmem; the rest is HighMem (or lost). */
static void highmem_path(const struct kernel_config *k, struct layout *o, uint32_t highmem_pages)
{
	uint32_t maxmem_pfn = (uint32_t)o->maxmem_pfn, max_pfn = (uint32_t)o->max_pfn;

	o->max_low_pfn = maxmem_pfn;
	if (highmem_pages == UINT32_MAX)
		highmem_pages = max_pfn - maxmem_pfn;
	if (highmem_pages + maxmem_pfn < max_pfn)
		max_pfn = maxmem_pfn + highmem_pages;
	if (highmem_pages + maxmem_pfn > max_pfn)
		message(o, "only %uMB highmem pages available, ignoring highmem size of %uMB!",
			(max_pfn - maxmem_pfn) >> 8, highmem_pages >> 8);
	if (k->highmem == HIGHMEM_NONE) {
		message(o, "Warning only %uMB will be used.", o->v.maxmem >> 20);
		message(o, max_pfn > MAX_NONPAE_PFN ? "Use a HIGHMEM64G enabled kernel."
			: "Use a HIGHMEM enabled kernel.");
		max_pfn = maxmem_pfn;
	} else if (k->highmem == HIGHMEM_4G && max_pfn > MAX_NONPAE_PFN) {
		max_pfn = MAX_NONPAE_PFN;
		message(o, "Warning: only 4GB will be used. Use a HIGHMEM64G enabled kernel!");
	}
	o->max_pfn = max_pfn;
}

/*
 * e820__memblock_setup() and memblock_trim_memory(): RAM ranges whose end
 * fits phys_addr_t (32 bits without PAE), merged, trimmed to whole pages.
 */
static void memblock_setup(const struct kernel_config *k, struct layout *o)
{
	uint64_t limit = k->pae ? UINT64_MAX : UINT64_C(0xffffffff);
	struct { uint64_t base, end; } r[E820_MAX_ENTRIES];
	unsigned n = 0, i;

	for (i = 0; i < o->map.nr; i++) {
		const struct e820_entry *e = &o->map.entries[i];
		uint64_t end = e->addr + e->size;

		if (end > limit || e->size == 0)
			continue;
		if (e->type != E820_TYPE_RAM && e->type != E820_TYPE_RESERVED_KERN)
			continue;
		if (n && r[n - 1].end == e->addr) {
			r[n - 1].end = end;	/* memblock merges neighbours */
			continue;
		}
		r[n].base = e->addr;
		r[n++].end = end;
	}
	o->nmemblock = 0;
	for (i = 0; i < n; i++) {
		uint64_t s = (r[i].base + PAGE_SIZE - 1) >> PAGE_SHIFT, e = r[i].end >> PAGE_SHIFT;

		if (s < e) {
			o->memblock[o->nmemblock].start_pfn = s;
			o->memblock[o->nmemblock++].end_pfn = e;
		}
	}
}

static uint64_t present_in(const struct layout *o, uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < o->nmemblock; i++) {
		uint64_t s = o->memblock[i].start_pfn > start ? o->memblock[i].start_pfn : start;
		uint64_t e = o->memblock[i].end_pfn < end ? o->memblock[i].end_pfn : end;

		if (s < e)
			n += e - s;
	}
	return n;
}

static uint64_t clamp(uint64_t x, uint64_t lo, uint64_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

/* zone_sizes_init() + free_area_init(): contiguous zones from the first RAM pfn. */
static void zones(const struct kernel_config *k, struct layout *o)
{
	uint64_t max_zone[3], start, node_start, node_end;
	static const char *names[] = { "DMA", "Normal", "HighMem" };
	unsigned i;

	max_zone[0] = o->max_low_pfn < MAX_DMA_PFN ? o->max_low_pfn : MAX_DMA_PFN;
	max_zone[1] = o->max_low_pfn;
	max_zone[2] = o->max_pfn;
	if (k->rules == RULES_2_6)
		start = node_start = 0;
	else
		start = node_start = o->nmemblock ? o->memblock[0].start_pfn : 0;
	node_end = o->nmemblock ? o->memblock[o->nmemblock - 1].end_pfn : 0;
	o->nzones = 0;
	for (i = 0; i < 3; i++) {
		struct zone *z;
		uint64_t end, zs, ze;

		if ((i == 0 && !k->zone_dma) || (i == 2 && k->highmem == HIGHMEM_NONE))
			continue;
		end = max_zone[i] > start ? max_zone[i] : start;
		z = &o->zones[o->nzones++];
		z->name = names[i];
		z->start_pfn = start;
		z->end_pfn = end;
		zs = clamp(node_start, start, end);
		ze = clamp(node_end, start, end);
		z->spanned = ze > zs ? ze - zs : 0;
		z->present = present_in(o, zs, ze);
		start = end;
	}
}

static bool is_highmem_zone(const struct zone *z)
{
	return strcmp(z->name, "HighMem") == 0;
}

/* Pages of [start, end) that are RAM and were reserved early (never freed). */
static uint64_t reserved_in(const struct layout_input *in, const struct layout *o,
			    uint64_t start, uint64_t end)
{
	const struct boot_reserved *r = &in->reserved;
	uint64_t pages = 0, p;
	unsigned i;

	/* few ranges, few pages: count each page once, however ranges overlap */
	for (p = start; p < end; p++) {
		bool hit = false;

		for (i = 0; i < r->n && !hit; i++)
			hit = p >= r->start[i] >> PAGE_SHIFT &&
			      p < (r->end[i] + PAGE_SIZE - 1) >> PAGE_SHIFT;
		if (hit && present_in(o, p, p + 1))
			pages++;
		/* jump to the next reserved range: no walking through gigabytes */
		if (!hit) {
			uint64_t next = end;

			for (i = 0; i < r->n; i++)
				if (r->start[i] >> PAGE_SHIFT > p && r->start[i] >> PAGE_SHIFT < next)
					next = r->start[i] >> PAGE_SHIFT;
			p = next - 1;
		}
	}
	return pages;
}

/* initmem_init() (non-NUMA) and the numbers printed from the zones. */
static void printed_numbers(const struct layout_input *in, struct layout *o)
{
	const struct kernel_config *k = &in->k;
	uint64_t highend = o->max_pfn;
	unsigned i;

	o->highstart_pfn = o->max_pfn > o->max_low_pfn ? o->max_low_pfn : o->max_pfn;
	o->printed_sizes = true;
	o->highmem_mb = k->highmem != HIGHMEM_NONE ? pages_to_mb(highend - o->highstart_pfn) : 0;
	o->lowmem_mb = pages_to_mb(o->max_low_pfn);
	/* __va(highstart_pfn * PAGE_SIZE - 1) + 1, or max_low_pfn without HIGHMEM */
	o->high_memory = o->page_offset + (uint32_t)((k->highmem != HIGHMEM_NONE
		? o->highstart_pfn : o->max_low_pfn) << PAGE_SHIFT);
	if (k->rules == RULES_2_6)
		o->vmalloc_start = (o->high_memory + 2 * VMALLOC_OFFSET - 1) & ~(VMALLOC_OFFSET - 1);
	else
		o->vmalloc_start = o->high_memory + VMALLOC_OFFSET;
	o->memory_total_kb = o->memory_highmem_kb = 0;
	o->zones_end_pfn = o->nzones ? o->zones[o->nzones - 1].end_pfn : o->max_pfn;
	for (i = 0; i < o->nzones; i++) {
		const struct zone *z = &o->zones[i];

		o->memory_total_kb += z->present * 4;
		if (is_highmem_zone(z))	/* totalhigh_pages: what was freed to highmem */
			o->memory_highmem_kb += (z->present - reserved_in(in, o, z->start_pfn,
									    z->end_pfn)) * 4;
	}
}

/* The highest RAM the direct map covers ("mapped low ram"). */
static void mapped_low(struct layout *o)
{
	uint64_t end = BIOS_END;	/* the ISA range is always mapped */
	unsigned i;

	for (i = 0; i < o->nmemblock; i++) {
		uint64_t e = o->memblock[i].end_pfn < o->max_low_pfn
			? o->memblock[i].end_pfn : o->max_low_pfn;

		if (o->memblock[i].start_pfn < o->max_low_pfn && (e << PAGE_SHIFT) > end)
			end = e << PAGE_SHIFT;
	}
	o->mapped_low_end = end;
}

/* Where the kernel dies before its "Memory:" line. */
static void check_boot(const struct kernel_config *k, struct layout *o)
{
	char msg[200];

	if (o->nmemblock == 0 || o->max_pfn == 0) {
		die(o, "no usable RAM is left after the boot parameters");
		return;
	}
	if ((uint64_t)o->page_offset + o->mapped_low_end > o->v.vmalloc_end) {
		snprintf(msg, sizeof(msg), "lowmem (MAXMEM 0x%08x) runs into the kernel's fixed "
			 "mappings above VMALLOC_END: the direct map overwrites the fixmap, and the "
			 "next access through it (early_memremap(), the local APIC) faults",
			 o->v.maxmem);
		die(o, msg);
	}
	if ((uint64_t)k->physical_start + kernel_image_bytes(k) > o->max_low_pfn << PAGE_SHIFT)
		die(o, "lowmem ends below the end of the kernel image");
	if (o->vmalloc_start >= o->v.vmalloc_end)
		die(o, "no room is left for vmalloc (VMALLOC_START >= VMALLOC_END): setting up the "
		    "per-CPU areas finds a vmalloc space of 0 and BUGs in vm_area_register_early()");
	else if (o->high_memory > o->vmalloc_start)
		die(o, "BUG_ON(high_memory > VMALLOC_START) in mem_init()");
}

static void region(struct layout *o, const char *name, uint64_t start, uint64_t end)
{
	if (start >= end || o->nregions >= LAYOUT_MAX_REGIONS)
		return;
	o->regions[o->nregions].name = name;
	o->regions[o->nregions].start = start;
	o->regions[o->nregions++].end = end;
}

/* The virtual map, top-down, gaps named so the regions tile 4 GiB. */
static void regions(const struct kernel_config *k, struct layout *o)
{
	const struct vmap_areas *v = &o->v;
	uint64_t top = UINT64_C(1) << 32, fixtop = (uint64_t)v->fixaddr_top + PAGE_SIZE;
	uint64_t lowmem_end = (uint64_t)o->page_offset + (o->max_low_pfn << PAGE_SHIFT);
	uint64_t below;

	o->nregions = 0;
	region(o, "reservetop", fixtop, top);
	region(o, "fixmap", v->fixaddr_tot_start, fixtop);
	below = v->fixaddr_tot_start;
	if (k->rules == RULES_6_1) {
		region(o, "unused", v->cea_end, below);
		region(o, "cpu_entry_area", v->cea_base, v->cea_end);
		region(o, "unused", v->ldt_end, v->cea_base);
		region(o, "ldt_remap", v->ldt_base, v->ldt_end);
		below = v->ldt_base;
	}
	if (v->pkmap_base) {
		uint64_t pk_end = (uint64_t)v->pkmap_base + (uint64_t)o->last_pkmap * PAGE_SIZE;

		region(o, "unused", pk_end, below);
		region(o, "pkmap", v->pkmap_base, pk_end);
		below = v->pkmap_base;
	}
	region(o, "guard", v->vmalloc_end, below);
	if (lowmem_end > v->vmalloc_end)
		lowmem_end = v->vmalloc_end;	/* a kernel that dies: show what fits */
	if (o->vmalloc_start < v->vmalloc_end && o->vmalloc_start >= lowmem_end) {
		region(o, "vmalloc", o->vmalloc_start, v->vmalloc_end);
		region(o, "vmalloc_offset", lowmem_end, o->vmalloc_start);
	} else {
		region(o, "vmalloc_offset", lowmem_end, v->vmalloc_end);
	}
	region(o, "direct_map", o->page_offset, lowmem_end);
	region(o, "user", 0, o->page_offset);
}

void layout_compute(const struct layout_input *in, struct layout *o)
{
	const struct kernel_config *k = &in->k;
	const struct bootparams *bp = &in->boot;
	uint32_t highmem_pages = UINT32_MAX;	/* highmem= not given: -1 */

	memset(o, 0, sizeof(*o));
	o->boots = true;
	o->page_offset = k->page_offset;
	o->last_pkmap = k->highmem == HIGHMEM_NONE ? 0 : k->pae ? 512 : 1024;
	o->km_max_idx = k->rules == RULES_2_6 ? 13 : k->debug_kmap_local ? 33 : 16;
	o->struct_page_bytes = layout_struct_page(k);
	o->max_arch_pfn = k->pae ? UINT64_C(1) << 24 : UINT64_C(1) << 20;
	layout_virtual(k, bp, &o->v);
	o->maxmem_pfn = o->v.maxmem >> PAGE_SHIFT;
	if (bp->has_highmem)
		highmem_pages = (uint32_t)(bp->highmem >> PAGE_SHIFT);

	o->map = in->firmware;
	e820_update_table(&o->map);
	apply_boot_edits(bp, &o->map);
	if (bp->userdef) {
		o->user_map = true;
		if (e820_update_table(&o->map) < 0) {
			die(o, "early_panic(\"Invalid user supplied memory map\"): the edited map "
			    "has fewer than two ranges");
			layout_advise(in, o);
			return;
		}
	}
	if (k->rules == RULES_6_1)
		fix_up_map(k, o);
	else
		e820_update_table(&o->map);
	if (o->v.fixaddr_tot_start < o->page_offset) {
		/* dmi_setup()/ACPI use early_ioremap() long before memory is sized */
		die(o, "reservetop= puts the fixmap below PAGE_OFFSET, in user space: the first "
		    "early_ioremap() faults (an oops in memcpy_fromio) before memory is sized");
		layout_advise(in, o);
		return;
	}

	/* 2.6 kernels did not cap at MAX_ARCH_PFN (the HIGHMEM4G warning was live) */
	o->last_pfn = end_of_ram_pfn(&o->map, k->rules == RULES_2_6 ? UINT32_MAX : o->max_arch_pfn,
				     k->rules == RULES_2_6 && !k->pae ? UINT32_MAX : o->max_arch_pfn);
	o->max_pfn = o->last_pfn;
	if (o->max_pfn <= o->maxmem_pfn)
		lowmem_path(k, o, highmem_pages);
	else
		highmem_path(k, o, highmem_pages);
	memblock_setup(k, o);
	mapped_low(o);
	zones(k, o);
	printed_numbers(in, o);
	regions(k, o);
	check_boot(k, o);
	layout_overhead(in, o);
	if (!o->boots)
		o->memory_total_kb = o->memory_highmem_kb = 0;
	layout_advise(in, o);
}

const char *split_name(uint32_t page_offset, char *buf, unsigned n)
{
	switch (page_offset) {
	case 0xC0000000: return "3G/1G";
	case 0xB0000000: return "3G_OPT";
	case 0x80000000: return "2G/2G";
	case 0x78000000: return "2G_OPT";
	case 0x40000000: return "1G/3G";
	default:
		snprintf(buf, n, "0x%08X", page_offset);
		return buf;
	}
}

bool split_is_opt(uint32_t page_offset)
{
	return page_offset == 0xB0000000 || page_offset == 0x78000000;
}

const char *highmem_name(enum highmem_model h)
{
	return h == HIGHMEM_64G ? "64G" : h == HIGHMEM_4G ? "4G" : "none";
}
