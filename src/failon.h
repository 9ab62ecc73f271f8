/*
 * --fail-on: conditions on a report that turn a finished run into exit 1.
 * "deadlock", "errors", an error kind ("lifo_violation"), or KEY OP NUMBER
 * with KEY a dotted path into the report's counters or the report itself
 * (pkmap.sleeps, vmap.failures, cost.mapping_overhead_pct,
 * latency.all.p99_cycles) and OP one of > >= < <= == !=; comma-separated.
 */
#ifndef HMPLAN_FAILON_H
#define HMPLAN_FAILON_H

#include <jansson.h>
#include <stdbool.h>

#include "cli.h"

struct failon;

/* A usage error (EXIT_USAGE in d) names the part that cannot be read. */
int failon_parse(const char *expr, struct failon **out, struct diag *d);
/* Every KEY must name a number in a report shaped like this one. */
int failon_check_keys(const struct failon *f, json_t *report, struct diag *d);
/* Does any condition hold for this report? */
bool failon_eval(const struct failon *f, json_t *report);
void failon_free(struct failon *f);

#endif
