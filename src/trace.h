/*
 * Trace text -> engine events (DESIGN.md section 5, hmplan-trace(5)).
 * Streams: the file is read in big chunks, one line at a time is parsed in
 * place, and memory stays flat however long the trace is (tasks' names are
 * kept, nothing else).  Every problem is "FILE:LINE:COL: message", EXIT_DATA.
 */
#ifndef HMPLAN_TRACE_H
#define HMPLAN_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "engine/engine.h"

#define TRACE_MAX_LINE (1u << 20)	/* bytes in one line, newline excluded */
#define TRACE_MAX_NAME 255		/* bytes in a task name or vmap id */

/* The engine parameters a trace's "#@ key=value" lines (and options) can set. */
enum trace_param {
	TP_LAST_PKMAP, TP_KM_MAX_IDX, TP_CPUS, TP_MAX_LOW_PFN, TP_VMALLOC_START,
	TP_VMALLOC_END, TP_LAZY_MAX_PAGES, TP_N
};

const char *trace_param_name(enum trace_param k);
/* The parameter for a key, or -1. */
int trace_param_find(const char *key, size_t len);
uint64_t trace_param_get(const struct engine_params *p, enum trace_param k);
/* Set one parameter, checking its own range: 0, or -1 with *why. */
int trace_param_set(struct engine_params *p, enum trace_param k, uint64_t v, const char **why);
/* Decimal or 0x hex, the whole string, at most 2^63 - 1 (JSON carries it): 0, or -1. */
int trace_number(const char *s, size_t n, uint64_t *v, const char **why);

/* What the header ("#@" lines before the first event) set. */
struct trace_header {
	struct engine_params p;		/* only the fields marked in set[] are meaningful */
	bool set[TP_N];
	uint64_t line[TP_N];		/* where each was set last */
};

struct trace_reader;

/* Open a trace ("-" = standard input): EXIT_OK, or EXIT_IO with d filled. */
int trace_open(struct trace_reader **r, const char *path, struct diag *d);
void trace_close(struct trace_reader *r);

/* Read the "#@" lines up to the first event: EXIT_OK, or a status with d filled. */
int trace_read_header(struct trace_reader *r, struct trace_header *h, struct diag *d);
/* The number of CPUs, so that "cpu N" with N >= cpus is an error in the trace. */
void trace_set_cpus(struct trace_reader *r, uint32_t cpus);

/*
 * The next event: 1 (in *ev; ev->id points into the reader's buffer and is
 * valid until the next call), 0 at the end, or -1 with d filled (EXIT_DATA
 * or EXIT_IO).  A task's index is given in order of first appearance.
 */
int trace_next(struct trace_reader *r, struct engine_event *ev, struct diag *d);

const char *trace_name(const struct trace_reader *r);	/* as in diagnostics */
uint32_t trace_ntasks(const struct trace_reader *r);
const char *trace_task_name(const struct trace_reader *r, uint32_t task);
uint64_t trace_events(const struct trace_reader *r);	/* events read so far */

#endif
