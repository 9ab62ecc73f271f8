/*
 * One machine, as every command sees it: a profile and/or flags resolved
 * into a layout input.  Order of precedence, lowest first: the default
 * kernel (Debian 686-pae), a .config, the profile's kernel keys, flags.
 */
#ifndef HMPLAN_MACHINE_H
#define HMPLAN_MACHINE_H

#include <getopt.h>
#include <stdbool.h>

#include "cli.h"
#include "layout.h"

/* The machine and kernel options shared by layout, replay, stress, sweep. */
struct machine_opts {
	const char *profile;
	const char *ram, *board, *e820, *dmesg;
	const char *split, *nr_cpus, *kconfig, *kernel;
	int highmem;		/* -1: not given, else enum highmem_model */
	const char *highmem_opt;	/* which flag set it, for messages */
	const char *cmdline;	/* --cmdline, NULL when not given */
	const char *mem, *vmalloc, *highmem_size;
	const char *cpus;	/* online CPUs (replay/stress) */
};

enum machine_option_ids {
	OPT_RAM = 1000, OPT_BOARD, OPT_E820, OPT_DMESG, OPT_SPLIT, OPT_PAE, OPT_NO_PAE,
	OPT_NO_HIGHMEM, OPT_NR_CPUS, OPT_KCONFIG, OPT_KERNEL, OPT_CMDLINE, OPT_MEM,
	OPT_VMALLOC, OPT_HIGHMEM, OPT_CPUS,
};

#define MACHINE_LONG_OPTIONS \
	{ "profile", required_argument, NULL, 'p' }, \
	{ "ram", required_argument, NULL, OPT_RAM }, \
	{ "board", required_argument, NULL, OPT_BOARD }, \
	{ "e820", required_argument, NULL, OPT_E820 }, \
	{ "dmesg", required_argument, NULL, OPT_DMESG }, \
	{ "split", required_argument, NULL, OPT_SPLIT }, \
	{ "pae", no_argument, NULL, OPT_PAE }, \
	{ "no-pae", no_argument, NULL, OPT_NO_PAE }, \
	{ "no-highmem", no_argument, NULL, OPT_NO_HIGHMEM }, \
	{ "nr-cpus", required_argument, NULL, OPT_NR_CPUS }, \
	{ "kconfig", required_argument, NULL, OPT_KCONFIG }, \
	{ "kernel", required_argument, NULL, OPT_KERNEL }, \
	{ "cmdline", required_argument, NULL, OPT_CMDLINE }, \
	{ "mem", required_argument, NULL, OPT_MEM }, \
	{ "vmalloc", required_argument, NULL, OPT_VMALLOC }, \
	{ "highmem", required_argument, NULL, OPT_HIGHMEM }

/* Help text for the options above (for every command that takes them). */
extern const char machine_options_help[];

void machine_opts_init(struct machine_opts *m);
/* Returns 1 if the option was a machine option (stored), 0 if not, or a usage status. */
int machine_option(struct machine_opts *m, int opt, const char *arg);

#define MACHINE_MAX_COSTS 16

struct machine {
	struct layout_input in;
	char *name, *description;	/* from the profile, or NULL */
	char *source;			/* "--ram 8G (pc)", "PROFILE", "dmesg FILE" */
	char *cmdline;			/* the command line in effect, or NULL */
	/* cost overrides from the profile's costs: (cycles) */
	struct { const char *key; unsigned long long cycles; } costs[MACHINE_MAX_COSTS];
	unsigned ncosts;
};

/* Resolve options into a machine.  Returns an exit status; prints nothing. */
int machine_resolve(const struct machine_opts *m, struct machine *out, struct diag *d);
/*
 * machine_resolve() and the machine's layout (*lo is malloc'd; free it with
 * free() and the machine with machine_free()).  An exit status, with d.
 */
int machine_layout(const struct machine_opts *m, struct machine *out, struct layout **lo,
		   struct diag *d);
/* Whether any machine option was given at all. */
bool machine_given(const struct machine_opts *m);
void machine_free(struct machine *mc);

#endif
