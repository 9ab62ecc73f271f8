/* hmplan sweep: the layout across RAM sizes, splits and PAE, as one table. */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "machine.h"
#include "report.h"
#include "size.h"
#include "stress.h"
#include "jsonutil.h"
#include "sweep.h"
#include "workload.h"

#define MAX_CONFIGS 1000000
#define MAX_JOBS 64

enum format { FMT_TABLE, FMT_JSONL, FMT_CSV };

static const struct { const char *name; uint32_t po; } all_splits[] = {
	{ "3G/1G", 0xC0000000 }, { "3G_OPT", 0xB0000000 },
	{ "2G/2G", 0x80000000 }, { "2G_OPT", 0x78000000 },
	{ "1G/3G", 0x40000000 },
};

void help_sweep(FILE *fp)
{
	fprintf(fp, "Usage: hmplan sweep [OPTIONS]\n\n"
		"The layout of every configuration in RAM sizes x splits x PAE, one row each:\n"
		"the table a user would otherwise make by booting dozens of kernels.\n\n"
		"Configurations:\n"
		"      --ram RANGE          A..B (doubling), A..B:xF (factor F), A..B:+S (step S),\n"
		"                           A,B,C or A (default 256M..64G)\n"
		"      --split LIST         comma-separated splits, or all (default all):\n"
		"                           3G/1G, 3G_OPT, 2G/2G, 2G_OPT, 1G/3G\n"
		"      --pae on|off|both    HIGHMEM64G, HIGHMEM4G, or both (default both;\n"
		"                           the _OPT splits are skipped with PAE)\n"
		"      --board pc|q35|flat  how RAM becomes an e820 map (default pc)\n"
		"      --kconfig FILE       kernel .config for everything but split and PAE\n"
		"      --nr-cpus N          CONFIG_NR_CPUS, 1-64\n"
		"      --kernel 6.1|2.6     layout rules\n"
		"      --cmdline \"...\"      kernel command line for every configuration\n"
		"Workload (adds its key stress results to every row):\n"
		"  -w, --workload FILE|NAME  workload profile (see 'hmplan profiles')\n"
		"      --ops N              operations per configuration (default 100000)\n"
		"      --cpus N             online CPUs for the workload (default 2)\n"
		"Output:\n"
		"      --format table|jsonl|csv  (default table)\n"
		"      --json               same as --format jsonl\n"
		"      --svg FILE           also draw usable RAM and free lowmem against RAM\n"
		"  -o, --output FILE        write the table to FILE (atomically)\n"
		"  -j, --jobs N             compute on N threads (output order unchanged)\n"
		"  -h, --help               show this help\n\n"
		"Examples:\n"
		"  hmplan sweep\n"
		"  hmplan sweep --ram 1G..16G --split 3G/1G,2G/2G --pae on --svg lowmem.svg\n"
		"  hmplan sweep --ram 4G --cmdline vmalloc=256M --format csv\n"
		"  hmplan sweep --ram 1G..32G --split 3G/1G,2G/2G --pae on -w pagecache-read\n");
}

struct sweep {
	struct machine base;		/* kernel, command line, board */
	enum board board;
	const struct workload *w;	/* or NULL */
	uint64_t ops;
	uint32_t cpus;
	struct sweep_row *rows;
	size_t nrows;
	unsigned jobs;
};

static int parse_splits(const char *list, uint32_t *out, unsigned *n)
{
	char *copy = strdup(list), *save = NULL, *tok;
	unsigned i;

	*n = 0;
	if (!copy)
		return cli_error(EXIT_IO, "out of memory");
	if (strcmp(list, "all") == 0) {
		for (i = 0; i < 5; i++)
			out[i] = all_splits[i].po;
		*n = 5;
		free(copy);
		return 0;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < 5; i++)
			if (strcasecmp(tok, all_splits[i].name) == 0)
				break;
		if (i == 5 || *n >= 5) {
			int rc = cli_usage("--split '%s': %s", list, i == 5 ? "unknown split (use 3G/1G, "
					   "3G_OPT, 2G/2G, 2G_OPT, 1G/3G or all)" : "too many splits");

			free(copy);
			return rc;
		}
		out[(*n)++] = all_splits[i].po;
	}
	free(copy);
	return *n ? 0 : cli_usage("--split '%s': no split given", list);
}

/* The workload's key results on this configuration. */
static void stress_row(const struct sweep *s, struct sweep_row *r, const struct layout *lo)
{
	struct stress_config cfg;
	struct stress_pages *pages = malloc(sizeof(*pages));
	struct stress_result res;
	struct diag d = { 0 };
	const char *why;
	const struct engine_counters *c;

	r->stressed = false;
	if (!pages) {
		snprintf(r->note, sizeof(r->note), "out of memory");
		return;
	}
	why = stress_configure(&cfg, pages, lo, &s->base, s->w, s->cpus);
	if (why) {
		snprintf(r->note, sizeof(r->note), "%s", why);
		free(pages);
		return;
	}
	cfg.ops = s->ops;
	if (stress_run(&cfg, &res, &d)) {
		/* "FILE:LINE:COL: message": keep the message */
		const char *msg = strstr(d.text, ": ");

		while (msg && strstr(msg + 2, ": ") && msg[2] >= '0' && msg[2] <= '9')
			msg = strstr(msg + 2, ": ");
		snprintf(r->note, sizeof(r->note), "%.*s", (int)sizeof(r->note) - 1, msg ? msg + 2 : d.text);
	} else {
		c = engine_counters(res.eng);
		r->stressed = true;
		r->mapping_pct = stress_mapping_pct(&res);
		r->sleeps = c->pkmap.sleeps;
		r->vmap_failures = c->vmap.failures;
		r->bounced = res.io.bounced;
		r->swiotlb_full = res.io.swiotlb_full;
		r->cycles_per_op = res.ops_done ? res.total_cycles / res.ops_done : 0;
		r->deadlock = res.deadlocked > 0;
	}
	stress_result_free(&res);
	free(pages);
}

/* Compute one row from the base machine. */
static void compute(const struct sweep *s, struct sweep_row *r, struct layout *lo,
		    struct layout_input *in)
{
	const char *why;
	size_t used = 0;
	unsigned i;

	*in = s->base.in;
	in->k.page_offset = r->page_offset;
	in->k.highmem = r->pae ? HIGHMEM_64G : HIGHMEM_4G;
	in->k.pae = r->pae;
	e820_board(&in->firmware, r->ram, s->board, &why);	/* checked before */
	layout_compute(in, lo);
	r->boots = lo->boots;
	r->printed = lo->printed_sizes;
	r->lowmem_mb = lo->lowmem_mb;
	r->highmem_mb = lo->highmem_mb;
	r->low_present = lo->lowmem_present_bytes;
	r->high_present = lo->highmem_present_bytes;
	r->mem_map = lo->mem_map_bytes;
	r->swiotlb = lo->swiotlb_bytes;
	r->free_low = lo->lowmem_free_estimate_bytes;
	r->vmalloc = layout_vmalloc_bytes(lo);
	r->max_low_pfn = lo->max_low_pfn;
	r->max_pfn = lo->zones_end_pfn;
	r->warnings[0] = '\0';
	for (i = 0; i < lo->nwarnings && used + 40 < sizeof(r->warnings); i++)
		used += (size_t)snprintf(r->warnings + used, sizeof(r->warnings) - used, "%s%s",
					 i ? "," : "", lo->warnings[i].code);
	if (s->w)
		stress_row(s, r, lo);
}

struct worker {
	const struct sweep *s;
	unsigned first, step;
	int failed;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct layout *lo = malloc(sizeof(*lo));
	struct layout_input *in = malloc(sizeof(*in));
	size_t i;

	if (!lo || !in) {
		w->failed = 1;
	} else {
		for (i = w->first; i < w->s->nrows; i += w->step)
			compute(w->s, &w->s->rows[i], lo, in);
	}
	free(lo);
	free(in);
	return NULL;
}

static int run_all(struct sweep *s)
{
	struct worker w[MAX_JOBS];
	pthread_t t[MAX_JOBS];
	unsigned i, started = 0;
	int failed = 0;

	for (i = 0; i < s->jobs; i++) {
		w[i] = (struct worker){ s, i, s->jobs, 0 };
		if (s->jobs == 1)
			work(&w[i]);
		else if (pthread_create(&t[i], NULL, work, &w[i]) == 0)
			started++;
		else
			failed = 1;
	}
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < s->jobs; i++)
		failed |= w[i].failed;
	return failed ? cli_error(EXIT_IO, "out of memory or threads") : 0;
}

const char *sweep_split_name(uint32_t po)
{
	static char buf[16];

	return split_name(po, buf, sizeof(buf));
}

static void print_table(FILE *fp, const struct sweep *s)
{
	char a[12][32];
	size_t i;

	fprintf(fp, "%-10s %-7s %-4s %11s %8s %8s %11s %11s %10s %9s %11s %10s %-5s ",
		"RAM", "split", "PAE", "usable", "lowmem", "highmem", "low RAM", "high RAM",
		"mem_map", "swiotlb", "free low", "vmalloc", "boots");
	if (s->w)
		fprintf(fp, "%6s %7s %8s %8s %9s %-8s ", "map%", "cyc/op", "sleeps", "vmapfail",
			"bounced", "deadlock");
	fprintf(fp, "%s\n", "warnings");
	for (i = 0; i < s->nrows; i++) {
		const struct sweep_row *r = &s->rows[i];
		char low[16], high[16];

		snprintf(low, sizeof(low), r->printed ? "%lluMB" : "-", (unsigned long long)r->lowmem_mb);
		snprintf(high, sizeof(high), r->printed ? "%lluMB" : "-", (unsigned long long)r->highmem_mb);
		fprintf(fp, "%-10s %-7s %-4s %11s %8s %8s %11s %11s %10s %9s %11s %10s %-5s ",
			size_human(a[0], 32, r->ram), sweep_split_name(r->page_offset), r->pae ? "yes" : "no",
			size_human(a[1], 32, r->low_present + r->high_present), low, high,
			size_human(a[2], 32, r->low_present), size_human(a[3], 32, r->high_present),
			size_human(a[4], 32, r->mem_map), size_human(a[5], 32, r->swiotlb),
			r->boots ? size_human(a[6], 32, r->free_low) : "-",
			size_human(a[7], 32, r->vmalloc), r->boots ? "yes" : "no");
		if (s->w && r->stressed)
			fprintf(fp, "%6.1f %7" PRIu64 " %8" PRIu64 " %8" PRIu64 " %9" PRIu64 " %-8s ",
				r->mapping_pct, r->cycles_per_op, r->sleeps, r->vmap_failures, r->bounced,
				r->deadlock ? "yes" : "no");
		else if (s->w)
			fprintf(fp, "%-58s ", r->note);
		fprintf(fp, "%s\n", r->warnings[0] ? r->warnings : "-");
	}
}

static void print_csv(FILE *fp, const struct sweep *s)
{
	size_t i;

	fprintf(fp, "ram_bytes,split,pae,usable_bytes,lowmem_mb,highmem_mb,lowmem_present_bytes,"
		"highmem_present_bytes,mem_map_bytes,swiotlb_bytes,lowmem_free_estimate_bytes,"
		"vmalloc_bytes,max_low_pfn,max_pfn,boots,warnings%s\n", s->w
		? ",mapping_overhead_pct,cycles_per_op,pkmap_sleeps,vmap_failures,bounced,"
		  "swiotlb_full,deadlock" : "");
	for (i = 0; i < s->nrows; i++) {
		const struct sweep_row *r = &s->rows[i];

		fprintf(fp, "%llu,%s,%s,%llu,", (unsigned long long)r->ram, sweep_split_name(r->page_offset),
			r->pae ? "true" : "false", (unsigned long long)(r->low_present + r->high_present));
		if (r->printed)
			fprintf(fp, "%llu,%llu,", (unsigned long long)r->lowmem_mb,
				(unsigned long long)r->highmem_mb);
		else
			fputs(",,", fp);
		fprintf(fp, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%s,\"%s\"",
			(unsigned long long)r->low_present, (unsigned long long)r->high_present,
			(unsigned long long)r->mem_map, (unsigned long long)r->swiotlb,
			(unsigned long long)r->free_low, (unsigned long long)r->vmalloc,
			(unsigned long long)r->max_low_pfn, (unsigned long long)r->max_pfn,
			r->boots ? "true" : "false", r->warnings);
		if (s->w && r->stressed)
			fprintf(fp, ",%.2f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s",
				r->mapping_pct, r->cycles_per_op, r->sleeps, r->vmap_failures, r->bounced,
				r->swiotlb_full, r->deadlock ? "true" : "false");
		else if (s->w)
			fputs(",,,,,,,", fp);
		fputc('\n', fp);
	}
}

static json_t *row_json(const struct sweep *s, const struct sweep_row *r)
{
	json_t *codes = json_array();
	char *copy = strdup(r->warnings), *save = NULL, *tok;
	bool ok = copy != NULL;

	for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save))
		jpush(codes, json_string(tok), &ok);
	free(copy);
	if (!(codes = jdone(codes, ok)))
		return NULL;
	return json_pack("{s:I, s:s, s:s, s:I, s:b, s:s, s:i, s:o, s:o, s:I, s:I, s:I, s:I, s:I, "
			 "s:I, s:I, s:I, s:I, s:b, s:o}",
		"ram_bytes", (json_int_t)r->ram,
		"board", board_name(s->board),
		"split", sweep_split_name(r->page_offset),
		"page_offset", (json_int_t)r->page_offset,
		"pae", r->pae,
		"highmem", r->pae ? "64G" : "4G",
		"nr_cpus", (int)s->base.in.k.nr_cpus,
		"lowmem_mb", r->printed ? json_integer((json_int_t)r->lowmem_mb) : json_null(),
		"highmem_mb", r->printed ? json_integer((json_int_t)r->highmem_mb) : json_null(),
		"max_low_pfn", (json_int_t)r->max_low_pfn,
		"max_pfn", (json_int_t)r->max_pfn,
		"lowmem_present_bytes", (json_int_t)r->low_present,
		"highmem_present_bytes", (json_int_t)r->high_present,
		"usable_bytes", (json_int_t)(r->low_present + r->high_present),
		"vmalloc_bytes", (json_int_t)r->vmalloc,
		"mem_map_bytes", (json_int_t)r->mem_map,
		"swiotlb_bytes", (json_int_t)r->swiotlb,
		"lowmem_free_estimate_bytes", (json_int_t)r->free_low,
		"boots", r->boots,
		"warnings", codes);
}

static json_t *stress_json_row(const struct sweep_row *r)
{
	if (!r->stressed)
		return json_pack("{s:s}", "error", r->note);
	return json_pack("{s:f, s:I, s:I, s:I, s:I, s:I, s:b}",
		"mapping_overhead_pct", r->mapping_pct, "cycles_per_op", (json_int_t)r->cycles_per_op,
		"pkmap_sleeps", (json_int_t)r->sleeps, "vmap_failures", (json_int_t)r->vmap_failures,
		"bounced", (json_int_t)r->bounced, "swiotlb_full", (json_int_t)r->swiotlb_full,
		"deadlock", r->deadlock);
}

static int print_jsonl(FILE *fp, const struct sweep *s)
{
	size_t i;

	for (i = 0; i < s->nrows; i++) {
		json_t *o = row_json(s, &s->rows[i]);
		bool ok = o != NULL;
		int rc;

		if (s->w)
			jset(o, "stress", stress_json_row(&s->rows[i]), &ok);
		if (!(o = jdone(o, ok)))
			return -2;
		rc = json_print(fp, o, JSON_COMPACT | JSON_REAL_PRECISION(6));
		json_decref(o);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int write_svg(const struct sweep *s, const char *path)
{
	char title[400];
	struct output out;
	struct sweep_chart c = { title, s->rows, s->nrows };
	int rc = out_open(&out, path);

	if (rc)
		return rc;
	snprintf(title, sizeof(title), "Linux %s, board %s, NR_CPUS %u%s%s",
		 s->base.in.k.rules == RULES_2_6 ? "2.6" : "6.1", board_name(s->board),
		 s->base.in.k.nr_cpus, s->base.cmdline ? ", " : "", s->base.cmdline ? s->base.cmdline : "");
	sweep_svg(out.fp, &c);
	return out_commit(&out);
}

/* Fill the rows: split outermost, then PAE, then RAM, so each line of the chart is a run. */
static int plan(struct sweep *s, const uint64_t *rams, size_t nram, const uint32_t *po,
		unsigned nsplit, const bool *paes, unsigned npae)
{
	unsigned i, j;
	size_t k, n = 0;

	for (i = 0; i < nsplit; i++)
		for (j = 0; j < npae; j++)
			n += paes[j] && split_is_opt(po[i]) ? 0 : nram;
	if (n == 0)
		return cli_usage("--split/--pae: no configuration left (the _OPT splits need --pae off)");
	if (n > MAX_CONFIGS)
		return cli_usage("%zu configurations: more than %d", n, MAX_CONFIGS);
	s->rows = calloc(n, sizeof(*s->rows));
	if (!s->rows)
		return cli_error(EXIT_IO, "out of memory");
	for (i = 0; i < nsplit; i++)
		for (j = 0; j < npae; j++) {
			if (paes[j] && split_is_opt(po[i]))
				continue;
			for (k = 0; k < nram; k++) {
				struct sweep_row *r = &s->rows[s->nrows++];

				r->ram = rams[k];
				r->page_offset = po[i];
				r->pae = paes[j];
			}
		}
	return 0;
}

struct sweep_args {
	const char *ram, *split, *pae, *svg, *output, *workload, *ops, *cpus;
	enum format format;
	struct machine_opts m;
};

static int parse_args(int argc, char **argv, struct sweep_args *a, unsigned long *jobs)
{
	static const struct option longopts[] = {
		{ "ram", required_argument, NULL, OPT_RAM },
		{ "split", required_argument, NULL, OPT_SPLIT },
		{ "pae", required_argument, NULL, 'P' },
		{ "board", required_argument, NULL, OPT_BOARD },
		{ "kconfig", required_argument, NULL, OPT_KCONFIG },
		{ "nr-cpus", required_argument, NULL, OPT_NR_CPUS },
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'J' },
		{ "svg", required_argument, NULL, 'S' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "workload", required_argument, NULL, 'w' },
		{ "ops", required_argument, NULL, 'O' },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":o:j:w:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'w': a->workload = optarg; break;
		case 'O': a->ops = optarg; break;
		case OPT_CPUS: a->cpus = optarg; break;
		case OPT_RAM: a->ram = optarg; break;
		case OPT_SPLIT: a->split = optarg; break;
		case 'P': a->pae = optarg; break;
		case OPT_BOARD: case OPT_KCONFIG: case OPT_NR_CPUS: case OPT_KERNEL: case OPT_CMDLINE:
			machine_option(&a->m, opt, optarg);
			break;
		case 'J': a->format = FMT_JSONL; break;
		case 'f':
			if (strcmp(optarg, "table") == 0)
				a->format = FMT_TABLE;
			else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
				a->format = FMT_JSONL;
			else if (strcmp(optarg, "csv") == 0)
				a->format = FMT_CSV;
			else
				return cli_usage("--format '%s': use table, jsonl or csv", optarg);
			break;
		case 'S': a->svg = optarg; break;
		case 'o': a->output = optarg; break;
		case 'j':
			if (cli_uint("--jobs", optarg, 1, MAX_JOBS, jobs))
				return EXIT_USAGE;
			break;
		case 'h': help_sweep(stdout); return -1;
		case ':': return cli_usage("%s needs a value", argv[optind - 1]);
		default: return cli_usage("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	return 0;
}

static int emit(const struct sweep *s, const struct sweep_args *a)
{
	struct output out;
	int rc = a->svg ? write_svg(s, a->svg) : 0;

	if (rc)
		return rc;
	rc = out_open(&out, a->output);
	if (rc)
		return rc;
	if (a->format == FMT_TABLE)
		print_table(out.fp, s);
	else if (a->format == FMT_CSV)
		print_csv(out.fp, s);
	else if ((rc = print_jsonl(out.fp, s)) < 0) {
		out_abort(&out);
		return rc == -2 ? cli_error(EXIT_IO, "out of memory")
			: cli_error(EXIT_IO, "%s: write error", a->output ? a->output : "stdout");
	}
	return out_commit(&out);
}

/* -w, --ops, --cpus: the workload every configuration runs. */
static int workload_part(struct sweep *s, const struct sweep_args *a, struct workload *w)
{
	struct diag d = { 0 };
	unsigned long v;

	if (!a->workload) {
		if (a->ops || a->cpus)
			return cli_usage("%s needs -w WORKLOAD", a->ops ? "--ops" : "--cpus");
		return 0;
	}
	if (workload_load(a->workload, w, &d))
		return cli_report(&d);
	s->w = w;
	s->ops = 100000;
	s->cpus = 2;
	if (a->ops && cli_uint("--ops", a->ops, 1, 1000000000UL, &v))
		return EXIT_USAGE;
	if (a->ops)
		s->ops = v;
	if (a->cpus && cli_uint("--cpus", a->cpus, 1, 64, &v))
		return EXIT_USAGE;
	if (a->cpus)
		s->cpus = (uint32_t)v;
	if (s->cpus > s->base.in.k.nr_cpus)
		return cli_usage("--cpus %u: the kernel is built for at most NR_CPUS=%u", s->cpus,
				 s->base.in.k.nr_cpus);
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a = { .ram = "256M..64G", .split = "all", .pae = "both" };
	struct sweep s = { .jobs = 1 };
	struct workload w;
	uint32_t po[5];
	bool paes[2];
	unsigned nsplit = 0, npae = 0;
	uint64_t *rams = NULL;
	size_t nram, i;
	unsigned long jobs = 1;
	struct diag d = { 0 };
	const char *why;
	int rc;

	memset(&w, 0, sizeof(w));
	machine_opts_init(&a.m);
	rc = parse_args(argc, argv, &a, &jobs);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	s.jobs = (unsigned)jobs;
	rc = sweep_ram_list(a.ram, &rams, &nram, &why);
	if (rc == -2)
		return cli_error(EXIT_IO, "out of memory");
	if (rc < 0)
		return cli_usage("--ram '%s': %s", a.ram, why);
	if (strcmp(a.pae, "on") == 0 || strcmp(a.pae, "both") == 0)
		paes[npae++] = true;
	if (strcmp(a.pae, "off") == 0 || strcmp(a.pae, "both") == 0)
		paes[npae++] = false;
	rc = npae ? parse_splits(a.split, po, &nsplit)
		: cli_usage("--pae '%s': use on, off or both", a.pae);
	if (rc)
		goto out;
	if (a.m.board && board_parse(a.m.board, &s.board) < 0) {
		rc = cli_usage("--board '%s': unknown board (use pc, q35 or flat)", a.m.board);
		goto out;
	}
	for (i = 0; i < nram; i++)
		if (e820_board(&s.base.in.firmware, rams[i], s.board, &why) < 0) {
			char buf[32];

			rc = cli_usage("--ram: %s: %s", size_human(buf, sizeof(buf), rams[i]), why);
			goto out;
		}
	/* the base machine: kernel and command line checked as layout checks them */
	a.m.ram = "1G";
	a.m.board = NULL;
	rc = machine_resolve(&a.m, &s.base, &d);
	if (rc) {
		rc = cli_report(&d);
		goto out;
	}
	rc = workload_part(&s, &a, &w);
	if (!rc)
		rc = plan(&s, rams, nram, po, nsplit, paes, npae);
	if (!rc)
		rc = run_all(&s);
	if (!rc)
		rc = emit(&s, &a);
	machine_free(&s.base);
out:
	workload_free(&w);
	free(s.rows);
	free(rams);
	return rc;
}
