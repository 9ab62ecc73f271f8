/* hmplan: plan and stress-test the memory layout of 32-bit highmem Linux. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

const struct command commands[] = {
	{ "layout", cmd_layout, help_layout, "the kernel's memory layout for one machine" },
	{ "replay", cmd_replay, help_replay, "replay a kmap/vmap trace through the highmem engine" },
	{ "stress", cmd_stress, help_stress, "run a simulated workload through the highmem engine" },
	{ "sweep", cmd_sweep, help_sweep, "the layout across RAM sizes, splits and PAE" },
	{ "profiles", cmd_profiles, help_profiles, "list the bundled machine and workload profiles" },
	{ "check", cmd_check, help_check, "validate profiles and traces" },
	{ NULL, NULL, NULL, NULL },
};

const struct command *command_find(const char *name)
{
	const struct command *c;

	for (c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void usage(FILE *fp)
{
	const struct command *c;

	fprintf(fp, "Usage: hmplan [--version] [--help] COMMAND [OPTIONS]\n\n"
		"Plan and stress-test the memory layout of 32-bit x86 Linux with high memory.\n\n"
		"Commands:\n");
	for (c = commands; c->name; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "  %-10s %s\n", "help", "show the help of a command");
	fprintf(fp, "\nRun 'hmplan COMMAND --help' for the options of a command; 'man hmplan' "
		"for the whole story.\n"
		"Exit status: 0 ok, 1 a --fail-on condition held, 2 usage error, 3 bad input data,\n"
		"4 I/O error, 5 --timeout reached.\n");
}

static int finish(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_OK || status == EXIT_FAIL_ON)
			status = cli_error(EXIT_IO, "stdout: write error");
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct command *c;

	/* a closed pipe is an I/O error we report, not a silent death */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		return cli_usage("no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return finish(EXIT_OK);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("hmplan %s\n", PACKAGE_VERSION);
		return finish(EXIT_OK);
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return finish(EXIT_OK);
		}
		c = command_find(argv[2]);
		if (!c)
			return cli_usage("help: no such command '%s'", argv[2]);
		c->help(stdout);
		return finish(EXIT_OK);
	}
	if (argv[1][0] == '-')
		return cli_usage("unknown option '%s'", argv[1]);
	c = command_find(argv[1]);
	if (!c)
		return cli_usage("no such command '%s'", argv[1]);
	cli_command = c->name;
	return finish(c->run(argc - 1, argv + 1));
}
