#include "config.h"

#include "bootparam.h"
#include "e820.h"
#include "size.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ctx {
	struct bootparams *bp;
	const char *origin;
	struct diag *d;
	const char *param;	/* "mem=8Q" as written, for messages */
};

static void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->bp->nnotes >= BOOTPARAM_MAX_NOTES)
		return;
	va_start(ap, fmt);
	vsnprintf(c->bp->notes[c->bp->nnotes++], sizeof(c->bp->notes[0]), fmt, ap);
	va_end(ap);
}

static struct bp_op *op(struct ctx *c, enum bp_kind kind)
{
	struct bp_op *o;

	if (c->bp->nops >= BOOTPARAM_MAX_OPS) {
		note(c, "%s: more than %d memory parameters, ignored", c->param,
		     BOOTPARAM_MAX_OPS);
		return NULL;
	}
	o = &c->bp->ops[c->bp->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

/* memparse() that refuses values no 64-bit kernel variable could hold. */
static int value(struct ctx *c, const char *s, const char **end, uint64_t *v)
{
	bool overflow;

	*v = memparse(s, end, &overflow);
	if (overflow || *v >= SIZE_LIMIT)
		return diag_set(c->d, EXIT_USAGE, "%s: '%s': value too large",
				c->origin, c->param);
	return 0;
}

/* simple_strtoull(s, &end, 0) into an enum e820_type, for memmap=%. */
static uint32_t type_number(const char *s, const char **end)
{
	bool overflow;

	return (uint32_t)simple_strtoull(s, end, &overflow);
}

/* parse_memmap_one(): one comma-separated piece of memmap= */
static int memmap_one(struct ctx *c, const char *p)
{
	const char *start = p, *e;
	struct bp_op *o;
	uint64_t size, at;

	if (strncmp(p, "exactmap", 8) == 0) {
		op(c, BP_EXACTMAP);
		c->bp->userdef = true;
		return 0;
	}
	if (value(c, p, &e, &size))
		return -1;
	if (e == start) {
		note(c, "memmap=%s: not a size; the kernel ignores it", start);
		return 0;
	}
	c->bp->userdef = true;
	p = e;
	if (*p && strchr("@#$!", *p)) {
		static const uint32_t types[] = { E820_TYPE_RAM, E820_TYPE_ACPI,
						  E820_TYPE_RESERVED, E820_TYPE_PRAM };
		uint32_t type = types[strchr("@#$!", *p) - "@#$!"];

		if (value(c, p + 1, &e, &at))
			return -1;
		o = op(c, BP_ADD);
		if (o) {
			o->size = size;
			o->start = at;
			o->type = type;
		}
	} else if (*p == '%') {
		uint32_t from = 0, to = 0;

		if (value(c, p + 1, &e, &at))
			return -1;
		if (*e == '-')
			from = type_number(e + 1, &e);
		if (*e == '+')
			to = type_number(e + 1, &e);
		if (*e) {
			note(c, "memmap=%s: trailing '%s'; the kernel ignores the piece", start, e);
			return 0;
		}
		o = op(c, from && to ? BP_UPDATE : to ? BP_ADD : BP_REMOVE);
		if (o) {
			o->size = size;
			o->start = at;
			o->type = to;
			o->from = from;
			o->check_type = from != 0;
		}
	} else {
		e = p;
		o = op(c, BP_LIMIT);
		if (o)
			o->size = size;
	}
	if (*e)
		note(c, "memmap=%s: the kernel stops reading at '%s'", start, e);
	return 0;
}

static void keep_memmap(struct bootparams *bp, const char *piece)
{
	size_t used = 0, n = strlen(piece);
	unsigned i;

	for (i = 0; i < bp->nmemmap; i++)
		used += strlen(bp->memmap + used) + 1;
	if (used + n + 1 > sizeof(bp->memmap))
		return;
	memcpy(bp->memmap + used, piece, n + 1);
	bp->nmemmap++;
}

static int memmap(struct ctx *c, char *val)
{
	char *piece = val;

	while (piece) {
		char *comma = strchr(piece, ',');

		if (comma)
			*comma++ = '\0';
		keep_memmap(c->bp, piece);
		if (memmap_one(c, piece))
			return -1;
		piece = comma;
	}
	return 0;
}

static int mem(struct ctx *c, const char *val)
{
	const char *e;
	struct bp_op *o;
	uint64_t v;

	if (strcmp(val, "nopentium") == 0) {
		op(c, BP_NOPENTIUM);
		return 0;
	}
	c->bp->userdef = true;
	if (value(c, val, &e, &v))
		return -1;
	if (v == 0) {
		note(c, "%s: not a size; the kernel ignores it (\"Malformed early option 'mem'\")",
		     c->param);
		return 0;
	}
	if (*e)
		note(c, "%s: the kernel reads %llu bytes and ignores '%s'", c->param,
		     (unsigned long long)v, e);
	o = op(c, BP_MEM);
	if (o)
		o->size = v;
	c->bp->has_mem = true;
	c->bp->mem = v;
	return 0;
}

/* vmalloc=, highmem=, reservetop=: a value the kernel keeps, last one wins. */
static int setting(struct ctx *c, enum bp_kind kind, const char *val)
{
	const char *e;
	struct bp_op *o;
	uint64_t v;

	if (value(c, val, &e, &v))
		return -1;
	if (*e)
		note(c, "%s: the kernel reads %llu bytes and ignores '%s'", c->param,
		     (unsigned long long)v, e);
	o = op(c, kind);
	if (o)
		o->size = v;
	if (kind == BP_VMALLOC) {
		c->bp->has_vmalloc = true;
		c->bp->vmalloc = v;
	} else if (kind == BP_HIGHMEM) {
		c->bp->has_highmem = true;
		c->bp->highmem = v;
	} else {
		c->bp->has_reservetop = true;
		c->bp->reservetop = v;
	}
	return 0;
}

/* parameq(): '-' and '_' are the same in parameter names */
static bool parameq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;

		if (x != y)
			return false;
	}
	return *a == *b;
}

static int early_param(struct ctx *c, const char *param, char *val)
{
	static const char *names[] = { "mem", "memmap", "vmalloc", "highmem", "reservetop" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (parameq(param, names[i]))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return 0;
	if (!val) {
		note(c, "%s without a value: the kernel ignores it (\"Malformed early option '%s'\")",
		     param, param);
		return 0;
	}
	switch (i) {
	case 0: return mem(c, val);
	case 1: return memmap(c, val);
	case 2: return setting(c, BP_VMALLOC, val);
	case 3: return setting(c, BP_HIGHMEM, val);
	default: return setting(c, BP_RESERVETOP, val);
	}
}

/* next_arg() of kernel/params.c: split off one word, honouring quotes. */
static char *next_arg(char *args, char **param, char **val)
{
	unsigned i, equals = 0;
	int in_quote = 0, quoted = 0;

	if (*args == '"') {
		args++;
		in_quote = quoted = 1;
	}
	for (i = 0; args[i]; i++) {
		if (isspace((unsigned char)args[i]) && !in_quote)
			break;
		if (equals == 0 && args[i] == '=')
			equals = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}
	*param = args;
	if (!equals) {
		*val = NULL;
	} else {
		args[equals] = '\0';
		*val = args + equals + 1;
		if (**val == '"') {
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	if (quoted && i > 0 && args[i - 1] == '"')
		args[i - 1] = '\0';
	if (args[i]) {
		args[i] = '\0';
		args += i + 1;
	} else {
		args += i;
	}
	while (isspace((unsigned char)*args))
		args++;
	return args;
}

int bootparam_parse(const char *cmdline, const char *origin, struct bootparams *bp,
		    struct diag *d)
{
	struct ctx c = { .bp = bp, .origin = origin, .d = d };
	char *copy, *args;
	int rc = 0;

	memset(bp, 0, sizeof(*bp));
	if (!cmdline)
		return 0;
	copy = strndup(cmdline, COMMAND_LINE_SIZE - 1);
	if (!copy)
		return diag_set(d, EXIT_IO, "out of memory");
	bp->truncated = strlen(cmdline) > COMMAND_LINE_SIZE - 1;
	args = copy;
	while (isspace((unsigned char)*args))
		args++;
	while (*args && rc == 0) {
		char *param, *val;
		char word[256];

		args = next_arg(args, &param, &val);
		if (!val && strcmp(param, "--") == 0)
			break;	/* the rest is for init */
		snprintf(word, sizeof(word), "%s%s%s", param, val ? "=" : "", val ? val : "");
		c.param = word;
		rc = early_param(&c, param, val);
	}
	free(copy);
	return rc ? d->status : 0;
}
