/* hmplan layout: the kernel's memory layout for one machine. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "machine.h"
#include "report.h"

void help_layout(FILE *fp)
{
	fprintf(fp, "Usage: hmplan layout [OPTIONS]\n\n"
		"Compute what a 32-bit x86 Linux kernel decides about memory at boot: the kernel\n"
		"virtual map, lowmem/highmem, zones, what it prints, and what eats lowmem.\n\n"
		"%s"
		"Output:\n"
		"      --json               JSON report (schema hmplan-layout/1)\n"
		"      --format text|json   same as --json for json\n"
		"  -o, --output FILE        write the report to FILE (atomically)\n"
		"  -h, --help               show this help\n\n"
		"Examples:\n"
		"  hmplan layout --ram 8G --pae\n"
		"  hmplan layout --ram 4G --no-pae --split 2G/2G --json\n"
		"  hmplan layout --dmesg boot.log --kconfig /boot/config-$(uname -r)\n",
		machine_options_help);
}

int cmd_layout(int argc, char **argv)
{
	static const struct option longopts[] = {
		MACHINE_LONG_OPTIONS,
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct machine_opts m;
	struct machine mc;
	struct layout *lo;
	struct output out;
	struct diag d = { 0 };
	const char *output = NULL;
	bool json = false;
	int opt, rc;

	machine_opts_init(&m);
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":p:o:h", longopts, NULL)) != -1) {
		rc = machine_option(&m, opt, optarg);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") == 0)
				json = false;
			else
				return cli_usage("--format '%s': use text or json", optarg);
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			help_layout(stdout);
			return EXIT_OK;
		case ':':
			return cli_usage("%s needs a value", argv[optind - 1]);
		default:
			return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	if (machine_layout(&m, &mc, &lo, &d))
		return cli_report(&d);
	rc = out_open(&out, output);
	if (!rc) {
		const char *why = NULL;

		if (json) {
			json_t *root = layout_json(&mc, lo);

			if (!root)
				why = "out of memory";
			else if (json_print(out.fp, root, JSON_INDENT(2)) < 0)
				why = "write error";
			json_decref(root);
		} else {
			layout_text(out.fp, &mc, lo);
		}
		if (why) {
			out_abort(&out);
			rc = cli_error(EXIT_IO, "%s: %s", output ? output : "stdout", why);
		} else {
			rc = out_commit(&out);
		}
	}
	free(lo);
	machine_free(&mc);
	return rc;
}
