#include "config.h"

#include "machine.h"
#include "profile.h"
#include "size.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char machine_options_help[] =
"Machine (one of --ram, --e820, --dmesg, or a profile):\n"
"  -p, --profile FILE|NAME  machine profile (NAME: a bundled one, see 'hmplan profiles')\n"
"      --ram SIZE           installed RAM, e.g. 8G, 1536M\n"
"      --board pc|q35|flat  how --ram becomes an e820 map (default pc: qemu's i440FX)\n"
"      --e820 FILE          BIOS-e820 lines from a boot log ('-' = stdin)\n"
"      --dmesg FILE         e820 map and kernel command line of a boot log (the last boot)\n"
"Kernel (default: Debian 12's 686-pae, 6.1, VMSPLIT_3G, NR_CPUS 32):\n"
"      --kconfig FILE       kernel .config (split, HIGHMEM, PAE, NR_CPUS, fixmap options)\n"
"      --split SPLIT        3G/1G, 3G_OPT, 2G/2G, 2G_OPT, 1G/3G or a PAGE_OFFSET (0x...)\n"
"      --pae                HIGHMEM64G (PAE)\n"
"      --no-pae             HIGHMEM4G (no PAE)\n"
"      --no-highmem         NOHIGHMEM\n"
"      --nr-cpus N          CONFIG_NR_CPUS, 1-64\n"
"      --kernel 6.1|2.6     layout rules: today's, or the classic 896 MB era\n"
"Boot parameters:\n"
"      --cmdline \"...\"      kernel command line: mem= memmap= vmalloc= highmem= reservetop=\n"
"      --mem SIZE           append mem=SIZE\n"
"      --vmalloc SIZE       append vmalloc=SIZE\n"
"      --highmem SIZE       append highmem=SIZE\n";

void machine_opts_init(struct machine_opts *m)
{
	memset(m, 0, sizeof(*m));
	m->highmem = -1;
}

int machine_option(struct machine_opts *m, int opt, const char *arg)
{
	static const char *hm_flags[] = { "--no-highmem", "--no-pae", "--pae" };
	int hm = -1;

	switch (opt) {
	case 'p': m->profile = arg; return 1;
	case OPT_RAM: m->ram = arg; return 1;
	case OPT_BOARD: m->board = arg; return 1;
	case OPT_E820: m->e820 = arg; return 1;
	case OPT_DMESG: m->dmesg = arg; return 1;
	case OPT_SPLIT: m->split = arg; return 1;
	case OPT_NR_CPUS: m->nr_cpus = arg; return 1;
	case OPT_KCONFIG: m->kconfig = arg; return 1;
	case OPT_KERNEL: m->kernel = arg; return 1;
	case OPT_CMDLINE: m->cmdline = arg; return 1;
	case OPT_MEM: m->mem = arg; return 1;
	case OPT_VMALLOC: m->vmalloc = arg; return 1;
	case OPT_HIGHMEM: m->highmem_size = arg; return 1;
	case OPT_CPUS: m->cpus = arg; return 1;
	case OPT_PAE: hm = HIGHMEM_64G; break;
	case OPT_NO_PAE: hm = HIGHMEM_4G; break;
	case OPT_NO_HIGHMEM: hm = HIGHMEM_NONE; break;
	default: return 0;
	}
	if (m->highmem >= 0 && m->highmem != hm)
		return cli_usage("%s and %s cannot be combined", m->highmem_opt, hm_flags[hm]);
	m->highmem = hm;
	m->highmem_opt = hm_flags[hm];
	return 1;
}

bool machine_given(const struct machine_opts *m)
{
	return m->profile || m->ram || m->e820 || m->dmesg;
}

void machine_free(struct machine *mc)
{
	free(mc->name);
	free(mc->description);
	free(mc->source);
	free(mc->cmdline);
	memset(mc, 0, sizeof(*mc));
}

/* Where a value came from: a flag, or a key of the profile. */
struct origin {
	const char *flag;		/* "--split", or NULL for the profile */
	const struct ydoc *doc;
	const char *path;		/* "kernel.split" */
};

static int bad_value(const struct origin *o, struct diag *d, const char *value, const char *why)
{
	if (o->flag)
		return diag_set(d, EXIT_USAGE, "%s '%s': %s (see 'hmplan %s --help')", o->flag,
				value, why, cli_command ? cli_command : "layout");
	return ydoc_error(o->doc, o->path, d, "'%s': %s", value, why);
}

static int parse_split(const struct origin *o, const char *s, uint32_t *page_offset,
		       struct diag *d)
{
	static const struct { const char *name; uint32_t po; } names[] = {
		{ "3G/1G", 0xC0000000 }, { "3G", 0xC0000000 }, { "3G_OPT", 0xB0000000 },
		{ "2G/2G", 0x80000000 }, { "2G", 0x80000000 }, { "2G_OPT", 0x78000000 },
		{ "1G/3G", 0x40000000 }, { "1G", 0x40000000 },
	};
	const char *why;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0) {
			*page_offset = names[i].po;
			return 0;
		}
	if (strncmp(s, "0x", 2) != 0 && strncmp(s, "0X", 2) != 0)
		return bad_value(o, d, s, "unknown split (use 3G/1G, 3G_OPT, 2G/2G, 2G_OPT, 1G/3G "
				 "or a PAGE_OFFSET like 0xC0000000)");
	if (size_parse(s, &v, &why) < 0)
		return bad_value(o, d, s, why);
	if (v < 0x10000000 || v > 0xC0000000 || v % (4 * MiB))
		return bad_value(o, d, s, "PAGE_OFFSET must be a multiple of 4 MiB between "
				 "0x10000000 and 0xC0000000");
	*page_offset = (uint32_t)v;
	return 0;
}

static int parse_highmem(const struct origin *o, const char *s, enum highmem_model *h,
			 struct diag *d)
{
	if (strcasecmp(s, "64G") == 0)
		*h = HIGHMEM_64G;
	else if (strcasecmp(s, "4G") == 0)
		*h = HIGHMEM_4G;
	else if (strcasecmp(s, "none") == 0 || strcasecmp(s, "off") == 0)
		*h = HIGHMEM_NONE;
	else
		return bad_value(o, d, s, "expected 4G, 64G or none");
	return 0;
}

static int parse_rules(const struct origin *o, const char *s, enum rules *r, struct diag *d)
{
	if (strcmp(s, "6.1") == 0)
		*r = RULES_6_1;
	else if (strcmp(s, "2.6") == 0)
		*r = RULES_2_6;
	else
		return bad_value(o, d, s, "expected 6.1 or 2.6");
	return 0;
}

static int parse_count(const struct origin *o, const char *s, unsigned max, unsigned *v,
		       struct diag *d)
{
	char *end;
	unsigned long x;

	if (!s[0] || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return bad_value(o, d, s, "not a number");
	x = strtoul(s, &end, 10);
	if (*end)
		return bad_value(o, d, s, "not a number");
	if (x < 1 || x > max) {
		char why[64];

		snprintf(why, sizeof(why), "out of range 1..%u", max);
		return bad_value(o, d, s, why);
	}
	*v = (unsigned)x;
	return 0;
}

/* A path named in a profile is relative to the profile's directory. */
static char *beside(const char *profile, const char *path)
{
	char *copy, *dir, *out;

	if (!profile || path[0] == '/' || strcmp(path, "-") == 0)
		return strdup(path);
	copy = strdup(profile);
	if (!copy)
		return NULL;
	dir = dirname(copy);
	out = malloc(strlen(dir) + strlen(path) + 2);
	if (out)
		sprintf(out, "%s/%s", dir, path);
	free(copy);
	return out;
}

static int load_kconfig(const char *path, struct kconfig_file *kf, struct diag *d)
{
	char *text;
	size_t len;
	int rc = read_file(path, &text, &len, d);

	if (rc)
		return rc;
	rc = kconfig_parse(text, len, path, kf, d);
	free(text);
	return rc;
}

struct resolve {
	const struct machine_opts *m;
	char *profile_path;
	struct machine_profile *mp;
	struct ydoc *doc;
	struct machine *out;
	struct diag *d;
	char *log_cmdline;	/* from a dmesg */
};

static int resolve_kernel(struct resolve *r)
{
	const struct machine_opts *m = r->m;
	struct kernel_config *k = &r->out->in.k;
	const struct mp_kernel *pk = r->mp ? r->mp->kernel : NULL;
	struct origin po = { NULL, r->doc, NULL }, fo = { NULL, NULL, NULL };
	struct kconfig_file kf;
	bool opt_split = false;
	char *path = NULL;
	int rc;

	kernel_config_debian(k, true);
	if (m->kconfig)
		path = strdup(m->kconfig);
	else if (pk && pk->config)
		path = beside(r->profile_path, pk->config);
	if (path) {
		rc = load_kconfig(path, &kf, r->d);
		free(path);
		if (rc)
			return rc;
		*k = kf.k;
		opt_split = kf.split_opt;
	}
	if (pk) {
		enum highmem_model h = HIGHMEM_64G;

		if (pk->model && (po.path = "kernel.model", parse_rules(&po, pk->model, &k->rules, r->d)))
			return r->d->status;
		if (pk->split && (po.path = "kernel.split",
				  parse_split(&po, pk->split, &k->page_offset, r->d)))
			return r->d->status;
		if (pk->page_offset && (po.path = "kernel.page_offset",
					parse_split(&po, pk->page_offset, &k->page_offset, r->d)))
			return r->d->status;
		if (pk->highmem) {
			po.path = "kernel.highmem";
			if (parse_highmem(&po, pk->highmem, &h, r->d))
				return r->d->status;
			k->highmem = h;
			k->pae = h == HIGHMEM_64G;
		}
		if (pk->nr_cpus && (po.path = "kernel.nr_cpus",
				    parse_count(&po, pk->nr_cpus, 64, &k->nr_cpus, r->d)))
			return r->d->status;
		if (pk->split || pk->page_offset)
			opt_split = split_is_opt(k->page_offset);
		if (k->pae && opt_split && (pk->split || pk->page_offset || pk->highmem))
			return ydoc_error(r->doc, pk->split ? "kernel.split" : "kernel.highmem", r->d,
					  "3G_OPT and 2G_OPT splits cannot be combined with PAE "
					  "(Kconfig: depends on !X86_PAE)");
	}
	if (m->kernel && (fo.flag = "--kernel", parse_rules(&fo, m->kernel, &k->rules, r->d)))
		return r->d->status;
	if (m->split) {
		fo.flag = "--split";
		if (parse_split(&fo, m->split, &k->page_offset, r->d))
			return r->d->status;
		opt_split = split_is_opt(k->page_offset);
	}
	if (m->highmem >= 0) {
		k->highmem = (enum highmem_model)m->highmem;
		k->pae = m->highmem == HIGHMEM_64G;
	}
	if (m->nr_cpus && (fo.flag = "--nr-cpus", parse_count(&fo, m->nr_cpus, 64, &k->nr_cpus, r->d)))
		return r->d->status;
	if (k->pae && opt_split)
		return diag_set(r->d, EXIT_USAGE, "%s with %s: the 3G_OPT and 2G_OPT splits cannot be "
				"combined with PAE (Kconfig: depends on !X86_PAE) (see 'hmplan %s --help')",
				m->split ? m->split : "the split", m->highmem_opt ? m->highmem_opt : "a PAE kernel",
				cli_command ? cli_command : "layout");
	if (k->pae && k->page_offset % GiB)
		return diag_set(r->d, EXIT_USAGE, "PAGE_OFFSET 0x%08X: a PAE kernel needs a multiple "
				"of 1 GiB (see 'hmplan %s --help')", k->page_offset,
				cli_command ? cli_command : "layout");
	return 0;
}

static int from_log(struct resolve *r, const char *path, bool want_cmdline)
{
	char *text;
	size_t len;
	int rc = read_file(path, &text, &len, r->d);

	if (rc)
		return rc;
	rc = e820_parse_log(text, len, strcmp(path, "-") ? path : "<stdin>", &r->out->in.firmware,
			    want_cmdline ? &r->log_cmdline : NULL, &r->out->in.reserved, r->d);
	free(text);
	return rc;
}

/* Describe where the memory map came from, for the report. */
static int set_source(struct resolve *r, const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;

	free(r->out->source);
	r->out->source = malloc(n);
	if (!r->out->source)
		return diag_set(r->d, EXIT_IO, "out of memory");
	snprintf(r->out->source, n, "%s%s%s", a, b, c);
	return 0;
}

static int from_ram(struct resolve *r, const struct origin *ro, const char *ram,
		    const struct origin *bo, const char *board)
{
	enum board b = BOARD_PC;
	const char *why;
	uint64_t bytes;

	if (size_parse(ram, &bytes, &why) < 0)
		return bad_value(ro, r->d, ram, why);
	if (board && board_parse(board, &b) < 0)
		return bad_value(bo, r->d, board, "unknown board (use pc, q35 or flat)");
	if (e820_board(&r->out->in.firmware, bytes, b, &why) < 0)
		return bad_value(ro, r->d, ram, why);
	return set_source(r, ram, " of RAM, board ", board_name(b));
}

static int from_list(struct resolve *r, const struct mp_memory *pm)
{
	struct e820_table *t = &r->out->in.firmware;
	char path[64];
	unsigned i;

	memset(t, 0, sizeof(*t));
	if (pm->e820_count > E820_FIRMWARE_MAX)
		return ydoc_error(r->doc, "memory.e820", r->d, "more than %d e820 ranges",
				  E820_FIRMWARE_MAX);
	for (i = 0; i < pm->e820_count; i++) {
		const struct mp_e820 *e = &pm->e820[i];
		uint64_t first, last;
		uint32_t type;
		const char *why;

		snprintf(path, sizeof(path), "memory.e820.%u.start", i);
		if (size_parse(e->start, &first, &why) < 0)
			return ydoc_error(r->doc, path, r->d, "'%s': %s", e->start, why);
		snprintf(path, sizeof(path), "memory.e820.%u.end", i);
		if (size_parse(e->end, &last, &why) < 0)
			return ydoc_error(r->doc, path, r->d, "'%s': %s", e->end, why);
		if (last < first)
			return ydoc_error(r->doc, path, r->d, "range ends (inclusive) before it starts");
		snprintf(path, sizeof(path), "memory.e820.%u.type", i);
		if (e820_type_parse(e->type, &type) < 0)
			return ydoc_error(r->doc, path, r->d, "'%s': unknown e820 type (use usable, "
					  "reserved, ACPI data, ACPI NVS, unusable, pram or a number)",
					  e->type);
		e820_range_add(t, first, last - first + 1, type);
	}
	return set_source(r, "e820 map of ", r->profile_path, "");
}

static int resolve_memory(struct resolve *r)
{
	const struct machine_opts *m = r->m;
	const struct mp_memory *pm = r->mp ? r->mp->memory : NULL;
	struct origin ro = { "--ram", NULL, NULL }, bo = { "--board", NULL, NULL };
	int rc;

	if ((m->ram != NULL) + (m->e820 != NULL) + (m->dmesg != NULL) > 1)
		return diag_set(r->d, EXIT_USAGE, "use only one of --ram, --e820 and --dmesg (see "
				"'hmplan %s --help')", cli_command ? cli_command : "layout");
	if (m->board && !m->ram && !(pm && pm->ram && !m->e820 && !m->dmesg))
		return diag_set(r->d, EXIT_USAGE, "--board '%s': only applies to --ram (see 'hmplan "
				"%s --help')", m->board, cli_command ? cli_command : "layout");
	if (m->ram)
		return from_ram(r, &ro, m->ram, &bo, m->board ? m->board : pm ? pm->board : NULL);
	if (m->e820) {
		rc = from_log(r, m->e820, false);
		return rc ? rc : set_source(r, "e820 lines of ", m->e820, "");
	}
	if (m->dmesg) {
		rc = from_log(r, m->dmesg, true);
		return rc ? rc : set_source(r, "boot log ", m->dmesg, "");
	}
	if (!pm)
		return diag_set(r->d, EXIT_USAGE, "no machine: give --ram SIZE, --e820 FILE, --dmesg "
				"FILE or -p PROFILE (see 'hmplan %s --help')",
				cli_command ? cli_command : "layout");
	if (pm->ram) {
		struct origin pr = { NULL, r->doc, "memory.ram" }, pb = { m->board ? "--board" : NULL,
									r->doc, "memory.board" };

		return from_ram(r, &pr, pm->ram, &pb, m->board ? m->board : pm->board);
	}
	if (pm->dmesg) {
		char *path = beside(r->profile_path, pm->dmesg);

		if (!path)
			return diag_set(r->d, EXIT_IO, "out of memory");
		rc = from_log(r, path, true);
		if (!rc)
			rc = set_source(r, "boot log ", path, "");
		free(path);
		return rc;
	}
	return from_list(r, pm);
}

static int append(char **s, const char *word, const char *value)
{
	size_t n = (*s ? strlen(*s) + 1 : 0) + strlen(word) + strlen(value) + 1;
	char *t = malloc(n);

	if (!t)
		return -1;
	snprintf(t, n, "%s%s%s%s", *s ? *s : "", *s ? " " : "", word, value);
	free(*s);
	*s = t;
	return 0;
}

/* A size as the kernel's memparse() reads it: 1536M, not 1.5G. */
static void kernel_size(char *buf, size_t n, uint64_t v)
{
	static const char units[] = "KMGTPE";
	int u = -1;

	while (u < 5 && v && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, n, "%llu", (unsigned long long)v);
	else
		snprintf(buf, n, "%llu%c", (unsigned long long)v, units[u]);
}

static int shorthand(struct resolve *r, const char *flag, const char *word, const char *value)
{
	struct origin o = { flag, NULL, NULL };
	char num[32];
	const char *why;
	uint64_t v;

	if (!value)
		return 0;
	if (size_parse(value, &v, &why) < 0)
		return bad_value(&o, r->d, value, why);
	kernel_size(num, sizeof(num), v);
	if (append(&r->out->cmdline, word, num))
		return diag_set(r->d, EXIT_IO, "out of memory");
	return 0;
}

static int resolve_cmdline(struct resolve *r)
{
	const struct machine_opts *m = r->m;
	const char *base = m->cmdline, *origin = "--cmdline";
	char where[600];

	if (!base && r->mp && r->mp->cmdline && !m->dmesg) {
		unsigned long line, col;

		ydoc_where(r->doc, "cmdline", &line, &col);
		snprintf(where, sizeof(where), "%s:%lu:%lu", ydoc_file(r->doc), line, col);
		base = r->mp->cmdline;
		origin = where;
	} else if (!base && r->log_cmdline) {
		base = r->log_cmdline;
		origin = "the boot log's command line";
	}
	if (base && !(r->out->cmdline = strdup(base)))
		return diag_set(r->d, EXIT_IO, "out of memory");
	if (shorthand(r, "--mem", "mem=", m->mem) || shorthand(r, "--vmalloc", "vmalloc=", m->vmalloc) ||
	    shorthand(r, "--highmem", "highmem=", m->highmem_size))
		return r->d->status;
	if (m->mem || m->vmalloc || m->highmem_size)
		origin = base ? origin : "--mem/--vmalloc/--highmem";
	return bootparam_parse(r->out->cmdline, origin, &r->out->in.boot, r->d);
}

static int resolve_cpus(struct resolve *r)
{
	struct origin fo = { "--cpus", NULL, NULL }, po = { NULL, r->doc, "cpus" };
	unsigned nr = r->out->in.k.nr_cpus;

	if (r->m->cpus) {
		if (parse_count(&fo, r->m->cpus, 64, &r->out->in.cpus, r->d))
			return r->d->status;
	} else if (r->mp && r->mp->cpus) {
		if (parse_count(&po, r->mp->cpus, 64, &r->out->in.cpus, r->d))
			return r->d->status;
	}
	if (r->out->in.cpus > nr) {
		if (r->m->cpus)
			return diag_set(r->d, EXIT_USAGE, "--cpus %u: the kernel is built for at most "
					"NR_CPUS=%u (see 'hmplan %s --help')", r->out->in.cpus, nr,
					cli_command ? cli_command : "layout");
		return ydoc_error(r->doc, "cpus", r->d, "%u CPUs online, but the kernel is built for "
				  "at most NR_CPUS=%u", r->out->in.cpus, nr);
	}
	return 0;
}

static int resolve_costs(struct resolve *r)
{
	const struct mp_costs *c = r->mp ? r->mp->costs : NULL;
	struct machine *mc = r->out;

	if (!c)
		return 0;
#define COST_TAKE(name) \
	if (c->name) { \
		char *end; \
		unsigned long long v = strtoull(c->name, &end, 10); \
		if (!c->name[0] || *end || c->name[0] == '-' || v > 1000000000ULL) \
			return ydoc_error(r->doc, "costs." #name, r->d, "'%s': expected a number " \
					  "of cycles (0 to 1000000000)", c->name); \
		mc->costs[mc->ncosts].key = #name; \
		mc->costs[mc->ncosts++].cycles = v; \
	}
	COST_KEYS(COST_TAKE)
#undef COST_TAKE
	return 0;
}

int machine_layout(const struct machine_opts *m, struct machine *out, struct layout **lo,
		   struct diag *d)
{
	int rc = machine_resolve(m, out, d);

	*lo = NULL;
	if (rc)
		return rc;
	*lo = malloc(sizeof(**lo));
	if (!*lo) {
		machine_free(out);
		return diag_set(d, EXIT_IO, "out of memory");
	}
	layout_compute(&out->in, *lo);
	return 0;
}

int machine_resolve(const struct machine_opts *m, struct machine *out, struct diag *d)
{
	struct resolve r = { .m = m, .out = out, .d = d };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	d->status = 0;
	if (m->profile) {
		char *path;
		int found = profile_find(m->profile, "machines", &path);

		if (found < 0)
			return diag_set(d, EXIT_IO, "out of memory");
		if (found > 0)
			return diag_set(d, EXIT_USAGE, "-p '%s': no such profile file or bundled "
					"profile (see 'hmplan profiles')", m->profile);
		r.profile_path = path;
		rc = profile_load_machine(path, &r.mp, &r.doc, d);
		if (!rc) {
			out->name = strdup(r.mp->name);
			out->description = r.mp->description ? strdup(r.mp->description) : NULL;
			if (!out->name || (r.mp->description && !out->description))
				rc = diag_set(d, EXIT_IO, "out of memory");
		}
	}
	if (!rc)
		rc = resolve_kernel(&r);
	if (!rc)
		rc = resolve_memory(&r);
	if (!rc && out->in.firmware.nr < 2)
		rc = diag_set(d, EXIT_DATA, "%s: the firmware map has fewer than 2 ranges; the kernel "
			      "ignores such a map and falls back to BIOS-e801 sizes",
			      out->source ? out->source : "memory");
	if (!rc)
		rc = resolve_cmdline(&r);
	if (!rc)
		rc = resolve_cpus(&r);
	if (!rc)
		rc = resolve_costs(&r);
	free(r.log_cmdline);
	if (r.mp)
		profile_free_machine(r.mp);
	ydoc_free(r.doc);
	free(r.profile_path);
	if (rc)
		machine_free(out);
	return rc;
}
