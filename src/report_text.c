/* The layout report for people: what the kernel prints, a summary, diagrams. */
#include "config.h"

#include "report.h"
#include "size.h"

#include <string.h>

/* A size for printing; a few may be alive at once in one printf call. */
static const char *HUMAN(uint64_t v)
{
	static char buf[12][32];
	static unsigned next;
	char *b = buf[next++ % 12];

	return size_human(b, sizeof(buf[0]), v);
}

static void header(FILE *fp, const struct machine *mc, const struct layout *lo)
{
	const struct kernel_config *k = &mc->in.k;
	char split[16];

	fprintf(fp, "Machine   %s%s%s\n", mc->name ? mc->name : mc->source,
		mc->name ? " — " : "", mc->name ? mc->source : "");
	if (mc->description)
		fprintf(fp, "          %s\n", mc->description);
	fprintf(fp, "Kernel    Linux %s rules, %s, %s split (PAGE_OFFSET 0x%08X), NR_CPUS %u, "
		"struct page %u bytes\n", k->rules == RULES_2_6 ? "2.6" : "6.1",
		k->highmem == HIGHMEM_64G ? "HIGHMEM64G (PAE)" : k->highmem == HIGHMEM_4G
		? "HIGHMEM4G" : k->pae ? "NOHIGHMEM (PAE)" : "NOHIGHMEM",
		split_name(lo->page_offset, split, sizeof(split)), lo->page_offset, k->nr_cpus,
		lo->struct_page_bytes);
	fprintf(fp, "Cmdline   %s\n\n", mc->cmdline && *mc->cmdline ? mc->cmdline : "(none)");
}

static void kernel_says(FILE *fp, const struct machine *mc, const struct layout *lo)
{
	unsigned i;

	fprintf(fp, "What the kernel prints\n");
	for (i = 0; i < lo->nmessages; i++)
		fprintf(fp, "  %s\n", lo->messages[i]);
	if (!lo->printed_sizes) {
		fprintf(fp, "  (nothing: it dies first)\n\n");
		return;
	}
	if (mc->in.k.highmem != HIGHMEM_NONE)
		fprintf(fp, "  %lluMB HIGHMEM available.\n", (unsigned long long)lo->highmem_mb);
	fprintf(fp, "  %lluMB LOWMEM available.\n", (unsigned long long)lo->lowmem_mb);
	fprintf(fp, "  Zone ranges:\n");
	for (i = 0; i < lo->nzones; i++) {
		const struct zone *z = &lo->zones[i];

		if (z->start_pfn == z->end_pfn)
			fprintf(fp, "    %-8s empty\n", z->name);
		else
			fprintf(fp, "    %-8s [mem 0x%016llx-0x%016llx]\n", z->name,
				(unsigned long long)(z->start_pfn << PAGE_SHIFT),
				(unsigned long long)((z->end_pfn << PAGE_SHIFT) - 1));
	}
	if (lo->boots) {
		fprintf(fp, "  Memory: .../%lluK available (... ", (unsigned long long)lo->memory_total_kb);
		if (mc->in.k.highmem != HIGHMEM_NONE)
			fprintf(fp, "%lluK highmem)\n", (unsigned long long)lo->memory_highmem_kb);
		else
			fprintf(fp, "no highmem)\n");
	} else {
		fprintf(fp, "  ... and then it dies: %s\n", lo->death);
	}
	fputc('\n', fp);
}

static void summary(FILE *fp, const struct machine *mc, const struct layout *lo)
{
	const struct region *vr = layout_vmalloc_region(lo);
	/* what was freed to highmem; all of it when the kernel never gets that far */
	uint64_t high_present = lo->boots ? lo->memory_highmem_kb * 1024 : lo->highmem_present_bytes;

	fprintf(fp, "Summary\n");
	fprintf(fp, "  %-24s %-12s max_low_pfn %#llx, %s of RAM present\n", "lowmem (direct map)",
		HUMAN(lo->max_low_pfn << PAGE_SHIFT), (unsigned long long)lo->max_low_pfn,
		HUMAN(lo->lowmem_present_bytes));
	if (mc->in.k.highmem != HIGHMEM_NONE)
		fprintf(fp, "  %-24s %-12s to max_pfn %#llx, %s of RAM present\n", "highmem",
			HUMAN((lo->max_pfn - lo->highstart_pfn) << PAGE_SHIFT),
			(unsigned long long)lo->max_pfn, HUMAN(high_present));
	if (vr)
		fprintf(fp, "  %-24s %-12s 0x%08llx-0x%08llx\n", "vmalloc area", HUMAN(vr->end - vr->start),
			(unsigned long long)vr->start, (unsigned long long)vr->end);
	else
		fprintf(fp, "  %-24s %-12s no room between lowmem and VMALLOC_END\n", "vmalloc area", "none");
	fprintf(fp, "  %-24s %-12s %u-byte struct page per pfn, holes included\n", "mem_map",
		HUMAN(lo->mem_map_bytes), lo->struct_page_bytes);
	fprintf(fp, "  %-24s %-12s %s\n", "swiotlb bounce buffer", HUMAN(lo->swiotlb_bytes),
		lo->swiotlb_bytes ? "RAM above 4 GiB turns it on" : "off (no RAM above 4 GiB)");
	fprintf(fp, "  %-24s %-12s %llu + %llu entries\n", "dentry/inode hashes",
		HUMAN(lo->hash_bytes), (unsigned long long)lo->dentry_entries,
		(unsigned long long)lo->inode_entries);
	fprintf(fp, "  %-24s %-12s image, percpu, early allocations (Debian 6.1 figure)\n",
		"kernel", HUMAN(lo->kernel_bytes));
	fprintf(fp, "  %-24s %-12s direct map, fixmap, cpu_entry_area, pkmap\n", "page tables",
		HUMAN(lo->pagetable_bytes));
	fprintf(fp, "  %-24s %-12s estimate, for slab, stacks, page tables, buffers\n",
		"lowmem free at boot", lo->boots ? HUMAN(lo->lowmem_free_estimate_bytes) : "-");
	fprintf(fp, "  %-24s %s\n\n", "boots", lo->boots ? "yes" : "no");
}

/* "16 MiB + 8 KiB": exact, for the arithmetic of the lowmem ceiling */
static const char *exact(char *buf, size_t n, uint64_t bytes)
{
	if (bytes % MiB == 0 || bytes < MiB || bytes % KiB)
		return size_human(buf, n, bytes);
	snprintf(buf, n, "%llu MiB + %llu KiB", (unsigned long long)(bytes / MiB),
		 (unsigned long long)(bytes % MiB / KiB));
	return buf;
}

/* Why the lowmem ceiling is where it is, in the kernel's own terms. */
static void ceiling(FILE *fp, const struct machine *mc, const struct layout *lo)
{
	const struct vmap_areas *v = &lo->v;
	uint64_t above = (UINT64_C(1) << 32) - v->vmalloc_end;
	uint64_t classic = (UINT64_C(1) << 32) - lo->page_offset - v->vmalloc_reserve;
	uint64_t align = (uint64_t)v->fixaddr_tot_start - v->cea_end + v->cea_base - v->ldt_end;
	char mib[32], ex[4][40];

	if (mc->in.k.rules == RULES_2_6) {
		fprintf(fp, "Lowmem ceiling (2.6 rules)\n  MAXMEM = 4 GiB - PAGE_OFFSET - "
			"__VMALLOC_RESERVE = %s: the fixmap, pkmap and vmalloc\n  all fit inside "
			"the %s reserve.\n\n", HUMAN(v->maxmem), HUMAN(v->vmalloc_reserve));
		return;
	}
	fprintf(fp, "Lowmem ceiling\n");
	fprintf(fp, "  MAXMEM = VMALLOC_END - PAGE_OFFSET - __VMALLOC_RESERVE\n"
		"         = 0x%08x - 0x%08x - %s MiB = 0x%08x (%s MiB)\n",
		v->vmalloc_end, lo->page_offset, size_mib(ex[0], sizeof(ex[0]), v->vmalloc_reserve),
		v->maxmem, size_mib(mib, sizeof(mib), v->maxmem));
	if ((uint64_t)v->vmalloc_reserve > (UINT64_C(1) << 32) - lo->page_offset ||
	    v->maxmem != classic - above) {
		fprintf(fp, "  __VMALLOC_RESERVE is larger than VMALLOC_END - PAGE_OFFSET: the 32-bit\n"
			"  subtraction wraps, and MAXMEM becomes 0x%08x.\n\n", v->maxmem);
		return;
	}
	fprintf(fp, "  Up to 2.6.27 it was 4 GiB - PAGE_OFFSET - __VMALLOC_RESERVE = %s%s.\n"
		"  Since 2.6.28 everything above VMALLOC_END comes on top of the reserve;\n"
		"  here that is %s:\n", HUMAN(classic), classic == 896 * MiB
		? " (the classic 896 MB)" : "", exact(ex[0], sizeof(ex[0]), above));
	fprintf(fp, "    fixmap %s (%u slots: %u kmap_local, 512 early_ioremap, ...)\n",
		exact(ex[2], sizeof(ex[2]), (uint64_t)v->fixaddr_top + PAGE_SIZE - v->fixaddr_tot_start),
		v->fix_total,
		lo->km_max_idx * mc->in.k.nr_cpus);
	fprintf(fp, "    cpu_entry_area %s (NR_CPUS %u x %u pages + IDT)\n",
		exact(ex[3], sizeof(ex[3]), v->cea_end - v->cea_base), mc->in.k.nr_cpus,
		v->cea_pages_per_cpu);
	fprintf(fp, "    PMD alignment %s, LDT remap %s", HUMAN(align), HUMAN(v->ldt_end - v->ldt_base));
	if (v->pkmap_base)
		fprintf(fp, ", pkmap %s (%u kmap() slots)", HUMAN((uint64_t)lo->last_pkmap * PAGE_SIZE),
			lo->last_pkmap);
	fprintf(fp, ", guard 8 KiB\n");
	fprintf(fp, "  %s - (%s) = %s MiB; the kernel prints whole MB, truncated: %u MB.\n\n",
		HUMAN(classic), exact(ex[1], sizeof(ex[1]), above),
		size_mib(mib, sizeof(mib), v->maxmem), v->maxmem >> 20);
}

static void box_line(FILE *fp, uint64_t addr)
{
	fprintf(fp, "  0x%08llx +-------------------------------------+\n", (unsigned long long)addr);
}

static const char *region_note(const struct machine *mc, const struct layout *lo,
			       const struct region *r, char *buf, size_t n)
{
	const struct vmap_areas *v = &lo->v;

	buf[0] = '\0';
	if (strcmp(r->name, "fixmap") == 0)
		snprintf(buf, n, "%u permanent + early_ioremap slots", v->fix_permanent);
	else if (strcmp(r->name, "cpu_entry_area") == 0)
		snprintf(buf, n, "%u CPUs x %u pages + 1 IDT page", mc->in.k.nr_cpus, v->cea_pages_per_cpu);
	else if (strcmp(r->name, "pkmap") == 0)
		snprintf(buf, n, "%u kmap() slots", lo->last_pkmap);
	else if (strcmp(r->name, "vmalloc") == 0)
		snprintf(buf, n, "vmalloc, vmap, ioremap, modules");
	else if (strcmp(r->name, "vmalloc_offset") == 0)
		snprintf(buf, n, "hole after high_memory 0x%08x", lo->high_memory);
	else if (strcmp(r->name, "direct_map") == 0)
		snprintf(buf, n, "lowmem: physical 0-%#llx",
			 (unsigned long long)(lo->max_low_pfn << PAGE_SHIFT));
	else if (strcmp(r->name, "user") == 0)
		snprintf(buf, n, "TASK_SIZE 0x%08x", lo->page_offset);
	else if (strcmp(r->name, "ldt_remap") == 0)
		snprintf(buf, n, "one PMD");
	return buf;
}

static void diagram(FILE *fp, const struct machine *mc, const struct layout *lo)
{
	unsigned i;
	char note[80];

	fprintf(fp, "Virtual address space (top down)\n");
	for (i = 0; i < lo->nregions; i++) {
		const struct region *r = &lo->regions[i];

		box_line(fp, r->end - 1 == 0xffffffff && i == 0 ? 0xffffffff : r->end);
		region_note(mc, lo, r, note, sizeof(note));
		fprintf(fp, "             | %-20s %14s |%s%s\n", r->name, HUMAN(r->end - r->start),
			*note ? "  " : "", note);
	}
	box_line(fp, 0);
	fputc('\n', fp);
}

static void physical(FILE *fp, const struct layout *lo)
{
	char buf[40];
	uint32_t i;

	fprintf(fp, "Physical memory\n");
	for (i = 0; i < lo->nzones; i++) {
		const struct zone *z = &lo->zones[i];

		if (z->start_pfn == z->end_pfn) {
			fprintf(fp, "  %-8s empty\n", z->name);
			continue;
		}
		fprintf(fp, "  %-8s 0x%010llx-0x%010llx %12s spanned, %12s present\n", z->name,
			(unsigned long long)(z->start_pfn << PAGE_SHIFT),
			(unsigned long long)((z->end_pfn << PAGE_SHIFT) - 1),
			HUMAN(z->spanned << PAGE_SHIFT), HUMAN(z->present << PAGE_SHIFT));
	}
	fprintf(fp, "  e820 as the kernel uses it%s:\n", lo->user_map ? " (user-defined map)" : "");
	for (i = 0; i < lo->map.nr; i++) {
		const struct e820_entry *e = &lo->map.entries[i];

		fprintf(fp, "    [mem 0x%016llx-0x%016llx] %-12s %s\n", (unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->size - 1),
			e820_type_name(e->type, buf, sizeof(buf)), HUMAN(e->size));
	}
	fputc('\n', fp);
}

static void warnings(FILE *fp, const struct layout *lo)
{
	unsigned i;

	if (!lo->nwarnings)
		return;
	fprintf(fp, "Warnings\n");
	for (i = 0; i < lo->nwarnings; i++)
		fprintf(fp, "  [%s] %s\n", lo->warnings[i].code, lo->warnings[i].message);
}

void layout_text(FILE *fp, const struct machine *mc, const struct layout *lo)
{
	header(fp, mc, lo);
	kernel_says(fp, mc, lo);
	summary(fp, mc, lo);
	ceiling(fp, mc, lo);
	diagram(fp, mc, lo);
	physical(fp, lo);
	warnings(fp, lo);
}
