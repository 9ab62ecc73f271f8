#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "failon.h"

enum cond_kind { COND_DEADLOCK, COND_ERRORS, COND_KIND, COND_COMPARE };
enum cmp { CMP_GT, CMP_GE, CMP_LT, CMP_LE, CMP_EQ, CMP_NE };

struct cond {
	enum cond_kind kind;
	char key[96];		/* COND_KIND: the error kind; COND_COMPARE: the path */
	enum cmp op;
	double value;
};

struct failon {
	struct cond c[32];
	unsigned n;
};

static const char *ops[] = { ">=", "<=", "==", "!=", ">", "<" };
static const enum cmp op_codes[] = { CMP_GE, CMP_LE, CMP_EQ, CMP_NE, CMP_GT, CMP_LT };

static int bad(struct diag *d, const char *part, const char *why)
{
	return diag_set(d, EXIT_USAGE, "--fail-on '%s': %s (see 'hmplan %s --help')", part, why,
			cli_command ? cli_command : "stress");
}

static int parse_one(char *part, struct cond *c, struct diag *d)
{
	size_t i;
	char *end;

	if (strcmp(part, "deadlock") == 0) {
		c->kind = COND_DEADLOCK;
		return 0;
	}
	if (strcmp(part, "errors") == 0) {
		c->kind = COND_ERRORS;
		return 0;
	}
	if (engine_error_kind(part, strlen(part)) >= 0) {
		c->kind = COND_KIND;
		snprintf(c->key, sizeof(c->key), "%s", part);
		return 0;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char *at = strstr(part, ops[i]), *key = part;
		size_t n;

		if (!at)
			continue;
		while (isspace((unsigned char)*key))
			key++;
		n = (size_t)(at - key);
		while (n && isspace((unsigned char)key[n - 1]))
			n--;
		if (n == 0 || n >= sizeof(c->key))
			return bad(d, part, "expected KEY OP NUMBER, e.g. pkmap.sleeps>0");
		memcpy(c->key, key, n);
		c->key[n] = '\0';
		c->value = strtod(at + strlen(ops[i]), &end);
		while (isspace((unsigned char)*end))
			end++;
		if (end == at + strlen(ops[i]) || *end)
			return bad(d, part, "expected a number after the comparison");
		c->kind = COND_COMPARE;
		c->op = op_codes[i];
		return 0;
	}
	return bad(d, part, "not deadlock, errors, an error kind or KEY OP NUMBER");
}

int failon_parse(const char *expr, struct failon **out, struct diag *d)
{
	struct failon *f = calloc(1, sizeof(*f));
	char *copy = strdup(expr), *save = NULL, *part;
	int rc = 0;

	*out = NULL;
	if (!f || !copy) {
		free(f);
		free(copy);
		return diag_set(d, EXIT_IO, "out of memory");
	}
	for (part = strtok_r(copy, ",", &save); part && !rc; part = strtok_r(NULL, ",", &save)) {
		if (f->n == sizeof(f->c) / sizeof(f->c[0]))
			rc = bad(d, expr, "more than 32 conditions");
		else
			rc = parse_one(part, &f->c[f->n++], d);
	}
	if (!rc && f->n == 0)
		rc = bad(d, expr, "no condition given");
	free(copy);
	if (rc) {
		free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* The value at a dotted path under root, or NULL. */
static json_t *walk(json_t *root, const char *path)
{
	char buf[96], *save = NULL, *part;
	json_t *v = root;

	snprintf(buf, sizeof(buf), "%s", path);
	for (part = strtok_r(buf, ".", &save); part && v; part = strtok_r(NULL, ".", &save))
		v = json_is_object(v) ? json_object_get(v, part) : NULL;
	return v;
}

/* The value at a dotted path, looked up under "counters" first, then at the top. */
static json_t *lookup(json_t *report, const char *key)
{
	json_t *roots[2] = { json_object_get(report, "counters"), report };
	int r;

	for (r = 0; r < 2; r++) {
		json_t *v = walk(roots[r], key);

		if (v && json_is_number(v))
			return v;
	}
	return NULL;
}

/* The object a mistyped key was reaching into: "pkmap" for pkmap.bogus, else NULL. */
static json_t *parent_of(json_t *report, const char *key, char *name, size_t size)
{
	json_t *roots[2] = { json_object_get(report, "counters"), report };
	const char *dot = strrchr(key, '.');
	int r;

	if (!dot || (size_t)(dot - key) >= size)
		return NULL;
	snprintf(name, size, "%.*s", (int)(dot - key), key);
	for (r = 0; r < 2; r++) {
		json_t *v = walk(roots[r], name);

		if (json_is_object(v))
			return v;
	}
	return NULL;
}

/* "try ...": the numbers beside a mistyped one, or a few this report has. */
static void hint(json_t *report, const char *key, char *buf, size_t size)
{
	static const char *const examples[] = {
		"pkmap.sleeps", "vmap.failures", "cost.mapping_overhead_pct",
		"latency.all.p99_cycles", "local.max_depth", "events",
	};
	char name[96];
	json_t *parent = parent_of(report, key, name, sizeof(name)), *v;
	const char *k;
	size_t n = 0, i;

	n += (size_t)snprintf(buf, size, "try");
	if (parent) {
		json_object_foreach(parent, k, v)
			if (json_is_number(v) && n < size)
				n += (size_t)snprintf(buf + n, size - n, "%s %s.%s", n > 3 ? "," : "",
						      name, k);
		if (n > 3)
			return;
	}
	for (i = 0; i < sizeof(examples) / sizeof(examples[0]) && n < size; i++)
		if (lookup(report, examples[i]))
			n += (size_t)snprintf(buf + n, size - n, "%s %s", n > 3 ? "," : "",
					      examples[i]);
}

int failon_check_keys(const struct failon *f, json_t *report, struct diag *d)
{
	char why[640], h[512];
	unsigned i;

	for (i = 0; i < f->n; i++) {
		if (f->c[i].kind != COND_COMPARE || lookup(report, f->c[i].key))
			continue;
		hint(report, f->c[i].key, h, sizeof(h));
		snprintf(why, sizeof(why), "no such number in the report (%s)", h);
		return bad(d, f->c[i].key, why);
	}
	return 0;
}

static bool compare(double a, enum cmp op, double b)
{
	switch (op) {
	case CMP_GT: return a > b;
	case CMP_GE: return a >= b;
	case CMP_LT: return a < b;
	case CMP_LE: return a <= b;
	case CMP_EQ: return a == b;
	default: return a != b;
	}
}

static bool holds(const struct cond *c, json_t *report)
{
	json_t *errors = json_object_get(report, "errors"), *v;
	size_t i;

	switch (c->kind) {
	case COND_DEADLOCK:
		v = json_object_get(report, "deadlock");
		return v && !json_is_null(v);
	case COND_ERRORS:
		return json_array_size(errors) > 0;
	case COND_KIND:
		json_array_foreach(errors, i, v) {
			const char *k = json_string_value(json_object_get(v, "kind"));

			if (k && strcmp(k, c->key) == 0)
				return true;
		}
		return false;
	default:
		v = lookup(report, c->key);
		return v && compare(json_number_value(v), c->op, c->value);
	}
}

bool failon_eval(const struct failon *f, json_t *report)
{
	unsigned i;

	for (i = 0; i < f->n; i++)
		if (holds(&f->c[i], report))
			return true;
	return false;
}

void failon_free(struct failon *f)
{
	free(f);
}
