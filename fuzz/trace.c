/* A trace, replayed with the default parameters, and its reports. */
#include "config.h"

#include "fuzz.h"
#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct replay_setup s;
	struct replay_result res;
	struct diag d = { 0 };
	FILE *null = fopen("/dev/null", "w");

	replay_setup_init(&s);
	if (replay_run(fuzz_file(data, size, ".trace"), &s, &res, &d) == 0) {
		json_t *j = replay_json(&res);

		json_decref(j);
		if (null)
			replay_text(null, &res);
		replay_result_free(&res);
	}
	if (null)
		fclose(null);
	return 0;
}
