/* Sizes: hmplan's syntax, the kernel's memparse() and sweep's RAM ranges. */
#include "config.h"

#include "fuzz.h"
#include "size.h"
#include "sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), buf[64];
	const char *why, *end;
	bool overflow;
	uint64_t v, *list;
	size_t n;

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
	if (sweep_ram_list(s, &list, &n, &why) == 0) {
		if (n == 0 || n > 100000)
			abort();
		free(list);
	} else if (list || n) {
		abort();
	}
	free(s);
	return 0;
}
