/* The kernel's e820 algorithms, synthetic boards and boot-log parsing. */
#include "config.h"

#include <stdlib.h>

#include "e820.h"
#include "size.h"
#include "tap.h"

static void add(struct e820_table *t, uint64_t first, uint64_t last, uint32_t type)
{
	e820_range_add(t, first, last - first + 1, type);
}

/* "start-end:type ..." of a table, inclusive ends */
static const char *show(const struct e820_table *t)
{
	static char buf[2048];
	size_t used = 0;
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < t->nr && used < sizeof(buf) - 64; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%llx-%llx:%u",
			i ? " " : "", (unsigned long long)t->entries[i].addr,
			(unsigned long long)(t->entries[i].addr + t->entries[i].size - 1),
			t->entries[i].type);
	return buf;
}

static void sanitize_tests(void)
{
	struct e820_table t = { 0 };

	add(&t, 0x100000, 0x1fffff, E820_TYPE_RAM);
	add(&t, 0x0, 0x9ffff, E820_TYPE_RAM);
	add(&t, 0x200000, 0x2fffff, E820_TYPE_RAM);
	e820_update_table(&t);
	is_str(show(&t), "0-9ffff:1 100000-2fffff:1", "sorted, same-type neighbours merged");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0xfffff, E820_TYPE_RAM);
	add(&t, 0x80000, 0x8ffff, E820_TYPE_RESERVED);
	add(&t, 0x88000, 0x97fff, E820_TYPE_NVS);
	e820_update_table(&t);
	is_str(show(&t), "0-7ffff:1 80000-87fff:2 88000-97fff:4 98000-fffff:1",
	       "overlaps: the higher type number wins");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0xfff, E820_TYPE_PRAM);
	add(&t, 0x1000, 0x1fff, E820_TYPE_PRAM);
	add(&t, 0x2000, 0x2fff, E820_TYPE_RAM);
	e820_update_table(&t);
	is_str(show(&t), "0-fff:12 1000-1fff:12 2000-2fff:1", "persistent memory is never merged");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0xfff, E820_TYPE_RAM);
	tap_ok(e820_update_table(&t) == -1, "a table of one entry is refused, as the kernel does");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0x9fbff, E820_TYPE_RAM);
	add(&t, 0x100000, 0xbffdffff, E820_TYPE_RAM);
	e820_range_remove(&t, 1500 * MiB, UINT64_MAX - 1500 * MiB, E820_TYPE_RAM, true);
	e820_update_table(&t);
	is_str(show(&t), "0-9fbff:1 100000-5dbfffff:1", "mem=1500M cuts RAM at 1500 MiB");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0x9fbff, E820_TYPE_RAM);
	add(&t, 0x100000, 0x7ffdffff, E820_TYPE_RAM);
	e820_range_add(&t, 256 * MiB, 64 * MiB, E820_TYPE_RESERVED);
	e820_update_table(&t);
	is_str(show(&t), "0-9fbff:1 100000-fffffff:1 10000000-13ffffff:2 14000000-7ffdffff:1",
	       "memmap=64M$256M carves a reserved hole");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0x9ffff, E820_TYPE_RAM);
	add(&t, 0x100000, 0x7fffffff, E820_TYPE_RAM);
	e820_range_update(&t, 0, 4096, E820_TYPE_RAM, E820_TYPE_RESERVED);
	e820_range_remove(&t, 0xa0000, 0x60000, E820_TYPE_RAM, true);
	e820_update_table(&t);
	is_str(show(&t), "0-fff:2 1000-9ffff:1 100000-7fffffff:1", "trim_bios_range: page 0 reserved");

	memset(&t, 0, sizeof(t));
	add(&t, 0x0, 0xfffff, E820_TYPE_RAM);
	e820_range_update(&t, 0x10000, 0x1000, E820_TYPE_RAM, E820_TYPE_UNUSABLE);
	e820_update_table(&t);
	is_str(show(&t), "0-ffff:1 10000-10fff:5 11000-fffff:1", "update inside one entry splits it");
}

static void board_tests(void)
{
	struct e820_table t;
	const char *why;

	tap_ok(e820_board(&t, 8 * GiB, BOARD_PC, &why) == 0, "pc 8G builds");
	is_str(show(&t), "0-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 100000-bffdffff:1 "
	       "bffe0000-bfffffff:2 fffc0000-ffffffff:2 100000000-23fffffff:1",
	       "pc 8G: 3 GiB below 4 GiB, the rest above (as qemu's SeaBIOS)");
	e820_board(&t, 3583 * MiB, BOARD_PC, &why);
	is_str(show(&t), "0-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 100000-dfedffff:1 "
	       "dfee0000-dfefffff:2 fffc0000-ffffffff:2", "pc 3583M: still all below 4 GiB");
	e820_board(&t, 3 * GiB, BOARD_Q35, &why);
	is_str(show(&t), "0-9fbff:1 9fc00-9ffff:2 f0000-fffff:2 100000-7ffdefff:1 "
	       "7ffdf000-7fffffff:2 b0000000-bfffffff:2 fed1c000-fed1ffff:2 "
	       "fffc0000-ffffffff:2 100000000-13fffffff:1", "q35 3G: 2 GiB below, MMCONFIG reserved");
	tap_ok(e820_board(&t, 4095, BOARD_PC, &why) < 0, "RAM not a multiple of 4 KiB is refused");
	tap_ok(e820_board(&t, 2 * TiB, BOARD_PC, &why) < 0, "absurd RAM is refused");
}

static int parse(const char *text, const char *file, struct e820_table *t, struct diag *d)
{
	return e820_parse_log(text, strlen(text), file, t, NULL, NULL, d);
}

static void log_tests(void)
{
	static const char modern[] =
		"[    0.000000] Linux version 6.1.0\n"
		"[    0.000000] BIOS-provided physical RAM map:\r\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\r\n"
		"[    0.000000] BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007ffdffff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x00000000fed1c000-0x00000000fed1ffff] ACPI NVS\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000017fffffff] persistent (type 12)\n"
		"[    0.100000] Kernel command line: BOOT_IMAGE=/vmlinuz mem=1G  \n";
	static const char classic[] =
		"BIOS-provided physical RAM map:\n"
		" BIOS-e820: 0000000000000000 - 000000000009fc00 (usable)\n"
		" BIOS-e820: 00000000000f0000 - 0000000000100000 (reserved)\n"
		" BIOS-e820: 0000000000100000 - 000000001eff0000 (usable)\n"
		" BIOS-e820: 000000001eff0000 - 000000001eff3000 (ACPI NVS)\n";
	static const char two_boots[] =
		"BIOS-provided physical RAM map:\n"
		"BIOS-e820: [mem 0x0-0xfff] usable\nBIOS-e820: [mem 0x1000-0x1fff] usable\n"
		"Kernel command line: first\n"
		"BIOS-provided physical RAM map:\n"
		"BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0x1ffffff] usable\n";
	struct e820_table t;
	struct diag d = { 0 };
	char *cmd = NULL;

	tap_ok(e820_parse_log(modern, sizeof(modern) - 1, "m.log", &t, &cmd, NULL, &d) == 0,
	       "modern log parses (timestamps, CRLF)");
	is_str(show(&t), "0-9fbff:1 9fc00-9ffff:2 100000-7ffdffff:1 fed1c000-fed1ffff:4 "
	       "100000000-17fffffff:12", "modern: inclusive ends, all types");
	is_str(cmd, "BOOT_IMAGE=/vmlinuz mem=1G", "the kernel command line is kept");
	free(cmd);
	tap_ok(e820_parse_log(classic, sizeof(classic) - 1, "c.log", &t, NULL, NULL, &d) == 0,
	       "2.6-era log parses");
	is_str(show(&t), "0-9fbff:1 f0000-fffff:2 100000-1efeffff:1 1eff0000-1eff2fff:4",
	       "classic: exclusive ends");
	tap_ok(e820_parse_log(two_boots, sizeof(two_boots) - 1, "2.log", &t, &cmd, NULL, &d) == 0,
	       "a log of two boots parses");
	is_str(show(&t), "0-9fbff:1 100000-1ffffff:1", "the last boot's map wins");
	tap_ok(cmd == NULL, "and the first boot's command line is not taken for the second");
	free(cmd);

	tap_ok(parse("hello\nworld\n", "x.log", &t, &d) == EXIT_DATA &&
	       strcmp(d.text, "x.log:1:1: no BIOS-e820 lines found (not a boot log?)") == 0,
	       "no e820 lines: FILE:1:1");
	tap_ok(parse("ok\nBIOS-e820: [mem 0x1000-0x0fff] usable\n", "r.log", &t, &d) == EXIT_DATA && strstr(d.text, "r.log:2:19: range ends before it starts"),
	       "a backwards range: line and column (%s)", d.text);
	tap_ok(parse("BIOS-e820: [mem 0x0000000100000000-0x00000002", "t.log", &t, &d) == EXIT_DATA && strstr(d.text, "t.log:1:46: line ends inside the range"),
	       "a truncated line (%s)", d.text);
	tap_ok(parse("BIOS-e820: [mem 0x0-0xfff] weird\n", "w.log", &t, &d) == EXIT_DATA && strstr(d.text, "w.log:1:28: unknown e820 range type"),
	       "an unknown type (%s)", d.text);
	tap_ok(e820_parse_log("BIOS-e820: [mem 0x0-0xfff] usable\n\0x", 36, "b.log", &t, NULL, NULL, &d)
	       == EXIT_DATA && strstr(d.text, "b.log:2:1: binary data"), "NUL bytes (%s)", d.text);
	tap_ok(parse("[mem 0x0-0x9fbff] usable\n[mem 0x100000-0xfffffff] usable\n", "bare", &t, &d)
	       == 0 && t.nr == 2, "bare [mem ...] lines are read");
	tap_ok(parse("BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0xfffffff] "
		     "usable\n[mem 0xc0000000-0xfffbffff] available for PCI devices\n", "pci", &t, &d)
	       == 0 && t.nr == 2,
	       "but not in a real log, where other lines look like them");
}

int main(void)
{
	char buf[40];
	uint32_t type;

	sanitize_tests();
	board_tests();
	log_tests();
	is_str(e820_type_name(12, buf, sizeof(buf)), "persistent (type 12)", "type 12's name");
	is_str(e820_type_name(13, buf, sizeof(buf)), "type 13", "an unnamed type");
	tap_ok(e820_type_parse("ACPI NVS", &type) == 0 && type == 4, "ACPI NVS parses");
	tap_ok(e820_type_parse("type 20", &type) == 0 && type == 20, "type 20 parses");
	tap_ok(e820_type_parse("usable-ish", &type) < 0, "nonsense types are refused");
	return tap_done();
}
