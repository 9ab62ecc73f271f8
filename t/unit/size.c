/* Sizes: hmplan's syntax, the kernel's memparse(), formatting. */
#include "config.h"

#include "size.h"
#include "tap.h"

static void parses(const char *s, uint64_t want)
{
	const char *why = NULL;
	uint64_t v = 0;
	int rc = size_parse(s, &v, &why);

	tap_ok(rc == 0 && v == want, "size_parse(\"%s\") = %llu", s, (unsigned long long)want);
	if (rc)
		printf("#   failed: %s\n", why);
	else if (v != want)
		printf("#   got %llu\n", (unsigned long long)v);
}

static void refuses(const char *s, const char *why_part)
{
	const char *why = "";
	uint64_t v;
	int rc = size_parse(s, &v, &why);

	tap_ok(rc < 0 && strstr(why, why_part), "size_parse(\"%s\") refused: %s", s, why_part);
	if (rc == 0)
		printf("#   accepted as %llu\n", (unsigned long long)v);
	else if (!strstr(why, why_part))
		printf("#   reason was '%s'\n", why);
}

static void memparses(const char *s, uint64_t want, const char *rest)
{
	const char *end;
	bool overflow;
	uint64_t v = memparse(s, &end, &overflow);

	tap_ok(v == want && strcmp(end, rest) == 0 && !overflow,
	       "memparse(\"%s\") = %llu, stops at \"%s\"", s, (unsigned long long)want, rest);
	if (v != want || strcmp(end, rest))
		printf("#   got %llu, rest \"%s\"\n", (unsigned long long)v, end);
}

int main(void)
{
	char buf[64];
	const char *end;
	bool overflow;

	parses("8G", 8 * GiB);
	parses("896M", 896 * MiB);
	parses("1500M", 1500 * MiB);
	parses("1.5G", 1536 * MiB);
	parses("0xC0000000", 0xC0000000u);
	parses("4096", 4096);
	parses("64KiB", 64 * KiB);
	parses("2GB", 2 * GiB);
	parses("16m", 16 * MiB);
	parses("0", 0);
	refuses("-1G", "negative");
	refuses("8Q", "unknown unit");
	refuses("99999999T", "too large");
	refuses("18446744073709551616", "too large");
	refuses("", "not a size");
	refuses("G", "not a size");
	refuses("0.3K", "whole number of bytes");
	refuses("0x", "not a number");
	refuses("0x1G", "no unit");
	refuses("8 G", "unknown unit");
	refuses("4611686018427387904", "too large");	/* 2^62: past what JSON keeps safe */

	memparses("1500M", 1500 * MiB, "");
	memparses("0x1000", 4096, "");
	memparses("010", 8, "");			/* leading 0 is octal */
	memparses("08", 0, "8");			/* ... so 8 is not a digit */
	memparses("64M$256M", 64 * MiB, "$256M");
	memparses("1.5G", 1, ".5G");			/* the kernel reads 1 byte */
	memparses("4g", 4 * GiB, "");
	memparses("0xZ", 0, "xZ");			/* 0x needs a hex digit after it */
	memparses("nopentium", 0, "nopentium");
	memparses("1E", UINT64_C(1) << 60, "");
	memparse("16E", &end, &overflow);
	tap_ok(overflow, "memparse(\"16E\") overflows 64 bits");
	memparse("99999999999999999999", &end, &overflow);
	tap_ok(overflow, "memparse of a 20-digit number overflows");

	is_str(size_human(buf, sizeof(buf), 0x36ffe000), "879.99 MiB", "879.99 MiB, truncated");
	is_str(size_human(buf, sizeof(buf), 8 * GiB), "8 GiB", "whole GiB");
	is_str(size_human(buf, sizeof(buf), 120 * MiB), "120 MiB", "whole MiB");
	is_str(size_human(buf, sizeof(buf), 8192), "8 KiB", "KiB");
	is_str(size_human(buf, sizeof(buf), 512), "512 B", "bytes");
	is_str(size_human(buf, sizeof(buf), 1536 * MiB), "1.5 GiB", "one decimal when enough");
	is_str(size_human(buf, sizeof(buf), 2 * GiB - 1), "1.99 GiB", "never rounds up");
	is_str(size_mib(buf, sizeof(buf), 0x36ffe000), "879.99", "size_mib");
	return tap_done();
}
