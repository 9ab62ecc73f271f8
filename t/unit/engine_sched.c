/* Tasks and CPUs (S4.5, S7.2): switches, sleeping, wake-ups, resume order, deadlock. */
#include "config.h"

#include "engine_util.h"

static void switches(void)
{
	struct engine *e = mk(1024, 1);
	const struct engine_counters *c = engine_counters(e);

	ev(e, 0, ENGINE_KMAP_LOCAL, 2001);	/* 1: A in (0), slot 0 */
	ev(e, 0, ENGINE_KMAP_LOCAL, 2002);	/* 2 */
	ev(e, 1, ENGINE_TOUCH, 5);		/* 3: B on the same CPU: A out (2) */
	is_u64(c->local.sched_out_unmaps, 2, "an implicit switch tears down A's two slots");
	is_u64(c->local.invlpg, 2, "... with a local invlpg each");
	ev(e, 0, ENGINE_SWITCH, 0);		/* 4: A back (B out 0, A in 2), then out 2, in 2 */
	is_u64(c->local.sched_in_maps, 4, "A restored twice");
	is_u64(c->local.sched_out_unmaps, 4, "A torn down twice");
	is_u64(c->local.pte_sets, 2 + 4, "pte_sets = maps + sched_in_maps");
	ev(e, 1, ENGINE_KMAP_ATOMIC, 3001);	/* 5: A out (2), B atomic */
	ev(e, 0, ENGINE_TOUCH, 2001);		/* 6: B switched out while atomic */
	tap_ok(err_is(0, 6, 1, ENGINE_ERR_SWITCH_IN_ATOMIC),
	       "an atomic task preempted: switch_in_atomic on it, at the incoming event's line");
	is_u64(engine_prims(e)->sched_outs, 5, "five tasks left the CPU");
	invariants(e, "invariants");
	engine_free(e);
}

/* Trace 03 step by step: two sleepers woken together, FIFO retries, backlog. */
static void sleep_and_wake(void)
{
	struct engine *e = mk(4, 2);
	const struct engine_counters *c = engine_counters(e);
	struct engine_prims before, d;

	ev(e, 0, ENGINE_KMAP, 1001);
	ev(e, 0, ENGINE_KMAP, 1002);
	ev(e, 0, ENGINE_KMAP, 1003);
	ev(e, 0, ENGINE_KMAP, 1004);		/* 4: all in use */
	ev(e, 1, ENGINE_KMAP, 1005);		/* 5: B sleeps */
	ev(e, 2, ENGINE_KMAP, 1006);		/* 6: C sleeps */
	is_u64(engine_nsleepers(e), 2, "two sleepers");
	tap_ok(engine_sleeper(e, 0) == 1 && engine_sleeper(e, 1) == 2, "in FIFO order");
	ev(e, 1, ENGINE_TOUCH, 1005);		/* 7: deferred */
	is_u64(engine_prims(e)->events, 6, "a sleeping task's event waits");
	before = *engine_prims(e);
	ev(e, 0, ENGINE_KUNMAP, 1001);		/* 8: wake B and C */
	engine_prims_sub(engine_prims(e), &before, &d);
	is_u64(c->pkmap.wakeups, 2, "2 -> 1 wakes every sleeper");
	tap_ok(!engine_task_asleep(e, 1) && engine_task_asleep(e, 2), "B got an entry, C slept again");
	is_u64(d.events, 2, "the kunmap's cost includes B's deferred touch");
	is_u64(d.tlb_flush_pkmap, 1, "... and the global flush B's retry caused");
	is_u64(d.sleeps, 1, "... and C's second sleep");
	is_u64(nerrs, 0, "B's touch found its page");
	ev(e, 2, ENGINE_TOUCH, 1006);		/* 9 */
	ev(e, 0, ENGINE_KUNMAP, 1002);		/* 10 */
	tap_ok(!engine_task_asleep(e, 2), "C woken and mapped");
	is_u64(c->pkmap.sleeps, 3, "three sleeps");
	is_u64(c->pkmap.flush_calls, 6, "six flushes");
	is_u64(engine_finish(e), 0, "no deadlock");
	invariants(e, "invariants");
	engine_free(e);
}

static uint64_t got[16];
static int ngot;

static void collect(void *ctx, uint64_t pfn)
{
	(void)ctx;
	if (ngot < 16)
		got[ngot++] = pfn;
}

static void deadlock(void)
{
	struct engine *e = mk(4, 1);

	ev(e, 0, ENGINE_KMAP, 1001);
	ev(e, 0, ENGINE_KMAP, 1002);
	ev(e, 0, ENGINE_KMAP, 1001);		/* a hit: held twice */
	ev(e, 0, ENGINE_KMAP, 1003);
	ev(e, 0, ENGINE_KMAP, 1004);
	ev(e, 0, ENGINE_KUNMAP, 1001);		/* 6: removes the most recent 1001 */
	ev(e, 0, ENGINE_KMAP, 1001);		/* 7: hit again */
	ev(e, 0, ENGINE_KMAP, 1005);		/* 8: sleeps */
	ev(e, 1, ENGINE_KMAP, 1006);		/* 9: sleeps */
	ev(e, 0, ENGINE_KUNMAP, 1005);		/* 10: deferred forever */
	is_u64(engine_finish(e), 2, "two tasks asleep at the end: deadlock");
	tap_ok(err_is(0, 8, 0, ENGINE_ERR_DEADLOCK) && err_is(1, 9, 1, ENGINE_ERR_DEADLOCK),
	       "one deadlock error per sleeper, in queue order, at its kmap's line");
	ngot = 0;
	engine_task_holds(e, 0, collect, NULL);
	tap_ok(ngot == 5 && got[0] == 1001 && got[1] == 1002 && got[2] == 1003 && got[3] == 1004 &&
	       got[4] == 1001, "held pages in map order, with repeats");
	ngot = 0;
	engine_task_holds(e, 1, collect, NULL);
	is_u64(ngot, 0, "a sleeper holding nothing");
	is_u64(engine_task_sleep_pfn(e, 1), 1006, "sleeps in kmap(1006)");
	is_u64(engine_finish(e), 2, "finish is idempotent");
	is_u64(nerrs, 2, "... and reports once");
	tap_ok(ev(e, 0, ENGINE_TOUCH, 1) == ENGINE_EINVAL, "no events after the end");
	engine_free(e);
}

/*
 * N sleepers on a pool of one entry: every kunmap wakes all, the first
 * retry wins, and its deferred kunmap wakes the rest -- a cascade N deep.
 */
static void cascade(uint32_t n)
{
	struct engine *e = mk(1, 1);
	const struct engine_counters *c = engine_counters(e);
	uint32_t t;

	ev(e, 0, ENGINE_KMAP, 5000);
	for (t = 1; t <= n; t++)
		ev(e, t, ENGINE_KMAP, 5000 + t);
	for (t = 1; t <= n; t++)
		ev(e, t, ENGINE_KUNMAP, 5000 + t);
	is_u64(engine_nsleepers(e), n, "%u sleepers", n);
	ev(e, 0, ENGINE_KUNMAP, 5000);
	is_u64(engine_nsleepers(e), 0, "one kunmap ran the whole cascade");
	is_u64(c->pkmap.wakeups, (uint64_t)n * (n + 1) / 2, "wakeups: n + (n-1) + ... + 1");
	is_u64(c->pkmap.sleeps, c->pkmap.wakeups, "every sleep was woken");
	is_u64(c->pkmap.new_entries, n + 1, "each task got the entry in turn");
	is_u64(engine_finish(e), 0, "no deadlock");
	invariants(e, "invariants after the cascade");
	engine_free(e);
}

static void bad_events(void)
{
	struct engine *e = mk(4, 2);
	struct engine_event ev0 = { 1, 0, NULL, 0, 1, ENGINE_KMAP };

	tap_ok(engine_submit(e, &ev0) == ENGINE_EINVAL, "task indexes come in order of appearance");
	ev0.task = 0;
	ev0.op = ENGINE_CPU;
	ev0.arg = 2;
	tap_ok(engine_submit(e, &ev0) == ENGINE_EINVAL, "cpu beyond the CPUs is refused");
	ev0.op = ENGINE_NOPS;
	tap_ok(engine_submit(e, &ev0) == ENGINE_EINVAL, "an unknown op is refused");
	engine_free(e);
}

int main(void)
{
	switches();
	sleep_and_wake();
	deadlock();
	cascade(2000);
	bad_events();
	return tap_done();
}
