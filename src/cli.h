/* Shared command-line plumbing: exit codes, diagnostics, atomic output. */
#ifndef HMPLAN_CLI_H
#define HMPLAN_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

/* Exit status of every command (DESIGN.md section 3, every man page). */
enum exit_status {
	EXIT_OK = 0,		/* success */
	EXIT_FAIL_ON = 1,	/* a --fail-on condition held (replay, stress) */
	EXIT_USAGE = 2,		/* bad option, bad value, missing argument */
	EXIT_DATA = 3,		/* input file that cannot be read as what it should be */
	EXIT_IO = 4,		/* cannot open, read or write a file */
	EXIT_TIMEOUT = 5,	/* --timeout reached */
};

/*
 * A diagnostic from a parser, kept until the CLI prints it.  Parsers never
 * print: they fill one of these and return its status.
 */
struct diag {
	int status;		/* one of enum exit_status, 0 when clear */
	char text[768];		/* "FILE:LINE:COL: message" or "--opt VALUE: message" */
};

int diag_set(struct diag *d, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int diag_at(struct diag *d, const char *file, unsigned long line,
	    unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

extern const char *cli_command;	/* name of the running command, for hints */

/* Print "hmplan: TEXT" to stderr and return the status. */
int cli_report(const struct diag *d);
/* A usage error: one line naming the option, ending with the help hint. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Report output.  With a path, everything goes to a temporary file beside it
 * that is renamed into place only by out_commit(); on any failure nothing is
 * left behind.  Without a path (or "-"), stdout.
 */
struct output {
	FILE *fp;
	char *path;		/* final name, NULL for stdout */
	char *tmp;		/* temporary name while writing */
};

int out_open(struct output *o, const char *path);
int out_commit(struct output *o);	/* returns an exit status */
void out_abort(struct output *o);

/* Parse a decimal integer option in [min, max]; usage error otherwise. */
int cli_uint(const char *opt, const char *arg, unsigned long min,
	     unsigned long max, unsigned long *out);

/* Read a whole file ("-" = stdin) into a NUL-terminated buffer. */
int read_file(const char *path, char **buf, size_t *len, struct diag *d);

#endif
