/* The layout core: virtual areas, lowmem ceilings, zones, the 2.6 rules. */
#include "config.h"

#include <stdlib.h>

#include "layout.h"
#include "size.h"
#include "tap.h"

static struct layout lo;

static void machine(struct layout_input *in, bool pae, uint64_t ram)
{
	const char *why;

	memset(in, 0, sizeof(*in));
	kernel_config_debian(&in->k, pae);
	e820_board(&in->firmware, ram, BOARD_PC, &why);
}

static void debian_virtual(void)
{
	struct kernel_config k;
	struct vmap_areas v;

	kernel_config_debian(&k, true);
	layout_virtual(&k, NULL, &v);
	is_u64(v.fix_permanent, 583, "686-pae: 583 permanent fixmap slots");
	is_u64(v.fix_total, 1537, "686-pae: 1537 fixmap slots in all");
	is_u64(v.fixaddr_tot_start, 0xff9fe000, "686-pae: FIXADDR_TOT_START");
	is_u64(v.cea_base, 0xff400000, "686-pae: CPU_ENTRY_AREA_BASE");
	is_u64(v.cea_end, 0xff961000, "686-pae: end of the cpu_entry_area");
	is_u64(v.ldt_base, 0xff200000, "686-pae: LDT_BASE_ADDR");
	is_u64(v.pkmap_base, 0xff000000, "686-pae: PKMAP_BASE");
	is_u64(v.vmalloc_end, 0xfeffe000, "686-pae: VMALLOC_END");
	is_u64(v.maxmem, 0x36ffe000, "686-pae: MAXMEM 879.99 MiB");
	is_u64(0xfffff000u - (v.fix_kmap_begin) * 4096u, 0xfffbb000, "CPU 0 kmap_local slot 0");

	kernel_config_debian(&k, false);
	layout_virtual(&k, NULL, &v);
	is_u64(v.ldt_base, 0xff000000, "686: LDT_BASE_ADDR (4 MiB PMDs)");
	is_u64(v.pkmap_base, 0xfec00000, "686: PKMAP_BASE");
	is_u64(v.vmalloc_end, 0xfebfe000, "686: VMALLOC_END");
	is_u64(v.maxmem, 0x36bfe000, "686: MAXMEM 875.99 MiB");

	k.highmem = HIGHMEM_NONE;
	layout_virtual(&k, NULL, &v);
	is_u64(v.vmalloc_end, 0xfeffe000, "NOHIGHMEM 2-level: VMALLOC_END 8 KiB below the LDT");
	is_u64(v.maxmem >> 20, 879, "NOHIGHMEM 2-level: 879 MB, like PAE");
}

/* The reference's NR_CPUS table (x86-32-layout.md section 2.5). */
static void nr_cpus_table(void)
{
	static const unsigned cpus[] = { 1, 2, 4, 8, 16, 32, 64 };
	static const unsigned pae[] = { 885, 885, 885, 885, 883, 879, 871 };
	static const unsigned two[] = { 883, 883, 883, 879, 879, 875, 867 };
	struct kernel_config k;
	struct vmap_areas v;
	unsigned i;

	for (i = 0; i < 7; i++) {
		kernel_config_debian(&k, true);
		k.nr_cpus = cpus[i];
		layout_virtual(&k, NULL, &v);
		is_u64(v.maxmem >> 20, pae[i], "686-pae NR_CPUS=%u: %u MB", cpus[i], pae[i]);
		kernel_config_debian(&k, false);
		k.nr_cpus = cpus[i];
		layout_virtual(&k, NULL, &v);
		is_u64(v.maxmem >> 20, two[i], "686 NR_CPUS=%u: %u MB", cpus[i], two[i]);
	}
}

static void splits(void)
{
	static const struct { uint32_t po; bool pae; unsigned mb; } cases[] = {
		{ 0xB0000000, false, 1131 }, { 0x80000000, true, 1903 }, { 0x80000000, false, 1899 },
		{ 0x78000000, false, 2027 }, { 0x40000000, true, 2927 }, { 0x40000000, false, 2923 },
	};
	struct kernel_config k;
	struct vmap_areas v;
	unsigned i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		kernel_config_debian(&k, cases[i].pae);
		k.page_offset = cases[i].po;
		layout_virtual(&k, NULL, &v);
		is_u64(v.maxmem >> 20, cases[i].mb, "PAGE_OFFSET 0x%08x %s: %u MB", cases[i].po,
		       cases[i].pae ? "PAE" : "2-level", cases[i].mb);
	}
}

static void eight_gig(void)
{
	struct layout_input in;

	machine(&in, true, 8 * GiB);
	layout_compute(&in, &lo);
	is_u64(lo.lowmem_mb, 879, "8G PAE: 879MB LOWMEM");
	is_u64(lo.highmem_mb, 8336, "8G PAE: 8336MB HIGHMEM (holes counted)");
	is_u64(lo.max_pfn, 0x240000, "8G PAE: max_pfn");
	is_u64(lo.zones[1].end_pfn, 0x36ffe, "8G PAE: Normal ends at MAXMEM_PFN");
	is_u64(lo.memory_total_kb, 8388088, "8G PAE: Memory total K");
	is_u64(lo.memory_highmem_kb, 7487368, "8G PAE: highmem K");
	is_u64(lo.total_pages, 2094822, "8G PAE: Total pages");
	is_u64(lo.mem_map_bytes, 90 * MiB, "8G PAE: mem_map 90 MiB");
	is_u64(lo.swiotlb_bytes, 64 * MiB + 512 * KiB, "8G PAE: swiotlb 64.5 MiB");
	is_u64(lo.dentry_entries, 131072, "8G PAE: dentry hash entries");
	is_u64(lo.inode_entries, 65536, "8G PAE: inode hash entries");
	is_u64(lo.lowmem_free_estimate_bytes, 725328 * KiB, "8G PAE: 725328K of lowmem free");
	is_u64(lo.high_memory, 0xf6ffe000, "8G PAE: high_memory");
	is_u64(lo.vmalloc_start, 0xf77fe000, "8G PAE: VMALLOC_START");
	tap_ok(lo.boots, "8G PAE boots");

	machine(&in, false, 8 * GiB);
	layout_compute(&in, &lo);
	is_u64(lo.max_pfn, 0xbffe0, "8G 686: RAM above 4 GiB silently gone");
	is_u64(lo.highmem_mb, 2195, "8G 686: 2195MB HIGHMEM");
	is_u64(lo.nmessages, 0, "8G 686: and the kernel says nothing");
	is_u64(lo.swiotlb_bytes, 0, "8G 686: no swiotlb");
}

static void small_and_odd(void)
{
	struct layout_input in;
	struct diag d;

	machine(&in, true, 512 * MiB);
	layout_compute(&in, &lo);
	is_u64(lo.max_low_pfn, 0x1ffe0, "512M: max_low_pfn");
	is_u64(lo.vmalloc_start, 0xe07e0000, "512M: VMALLOC_START");
	tap_ok(lo.zones[2].start_pfn == lo.zones[2].end_pfn, "512M: HighMem empty");

	machine(&in, true, 4 * GiB);
	bootparam_parse("vmalloc=1G", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_u64(lo.lowmem_mb, 4071, "vmalloc=1G on 4G: MAXMEM wraps, 4071MB");
	tap_ok(!lo.boots, "vmalloc=1G on 4G: does not boot");

	machine(&in, true, 2 * GiB);
	bootparam_parse("highmem=0", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_u64(lo.max_pfn, 0x36ffe, "highmem=0 on 2G: no highmem at all");

	machine(&in, true, 2 * GiB);
	bootparam_parse("highmem=256M", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_u64(lo.highmem_mb, 256, "highmem=256M on 2G: 256MB HIGHMEM");

	machine(&in, true, 512 * MiB);
	bootparam_parse("highmem=480M", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_str(lo.messages[0], "highmem size (480MB) results in <64MB lowmem, ignoring it!",
	       "highmem= leaving < 64 MB lowmem is refused");

	machine(&in, true, 512 * MiB);
	bootparam_parse("highmem=1G", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_str(lo.messages[0], "highmem size (1024MB) is bigger than pages available (511MB)!",
	       "highmem= larger than RAM is refused");

	machine(&in, true, 2 * GiB);
	bootparam_parse("memmap=exactmap memmap=512M@0", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	tap_ok(!lo.boots && !lo.printed_sizes, "a one-range user map panics before any sizes");

	machine(&in, true, 2 * GiB);
	bootparam_parse("mem=24M", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	tap_ok(lo.max_pfn > (24 * MiB >> 12), "mem=24M: the kernel re-adds its own image as RAM");
}

/* Findings of the real boots in t/data/oracle that the first model got wrong. */
static void oracle_findings(void)
{
	struct layout_input in;
	struct diag d;

	/* the debug store is in every cpu_entry_area in 6.1, whatever CPU_SUP_* */
	machine(&in, true, 2 * GiB);
	layout_compute(&in, &lo);
	is_u64(lo.v.cea_pages_per_cpu, 43, "cpu_entry_area: 43 pages a CPU, unconditionally");

	/* mem=20M cuts the image (0x1000000-0x2134fff on 686-pae): it comes back as RAM */
	machine(&in, true, 1 * GiB);
	bootparam_parse("mem=20M", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_u64(lo.max_pfn, 0x2135, "mem=20M on 686-pae: RAM ends at _end, 0x2135000");

	/* ACPI tables reserved in RAM above lowmem are never freed to highmem */
	machine(&in, true, 2 * GiB);
	bootparam_parse("memmap=exactmap memmap=640K@0 memmap=2047M@1M", "test", &in.boot, &d);
	in.reserved.n = 1;
	in.reserved.start[0] = 0x7ffe0000;
	in.reserved.end[0] = 0x7ffe1b33;
	layout_compute(&in, &lo);
	is_u64(lo.memory_highmem_kb, (0x80000 - 0x36ffe - 2) * 4, "two pages of ACPI tables in highmem");

	/* highmem=0xFFFFF000000 wraps: max_pfn below max_low_pfn, zones end at max_low_pfn */
	machine(&in, true, 4 * GiB);
	bootparam_parse("highmem=0xFFFFF000000", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	is_u64(lo.zones_end_pfn, 0x36ffe, "wrapped highmem=: the zones end at max_low_pfn");
	is_u64(lo.high_memory, 0xc0000000u + 0x35ffe000u, "and high_memory follows highstart_pfn");

	/* reservetop=1G: the fixmap below PAGE_OFFSET, an oops before memory is sized */
	machine(&in, true, 4 * GiB);
	bootparam_parse("reservetop=1G", "test", &in.boot, &d);
	layout_compute(&in, &lo);
	tap_ok(!lo.boots && !lo.printed_sizes, "reservetop=1G dies before printing LOWMEM");
}

static void classic_rules(void)
{
	struct layout_input in;

	machine(&in, false, 2 * GiB);
	in.k.rules = RULES_2_6;
	layout_compute(&in, &lo);
	is_u64(lo.lowmem_mb, 896, "2.6 rules: exactly 896MB LOWMEM");
	tap_ok(lo.v.pkmap_base > lo.vmalloc_start && lo.v.fixaddr_tot_start >= 0xf8000000u,
	       "2.6 rules: pkmap and fixmap inside the top 128 MiB");
	tap_ok((lo.vmalloc_start & (VMALLOC_OFFSET - 1)) == 0, "2.6 rules: VMALLOC_START 8 MiB aligned");

	machine(&in, false, 8 * GiB);
	in.k.rules = RULES_2_6;
	layout_compute(&in, &lo);
	is_str(lo.messages[0], "Warning: only 4GB will be used. Use a HIGHMEM64G enabled kernel!",
	       "2.6 rules: the HIGHMEM4G warning is live");
	is_u64(lo.max_pfn, 1u << 20, "2.6 rules: max_pfn trimmed to 4 GiB");
}

int main(void)
{
	struct kernel_config k;

	debian_virtual();
	nr_cpus_table();
	splits();
	eight_gig();
	small_and_odd();
	oracle_findings();
	classic_rules();
	kernel_config_debian(&k, true);
	is_u64(layout_struct_page(&k), 40, "struct page with MEMCG and SLUB alignment: 40");
	k.memcg = false;
	is_u64(layout_struct_page(&k), 32, "without MEMCG: 32");
	k.memcg = true;
	k.aligned_struct_page = false;
	is_u64(layout_struct_page(&k), 36, "MEMCG without alignment: 36");
	return tap_done();
}
