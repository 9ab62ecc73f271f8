/* Reports: JSON trees (built once, dumped once) and readable text. */
#ifndef HMPLAN_REPORT_H
#define HMPLAN_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "layout.h"
#include "machine.h"

json_t *layout_json(const struct machine *mc, const struct layout *lo);
/* The short summary used by sweep rows and the stress report. */
json_t *layout_summary_json(const struct machine *mc, const struct layout *lo);
/* The vmalloc area as laid out, or NULL when the kernel has none left. */
const struct region *layout_vmalloc_region(const struct layout *lo);
/* Its size (0 when none is left). */
uint64_t layout_vmalloc_bytes(const struct layout *lo);
void layout_text(FILE *fp, const struct machine *mc, const struct layout *lo);

/* Dump a JSON document followed by a newline; 0 or -1. */
int json_print(FILE *fp, json_t *root, size_t flags);

#endif
