/*
 * 'hmplan check' on a trace: it is replayed and its results compared with
 * the expectations in its "#=" lines, the way t/check-replay.py compares them.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "replay.h"

/* Merge every "#=" line (column 1) of the trace into one object. */
static int read_expectations(const char *path, json_t **out, unsigned *nlines)
{
	FILE *fp = fopen(path, "r");
	json_t *exp = json_object();
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int rc = EXIT_OK;

	*out = NULL;
	*nlines = 0;
	if (!fp) {
		json_decref(exp);
		return cli_error(EXIT_IO, "%s: %s", path, strerror(errno));
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		json_error_t jerr;
		json_t *o;

		lineno++;
		if (n < 2 || line[0] != '#' || line[1] != '=')
			continue;
		o = json_loadb(line + 2, (size_t)n - 2, JSON_REJECT_DUPLICATES, &jerr);
		if (!o || !json_is_object(o)) {
			rc = cli_error(EXIT_DATA, "%s:%lu:%d: '#=' expectation: %s", path, lineno,
				       o ? 3 : jerr.position + 2, o ? "not a JSON object" : jerr.text);
			json_decref(o);
			break;
		}
		json_object_update(exp, o);
		json_decref(o);
		(*nlines)++;
	}
	if (!rc && ferror(fp))
		rc = cli_error(EXIT_IO, "%s: %s", path, strerror(errno));
	free(line);
	fclose(fp);
	if (rc)
		json_decref(exp);
	else
		*out = exp;
	return rc;
}

struct compare {
	const char *path;
	unsigned ndiff;
};

static void differs(struct compare *c, const char *what, json_t *want, json_t *got)
{
	char *w = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
	char *g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	printf("%s: differs: %s: expected %s, replay %s\n", c->path, what, w ? w : "?",
	       g ? g : "(nothing)");
	free(w);
	free(g);
	c->ndiff++;
}

static void compare_counters(struct compare *c, json_t *exp, json_t *counters)
{
	static const char *const groups[] = { "pkmap", "local", "atomic", "vmap" };
	size_t g;

	for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		json_t *want = json_object_get(exp, groups[g]), *v;
		const char *key;

		json_object_foreach(want, key, v) {
			json_t *got = json_object_get(json_object_get(counters, groups[g]), key);
			char what[128];

			if (!got || !json_equal(got, v)) {
				snprintf(what, sizeof(what), "counters.%s.%s", groups[g], key);
				differs(c, what, v, got);
			}
		}
	}
}

/* Errors compare on (line, task, kind), in order; details are free text. */
static json_t *error_keys(json_t *errors)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(errors, i, e)
		json_array_append_new(out, json_pack("[O?, O?, O?]", json_object_get(e, "line"),
						     json_object_get(e, "task"),
						     json_object_get(e, "kind")));
	return out;
}

static int cmp_json(const void *a, const void *b)
{
	char *x = json_dumps(*(json_t *const *)a, JSON_COMPACT | JSON_ENCODE_ANY);
	char *y = json_dumps(*(json_t *const *)b, JSON_COMPACT | JSON_ENCODE_ANY);
	int r = strcmp(x ? x : "", y ? y : "");

	free(x);
	free(y);
	return r;
}

/* A copy of an array, sorted (deadlock tasks and held pages compare as sets with repeats). */
static json_t *sorted(json_t *a)
{
	size_t n = json_array_size(a), i;
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();

	for (i = 0; i < n && v; i++)
		v[i] = json_array_get(a, i);
	if (v)
		qsort(v, n, sizeof(*v), cmp_json);
	for (i = 0; i < n && v; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

static void compare_deadlock(struct compare *c, json_t *want, json_t *got)
{
	json_t *wh, *gh, *x, *y, *v;
	const char *key;

	if (json_is_null(want) != json_is_null(got)) {
		differs(c, "deadlock", want, got);
		return;
	}
	if (json_is_null(want))
		return;
	x = sorted(json_object_get(want, "tasks"));
	y = sorted(json_object_get(got, "tasks"));
	if (!json_equal(x, y))
		differs(c, "deadlock.tasks", json_object_get(want, "tasks"), json_object_get(got, "tasks"));
	json_decref(x);
	json_decref(y);
	wh = json_object();
	gh = json_object();
	json_object_foreach(json_object_get(want, "held"), key, v)
		json_object_set_new(wh, key, sorted(v));
	json_object_foreach(json_object_get(got, "held"), key, v)
		json_object_set_new(gh, key, sorted(v));
	if (!json_equal(wh, gh))
		differs(c, "deadlock.held", json_object_get(want, "held"), json_object_get(got, "held"));
	json_decref(wh);
	json_decref(gh);
}

static void compare(struct compare *c, json_t *exp, json_t *got)
{
	json_t *v;

	compare_counters(c, exp, json_object_get(got, "counters"));
	if ((v = json_object_get(exp, "events")) && !json_equal(v, json_object_get(got, "events")))
		differs(c, "events", v, json_object_get(got, "events"));
	if ((v = json_object_get(exp, "errors"))) {
		json_t *w = error_keys(v), *g = error_keys(json_object_get(got, "errors"));

		if (!json_equal(w, g))
			differs(c, "errors (line, task, kind)", w, g);
		json_decref(w);
		json_decref(g);
	}
	if ((v = json_object_get(exp, "deadlock")))
		compare_deadlock(c, v, json_object_get(got, "deadlock"));
}

static int unknown_keys(const char *path, json_t *exp)
{
	static const char *const known[] = {
		"pkmap", "local", "atomic", "vmap", "errors", "deadlock", "events",
	};
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(exp, key, v) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0]))
			return cli_error(EXIT_DATA, "%s:1:1: '#=' expectation key '%s' is none of pkmap, "
					 "local, atomic, vmap, errors, deadlock, events", path, key);
	}
	return EXIT_OK;
}

int check_trace_file(const char *path, bool quiet)
{
	struct replay_setup setup;
	struct replay_result res;
	struct compare c = { path, 0 };
	struct diag d = { 0 };
	json_t *exp, *got;
	unsigned nexp;
	int rc;

	rc = read_expectations(path, &exp, &nexp);
	if (!rc)
		rc = unknown_keys(path, exp);
	if (rc) {
		json_decref(exp);
		return rc;
	}
	replay_setup_init(&setup);
	rc = replay_run(path, &setup, &res, &d);
	if (rc) {
		json_decref(exp);
		return cli_report(&d);
	}
	got = replay_json(&res);
	if (got)
		compare(&c, exp, got);
	if (!c.ndiff && !quiet)
		printf("%s: ok: trace, %" PRIu64 " events%s\n", path, res.events,
		       nexp ? ", results match its #= lines" : ", no #= lines to compare");
	json_decref(got);
	json_decref(exp);
	replay_result_free(&res);
	if (!got)
		return cli_error(EXIT_IO, "out of memory");
	return c.ndiff ? EXIT_FAIL_ON : EXIT_OK;
}

