/* The layout report as JSON (DESIGN.md section 6, hmplan-layout(1)). */
#include "config.h"

#include "jsonutil.h"
#include "report.h"

#include <string.h>

#define J(x) ((json_int_t)(x))

int json_print(FILE *fp, json_t *root, size_t flags)
{
	if (json_dumpf(root, fp, flags) != 0)
		return -1;
	return fputc('\n', fp) == EOF ? -1 : 0;
}

static json_t *kernel_json(const struct machine *mc, const struct layout *lo)
{
	const struct kernel_config *k = &mc->in.k;
	char buf[16];

	return json_pack("{s:s, s:I, s:s, s:s, s:b, s:i, s:o, s:i, s:i}",
			 "model", k->rules == RULES_2_6 ? "2.6" : "6.1",
			 "page_offset", J(lo->page_offset),
			 "split", split_name(lo->page_offset, buf, sizeof(buf)),
			 "highmem", highmem_name(k->highmem),
			 "pae", k->pae,
			 "nr_cpus", (int)k->nr_cpus,
			 "last_pkmap", lo->last_pkmap ? json_integer(lo->last_pkmap) : json_null(),
			 "km_max_idx", (int)lo->km_max_idx,
			 "struct_page_bytes", (int)lo->struct_page_bytes);
}

static json_t *opt_int(bool has, uint64_t v)
{
	return has ? json_integer(J(v)) : json_null();
}

static json_t *cmdline_json(const struct machine *mc)
{
	const struct bootparams *bp = &mc->in.boot;
	json_t *memmap = json_array();
	const char *p = bp->memmap;
	bool ok = true;
	unsigned i;

	for (i = 0; i < bp->nmemmap; i++, p += strlen(p) + 1)
		jpush(memmap, json_string(p), &ok);
	if (!(memmap = jdone(memmap, ok)))
		return NULL;
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o}",
			 "line", mc->cmdline ? json_string(mc->cmdline) : json_null(),
			 "mem_bytes", opt_int(bp->has_mem, bp->mem),
			 "vmalloc_bytes", opt_int(bp->has_vmalloc, bp->vmalloc),
			 "highmem_bytes", opt_int(bp->has_highmem, bp->highmem),
			 "reservetop_bytes", opt_int(bp->has_reservetop, bp->reservetop),
			 "memmap", memmap);
}

static json_t *e820_json(const struct e820_table *t)
{
	json_t *a = json_array();
	char buf[40];
	bool ok = true;
	uint32_t i;

	for (i = 0; i < t->nr; i++)
		jpush(a, json_pack("{s:I, s:I, s:s}",
			"start", J(t->entries[i].addr),
			"end", J(t->entries[i].addr + t->entries[i].size - 1),
			"type", e820_type_name(t->entries[i].type, buf, sizeof(buf))), &ok);
	return jdone(a, ok);
}

static json_t *zones_json(const struct layout *lo)
{
	json_t *a = json_array();
	bool ok = true;
	unsigned i;

	for (i = 0; i < lo->nzones; i++) {
		const struct zone *z = &lo->zones[i];

		if (z->start_pfn == z->end_pfn)
			jpush(a, json_pack("{s:s, s:b}", "name", z->name, "empty", 1), &ok);
		else
			jpush(a, json_pack("{s:s, s:I, s:I, s:I, s:I}",
				"name", z->name,
				"start", J(z->start_pfn << PAGE_SHIFT),
				"end", J((z->end_pfn << PAGE_SHIFT) - 1),
				"spanned_pages", J(z->spanned),
				"present_pages", J(z->present)), &ok);
	}
	return jdone(a, ok);
}

static json_t *printed_json(const struct machine *mc, const struct layout *lo)
{
	json_t *msgs = json_array();
	bool ok = true;
	unsigned i;

	for (i = 0; i < lo->nmessages; i++)
		jpush(msgs, json_string(lo->messages[i]), &ok);
	if (!(msgs = jdone(msgs, ok)))
		return NULL;
	return json_pack("{s:o, s:o, s:o, s:o, s:o}",
		"lowmem_mb", lo->printed_sizes ? json_integer(J(lo->lowmem_mb)) : json_null(),
		"highmem_mb", lo->printed_sizes && mc->in.k.highmem != HIGHMEM_NONE
			? json_integer(J(lo->highmem_mb)) : json_null(),
		"memory_total_kb", lo->boots ? json_integer(J(lo->memory_total_kb)) : json_null(),
		"memory_highmem_kb", lo->boots ? json_integer(J(lo->memory_highmem_kb)) : json_null(),
		"messages", msgs);
}

static json_t *virtual_json(const struct machine *mc, const struct layout *lo)
{
	const struct vmap_areas *v = &lo->v;
	bool classic = mc->in.k.rules == RULES_2_6;
	json_t *regions = json_array();
	bool ok = true;
	unsigned i;

	for (i = 0; i < lo->nregions; i++) {
		const struct region *r = &lo->regions[i];

		jpush(regions, json_pack("{s:s, s:I, s:I, s:I}", "name", r->name,
			"start", J(r->start), "end", J(r->end - 1), "bytes", J(r->end - r->start)), &ok);
	}
	if (!(regions = jdone(regions, ok)))
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:o}",
		"page_offset", J(lo->page_offset),
		"high_memory", J(lo->high_memory),
		"vmalloc_start", J(lo->vmalloc_start),
		"vmalloc_end", J(v->vmalloc_end),
		"pkmap_base", v->pkmap_base ? json_integer(J(v->pkmap_base)) : json_null(),
		"ldt_base", classic ? json_null() : json_integer(J(v->ldt_base)),
		"cpu_entry_area_base", classic ? json_null() : json_integer(J(v->cea_base)),
		"fixaddr_tot_start", J(v->fixaddr_tot_start),
		"fixaddr_start", J(v->fixaddr_start),
		"fixaddr_top", J(v->fixaddr_top),
		"maxmem_bytes", J(v->maxmem),
		"vmalloc_reserve_bytes", J(v->vmalloc_reserve),
		"regions", regions);
}

static json_t *warnings_json(const struct layout *lo)
{
	json_t *a = json_array();
	bool ok = true;
	unsigned i;

	for (i = 0; i < lo->nwarnings; i++)
		jpush(a, json_pack("{s:s, s:s}", "code", lo->warnings[i].code,
				   "message", lo->warnings[i].message), &ok);
	return jdone(a, ok);
}

static json_t *machine_json(const struct machine *mc)
{
	return json_pack("{s:o, s:o, s:o, s:o}",
		"name", mc->name ? json_string(mc->name) : json_null(),
		"description", mc->description ? json_string(mc->description) : json_null(),
		"source", mc->source ? json_string(mc->source) : json_null(),
		"cpus", mc->in.cpus ? json_integer(mc->in.cpus) : json_null());
}

json_t *layout_json(const struct machine *mc, const struct layout *lo)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:o}",
		"schema", "hmplan-layout/1",
		"machine", machine_json(mc),
		"kernel", kernel_json(mc, lo),
		"cmdline", cmdline_json(mc),
		"e820", e820_json(&mc->in.firmware),
		"pfn", json_pack("{s:I, s:I, s:o, s:I}",
			"max_pfn", J(lo->zones_end_pfn), "max_low_pfn", J(lo->max_low_pfn),
			"highstart_pfn", mc->in.k.highmem != HIGHMEM_NONE
				? json_integer(J(lo->highstart_pfn)) : json_null(),
			"max_arch_pfn", J(lo->max_arch_pfn)),
		"printed", printed_json(mc, lo),
		"zones", zones_json(lo),
		"virtual", virtual_json(mc, lo),
		"overhead", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
			"mem_map_bytes", J(lo->mem_map_bytes),
			"swiotlb_bytes", J(lo->swiotlb_bytes),
			"pagetable_bytes", J(lo->pagetable_bytes),
			"hash_bytes", J(lo->hash_bytes),
			"kernel_bytes", J(lo->kernel_bytes),
			"lowmem_free_estimate_bytes", J(lo->lowmem_free_estimate_bytes)),
		"boots", lo->boots,
		"warnings", warnings_json(lo));
}

const struct region *layout_vmalloc_region(const struct layout *lo)
{
	unsigned i;

	for (i = 0; i < lo->nregions; i++)
		if (strcmp(lo->regions[i].name, "vmalloc") == 0)
			return &lo->regions[i];
	return NULL;
}

uint64_t layout_vmalloc_bytes(const struct layout *lo)
{
	const struct region *vr = layout_vmalloc_region(lo);

	return vr ? vr->end - vr->start : 0;
}

json_t *layout_summary_json(const struct machine *mc, const struct layout *lo)
{
	json_t *codes = json_array();
	char buf[16];
	bool ok = true;
	unsigned i;

	for (i = 0; i < lo->nwarnings; i++)
		jpush(codes, json_string(lo->warnings[i].code), &ok);
	if (!(codes = jdone(codes, ok)))
		return NULL;
	return json_pack("{s:s, s:I, s:b, s:s, s:i, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:b, s:o}",
		"split", split_name(lo->page_offset, buf, sizeof(buf)),
		"page_offset", J(lo->page_offset),
		"pae", mc->in.k.pae,
		"highmem", highmem_name(mc->in.k.highmem),
		"nr_cpus", (int)mc->in.k.nr_cpus,
		"lowmem_mb", lo->printed_sizes ? json_integer(J(lo->lowmem_mb)) : json_null(),
		"highmem_mb", lo->printed_sizes && mc->in.k.highmem != HIGHMEM_NONE
			? json_integer(J(lo->highmem_mb)) : json_null(),
		"max_low_pfn", J(lo->max_low_pfn),
		"max_pfn", J(lo->zones_end_pfn),
		"lowmem_present_bytes", J(lo->lowmem_present_bytes),
		"highmem_present_bytes", J(lo->highmem_present_bytes),
		"usable_bytes", J(lo->lowmem_present_bytes + lo->highmem_present_bytes),
		"vmalloc_bytes", J(layout_vmalloc_bytes(lo)),
		"mem_map_bytes", J(lo->mem_map_bytes),
		"swiotlb_bytes", J(lo->swiotlb_bytes),
		"lowmem_free_estimate_bytes", J(lo->lowmem_free_estimate_bytes),
		"boots", lo->boots,
		"warnings", codes);
}
