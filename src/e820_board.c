/*
 * Synthetic firmware maps: what SeaBIOS 1.16 under qemu 7.2 reports for
 * "-m RAM" on the pc (i440FX) and q35 machines, checked against real boots,
 * or a single flat range for "what if" planning.
 */
#include "config.h"

#include "e820.h"
#include "size.h"

#include <string.h>

#define FOUR_G (UINT64_C(1) << 32)

int board_parse(const char *name, enum board *b)
{
	if (strcmp(name, "pc") == 0)
		*b = BOARD_PC;
	else if (strcmp(name, "q35") == 0)
		*b = BOARD_Q35;
	else if (strcmp(name, "flat") == 0)
		*b = BOARD_FLAT;
	else
		return -1;
	return 0;
}

const char *board_name(enum board b)
{
	return b == BOARD_PC ? "pc" : b == BOARD_Q35 ? "q35" : "flat";
}

/* inclusive end, as the firmware table is written in dmesg */
static void add(struct e820_table *t, uint64_t first, uint64_t last, uint32_t type)
{
	e820_range_add(t, first, last - first + 1, type);
}

int e820_board(struct e820_table *t, uint64_t ram, enum board b, const char **why)
{
	uint64_t below;

	memset(t, 0, sizeof(*t));
	if (ram % 4096) {
		*why = "RAM size must be a multiple of 4 KiB";
		return -1;
	}
	if (ram < 4 * MiB) {
		*why = "RAM size below 4 MiB cannot boot a 32-bit kernel";
		return -1;
	}
	if (ram > TiB) {
		*why = "RAM size above 1 TiB is beyond anything a 32-bit kernel can address";
		return -1;
	}
	if (b == BOARD_FLAT) {
		add(t, 0, ram - 1, E820_TYPE_RAM);
		return 0;
	}
	add(t, 0x0, 0x9fbff, E820_TYPE_RAM);
	add(t, 0x9fc00, 0x9ffff, E820_TYPE_RESERVED);
	add(t, 0xf0000, 0xfffff, E820_TYPE_RESERVED);
	if (b == BOARD_PC) {
		below = ram >= 0xE0000000 ? 0xC0000000 : ram;
		add(t, 0x100000, below - 0x20001, E820_TYPE_RAM);
		add(t, below - 0x20000, below - 1, E820_TYPE_RESERVED);
	} else {
		below = ram >= 0xB0000000 ? 0x80000000 : ram;
		add(t, 0x100000, below - 0x21001, E820_TYPE_RAM);
		add(t, below - 0x21000, below - 1, E820_TYPE_RESERVED);
		add(t, 0xb0000000, 0xbfffffff, E820_TYPE_RESERVED);
		add(t, 0xfed1c000, 0xfed1ffff, E820_TYPE_RESERVED);
	}
	add(t, 0xfffc0000, 0xffffffff, E820_TYPE_RESERVED);
	if (ram > below)
		add(t, FOUR_G, FOUR_G + ram - below - 1, E820_TYPE_RAM);
	return 0;
}
