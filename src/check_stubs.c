/* Placeholders until replay and stress land: say plainly what is missing. */
#include "config.h"

#include "check.h"
#include "cli.h"

int check_trace_file(const char *path, bool quiet)
{
	(void)quiet;
	return cli_error(EXIT_USAGE, "%s: checking traces needs 'hmplan replay', not built yet", path);
}

int check_workload_file(const char *path, bool quiet)
{
	(void)quiet;
	return cli_error(EXIT_USAGE, "%s: checking workloads needs 'hmplan stress', not built yet",
			 path);
}
