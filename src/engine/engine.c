/*
 * The engine's lifecycle and dispatch: parameters, tasks, one event at a
 * time (S7.2 main loop), the end-of-trace deadlock check, error details
 * (built here without stdio), accessors.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const op_names[ENGINE_NOPS] = {
	"cpu", "kmap", "kunmap", "kmap_local", "kunmap_local", "kmap_atomic",
	"kunmap_atomic", "vmap", "vunmap", "switch", "touch",
};

static const char *const error_names[ENGINE_NERRORS] = {
	"lifo_violation", "depth_overflow", "unmap_not_mapped", "sleep_in_atomic",
	"switch_in_atomic", "cpu_change_in_atomic", "touch_unmapped", "deadlock",
	"vmap_unknown_id",
};

const char *engine_op_name(enum engine_op op)
{
	return (unsigned)op < ENGINE_NOPS ? op_names[op] : "?";
}

const char *engine_error_name(enum engine_error_kind kind)
{
	return (unsigned)kind < ENGINE_NERRORS ? error_names[kind] : "?";
}

int engine_error_kind(const char *name, size_t len)
{
	int k;

	for (k = 0; k < ENGINE_NERRORS; k++)
		if (strlen(error_names[k]) == len && memcmp(error_names[k], name, len) == 0)
			return k;
	return -1;
}

/* ---- parameters ---- */

uint64_t engine_lazy_default(uint32_t cpus)
{
	uint64_t fls = 0;

	while (cpus) {
		fls++;
		cpus >>= 1;
	}
	return fls * 8192;
}

void engine_params_default(struct engine_params *p)
{
	p->last_pkmap = 1024;
	p->km_max_idx = 16;
	p->cpus = 1;
	p->max_low_pfn = 0x36bfe;
	p->vmalloc_start = 0xf73fe000;
	p->vmalloc_end = 0xfebfe000;
	p->lazy_max_pages = engine_lazy_default(1);
}

const char *engine_params_check(const struct engine_params *p)
{
	if (!p->last_pkmap || p->last_pkmap > ENGINE_MAX_LAST_PKMAP ||
	    (p->last_pkmap & (p->last_pkmap - 1)))
		return "last_pkmap must be a power of two from 1 to 1048576";
	if (!p->km_max_idx || p->km_max_idx > ENGINE_MAX_KM_MAX_IDX)
		return "km_max_idx must be from 1 to 4096";
	if (!p->cpus || p->cpus > ENGINE_MAX_CPUS)
		return "cpus must be from 1 to 4096";
	if ((p->vmalloc_start | p->vmalloc_end) & 4095)
		return "vmalloc_start and vmalloc_end must be page aligned";
	if (p->vmalloc_start >= p->vmalloc_end)
		return "vmalloc_start must be below vmalloc_end";
	if (p->vmalloc_end > (1ull << 52))
		return "vmalloc_end must be at most 2^52";
	return NULL;
}

/* ---- error details: a few appends into a fixed buffer, no stdio ---- */

void err_begin(struct engine *e)
{
	e->dlen = 0;
	e->detail[0] = '\0';
}

void err_bytes(struct engine *e, const char *s, size_t n)
{
	size_t room = sizeof(e->detail) - 1 - e->dlen;

	if (n > room)
		n = room;
	memcpy(e->detail + e->dlen, s, n);
	e->dlen += n;
	e->detail[e->dlen] = '\0';
}

void err_str(struct engine *e, const char *s)
{
	err_bytes(e, s, strlen(s));
}

void err_u64(struct engine *e, uint64_t v)
{
	char buf[24];
	size_t i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	err_bytes(e, buf + i, sizeof(buf) - i);
}

void err_emit(struct engine *e, uint64_t line, uint32_t task, enum engine_error_kind kind)
{
	struct engine_error err = { line, task, kind, e->detail };

	if (e->on_error)
		e->on_error(e->ctx, &err);
}

/* ---- lifecycle ---- */

struct engine *engine_new(const struct engine_params *p, engine_error_fn fn, void *ctx)
{
	struct engine *e;
	uint32_t i;

	if (engine_params_check(p))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->p = *p;
	e->on_error = fn;
	e->ctx = ctx;
	e->holdfree = NIL;
	e->current = malloc(p->cpus * sizeof(*e->current));
	if (!e->current || pkmap_init(&e->pk, p->last_pkmap) < 0 || pmap_init(&e->holdmap, 64) < 0 ||
	    vmapper_init(&e->vm, p) < 0) {
		engine_free(e);
		return NULL;
	}
	for (i = 0; i < p->cpus; i++)
		e->current[i] = NIL;
	return e;
}

void engine_free(struct engine *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->ntasks; i++) {
		free(e->tasks[i].stack);
		free(e->tasks[i].handles);
		backlog_free(&e->tasks[i].bl);
	}
	free(e->tasks);
	free(e->current);
	pkmap_free(&e->pk);
	free(e->holds);
	pmap_free(&e->holdmap);
	free(e->waitq.v);
	free(e->woken);
	free(e->frames);
	vmapper_free(&e->vm);
	free(e);
}

static int task_new(struct engine *e)
{
	struct task *t;

	if (e->ntasks >= NIL - 1 ||
	    grow(&e->tasks, &e->taskcap, e->ntasks + 1, sizeof(*e->tasks)) < 0)
		return -1;
	t = &e->tasks[e->ntasks];
	memset(t, 0, sizeof(*t));
	t->cpu = (uint32_t)(e->ntasks % e->p.cpus);
	t->hold_head = t->hold_tail = NIL;
	e->ntasks++;
	return 0;
}

/* ---- events ---- */

/* One event of an awake task; inline in engine_submit(), its main caller. */
static inline __attribute__((always_inline)) void exec(struct engine *e, uint32_t ti,
						       const struct engine_event *ev)
{
	struct task *t = &e->tasks[ti];
	uint64_t a = ev->arg, line = ev->line;

	e->pr.events++;		/* priced by engine_priced() itself */
	if (ev->op == ENGINE_CPU) {
		op_cpu(e, t, ti, a, line);	/* runs on the new CPU, after the move */
		return;
	}
	run_on_cpu(e, ti, line);
	switch ((enum engine_op)ev->op) {
	case ENGINE_KMAP: op_kmap(e, t, ti, a, line); break;
	case ENGINE_KUNMAP: op_kunmap(e, t, ti, a, line); break;
	case ENGINE_KMAP_LOCAL: op_kmap_local(e, t, ti, a, line, false); break;
	case ENGINE_KUNMAP_LOCAL: op_kunmap_local(e, t, ti, a, line, false); break;
	case ENGINE_KMAP_ATOMIC: op_kmap_local(e, t, ti, a, line, true); break;
	case ENGINE_KUNMAP_ATOMIC: op_kunmap_local(e, t, ti, a, line, true); break;
	case ENGINE_VMAP: op_vmap(e, t, ti, ev->id, ev->idlen, a, line); break;
	case ENGINE_VUNMAP: op_vunmap(e, t, ti, ev->id, ev->idlen, line); break;
	case ENGINE_SWITCH: op_switch(e, t, ti, line); break;
	case ENGINE_TOUCH: op_touch(e, t, ti, a, line); break;
	case ENGINE_CPU: case ENGINE_NOPS: break;
	}
}

void exec_event(struct engine *e, uint32_t ti, const struct engine_event *ev)
{
	exec(e, ti, ev);
}

/* The engine_submit() cases off the usual path: a bad event, a new task, no id. */
static __attribute__((noinline)) int submit_rare(struct engine *e,
						 const struct engine_event *ev)
{
	if (e->oom)
		return ENGINE_ENOMEM;
	if (ev->op >= ENGINE_NOPS || ev->task > e->ntasks || e->finished ||
	    (ev->op == ENGINE_CPU && ev->arg >= e->p.cpus) || (!ev->id && ev->idlen))
		return ENGINE_EINVAL;
	if (!ev->id && (ev->op == ENGINE_VMAP || ev->op == ENGINE_VUNMAP)) {
		/* no id is the empty id: keeps NULL out of memcmp() */
		struct engine_event copy = *ev;

		copy.id = "";
		return engine_submit(e, &copy);
	}
	if (ev->task == e->ntasks && task_new(e) < 0)
		return ENGINE_ENOMEM;
	return -1;	/* a valid event: go on */
}

/*
 * The usual event, which needs none of submit_rare()'s checks: an engine that
 * still runs, an existing task, a known op other than cpu (no CPU number to
 * check), and an id that is either there or not needed.
 */
static inline bool usual_event(const struct engine *e, const struct engine_event *ev)
{
	return !e->oom && !e->finished && ev->task < e->ntasks && ev->op < ENGINE_NOPS &&
	       ev->op != ENGINE_CPU &&
	       (ev->id || (!ev->idlen && ev->op != ENGINE_VMAP && ev->op != ENGINE_VUNMAP));
}

/* engine_submit(), inline in it and in engine_submit_all()'s loop. */
static inline __attribute__((always_inline)) int submit(struct engine *e,
							const struct engine_event *ev)
{
	struct task *t;
	int rc;

	if (!usual_event(e, ev) && (rc = submit_rare(e, ev)) >= 0)
		return rc;
	t = &e->tasks[ev->task];
	if (t->asleep)
		return backlog_push(e, t, ev) < 0 ? ENGINE_ENOMEM : ENGINE_OK;
	exec(e, ev->task, ev);
	if (e->woke)
		sched_settle(e);
	return e->oom ? ENGINE_ENOMEM : ENGINE_OK;
}

int engine_submit(struct engine *e, const struct engine_event *ev)
{
	return submit(e, ev);
}

int engine_submit_all(struct engine *e, const struct engine_event *ev, size_t n, size_t *done)
{
	size_t i;
	int rc = ENGINE_OK;

	for (i = 0; i < n && rc == ENGINE_OK; i++)
		rc = submit(e, &ev[i]);
	if (done)
		*done = rc == ENGINE_OK ? i : i - 1;
	return rc;
}

size_t engine_finish(struct engine *e)
{
	size_t i;

	if (e->finished)
		return e->deadlocked;
	e->finished = true;
	for (i = e->waitq.head; i < e->waitq.len; i++) {
		uint32_t ti = e->waitq.v[i];
		const struct task *t = &e->tasks[ti];
		const struct backlog *bl = &t->bl;

		err_begin(e);
		err_str(e, "asleep in kmap(");
		err_u64(e, t->sleep_pfn);
		err_str(e, ") for good, holding ");
		err_u64(e, t->nholds);
		err_str(e, " kmap(); ");
		err_u64(e, bl->len - bl->head);
		err_str(e, " events never ran");
		err_emit(e, t->sleep_line, ti, ENGINE_ERR_DEADLOCK);
	}
	e->deadlocked = e->waitq.len - e->waitq.head;
	return e->deadlocked;
}

/* ---- accessors ---- */

const struct engine_counters *engine_counters(const struct engine *e)
{
	return &e->c;
}

const struct engine_prims *engine_prims(const struct engine *e)
{
	return &e->pr;
}

const struct engine_params *engine_get_params(const struct engine *e)
{
	return &e->p;
}

uint32_t engine_ntasks(const struct engine *e)
{
	return (uint32_t)e->ntasks;
}

#define TASK_GET(name, type, expr) \
	type engine_task_##name(const struct engine *e, uint32_t task) \
	{ \
		const struct task *t = task < e->ntasks ? &e->tasks[task] : NULL; \
		return t ? (type)(expr) : 0; \
	}

TASK_GET(asleep, int, t->asleep)
TASK_GET(cpu, uint32_t, t->cpu)
TASK_GET(depth, uint32_t, t->depth)
TASK_GET(atomic, uint32_t, t->atomic)
TASK_GET(sleep_pfn, uint64_t, t->asleep ? t->sleep_pfn : 0)
TASK_GET(sleep_line, uint64_t, t->asleep ? t->sleep_line : 0)
TASK_GET(nholds, uint64_t, t->nholds)

void engine_task_holds(const struct engine *e, uint32_t task,
		       void (*fn)(void *ctx, uint64_t pfn), void *ctx)
{
	uint32_t h;

	if (task >= e->ntasks)
		return;
	for (h = e->tasks[task].hold_head; h != NIL; h = e->holds[h].next)
		fn(ctx, e->holds[h].pfn);
}

size_t engine_nsleepers(const struct engine *e)
{
	return e->waitq.len - e->waitq.head;
}

uint32_t engine_sleeper(const struct engine *e, size_t i)
{
	return i < engine_nsleepers(e) ? e->waitq.v[e->waitq.head + i] : NIL;
}

uint64_t engine_task_stack(const struct engine *e, uint32_t task, uint32_t pos)
{
	if (task >= e->ntasks || pos >= e->tasks[task].depth)
		return 0;
	return e->tasks[task].stack[pos];
}

int64_t engine_pkmap_entry(const struct engine *e, uint64_t pfn)
{
	uint32_t i = pmap_get(&e->pk.where, pfn, 0);

	return i == NIL ? -1 : (int64_t)i;
}

uint32_t engine_pkmap_count(const struct engine *e, uint32_t entry)
{
	return entry < e->pk.n ? e->pk.count[entry] : 0;
}

uint32_t engine_pkmap_cursor(const struct engine *e)
{
	return e->pk.cursor;
}

uint64_t engine_vmap_live_bytes(const struct engine *e)
{
	return e->vm.live_bytes;
}

uint64_t engine_vmap_lazy_pages(const struct engine *e)
{
	return e->vm.lazy_pages;
}

static const char *sched_check(const struct engine *e)
{
	size_t i, asleep = 0;

	for (i = 0; i < e->ntasks; i++) {
		const struct task *t = &e->tasks[i];

		asleep += t->asleep;
		if (t->cpu >= e->p.cpus)
			return "sched: a task on a CPU that does not exist";
		if (!t->asleep && t->bl.head != t->bl.len)
			return "sched: an awake task has deferred events left";
		if (t->asleep && e->current[t->cpu] == i)
			return "sched: a sleeping task is current on its CPU";
	}
	for (i = 0; i < e->p.cpus; i++)
		if (e->current[i] != NIL && e->tasks[e->current[i]].cpu != i)
			return "sched: a CPU's current task is on another CPU";
	if (asleep != engine_nsleepers(e))
		return "sched: sleeping tasks and the wait queue disagree";
	for (i = e->waitq.head; i < e->waitq.len; i++)
		if (!e->tasks[e->waitq.v[i]].asleep)
			return "sched: an awake task on the wait queue";
	return NULL;
}

const char *engine_check(const struct engine *e)
{
	const char *why = pkmap_check(e);

	if (!why)
		why = local_check(e);
	if (!why)
		why = vmap_check(e);
	if (!why)
		why = sched_check(e);
	return why;
}
