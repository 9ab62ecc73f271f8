/* A .config, then the layout of a 4 GiB and a 64 GiB machine with it. */
#include "config.h"

#include "fuzz.h"
#include "kconfig.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct layout lo;
	static struct layout_input in;
	struct kconfig_file kf;
	struct diag d = { 0 };
	char *text = fuzz_string(data, size);
	const char *why;

	if (!text)
		return 0;
	if (kconfig_parse(text, size, "fuzz.config", &kf, &d) == 0 && kf.k.nr_cpus >= 1 &&
	    kf.k.nr_cpus <= 64) {
		memset(&in, 0, sizeof(in));
		in.k = kf.k;
		e820_board(&in.firmware, 4ull << 30, BOARD_PC, &why);
		layout_compute(&in, &lo);
		e820_board(&in.firmware, 64ull << 30, BOARD_Q35, &why);
		layout_compute(&in, &lo);
	}
	free(text);
	return 0;
}
