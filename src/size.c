#include "config.h"

#include "size.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int unit_shift(const char *u, unsigned *shift)
{
	static const char letters[] = "BKMGTPE";
	const char *p;
	size_t n = strlen(u);

	if (n == 0) {
		*shift = 0;
		return 0;
	}
	p = strchr(letters, toupper((unsigned char)u[0]));
	if (!p)
		return -1;
	*shift = (unsigned)(p - letters) * 10;
	if (n == 1)
		return 0;
	if (u[0] == 'B' || u[0] == 'b')
		return -1;
	/* KB, KiB (either case): still binary, as the kernel reads "K". */
	if (n == 2 && (u[1] == 'B' || u[1] == 'b'))
		return 0;
	if (n == 3 && strcasecmp(u + 1, "iB") == 0)
		return 0;
	return -1;
}

static int parse_hex(const char *s, uint64_t *out, const char **why)
{
	uint64_t v = 0;

	if (!isxdigit((unsigned char)*s)) {
		*why = "not a number";
		return -1;
	}
	for (; isxdigit((unsigned char)*s); s++) {
		unsigned d = isdigit((unsigned char)*s) ? (unsigned)(*s - '0')
			: (unsigned)(tolower((unsigned char)*s) - 'a' + 10);

		if (v > (UINT64_MAX >> 4)) {
			*why = "too large";
			return -1;
		}
		v = (v << 4) | d;
	}
	if (*s) {
		*why = "hexadecimal addresses take no unit";
		return -1;
	}
	*out = v;
	return 0;
}

int size_parse(const char *s, uint64_t *out, const char **why)
{
	uint64_t whole = 0, frac = 0, fscale = 1, v;
	unsigned shift;
	const char *p = s;

	*why = "not a size";
	if (!s || !*s)
		return -1;
	if (*s == '-') {
		*why = "sizes cannot be negative";
		return -1;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (parse_hex(s + 2, &v, why) < 0)
			return -1;
		goto range;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		if (mul_overflows(whole, 10, &whole) ||
		    add_overflows(whole, (uint64_t)(*p - '0'), &whole)) {
			*why = "too large";
			return -1;
		}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (fscale >= UINT64_C(1000000000000)) {
				*why = "too many decimal places";
				return -1;
			}
			frac = frac * 10 + (uint64_t)(*p - '0');
			fscale *= 10;
		}
	}
	if (unit_shift(p, &shift) < 0) {
		*why = "unknown unit (use K, M, G, T, P or E, optionally with B or iB)";
		return -1;
	}
	if (shift >= 64 || (whole >> (64 - (shift ? shift : 1)) && shift)) {
		*why = "too large";
		return -1;
	}
	v = whole << shift;
	if (frac) {
		/* frac / fscale of one unit must come out as whole bytes */
		uint64_t unit = UINT64_C(1) << shift, part;

		if (mul_overflows(frac, unit, &part)) {
			*why = "too large";
			return -1;
		}
		if (part % fscale) {
			*why = "fraction is not a whole number of bytes";
			return -1;
		}
		if (add_overflows(v, part / fscale, &v)) {
			*why = "too large";
			return -1;
		}
	}
range:
	if (v >= SIZE_LIMIT) {
		*why = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

/* simple_strtoull(), base 0, as lib/vsprintf.c and lib/kstrtox.c do it. */
uint64_t simple_strtoull(const char *s, const char **end, bool *overflow)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0') {
		if (tolower((unsigned char)s[1]) == 'x' && isxdigit((unsigned char)s[2])) {
			base = 16;
			s += 2;
		} else {
			base = 8;
		}
	}
	for (;; s++) {
		unsigned c = (unsigned char)*s, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			*overflow = true;
		v = v * base + d;
	}
	*end = s;
	return v;
}

uint64_t memparse(const char *s, const char **end, bool *overflow)
{
	static const char suffixes[] = "KMGTPE";
	const char *e;
	const char *p;
	uint64_t v;

	*overflow = false;
	v = simple_strtoull(s, &e, overflow);
	p = *e ? strchr(suffixes, toupper((unsigned char)*e)) : NULL;
	if (p) {
		unsigned shift = (unsigned)(p - suffixes + 1) * 10;

		if (v >> (64 - shift))
			*overflow = true;
		v <<= shift;
		e++;
	}
	if (end)
		*end = e;
	return v;
}

char *size_human(char *buf, size_t n, uint64_t bytes)
{
	static const char *units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	uint64_t scale = 1, hundredths;

	while (u < 6 && bytes / scale >= 1024) {
		scale <<= 10;
		u++;
	}
	if (u == 0) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	hundredths = (uint64_t)((unsigned __int128)(bytes % scale) * 100 / scale);
	if (hundredths == 0)
		snprintf(buf, n, "%llu %s", (unsigned long long)(bytes / scale), units[u]);
	else if (hundredths % 10 == 0)
		snprintf(buf, n, "%llu.%llu %s", (unsigned long long)(bytes / scale),
			 (unsigned long long)(hundredths / 10), units[u]);
	else
		snprintf(buf, n, "%llu.%02llu %s", (unsigned long long)(bytes / scale),
			 (unsigned long long)hundredths, units[u]);
	return buf;
}

char *size_mib(char *buf, size_t n, uint64_t bytes)
{
	uint64_t hundredths = (bytes % MiB) * 100 / MiB;

	if (hundredths == 0)
		snprintf(buf, n, "%llu", (unsigned long long)(bytes / MiB));
	else
		snprintf(buf, n, "%llu.%02llu", (unsigned long long)(bytes / MiB),
			 (unsigned long long)hundredths);
	return buf;
}
