/*
 * Physical memory maps as the x86 kernel keeps them (arch/x86/kernel/e820.c):
 * a table of [addr, addr + size) ranges with a type, edited by boot
 * parameters and sanitised by the kernel's own change-point algorithm.
 */
#ifndef HMPLAN_E820_H
#define HMPLAN_E820_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

#define E820_MAX_ENTRIES 131	/* kernel: 128 + 3 * MAX_NUMNODES (1 node) */
#define E820_FIRMWARE_MAX 128	/* boot_params.e820_table */

enum e820_type {
	E820_TYPE_RAM = 1,
	E820_TYPE_RESERVED = 2,
	E820_TYPE_ACPI = 3,
	E820_TYPE_NVS = 4,
	E820_TYPE_UNUSABLE = 5,
	E820_TYPE_PMEM = 7,
	E820_TYPE_PRAM = 12,
	E820_TYPE_RESERVED_KERN = 128,
	E820_TYPE_SOFT_RESERVED = 0xefffffff,
};

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

struct e820_table {
	uint32_t nr;
	uint32_t dropped;	/* range_add calls refused for lack of room */
	struct e820_entry entries[E820_MAX_ENTRIES];
};

/* The kernel's e820__update_table(): -1 where the kernel refuses to sort. */
int e820_update_table(struct e820_table *t);
void e820_range_add(struct e820_table *t, uint64_t start, uint64_t size, uint32_t type);
uint64_t e820_range_update(struct e820_table *t, uint64_t start, uint64_t size,
			   uint32_t old_type, uint32_t new_type);
uint64_t e820_range_remove(struct e820_table *t, uint64_t start, uint64_t size,
			   uint32_t old_type, bool check_type);

/* The name the kernel prints for a type: "usable", "ACPI NVS", "type 13". */
const char *e820_type_name(uint32_t type, char *buf, size_t n);
/* Accepts the kernel's names, short ones (acpi, nvs, pram, pmem) and numbers. */
int e820_type_parse(const char *name, uint32_t *type);

enum board { BOARD_PC, BOARD_Q35, BOARD_FLAT };
int board_parse(const char *name, enum board *b);
const char *board_name(enum board b);
/* The map SeaBIOS gives a qemu guest with -m RAM (or one flat range). */
int e820_board(struct e820_table *t, uint64_t ram, enum board b, const char **why);

/*
 * Memory a boot log shows the kernel reserving early (memblock_reserve), that
 * stays reserved at its "Memory:" line: the ACPI tables.  In RAM above lowmem
 * they keep pages from being freed to highmem.  Byte ranges [start, end).
 */
#define BOOT_RESERVED_MAX 64
struct boot_reserved {
	unsigned n;
	uint64_t start[BOOT_RESERVED_MAX], end[BOOT_RESERVED_MAX];
};

/*
 * BIOS-e820 lines of a boot log (modern "[mem A-B] type", inclusive end, and
 * the old "A - B (type)" form, exclusive end).  With several boots in one log
 * the last one counts.  If cmdline is not NULL it receives the last boot's
 * "Kernel command line:" (malloc'd, NULL when there is none); if rsv is not
 * NULL, its "ACPI: Reserving ... table memory at [mem A-B]" ranges.
 */
int e820_parse_log(const char *text, size_t len, const char *file,
		   struct e820_table *t, char **cmdline, struct boot_reserved *rsv,
		   struct diag *d);

#endif
