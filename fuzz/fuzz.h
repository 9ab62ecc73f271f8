/* Shared bits of the fuzz targets (libFuzzer). */
#ifndef HMPLAN_FUZZ_H
#define HMPLAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (caller frees). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* The input in a file, for readers that take a path (rewritten each run). */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	static char path[64];
	FILE *fp;

	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/hmplan-fuzz-XXXXXX%s", suffix);
		fd = mkstemps(path, (int)strlen(suffix));
		if (fd < 0)
			abort();
		close(fd);
	}
	fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	return path;
}

#endif
