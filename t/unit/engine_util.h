/* Helpers for the engine's unit tests: build events, record errors, check invariants. */
#ifndef HMPLAN_T_ENGINE_UTIL_H
#define HMPLAN_T_ENGINE_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "tap.h"

struct rec {
	uint64_t line;
	uint32_t task;
	int kind;
};

static struct rec errs[4096];
static int nerrs;
static uint64_t cur_line;

static void record(void *ctx, const struct engine_error *e)
{
	(void)ctx;
	if (nerrs < (int)(sizeof(errs) / sizeof(errs[0])))
		errs[nerrs] = (struct rec){ e->line, e->task, (int)e->kind };
	nerrs++;
}

/* A fresh engine: pool, CPUs, max_low_pfn 1000; errors recorded from line 1. */
static __attribute__((unused)) struct engine *mk(uint32_t last_pkmap, uint32_t cpus)
{
	struct engine_params p;

	engine_params_default(&p);
	p.last_pkmap = last_pkmap;
	p.cpus = cpus;
	p.max_low_pfn = 1000;
	p.lazy_max_pages = engine_lazy_default(cpus);
	nerrs = 0;
	cur_line = 0;
	return engine_new(&p, record, NULL);
}

static __attribute__((unused)) int ev_id(struct engine *e, uint32_t task, int op, const char *id, uint64_t arg)
{
	struct engine_event ev = { ++cur_line, arg, id, id ? (uint32_t)strlen(id) : 0, task,
				   (uint8_t)op };

	return engine_submit(e, &ev);
}

static __attribute__((unused)) int ev(struct engine *e, uint32_t task, int op, uint64_t arg)
{
	return ev_id(e, task, op, NULL, arg);
}

/* The i-th recorded error is (line, task, kind). */
static __attribute__((unused)) int err_is(int i, uint64_t line, uint32_t task, int kind)
{
	return i < nerrs && errs[i].line == line && errs[i].task == task && errs[i].kind == kind;
}

static __attribute__((unused)) void show_errs(void)
{
	int i;

	for (i = 0; i < nerrs && i < 20; i++)
		printf("#   error line %" PRIu64 " task %u %s\n", errs[i].line, errs[i].task,
		       engine_error_name(errs[i].kind));
}

#define invariants(e, ...) do { \
	const char *why_ = engine_check(e); \
	tap_ok(!why_, __VA_ARGS__); \
	if (why_) \
		printf("#   %s\n", why_); \
} while (0)

/* splitmix64: the tests' in-tree PRNG (same seed, same run, everywhere) */
static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static __attribute__((unused)) uint32_t below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

#endif
