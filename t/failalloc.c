/*
 * LD_PRELOAD shim for the allocation-failure tests: the FAILALLOC_AT-th call
 * of malloc, calloc or realloc (counted from program start) returns NULL with
 * ENOMEM, and so does every later one when FAILALLOC_STICKY is set.  With
 * FAILALLOC_COUNT set to a file name, the number of calls is written there at
 * exit.  Allocation goes to glibc's own __libc_* functions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long calls, fail_at;
static int sticky, ready;

static void setup(void)
{
	const char *at = getenv("FAILALLOC_AT");

	ready = 1;
	fail_at = at ? strtoul(at, NULL, 10) : 0;
	sticky = getenv("FAILALLOC_STICKY") != NULL;
}

static int fail(void)
{
	if (!ready)
		setup();
	calls++;
	if (fail_at && (calls == fail_at || (sticky && calls > fail_at))) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	return fail() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	return fail() ? NULL : __libc_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	return fail() ? NULL : __libc_realloc(p, n);
}

__attribute__((destructor)) static void report(void)
{
	const char *file = getenv("FAILALLOC_COUNT");
	FILE *fp;

	if (file && (fp = fopen(file, "w"))) {
		fprintf(fp, "%lu\n", calls);
		fclose(fp);
	}
}
