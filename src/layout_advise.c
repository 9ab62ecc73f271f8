/*
 * hmplan's own planning advice, separate from what the kernel prints.  Each
 * warning has a stable code (listed in hmplan-layout(1)).
 */
#include "config.h"

#include "layout.h"
#include "size.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define FOUR_G (UINT64_C(1) << 32)
#define LOW_FREE_LIMIT (128 * MiB)

void layout_warn(struct layout *o, const char *code, const char *fmt, ...)
{
	struct warning *w;
	va_list ap;

	if (o->nwarnings >= LAYOUT_MAX_WARNINGS)
		return;
	w = &o->warnings[o->nwarnings++];
	w->code = code;
	va_start(ap, fmt);
	vsnprintf(w->message, sizeof(w->message), fmt, ap);
	va_end(ap);
}

static uint64_t ram_bytes(const struct e820_table *t, uint64_t from, uint64_t to)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < t->nr; i++) {
		const struct e820_entry *e = &t->entries[i];
		uint64_t s = e->addr > from ? e->addr : from;
		uint64_t end = e->addr + e->size < to ? e->addr + e->size : to;

		if (e->type == E820_TYPE_RAM && s < end)
			n += end - s;
	}
	return n;
}

/* Firmware entries that overlap: the kernel keeps the higher type number. */
static bool overlapping(const struct e820_table *t)
{
	uint32_t i, j;

	for (i = 0; i < t->nr; i++)
		for (j = i + 1; j < t->nr; j++) {
			const struct e820_entry *a = &t->entries[i], *b = &t->entries[j];

			if (a->size && b->size && a->addr < b->addr + b->size &&
			    b->addr < a->addr + a->size)
				return true;
		}
	return false;
}

static void lost_ram(const struct layout_input *in, struct layout *o)
{
	uint64_t above4g = ram_bytes(&o->map, FOUR_G, UINT64_MAX);
	uint64_t unused = ram_bytes(&o->map, o->max_pfn << PAGE_SHIFT, UINT64_MAX);
	char a[32], b[32];

	if (!in->k.pae && above4g) {
		layout_warn(o, "nonpae-ram-lost", "%s of RAM above 4 GiB is ignored: a non-PAE "
			    "kernel caps max_pfn at 4 GiB and the 6.1 kernel says nothing about it; "
			    "use a PAE (686-pae) kernel", size_human(a, sizeof(a), above4g));
		if (unused > above4g)
			unused -= above4g;
		else
			unused = 0;
	}
	if (unused && o->printed_sizes)
		layout_warn(o, "ram-unused", "%s of RAM above max_pfn (%s) is not used%s",
			    size_human(a, sizeof(a), unused),
			    size_human(b, sizeof(b), o->max_pfn << PAGE_SHIFT),
			    in->k.highmem == HIGHMEM_NONE ? ": a NOHIGHMEM kernel only uses lowmem"
			    : in->boot.has_highmem ? " (highmem= limits it)"
			    : in->k.pae ? ": PAE kernels address at most 64 GiB" : "");
}

static void pci_hole(const struct layout_input *in, struct layout *o)
{
	uint64_t above4g = ram_bytes(&o->map, FOUR_G, UINT64_MAX);
	uint64_t top_below = 0;
	uint32_t i;
	char a[32];

	if (!above4g || !in->k.pae)
		return;	/* without PAE, nonpae-ram-lost says it all */
	for (i = 0; i < o->map.nr; i++) {
		const struct e820_entry *e = &o->map.entries[i];

		if (e->type == E820_TYPE_RAM && e->addr < FOUR_G && e->addr + e->size > top_below)
			top_below = e->addr + e->size;
	}
	if (top_below && top_below < FOUR_G)
		layout_warn(o, "pci-hole-remap", "%s of RAM sits above 4 GiB because the "
			    "firmware moved it out of the PCI hole (RAM below 4 GiB ends at 0x%llx): "
			    "it is highmem, and 32-bit DMA to it goes through the swiotlb bounce "
			    "buffer", size_human(a, sizeof(a), above4g), (unsigned long long)top_below);
}

static void sizing(const struct layout_input *in, struct layout *o)
{
	uint64_t ram = o->lowmem_present_bytes + o->highmem_present_bytes;
	char a[32], b[32];

	if (in->k.pae && ram > 8 * GiB)
		layout_warn(o, "pae-over-8g", "%s of RAM on a 32-bit kernel: the kernel "
			    "documentation (Documentation/mm/highmem.rst) advises at most 8 GiB; "
			    "mem_map alone takes %s of lowmem", size_human(a, sizeof(a), ram),
			    size_human(b, sizeof(b), o->mem_map_bytes));
	if (o->lowmem_present_bytes && o->mem_map_bytes > o->lowmem_present_bytes / 2)
		layout_warn(o, "memmap-over-half", "mem_map (%s) takes more than half of lowmem (%s)",
			    size_human(a, sizeof(a), o->mem_map_bytes),
			    size_human(b, sizeof(b), o->lowmem_present_bytes));
	if (o->boots && o->lowmem_free_estimate_bytes < LOW_FREE_LIMIT)
		layout_warn(o, "lowmem-low", "only about %s of lowmem is left free at boot for slab, "
			    "page tables, kernel stacks and buffers (under 128 MiB)",
			    size_human(a, sizeof(a), o->lowmem_free_estimate_bytes));
}

static void vmalloc_size(const struct layout_input *in, struct layout *o)
{
	uint64_t area = o->vmalloc_start < o->v.vmalloc_end
		? (uint64_t)o->v.vmalloc_end - o->vmalloc_start : 0;
	char a[32], b[32];

	if (!in->boot.has_vmalloc)
		return;
	if ((uint64_t)o->v.vmalloc_reserve != in->boot.vmalloc + (in->k.rules == RULES_6_1 ? VMALLOC_OFFSET : 0))
		layout_warn(o, "vmalloc-wrapped", "vmalloc=%s does not fit the kernel's 32-bit "
			    "__VMALLOC_RESERVE: it wraps to %s", size_human(a, sizeof(a), in->boot.vmalloc),
			    size_human(b, sizeof(b), o->v.vmalloc_reserve));
	else if ((uint64_t)o->v.vmalloc_end - o->page_offset < o->v.vmalloc_reserve)
		layout_warn(o, "vmalloc-too-large", "vmalloc=%s is larger than the %s between "
			    "PAGE_OFFSET and VMALLOC_END: MAXMEM wraps around",
			    size_human(a, sizeof(a), in->boot.vmalloc),
			    size_human(b, sizeof(b), (uint64_t)o->v.vmalloc_end - o->page_offset));
	if (area < in->boot.vmalloc)
		layout_warn(o, "vmalloc-smaller", "the vmalloc area is %s, smaller than the "
			    "vmalloc=%s asked for", size_human(a, sizeof(a), area),
			    size_human(b, sizeof(b), in->boot.vmalloc));
}

static void cmdline_notes(const struct layout_input *in, struct layout *o)
{
	unsigned i;

	if (in->boot.truncated)
		layout_warn(o, "cmdline-truncated", "the command line is longer than %d characters; "
			    "the kernel only reads the first %d", COMMAND_LINE_SIZE - 1,
			    COMMAND_LINE_SIZE - 1);
	for (i = 0; i < in->boot.nnotes; i++)
		layout_warn(o, "cmdline-ignored", "%s", in->boot.notes[i]);
}

void layout_advise(const struct layout_input *in, struct layout *o)
{
	cmdline_notes(in, o);
	if (overlapping(&in->firmware))
		layout_warn(o, "e820-overlap", "the firmware map has overlapping ranges; the kernel "
			    "keeps the higher type number where they overlap");
	if (o->map.dropped)
		layout_warn(o, "e820-full", "the kernel's e820 table is full (%d entries): %u "
			    "ranges added by boot parameters are dropped", E820_MAX_ENTRIES,
			    o->map.dropped);
	if (!o->boots)
		layout_warn(o, "kernel-dies", "this kernel does not boot: %s", o->death);
	else if (o->printed_sizes && in->k.highmem != HIGHMEM_NONE &&
		 o->highstart_pfn < o->max_low_pfn)
		layout_warn(o, "kernel-dies-later", "highmem= wrapped the kernel's 32-bit sums: "
			    "max_pfn (0x%llx) is below max_low_pfn (0x%llx), so high_memory, and the "
			    "vmalloc area after it, lie inside the direct map; the kernel reaches its "
			    "Memory: line, then BUGs in mm/vmalloc.c at its first ioremap()",
			    (unsigned long long)o->highstart_pfn, (unsigned long long)o->max_low_pfn);
	if (o->printed_sizes) {
		lost_ram(in, o);
		pci_hole(in, o);
		sizing(in, o);
	}
	vmalloc_size(in, o);
}
