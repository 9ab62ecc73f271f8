/*
 * The kernel command line, read the way the kernel reads its early
 * parameters: parse_args() word splitting with quotes, parameq() names,
 * memparse() values, and the effects of mem=, memmap=, vmalloc=, highmem=
 * and reservetop= in command-line order.
 */
#ifndef HMPLAN_BOOTPARAM_H
#define HMPLAN_BOOTPARAM_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

#define COMMAND_LINE_SIZE 2048	/* x86: longer command lines are truncated */
#define BOOTPARAM_MAX_OPS 256
#define BOOTPARAM_MAX_NOTES 16

enum bp_kind {
	BP_MEM,			/* mem=SIZE: drop RAM at and above SIZE */
	BP_NOPENTIUM,		/* mem=nopentium: no PSE (4K direct map) */
	BP_EXACTMAP,		/* memmap=exactmap: forget the firmware map */
	BP_ADD,			/* memmap=nn@ss / nn#ss / nn$ss / nn!ss / nn%ss+T */
	BP_REMOVE,		/* memmap=nn%ss-T or nn%ss: remove */
	BP_UPDATE,		/* memmap=nn%ss-F+T: retype */
	BP_LIMIT,		/* memmap=nn: like mem=nn */
	BP_VMALLOC,
	BP_HIGHMEM,
	BP_RESERVETOP,
};

struct bp_op {
	enum bp_kind kind;
	uint64_t size;		/* nn, or the value of vmalloc=/highmem=/reservetop= */
	uint64_t start;		/* ss */
	uint32_t type, from;	/* e820 types for BP_ADD/REMOVE/UPDATE */
	bool check_type;	/* BP_REMOVE: only ranges of type 'from' */
};

struct bootparams {
	struct bp_op ops[BOOTPARAM_MAX_OPS];
	unsigned nops;
	/* last value of each, as the kernel keeps them (has_* false: not given) */
	bool has_mem, has_vmalloc, has_highmem, has_reservetop;
	uint64_t mem, vmalloc, highmem, reservetop;
	char memmap[1024];	/* the memmap= pieces, NUL-separated */
	unsigned nmemmap;
	/* what the kernel ignores or reads oddly, for hmplan's warnings */
	char notes[BOOTPARAM_MAX_NOTES][200];
	unsigned nnotes;
	bool truncated;		/* longer than COMMAND_LINE_SIZE - 1 */
	bool userdef;		/* the kernel re-sorts and prints a "user" map */
};

/*
 * Read a command line.  Returns 0; a value too large for 64 bits is a usage
 * error (status EXIT_USAGE in d) naming where it came from (origin).
 */
int bootparam_parse(const char *cmdline, const char *origin, struct bootparams *bp,
		    struct diag *d);

#endif
