/*
 * Building a JSON report that fails as a whole: every insertion goes through
 * these, and one NULL (out of memory) or failed insertion clears *ok, so a
 * report is never printed with pieces silently missing.
 */
#ifndef HMPLAN_JSONUTIL_H
#define HMPLAN_JSONUTIL_H

#include <jansson.h>
#include <stdbool.h>

static inline void jpush(json_t *array, json_t *v, bool *ok)
{
	if (!v || json_array_append_new(array, v) != 0)
		*ok = false;
}

static inline void jset(json_t *object, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(object, key, v) != 0)
		*ok = false;
}

/* The tree if everything went in, else NULL (and the tree freed). */
static inline json_t *jdone(json_t *root, bool ok)
{
	if (ok && root)
		return root;
	json_decref(root);
	return NULL;
}

#endif
