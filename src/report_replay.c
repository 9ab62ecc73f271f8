/*
 * The replay report: JSON (schema hmplan-replay/1, DESIGN.md section 6; a
 * json_t tree dumped once) and the readable text.  Counter names, units and
 * meanings live in one table used by both.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include "jsonutil.h"
#include "replay.h"

#define J(x) ((json_int_t)(x))

struct counter_desc {
	const char *group, *key;
	size_t off;
	const char *meaning;
};

#define C(g, k, field, m) { #g, k, offsetof(struct engine_counters, g.field), m }
static const struct counter_desc counters[] = {
	C(pkmap, "maps", maps, "highmem kmap() calls"),
	C(pkmap, "hits", hits, "kmaps completed through an existing mapping"),
	C(pkmap, "new", new_entries, "kmaps completed with a new pkmap entry"),
	C(pkmap, "flush_calls", flush_calls, "flush_all_zero_pkmaps() calls (scan wraps)"),
	C(pkmap, "tlb_flushes", tlb_flushes, "of those, global TLB flushes (something reclaimed)"),
	C(pkmap, "reclaimed", reclaimed, "entries reclaimed from count 1 to 0"),
	C(pkmap, "sleeps", sleeps, "times a task slept in kmap(), pool full"),
	C(pkmap, "wakeups", wakeups, "tasks woken, summed over wake-ups"),
	C(pkmap, "max_in_use", max_in_use, "peak of entries in use (count >= 2)"),
	C(local, "maps", maps, "kmap_local_page() calls (lowmem and refused included)"),
	C(local, "lowmem", lowmem, "of those, on lowmem pages"),
	C(local, "pte_sets", pte_sets, "fixmap PTE writes (maps + sched_in_maps)"),
	C(local, "pte_clears", pte_clears, "fixmap PTE clears (unmaps + sched_out_unmaps)"),
	C(local, "invlpg", invlpg, "local single-page TLB flushes"),
	C(local, "max_depth", max_depth, "deepest local/atomic stack of any task"),
	C(local, "sched_out_unmaps", sched_out_unmaps, "slots torn down at context switches"),
	C(local, "sched_in_maps", sched_in_maps, "slots restored at context switches"),
	C(atomic, "maps", maps, "kmap_atomic() calls (lowmem and refused included)"),
	C(atomic, "lowmem", lowmem, "of those, on lowmem pages"),
	C(vmap, "maps", maps, "successful vmap() calls"),
	C(vmap, "unmaps", unmaps, "successful vunmap() calls"),
	C(vmap, "failures", failures, "vmap() calls that returned NULL"),
	C(vmap, "purges", purges, "lazy purges (empty ones included)"),
	C(vmap, "tlb_flushes", tlb_flushes, "of those, global TLB flushes (non-empty)"),
	C(vmap, "peak_bytes", peak_bytes, "peak bytes mapped by live vmaps (leaks included)"),
	C(vmap, "lazy_pages_peak", lazy_pages_peak, "peak lazily freed pages (guard pages included)"),
};
#undef C

#define NCOUNTERS (sizeof(counters) / sizeof(counters[0]))

static uint64_t counter(const struct engine_counters *c, const struct counter_desc *d)
{
	return *(const uint64_t *)((const char *)c + d->off);
}

static const char *const group_names[] = { "pkmap", "local", "atomic", "vmap" };

static json_t *counters_json(const struct engine_counters *c)
{
	json_t *all = json_object();
	bool ok = true;
	size_t g, i;

	for (g = 0; g < sizeof(group_names) / sizeof(group_names[0]); g++) {
		json_t *o = json_object();
		bool gok = true;

		for (i = 0; i < NCOUNTERS; i++)
			if (strcmp(counters[i].group, group_names[g]) == 0)
				jset(o, counters[i].key, json_integer(J(counter(c, &counters[i]))), &gok);
		jset(all, group_names[g], jdone(o, gok), &ok);
	}
	return jdone(all, ok);
}

static json_t *params_json(const struct engine_params *p)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			 "last_pkmap", J(p->last_pkmap), "km_max_idx", J(p->km_max_idx),
			 "cpus", J(p->cpus), "max_low_pfn", J(p->max_low_pfn),
			 "vmalloc_start", J(p->vmalloc_start), "vmalloc_end", J(p->vmalloc_end),
			 "lazy_max_pages", J(p->lazy_max_pages));
}

static json_t *errors_json(const struct replay_result *r)
{
	json_t *a = json_array();
	bool ok = true;
	size_t i;

	for (i = 0; i < r->nerr; i++) {
		const struct replay_error *e = &r->err[i];

		jpush(a, json_pack("{s:I, s:s, s:s, s:s}",
			"line", J(e->line), "task", trace_task_name(r->tr, e->task),
			"kind", engine_error_name(e->kind), "detail", r->text + e->detail), &ok);
	}
	return jdone(a, ok);
}

struct pfn_json {
	json_t *a;
	bool ok;
};

static void append_pfn(void *ctx, uint64_t pfn)
{
	struct pfn_json *l = ctx;

	jpush(l->a, json_integer(J(pfn)), &l->ok);
}

/* Tasks that hold kmap() mappings or are asleep, in order of first appearance. */
static bool in_held(const struct engine *e, uint32_t t)
{
	return engine_task_asleep(e, t) || engine_task_nholds(e, t);
}

json_t *engine_deadlock_json(const struct engine *e, size_t sleepers,
			     const char *(*name)(void *ctx, uint32_t task), void *ctx)
{
	json_t *tasks, *held;
	bool ok = true;
	uint32_t t;
	size_t i;

	if (!sleepers)
		return json_null();
	tasks = json_array();
	held = json_object();
	for (i = 0; i < engine_nsleepers(e); i++)
		jpush(tasks, json_string(name(ctx, engine_sleeper(e, i))), &ok);
	for (t = 0; t < engine_ntasks(e) && ok; t++) {
		struct pfn_json l = { NULL, true };

		if (!in_held(e, t))
			continue;
		l.a = json_array();
		engine_task_holds(e, t, append_pfn, &l);
		jset(held, name(ctx, t), jdone(l.a, l.ok), &ok);
	}
	if (!ok) {
		json_decref(tasks);
		json_decref(held);
		return NULL;
	}
	return json_pack("{s:o, s:o}", "tasks", tasks, "held", held);
}

static const char *trace_name_of(void *ctx, uint32_t task)
{
	return trace_task_name(ctx, task);
}

static json_t *deadlock_json(const struct replay_result *r)
{
	return engine_deadlock_json(r->eng, r->deadlocked, trace_name_of, r->tr);
}

json_t *replay_json(const struct replay_result *r)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:I, s:o, s:o, s:o}",
			 "schema", "hmplan-replay/1",
			 "trace", r->trace,
			 "machine", r->machine ? json_string(r->machine) : json_null(),
			 "params", params_json(&r->params),
			 "events", J(r->events),
			 "counters", counters_json(engine_counters(r->eng)),
			 "errors", errors_json(r),
			 "deadlock", deadlock_json(r));
}

/* ---- text ---- */

static const char *source(char from)
{
	switch (from) {
	case 't': return " (trace)";
	case 'o': return " (option)";
	case 'm': return " (machine)";
	default: return "";
	}
}

static void params_text(FILE *fp, const struct replay_result *r)
{
	const struct engine_params *p = &r->params;

	fprintf(fp, "parameters:\n"
		"  last_pkmap      %10" PRIu32 "%s\n"
		"  km_max_idx      %10" PRIu32 "%s\n"
		"  cpus            %10" PRIu32 "%s\n"
		"  max_low_pfn     %#10" PRIx64 "%s\n"
		"  vmalloc_start   %#10" PRIx64 "%s\n"
		"  vmalloc_end     %#10" PRIx64 "%s  (%" PRIu64 " pages)\n"
		"  lazy_max_pages  %10" PRIu64 "%s\n",
		p->last_pkmap, source(r->from[TP_LAST_PKMAP]), p->km_max_idx,
		source(r->from[TP_KM_MAX_IDX]), p->cpus, source(r->from[TP_CPUS]),
		p->max_low_pfn, source(r->from[TP_MAX_LOW_PFN]), p->vmalloc_start,
		source(r->from[TP_VMALLOC_START]), p->vmalloc_end, source(r->from[TP_VMALLOC_END]),
		(p->vmalloc_end - p->vmalloc_start) / 4096, p->lazy_max_pages,
		r->from[TP_LAZY_MAX_PAGES] == 'd' ? "  (fls(cpus) x 8192)"
						  : source(r->from[TP_LAZY_MAX_PAGES]));
}

static void counters_text(FILE *fp, const struct engine_counters *c)
{
	size_t i;

	fprintf(fp, "\n%-24s %12s  %s\n", "counter", "value", "meaning");
	for (i = 0; i < NCOUNTERS; i++) {
		char name[40];

		snprintf(name, sizeof(name), "%s.%s", counters[i].group, counters[i].key);
		fprintf(fp, "%-24s %12" PRIu64 "  %s\n", name, counter(c, &counters[i]),
			counters[i].meaning);
	}
}

static void errors_text(FILE *fp, const struct replay_result *r)
{
	size_t i;

	if (!r->nerr) {
		fprintf(fp, "\nerrors: none\n");
		return;
	}
	fprintf(fp, "\nerrors: %zu\n", r->nerr);
	for (i = 0; i < r->nerr; i++) {
		const struct replay_error *e = &r->err[i];

		fprintf(fp, "%s:%" PRIu64 ": task %s: %s: %s\n", r->trace, e->line,
			trace_task_name(r->tr, e->task), engine_error_name(e->kind),
			r->text + e->detail);
	}
}

struct pfn_list {
	FILE *fp;
	uint64_t n;
};

static void print_pfn(void *ctx, uint64_t pfn)
{
	struct pfn_list *l = ctx;

	if (l->n++ < 16)
		fprintf(l->fp, " %" PRIu64, pfn);
}

static void deadlock_text(FILE *fp, const struct replay_result *r)
{
	uint32_t t;

	if (!r->deadlocked) {
		fprintf(fp, "\ndeadlock: none\n");
		return;
	}
	fprintf(fp, "\ndeadlock: %zu task%s asleep in kmap() and nothing left to wake %s\n",
		r->deadlocked, r->deadlocked == 1 ? "" : "s", r->deadlocked == 1 ? "it" : "them");
	for (t = 0; t < engine_ntasks(r->eng); t++) {
		struct pfn_list l = { fp, 0 };

		if (!in_held(r->eng, t))
			continue;
		fprintf(fp, "  %s: ", trace_task_name(r->tr, t));
		if (engine_task_asleep(r->eng, t))
			fprintf(fp, "asleep in kmap(%" PRIu64 ") at line %" PRIu64 "; ",
				engine_task_sleep_pfn(r->eng, t), engine_task_sleep_line(r->eng, t));
		else
			fprintf(fp, "awake; ");
		fprintf(fp, "holds %" PRIu64 " kmap()%s", engine_task_nholds(r->eng, t),
			engine_task_nholds(r->eng, t) ? ":" : "");
		engine_task_holds(r->eng, t, print_pfn, &l);
		fprintf(fp, "%s\n", l.n > 16 ? " ..." : "");
	}
}

int replay_text(FILE *fp, const struct replay_result *r)
{
	fprintf(fp, "hmplan replay: %s: %" PRIu64 " events, %" PRIu32 " tasks%s%s\n", r->trace,
		r->events, engine_ntasks(r->eng), r->machine ? ", machine " : "",
		r->machine ? r->machine : "");
	params_text(fp, r);
	counters_text(fp, engine_counters(r->eng));
	errors_text(fp, r);
	deadlock_text(fp, r);
	return ferror(fp) ? -1 : 0;
}

/* The counter groups, for other reports (hmplan stress) that share them. */
json_t *engine_counters_json(const struct engine_counters *c)
{
	return counters_json(c);
}

void engine_counters_text(FILE *fp, const struct engine_counters *c)
{
	counters_text(fp, c);
}
