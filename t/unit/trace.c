/* The trace reader: grammar, header, positions of errors, chunk boundaries, names. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "trace.h"

static char path[64];

static void put_file(const char *text, size_t n)
{
	FILE *fp = fopen(path, "wb");

	fwrite(text, 1, n, fp);
	fclose(fp);
}

/* Read the whole text: the number of events, or -1 with the diagnostic in d. */
static long read_len(const char *text, size_t len, uint32_t cpus, struct trace_header *h,
		     struct diag *d, struct engine_event *last, struct trace_reader **keep)
{
	struct trace_reader *r;
	struct engine_event ev;
	long n = 0;
	int got;

	put_file(text, len);
	memset(d, 0, sizeof(*d));
	if (trace_open(&r, path, d) || trace_read_header(r, h, d)) {
		trace_close(r);
		return -1;
	}
	trace_set_cpus(r, cpus);
	while ((got = trace_next(r, &ev, d)) == 1) {
		n++;
		if (last)
			*last = ev;
	}
	if (keep && got == 0)
		*keep = r;
	else
		trace_close(r);
	return got < 0 ? -1 : n;
}

static long read_all(const char *text, uint32_t cpus, struct trace_header *h, struct diag *d,
		     struct engine_event *last, struct trace_reader **keep)
{
	return read_len(text, strlen(text), cpus, h, d, last, keep);
}

/* The text (len bytes) fails with a diagnostic "PATH:" + where ... what. */
static void fails_len(const char *text, size_t len, const char *where, const char *what,
		      const char *desc)
{
	struct trace_header h;
	struct diag d;
	char want[128];
	long n = read_len(text, len, 2, &h, &d, NULL, NULL);

	snprintf(want, sizeof(want), "%s:%s", path, where);
	tap_ok(n < 0 && d.status == EXIT_DATA && strncmp(d.text, want, strlen(want)) == 0 &&
	       strstr(d.text, what), "%s", desc);
	if (!(n < 0 && strncmp(d.text, want, strlen(want)) == 0 && strstr(d.text, what)))
		printf("#   got: %s\n#   want: %s ... %s\n", d.text, want, what);
}

static void fails(const char *text, const char *where, const char *what, const char *desc)
{
	fails_len(text, strlen(text), where, what, desc);
}

static void grammar(void)
{
	struct trace_header h;
	struct trace_reader *r = NULL;
	struct engine_event ev;
	struct diag d;
	long n;

	n = read_all("# comment\n\n   \t\nA kmap 0x10 # inline\n\tB\tkmap_local\t7\r\n"
		     "  # indented comment\nA vmap buf.1-x 3\nA vunmap buf.1-x#glued comment\n"
		     "C switch\nC cpu 1\nA touch 007", 2, &h, &d, &ev, &r);
	is_u64(n, 7, "blank lines, comments, tabs, CRLF, inline comments: 7 events");
	tap_ok(r && ev.op == ENGINE_TOUCH && ev.arg == 7 && ev.line == 11 && ev.task == 0,
	       "last line without a newline, leading zeros, line numbers kept");
	is_u64(r ? trace_ntasks(r) : 0, 3, "three tasks");
	is_str(r ? trace_task_name(r, 2) : NULL, "C", "tasks indexed in order of appearance");
	trace_close(r);
	r = NULL;
	n = read_all("A vmap an-id 12\n", 1, &h, &d, &ev, &r);
	tap_ok(n == 1 && ev.op == ENGINE_VMAP && ev.idlen == 5 && memcmp(ev.id, "an-id", 5) == 0 &&
	       ev.arg == 12, "vmap ID NPAGES");
	trace_close(r);
}

static void header(void)
{
	struct trace_header h;
	struct diag d;
	long n;

	n = read_all("# x\n#@ last_pkmap=4 cpus=2\n#@ max_low_pfn=0x3e8 lazy_max_pages=6 # c\n"
		     "#= {\"ignored\": true}\nA kmap 1\n", 2, &h, &d, NULL, NULL);
	tap_ok(n == 1 && h.set[TP_LAST_PKMAP] && h.p.last_pkmap == 4 && h.p.cpus == 2 &&
	       h.p.max_low_pfn == 1000 && h.p.lazy_max_pages == 6 && !h.set[TP_KM_MAX_IDX],
	       "#@ lines set exactly the keys they name");
	is_u64(h.line[TP_LAZY_MAX_PAGES], 3, "and remember where");
	fails("#@ cpus=2 colour=3\n", "1:11:", "unknown parameter 'colour'", "an unknown #@ key");
	fails("#@ last_pkmap=6\n", "1:15:", "power of two", "a bad #@ value");
	fails("#@ cpus\n", "1:4:", "key=value", "#@ without =");
	fails("A kmap 1\n#@ cpus=2\n", "2:1:", "before any event", "#@ after the first event");
}

static void errors(void)
{
	static char big[(1u << 20) + 64];

	fails("A vmunmap x\n", "1:3:", "unknown operation 'vmunmap'", "a typo in an op");
	fails("A kmapp 1\n", "1:3:", "unknown operation", "an op with a suffix");
	fails("A kmap\n", "1:7:", "missing argument", "a missing argument");
	fails("A kmap 1 2\n", "1:10:", "too many arguments", "an extra argument");
	fails("A switch now\n", "1:10:", "too many", "switch takes nothing");
	fails("A kmap 12x\n", "1:8:", "not a number", "a bad number");
	fails("A kmap -1\n", "1:8:", "not a number", "a negative number");
	fails("A kmap 0x\n", "1:8:", "not a number", "0x alone");
	fails("A kmap 9223372036854775808\n", "1:8:", "out of range", "2^63");
	fails("A$ kmap 1\n", "1:2:", "unexpected character '$'", "a bad task name");
	fails("A kmap 1\n\xff\xfe\n", "2:1:", "unexpected character '\\xff'", "binary garbage");
	fails_len("A kmap 1\0\n", 10, "1:9:", "NUL byte", "a NUL byte");
	fails_len("A kmap 1 # \0\n", 13, "1:12:", "NUL byte (binary data?)",
		  "a NUL byte in a comment");
	fails("A cpu 2\n", "1:7:", "2 CPUs", "cpu N >= cpus");
	fails("A vmap x\n", "1:9:", "missing argument", "vmap without a size");
	fails("A vmap x! 2\n", "1:9:", "in a vmap id", "a bad vmap id");
	memset(big, 'x', sizeof(big) - 2);
	big[0] = '#';
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	fails(big, "1:1048577:", "longer than", "a line over 1 MiB");
	memset(big, 'A', 300);
	strcpy(big + 300, " kmap 1\n");
	fails(big, "1:1:", "longer than 255", "a task name over 255 characters");
}

/* Lines straddling the 1 MiB read chunks, and many task names. */
static void streaming(void)
{
	size_t cap = 6u << 20, len = 0;
	char *text = malloc(cap + 1);
	struct trace_header h;
	struct trace_reader *r = NULL;
	struct engine_event ev;
	struct diag d;
	long n, i, want = 0;
	uint64_t sum = 0, got_sum = 0;

	for (i = 0; len + 64 < cap; i++) {
		len += (size_t)sprintf(text + len, "task%ld kmap %ld%s\n", i % 50000, i,
				       i % 7 ? "" : "   # some comment to vary the lengths");
		sum += (uint64_t)i;
		want++;
	}
	text[len] = '\0';
	put_file(text, len);
	memset(&d, 0, sizeof(d));
	n = 0;
	if (!trace_open(&r, path, &d) && !trace_read_header(r, &h, &d))
		while (trace_next(r, &ev, &d) == 1) {
			got_sum += ev.arg;
			n++;
		}
	is_u64(n, want, "every line of a 6 MiB trace read across chunk boundaries");
	is_u64(got_sum, sum, "with every number intact");
	is_u64(r ? trace_ntasks(r) : 0, 50000, "50000 task names interned");
	is_str(r ? trace_task_name(r, 49999) : NULL, "task49999", "names kept");
	trace_close(r);
	free(text);
}

/* ---- the fast path (usual lines) against the general parser ---- */

static uint64_t rnd_state = 12345;

static unsigned rnd(unsigned n)
{
	uint64_t z = (rnd_state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (unsigned)((z ^ (z >> 31)) % n);
}

static const char *pick(const char *const *v, size_t n)
{
	return v[rnd((unsigned)n)];
}
#define PICK(v) pick(v, sizeof(v) / sizeof(v[0]))

/* A random line: mostly usual ones, some valid in unusual ways, a few wrong (unless valid). */
static size_t random_line(char *out, bool valid)
{
	static const char *const tasks[] = {
		"t0", "t1", "t2", "task.with-long_name.12345678", "T", "a-b", "t0x", "t12345678",
	};
	static const char *const ops[] = {
		"kmap", "kunmap", "kmap_local", "kunmap_local", "kmap_atomic", "kunmap_atomic",
		"touch", "cpu", "switch", "vmap", "vunmap",
	};
	static const char *const oddops[] = { "kmapx", "kmap_lo", "switchy", "vmapp", "Kmap", "" };
	static const char *const sep[] = { " ", " ", " ", " ", "  ", "\t" };
	static const char *const nums[] = {	/* usual ones, other valid ones, wrong ones */
		"0", "1", "7", "42", "1000", "228000", "1234567", "9999999",
		"12345678", "0000000", "000123", "123456789012345678", "0x10", "1234567890123456789",
		"12a", "-1",
	};
	static const char *const ids[] = { "v1", "v22", "buf.0", "x", "v1#", "" };	/* 4 valid */
	static const char *const ends[] = {
		"\n", "\n", "\n", "\n", "\n", "\r\n", " \n", " # comment\n", "#c\n", "\t\n",
	};
	const char *op = valid || rnd(40) ? PICK(ops) : PICK(oddops);
	bool vm = !strcmp(op, "vmap") || !strcmp(op, "vunmap");
	size_t n = 0;

	n += (size_t)sprintf(out + n, "%s%s%s", rnd(50) ? "" : " ", PICK(tasks), PICK(sep));
	n += (size_t)sprintf(out + n, "%s", op);
	if (vm || (!valid && !rnd(60)))
		n += (size_t)sprintf(out + n, "%s%s", PICK(sep), valid ? ids[rnd(4)] : PICK(ids));
	if (!strcmp(op, "cpu"))	/* cpu 2: too many */
		n += (size_t)sprintf(out + n, "%s%u", PICK(sep), rnd(valid ? 2 : 3));
	else if (strcmp(op, "switch") && strcmp(op, "vunmap") && (valid || rnd(30)))
		n += (size_t)sprintf(out + n, "%s%s", PICK(sep),
				     rnd(10) ? nums[rnd(8)] : nums[rnd(valid ? 14 : 16)]);
	if (!valid && !rnd(200)) {
		memcpy(out + n, "\0\n", 2);	/* binary data */
		return n + 2;
	}
	return n + (size_t)sprintf(out + n, "%s", PICK(ends));
}

struct reading {
	long n, err_line;	/* events, the line of the error (0: none) */
	int status;
	uint64_t sum;		/* of every field of every event */
};

static uint64_t mix_in(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001B3ull + (h >> 29);
}

static struct reading read_text(const char *text, size_t len)
{
	struct reading out = { 0, 0, 0, 0 };
	struct trace_reader *r;
	struct trace_header h;
	struct engine_event ev;
	struct diag d;
	int got = -1;
	uint32_t i;

	put_file(text, len);
	memset(&d, 0, sizeof(d));
	if (!trace_open(&r, path, &d) && !trace_read_header(r, &h, &d)) {
		trace_set_cpus(r, 2);
		while ((got = trace_next(r, &ev, &d)) == 1) {
			out.n++;
			out.sum = mix_in(mix_in(mix_in(out.sum, ev.line), ev.arg), ev.op);
			out.sum = mix_in(mix_in(out.sum, ev.task), ev.idlen);
			for (i = 0; i < ev.idlen; i++)
				out.sum = mix_in(out.sum, (unsigned char)ev.id[i]);
		}
	}
	trace_close(r);
	if (got < 0) {
		const char *at = strstr(d.text, ".trace:");

		out.status = d.status;
		out.err_line = at ? strtol(at + 7, NULL, 10) : -1;
	}
	return out;
}

/*
 * A leading blank keeps a line off the fast path without changing what it
 * means, so a trace and its copy with a blank before every line must give
 * the same events and fail (if at all) on the same line.
 */
static void fast_path(void)
{
	size_t cap = 3u << 20, len, blen;
	char *text = malloc(cap), *blank = malloc(cap + cap / 8), line[256];
	int round, agree = 0, failed = 0, rounds = 300, errors = 0;
	long events = 0;

	for (round = 0; round < rounds + 1; round++) {
		/* the last round: a long mistake-free trace across read chunks */
		size_t lines = round < rounds ? 1 + rnd(200) : 100000, i;
		bool valid = round == rounds || round % 3;

		len = blen = 0;
		for (i = 0; i < lines; i++) {
			size_t n;

			if (!rnd(30)) {		/* comments and blank lines between events */
				n = (size_t)sprintf(line, "%s", rnd(2) ? "# a comment\n" : "\n");
				memcpy(text + len, line, n);
				memcpy(blank + blen, line, n);
				len += n;
				blen += n;
			}
			n = random_line(line, valid);
			memcpy(text + len, line, n);
			len += n;
			blank[blen++] = ' ';
			memcpy(blank + blen, line, n);
			blen += n;
		}
		{
			struct reading a = read_text(text, len), b = read_text(blank, blen);

			events += a.n;
			errors += a.status != 0;
			if (a.n == b.n && a.sum == b.sum && a.status == b.status &&
			    a.err_line == b.err_line)
				agree++;
			else if (failed++ < 3)
				printf("# round %d: %ld events, error %d at line %ld; with blanks %ld, "
				       "error %d at line %ld\n", round, a.n, a.status, a.err_line, b.n,
				       b.status, b.err_line);
			if (round == rounds)
				tap_ok(a.n == 100000 && a.status == 0 && b.status == 0,
				       "the long trace reads without error (%ld events)", a.n);
		}
	}
	is_u64(agree, rounds + 1, "fast path and general parser agree on %d random traces",
	       rounds + 1);
	tap_ok(errors > 50 && errors < rounds / 2, "... %d of them with a mistake, %ld events in all",
	       errors, events);
	free(text);
	free(blank);
}

static void numbers(void)
{
	const char *why;
	uint64_t v = 0;

	tap_ok(trace_number("9223372036854775807", 19, &v, &why) == 0 && v == INT64_MAX, "2^63 - 1");
	tap_ok(trace_number("0x7FFFFFFFFFFFFFFF", 18, &v, &why) == 0 && v == INT64_MAX, "hex, upper case");
	tap_ok(trace_number("0X10", 4, &v, &why) == 0 && v == 16, "0X prefix");
	tap_ok(trace_number("", 0, &v, &why) < 0, "empty");
	tap_ok(trace_number("99999999999999999999", 20, &v, &why) < 0, "20 digits");
}

int main(void)
{
	const char *dir = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%.40s/hmplan-trace-%d.trace", dir && *dir ? dir : "/tmp",
		 (int)getpid());
	grammar();
	header();
	errors();
	streaming();
	fast_path();
	numbers();
	unlink(path);
	return tap_done();
}
