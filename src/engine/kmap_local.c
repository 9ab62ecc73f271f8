/*
 * kmap_local_page() / kmap_atomic() and their unmaps (S4, S7.3): a per-task
 * stack of highmem pfns (the kernel's kmap_ctrl) and, beside it, the
 * addresses the task was handed out as (pfn, cpu, position) handles, so that
 * an unmap compares addresses exactly as kunmap_local() does.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Room for one more mapping; stacks grow with the depth tasks reach. */
static bool stack_room(struct engine *e, struct task *t)
{
	size_t cap = t->cap ? t->cap * 2 : 4;
	uint64_t *s;
	struct handle *h;

	if (t->depth < t->cap)
		return true;
	s = realloc(t->stack, cap * sizeof(*s));
	if (!s)
		goto oom;
	t->stack = s;
	h = realloc(t->handles, cap * sizeof(*h));
	if (!h)
		goto oom;
	t->handles = h;
	t->cap = cap;
	return true;
oom:
	e->oom = true;
	return false;
}

static void map_error(struct engine *e, const char *what, uint64_t pfn)
{
	err_begin(e);
	err_str(e, what);
	err_str(e, "(");
	err_u64(e, pfn);
	err_str(e, ")");
}

/* A highmem page with the stack full, or no room allocated yet. */
void local_map_general(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
		       uint64_t line, bool atomic)
{
	if (atomic)
		e->c.atomic.maps++;
	else
		e->c.local.maps++;
	if (t->depth + 1 >= e->p.km_max_idx) {
		/* BUG_ON(idx >= KM_MAX_IDX): reported, and the call has no effect */
		map_error(e, atomic ? "kmap_atomic" : "kmap_local_page", pfn);
		err_str(e, ": stack already holds ");
		err_u64(e, t->depth);
		err_str(e, " mappings, the limit (KM_MAX_IDX - 1)");
		err_emit(e, line, ti, ENGINE_ERR_DEPTH_OVERFLOW);
		return;
	}
	if (!stack_room(e, t))
		return;
	if (atomic)
		t->atomic++;
	local_push(e, t, pfn);
}

/* The task's most recent handle for pfn, or -1. */
static long find_handle(const struct task *t, uint64_t pfn)
{
	long i;

	for (i = (long)t->depth - 1; i >= 0; i--)
		if (t->handles[i].pfn == pfn)
			return i;
	return -1;
}

static void lifo_error(struct engine *e, uint32_t ti, const struct task *t, uint64_t pfn,
		       const struct handle *h, uint64_t line, bool atomic)
{
	map_error(e, atomic ? "kunmap_atomic" : "kunmap_local", pfn);
	err_str(e, ": its address is cpu ");
	err_u64(e, h->cpu);
	err_str(e, " slot ");
	err_u64(e, h->pos);
	err_str(e, ", the top is slot ");
	err_u64(e, t->depth - 1);
	err_str(e, " (");
	err_u64(e, t->stack[t->depth - 1]);
	err_str(e, "), which is cleared instead");
	err_emit(e, line, ti, ENGINE_ERR_LIFO_VIOLATION);
}

void local_unmap_general(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn,
			 uint64_t line, bool atomic)
{
	if (is_highmem(e, pfn)) {
		long k = find_handle(t, pfn);
		struct handle h;

		if (k < 0) {
			/* no local address for it: the kernel BUGs; the event has no effect */
			map_error(e, atomic ? "kunmap_atomic" : "kunmap_local", pfn);
			err_str(e, ": the task has no local mapping of this page");
			err_emit(e, line, ti, ENGINE_ERR_UNMAP_NOT_MAPPED);
			return;
		}
		h = t->handles[k];
		if ((uint32_t)k + 1 < t->depth)	/* not the newest: close the gap */
			memmove(&t->handles[k], &t->handles[k + 1],
				(t->depth - (size_t)k - 1) * sizeof(*t->handles));
		if (h.cpu != t->cpu || h.pos != t->depth - 1)
			lifo_error(e, ti, t, pfn, &h, line, atomic);
		/* whatever address was passed, the top slot is cleared and popped */
		local_pop(e, t);
	}
	if (!atomic)
		return;
	if (t->atomic) {
		t->atomic--;
		return;
	}
	map_error(e, "kunmap_atomic", pfn);
	err_str(e, ": no kmap_atomic outstanding (preempt count underflow)");
	err_emit(e, line, ti, ENGINE_ERR_UNMAP_NOT_MAPPED);
}

/*
 * A local address still counts while its slot on this CPU maps the page
 * (S8.13).  Newest first: a task mostly touches what it mapped last.
 */
static bool local_maps(const struct task *t, uint64_t pfn)
{
	uint32_t i;

	for (i = t->depth; i-- > 0;) {
		const struct handle *h = &t->handles[i];

		if (h->pfn == pfn && h->cpu == t->cpu && h->pos < t->depth &&
		    t->stack[h->pos] == pfn)
			return true;
	}
	return false;
}

/* A highmem page the task's newest local address does not map. */
void touch_general(struct engine *e, struct task *t, uint32_t ti, uint64_t pfn, uint64_t line)
{
	/* the local stack first: it is short, and usually maps the page on top */
	if (local_maps(t, pfn) || holds_has(e, ti, pfn))
		return;
	err_begin(e);
	err_str(e, "page ");
	err_u64(e, pfn);
	err_str(e, " is not mapped by this task (no kmap(), no live local mapping)");
	err_emit(e, line, ti, ENGINE_ERR_TOUCH_UNMAPPED);
}

const char *local_check(const struct engine *e)
{
	size_t ti;

	for (ti = 0; ti < e->ntasks; ti++) {
		const struct task *t = &e->tasks[ti];
		uint32_t i;

		if (t->depth + 1 > e->p.km_max_idx && t->depth)
			return "local: stack deeper than KM_MAX_IDX - 1";
		for (i = 0; i < t->depth; i++)
			if (!is_highmem(e, t->stack[i]))
				return "local: a lowmem page on a stack";
		for (i = 0; i < t->depth; i++)
			if (t->handles[i].cpu != t->cpu)
				return "local: a task holds a local address of another CPU";
	}
	return NULL;
}
