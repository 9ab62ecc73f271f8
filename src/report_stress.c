/* The stress report: JSON (schema hmplan-stress/1) and text, with findings. */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "jsonutil.h"
#include "replay.h"
#include "report.h"
#include "report_stress.h"
#include "size.h"

#define J(x) ((json_int_t)(x))

static json_t *workload_json(const struct workload *w, const struct stress_report *in)
{
	json_t *mix = json_array();
	bool ok = true;
	unsigned i;

	for (i = 0; i < w->nmix; i++) {
		const struct mix_entry *m = &w->mix[i];
		json_t *e = json_pack("{s:s, s:I}", "kind", op_kind_name(m->kind), "weight", J(m->weight));

		if (m->kind == OP_KMAP_HOLD) {
			jset(e, "hold", json_integer(m->hold), &ok);
			jset(e, "nest", json_integer(m->nest), &ok);
		} else if (m->kind == OP_VMAP_BUFFER) {
			jset(e, "pages_min", json_integer(m->pages_min), &ok);
			jset(e, "pages_max", json_integer(m->pages_max), &ok);
			jset(e, "lifetime", json_integer(J(m->lifetime)), &ok);
		} else if (m->kind == OP_BOUNCE_IO) {
			jset(e, "dma_limit_bytes", json_integer(J(m->dma_limit)), &ok);
			jset(e, "in_flight", json_integer(m->in_flight), &ok);
		}
		jpush(mix, e, &ok);
	}
	if (!(mix = jdone(mix, ok)))
		return NULL;
	return json_pack("{s:s, s:o, s:s, s:i, s:I, s:I, s:I, s:I, s:s, s:o, s:s, s:o, s:o}",
		"name", w->name,
		"description", w->description ? json_string(w->description) : json_null(),
		"path", w->path ? w->path : "",
		"tasks", (int)in->cfg->gen.tasks,
		"ops", J(in->cfg->ops),
		"working_set_bytes", J(in->r->ws_pages * 4096),
		"working_set_pages", J(in->r->ws_pages),
		"highmem_pages", J(in->r->ws_high_pages),
		"placement", placement_name(w->placement),
		"highmem_share", w->placement == PLACE_SHARE ? json_real(w->share) : json_null(),
		"pattern", pattern_name(w->pattern),
		"zipf_s", w->pattern == PATTERN_ZIPF ? json_real(w->zipf_s) : json_null(),
		"mix", mix);
}

static json_t *params_json(const struct engine_params *p)
{
	return json_pack("{s:i, s:i, s:i, s:I, s:I, s:I, s:I}",
		"last_pkmap", (int)p->last_pkmap, "km_max_idx", (int)p->km_max_idx,
		"cpus", (int)p->cpus, "max_low_pfn", J(p->max_low_pfn),
		"vmalloc_start", J(p->vmalloc_start), "vmalloc_end", J(p->vmalloc_end),
		"lazy_max_pages", J(p->lazy_max_pages));
}

static json_t *counters_json(const struct stress_report *in)
{
	const struct stress_result *r = in->r;
	json_t *c = engine_counters_json(engine_counters(r->eng));
	bool ok = c != NULL;

	jset(c, "io", json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
		"ios", J(r->io.ios), "bounced", J(r->io.bounced),
		"swiotlb_full", J(r->io.swiotlb_full), "no_swiotlb", J(r->io.no_swiotlb),
		"swiotlb_slots", J(in->cfg->gen.swiotlb_slots), "slots_peak", J(r->io.slots_peak)), &ok);
	return jdone(c, ok);
}

static void task_name(char *buf, size_t n, uint32_t t)
{
	snprintf(buf, n, "t%u", t);
}

/* The name a --trace-out file gives task t (valid until the next call). */
static const char *trace_out_name(void *ctx, uint32_t t)
{
	static _Thread_local char name[16];

	(void)ctx;
	task_name(name, sizeof(name), t);
	return name;
}

static json_t *errors_json(const struct stress_result *r)
{
	json_t *a = json_array();
	char name[16];
	bool ok = true;
	size_t i;

	for (i = 0; i < r->nerrors; i++) {
		task_name(name, sizeof(name), r->errors[i].task);
		jpush(a, json_pack("{s:I, s:s, s:s, s:s}", "line", J(r->errors[i].line),
			"task", name, "kind", engine_error_name((enum engine_error_kind)r->errors[i].kind),
			"detail", r->errors[i].detail), &ok);
	}
	return jdone(a, ok);
}

static json_t *deadlock_json(const struct stress_result *r)
{
	return engine_deadlock_json(r->eng, r->deadlocked, trace_out_name, NULL);
}

static json_t *cost_json(const struct stress_report *in)
{
	const struct stress_result *r = in->r;
	json_t *model = json_object(), *c;
	bool ok = true;
	char key[40];
	unsigned i;

	for (i = 0; i < COST_NKEYS; i++)
		jset(model, cost_key_name((enum cost_key)i), json_integer(J(in->cfg->costs.cycles[i])),
		     &ok);
	if (!(model = jdone(model, ok)))
		return NULL;
	c = json_pack("{s:o}", "model", model);
	ok = c != NULL;
	for (i = 0; i < CAT_N; i++) {
		snprintf(key, sizeof(key), "%s_cycles", cost_category_name((enum cost_category)i));
		jset(c, key, json_integer(J(r->cycles[i])), &ok);
	}
	jset(c, "mapping_cycles", json_integer(J(r->mapping_cycles)), &ok);
	jset(c, "total_cycles", json_integer(J(r->total_cycles)), &ok);
	jset(c, "mapping_overhead_pct", json_real(stress_mapping_pct(r)), &ok);
	jset(c, "cycles_per_op", json_integer(J(r->ops_done ? r->total_cycles / r->ops_done : 0)),
	     &ok);
	return jdone(c, ok);
}

static json_t *hist_json(const struct histogram *h)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "ops", J(h->count),
		"mean_cycles", J(h->count ? h->sum / h->count : 0),
		"p50_cycles", J(hist_quantile(h, 0.50)), "p90_cycles", J(hist_quantile(h, 0.90)),
		"p99_cycles", J(hist_quantile(h, 0.99)), "max_cycles", J(h->max));
}

static json_t *latency_json(const struct stress_result *r)
{
	json_t *l = json_pack("{s:o}", "all", hist_json(r->hist[OP_NKINDS]));
	bool ok = l != NULL;
	unsigned i;

	for (i = 0; i < OP_NKINDS; i++)
		if (r->hist[i]->count)
			jset(l, op_kind_name((enum op_kind)i), hist_json(r->hist[i]), &ok);
	return jdone(l, ok);
}

/* ---- findings: what the numbers mean, with a suggestion where there is one ---- */

struct finding {
	const char *code;
	char message[400];
};

static unsigned findings(const struct stress_report *in, struct finding *f, unsigned max)
{
	const struct stress_result *r = in->r;
	const struct engine_counters *c = engine_counters(r->eng);
	const struct engine_params *p = &in->cfg->params;
	uint64_t vm = p->vmalloc_end - p->vmalloc_start, flushes = c->pkmap.tlb_flushes + c->vmap.tlb_flushes;
	double pct = stress_mapping_pct(r);
	char a[32], b[32];
	unsigned n = 0;

#define ADD(cd, ...) do { if (n < max) { f[n].code = cd; \
	snprintf(f[n].message, sizeof(f[n].message), __VA_ARGS__); n++; } } while (0)
	if (r->deadlocked)
		ADD("deadlock", "%zu tasks sleep in kmap() for ever: each holds pkmap entries and "
		    "waits for another, and all %u entries are taken. Nested kmap() deadlocks once "
		    "the pool runs out; use kmap_local_page(), or fewer tasks or less nesting.",
		    r->deadlocked, p->last_pkmap);
	else if (c->pkmap.sleeps)
		ADD("pkmap-exhausted", "kmap() slept %" PRIu64 " times: all %u pkmap entries were in "
		    "use (peak %" PRIu64 "). Each sleep is a context switch and a wait for a kunmap().",
		    c->pkmap.sleeps, p->last_pkmap, c->pkmap.max_in_use);
	if (c->vmap.failures) {
		uint64_t want = 64 * MiB;

		while (want < 2 * vm)
			want *= 2;
		ADD("vmap-failed", "vmap failed %" PRIu64 " times: vmalloc area %s; try vmalloc=%" PRIu64 "M.",
		    c->vmap.failures, size_human(a, sizeof(a), vm), want >> 20);
	}
	if (r->io.swiotlb_full)
		ADD("swiotlb-full", "swiotlb was full %" PRIu64 " times (%" PRIu64 " slots, %s): those "
		    "I/Os fail. Try the boot parameter swiotlb=%" PRIu64 ", or fewer I/Os in flight.",
		    r->io.swiotlb_full, in->cfg->gen.swiotlb_slots,
		    size_human(b, sizeof(b), in->cfg->gen.swiotlb_slots * 2048),
		    2 * in->cfg->gen.swiotlb_slots);
	if (r->io.no_swiotlb)
		ADD("no-swiotlb", "%" PRIu64 " I/Os were to pages above the device's DMA limit, but "
		    "this kernel has no swiotlb (no RAM above 4 GiB): a real kernel would fail them or "
		    "bounce them in the block layer.", r->io.no_swiotlb);
	if (r->io.bounced)
		ADD("bounced", "%" PRIu64 " of %" PRIu64 " I/Os (%.1f%%) were bounced through swiotlb: "
		    "their pages lie above the device's DMA limit.", r->io.bounced, r->io.ios,
		    r->io.ios ? 100.0 * (double)r->io.bounced / (double)r->io.ios : 0);
	if (flushes)
		ADD("global-flushes", "%" PRIu64 " global TLB flushes (%" PRIu64 " from pkmap wraps, "
		    "%" PRIu64 " from vmap purges), each with IPIs to the %u other CPUs.", flushes,
		    c->pkmap.tlb_flushes, c->vmap.tlb_flushes, p->cpus - 1);
	if (pct >= 10)
		ADD("mapping-overhead", "%.1f%% of all cycles go to mapping highmem (PTE writes, TLB "
		    "flushes, IPIs, pkmap scans): more lowmem (a 2G/2G split, less RAM) or "
		    "kmap_local_page() instead of kmap() would cut it.", pct);
	if (r->stopped)
		ADD("timeout", "stopped by --timeout after %" PRIu64 " of %" PRIu64 " operations: "
		    "these are partial results.", r->ops_done, in->cfg->ops);
#undef ADD
	return n;
}

static json_t *findings_json(const struct stress_report *in)
{
	struct finding f[12];
	unsigned n = findings(in, f, 12), i;
	json_t *a = json_array();
	bool ok = true;

	for (i = 0; i < n; i++)
		jpush(a, json_pack("{s:s, s:s}", "code", f[i].code, "message", f[i].message), &ok);
	return jdone(a, ok);
}

json_t *stress_json(const struct stress_report *in)
{
	const struct stress_result *r = in->r;
	json_t *machine = layout_summary_json(in->mc, in->lo), *root, *kinds = json_object();
	bool ok = machine != NULL;
	unsigned i;

	jset(machine, "name", in->mc->name ? json_string(in->mc->name) : json_null(), &ok);
	jset(machine, "source", json_string(in->mc->source ? in->mc->source : ""), &ok);
	for (i = 0; i < ENGINE_NERRORS; i++)
		if (r->error_kinds[i])
			jset(kinds, engine_error_name((enum engine_error_kind)i),
			     json_integer(J(r->error_kinds[i])), &ok);
	if (!ok) {
		json_decref(machine);
		json_decref(kinds);
		return NULL;
	}
	root = json_pack("{s:s, s:o, s:o, s:I, s:o, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
		"schema", "hmplan-stress/1",
		"machine", machine,
		"workload", workload_json(in->w, in),
		"seed", J(in->cfg->gen.seed),
		"params", params_json(&in->cfg->params),
		"ops", J(r->ops_done),
		"events", J(r->events),
		"counters", counters_json(in),
		"errors", errors_json(r),
		"errors_by_kind", kinds,
		"deadlock", deadlock_json(r),
		"cost", cost_json(in),
		"latency", latency_json(r),
		"findings", findings_json(in),
		"timed_out", r->stopped);
	ok = root != NULL;
	if (in->timing) {
		jset(root, "wall_seconds", json_real(in->wall_seconds), &ok);
		jset(root, "ops_per_second", json_integer(J(in->wall_seconds > 0
			? (double)r->ops_done / in->wall_seconds : 0)), &ok);
	}
	return jdone(root, ok);
}

/* ---- text ---- */

static void cost_text(FILE *fp, const struct stress_report *in)
{
	const struct stress_result *r = in->r;
	unsigned i;

	fprintf(fp, "\nCost (cycles; %" PRIu64 " per operation)\n",
		r->ops_done ? r->total_cycles / r->ops_done : 0);
	for (i = 0; i < CAT_N; i++)
		fprintf(fp, "  %-12s %16" PRIu64 "  %5.1f%%%s\n", cost_category_name((enum cost_category)i),
			r->cycles[i], r->total_cycles ? 100.0 * (double)r->cycles[i] / (double)r->total_cycles : 0,
			cost_category_is_mapping((enum cost_category)i) ? "  mapping" : "");
	fprintf(fp, "  %-12s %16" PRIu64 "\n", "total", r->total_cycles);
	fprintf(fp, "  mapping overhead: %.2f%% of all cycles\n",
		stress_mapping_pct(r));
}

static void latency_text(FILE *fp, const struct stress_result *r)
{
	unsigned i;

	fprintf(fp, "\nLatency per operation (cycles, waits included)\n  %-14s %10s %9s %9s %9s %11s\n",
		"", "ops", "p50", "p90", "p99", "max");
	for (i = 0; i <= OP_NKINDS; i++) {
		const struct histogram *h = r->hist[i];

		if (!h->count)
			continue;
		fprintf(fp, "  %-14s %10" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %11" PRIu64 "\n",
			i == OP_NKINDS ? "all" : op_kind_name((enum op_kind)i), h->count,
			hist_quantile(h, 0.5), hist_quantile(h, 0.9), hist_quantile(h, 0.99), h->max);
	}
}

void stress_text(FILE *fp, const struct stress_report *in)
{
	const struct stress_result *r = in->r;
	const struct engine_params *p = &in->cfg->params;
	struct finding f[12];
	unsigned n = findings(in, f, 12), i;
	char a[32], b[32];

	fprintf(fp, "Machine   %s (%" PRIu64 "MB lowmem, %" PRIu64 "MB highmem)\n",
		in->mc->name ? in->mc->name : in->mc->source, in->lo->lowmem_mb, in->lo->highmem_mb);
	fprintf(fp, "Engine    %u pkmap entries, %u CPUs, vmalloc %s, lazy purge above %" PRIu64
		" pages\n", p->last_pkmap, p->cpus,
		size_human(a, sizeof(a), p->vmalloc_end - p->vmalloc_start), p->lazy_max_pages);
	fprintf(fp, "Workload  %s: %u tasks, working set %s (%" PRIu64 " pages, %" PRIu64 " in highmem)\n",
		in->w->name, in->cfg->gen.tasks, size_human(b, sizeof(b), r->ws_pages * 4096),
		r->ws_pages, r->ws_high_pages);
	fprintf(fp, "Run       %" PRIu64 " of %" PRIu64 " operations, %" PRIu64 " events, seed %" PRIu64 "%s\n",
		r->ops_done, in->cfg->ops, r->events, in->cfg->gen.seed, r->stopped ? " (timed out)" : "");
	engine_counters_text(fp, engine_counters(r->eng));
	fprintf(fp, "  io:     %" PRIu64 " I/Os, %" PRIu64 " bounced, swiotlb full %" PRIu64
		", slots %" PRIu64 " (peak %" PRIu64 ")\n", r->io.ios, r->io.bounced,
		r->io.swiotlb_full, in->cfg->gen.swiotlb_slots, r->io.slots_peak);
	cost_text(fp, in);
	latency_text(fp, r);
	if (r->nerrors) {
		fprintf(fp, "\nErrors\n");
		for (i = 0; i < r->nerrors && i < 20; i++)
			fprintf(fp, "  line %" PRIu64 ": task t%u: %s: %s\n", r->errors[i].line,
				r->errors[i].task,
				engine_error_name((enum engine_error_kind)r->errors[i].kind),
				r->errors[i].detail);
		if (r->nerrors > 20)
			fprintf(fp, "  ... %zu more\n", r->nerrors - 20);
	}
	fprintf(fp, "\nFindings\n");
	if (!n)
		fprintf(fp, "  nothing remarkable: no sleeps, no failures, little mapping overhead\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "  [%s] %s\n", f[i].code, f[i].message);
	if (in->timing)
		fprintf(fp, "\n%.2f s, %.1f M operations/s\n", in->wall_seconds,
			in->wall_seconds > 0 ? (double)r->ops_done / in->wall_seconds / 1e6 : 0);
}
