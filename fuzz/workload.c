/* A workload profile, and a short stress run of it on an 8 GiB PAE machine. */
#include "config.h"

#include "fuzz.h"
#include "stress.h"
#include "workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct layout lo;
	static struct machine mc;
	static int ready;
	static struct stress_pages pages;
	struct stress_config cfg;
	struct stress_result r;
	struct workload w;
	struct diag d = { 0 };

	if (!ready) {
		struct machine_opts m;

		machine_opts_init(&m);
		m.ram = "8G";
		if (machine_resolve(&m, &mc, &d))
			abort();
		layout_compute(&mc.in, &lo);
		ready = 1;
	}
	if (workload_load(fuzz_file(data, size, ".yaml"), &w, &d))
		return 0;
	if (!stress_configure(&cfg, &pages, &lo, &mc, &w, 2)) {
		cfg.ops = 300;
		if (cfg.gen.tasks > 64)
			cfg.gen.tasks = 64;
		stress_run(&cfg, &r, &d);
		stress_result_free(&r);
	}
	workload_free(&w);
	return 0;
}
