#include "config.h"

#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *cli_command;

int diag_set(struct diag *d, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
	va_end(ap);
	d->status = status;
	return status;
}

int diag_at(struct diag *d, const char *file, unsigned long line,
	    unsigned long col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return diag_set(d, EXIT_DATA, "%s:%lu:%lu: %s", file, line, col, msg);
}

int cli_report(const struct diag *d)
{
	fflush(stdout);
	fprintf(stderr, "hmplan: %s\n", d->text);
	return d->status;
}

static void help_hint(void)
{
	if (cli_command)
		fprintf(stderr, " (see 'hmplan %s --help')\n", cli_command);
	else
		fputs(" (see 'hmplan --help')\n", stderr);
}

int cli_usage(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("hmplan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	help_hint();
	return EXIT_USAGE;
}

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("hmplan: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int out_open(struct output *o, const char *path)
{
	int fd;

	memset(o, 0, sizeof(*o));
	if (!path || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return EXIT_OK;
	}
	o->path = strdup(path);
	o->tmp = malloc(strlen(path) + 16);
	if (!o->path || !o->tmp) {
		out_abort(o);
		return cli_error(EXIT_IO, "out of memory");
	}
	sprintf(o->tmp, "%s.tmp-XXXXXX", path);
	fd = mkstemp(o->tmp);
	if (fd >= 0) {
		/* mkstemp() makes it 0600; a report is an ordinary file */
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if (fd < 0) {
		int e = errno;

		free(o->tmp);
		o->tmp = NULL;
		out_abort(o);
		return cli_error(EXIT_IO, "%s: %s", path, strerror(e));
	}
	o->fp = fdopen(fd, "w");
	if (!o->fp) {
		close(fd);
		out_abort(o);
		return cli_error(EXIT_IO, "%s: %s", path, strerror(errno));
	}
	return EXIT_OK;
}

void out_abort(struct output *o)
{
	if (o->fp && o->fp != stdout)
		fclose(o->fp);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

int out_commit(struct output *o)
{
	const char *name = o->path ? o->path : "stdout";
	int bad = fflush(o->fp) != 0 || ferror(o->fp);
	int e = errno;

	if (o->fp == stdout) {
		o->fp = NULL;
		if (bad)
			return cli_error(EXIT_IO, "%s: %s", name,
					 strerror(e ? e : EIO));
		return EXIT_OK;
	}
	if (fclose(o->fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	o->fp = NULL;
	if (!bad && rename(o->tmp, o->path) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		int status = cli_error(EXIT_IO, "%s: %s", name, strerror(e ? e : EIO));

		out_abort(o);
		return status;
	}
	free(o->tmp);
	o->tmp = NULL;
	free(o->path);
	o->path = NULL;
	return EXIT_OK;
}

int cli_uint(const char *opt, const char *arg, unsigned long min,
	     unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	if (!arg || !*arg || *arg == '-' || *arg == '+' || *arg == ' ')
		return cli_usage("%s '%s': not a number", opt, arg ? arg : "");
	v = strtoul(arg, &end, 10);
	if (*end)
		return cli_usage("%s '%s': not a number", opt, arg);
	if (errno == ERANGE || v < min || v > max)
		return cli_usage("%s '%s': out of range %lu..%lu", opt, arg, min, max);
	*out = v;
	return EXIT_OK;
}

int read_file(const char *path, char **buf, size_t *len, struct diag *d)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 65536, n = 0;
	char *p;

	if (!fp)
		return diag_set(d, EXIT_IO, "%s: %s", path, strerror(errno));
	p = malloc(cap);
	while (p) {
		size_t got = fread(p + n, 1, cap - n - 1, fp);

		n += got;
		if (got == 0)
			break;
		if (cap - n - 1 == 0) {
			char *q = cap < SIZE_MAX / 2 ? realloc(p, cap * 2) : NULL;

			if (!q) {
				free(p);
				p = NULL;
				break;
			}
			p = q;
			cap *= 2;
		}
	}
	if (!p || ferror(fp)) {
		int e = p ? errno : ENOMEM;

		free(p);
		if (fp != stdin)
			fclose(fp);
		return diag_set(d, EXIT_IO, "%s: %s", path, strerror(e ? e : EIO));
	}
	if (fp != stdin)
		fclose(fp);
	p[n] = '\0';
	*buf = p;
	*len = n;
	return EXIT_OK;
}
