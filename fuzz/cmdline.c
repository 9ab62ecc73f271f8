/* A kernel command line, then the layout it gives on a few machines. */
#include "config.h"

#include "fuzz.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t rams[] = { 512u << 20, 4ull << 30, 66ull << 30 };
	static struct layout lo;
	struct layout_input in;
	struct diag d = { 0 };
	char *s = fuzz_string(data, size);
	const char *why;
	unsigned i;

	if (!s)
		return 0;
	for (i = 0; i < 3; i++) {
		memset(&in, 0, sizeof(in));
		kernel_config_debian(&in.k, i != 1);
		in.k.rules = size && data[0] & 1 ? RULES_2_6 : RULES_6_1;
		if (bootparam_parse(s, "fuzz", &in.boot, &d) != 0)
			break;
		e820_board(&in.firmware, rams[i], i == 2 ? BOARD_Q35 : BOARD_PC, &why);
		layout_compute(&in, &lo);
	}
	free(s);
	return 0;
}
