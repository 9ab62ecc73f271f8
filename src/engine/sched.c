/*
 * Tasks and CPUs (S4.5, S7.2): who is current on each CPU, the implicit and
 * explicit context switches that tear down and restore local mappings, the
 * pkmap wait queue, and what happens after a wake-up: every woken task
 * retries in queue order, then the ones that succeeded run their deferred
 * events in the same order -- recursively in the model, on an explicit stack
 * here so that thousands of tasks cannot overflow the C stack.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

void sched_out(struct engine *e, struct task *t)
{
	e->c.local.sched_out_unmaps += t->depth;
	e->c.local.pte_clears += t->depth;
	e->c.local.invlpg += t->depth;
	PRIM_ADD(e, pte_clears, t->depth);
	PRIM_ADD(e, invlpg, t->depth);
	PRIM_ADD(e, sched_outs, 1);
}

void sched_in(struct engine *e, struct task *t)
{
	e->c.local.sched_in_maps += t->depth;
	e->c.local.pte_sets += t->depth;
	PRIM_ADD(e, pte_writes, t->depth);
	PRIM_ADD(e, sched_ins, 1);
}

static void atomic_switch_error(struct engine *e, uint32_t ti, uint64_t line, const char *why)
{
	err_begin(e);
	err_str(e, why);
	err_str(e, " while holding ");
	err_u64(e, e->tasks[ti].atomic);
	err_str(e, " kmap_atomic (scheduling while atomic)");
	err_emit(e, line, ti, ENGINE_ERR_SWITCH_IN_ATOMIC);
}

/* The task is not current on its CPU: switch out whoever is, if anyone (S7.2). */
void switch_to(struct engine *e, uint32_t ti, uint64_t line)
{
	struct task *t = &e->tasks[ti];
	uint32_t u = e->current[t->cpu];

	if (u != NIL) {
		if (e->tasks[u].atomic)
			atomic_switch_error(e, u, line, "switched out for another task");
		sched_out(e, &e->tasks[u]);
	}
	sched_in(e, t);
	e->current[t->cpu] = ti;
}

void op_cpu(struct engine *e, struct task *t, uint32_t ti, uint64_t cpu, uint64_t line)
{
	if (cpu != t->cpu) {
		if (t->atomic || t->depth) {
			/* migration is disabled: the task stays where it is (S8.8) */
			err_begin(e);
			err_str(e, "cpu ");
			err_u64(e, cpu);
			err_str(e, ": the task holds ");
			err_u64(e, t->depth);
			err_str(e, " local and ");
			err_u64(e, t->atomic);
			err_str(e, " atomic mappings on cpu ");
			err_u64(e, t->cpu);
			err_emit(e, line, ti, ENGINE_ERR_CPU_CHANGE_IN_ATOMIC);
		} else {
			if (e->current[t->cpu] == ti)
				e->current[t->cpu] = NIL;
			t->cpu = (uint32_t)cpu;
			PRIM_ADD(e, migrations, 1);
		}
	}
	run_on_cpu(e, ti, line);
}

void op_switch(struct engine *e, struct task *t, uint32_t ti, uint64_t line)
{
	if (t->atomic)
		atomic_switch_error(e, ti, line, "schedule()");
	sched_out(e, t);
	sched_in(e, t);
}

static int queue_push(struct engine *e, uint32_t ti)
{
	struct task_queue *q = &e->waitq;

	if (q->len == q->cap && q->head) {
		memmove(q->v, q->v + q->head, (q->len - q->head) * sizeof(*q->v));
		q->len -= q->head;
		q->head = 0;
	}
	if (grow(&q->v, &q->cap, q->len + 1, sizeof(*q->v)) < 0)
		return -1;
	q->v[q->len++] = ti;
	return 0;
}

void task_sleep(struct engine *e, uint32_t ti, uint64_t pfn, uint64_t line)
{
	struct task *t = &e->tasks[ti];

	e->c.pkmap.sleeps++;
	PRIM_ADD(e, sleeps, 1);
	t->asleep = true;
	t->sleep_pfn = pfn;
	t->sleep_line = line;
	if (queue_push(e, ti) < 0)
		e->oom = true;
	sched_out(e, t);
	e->current[t->cpu] = NIL;
}

/* wake_up(&pkmap_map_wait): every sleeper leaves the queue for woken[]. */
void wake_all(struct engine *e)
{
	struct task_queue *q = &e->waitq;
	size_t n = q->len - q->head;

	if (grow(&e->woken, &e->wokencap, e->nwoken + n, sizeof(*e->woken)) < 0) {
		e->oom = true;
		return;
	}
	e->woke = true;
	e->woke_from = e->nwoken;
	memcpy(e->woken + e->nwoken, q->v + q->head, n * sizeof(*q->v));
	e->nwoken += n;
	q->head = q->len = 0;
	e->c.pkmap.wakeups += n;
	PRIM_ADD(e, wakeups, n);
}

static int push_frame(struct engine *e, uint32_t task, size_t first, size_t end)
{
	if (grow(&e->frames, &e->framecap, e->nframes + 1, sizeof(*e->frames)) < 0) {
		e->oom = true;
		return -1;
	}
	e->frames[e->nframes++] = (struct frame){ task, first, first, end };
	return 0;
}

/*
 * resume(woken) step 1: each woken task, in queue order, wakes, becomes
 * current and retries its kmap; a failure sleeps again at the queue's tail.
 * The ones that succeeded stay in woken[], in order, for step 2 (draining).
 */
static void resume_begin(struct engine *e)
{
	size_t first = e->woke_from, end = e->nwoken, kept = first, i;

	e->woke = false;
	for (i = first; i < end && !e->oom; i++) {
		uint32_t w = e->woken[i];
		struct task *t = &e->tasks[w];

		t->asleep = false;
		run_on_cpu(e, w, t->sleep_line);
		if (kmap_retry(e, w)) {
			t->sleep_pfn = t->sleep_line = 0;
			e->woken[kept++] = w;
		}
	}
	e->nwoken = kept;
	push_frame(e, NIL, first, kept);
}

/* Take the next deferred event of a task and run it. */
static void drain_one(struct engine *e, uint32_t ti)
{
	struct backlog *bl = &e->tasks[ti].bl;
	const struct bl_event *b = &bl->ev[bl->head++];
	struct engine_event ev = {
		.line = b->line, .arg = b->arg, .id = b->idlen ? bl->ids + b->idoff : "",
		.idlen = b->idlen,
		.task = ti, .op = b->op,
	};

	/* the id stays valid: the arena is only reset by the next push */
	exec_event(e, ti, &ev);
}

void sched_settle(struct engine *e)
{
	if (e->woke)
		resume_begin(e);
	while (e->nframes && !e->oom) {
		struct frame *f = &e->frames[e->nframes - 1];

		if (f->task == NIL) {
			/* step 2: drain each task whose retry succeeded, in order */
			if (f->next == f->end) {
				e->nwoken = f->first;
				e->nframes--;
			} else {
				uint32_t w = e->woken[f->next++];

				push_frame(e, w, 0, 0);
			}
			continue;
		}
		{
			struct task *t = &e->tasks[f->task];

			if (t->asleep || t->bl.head == t->bl.len) {
				e->nframes--;
				continue;
			}
			drain_one(e, f->task);
			if (e->woke)
				resume_begin(e);
		}
	}
}

/* ---- backlogs: the events of a sleeping task, in order ---- */

/* Drop what was drained, keeping the waiting events and their ids. */
static void backlog_compact(struct backlog *bl)
{
	size_t base, i;

	if (bl->head == bl->len) {
		bl->head = bl->len = bl->idlen = 0;
		return;
	}
	if (!bl->head)
		return;
	base = bl->ev[bl->head].idoff;
	memmove(bl->ev, bl->ev + bl->head, (bl->len - bl->head) * sizeof(*bl->ev));
	bl->len -= bl->head;
	bl->head = 0;
	for (i = 0; i < bl->len; i++)
		bl->ev[i].idoff -= base;
	memmove(bl->ids, bl->ids + base, bl->idlen - base);
	bl->idlen -= base;
}

int backlog_push(struct engine *e, struct task *t, const struct engine_event *ev)
{
	struct backlog *bl = &t->bl;
	struct bl_event *b;

	if (bl->head == bl->len || bl->len == bl->cap)
		backlog_compact(bl);
	if (grow(&bl->ev, &bl->cap, bl->len + 1, sizeof(*bl->ev)) < 0 ||
	    grow(&bl->ids, &bl->idcap, bl->idlen + ev->idlen + 1, 1) < 0) {
		e->oom = true;
		return -1;
	}
	b = &bl->ev[bl->len++];
	b->line = ev->line;
	b->arg = ev->arg;
	b->op = ev->op;
	b->idlen = ev->idlen;
	b->idoff = bl->idlen;
	if (ev->idlen)
		memcpy(bl->ids + bl->idlen, ev->id, ev->idlen);
	bl->idlen += ev->idlen;
	return 0;
}

void backlog_free(struct backlog *bl)
{
	free(bl->ev);
	free(bl->ids);
	memset(bl, 0, sizeof(*bl));
}
