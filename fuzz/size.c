/* Sizes: hmplan's syntax and the kernel's memparse(). */
#include "config.h"

#include "fuzz.h"
#include "size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), buf[64];
	const char *why, *end;
	bool overflow;
	uint64_t v;

	if (!s)
		return 0;
	if (size_parse(s, &v, &why) == 0) {
		size_human(buf, sizeof(buf), v);
		size_mib(buf, sizeof(buf), v);
	}
	v = memparse(s, &end, &overflow);
	if (end < s || end > s + size)
		abort();
	size_human(buf, sizeof(buf), v);
	free(s);
	return 0;
}
