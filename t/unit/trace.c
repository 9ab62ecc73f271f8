/* The trace reader: grammar, header, positions of errors, chunk boundaries, names. */
#include "config.h"

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
	numbers();
	unlink(path);
	return tap_done();
}
