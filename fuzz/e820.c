/* A boot log's e820 map, then the layout of whatever map it gives. */
#include "config.h"

#include "fuzz.h"
#include "layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct layout lo;
	static struct layout_input in;
	struct diag d = { 0 };
	char *text = fuzz_string(data, size), *cmdline = NULL;

	if (!text)
		return 0;
	memset(&in, 0, sizeof(in));
	if (e820_parse_log(text, size, "fuzz.log", &in.firmware, &cmdline, &in.reserved, &d) == 0 &&
	    in.firmware.nr >= 2) {
		kernel_config_debian(&in.k, size & 1);
		if (bootparam_parse(cmdline, "fuzz", &in.boot, &d) == 0)
			layout_compute(&in, &lo);
	}
	free(cmdline);
	free(text);
	return 0;
}
