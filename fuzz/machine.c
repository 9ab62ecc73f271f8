/* A machine profile, resolved as every command resolves it, and its layout. */
#include "config.h"

#include "fuzz.h"
#include "layout.h"
#include "machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct layout lo;
	struct machine_opts m;
	struct machine mc;
	struct diag d = { 0 };

	machine_opts_init(&m);
	m.profile = fuzz_file(data, size, ".yaml");
	if (machine_resolve(&m, &mc, &d) == 0) {
		layout_compute(&mc.in, &lo);
		machine_free(&mc);
	}
	return 0;
}
