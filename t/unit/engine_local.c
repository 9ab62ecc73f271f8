/* kmap_local / kmap_atomic (S4, S7.3): stacks, slots, LIFO, depth, atomic rules. */
#include "config.h"

#include "engine_util.h"

static void stack_and_slots(void)
{
	struct engine *e = mk(1024, 1);
	const struct engine_counters *c = engine_counters(e);

	ev(e, 0, ENGINE_KMAP_LOCAL, 2001);
	ev(e, 0, ENGINE_KMAP_LOCAL, 2002);
	ev(e, 0, ENGINE_KMAP_LOCAL, 500);
	is_u64(engine_task_depth(e, 0), 2, "lowmem takes no slot");
	is_u64(engine_task_stack(e, 0, 1), 2002, "the stack holds the pfns in order");
	is_u64(c->local.pte_sets, 2, "one PTE write per highmem map");
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2002);
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2001);
	is_u64(nerrs, 0, "LIFO unmaps are fine");
	is_u64(c->local.pte_clears, 2, "one PTE clear per unmap");
	is_u64(c->local.invlpg, 2, "and one local invlpg");
	is_u64(c->local.max_depth, 2, "max_depth");
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 500);
	is_u64(nerrs, 0, "kunmap_local of lowmem is a no-op");
	invariants(e, "invariants");
	engine_free(e);
}

static void lifo(void)
{
	struct engine *e = mk(1024, 1);

	ev(e, 0, ENGINE_KMAP_LOCAL, 2001);	/* 1: slot 0 */
	ev(e, 0, ENGINE_KMAP_LOCAL, 2002);	/* 2: slot 1 */
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2001);	/* 3: violation, clears the top (2002) */
	tap_ok(err_is(0, 3, 0, ENGINE_ERR_LIFO_VIOLATION), "out-of-order unmap: lifo_violation");
	is_u64(engine_task_depth(e, 0), 1, "the top was popped");
	is_u64(engine_task_stack(e, 0, 0), 2001, "the page asked for stays mapped in its slot");
	ev(e, 0, ENGINE_TOUCH, 2001);		/* 4: A gave that address up */
	tap_ok(err_is(1, 4, 0, ENGINE_ERR_TOUCH_UNMAPPED), "touch of the page given up: touch_unmapped");
	ev(e, 0, ENGINE_KMAP_LOCAL, 2003);	/* 5: slot 1 again */
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2002);	/* 6: stale address == top slot: no violation */
	is_u64(nerrs, 2, "a stale address equal to the top slot is no violation");
	is_u64(engine_task_depth(e, 0), 1, "... and pops the top (2003)");
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2003);	/* 7: its slot 1 vs the top slot 0 */
	tap_ok(err_is(2, 7, 0, ENGINE_ERR_LIFO_VIOLATION), "handle slot 1 vs top slot 0: violation");
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2004);	/* 8 */
	tap_ok(err_is(3, 8, 0, ENGINE_ERR_UNMAP_NOT_MAPPED), "never mapped: unmap_not_mapped");
	is_u64(engine_counters(e)->local.pte_clears, 3, "only real unmaps clear PTEs");
	invariants(e, "invariants");
	engine_free(e);
}

static void depth(void)
{
	struct engine *e = mk(1024, 1);
	int i;

	for (i = 0; i < 15; i++)
		ev(e, 0, ENGINE_KMAP_LOCAL, 3000 + (uint64_t)i);
	is_u64(nerrs, 0, "15 nested highmem maps are fine (KM_MAX_IDX 16)");
	ev(e, 0, ENGINE_KMAP_LOCAL, 10);
	is_u64(nerrs, 0, "lowmem at depth 15 is fine");
	ev(e, 0, ENGINE_KMAP_LOCAL, 3100);
	tap_ok(err_is(0, 17, 0, ENGINE_ERR_DEPTH_OVERFLOW), "the 16th push: depth_overflow");
	ev(e, 0, ENGINE_KMAP_ATOMIC, 3101);
	is_u64(engine_task_atomic(e, 0), 0, "a refused kmap_atomic does not count as atomic");
	ev(e, 0, ENGINE_KUNMAP_ATOMIC, 3101);
	is_u64(nerrs, 3, "its unmap is one unmap_not_mapped, not two");
	tap_ok(err_is(2, 19, 0, ENGINE_ERR_UNMAP_NOT_MAPPED), "... on its line");
	is_u64(engine_counters(e)->local.max_depth, 15, "max_depth 15");
	is_u64(engine_counters(e)->atomic.maps, 1, "refused atomic maps are counted");
	engine_free(e);
}

static void atomic_rules(void)
{
	struct engine *e = mk(1024, 2);

	ev(e, 0, ENGINE_KMAP_ATOMIC, 5);		/* 1: lowmem, still atomic */
	is_u64(engine_task_atomic(e, 0), 1, "lowmem kmap_atomic disables preemption too");
	ev(e, 0, ENGINE_KMAP, 5);			/* 2 */
	tap_ok(err_is(0, 2, 0, ENGINE_ERR_SLEEP_IN_ATOMIC), "kmap of lowmem while atomic warns");
	ev(e, 0, ENGINE_VMAP, 0);			/* 3: id NULL/0 below; use ev_id */
	ev_id(e, 0, ENGINE_VMAP, "a", 1);		/* 4 */
	tap_ok(err_is(2, 4, 0, ENGINE_ERR_SLEEP_IN_ATOMIC), "vmap while atomic warns");
	ev(e, 0, ENGINE_CPU, 1);			/* 5 */
	tap_ok(err_is(3, 5, 0, ENGINE_ERR_CPU_CHANGE_IN_ATOMIC), "no migration while atomic");
	is_u64(engine_task_cpu(e, 0), 0, "the task stays on its CPU");
	ev(e, 0, ENGINE_CPU, 0);			/* 6: same CPU: fine */
	is_u64(nerrs, 4, "cpu to the CPU it is on is no error");
	ev(e, 0, ENGINE_SWITCH, 0);			/* 7 */
	tap_ok(err_is(4, 7, 0, ENGINE_ERR_SWITCH_IN_ATOMIC), "switch while atomic");
	ev(e, 0, ENGINE_KUNMAP_ATOMIC, 5);		/* 8 */
	ev(e, 0, ENGINE_KUNMAP_ATOMIC, 5);		/* 9: underflow */
	tap_ok(err_is(5, 9, 0, ENGINE_ERR_UNMAP_NOT_MAPPED), "kunmap_atomic with none held");
	/* mixed APIs (S8.15) */
	ev(e, 0, ENGINE_KMAP_LOCAL, 2001);		/* 10 */
	ev(e, 0, ENGINE_KUNMAP_ATOMIC, 2001);		/* 11: pops, then underflow */
	tap_ok(err_is(6, 11, 0, ENGINE_ERR_UNMAP_NOT_MAPPED), "kmap_local + kunmap_atomic: underflow");
	is_u64(engine_task_depth(e, 0), 0, "... after the slot was popped");
	ev(e, 0, ENGINE_KMAP_ATOMIC, 2002);		/* 12 */
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2002);		/* 13: not detected */
	is_u64(nerrs, 7, "kmap_atomic + kunmap_local is not detected");
	is_u64(engine_task_atomic(e, 0), 1, "... and the task stays atomic");
	ev(e, 0, ENGINE_KMAP_LOCAL, 2003);		/* 14: local pins the CPU too */
	ev(e, 0, ENGINE_KUNMAP_ATOMIC, 2003);		/* 15: balances the atomic count */
	ev(e, 0, ENGINE_KMAP_LOCAL, 2004);		/* 16 */
	ev(e, 0, ENGINE_CPU, 1);			/* 17 */
	tap_ok(err_is(7, 17, 0, ENGINE_ERR_CPU_CHANGE_IN_ATOMIC), "no migration with a kmap_local");
	ev(e, 0, ENGINE_KUNMAP_LOCAL, 2004);		/* 18 */
	ev(e, 0, ENGINE_CPU, 1);			/* 19 */
	is_u64(engine_task_cpu(e, 0), 1, "migration once nothing pins the task");
	is_u64(nerrs, 8, "no more errors");
	invariants(e, "invariants");
	engine_free(e);
}

static void touch(void)
{
	struct engine *e = mk(1024, 1);

	ev(e, 0, ENGINE_KMAP, 2001);		/* 1 */
	ev(e, 0, ENGINE_TOUCH, 2001);		/* 2 */
	ev(e, 1, ENGINE_TOUCH, 2001);		/* 3: another task's kmap does not count */
	ev(e, 1, ENGINE_TOUCH, 20);		/* 4: lowmem always fine */
	ev(e, 1, ENGINE_KMAP_LOCAL, 2001);	/* 5 */
	ev(e, 1, ENGINE_TOUCH, 2001);		/* 6 */
	is_u64(nerrs, 1, "own kmap and own local map are fine, another's kmap is not");
	tap_ok(err_is(0, 3, 1, ENGINE_ERR_TOUCH_UNMAPPED), "touch_unmapped for the other task");
	engine_free(e);
}

int main(void)
{
	stack_and_slots();
	lifo();
	depth();
	atomic_rules();
	touch();
	return tap_done();
}
