/* The stress report: JSON (hmplan-stress/1) and text. */
#ifndef HMPLAN_REPORT_STRESS_H
#define HMPLAN_REPORT_STRESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "layout.h"
#include "machine.h"
#include "stress.h"

struct stress_report {
	const struct machine *mc;
	const struct layout *lo;
	const struct workload *w;
	const struct stress_config *cfg;
	const struct stress_result *r;
	bool timing;		/* wall-clock figures in the report */
	double wall_seconds;
};

json_t *stress_json(const struct stress_report *in);
void stress_text(FILE *fp, const struct stress_report *in);

#endif
