/* RAM ranges for hmplan sweep: "A..B", "A..B:xF", "A..B:+S", "A,B,C", "A". */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "size.h"
#include "sweep.h"

#define MAX_VALUES 100000

static int push(uint64_t **list, size_t *n, size_t *cap, uint64_t v, const char **why)
{
	if (*n >= MAX_VALUES) {
		*why = "more than 100000 RAM sizes";
		return -1;
	}
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		uint64_t *l = realloc(*list, c * sizeof(*l));

		if (!l) {
			*why = "out of memory";
			return -2;
		}
		*list = l;
		*cap = c;
	}
	(*list)[(*n)++] = v;
	return 0;
}

/* One size from [s, end): copied so size_parse sees just it. */
static int one(const char *s, const char *end, uint64_t *v, const char **why)
{
	char buf[64];
	size_t len = (size_t)(end - s);

	if (len == 0 || len >= sizeof(buf)) {
		*why = "expected a size";
		return -1;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	return size_parse(buf, v, why);
}

static int range(const char *spec, const char *dots, uint64_t **list, size_t *n,
		 size_t *cap, const char **why)
{
	const char *colon = strchr(dots + 2, ':');
	const char *end = colon ? colon : dots + strlen(dots);
	uint64_t from, to, step = 0, factor = 2, v;

	if (one(spec, dots, &from, why) < 0 || one(dots + 2, end, &to, why) < 0)
		return -1;
	if (colon && colon[1] == 'x') {
		char *e;

		factor = strtoull(colon + 2, &e, 10);
		if (*e || colon[2] == '\0' || colon[2] == '-' || factor < 2 || factor > 1024) {
			*why = "the factor after :x must be a whole number from 2 to 1024";
			return -1;
		}
	} else if (colon && colon[1] == '+') {
		if (one(colon + 2, colon + strlen(colon), &step, why) < 0)
			return -1;
		if (step == 0) {
			*why = "the step after :+ must be larger than 0";
			return -1;
		}
	} else if (colon) {
		*why = "after the range use :xFACTOR or :+STEP";
		return -1;
	}
	if (from == 0 || to < from) {
		*why = "the range must go up from a size above 0";
		return -1;
	}
	for (v = from; v <= to;) {
		int rc = push(list, n, cap, v, why);

		if (rc < 0)
			return rc;
		if (step ? add_overflows(v, step, &v) : mul_overflows(v, factor, &v))
			break;
	}
	return 0;
}

int sweep_ram_list(const char *spec, uint64_t **list, size_t *n, const char **why)
{
	const char *dots = strstr(spec, "..");
	size_t cap = 0;
	int rc = 0;

	*list = NULL;
	*n = 0;
	if (dots) {
		rc = range(spec, dots, list, n, &cap, why);
	} else {
		const char *p = spec;

		do {
			const char *comma = strchr(p, ',');
			const char *end = comma ? comma : p + strlen(p);
			uint64_t v;

			rc = one(p, end, &v, why);
			if (!rc)
				rc = push(list, n, &cap, v, why);
			p = comma ? comma + 1 : NULL;
		} while (p && !rc);
	}
	if (rc) {
		free(*list);
		*list = NULL;
		*n = 0;
	}
	return rc;
}
