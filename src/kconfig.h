/* Reading a kernel .config: the few options that shape the 32-bit layout. */
#ifndef HMPLAN_KCONFIG_H
#define HMPLAN_KCONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

/* Kconfig's "High Memory Support" choice. */
enum highmem_model { HIGHMEM_NONE, HIGHMEM_4G, HIGHMEM_64G };

/* Which layout rules: today's kernels, or the classic 896 MB era. */
enum rules { RULES_6_1, RULES_2_6 };

/* Everything about the kernel build that the layout depends on. */
struct kernel_config {
	enum rules rules;
	uint32_t page_offset;		/* CONFIG_PAGE_OFFSET (VMSPLIT_*) */
	enum highmem_model highmem;
	bool pae;			/* CONFIG_X86_PAE */
	unsigned nr_cpus;		/* CONFIG_NR_CPUS */
	/* options that add fixmap slots */
	bool local_apic, io_apic, pci_mmconfig, apei_ghes, ohci1394_dma;
	bool paravirt_xxl, intel_txt, debug_kmap_local;
	/* options that size struct page and boot allocations */
	bool memcg, aligned_struct_page, zone_dma, swiotlb;
	uint32_t physical_start;	/* CONFIG_PHYSICAL_START: where the image loads */
};

/*
 * _end - _text of the kernel image, which boot parameters may cut into (the
 * kernel then re-adds it as RAM): measured on Debian 6.1's 686-pae and 686.
 */
uint32_t kernel_image_bytes(const struct kernel_config *k);

/* Debian 12's 686-pae (pae) or 686 kernel: the default machine kernel. */
void kernel_config_debian(struct kernel_config *k, bool pae);

/* What a .config said about each option, and where (for messages). */
struct kconfig_file {
	struct kernel_config k;
	bool has_split;			/* PAGE_OFFSET or a VMSPLIT_* given */
	bool has_highmem;		/* one of the HIGHMEM choices given */
	unsigned long pae_line;		/* line of CONFIG_X86_PAE=y, 0 if none */
	unsigned long split_line;	/* line of the VMSPLIT_*_OPT choice */
	bool split_opt;			/* 3G_OPT or 2G_OPT */
};

/*
 * Parse .config text.  Every line must be blank, a comment, or
 * CONFIG_NAME=value; anything else is bad input.  An option that is absent
 * is n, as in the kernel.
 */
int kconfig_parse(const char *text, size_t len, const char *file,
		  struct kconfig_file *out, struct diag *d);

#endif
