/*
 * The trace reader: big read(2) chunks, one line at a time parsed in place
 * by hand (no stdio, no sscanf in the hot path), task names interned in a
 * hash table.  Grammar (hmplan-trace(5)):
 *
 *	line    = blank* ( event | "#@" params | "#" any* )? CR? LF
 *	event   = TASK blank+ OP ( blank+ ARG )* blank* ( "#" any* )?
 *	TASK    = [A-Za-z0-9_.-]+         (also vmap ids)
 *	ARG     = decimal | "0x" hex      (or an id for vmap/vunmap)
 */
#include "config.h"

#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)
/*
 * Bytes asked of one read(2).  The buffer has room for a line of
 * TRACE_MAX_LINE bytes and a CHUNK, but filling all of it each time would
 * fault in its 2 MiB (each page fault is ~10 us in a VM) and leave each
 * chunk in memory, not in the cache, by the time its lines are parsed;
 * short reads keep a few pages busy and warm.
 */
#define READ_SIZE (64u << 10)
#define PAD 16		/* readable bytes after the buffer's end */

/* The first n (<= 8) bytes at p as a word, the rest zero: a token's key. */
static inline uint64_t word(const char *p, size_t n)
{
	uint64_t v;

	memcpy(&v, p, 8);
	if (n >= 8)
		return v;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return v & ((1ull << (n * 8)) - 1);
#else
	return v & ~(~0ull >> (n * 8));
#endif
}

/* ---- parameters ---- */

static const char *const param_names[TP_N] = {
	"last_pkmap", "km_max_idx", "cpus", "max_low_pfn", "vmalloc_start", "vmalloc_end",
	"lazy_max_pages",
};

const char *trace_param_name(enum trace_param k)
{
	return (unsigned)k < TP_N ? param_names[k] : "?";
}

int trace_param_find(const char *key, size_t len)
{
	int k;

	for (k = 0; k < TP_N; k++)
		if (strlen(param_names[k]) == len && memcmp(param_names[k], key, len) == 0)
			return k;
	return -1;
}

uint64_t trace_param_get(const struct engine_params *p, enum trace_param k)
{
	switch (k) {
	case TP_LAST_PKMAP: return p->last_pkmap;
	case TP_KM_MAX_IDX: return p->km_max_idx;
	case TP_CPUS: return p->cpus;
	case TP_MAX_LOW_PFN: return p->max_low_pfn;
	case TP_VMALLOC_START: return p->vmalloc_start;
	case TP_VMALLOC_END: return p->vmalloc_end;
	case TP_LAZY_MAX_PAGES: return p->lazy_max_pages;
	case TP_N: break;
	}
	return 0;
}

int trace_param_set(struct engine_params *p, enum trace_param k, uint64_t v, const char **why)
{
	switch (k) {
	case TP_LAST_PKMAP:
		if (!v || v > ENGINE_MAX_LAST_PKMAP || (v & (v - 1)))
			return *why = "must be a power of two from 1 to 1048576", -1;
		p->last_pkmap = (uint32_t)v;
		return 0;
	case TP_KM_MAX_IDX:
		if (!v || v > ENGINE_MAX_KM_MAX_IDX)
			return *why = "must be from 1 to 4096", -1;
		p->km_max_idx = (uint32_t)v;
		return 0;
	case TP_CPUS:
		if (!v || v > ENGINE_MAX_CPUS)
			return *why = "must be from 1 to 4096", -1;
		p->cpus = (uint32_t)v;
		return 0;
	case TP_MAX_LOW_PFN:
		p->max_low_pfn = v;
		return 0;
	case TP_VMALLOC_START:
	case TP_VMALLOC_END:
		if (v & 4095)
			return *why = "must be page aligned (a multiple of 4096)", -1;
		if (v > (1ull << 52))
			return *why = "must be at most 2^52", -1;
		*(k == TP_VMALLOC_START ? &p->vmalloc_start : &p->vmalloc_end) = v;
		return 0;
	case TP_LAZY_MAX_PAGES:
		p->lazy_max_pages = v;
		return 0;
	case TP_N:
		break;
	}
	return *why = "unknown parameter", -1;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int trace_number(const char *s, size_t n, uint64_t *v, const char **why)
{
	uint64_t x = 0;
	size_t i;

	if (n > 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
		for (i = 2; i < n; i++) {
			int d = hexval((unsigned char)s[i]);

			if (d < 0)
				return *why = "not a number (decimal, or hex with 0x)", -1;
			if (x >> 59)
				return *why = "number out of range (at most 2^63 - 1)", -1;
			x = x << 4 | (uint64_t)d;
		}
	} else {
		if (!n)
			return *why = "missing number", -1;
		for (i = 0; i < n; i++) {
			unsigned d = (unsigned)(unsigned char)s[i] - '0';

			if (d > 9)
				return *why = "not a number (decimal, or hex with 0x)", -1;
			/* 18 digits cannot overflow; check only beyond */
			if (i >= 18 && x > ((uint64_t)INT64_MAX - d) / 10)
				return *why = "number out of range (at most 2^63 - 1)", -1;
			x = x * 10 + d;
		}
	}
	*v = x;
	return 0;
}

/* ---- operations ---- */

/* Character classes, one table lookup per byte. */
enum { C_BLANK = 1, C_NAME = 2, C_DIGIT = 4, C_END = 8 /* ends a token: blank or '#' */ };

static const unsigned char cclass[256] = {
	['0' ... '9'] = C_NAME | C_DIGIT, ['A' ... 'Z'] = C_NAME, ['a' ... 'z'] = C_NAME,
	['_'] = C_NAME, ['.'] = C_NAME, ['-'] = C_NAME,
	[' '] = C_BLANK | C_END, ['\t'] = C_BLANK | C_END, ['#'] = C_END,
};

static inline bool is_class(char c, unsigned cls)
{
	return cclass[(unsigned char)c] & cls;
}

static inline bool is_name(char c)
{
	return is_class(c, C_NAME);
}

static inline bool is_blank(char c)
{
	return is_class(c, C_BLANK);
}


enum argkind { A_NONE, A_NUM, A_ID_NUM, A_ID };

static const struct {
	const char *name;
	uint8_t len, op, args;
	const char *syntax;
} ops[] = {
	{ "cpu", 3, ENGINE_CPU, A_NUM, "cpu N" },
	{ "kmap", 4, ENGINE_KMAP, A_NUM, "kmap PFN" },
	{ "kunmap", 6, ENGINE_KUNMAP, A_NUM, "kunmap PFN" },
	{ "kmap_local", 10, ENGINE_KMAP_LOCAL, A_NUM, "kmap_local PFN" },
	{ "kunmap_local", 12, ENGINE_KUNMAP_LOCAL, A_NUM, "kunmap_local PFN" },
	{ "kmap_atomic", 11, ENGINE_KMAP_ATOMIC, A_NUM, "kmap_atomic PFN" },
	{ "kunmap_atomic", 13, ENGINE_KUNMAP_ATOMIC, A_NUM, "kunmap_atomic PFN" },
	{ "vmap", 4, ENGINE_VMAP, A_ID_NUM, "vmap ID NPAGES" },
	{ "vunmap", 6, ENGINE_VUNMAP, A_ID, "vunmap ID" },
	{ "switch", 6, ENGINE_SWITCH, A_NONE, "switch" },
	{ "touch", 5, ENGINE_TOUCH, A_NUM, "touch PFN" },
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* ops[] names as masked words, and the masks: two integer compares per candidate. */
static uint64_t op_key[NOPS][2], op_mask[NOPS][2];

static void op_keys_init(void)
{
	char buf[32];
	size_t i;

	for (i = 0; i < NOPS; i++) {
		memset(buf, 0xff, sizeof(buf));
		op_mask[i][0] = word(buf, ops[i].len);
		op_mask[i][1] = ops[i].len > 8 ? word(buf, ops[i].len - 8) : 0;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, ops[i].name, ops[i].len);
		op_key[i][0] = word(buf, ops[i].len);
		op_key[i][1] = ops[i].len > 8 ? word(buf + 8, ops[i].len - 8) : 0;
	}
}

/*
 * The op whose name starts at s, wherever the name ends (the caller checks
 * that), or -1.  A few bytes pick the one candidate (s may be read 16 bytes
 * ahead: the buffer is padded), then the masked words confirm it.
 */
static inline int op_at(const char *s)
{
	uint64_t w0, w1;
	int k;

	switch (s[0]) {
	case 'c': k = 0; break;					/* cpu */
	case 'k':
		if (s[1] == 'm')				/* kmap, kmap_local, kmap_atomic */
			k = s[4] != '_' ? 1 : s[5] == 'l' ? 3 : 5;
		else						/* kunmap... */
			k = s[6] != '_' ? 2 : s[7] == 'l' ? 4 : 6;
		break;
	case 'v': k = s[1] == 'm' ? 7 : 8; break;		/* vmap, vunmap */
	case 's': k = 9; break;					/* switch */
	case 't': k = 10; break;				/* touch */
	default: return -1;
	}
	memcpy(&w0, s, 8);
	memcpy(&w1, s + 8, 8);
	if ((w0 & op_mask[k][0]) == op_key[k][0] && (w1 & op_mask[k][1]) == op_key[k][1])
		return k;
	return -1;
}

/* The op whose name starts at s and ends at a blank, '#' or the line's end (n bytes left). */
static int match_op(const char *s, size_t n)
{
	int k = op_at(s);
	size_t len;

	if (k < 0)
		return -1;
	len = ops[k].len;
	return len <= n && (len == n || (cclass[(unsigned char)s[len]] & C_END)) ? k : -1;
}

/* ---- the reader ---- */

struct task_slot {
	uint64_t key;		/* the name's first 8 bytes (word()) */
	uint64_t hash;		/* of the whole name */
	uint32_t off, len;	/* the name in names[]; len 0: empty slot */
	uint32_t idx;
};

/*
 * Tasks interleave, so a one-entry cache of the last name mostly misses;
 * a small direct-mapped one, indexed by a multiply of the first word, finds
 * most lines' task without hashing the whole name.
 */
#define RECENT 64

static inline struct task_slot *recent_slot(struct task_slot *recent, uint64_t key)
{
	return &recent[(key * 0x9E3779B97F4A7C15ull) >> 58];
}

struct trace_reader {
	int fd;
	char *name;		/* as printed: the path, or <stdin> */
	char *buf;
	size_t cap, start, end;	/* unread bytes: buf[start, end) */
	bool eof;
	uint64_t lineno;
	bool pending;		/* the header stopped at an event line, not yet parsed */
	const char *pline;
	size_t plen;
	uint32_t cpus;
	uint64_t events;

	struct task_slot *slot;	/* name -> index */
	size_t smask;
	char *names;		/* NUL-terminated names, back to back */
	size_t nlen, ncap;
	uint32_t *name_off;	/* index -> offset in names[] */
	size_t ntasks, offcap;
	struct task_slot recent[RECENT];	/* a cache of the table, by recent_slot() */
};

int trace_open(struct trace_reader **out, const char *path, struct diag *d)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	bool is_stdin = strcmp(path, "-") == 0;

	*out = NULL;
	if (!r)
		return diag_set(d, EXIT_IO, "out of memory");
	if (!op_key[0][0])
		op_keys_init();
	r->name = strdup(is_stdin ? "<stdin>" : path);
	r->cap = TRACE_MAX_LINE + CHUNK + 1;
	/* zeroed and padded: tokens are loaded 8 bytes at a time, masked to their length */
	r->buf = calloc(1, r->cap + PAD);
	r->smask = 63;
	r->slot = calloc(r->smask + 1, sizeof(*r->slot));
	r->cpus = UINT32_MAX;
	if (!r->name || !r->buf || !r->slot) {
		r->fd = -1;
		trace_close(r);
		return diag_set(d, EXIT_IO, "out of memory");
	}
	r->fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		int e = errno;

		trace_close(r);
		return diag_set(d, EXIT_IO, "%s: %s", path, strerror(e));
	}
	*out = r;
	return EXIT_OK;
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->fd > 0)
		close(r->fd);
	free(r->name);
	free(r->buf);
	free(r->slot);
	free(r->names);
	free(r->name_off);
	free(r);
}

const char *trace_name(const struct trace_reader *r)
{
	return r->name;
}

uint32_t trace_ntasks(const struct trace_reader *r)
{
	return (uint32_t)r->ntasks;
}

const char *trace_task_name(const struct trace_reader *r, uint32_t task)
{
	return task < r->ntasks ? r->names + r->name_off[task] : "?";
}

uint64_t trace_events(const struct trace_reader *r)
{
	return r->events;
}

void trace_set_cpus(struct trace_reader *r, uint32_t cpus)
{
	r->cpus = cpus;
}

static int fill(struct trace_reader *r, struct diag *d)
{
	size_t avail = r->end - r->start, room;
	ssize_t got;

	if (r->start) {
		memmove(r->buf, r->buf + r->start, avail);
		r->start = 0;
		r->end = avail;
	}
	room = r->cap - 1 - r->end;
	do
		got = read(r->fd, r->buf + r->end, room < READ_SIZE ? room : READ_SIZE);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return diag_set(d, EXIT_IO, "%s: %s", r->name, strerror(errno));
	if (got == 0)
		r->eof = true;
	r->end += (size_t)got;
	r->buf[r->end] = '\0';	/* fast_event()'s sentinel: no byte after the data looks valid */
	return 0;
}

/* The next line (without its LF, or CR LF): 1, 0 at the end, -1 on error. */
static int get_line(struct trace_reader *r, const char **p, size_t *n, struct diag *d)
{
	for (;;) {
		char *s = r->buf + r->start, *nl;
		size_t avail = r->end - r->start;

		nl = memchr(s, '\n', avail);
		if (nl || (r->eof && avail)) {
			*p = s;
			*n = nl ? (size_t)(nl - s) : avail;
			if (*n > TRACE_MAX_LINE)
				break;
			r->start += *n + (nl != NULL);
			r->lineno++;
			if (*n && s[*n - 1] == '\r')
				(*n)--;
			return 1;
		}
		if (avail > TRACE_MAX_LINE)
			break;
		if (r->eof)
			return 0;
		if (fill(r, d))
			return -1;
	}
	return diag_at(d, r->name, r->lineno + 1, TRACE_MAX_LINE + 1, "line longer than %u bytes",
		       TRACE_MAX_LINE), -1;
}

/* ---- lexical helpers ---- */

static inline size_t skip_blanks(const char *p, size_t i, size_t n)
{
	while (i < n && is_blank(p[i]))
		i++;
	return i;
}

/* A token for a message: printable ASCII as is, the rest as \xNN, at most 40 bytes. */
static const char *shown(const char *s, size_t n, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 40) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\'') {
			buf[o++] = (char)c;
		} else {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}

/* A problem at 0-based column col0 of the current line; always -1. */
static int bad(struct trace_reader *r, struct diag *d, size_t col0, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(struct trace_reader *r, struct diag *d, size_t col0, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(d, r->name, r->lineno, (unsigned long)col0 + 1, "%s", msg);
	return -1;
}

static int bad_char(struct trace_reader *r, struct diag *d, const char *p, size_t i,
		    const char *where)
{
	char buf[16];

	if (p[i] == '\0')
		return bad(r, d, i, "NUL byte (binary data?) %s", where);
	return bad(r, d, i, "unexpected character '%s' %s", shown(p + i, 1, buf, sizeof(buf)), where);
}

/* ---- task names ---- */

/* The whole name, a word at a time (the buffer is padded: s may be read past n). */
static inline uint64_t name_hash(uint64_t key, const char *s, size_t n)
{
	uint64_t h = key ^ ((uint64_t)n << 56);
	size_t i;

	for (i = 8; i < n; i += 8)
		h = (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull ^ word(s + i, n - i);
	/* murmur3's finaliser: every bit of the name reaches the low (index) bits */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

/* Names agree beyond their first word (short names have nothing more). */
static inline bool rest_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 8; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static inline bool slot_is(const struct trace_reader *r, const struct task_slot *t,
			   uint64_t key, const char *s, size_t n)
{
	return t->len == n && t->key == key && (n <= 8 || rest_eq(r->names + t->off, s, n));
}

static struct task_slot *slot_for(struct trace_reader *r, uint64_t key, uint64_t h,
				   const char *s, size_t n)
{
	size_t i = h & r->smask;

	for (;; i = (i + 1) & r->smask) {
		struct task_slot *t = &r->slot[i];

		if (!t->len || slot_is(r, t, key, s, n))
			return t;
	}
}

static int slots_grow(struct trace_reader *r)
{
	struct task_slot *old = r->slot;
	size_t oldmask = r->smask, i;

	r->slot = calloc((oldmask + 1) * 2, sizeof(*r->slot));
	if (!r->slot) {
		r->slot = old;
		return -1;
	}
	r->smask = oldmask * 2 + 1;
	for (i = 0; i <= oldmask; i++)
		if (old[i].len) {
			size_t j = old[i].hash & r->smask;

			while (r->slot[j].len)
				j = (j + 1) & r->smask;
			r->slot[j] = old[i];
		}
	free(old);
	return 0;
}

static int grow_buf(void *p, size_t *cap, size_t need, size_t sz)
{
	void **pp = p;
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*pp, n * sz);
	if (!q)
		return -1;
	*pp = q;
	*cap = n;
	return 0;
}

/* The index of a task name already seen, or -1. */
static inline int64_t task_find(struct trace_reader *r, const char *s, size_t n)
{
	uint64_t key = word(s, n);
	struct task_slot *t, *c = recent_slot(r->recent, key);

	if (slot_is(r, c, key, s, n))
		return c->idx;
	t = slot_for(r, key, name_hash(key, s, n), s, n);
	if (!t->len)
		return -1;
	*c = *t;
	return t->idx;
}

/* The index of a task name, a new one at its first appearance; -1 on no memory. */
static int64_t task_index(struct trace_reader *r, const char *s, size_t n)
{
	int64_t i = task_find(r, s, n);
	uint64_t key, h;
	struct task_slot *t;

	if (i >= 0)
		return i;
	key = word(s, n);
	h = name_hash(key, s, n);
	if ((r->ntasks + 1) * 2 > r->smask + 1 && slots_grow(r) < 0)
		return -1;
	t = slot_for(r, key, h, s, n);
	if (r->ntasks >= UINT32_MAX - 1 ||
	    grow_buf(&r->names, &r->ncap, r->nlen + n + 1, 1) < 0 ||
	    grow_buf(&r->name_off, &r->offcap, r->ntasks + 1, sizeof(*r->name_off)) < 0)
		return -1;
	memcpy(r->names + r->nlen, s, n);
	r->names[r->nlen + n] = '\0';
	*t = (struct task_slot){ key, h, (uint32_t)r->nlen, (uint32_t)n, (uint32_t)r->ntasks };
	r->name_off[r->ntasks++] = (uint32_t)r->nlen;
	r->nlen += n + 1;
	*recent_slot(r->recent, key) = *t;
	return t->idx;
}

/* ---- events ---- */

/* A token: bytes up to a blank, '#' or the end of the line. */
static size_t token_end(const char *p, size_t i, size_t n)
{
	while (i < n && !is_class(p[i], C_END))
		i++;
	return i;
}

/* A name (task or vmap id) at p[*i]; what: "task name" or "vmap id". */
static int parse_name(struct trace_reader *r, const char *p, size_t *i, size_t n,
		      const char *what, struct diag *d)
{
	size_t s = *i, e = s;

	while (e < n && is_name(p[e]))
		e++;
	if (e < n && !is_class(p[e], C_END))
		return bad(r, d, e, "unexpected character '%s' in a %s (use A-Z a-z 0-9 _ . -)",
			   p[e] ? shown(p + e, 1, (char[16]){ 0 }, 16) : "\\x00", what);
	if (e - s > TRACE_MAX_NAME)
		return bad(r, d, s, "%s longer than %u characters", what, TRACE_MAX_NAME);
	*i = e;
	return 0;
}

/* The next argument's start, or an error if there is none. */
static int next_arg(struct trace_reader *r, const char *p, size_t *i, size_t n, int k,
		    struct diag *d)
{
	size_t s = skip_blanks(p, *i, n);

	if (s == n || p[s] == '#')
		return bad(r, d, s, "missing argument: the syntax is '%s'", ops[k].syntax);
	*i = s;
	return 0;
}

static int parse_num_arg(struct trace_reader *r, const char *p, size_t *i, size_t n, int k,
			 uint64_t *v, struct diag *d)
{
	const char *why;
	size_t s, e;
	uint64_t x = 0;
	char buf[100];

	if (next_arg(r, p, i, n, k, d) < 0)
		return -1;
	/* the usual case, a short decimal, converted while it is scanned */
	for (s = e = *i; e < n && e - s < 18 && is_class(p[e], C_DIGIT); e++)
		x = x * 10 + (unsigned)(p[e] - '0');
	if (e > s && (e == n || is_class(p[e], C_END))) {
		*v = x;
	} else {
		e = token_end(p, s, n);
		if (trace_number(p + s, e - s, v, &why) < 0)
			return bad(r, d, s, "%s: '%s'", why, shown(p + s, e - s, buf, sizeof(buf)));
	}
	if (ops[k].op == ENGINE_CPU && *v >= r->cpus)
		return bad(r, d, s, "cpu %" PRIu64 ": the machine has %u CPU%s (0 to %u)", *v,
			   r->cpus, r->cpus == 1 ? "" : "s", r->cpus - 1);
	*i = e;
	return 0;
}

/* Comments may hold anything but NUL bytes (binary data is no trace). */
static int check_comment(struct trace_reader *r, const char *p, size_t i, size_t n,
			 struct diag *d)
{
	const char *z = memchr(p + i, '\0', n - i);

	return z ? bad_char(r, d, p, (size_t)(z - p), "in a comment") : 0;
}

static int parse_args(struct trace_reader *r, const char *p, size_t i, size_t n, int k,
		      struct engine_event *ev, struct diag *d)
{
	if (ops[k].args == A_ID || ops[k].args == A_ID_NUM) {
		size_t s;

		if (next_arg(r, p, &i, n, k, d) < 0)
			return -1;
		s = i;
		if (parse_name(r, p, &i, n, "vmap id", d) < 0)
			return -1;
		ev->id = p + s;
		ev->idlen = (uint32_t)(i - s);
	}
	if ((ops[k].args == A_NUM || ops[k].args == A_ID_NUM) &&
	    parse_num_arg(r, p, &i, n, k, &ev->arg, d) < 0)
		return -1;
	i = skip_blanks(p, i, n);
	if (i < n && p[i] != '#')
		return bad(r, d, i, "too many arguments: the syntax is '%s'", ops[k].syntax);
	return i < n ? check_comment(r, p, i, n, d) : 0;
}

/* An event line, p[i] its first non-blank byte. */
static int parse_event(struct trace_reader *r, const char *p, size_t i, size_t n,
		       struct engine_event *ev, struct diag *d)
{
	size_t s = i, os;
	int64_t task;
	int k;
	char buf[100];

	if (!is_name(p[i]))
		return bad_char(r, d, p, i, "at the start of an event (expected a task name)");
	if (parse_name(r, p, &i, n, "task name", d) < 0)
		return -1;
	task = task_index(r, p + s, i - s);
	if (task < 0)
		return diag_set(d, EXIT_IO, "out of memory"), -1;
	os = skip_blanks(p, i, n);
	if (os == n || p[os] == '#')
		return bad(r, d, os, "missing operation after the task name");
	k = match_op(p + os, n - os);
	i = k < 0 ? token_end(p, os, n) : os + ops[k].len;
	if (k < 0)
		return bad(r, d, os, "unknown operation '%s' (cpu, kmap, kunmap, kmap_local, "
			   "kunmap_local, kmap_atomic, kunmap_atomic, vmap, vunmap, switch, touch)",
			   shown(p + os, i - os, buf, sizeof(buf)));
	/* field by field: the engine reads them at once (no partial-store stalls) */
	ev->line = r->lineno;
	ev->arg = 0;
	ev->id = NULL;
	ev->idlen = 0;
	ev->task = (uint32_t)task;
	ev->op = ops[k].op;
	return parse_args(r, p, i, n, k, ev, d);
}

static int late_params(struct trace_reader *r, struct diag *d, size_t col0)
{
	return bad(r, d, col0, "'#@' parameters after the first event: put them before any event");
}

/* A "#@ key=value ..." line; p[i] is the '#'. */
static int parse_params(struct trace_reader *r, const char *p, size_t i, size_t n,
			struct trace_header *h, struct diag *d)
{
	char buf[100];

	for (i = skip_blanks(p, i + 2, n); i < n && p[i] != '#'; i = skip_blanks(p, i, n)) {
		size_t ks = i, eq, e = token_end(p, i, n);
		const char *why;
		uint64_t v;
		int k;

		for (eq = ks; eq < e && p[eq] != '='; eq++)
			;
		if (eq == e)
			return bad(r, d, ks, "expected key=value, got '%s'",
				   shown(p + ks, e - ks, buf, sizeof(buf)));
		k = trace_param_find(p + ks, eq - ks);
		if (k < 0)
			return bad(r, d, ks, "unknown parameter '%s' (last_pkmap, km_max_idx, cpus, "
				   "max_low_pfn, vmalloc_start, vmalloc_end, lazy_max_pages)",
				   shown(p + ks, eq - ks, buf, sizeof(buf)));
		if (trace_number(p + eq + 1, e - eq - 1, &v, &why) < 0 ||
		    trace_param_set(&h->p, (enum trace_param)k, v, &why) < 0)
			return bad(r, d, eq + 1, "%s=%s: %s", param_names[k],
				   shown(p + eq + 1, e - eq - 1, buf, sizeof(buf)), why);
		h->set[k] = true;
		h->line[k] = r->lineno;
		i = e;
	}
	return 0;
}

int trace_read_header(struct trace_reader *r, struct trace_header *h, struct diag *d)
{
	const char *p;
	size_t n, i;
	int got;

	memset(h, 0, sizeof(*h));
	while ((got = get_line(r, &p, &n, d)) == 1) {
		i = skip_blanks(p, 0, n);
		if (i == n)
			continue;
		if (p[i] != '#') {
			r->pending = true;
			r->pline = p;
			r->plen = n;
			return EXIT_OK;
		}
		if (check_comment(r, p, i, n, d) < 0)
			return d->status;
		if (i + 1 < n && p[i + 1] == '@' && parse_params(r, p, i, n, h, d) < 0)
			return d->status;
	}
	return got < 0 ? d->status : EXIT_OK;
}

/* The end of a name (task or vmap id) starting at p[i]; the sentinel stops it. */
static inline size_t name_end(const char *p, size_t i)
{
	while (is_name(p[i]))
		i++;
	return i;
}

#define ONES 0x0101010101010101ull

/* The index of the first byte c among the 8 at p, or 8. */
static inline size_t byte_at(const char *p, unsigned char c)
{
	uint64_t x = word(p, 8) ^ (ONES * c), z = (x - ONES) & ~x & (ONES << 7);

	/* a zero byte's borrow only ever marks bytes after it: the lowest mark is exact */
	return z ? (size_t)__builtin_ctzll(z) / 8 : 8;
}

/*
 * A decimal number of 1 to 7 digits at p, ended by a byte that is not a
 * digit: its length, the value in *v; 0 for anything else (no digit, or 8
 * digits in a row: the caller goes digit by digit then).  Eight bytes at a
 * time, the buffer being padded.
 */
static inline size_t short_number(const char *p, uint64_t *v)
{
	uint64_t w = word(p, 8), hi = ONES * 0xF0, not_digit;
	size_t n;

	/* a digit is 0x30-0x39: high nibble 3, and still 3 after adding 6 */
	not_digit = ((w & hi) ^ (ONES * 0x30)) | (((w + ONES * 6) & hi) ^ (ONES * 0x30));
	if (!not_digit)
		return 0;
	n = (size_t)__builtin_ctzll(not_digit) / 8;	/* carries only reach later bytes */
	if (!n)
		return 0;
	/* the digits to the top bytes, zeros (leading zero digits) below, then pairs, quads, all */
	w = (w & (ONES * 0x0F)) << (8 * (8 - n));
	w = (w * 10 + (w >> 8)) & 0x00FF00FF00FF00FFull;
	w = (w * 100 + (w >> 16)) & 0x0000FFFF0000FFFFull;
	*v = (w * 10000 + (w >> 32)) & 0xFFFFFFFFull;
	return n;
}

/*
 * The usual event line, without the general parser's detours: "TASK OP",
 * then "ID" and/or "NUMBER" as the op takes them, single spaces between,
 * a task seen before, a decimal number of at most 18 digits (a cpu below
 * cpus), and the LF right after, inside the buffer (buf[end] is a NUL
 * sentinel, so no scan runs past the data).  Fills *ev and returns the
 * line's length; 0 leaves the line, untouched, to the general parser, which
 * reads anything accepted here as the same event.
 */
static size_t fast_event(struct trace_reader *r, const char *p, struct engine_event *ev)
{
	size_t i = byte_at(p, ' '), s, n;
	int64_t task;
	uint64_t x = 0;
	int k;

	/* a name seen before is made of name bytes: finding it checks them all */
	if (i == 8)
		i = name_end(p, 0);
	if (i == 0 || i > TRACE_MAX_NAME || p[i] != ' ' || (task = task_find(r, p, i)) < 0)
		return 0;
	k = op_at(p + i + 1);
	if (k < 0)
		return 0;
	i += 1 + ops[k].len;
	ev->id = NULL;
	ev->idlen = 0;
	if (ops[k].args == A_ID || ops[k].args == A_ID_NUM) {
		if (p[i] != ' ')
			return 0;
		s = ++i;
		i = name_end(p, i);
		if (i == s || i - s > TRACE_MAX_NAME)
			return 0;
		ev->id = p + s;
		ev->idlen = (uint32_t)(i - s);
	}
	if (ops[k].args == A_NUM || ops[k].args == A_ID_NUM) {
		if (p[i] != ' ')
			return 0;
		s = ++i;
		n = short_number(p + i, &x);
		if (n)
			i += n;
		else
			for (; i - s < 18 && is_class(p[i], C_DIGIT); i++)
				x = x * 10 + (unsigned)(p[i] - '0');
		if (i == s || (ops[k].op == ENGINE_CPU && x >= r->cpus))
			return 0;
	}
	if (p[i] != '\n')
		return 0;
	ev->arg = x;
	ev->task = (uint32_t)task;
	ev->op = ops[k].op;
	return i;
}

/* trace_next() for any line: blank lines, comments, errors, the buffer's end. */
static __attribute__((noinline)) int next_general(struct trace_reader *r,
						  struct engine_event *ev, struct diag *d)
{
	const char *p;
	size_t n, i;
	int got;

	for (;;) {
		if (r->pending) {
			r->pending = false;
			p = r->pline;
			n = r->plen;
		} else {
			got = get_line(r, &p, &n, d);
			if (got <= 0)
				return got;
		}
		i = skip_blanks(p, 0, n);
		if (i == n)
			continue;
		if (p[i] == '#') {
			if (check_comment(r, p, i, n, d) < 0)
				return -1;
			if (i + 1 < n && p[i + 1] == '@')
				return late_params(r, d, i);
			continue;
		}
		if (parse_event(r, p, i, n, ev, d) < 0) {
			const char *z = memchr(p, '\0', n);

			/* binary data: say so, rather than what the first garbage byte broke */
			if (z && d->status == EXIT_DATA)
				bad_char(r, d, p, (size_t)(z - p), "in an event line");
			return -1;
		}
		r->events++;
		return 1;
	}
}

int trace_next(struct trace_reader *r, struct engine_event *ev, struct diag *d)
{
	size_t n;

	if (r->pending || (n = fast_event(r, r->buf + r->start, ev)) == 0)
		return next_general(r, ev, d);
	r->start += n + 1;
	ev->line = ++r->lineno;
	r->events++;
	return 1;
}
