/* Validators used by 'hmplan check' for files owned by other commands. */
#ifndef HMPLAN_CHECK_H
#define HMPLAN_CHECK_H

#include <stdbool.h>

/* Replay a trace and compare with its #= lines: 0 same, 1 differences, 3/4 errors. */
int check_trace_file(const char *path, bool quiet);
/* Load and validate a workload profile: 0 or an exit status. */
int check_workload_file(const char *path, const char *shown, bool quiet);

#endif
