#include "config.h"

#include "ydoc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define YDOC_MAX_DEPTH 32

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ykind kind;
	unsigned long line, col;
	char *value;		/* scalars */
	bool null;		/* a plain empty value, ~ or null */
	struct ynode **kids;	/* sequence items; mapping key, value, key, value... */
	size_t n, cap;
};

struct ydoc {
	char *file;
	struct ynode *root;
};

static void node_free(struct ynode *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->n; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->value);
	free(n);
}

void ydoc_free(struct ydoc *doc)
{
	if (!doc)
		return;
	node_free(doc->root);
	free(doc->file);
	free(doc);
}

const char *ydoc_file(const struct ydoc *doc)
{
	return doc->file;
}

static struct ynode *node_new(enum ykind kind, const yaml_mark_t *m)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->line = m->line + 1;
		n->col = m->column + 1;
	}
	return n;
}

static int add_kid(struct ynode *parent, struct ynode *kid)
{
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 8;
		struct ynode **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return -1;
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = kid;
	return 0;
}

static bool is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || strcmp(v, "~") == 0 || strcasecmp(v, "null") == 0);
}

struct builder {
	yaml_parser_t parser;
	struct ynode *stack[YDOC_MAX_DEPTH + 1];
	int depth;
	struct ydoc *doc;
	struct diag *d;
	bool seen_document;
};

static int at(struct builder *b, const yaml_mark_t *m, const char *msg)
{
	return diag_at(b->d, b->doc->file, m->line + 1, m->column + 1, "%s", msg);
}

/* Attach a finished node to its parent, or make it the root. */
static int attach(struct builder *b, struct ynode *n)
{
	if (b->depth == 0) {
		b->doc->root = n;
		return 0;
	}
	if (add_kid(b->stack[b->depth - 1], n) < 0) {
		node_free(n);
		return diag_set(b->d, EXIT_IO, "out of memory");
	}
	return 0;
}

static int event(struct builder *b, yaml_event_t *ev)
{
	struct ynode *n;
	const yaml_char_t *anchor = NULL;

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->seen_document)
			return at(b, &ev->start_mark, "more than one YAML document in the file");
		b->seen_document = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return at(b, &ev->start_mark, "YAML aliases (*name) are not supported here");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		n = b->stack[--b->depth];
		return attach(b, n);
	default:
		return 0;
	}
	if (anchor)
		return at(b, &ev->start_mark, "YAML anchors (&name) are not supported here");
	if (ev->type == YAML_SCALAR_EVENT) {
		n = node_new(Y_SCALAR, &ev->start_mark);
		if (!n || !(n->value = strndup((const char *)ev->data.scalar.value,
					       ev->data.scalar.length))) {
			node_free(n);
			return diag_set(b->d, EXIT_IO, "out of memory");
		}
		if (strlen(n->value) != ev->data.scalar.length) {
			node_free(n);
			return at(b, &ev->start_mark, "NUL character in a value");
		}
		n->null = is_null(ev);
		return attach(b, n);
	}
	if (b->depth >= YDOC_MAX_DEPTH)
		return at(b, &ev->start_mark, "YAML nested too deeply");
	n = node_new(ev->type == YAML_MAPPING_START_EVENT ? Y_MAP : Y_SEQ, &ev->start_mark);
	if (!n)
		return diag_set(b->d, EXIT_IO, "out of memory");
	b->stack[b->depth++] = n;
	return 0;
}

struct ydoc *ydoc_parse(const char *text, size_t len, const char *file, struct diag *d)
{
	struct builder b = { .d = d };
	bool done = false;
	int rc = 0;

	b.doc = calloc(1, sizeof(*b.doc));
	if (!b.doc || !(b.doc->file = strdup(file)) || !yaml_parser_initialize(&b.parser)) {
		ydoc_free(b.doc);
		diag_set(d, EXIT_IO, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
	while (!done && !rc) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&b.parser, &ev)) {
			const yaml_mark_t *m = &b.parser.problem_mark;

			if (b.parser.error == YAML_MEMORY_ERROR) {
				rc = diag_set(d, EXIT_IO, "%s: out of memory", file);
				break;
			}
			rc = diag_at(d, file, m->line + 1, m->column + 1, "YAML syntax error: %s%s%s",
				     b.parser.problem ? b.parser.problem : "cannot parse",
				     b.parser.context ? " " : "",
				     b.parser.context ? b.parser.context : "");
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		rc = event(&b, &ev);
		yaml_event_delete(&ev);
	}
	while (b.depth > 0)
		node_free(b.stack[--b.depth]);
	yaml_parser_delete(&b.parser);
	if (!rc && !b.doc->root)
		rc = diag_at(d, file, 1, 1, "empty YAML document");
	if (rc) {
		ydoc_free(b.doc);
		return NULL;
	}
	return b.doc;
}

/* ------------------------------------------------------------------ */
/* Validation against a libcyaml schema                               */

struct check {
	const struct ydoc *doc;
	struct diag *d;
};

static int nerr(struct check *c, const struct ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int nerr(struct check *c, const struct ynode *n, const char *fmt, ...)
{
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_at(c->d, c->doc->file, n->line, n->col, "%s", msg);
}

static const char *kind_name(enum ykind k)
{
	return k == Y_MAP ? "a mapping" : k == Y_SEQ ? "a list" : "a single value";
}

static void join_keys(const cyaml_schema_field_t *f, char *buf, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; f->key && used + 2 < n; f++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? ", " : "", f->key);
}

static int check_value(struct check *c, const struct ynode *n, const cyaml_schema_value_t *s,
		       const char *name);

static int check_mapping(struct check *c, const struct ynode *n, const cyaml_schema_value_t *s,
			 const char *name)
{
	const cyaml_schema_field_t *f;
	bool seen[64] = { false };
	char keys[400];
	size_t i;

	if (n->kind != Y_MAP)
		return nerr(c, n, "%s: expected a mapping (key: value), found %s", name,
			    kind_name(n->kind));
	for (i = 0; i + 1 < n->n; i += 2) {
		const struct ynode *key = n->kids[i];
		size_t idx;

		if (key->kind != Y_SCALAR)
			return nerr(c, key, "%s: keys must be plain words", name);
		for (f = s->mapping.fields, idx = 0; f->key; f++, idx++)
			if (strcmp(f->key, key->value) == 0)
				break;
		if (!f->key) {
			join_keys(s->mapping.fields, keys, sizeof(keys));
			return nerr(c, key, "unknown key '%s' in %s (known keys: %s)", key->value,
				    name, keys);
		}
		if (idx < 64 && seen[idx])
			return nerr(c, key, "duplicate key '%s' in %s", key->value, name);
		if (idx < 64)
			seen[idx] = true;
		if (check_value(c, n->kids[i + 1], &f->value, f->key))
			return -1;
	}
	for (f = s->mapping.fields, i = 0; f->key; f++, i++)
		if (!(f->value.flags & CYAML_FLAG_OPTIONAL) && i < 64 && !seen[i])
			return nerr(c, n, "%s: missing required key '%s'", name, f->key);
	return 0;
}

static int check_scalar(struct check *c, const struct ynode *n, const cyaml_schema_value_t *s,
			const char *name)
{
	uint32_t i;
	char *end;

	if (n->kind != Y_SCALAR)
		return nerr(c, n, "%s: expected a single value, found %s", name, kind_name(n->kind));
	switch (s->type) {
	case CYAML_STRING:
		if (strlen(n->value) < s->string.min)
			return nerr(c, n, "%s: value is empty", name);
		if (strlen(n->value) > s->string.max)
			return nerr(c, n, "%s: value longer than %u characters", name, s->string.max);
		return 0;
	case CYAML_ENUM:
		for (i = 0; i < s->enumeration.count; i++)
			if (strcmp(s->enumeration.strings[i].str, n->value) == 0)
				return 0;
		return nerr(c, n, "%s: '%s' is not a known value", name, n->value);
	case CYAML_INT:
		(void)strtoll(n->value, &end, 0);
		return *n->value && !*end ? 0 : nerr(c, n, "%s: '%s' is not an integer", name, n->value);
	case CYAML_UINT:
		(void)strtoull(n->value, &end, 0);
		return *n->value && *n->value != '-' && !*end ? 0
			: nerr(c, n, "%s: '%s' is not a non-negative integer", name, n->value);
	case CYAML_BOOL:
		return strcmp(n->value, "true") == 0 || strcmp(n->value, "false") == 0 ? 0
			: nerr(c, n, "%s: '%s' is not true or false", name, n->value);
	default:
		return 0;
	}
}

static int check_value(struct check *c, const struct ynode *n, const cyaml_schema_value_t *s,
		       const char *name)
{
	size_t i;

	if (s->type == CYAML_IGNORE)
		return 0;
	if (n->kind == Y_SCALAR && n->null)
		return nerr(c, n, "%s: missing value", name);
	switch (s->type) {
	case CYAML_MAPPING:
		return check_mapping(c, n, s, name);
	case CYAML_SEQUENCE:
	case CYAML_SEQUENCE_FIXED:
		if (n->kind != Y_SEQ)
			return nerr(c, n, "%s: expected a list, found %s", name, kind_name(n->kind));
		if (n->n < s->sequence.min)
			return nerr(c, n, "%s: needs at least %u entries", name, s->sequence.min);
		if (n->n > s->sequence.max)
			return nerr(c, n, "%s: at most %u entries", name, s->sequence.max);
		for (i = 0; i < n->n; i++)
			if (check_value(c, n->kids[i], s->sequence.entry, name))
				return -1;
		return 0;
	default:
		return check_scalar(c, n, s, name);
	}
}

int ydoc_validate(const struct ydoc *doc, const cyaml_schema_value_t *schema, struct diag *d)
{
	struct check c = { doc, d };

	return check_value(&c, doc->root, schema, "the file") ? d->status : 0;
}

/* ------------------------------------------------------------------ */

static const struct ynode *child(const struct ynode *n, const char *part, size_t len)
{
	size_t i;

	if (n->kind == Y_MAP) {
		for (i = 0; i + 1 < n->n; i += 2)
			if (strlen(n->kids[i]->value) == len && memcmp(n->kids[i]->value, part, len) == 0)
				return n->kids[i + 1];
	} else if (n->kind == Y_SEQ) {
		char buf[24];
		unsigned long idx;

		if (len == 0 || len >= sizeof(buf))
			return NULL;
		memcpy(buf, part, len);
		buf[len] = '\0';
		idx = strtoul(buf, NULL, 10);
		if (idx < n->n)
			return n->kids[idx];
	}
	return NULL;
}

/* The node at path, or its nearest existing ancestor (*exact false). */
static const struct ynode *lookup(const struct ydoc *doc, const char *path, bool *exact)
{
	const struct ynode *n = doc->root;

	*exact = true;
	while (path && *path && n) {
		const char *dot = strchr(path, '.');
		size_t len = dot ? (size_t)(dot - path) : strlen(path);
		const struct ynode *next = child(n, path, len);

		if (!next) {
			*exact = false;
			break;
		}
		n = next;
		path = dot ? dot + 1 : NULL;
	}
	return n;
}

void ydoc_where(const struct ydoc *doc, const char *path, unsigned long *line, unsigned long *col)
{
	bool exact;
	const struct ynode *n = lookup(doc, path, &exact);

	*line = n ? n->line : 1;
	*col = n ? n->col : 1;
}

const char *ydoc_scalar(const struct ydoc *doc, const char *path)
{
	bool exact;
	const struct ynode *n = lookup(doc, path, &exact);

	return exact && n && n->kind == Y_SCALAR ? n->value : NULL;
}

int ydoc_error(const struct ydoc *doc, const char *path, struct diag *d, const char *fmt, ...)
{
	unsigned long line, col;
	char msg[480];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ydoc_where(doc, path, &line, &col);
	return diag_at(d, doc->file, line, col, "%s: %s", path, msg);
}

int ydoc_has_key(const struct ydoc *doc, const char *key)
{
	return doc->root && doc->root->kind == Y_MAP && child(doc->root, key, strlen(key)) != NULL;
}
