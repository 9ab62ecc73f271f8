/* hmplan replay: run a trace (hmplan-trace(5)) through the highmem engine. */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "failon.h"
#include "machine.h"
#include "replay.h"
#include "report.h"

void help_replay(FILE *fp)
{
	fprintf(fp, "Usage: hmplan replay [OPTIONS] TRACE|-\n\n"
		"Replay a trace of kmap/kmap_local/kmap_atomic/vmap events through a model of\n"
		"Linux 6.1's highmem machinery, event for event, and report its counters, the\n"
		"trace's mistakes (errors) and any deadlock.  See hmplan-trace(5).\n\n"
		"Engine parameters, each later source winning: the machine's layout if one is\n"
		"given (else the defaults below), then the trace's '#@' lines, then these options:\n"
		"      --cpus N             online CPUs (default 1, or the profile's cpus)\n"
		"      --last-pkmap N       pkmap entries, a power of two (1024; 512 with PAE)\n"
		"      --km-max-idx N       KM_MAX_IDX, kmap_local depth + 1 (16)\n"
		"      --max-low-pfn N      first highmem pfn (0x36bfe)\n"
		"      --vmalloc-start A    vmap window start, page aligned (0xf73fe000)\n"
		"      --vmalloc-end A      vmap window end, exclusive (0xfebfe000)\n"
		"      --lazy-max-pages N   purge threshold in pages (fls(cpus) x 8192)\n"
		"Numbers are decimal or 0x hex.\n\n"
		"%s"
		"Findings:\n"
		"      --fail-on EXPR       exit 1 if one holds: deadlock, errors (any), an error\n"
		"                           kind (lifo_violation, depth_overflow, unmap_not_mapped,\n"
		"                           sleep_in_atomic, switch_in_atomic, cpu_change_in_atomic,\n"
		"                           touch_unmapped, deadlock, vmap_unknown_id), or KEY OP\n"
		"                           NUMBER (pkmap.sleeps>0, vmap.failures>=1); comma-separated\n"
		"Output:\n"
		"      --json               JSON report (schema hmplan-replay/1)\n"
		"      --format text|json   same as --json for json\n"
		"  -o, --output FILE        write the report to FILE (atomically)\n"
		"  -h, --help               show this help\n\n"
		"Examples:\n"
		"  hmplan replay app.trace\n"
		"  hmplan replay --ram 8G --pae --cpus 4 --json app.trace\n"
		"  gen-trace | hmplan replay --fail-on deadlock,errors -\n\n"
		"Exit status: 0 ok, 1 a --fail-on condition held, 2 usage error, 3 bad trace,\n"
		"4 I/O error.\n",
		machine_options_help);
}

/* ---- the driver: trace -> engine, errors kept for the report ---- */

void replay_setup_init(struct replay_setup *s)
{
	memset(s, 0, sizeof(*s));
	engine_params_default(&s->base);
}

/* Errors are stored compactly: memory follows the findings, not the trace. */
static void keep_error(void *ctx, const struct engine_error *err)
{
	struct replay_result *res = ctx;
	size_t n = strlen(err->detail) + 1;
	struct replay_error *e;

	if (res->oom)
		return;
	if (res->nerr == res->errcap) {
		size_t cap = res->errcap ? res->errcap * 2 : 64;
		void *p = realloc(res->err, cap * sizeof(*res->err));

		if (!p) {
			res->oom = true;
			return;
		}
		res->err = p;
		res->errcap = cap;
	}
	while (res->tlen + n > res->tcap) {
		size_t cap = res->tcap ? res->tcap * 2 : 4096;
		void *p = realloc(res->text, cap);

		if (!p) {
			res->oom = true;
			return;
		}
		res->text = p;
		res->tcap = cap;
	}
	e = &res->err[res->nerr++];
	e->line = err->line;
	e->task = err->task;
	e->kind = (uint8_t)err->kind;
	e->detail = res->tlen;
	memcpy(res->text + res->tlen, err->detail, n);
	res->tlen += n;
}

/* Merge the sources: base, then the trace's #@ lines, then options. */
static int merge_params(const struct replay_setup *s, const struct trace_header *h,
			struct replay_result *res, struct diag *d)
{
	struct engine_params *p = &res->params;
	const char *why;
	int k;

	*p = s->base;
	memset(res->from, s->machine ? 'm' : 'd', sizeof(res->from));
	for (k = 0; k < TP_N; k++) {
		/* each value was checked at its source: setting it again cannot fail */
		if (h->set[k]) {
			trace_param_set(p, (enum trace_param)k, trace_param_get(&h->p, k), &why);
			res->from[k] = 't';
		}
		if (s->opt_set[k]) {
			trace_param_set(p, (enum trace_param)k, trace_param_get(&s->opt, k), &why);
			res->from[k] = 'o';
		}
	}
	if (res->from[TP_LAZY_MAX_PAGES] == 'd' || res->from[TP_LAZY_MAX_PAGES] == 'm') {
		p->lazy_max_pages = engine_lazy_default(p->cpus);
		res->from[TP_LAZY_MAX_PAGES] = 'd';
	}
	why = engine_params_check(p);
	if (!why)
		return EXIT_OK;
	if (s->opt_set[TP_VMALLOC_START] || s->opt_set[TP_VMALLOC_END])
		return diag_set(d, EXIT_USAGE, "--vmalloc-start/--vmalloc-end: %s (see 'hmplan replay "
				"--help')", why);
	if (h->set[TP_VMALLOC_START] || h->set[TP_VMALLOC_END])
		return diag_at(d, res->trace, h->line[h->set[TP_VMALLOC_END] ? TP_VMALLOC_END
						      : TP_VMALLOC_START], 1, "%s", why);
	return diag_set(d, EXIT_USAGE, "%s: %s", s->machine ? s->machine : "defaults", why);
}

static int run_events(struct replay_result *res, struct diag *d)
{
	struct engine_event ev;
	int got, rc;

	while ((got = trace_next(res->tr, &ev, d)) == 1) {
		rc = engine_submit(res->eng, &ev);
		if (rc == ENGINE_ENOMEM || res->oom)
			return diag_set(d, EXIT_IO, "%s: out of memory", res->trace);
		if (rc)
			return diag_at(d, res->trace, ev.line, 1, "the engine refused this event");
	}
	if (got < 0)
		return d->status;
	res->events = trace_events(res->tr);
	res->deadlocked = engine_finish(res->eng);
	return res->oom ? diag_set(d, EXIT_IO, "%s: out of memory", res->trace) : EXIT_OK;
}

int replay_run(const char *path, const struct replay_setup *s, struct replay_result *res,
	       struct diag *d)
{
	struct trace_header h;
	int rc;

	memset(res, 0, sizeof(*res));
	res->machine = s->machine;
	rc = trace_open(&res->tr, path, d);
	if (rc)
		return rc;
	res->trace = strdup(trace_name(res->tr));
	if (!res->trace)
		rc = diag_set(d, EXIT_IO, "out of memory");
	if (!rc)
		rc = trace_read_header(res->tr, &h, d);
	if (!rc)
		rc = merge_params(s, &h, res, d);
	if (!rc) {
		trace_set_cpus(res->tr, res->params.cpus);
		res->eng = engine_new(&res->params, keep_error, res);
		rc = res->eng ? run_events(res, d) : diag_set(d, EXIT_IO, "out of memory");
	}
	if (rc)
		replay_result_free(res);
	return rc;
}

void replay_result_free(struct replay_result *res)
{
	engine_free(res->eng);
	trace_close(res->tr);
	free(res->err);
	free(res->text);
	free(res->trace);
	memset(res, 0, sizeof(*res));
}

enum {
	OPT_LAST_PKMAP = 1100, OPT_KM_MAX_IDX, OPT_MAX_LOW_PFN, OPT_VMALLOC_START,
	OPT_VMALLOC_END, OPT_LAZY_MAX_PAGES, OPT_FAIL_ON,
};

/*
 * Every --fail-on KEY must name a number of the report: checked against an
 * empty one before the trace is read, so a typo costs nothing.
 */
static int check_fail_keys(const struct failon *f, const struct replay_setup *s)
{
	static char empty[1];
	struct replay_result zero;
	struct diag d = { 0 };
	json_t *skel;
	int rc;

	memset(&zero, 0, sizeof(zero));
	zero.trace = empty;
	zero.params = s->base;
	zero.eng = engine_new(&zero.params, NULL, NULL);
	skel = zero.eng ? replay_json(&zero) : NULL;
	rc = skel ? failon_check_keys(f, skel, &d) : diag_set(&d, EXIT_IO, "out of memory");
	json_decref(skel);
	engine_free(zero.eng);
	return rc ? cli_report(&d) : EXIT_OK;
}

static const struct {
	int opt;
	enum trace_param k;
	const char *flag;
} param_opts[] = {
	{ OPT_CPUS, TP_CPUS, "--cpus" },
	{ OPT_LAST_PKMAP, TP_LAST_PKMAP, "--last-pkmap" },
	{ OPT_KM_MAX_IDX, TP_KM_MAX_IDX, "--km-max-idx" },
	{ OPT_MAX_LOW_PFN, TP_MAX_LOW_PFN, "--max-low-pfn" },
	{ OPT_VMALLOC_START, TP_VMALLOC_START, "--vmalloc-start" },
	{ OPT_VMALLOC_END, TP_VMALLOC_END, "--vmalloc-end" },
	{ OPT_LAZY_MAX_PAGES, TP_LAZY_MAX_PAGES, "--lazy-max-pages" },
};

/* An engine parameter option: 1 if opt was one (stored), 0 if not, or a usage status. */
static int param_option(struct replay_setup *s, int opt, const char *arg)
{
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(param_opts) / sizeof(param_opts[0]); i++) {
		if (param_opts[i].opt != opt)
			continue;
		if (trace_number(arg, strlen(arg), &v, &why) < 0 ||
		    trace_param_set(&s->opt, param_opts[i].k, v, &why) < 0)
			return cli_usage("%s '%s': %s", param_opts[i].flag, arg, why);
		s->opt_set[param_opts[i].k] = true;
		return 1;
	}
	return 0;
}

/* Any machine or kernel option (--cpus alone is a replay option). */
static bool machine_any(const struct machine_opts *m)
{
	return machine_given(m) || m->board || m->split || m->nr_cpus || m->kconfig || m->kernel ||
	       m->highmem >= 0 || m->cmdline || m->mem || m->vmalloc || m->highmem_size;
}

/* The engine parameters of a machine: its layout's pkmap, vmalloc area and lowmem end. */
static int machine_base(const struct machine_opts *m, struct replay_setup *s, char **desc)
{
	struct machine mc;
	struct layout *lo;
	struct diag d = { 0 };
	int rc = EXIT_OK;

	if (machine_layout(m, &mc, &lo, &d))
		return cli_report(&d);
	if (!lo->last_pkmap) {
		rc = cli_usage("the kernel has no HIGHMEM (--no-highmem): nothing to replay");
		goto out;
	}
	s->base.last_pkmap = lo->last_pkmap;
	s->base.km_max_idx = lo->km_max_idx;
	s->base.max_low_pfn = lo->max_low_pfn;
	s->base.vmalloc_start = lo->vmalloc_start;
	s->base.vmalloc_end = lo->v.vmalloc_end;
	s->base.cpus = mc.in.cpus ? mc.in.cpus : 1;
	*desc = strdup(mc.name ? mc.name : mc.source ? mc.source : "machine");
	if (!*desc)
		rc = cli_error(EXIT_IO, "out of memory");
	else
		s->machine = *desc;
out:
	free(lo);
	machine_free(&mc);
	return rc;
}

/* The report, and whether a --fail-on condition holds for it. */
static int write_report(const struct replay_result *res, bool json, const char *output,
			const struct failon *fail, bool *failed)
{
	json_t *root = json || fail ? replay_json(res) : NULL;
	struct output out;
	int rc;

	if ((json || fail) && !root)
		return cli_error(EXIT_IO, "out of memory");
	*failed = fail && failon_eval(fail, root);
	rc = out_open(&out, output);
	if (rc) {
		json_decref(root);
		return rc;
	}
	if (json)
		rc = json_print(out.fp, root, JSON_INDENT(2)) < 0 ? EXIT_IO : EXIT_OK;
	else
		rc = replay_text(out.fp, res) < 0 ? EXIT_IO : EXIT_OK;
	json_decref(root);
	if (rc) {
		out_abort(&out);
		return cli_error(EXIT_IO, "%s: write error", output ? output : "stdout");
	}
	return out_commit(&out);
}

struct replay_cli {
	struct machine_opts m;
	struct replay_setup s;
	const char *output, *trace, *fail_on;
	bool json;
};

static int parse_args(int argc, char **argv, struct replay_cli *c)
{
	static const struct option longopts[] = {
		MACHINE_LONG_OPTIONS,
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "last-pkmap", required_argument, NULL, OPT_LAST_PKMAP },
		{ "km-max-idx", required_argument, NULL, OPT_KM_MAX_IDX },
		{ "max-low-pfn", required_argument, NULL, OPT_MAX_LOW_PFN },
		{ "vmalloc-start", required_argument, NULL, OPT_VMALLOC_START },
		{ "vmalloc-end", required_argument, NULL, OPT_VMALLOC_END },
		{ "lazy-max-pages", required_argument, NULL, OPT_LAZY_MAX_PAGES },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":p:o:h", longopts, NULL)) != -1) {
		if (opt != OPT_CPUS && (rc = machine_option(&c->m, opt, optarg)) != 0) {
			if (rc == 1)
				continue;
			return rc;
		}
		if ((rc = param_option(&c->s, opt, optarg)) != 0) {
			if (rc != 1)
				return rc;
			if (opt == OPT_CPUS)
				c->m.cpus = optarg;	/* a machine checks it against NR_CPUS */
			continue;
		}
		switch (opt) {
		case OPT_FAIL_ON:
			c->fail_on = optarg;
			break;
		case 'j':
			c->json = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return cli_usage("--format '%s': use text or json", optarg);
			c->json = strcmp(optarg, "json") == 0;
			break;
		case 'o':
			c->output = optarg;
			break;
		case 'h':
			help_replay(stdout);
			return -1;
		case ':':
			return cli_usage("%s needs a value", argv[optind - 1]);
		default:
			return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage("no TRACE given (a file, or - for standard input)");
	if (optind + 1 < argc)
		return cli_usage("unexpected argument '%s'", argv[optind + 1]);
	c->trace = argv[optind];
	return EXIT_OK;
}

int cmd_replay(int argc, char **argv)
{
	struct replay_cli c;
	struct replay_result res;
	struct failon *fail = NULL;
	struct diag d = { 0 };
	char *desc = NULL;
	bool failed = false;
	int rc;

	memset(&c, 0, sizeof(c));
	machine_opts_init(&c.m);
	replay_setup_init(&c.s);
	rc = parse_args(argc, argv, &c);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (c.fail_on && failon_parse(c.fail_on, &fail, &d))
		return cli_report(&d);
	if (machine_any(&c.m))
		rc = machine_base(&c.m, &c.s, &desc);
	if (!rc && fail)
		rc = check_fail_keys(fail, &c.s);
	if (!rc && (rc = replay_run(c.trace, &c.s, &res, &d)) != EXIT_OK)
		rc = cli_report(&d);
	else if (!rc) {
		rc = write_report(&res, c.json, c.output, fail, &failed);
		replay_result_free(&res);
	}
	if (!rc && failed)
		rc = EXIT_FAIL_ON;
	failon_free(fail);
	free(desc);
	return rc;
}
