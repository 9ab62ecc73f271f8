/* hmplan check: validate profiles (and traces) without running anything. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "commands.h"
#include "machine.h"
#include "profile.h"

void help_check(FILE *fp)
{
	fprintf(fp, "Usage: hmplan check FILE...\n\n"
		"Validate each FILE and say what it is:\n"
		"  a machine profile (*.yaml with memory:)   load it and its .config/boot log,\n"
		"                                            and compute its layout;\n"
		"  a workload profile (*.yaml with mix:)     load it;\n"
		"  a trace (*.trace)                          replay it and compare the results\n"
		"                                            with its #= lines (differences are\n"
		"                                            printed; exit 1 if there are any).\n"
		"Problems are reported as FILE:LINE:COL: message.\n\n"
		"  -q, --quiet  print only problems\n"
		"  -h, --help   show this help\n\n"
		"Exit status: 0 all valid, 1 a trace's results differ from its #= lines,\n"
		"3 a file is not valid, 4 a file cannot be read.\n");
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int check_machine(const char *path, const char *shown, bool quiet)
{
	struct machine_opts m;
	struct machine mc;
	struct layout *lo;
	struct diag d = { 0 };

	machine_opts_init(&m);
	m.profile = path;
	if (machine_layout(&m, &mc, &lo, &d))
		return cli_report(&d);
	if (!quiet)
		printf("%s: ok: machine profile '%s', %llu MB lowmem%s\n", shown,
		       mc.name ? mc.name : "?", (unsigned long long)lo->lowmem_mb,
		       lo->boots ? "" : ", but this kernel does not boot");
	free(lo);
	machine_free(&mc);
	return EXIT_OK;
}

static int check_yaml(const char *path, bool quiet)
{
	struct diag d = { 0 };
	struct ydoc *doc;
	char *text, *local = NULL;
	size_t len;
	enum profile_kind kind;
	int rc;

	if (read_file(path, &text, &len, &d))
		return cli_report(&d);
	doc = ydoc_parse(text, len, path, &d);
	free(text);
	if (!doc)
		return cli_report(&d);
	kind = profile_sniff(doc);
	ydoc_free(doc);
	if (kind == PROFILE_UNKNOWN)
		return cli_error(EXIT_DATA, "%s:1:1: not a machine profile (no memory:) nor a "
				 "workload profile (no mix:)", path);
	/*
	 * The loaders take -p/-w names, where a bare NAME is a bundled profile;
	 * check takes files, so a bare file name is loaded as ./NAME.
	 */
	if (!profile_is_path(path) && asprintf(&local, "./%s", path) < 0)
		return cli_error(EXIT_IO, "out of memory");
	rc = kind == PROFILE_MACHINE ? check_machine(local ? local : path, path, quiet)
		: check_workload_file(local ? local : path, path, quiet);
	free(local);
	return rc;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool quiet = false;
	int opt, worst = EXIT_OK, i;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		if (opt == 'q')
			quiet = true;
		else if (opt == 'h')
			return help_check(stdout), EXIT_OK;
		else
			return cli_usage("unknown option '%s'", argv[optind - 1]);
	}
	if (optind >= argc)
		return cli_usage("no FILE to check");
	for (i = optind; i < argc; i++) {
		int rc = has_suffix(argv[i], ".trace") ? check_trace_file(argv[i], quiet)
			: check_yaml(argv[i], quiet);

		/* the most serious outcome wins: I/O, bad data, differences */
		if (rc == EXIT_IO || (rc == EXIT_DATA && worst != EXIT_IO) ||
		    (rc == EXIT_FAIL_ON && worst == EXIT_OK))
			worst = rc;
	}
	return worst;
}
