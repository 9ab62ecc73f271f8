/* hmplan profiles: list the bundled machine and workload profiles. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "profile.h"
#include "jsonutil.h"
#include "report.h"

void help_profiles(FILE *fp)
{
	fprintf(fp, "Usage: hmplan profiles [--json]\n\n"
		"List the bundled machine profiles (for -p NAME) and workload profiles (for\n"
		"-w NAME) with their descriptions.\n\n"
		"      --json   print the list as JSON\n"
		"  -h, --help   show this help\n\n"
		"Profiles are read from %s\n"
		"(set HMPLAN_PROFILE_DIR to use another directory).\n", profile_dir());
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether read_file() failed for want of memory (its message ends with ENOMEM's). */
static bool out_of_memory(const struct diag *d)
{
	const char *m = strerror(ENOMEM);
	size_t n = strlen(d->text), k = strlen(m);

	return d->status == EXIT_IO && n >= k && strcmp(d->text + n - k, m) == 0;
}

/* The "description" of a profile, "(unreadable)"/"(invalid)", or NULL: no memory. */
static char *describe(const char *path)
{
	struct diag d = { 0 };
	struct ydoc *doc;
	char *text, *out;
	const char *v;
	size_t len;

	if (read_file(path, &text, &len, &d))
		return out_of_memory(&d) ? NULL : strdup("(unreadable)");
	doc = ydoc_parse(text, len, path, &d);
	free(text);
	if (!doc)
		return d.status == EXIT_IO ? NULL : strdup("(invalid)");
	v = ydoc_scalar(doc, "description");
	out = strdup(v ? v : "");
	ydoc_free(doc);
	return out;
}

static int list(const char *kind, json_t *json, FILE *fp, bool *ok)
{
	char dirpath[4096];
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i;
	DIR *dir;

	snprintf(dirpath, sizeof(dirpath), "%s/%s", profile_dir(), kind);
	dir = opendir(dirpath);
	if (!dir && errno != ENOENT)
		return cli_error(EXIT_IO, "%s: %s", dirpath, strerror(errno));
	if (!dir) {
		if (!json)
			fprintf(fp, "%s profiles: none (%s does not exist)\n",
				strcmp(kind, "machines") == 0 ? "Machine" : "Workload", dirpath);
		return 0;
	}
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		char **grown;

		if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown || !(grown[n] = strndup(e->d_name, len - 5))) {
			names = grown ? grown : names;
			while (n)
				free(names[--n]);
			free(names);
			closedir(dir);
			return cli_error(EXIT_IO, "out of memory");
		}
		names = grown;
		n++;
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), by_name);
	if (!json)
		fprintf(fp, "%s profiles (%s):\n", strcmp(kind, "machines") == 0 ? "Machine"
			: "Workload", dirpath);
	for (i = 0; i < n; i++) {
		char path[4200];
		char *desc;

		snprintf(path, sizeof(path), "%s/%s.yaml", dirpath, names[i]);
		desc = describe(path);
		if (!desc && *ok)
			*ok = false;
		if (json)
			jpush(json, json_pack("{s:s, s:s, s:s}", "name", names[i], "path", path,
					      "description", desc ? desc : ""), ok);
		else
			fprintf(fp, "  %-26s %s\n", names[i], desc ? desc : "");
		free(desc);
		free(names[i]);
	}
	free(names);
	return 0;
}

int cmd_profiles(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *machines = NULL, *workloads = NULL;
	bool json = false, ok = true;
	int opt, rc;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (opt == 'j')
			json = true;
		else if (opt == 'h')
			return help_profiles(stdout), EXIT_OK;
		else
			return cli_usage("unknown option '%s'", argv[optind - 1]);
	}
	if (optind < argc)
		return cli_usage("unexpected argument '%s'", argv[optind]);
	if (json) {
		machines = json_array();
		workloads = json_array();
	}
	rc = list("machines", machines, stdout, &ok);
	if (!rc && !json)
		putchar('\n');
	if (!rc)
		rc = list("workloads", workloads, stdout, &ok);
	if (!rc && !json && !ok)
		rc = cli_error(EXIT_IO, "out of memory");
	if (!rc && json) {
		json_t *root = ok ? json_pack("{s:o, s:o}", "machines", machines, "workloads", workloads)
			: NULL;

		if (!root || json_print(stdout, root, JSON_INDENT(2)) < 0)
			rc = cli_error(EXIT_IO, root ? "stdout: write error" : "out of memory");
		json_decref(root);
		if (!ok) {
			json_decref(machines);
			json_decref(workloads);
		}
	} else if (json) {
		json_decref(machines);
		json_decref(workloads);
	}
	return rc;
}
