#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stress.h"

struct pending {
	uint32_t task;
	uint8_t kind;
	uint64_t start;		/* clock of its CPU when the operation began */
};

struct run {
	const struct stress_config *c;
	struct stress_result *r;
	struct engine *e;
	struct gen *g;
	uint64_t last_cycles, last_wakeups;
	uint64_t *clock;	/* per CPU, cycles */
	uint32_t *nq;		/* per CPU, tasks in its run queue */
	struct pending *pend;	/* operations whose task sleeps in kmap() */
	size_t npend;
	const struct engine_prims *pr;	/* live: read after every operation */
};

static void on_error(void *ctx, const struct engine_error *err)
{
	struct stress_result *r = ctx;

	r->error_kinds[err->kind]++;
	if (r->nerrors < STRESS_MAX_ERRORS) {
		struct stress_error *e = &r->errors[r->nerrors++];

		e->line = err->line;
		e->task = err->task;
		e->kind = (uint8_t)err->kind;
		snprintf(e->detail, sizeof(e->detail), "%s", err->detail ? err->detail : "");
	}
}

/* emit() with --trace-out: each event is written before the engine runs it. */
static int emit_traced(struct run *run, struct engine_event *evs, size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct engine_event *e = &evs[i];

		e->line = ++run->r->events + STRESS_TRACE_HEADER_LINES;
		if ((rc = run->c->trace(run->c->ctx, e)) != 0) {
			run->r->trace_status = rc;
			return rc;
		}
		rc = engine_submit(run->e, e);
		if (rc)
			return rc;
	}
	return 0;
}

/* An operation's events: numbered as the lines of a --trace-out file, then run. */
static int emit(void *ctx, struct engine_event *evs, size_t n)
{
	struct run *run = ctx;
	uint64_t first = run->r->events + 1;
	size_t i, done;
	int rc;

	if (run->c->trace)
		return emit_traced(run, evs, n);
	for (i = 0; i < n; i++)
		evs[i].line = first + i + STRESS_TRACE_HEADER_LINES;
	rc = engine_submit_all(run->e, evs, n, &done);
	/* every event the engine was given counts, a refused one too */
	run->r->events += rc ? done + 1 : n;
	return rc;
}

/* Per kind only: the histogram of all operations is their sum, made at the end. */
static void record(struct run *run, unsigned kind, uint64_t cycles)
{
	hist_add(run->r->hist[kind], cycles);
}

/*
 * Whether a task sleeps in kmap().  Every sleep and every wake-up is counted
 * (S7.4), so while the two counts agree nobody sleeps and the engine need
 * not be asked: the common case costs one compare.
 */
static inline bool asleep(const struct run *run, uint32_t t)
{
	return run->pr->sleeps != run->pr->wakeups && engine_task_asleep(run->e, t);
}

/* Operations that slept complete when their task is awake again. */
static void finish_woken(struct run *run, uint64_t now)
{
	size_t i = 0;

	while (i < run->npend) {
		struct pending *p = &run->pend[i];

		if (asleep(run, p->task)) {
			i++;
			continue;
		}
		record(run, p->kind, now > p->start ? now - p->start : 0);
		*p = run->pend[--run->npend];
	}
}

/* One operation of task t on CPU cpu; the cost of what it caused goes to that CPU. */
static int operate(struct run *run, uint32_t t, uint32_t cpu, struct gen_op *op)
{
	const struct engine_prims *pr = run->pr;
	uint64_t start = run->clock[cpu], now, cost;
	int rc = gen_op(run->g, t, op);

	if (rc)
		return rc;
	now = engine_priced(run->e);
	cost = now - run->last_cycles + op->copies * run->c->costs.cycles[COST_PAGE_COPY]
		+ op->bounces * run->c->costs.cycles[COST_BOUNCE_COPY];
	run->last_cycles = now;
	run->clock[cpu] += cost;
	run->r->copies += op->copies;
	run->r->bounces += op->bounces;
	if (asleep(run, t)) {
		struct pending *p = &run->pend[run->npend++];

		p->task = t;
		p->kind = (uint8_t)op->kind;
		p->start = start;
	} else {
		record(run, op->kind, cost);
	}
	if (pr->wakeups != run->last_wakeups) {
		run->last_wakeups = pr->wakeups;
		finish_woken(run, run->clock[cpu]);
	}
	return 0;
}

/*
 * The next awake task of a CPU's run queue, from its current one; -1 if none.
 * Task idx of CPU cpu's queue is cpu + idx x cpus; the queue has nq[cpu].
 */
static int64_t next_awake(struct run *run, uint32_t cpu, uint32_t *cur)
{
	uint32_t cpus = run->c->gen.cpus, n = run->nq[cpu], idx = *cur, i;

	if (run->pr->sleeps == run->pr->wakeups)
		return n ? (int64_t)(cpu + idx * cpus) : -1;	/* nobody sleeps: the current one */
	for (i = 0; i < n; i++) {
		uint32_t t = cpu + idx * cpus;

		if (!asleep(run, t)) {
			*cur = idx;
			return t;
		}
		if (++idx == n)
			idx = 0;
	}
	return -1;
}

static int schedule(struct run *run)
{
	const struct stress_config *c = run->c;
	uint32_t cpus = c->gen.cpus, *cur = calloc(cpus, sizeof(*cur)), *q = calloc(cpus, sizeof(*q));
	uint64_t done = 0;
	int rc = 0;

	if (!cur || !q)
		rc = ENGINE_ENOMEM;
	while (!rc && done < c->ops && !run->r->stopped) {
		bool progress = false;
		uint32_t cpu;

		for (cpu = 0; cpu < cpus && done < c->ops && !rc; cpu++) {
			uint32_t before = cur[cpu];
			int64_t t = next_awake(run, cpu, &cur[cpu]);
			struct gen_op op;

			if (t < 0)
				continue;
			if (cur[cpu] != before)
				q[cpu] = 0;
			rc = operate(run, (uint32_t)t, cpu, &op);
			done++;
			progress = true;
			if (op.yield || ++q[cpu] >= STRESS_QUANTUM) {
				if (++cur[cpu] == run->nq[cpu])
					cur[cpu] = 0;
				q[cpu] = 0;
			}
			if (done % STRESS_TICK == 0 && c->tick && !c->tick(c->ctx, done, c->ops))
				run->r->stopped = true;
		}
		if (!progress)
			break;		/* every task sleeps: a deadlock */
	}
	run->r->ops_done = done;
	free(cur);
	free(q);
	return rc;
}

/* After the last operation: tasks let go of their kmaps and vmap buffers. */
static int wind_down(struct run *run)
{
	uint32_t t, tasks = run->c->gen.tasks;
	bool any = true, released;
	int rc = 0;

	while (any && !rc) {
		any = false;
		for (t = 0; t < tasks && !rc; t++) {
			if (asleep(run, t))
				continue;
			rc = gen_release(run->g, t, &released);
			any |= released;
		}
		finish_woken(run, run->clock[0]);
	}
	for (t = 0; t < tasks && !rc; t++)
		if (!asleep(run, t)) {
			rc = gen_release_vmaps(run->g, t);
			break;
		}
	return rc;
}

static int start(struct run *run)
{
	uint32_t t;
	int rc = 0;

	/* create the tasks in order, each on its own CPU, as a trace would */
	for (t = 0; t < run->c->gen.tasks && !rc; t++) {
		struct engine_event ev = { .task = t, .op = ENGINE_CPU, .arg = t % run->c->gen.cpus };

		rc = emit(run, &ev, 1);
	}
	return rc;
}

static void totals(struct run *run)
{
	struct stress_result *r = run->r;
	unsigned i;

	cost_split(&run->c->costs, &run->c->params, engine_prims(run->e), r->copies, r->bounces,
		   r->cycles);
	r->total_cycles = r->mapping_cycles = 0;
	for (i = 0; i < CAT_N; i++) {
		r->total_cycles += r->cycles[i];
		if (cost_category_is_mapping((enum cost_category)i))
			r->mapping_cycles += r->cycles[i];
	}
	for (i = 0; i < OP_NKINDS; i++)
		hist_merge(r->hist[OP_NKINDS], r->hist[i]);
	r->io = *gen_counters(run->g);
	r->ws_pages = gen_pages(run->g, &r->ws_high_pages);
}

int stress_run(const struct stress_config *c, struct stress_result *r, struct diag *d)
{
	struct run run = { .c = c, .r = r };
	struct engine_prims prices;
	unsigned i;
	int rc;

	memset(r, 0, sizeof(*r));
	r->errors = calloc(STRESS_MAX_ERRORS, sizeof(*r->errors));
	run.clock = calloc(c->gen.cpus, sizeof(*run.clock));
	run.nq = calloc(c->gen.cpus, sizeof(*run.nq));
	run.pend = calloc(c->gen.tasks, sizeof(*run.pend));
	for (i = 0; i <= OP_NKINDS; i++)
		r->hist[i] = calloc(1, sizeof(*r->hist[i]));
	run.e = r->eng = engine_new(&c->params, on_error, r);
	for (i = 0; i <= OP_NKINDS && r->hist[i]; i++)
		;
	if (!r->errors || !run.clock || !run.nq || !run.pend || i <= OP_NKINDS || !run.e) {
		const char *bad = run.e ? NULL : engine_params_check(&c->params);

		rc = bad ? diag_set(d, EXIT_USAGE, "%s", bad) : diag_set(d, EXIT_IO, "out of memory");
		goto out;
	}
	run.g = gen_new(&c->gen, emit, &run, d);
	if (!run.g) {
		rc = d->status;
		goto out;
	}
	cost_prices(&c->costs, &c->params, &prices);
	engine_set_prices(run.e, &prices);
	run.pr = engine_prims(run.e);
	for (i = 0; i < c->gen.cpus; i++)
		run.nq[i] = (c->gen.tasks - i + c->gen.cpus - 1) / c->gen.cpus;
	rc = start(&run);
	if (!rc)
		rc = schedule(&run);
	if (!rc && !r->stopped)
		rc = wind_down(&run);
	r->deadlocked = engine_finish(run.e);
	totals(&run);
	if (rc && r->trace_status)
		rc = r->trace_status;	/* the caller's own error (a trace write failed) */
	else if (rc)
		rc = diag_set(d, EXIT_IO, rc == ENGINE_ENOMEM ? "out of memory"
			      : "internal error: the generator made an invalid event");
out:
	gen_free(run.g);
	free(run.clock);
	free(run.nq);
	free(run.pend);
	return rc;
}

void stress_result_free(struct stress_result *r)
{
	unsigned i;

	engine_free(r->eng);
	free(r->errors);
	for (i = 0; i <= OP_NKINDS; i++)
		free(r->hist[i]);
	memset(r, 0, sizeof(*r));
}

/* The layout's RAM clipped to pfns [min, max), appended at pg[*n]. */
static void clip_ranges(const struct layout *lo, uint64_t min, uint64_t max,
			struct stress_pages *pg, unsigned *n, struct page_ranges *out)
{
	unsigned i, first = *n;

	for (i = 0; i < lo->nmemblock; i++) {
		uint64_t a = lo->memblock[i].start_pfn, b = lo->memblock[i].end_pfn;

		if (a < min)
			a = min;
		if (b > max)
			b = max;
		if (a < b) {
			pg->start[*n] = a;
			pg->end[(*n)++] = b;
		}
	}
	out->start = pg->start + first;
	out->end = pg->end + first;
	out->n = *n - first;
}

const char *stress_configure(struct stress_config *c, struct stress_pages *pg,
			     const struct layout *lo, const struct machine *mc,
			     const struct workload *w, uint32_t cpus)
{
	struct engine_params *p = &c->params;
	unsigned i, n;

	memset(c, 0, sizeof(*c));
	if (!lo->boots)
		return "the kernel does not boot";
	engine_params_default(p);
	/* without HIGHMEM every page is lowmem, and the pool is never used */
	p->last_pkmap = lo->last_pkmap ? lo->last_pkmap : 1024;
	p->km_max_idx = lo->km_max_idx;
	p->max_low_pfn = lo->last_pkmap ? lo->max_low_pfn : lo->max_pfn;
	p->vmalloc_start = lo->vmalloc_start;
	p->vmalloc_end = lo->v.vmalloc_end;
	p->cpus = cpus ? cpus : 2;
	p->lazy_max_pages = engine_lazy_default(p->cpus);
	c->gen.w = w;
	c->gen.seed = 1;
	c->gen.cpus = p->cpus;
	c->gen.tasks = w->tasks ? w->tasks : 2 * p->cpus;
	c->gen.max_low_pfn = p->max_low_pfn;
	n = 0;
	clip_ranges(lo, 0, lo->max_low_pfn, pg, &n, &c->gen.low);
	clip_ranges(lo, lo->max_low_pfn, lo->max_pfn, pg, &n, &c->gen.high);
	c->gen.swiotlb_slots = lo->swiotlb_bytes / (2048 + 16);
	c->ops = w->ops;
	cost_model_default(&c->costs);
	for (i = 0; i < mc->ncosts; i++)
		c->costs.cycles[cost_key_find(mc->costs[i].key)] = mc->costs[i].cycles;
	return engine_params_check(p);
}
