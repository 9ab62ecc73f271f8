/* hmplan stress: simulated workloads through the highmem engine, priced. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "failon.h"
#include "machine.h"
#include "report.h"
#include "report_stress.h"
#include "stress.h"
#include "trace.h"

void help_stress(FILE *fp)
{
	fprintf(fp, "Usage: hmplan stress -p MACHINE|[machine options] -w WORKLOAD [OPTIONS]\n\n"
		"Run a simulated workload through the highmem engine on a machine's layout and\n"
		"report what the kmap/kmap_local/vmap machinery did and what it cost.\n\n"
		"%s"
		"Workload:\n"
		"  -w, --workload FILE|NAME  workload profile (NAME: a bundled one)\n"
		"      --ops N              operations to run (default: the workload's)\n"
		"      --seed N             random seed (default 1; echoed in the report)\n"
		"      --cpus N             online CPUs (default: the profile's, else 2)\n"
		"      --tasks N            tasks (default: the workload's, else 2 x CPUs)\n"
		"      --last-pkmap N       kmap() pool entries, a power of two (default: the kernel's)\n"
		"Run:\n"
		"      --timeout T          stop after T (30s, 5m, 1h, 500ms): partial report, exit 5\n"
		"      --fail-on EXPR       exit 1 if one holds: deadlock, errors, an error kind, or\n"
		"                           KEY OP NUMBER (pkmap.sleeps>0, cost.mapping_overhead_pct>=5);\n"
		"                           comma-separated\n"
		"      --trace-out FILE     write the generated events as a trace (hmplan replay reads it)\n"
		"      --progress           a progress line on stderr (default when stderr is a terminal)\n"
		"  -q, --quiet              no progress line\n"
		"Output:\n"
		"      --json               JSON report (schema hmplan-stress/1)\n"
		"      --format text|json   same as --json for json\n"
		"      --no-timing          leave out wall-clock figures (byte-identical runs)\n"
		"  -o, --output FILE        write the report to FILE (atomically)\n"
		"  -h, --help               show this help\n\n"
		"Examples:\n"
		"  hmplan stress -p debian-686-pae-8g -w pagecache-read\n"
		"  hmplan stress -p debian-686-pae-8g -w kmap-nested --last-pkmap 32 --fail-on deadlock\n"
		"  hmplan stress --ram 4G -w vmap-churn --vmalloc 256M --json --no-timing\n",
		machine_options_help);
}

enum { OPT_WORKLOAD = 2000, OPT_OPS, OPT_SEED, OPT_TASKS, OPT_LAST_PKMAP, OPT_TIMEOUT,
       OPT_FAIL_ON, OPT_TRACE_OUT, OPT_PROGRESS, OPT_NO_TIMING, OPT_JSON, OPT_FORMAT };

struct stress_cli {
	struct machine_opts m;
	const char *workload, *ops, *seed, *tasks, *last_pkmap, *timeout, *fail_on, *trace_out;
	const char *output;
	int progress;		/* -1: when stderr is a terminal */
	bool json, timing;
};

static int parse_args(int argc, char **argv, struct stress_cli *c)
{
	static const struct option longopts[] = {
		MACHINE_LONG_OPTIONS,
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "workload", required_argument, NULL, 'w' },
		{ "ops", required_argument, NULL, OPT_OPS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "tasks", required_argument, NULL, OPT_TASKS },
		{ "last-pkmap", required_argument, NULL, OPT_LAST_PKMAP },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "trace-out", required_argument, NULL, OPT_TRACE_OUT },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-timing", no_argument, NULL, OPT_NO_TIMING },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, rc;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":p:w:o:qh", longopts, NULL)) != -1) {
		rc = machine_option(&c->m, opt, optarg);
		if (rc == 1)
			continue;
		if (rc)
			return rc;
		switch (opt) {
		case 'w': c->workload = optarg; break;
		case OPT_OPS: c->ops = optarg; break;
		case OPT_SEED: c->seed = optarg; break;
		case OPT_TASKS: c->tasks = optarg; break;
		case OPT_LAST_PKMAP: c->last_pkmap = optarg; break;
		case OPT_TIMEOUT: c->timeout = optarg; break;
		case OPT_FAIL_ON: c->fail_on = optarg; break;
		case OPT_TRACE_OUT: c->trace_out = optarg; break;
		case OPT_PROGRESS: c->progress = 1; break;
		case 'q': c->progress = 0; break;
		case OPT_JSON: c->json = true; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return cli_usage("--format '%s': use text or json", optarg);
			c->json = strcmp(optarg, "json") == 0;
			break;
		case OPT_NO_TIMING: c->timing = false; break;
		case 'o': c->output = optarg; break;
		case 'h': help_stress(stdout); return -1;
		case ':': return cli_usage("%s needs a value", argv[optind - 1]);
		default: return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	if (!c->workload)
		return cli_usage("no workload: give -w WORKLOAD (see 'hmplan profiles')");
	if (!machine_given(&c->m))
		return cli_usage("no machine: give -p PROFILE, --ram SIZE, --e820 FILE or --dmesg FILE");
	return 0;
}

/* "30s", "5m", "1h", "500ms", "30": nanoseconds. */
static int parse_timeout(const char *s, uint64_t *ns)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ms", 1000000ULL }, { "s", 1000000000ULL }, { "", 1000000000ULL },
		{ "m", 60000000000ULL }, { "h", 3600000000000ULL },
	};
	char *end;
	double v;
	size_t i;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	v = strtod(s, &end);
	if (end == s)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].unit) == 0) {
			if (!(v > 0) || v * (double)units[i].ns > 1e18)
				return -1;
			*ns = (uint64_t)(v * (double)units[i].ns);
			return 0;
		}
	return -1;
}

static int number(const char *opt, const char *arg, uint64_t min, uint64_t max, uint64_t *v)
{
	const char *why;

	if (trace_number(arg, strlen(arg), v, &why) < 0)
		return cli_usage("%s '%s': %s", opt, arg, why);
	if (*v < min || *v > max)
		return cli_usage("%s '%s': out of range %" PRIu64 "..%" PRIu64, opt, arg, min, max);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Time, progress and the trace file, for the pure run loop. */
struct watch {
	uint64_t start, deadline, last_print;
	bool progress, printed;
	FILE *trace;
	int trace_error;
};

static bool tick(void *ctx, uint64_t done, uint64_t total)
{
	struct watch *w = ctx;
	uint64_t now = now_ns();

	if (w->progress && now - w->last_print >= 500000000ULL) {
		double secs = (double)(now - w->start) / 1e9, rate = (double)done / secs;
		uint64_t eta = rate > 0 ? (uint64_t)((double)(total - done) / rate) : 0;

		fprintf(stderr, "\rhmplan stress: %" PRIu64 "/%" PRIu64 " ops (%.0f%%), %.1fM ops/s, "
			"ETA %" PRIu64 ":%02" PRIu64 " ", done, total, 100.0 * (double)done / (double)total,
			rate / 1e6, eta / 60, eta % 60);
		w->last_print = now;
		w->printed = true;
	}
	return !w->deadline || now < w->deadline;
}

static int trace_line(void *ctx, const struct engine_event *ev)
{
	struct watch *w = ctx;
	int n;

	switch (ev->op) {
	case ENGINE_VMAP:
		n = fprintf(w->trace, "t%u vmap %.*s %" PRIu64 "\n", ev->task, (int)ev->idlen, ev->id,
			    ev->arg);
		break;
	case ENGINE_VUNMAP:
		n = fprintf(w->trace, "t%u vunmap %.*s\n", ev->task, (int)ev->idlen, ev->id);
		break;
	case ENGINE_SWITCH:
		n = fprintf(w->trace, "t%u switch\n", ev->task);
		break;
	default:
		n = fprintf(w->trace, "t%u %s %" PRIu64 "\n", ev->task,
			    engine_op_name((enum engine_op)ev->op), ev->arg);
	}
	if (n < 0) {
		w->trace_error = errno ? errno : EIO;
		return EXIT_IO;
	}
	return 0;
}

struct setup {
	struct machine mc;
	struct layout *lo;
	struct workload w;
	struct stress_config cfg;
	struct stress_pages pages;
	uint64_t timeout_ns;
	struct failon *fail;
};

/* The run on the machine's layout, then the options that change it. */
static int configure(struct stress_cli *c, struct setup *s)
{
	struct stress_config *cfg = &s->cfg;
	const char *why;
	uint64_t v;

	if (!s->lo->boots)
		return cli_usage("this machine's kernel does not boot (%s): nothing to stress",
				 s->lo->death);
	why = stress_configure(cfg, &s->pages, s->lo, &s->mc, &s->w, s->mc.in.cpus);
	if (c->last_pkmap) {
		if (number("--last-pkmap", c->last_pkmap, 1, ENGINE_MAX_LAST_PKMAP, &v))
			return EXIT_USAGE;
		cfg->params.last_pkmap = (uint32_t)v;
		why = engine_params_check(&cfg->params);
	}
	if (why)
		return cli_usage("%s%s", c->last_pkmap ? "--last-pkmap: " : "", why);
	if (c->tasks) {
		if (number("--tasks", c->tasks, 1, 4096, &v))
			return EXIT_USAGE;
		cfg->gen.tasks = (uint32_t)v;
	}
	if (c->ops && number("--ops", c->ops, 1, UINT64_C(1) << 40, &cfg->ops))
		return EXIT_USAGE;
	if (c->seed && number("--seed", c->seed, 0, INT64_MAX, &cfg->gen.seed))
		return EXIT_USAGE;
	if (c->timeout && parse_timeout(c->timeout, &s->timeout_ns) < 0)
		return cli_usage("--timeout '%s': use a duration like 30s, 5m, 1h or 500ms", c->timeout);
	return 0;
}

static int prepare(struct stress_cli *c, struct setup *s)
{
	struct diag d = { 0 };
	int rc;

	if (c->fail_on && (rc = failon_parse(c->fail_on, &s->fail, &d)))
		return cli_report(&d);
	if (machine_layout(&c->m, &s->mc, &s->lo, &d))
		return cli_report(&d);
	rc = workload_load(c->workload, &s->w, &d);
	if (rc)
		return cli_report(&d);
	return configure(c, s);
}

static void free_setup(struct setup *s)
{
	free(s->lo);
	machine_free(&s->mc);
	workload_free(&s->w);
	failon_free(s->fail);
}

/* The report's keys exist before the run, so a --fail-on typo costs nothing. */
static int check_fail_on(struct setup *s)
{
	struct stress_result zero;
	struct stress_report in = { &s->mc, s->lo, &s->w, &s->cfg, &zero, false, 0 };
	struct diag d = { 0 };
	json_t *skel;
	unsigned i;
	int rc;

	if (!s->fail)
		return 0;
	memset(&zero, 0, sizeof(zero));
	zero.eng = engine_new(&s->cfg.params, NULL, NULL);
	for (i = 0; i <= OP_NKINDS; i++)
		zero.hist[i] = calloc(1, sizeof(*zero.hist[i]));
	skel = zero.eng ? stress_json(&in) : NULL;
	rc = skel ? failon_check_keys(s->fail, skel, &d) : diag_set(&d, EXIT_IO, "out of memory");
	json_decref(skel);
	stress_result_free(&zero);
	return rc ? cli_report(&d) : 0;
}

static int open_trace(struct stress_cli *c, struct setup *s, struct output *tout, struct watch *w)
{
	const struct engine_params *p = &s->cfg.params;
	int rc;

	if (!c->trace_out)
		return 0;
	rc = out_open(tout, c->trace_out);
	if (rc)
		return rc;
	w->trace = tout->fp;
	s->cfg.trace = trace_line;
	/* exactly STRESS_TRACE_HEADER_LINES lines, so event k is on line k + 4 */
	fprintf(tout->fp, "# hmplan stress: workload %s, machine %s, seed %" PRIu64 "\n",
		s->w.name, s->mc.name ? s->mc.name : s->mc.source, s->cfg.gen.seed);
	fprintf(tout->fp, "#@ last_pkmap=%u km_max_idx=%u cpus=%u\n", p->last_pkmap, p->km_max_idx,
		p->cpus);
	fprintf(tout->fp, "#@ max_low_pfn=%" PRIu64 " vmalloc_start=0x%" PRIx64 " vmalloc_end=0x%"
		PRIx64 " lazy_max_pages=%" PRIu64 "\n", p->max_low_pfn, p->vmalloc_start,
		p->vmalloc_end, p->lazy_max_pages);
	return 0;
}

static int report(struct stress_cli *c, struct setup *s, struct stress_result *r, double wall,
		  bool *failed)
{
	struct stress_report in = { &s->mc, s->lo, &s->w, &s->cfg, r, c->timing, wall };
	json_t *root = stress_json(&in);
	struct output out;
	int rc;

	if (!root)
		return cli_error(EXIT_IO, "out of memory");
	*failed = s->fail && failon_eval(s->fail, root);
	rc = out_open(&out, c->output);
	if (!rc) {
		if (c->json)
			rc = json_print(out.fp, root, JSON_INDENT(2) | JSON_REAL_PRECISION(6)) < 0;
		else
			stress_text(out.fp, &in);
		if (rc) {
			out_abort(&out);
			rc = cli_error(EXIT_IO, "%s: write error", c->output ? c->output : "stdout");
		} else {
			rc = out_commit(&out);
		}
	}
	json_decref(root);
	return rc;
}

int cmd_stress(int argc, char **argv)
{
	struct stress_cli c = { .progress = -1, .timing = true };
	struct setup s;
	struct stress_result r;
	struct watch w = { 0 };
	struct output tout = { 0 };
	struct diag d = { 0 };
	bool failed = false;
	int rc;

	memset(&s, 0, sizeof(s));
	machine_opts_init(&c.m);
	rc = parse_args(argc, argv, &c);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	rc = prepare(&c, &s);
	if (!rc)
		rc = check_fail_on(&s);
	if (!rc)
		rc = open_trace(&c, &s, &tout, &w);
	if (rc) {
		free_setup(&s);
		return rc;
	}
	w.progress = c.progress < 0 ? isatty(STDERR_FILENO) : c.progress;
	w.start = w.last_print = now_ns();
	w.deadline = s.timeout_ns ? w.start + s.timeout_ns : 0;
	s.cfg.tick = tick;
	s.cfg.ctx = &w;
	rc = stress_run(&s.cfg, &r, &d);
	if (w.printed)
		fprintf(stderr, "\r%79s\r", "");
	if (rc == EXIT_IO && w.trace_error)
		rc = cli_error(EXIT_IO, "%s: %s", c.trace_out, strerror(w.trace_error));
	else if (rc)
		rc = cli_report(&d);
	if (!rc && c.trace_out)
		rc = out_commit(&tout);
	else if (c.trace_out)
		out_abort(&tout);
	if (!rc)
		rc = report(&c, &s, &r, (double)(now_ns() - w.start) / 1e9, &failed);
	if (!rc && r.stopped)
		rc = EXIT_TIMEOUT;
	else if (!rc && failed)
		rc = EXIT_FAIL_ON;
	stress_result_free(&r);
	free_setup(&s);
	return rc;
}
