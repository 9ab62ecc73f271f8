/* The kernel command line as the kernel reads it. */
#include "config.h"

#include "bootparam.h"
#include "e820.h"
#include "size.h"
#include "tap.h"

static struct bootparams bp;
static struct diag d;

static int parse(const char *s)
{
	memset(&d, 0, sizeof(d));
	return bootparam_parse(s, "--cmdline", &bp, &d);
}

int main(void)
{
	char longline[3000];

	parse("console=ttyS0 mem=1500M vmalloc=256M highmem=512M reservetop=16M");
	tap_ok(bp.has_mem && bp.mem == 1500 * MiB, "mem=1500M");
	tap_ok(bp.has_vmalloc && bp.vmalloc == 256 * MiB, "vmalloc=256M");
	tap_ok(bp.has_highmem && bp.highmem == 512 * MiB, "highmem=512M");
	tap_ok(bp.has_reservetop && bp.reservetop == 16 * MiB, "reservetop=16M");
	tap_ok(bp.userdef, "mem= makes a user-defined map");
	is_u64(bp.nops, 4, "four operations, in order");

	parse("vmalloc=64M vmalloc=128M");
	is_u64(bp.vmalloc, 128 * MiB, "the last vmalloc= wins");

	parse("memmap=exactmap,64M$256M memmap=1G@0x1000000,16M#0x2000000,8M!0x3000000");
	is_u64(bp.nops, 5, "memmap pieces, comma separated, across words");
	tap_ok(bp.ops[0].kind == BP_EXACTMAP, "exactmap");
	tap_ok(bp.ops[1].kind == BP_ADD && bp.ops[1].type == E820_TYPE_RESERVED &&
	       bp.ops[1].start == 256 * MiB && bp.ops[1].size == 64 * MiB, "nn$ss is reserved");
	tap_ok(bp.ops[2].type == E820_TYPE_RAM && bp.ops[2].start == 0x1000000, "nn@ss is RAM");
	tap_ok(bp.ops[3].type == E820_TYPE_ACPI, "nn#ss is ACPI data");
	tap_ok(bp.ops[4].type == E820_TYPE_PRAM, "nn!ss is persistent memory");

	parse("memmap=4K%0x1000-1+2 memmap=4K%0x2000-1 memmap=4K%0x3000+7 memmap=512M");
	tap_ok(bp.ops[0].kind == BP_UPDATE && bp.ops[0].from == 1 && bp.ops[0].type == 2,
	       "nn%%ss-F+T retypes");
	tap_ok(bp.ops[1].kind == BP_REMOVE && bp.ops[1].check_type, "nn%%ss-F removes type F");
	tap_ok(bp.ops[2].kind == BP_ADD && bp.ops[2].type == 7, "nn%%ss+T adds type T");
	tap_ok(bp.ops[3].kind == BP_LIMIT && bp.ops[3].size == 512 * MiB, "plain memmap=nn limits");

	parse("mem=nopentium");
	tap_ok(bp.nops == 1 && bp.ops[0].kind == BP_NOPENTIUM && !bp.has_mem, "mem=nopentium");

	parse("mem=junk");
	tap_ok(bp.nops == 0 && bp.nnotes == 1 && strstr(bp.notes[0], "Malformed"),
	       "mem=junk is ignored, with a note");
	parse("mem");
	tap_ok(bp.nops == 0 && bp.nnotes == 1, "mem without a value is ignored");
	parse("mem=1.5G");
	tap_ok(bp.mem == 1 && strstr(bp.notes[0], "ignores '.5G'"), "mem=1.5G is 1 byte, noted");

	parse("root=/dev/sda1 \"mem=512M\" quiet");
	tap_ok(bp.has_mem && bp.mem == 512 * MiB, "a quoted parameter");
	parse("mem=\"512M\"");
	tap_ok(bp.has_mem && bp.mem == 512 * MiB, "a quoted value");
	parse("ro -- mem=512M");
	tap_ok(!bp.has_mem, "after -- the rest is for init");
	parse("re-servetop=8M");
	tap_ok(!bp.has_reservetop, "parameter names must match");
	parse("reserve_top=8M vmalloc=0x10000000");
	tap_ok(bp.vmalloc == 0x10000000, "hex values");

	tap_ok(parse("mem=99999999999999999999") == EXIT_USAGE && strstr(d.text, "too large"),
	       "a value past 64 bits is a usage error (%s)", d.text);

	memset(longline, 'a', sizeof(longline));
	memcpy(longline + 2600, " mem=1G", 7);
	longline[sizeof(longline) - 1] = '\0';
	parse(longline);
	tap_ok(bp.truncated && !bp.has_mem, "only the first 2047 characters count");
	return tap_done();
}
