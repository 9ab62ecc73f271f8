#include "config.h"

#include "profile.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PROFILE_BYTES (1 << 20)

/* ---- the machine profile schema (hmplan-profile(5)) ---- */

#define STR(key, structure, member, max) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL, \
			       structure, member, 1, max)

static const cyaml_schema_field_t e820_fields[] = {
	CYAML_FIELD_STRING_PTR("start", CYAML_FLAG_POINTER, struct mp_e820, start, 1, 40),
	CYAML_FIELD_STRING_PTR("end", CYAML_FLAG_POINTER, struct mp_e820, end, 1, 40),
	CYAML_FIELD_STRING_PTR("type", CYAML_FLAG_POINTER, struct mp_e820, type, 1, 40),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t e820_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct mp_e820, e820_fields),
};

static const cyaml_schema_field_t kernel_fields[] = {
	STR("model", struct mp_kernel, model, 16),
	STR("split", struct mp_kernel, split, 32),
	STR("page_offset", struct mp_kernel, page_offset, 32),
	STR("highmem", struct mp_kernel, highmem, 16),
	STR("nr_cpus", struct mp_kernel, nr_cpus, 16),
	STR("config", struct mp_kernel, config, 4096),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t memory_fields[] = {
	STR("ram", struct mp_memory, ram, 40),
	STR("board", struct mp_memory, board, 16),
	STR("dmesg", struct mp_memory, dmesg, 4096),
	CYAML_FIELD_SEQUENCE("e820", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
			     struct mp_memory, e820, &e820_entry, 1, 128),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t cost_fields[] = {
#define COST_SCHEMA(name) STR(#name, struct mp_costs, name, 24),
	COST_KEYS(COST_SCHEMA)
#undef COST_SCHEMA
	CYAML_FIELD_END
};

static const cyaml_schema_field_t machine_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct machine_profile, name, 1, 128),
	STR("description", struct machine_profile, description, 1024),
	CYAML_FIELD_MAPPING_PTR("kernel", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct machine_profile, kernel, kernel_fields),
	STR("cmdline", struct machine_profile, cmdline, 2048),
	STR("cpus", struct machine_profile, cpus, 16),
	CYAML_FIELD_MAPPING_PTR("memory", CYAML_FLAG_POINTER, struct machine_profile, memory,
				memory_fields),
	CYAML_FIELD_MAPPING_PTR("costs", CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL,
				struct machine_profile, costs, cost_fields),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t machine_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct machine_profile, machine_fields),
};

/* ---- the workload profile schema ---- */

static const cyaml_schema_field_t mix_fields[] = {
	CYAML_FIELD_STRING_PTR("kind", CYAML_FLAG_POINTER, struct wp_mix, kind, 1, 32),
	STR("weight", struct wp_mix, weight, 24),
	STR("hold", struct wp_mix, hold, 24),
	STR("nest", struct wp_mix, nest, 24),
	STR("pages", struct wp_mix, pages, 48),
	STR("lifetime", struct wp_mix, lifetime, 24),
	STR("dma_limit", struct wp_mix, dma_limit, 40),
	STR("in_flight", struct wp_mix, in_flight, 24),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t mix_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct wp_mix, mix_fields),
};

static const cyaml_schema_field_t pages_fields[] = {
	STR("working_set", struct wp_pages, working_set, 40),
	STR("placement", struct wp_pages, placement, 24),
	STR("pattern", struct wp_pages, pattern, 24),
	STR("zipf_s", struct wp_pages, zipf_s, 24),
	CYAML_FIELD_END
};

static const cyaml_schema_field_t workload_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct workload_profile, name, 1, 128),
	STR("description", struct workload_profile, description, 1024),
	STR("tasks", struct workload_profile, tasks, 24),
	STR("ops", struct workload_profile, ops, 24),
	CYAML_FIELD_MAPPING_PTR("pages", CYAML_FLAG_POINTER, struct workload_profile, pages,
				pages_fields),
	CYAML_FIELD_SEQUENCE("mix", CYAML_FLAG_POINTER, struct workload_profile, mix, &mix_entry,
			     1, 16),
	CYAML_FIELD_END
};

static const cyaml_schema_value_t workload_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct workload_profile, workload_fields),
};

/* libcyaml's own messages only matter if it disagrees with the pre-check. */
static void quiet_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	(void)level;
	(void)ctx;
	(void)fmt;
	(void)args;
}

static const cyaml_config_t cyaml_cfg = {
	.log_fn = quiet_log,
	.mem_fn = cyaml_mem,
	.log_level = CYAML_LOG_ERROR,
	.flags = CYAML_CFG_DEFAULT,
};

/* Read, syntax-check and schema-check a profile, then let libcyaml load it. */
static int load(const char *path, const cyaml_schema_value_t *schema, void **out,
		struct ydoc **docp, struct diag *d)
{
	struct ydoc *doc;
	char *text;
	size_t len;
	cyaml_err_t err;
	int rc = read_file(path, &text, &len, d);

	*out = NULL;
	*docp = NULL;
	if (rc)
		return rc;
	if (len > MAX_PROFILE_BYTES) {
		free(text);
		return diag_at(d, path, 1, 1, "file larger than 1 MiB: not a profile");
	}
	doc = ydoc_parse(text, len, path, d);
	if (!doc || ydoc_validate(doc, schema, d)) {
		free(text);
		ydoc_free(doc);
		return d->status;
	}
	err = cyaml_load_data((const uint8_t *)text, len, &cyaml_cfg, schema, out, NULL);
	free(text);
	if (err != CYAML_OK) {
		ydoc_free(doc);
		*out = NULL;
		/* the document passed the pre-check: libyaml failing now means no memory */
		return err == CYAML_ERR_OOM || err == CYAML_ERR_LIBYAML_PARSER_INIT ||
		       err == CYAML_ERR_LIBYAML_PARSER || err == CYAML_ERR_LIBYAML_EVENT_INIT
			? diag_set(d, EXIT_IO, "%s: out of memory", path)
			: diag_at(d, path, 1, 1, "cannot load: %s", cyaml_strerror(err));
	}
	*docp = doc;
	return 0;
}

static int check_machine(const struct machine_profile *mp, const struct ydoc *doc, struct diag *d)
{
	const struct mp_memory *m = mp->memory;
	int sources = (m->ram != NULL) + (m->e820 != NULL) + (m->dmesg != NULL);

	if (sources != 1)
		return ydoc_error(doc, "memory", d, "give exactly one of ram, e820 and dmesg");
	if (m->board && !m->ram)
		return ydoc_error(doc, "memory.board", d, "board only applies to ram");
	if (mp->kernel && mp->kernel->split && mp->kernel->page_offset)
		return ydoc_error(doc, "kernel.page_offset", d, "give split or page_offset, not both");
	return 0;
}

int profile_load_machine(const char *path, struct machine_profile **mp,
			 struct ydoc **doc, struct diag *d)
{
	int rc = load(path, &machine_schema, (void **)mp, doc, d);

	if (!rc && check_machine(*mp, *doc, d)) {
		profile_free_machine(*mp);
		ydoc_free(*doc);
		*mp = NULL;
		*doc = NULL;
		return d->status;
	}
	return rc;
}

int profile_load_workload(const char *path, struct workload_profile **wp,
			  struct ydoc **doc, struct diag *d)
{
	return load(path, &workload_schema, (void **)wp, doc, d);
}

void profile_free_workload(struct workload_profile *wp)
{
	if (wp)
		cyaml_free(&cyaml_cfg, &workload_schema, wp, 0);
}

void profile_free_machine(struct machine_profile *mp)
{
	if (mp)
		cyaml_free(&cyaml_cfg, &machine_schema, mp, 0);
}

enum profile_kind profile_sniff(const struct ydoc *doc)
{
	if (ydoc_has_key(doc, "mix"))
		return PROFILE_WORKLOAD;
	if (ydoc_has_key(doc, "memory"))
		return PROFILE_MACHINE;
	return PROFILE_UNKNOWN;
}

/* ---- finding bundled profiles ---- */

const char *profile_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	const char *env = getenv("HMPLAN_PROFILE_DIR");
	ssize_t n;

	if (env && *env)
		return env;
	if (dir[0])
		return dir;
	/* run from the build tree: use the source tree's profiles */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (strcmp(exe, BUILD_SRCDIR) == 0 ||
			    strcmp(exe, BUILD_SRCDIR "/.libs") == 0) {
				snprintf(dir, sizeof(dir), "%s/profiles", TOP_SRCDIR);
				return dir;
			}
		}
	}
	snprintf(dir, sizeof(dir), "%s/profiles", PKGDATADIR);
	return dir;
}

bool profile_is_path(const char *name)
{
	size_t n = strlen(name);

	return strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

int profile_find(const char *name, const char *kind, char **out)
{
	char *path;
	size_t n;

	*out = NULL;
	if (!*name)
		return 1;
	if (profile_is_path(name))
		return (*out = strdup(name)) ? 0 : -1;
	n = strlen(profile_dir()) + strlen(kind) + strlen(name) + 8;
	path = malloc(n);
	if (!path)
		return -1;
	snprintf(path, n, "%s/%s/%s.yaml", profile_dir(), kind, name);
	if (access(path, R_OK) == 0) {
		*out = path;
		return 0;
	}
	free(path);
	if (access(name, R_OK) != 0)	/* a file in the current directory? */
		return 1;
	return (*out = strdup(name)) ? 0 : -1;
}
