/*
 * A YAML document as a small tree with line:column marks, read with libyaml,
 * and validated against a libcyaml schema before libcyaml loads it, so that
 * every problem is reported as FILE:LINE:COL.
 */
#ifndef HMPLAN_YDOC_H
#define HMPLAN_YDOC_H

#include <cyaml/cyaml.h>

#include "cli.h"

struct ydoc;

/* Parse text (the whole file).  NULL with d set on a syntax error. */
struct ydoc *ydoc_parse(const char *text, size_t len, const char *file, struct diag *d);
void ydoc_free(struct ydoc *doc);
const char *ydoc_file(const struct ydoc *doc);

/* Check the document against a libcyaml schema: keys, types, enums, counts. */
int ydoc_validate(const struct ydoc *doc, const cyaml_schema_value_t *schema, struct diag *d);

/*
 * Position of the value at a path like "memory.e820.3.start" (keys and
 * sequence indexes separated by dots).  Falls back to the nearest ancestor
 * that exists; line and column are 1-based.
 */
void ydoc_where(const struct ydoc *doc, const char *path, unsigned long *line, unsigned long *col);
/* Report a problem with the value at path. */
int ydoc_error(const struct ydoc *doc, const char *path, struct diag *d, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The scalar at path, or NULL when there is none. */
const char *ydoc_scalar(const struct ydoc *doc, const char *path);
/* Does the top-level mapping have this key? */
int ydoc_has_key(const struct ydoc *doc, const char *key);

#endif
