/*
 * hmplan replay: a trace run through the engine, and its report.  Shared by
 * 'hmplan replay' (cmd_replay.c), 'hmplan check' on traces (check_trace.c)
 * and the report builders (report_replay.c).
 */
#ifndef HMPLAN_REPLAY_H
#define HMPLAN_REPLAY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "engine/engine.h"
#include "trace.h"

/* Where the parameters come from, lowest first: base, the trace's #@ lines, options. */
struct replay_setup {
	struct engine_params base;	/* the S7.1 defaults, or the machine's layout */
	const char *machine;		/* what the base describes, NULL for the defaults */
	struct engine_params opt;	/* explicit options, where opt_set[] */
	bool opt_set[TP_N];
};

void replay_setup_init(struct replay_setup *s);

struct replay_error {
	uint64_t line;
	uint32_t task;
	uint8_t kind;		/* enum engine_error_kind */
	size_t detail;		/* offset of its NUL-terminated detail in text[] */
};

struct replay_result {
	char *trace;		/* the trace's name as diagnostics print it */
	const char *machine;
	struct engine_params params;	/* in effect */
	char from[TP_N];	/* where each came from: 'd'efault, 'm'achine, 't'race, 'o'ption */
	uint64_t events;
	struct engine *eng;	/* after engine_finish(): counters, deadlock */
	struct trace_reader *tr;	/* task names */
	struct replay_error *err;
	size_t nerr, errcap;
	char *text;
	size_t tlen, tcap;
	size_t deadlocked;	/* sleepers at the end */
	bool oom;
};

/*
 * Replay the trace at path ("-" = stdin).  EXIT_OK with *res filled (free
 * it with replay_result_free), or a status with d filled: EXIT_DATA for a
 * bad trace, EXIT_USAGE for bad options, EXIT_IO.
 */
int replay_run(const char *path, const struct replay_setup *s, struct replay_result *res,
	       struct diag *d);
void replay_result_free(struct replay_result *res);

/* The counters of DESIGN.md section 6 (pkmap, local, atomic, vmap), shared with stress. */
json_t *engine_counters_json(const struct engine_counters *c);
void engine_counters_text(FILE *fp, const struct engine_counters *c);
/*
 * null without sleepers, else {tasks: [the wait queue], held: {task: [pfns]}}
 * for the tasks that sleep or hold kmap() mappings, named by name(); NULL
 * when out of memory.
 */
json_t *engine_deadlock_json(const struct engine *e, size_t sleepers,
			     const char *(*name)(void *ctx, uint32_t task), void *ctx);

/* The report: JSON (schema hmplan-replay/1) or text. */
json_t *replay_json(const struct replay_result *res);
int replay_text(FILE *fp, const struct replay_result *res);

#endif
