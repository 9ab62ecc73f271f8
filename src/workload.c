/* Workload profiles: YAML (profile.c) validated into struct workload. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "profile.h"
#include "size.h"
#include "workload.h"

static const char *kind_names[OP_NKINDS] = {
	"local_copy", "local_copy2", "atomic_copy", "atomic_copy2", "kmap_hold", "vmap_buffer",
	"bounce_io", "switch",
};

const char *op_kind_name(enum op_kind k)
{
	return kind_names[k];
}

static const char *placements[] = { "proportional", "highmem", "lowmem", "share" };
static const char *patterns[] = { "uniform", "sequential", "zipf" };

const char *placement_name(enum placement p)
{
	return placements[p];
}

const char *pattern_name(enum pattern p)
{
	return patterns[p];
}

struct ctx {
	const struct ydoc *doc;
	struct diag *d;
	char path[64];
};

static int count(struct ctx *c, const char *path, const char *s, uint64_t min, uint64_t max,
		 uint64_t *v)
{
	char *end;

	if (!s)
		return 0;
	if (s[0] < '0' || s[0] > '9')
		return ydoc_error(c->doc, path, c->d, "'%s': expected a whole number", s);
	*v = strtoull(s, &end, 10);
	if (*end)
		return ydoc_error(c->doc, path, c->d, "'%s': expected a whole number", s);
	if (*v < min || *v > max)
		return ydoc_error(c->doc, path, c->d, "'%s': out of range %llu..%llu", s,
				  (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static int fraction(struct ctx *c, const char *path, const char *s, double min, double max,
		    double *v)
{
	char *end;

	*v = strtod(s, &end);
	if (end == s || *end || !(*v >= min && *v <= max))
		return ydoc_error(c->doc, path, c->d, "'%s': expected a number from %g to %g", s,
				  min, max);
	return 0;
}

static int bytes(struct ctx *c, const char *path, const char *s, uint64_t *v)
{
	const char *why;

	if (size_parse(s, v, &why) < 0)
		return ydoc_error(c->doc, path, c->d, "'%s': %s", s, why);
	return 0;
}

/* A key given to a kind it does not apply to is a mistake worth saying. */
static int only(struct ctx *c, unsigned i, const char *key, const char *value, const char *kind)
{
	char path[64];

	if (!value)
		return 0;
	snprintf(path, sizeof(path), "mix.%u.%s", i, key);
	return ydoc_error(c->doc, path, c->d, "%s only applies to kind %s", key, kind);
}

static int pages_range(struct ctx *c, const char *path, const char *s, struct mix_entry *m)
{
	const char *dash = strchr(s, '-');
	uint64_t lo, hi;
	char *end;

	lo = strtoull(s, &end, 10);
	if (end == s || (dash ? end != dash : *end != '\0'))
		return ydoc_error(c->doc, path, c->d, "'%s': expected pages as N or MIN-MAX", s);
	hi = lo;
	if (dash) {
		hi = strtoull(dash + 1, &end, 10);
		if (end == dash + 1 || *end)
			return ydoc_error(c->doc, path, c->d, "'%s': expected pages as N or MIN-MAX", s);
	}
	if (lo < 1 || hi > 65536)
		return ydoc_error(c->doc, path, c->d, "'%s': pages must be from 1 to 65536", s);
	if (hi < lo)
		return ydoc_error(c->doc, path, c->d, "'%s': the range goes down (MIN-MAX)", s);
	m->pages_min = (uint32_t)lo;
	m->pages_max = (uint32_t)hi;
	return 0;
}

static int mix_entry(struct ctx *c, unsigned i, const struct wp_mix *in, struct mix_entry *m)
{
	char path[64];
	uint64_t v;
	int k;

	for (k = 0; k < OP_NKINDS; k++)
		if (strcmp(in->kind, kind_names[k]) == 0)
			break;
	snprintf(path, sizeof(path), "mix.%u.kind", i);
	if (k == OP_NKINDS)
		return ydoc_error(c->doc, path, c->d, "'%s': unknown kind (use local_copy, local_copy2, "
				  "atomic_copy, atomic_copy2, kmap_hold, vmap_buffer, bounce_io, "
				  "switch)", in->kind);
	memset(m, 0, sizeof(*m));
	m->kind = (enum op_kind)k;
	m->weight = 1;
	snprintf(path, sizeof(path), "mix.%u.weight", i);
	if (count(c, path, in->weight, 0, 1000000, &m->weight))
		return -1;
	if (m->kind != OP_KMAP_HOLD &&
	    (only(c, i, "hold", in->hold, "kmap_hold") || only(c, i, "nest", in->nest, "kmap_hold")))
		return -1;
	if (m->kind != OP_VMAP_BUFFER && (only(c, i, "pages", in->pages, "vmap_buffer") ||
					  only(c, i, "lifetime", in->lifetime, "vmap_buffer")))
		return -1;
	if (m->kind != OP_BOUNCE_IO && (only(c, i, "dma_limit", in->dma_limit, "bounce_io") ||
					only(c, i, "in_flight", in->in_flight, "bounce_io")))
		return -1;
	m->hold = 100;
	m->nest = 1;
	m->pages_min = m->pages_max = 16;
	m->lifetime = 1000;
	m->dma_limit = UINT64_C(4) << 30;
	m->in_flight = 32;
	snprintf(path, sizeof(path), "mix.%u.hold", i);
	if (count(c, path, in->hold, 0, UINT32_MAX, &v))
		return -1;
	m->hold = in->hold ? (uint32_t)v : m->hold;
	snprintf(path, sizeof(path), "mix.%u.nest", i);
	if (count(c, path, in->nest, 1, WORKLOAD_MAX_NEST, &v))
		return -1;
	m->nest = in->nest ? (uint32_t)v : m->nest;
	snprintf(path, sizeof(path), "mix.%u.pages", i);
	if (in->pages && pages_range(c, path, in->pages, m))
		return -1;
	snprintf(path, sizeof(path), "mix.%u.lifetime", i);
	if (count(c, path, in->lifetime, 1, UINT32_MAX, &v))
		return -1;
	m->lifetime = in->lifetime ? v : m->lifetime;
	snprintf(path, sizeof(path), "mix.%u.dma_limit", i);
	if (in->dma_limit && bytes(c, path, in->dma_limit, &m->dma_limit))
		return -1;
	if (in->dma_limit && m->dma_limit < (16u << 20))
		return ydoc_error(c->doc, path, c->d, "'%s': a device reaches at least the first "
				  "16 MiB (ZONE_DMA)", in->dma_limit);
	snprintf(path, sizeof(path), "mix.%u.in_flight", i);
	if (count(c, path, in->in_flight, 1, 1000000, &v))
		return -1;
	m->in_flight = in->in_flight ? (uint32_t)v : m->in_flight;
	return 0;
}

static int pages(struct ctx *c, const struct wp_pages *p, struct workload *w)
{
	unsigned i;

	w->working_set = 64 * MiB;
	w->placement = PLACE_PROPORTIONAL;
	w->pattern = PATTERN_UNIFORM;
	w->zipf_s = 1.0;
	if (p->working_set && (strcmp(p->working_set, "all") == 0 ||
			       p->working_set[strlen(p->working_set) - 1] == '%')) {
		char *end;

		w->ws_share = strcmp(p->working_set, "all") == 0 ? 1.0
			: strtod(p->working_set, &end) / 100;
		if (w->ws_share != 1.0 && (end == p->working_set || *end != '%' ||
					   !(w->ws_share > 0 && w->ws_share <= 1)))
			return ydoc_error(c->doc, "pages.working_set", c->d, "'%s': a share of RAM is "
					  "a percentage above 0 up to 100%%, or all", p->working_set);
		w->working_set = 0;
	} else if (p->working_set && bytes(c, "pages.working_set", p->working_set, &w->working_set)) {
		return -1;
	}
	if (!w->ws_share && w->working_set < 4096)
		return ydoc_error(c->doc, "pages.working_set", c->d, "'%s': at least one page (4 KiB)",
				  p->working_set);
	ydoc_where(c->doc, p->working_set ? "pages.working_set" : "pages", &w->ws_line, &w->ws_col);
	if (p->placement) {
		char *end;

		/* "share" is not a name to type: a number is */
		for (i = 0; i < PLACE_SHARE && strcmp(p->placement, placements[i]) != 0; i++)
			;
		w->placement = (enum placement)i;
		w->share = i < PLACE_SHARE ? 0 : strtod(p->placement, &end);
		if (i == PLACE_SHARE && (end == p->placement || *end || !(w->share >= 0 && w->share <= 1)))
			return ydoc_error(c->doc, "pages.placement", c->d, "'%s': use proportional, "
					  "highmem, lowmem or a highmem share from 0.0 to 1.0",
					  p->placement);
	}
	if (p->pattern) {
		for (i = 0; i < 3; i++)
			if (strcmp(p->pattern, patterns[i]) == 0)
				break;
		if (i == 3)
			return ydoc_error(c->doc, "pages.pattern", c->d, "'%s': use uniform, sequential "
					  "or zipf", p->pattern);
		w->pattern = (enum pattern)i;
	}
	if (p->zipf_s && w->pattern != PATTERN_ZIPF)
		return ydoc_error(c->doc, "pages.zipf_s", c->d, "zipf_s only applies to pattern zipf");
	if (p->zipf_s && fraction(c, "pages.zipf_s", p->zipf_s, 0.01, 10, &w->zipf_s))
		return -1;
	return 0;
}

static int validate(struct ctx *c, const struct workload_profile *p, struct workload *w)
{
	uint64_t v, total = 0;
	unsigned i;

	w->name = strdup(p->name);
	w->description = p->description ? strdup(p->description) : NULL;
	if (!w->name || (p->description && !w->description))
		return diag_set(c->d, EXIT_IO, "out of memory");
	if (count(c, "tasks", p->tasks, 1, 4096, &v))
		return -1;
	w->tasks = p->tasks ? (uint32_t)v : 0;
	w->ops = WORKLOAD_DEFAULT_OPS;
	if (count(c, "ops", p->ops, 1, UINT64_C(1) << 40, &w->ops))
		return -1;
	if (pages(c, p->pages, w))
		return -1;
	w->nmix = p->mix_count;
	for (i = 0; i < p->mix_count; i++) {
		if (mix_entry(c, i, &p->mix[i], &w->mix[i]))
			return -1;
		total += w->mix[i].weight;
	}
	if (total == 0)
		return ydoc_error(c->doc, "mix", c->d, "the weights add up to 0: nothing to do");
	return 0;
}

int workload_load(const char *name, struct workload *w, struct diag *d)
{
	struct workload_profile *p = NULL;
	struct ydoc *doc = NULL;
	char *path;
	int rc = profile_find(name, "workloads", &path);

	memset(w, 0, sizeof(*w));
	if (rc < 0)
		return diag_set(d, EXIT_IO, "out of memory");
	if (rc > 0)
		return diag_set(d, EXIT_USAGE, "-w '%s': no such workload file or bundled workload "
				"(see 'hmplan profiles')", name);
	rc = profile_load_workload(path, &p, &doc, d);
	if (!rc) {
		struct ctx c = { .doc = doc, .d = d };

		rc = validate(&c, p, w) ? d->status : 0;
	}
	profile_free_workload(p);
	ydoc_free(doc);
	if (rc) {
		free(path);
		workload_free(w);
		return rc;
	}
	w->path = path;
	return 0;
}

void workload_free(struct workload *w)
{
	free(w->name);
	free(w->description);
	free(w->path);
	memset(w, 0, sizeof(*w));
}

/* hmplan check on a workload profile: PATH loaded, SHOWN printed. */
int check_workload_file(const char *path, const char *shown, bool quiet)
{
	struct workload w;
	struct diag d = { 0 };

	if (workload_load(path, &w, &d))
		return cli_report(&d);
	if (!quiet)
		printf("%s: ok: workload profile '%s', %u operation kinds\n", shown, w.name, w.nmix);
	workload_free(&w);
	return EXIT_OK;
}
