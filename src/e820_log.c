/*
 * Reading the firmware map out of a boot log.  Modern kernels print
 *   BIOS-e820: [mem 0x0000000000100000-0x00000000bffdffff] usable
 * (inclusive end); 2.6-era kernels print
 *   BIOS-e820: 0000000000100000 - 00000000bffe0000 (usable)
 * (exclusive end).  Lines may carry printk timestamps or syslog prefixes.
 */
#include "config.h"

#include "e820.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct cursor {
	const char *file;
	unsigned long line;
	const char *bol;	/* start of the line, for columns */
	const char *p;
	const char *eol;
	struct diag *d;
	bool bare;		/* accept "[mem A-B] type" lines without the tag */
};

static int fail(struct cursor *c, const char *at, const char *msg)
{
	return diag_at(c->d, c->file, c->line, (unsigned long)(at - c->bol) + 1, "%s", msg);
}

static bool take(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->eol - c->p) < n || memcmp(c->p, word, n) != 0)
		return false;
	c->p += n;
	return true;
}

static void skip_spaces(struct cursor *c)
{
	while (c->p < c->eol && *c->p == ' ')
		c->p++;
}

static int hex(struct cursor *c, uint64_t *v)
{
	const char *start = c->p;
	uint64_t x = 0;

	while (c->p < c->eol && isxdigit((unsigned char)*c->p)) {
		unsigned d = isdigit((unsigned char)*c->p) ? (unsigned)(*c->p - '0')
			: (unsigned)(tolower((unsigned char)*c->p) - 'a' + 10);

		if (x >> 60)
			return fail(c, start, "address does not fit 64 bits");
		x = (x << 4) | d;
		c->p++;
	}
	if (c->p == start)
		return fail(c, start, c->p == c->eol ? "line ends where an address should be"
			    : "expected a hexadecimal address");
	*v = x;
	return 0;
}

/* The type words after the range, with or without the old parentheses. */
static int type_word(struct cursor *c, uint32_t *type)
{
	const char *start = c->p, *end = c->eol;
	char word[40];
	size_t n;

	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end > start && *start == '(' && end[-1] == ')') {
		start++;
		end--;
	}
	n = (size_t)(end - start);
	if (n == 0)
		return fail(c, c->p, "line ends where the range type should be");
	if (n >= sizeof(word) || (memcpy(word, start, n), word[n] = '\0',
				  e820_type_parse(word, type) < 0))
		return fail(c, c->p, "unknown e820 range type");
	return 0;
}

static int modern(struct cursor *c, struct e820_entry *e)
{
	uint64_t first, last;
	const char *at;

	if (!take(c, "0x"))
		return fail(c, c->p, "expected 0x after [mem");
	at = c->p;
	if (hex(c, &first))
		return -1;
	if (!take(c, "-0x"))
		return fail(c, c->p, c->p == c->eol ? "line ends inside the range"
			    : "expected -0x between the range ends");
	if (hex(c, &last))
		return -1;
	if (!take(c, "]"))
		return fail(c, c->p, c->p == c->eol ? "line ends inside the range"
			    : "expected ] after the range");
	if (last < first)
		return fail(c, at, "range ends before it starts");
	if (last == UINT64_MAX)
		return fail(c, at, "range reaches the end of the 64-bit address space");
	skip_spaces(c);
	e->addr = first;
	e->size = last - first + 1;
	return type_word(c, &e->type);
}

static int classic(struct cursor *c, struct e820_entry *e)
{
	uint64_t first, end;
	const char *at = c->p;

	if (hex(c, &first))
		return -1;
	skip_spaces(c);
	if (!take(c, "-"))
		return fail(c, c->p, "expected - between the range ends");
	skip_spaces(c);
	if (hex(c, &end))
		return -1;
	if (end < first)
		return fail(c, at, "range ends before it starts");
	skip_spaces(c);
	e->addr = first;
	e->size = end - first;
	return type_word(c, &e->type);
}

static const char *find(const char *p, const char *eol, const char *word)
{
	size_t n = strlen(word);

	for (; (size_t)(eol - p) >= n; p++)
		if (*p == *word && memcmp(p, word, n) == 0)
			return p;
	return NULL;
}

/* One line: returns 1 if it held an e820 range (stored in *e), 0 if not, -1 on error. */
static int range_line(struct cursor *c, struct e820_entry *e)
{
	const char *tag = find(c->bol, c->eol, "BIOS-e820:");

	if (tag) {
		c->p = tag + strlen("BIOS-e820:");
		skip_spaces(c);
	} else {
		c->p = c->bol;
		skip_spaces(c);
		/* a bare range, as people paste it, only in a file of bare ranges */
		if (!c->bare || !take(c, "[mem "))
			return 0;
		c->p -= strlen("[mem ");
	}
	if (take(c, "[mem "))
		return modern(c, e) ? -1 : 1;
	return classic(c, e) ? -1 : 1;
}

static int keep_cmdline(struct cursor *c, char **cmdline)
{
	const char *tag = find(c->bol, c->eol, "Kernel command line:");
	const char *s, *end = c->eol;

	if (!tag)
		return 0;
	s = tag + strlen("Kernel command line:");
	while (s < end && *s == ' ')
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	free(*cmdline);
	*cmdline = strndup(s, (size_t)(end - s));
	if (!*cmdline)
		return diag_set(c->d, EXIT_IO, "out of memory");
	return 0;
}

/* "ACPI: Reserving FACP table memory at [mem 0x7ffe19df-0x7ffe1a52]" */
static void keep_reserved(struct cursor *c, struct boot_reserved *rsv)
{
	const char *tag = find(c->bol, c->eol, "ACPI: Reserving ");
	const char *at = tag ? find(tag, c->eol, " table memory at [mem 0x") : NULL;
	struct diag quiet = { 0 };
	struct cursor k = *c;
	uint64_t first, last;

	if (!at || rsv->n >= BOOT_RESERVED_MAX)
		return;
	k.d = &quiet;	/* an odd line here is not worth an error */
	k.p = at + strlen(" table memory at [mem 0x");
	if (hex(&k, &first) || !take(&k, "-0x") || hex(&k, &last) || !take(&k, "]") || last < first)
		return;
	rsv->start[rsv->n] = first;
	rsv->end[rsv->n++] = last + 1;
}

int e820_parse_log(const char *text, size_t len, const char *file,
		   struct e820_table *t, char **cmdline, struct boot_reserved *rsv,
		   struct diag *d)
{
	struct cursor c = { .file = file, .d = d };
	const char *end = text + len, *nul = memchr(text, '\0', len);
	unsigned nranges = 0;
	const char *nl;

	memset(t, 0, sizeof(*t));
	if (cmdline)
		*cmdline = NULL;
	if (rsv)
		rsv->n = 0;
	c.bare = !memmem(text, len, "BIOS-e820:", strlen("BIOS-e820:"));
	for (c.bol = text; c.bol < end; c.bol = nl + 1) {
		struct e820_entry e;
		int r;

		c.line++;
		nl = memchr(c.bol, '\n', (size_t)(end - c.bol));
		if (!nl)
			nl = end;
		c.eol = nl;
		if (nul && nul < c.eol)
			return fail(&c, nul, "binary data (NUL byte): not a boot log");
		if (c.eol > c.bol && c.eol[-1] == '\r')
			c.eol--;
		if (find(c.bol, c.eol, "BIOS-provided physical RAM map")) {
			t->nr = 0;	/* a new boot starts here */
			if (rsv)
				rsv->n = 0;
			if (cmdline) {
				free(*cmdline);
				*cmdline = NULL;
			}
			continue;
		}
		if (cmdline && keep_cmdline(&c, cmdline))
			goto fail;
		if (rsv)
			keep_reserved(&c, rsv);
		r = range_line(&c, &e);
		if (r < 0)
			goto fail;
		if (r == 0)
			continue;
		nranges++;
		if (t->nr >= E820_FIRMWARE_MAX) {
			fail(&c, c.bol, "more than 128 e820 ranges in one boot");
			goto fail;
		}
		t->entries[t->nr++] = e;
	}
	if (t->nr == 0) {
		diag_at(d, file, 1, 1, nranges ? "the last boot in the log has no BIOS-e820 lines"
			: "no BIOS-e820 lines found (not a boot log?)");
		goto fail;
	}
	return 0;
fail:
	if (cmdline) {
		free(*cmdline);
		*cmdline = NULL;
	}
	return d->status;
}
