/* Sizes and addresses: hmplan's own syntax, the kernel's memparse(), formatting. */
#ifndef HMPLAN_SIZE_H
#define HMPLAN_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define TiB (UINT64_C(1) << 40)

/* Largest value hmplan accepts anywhere: JSON integers must stay below 2^63. */
#define SIZE_LIMIT (UINT64_C(1) << 62)

/*
 * hmplan's size syntax: "8G", "896M", "1500M", "1.5G", "0xC0000000", "4096",
 * "64KiB", "2GB".  Units are binary (K = 1024, as the kernel reads them).
 * Returns 0, or -1 with *why set to a short reason.
 */
int size_parse(const char *s, uint64_t *out, const char **why);

/*
 * The kernel's memparse(): simple_strtoull base 0 (0x = hex, leading 0 =
 * octal) then one optional K/M/G/T/P/E suffix; stops at the first character
 * it cannot use and reports where.  *overflow is set when the value does not
 * fit 64 bits (the kernel would silently wrap).
 */
uint64_t memparse(const char *s, const char **end, bool *overflow);
/* The kernel's simple_strtoull(s, &end, 0), without a suffix. */
uint64_t simple_strtoull(const char *s, const char **end, bool *overflow);

/* "879.99 MiB", "8 GiB", "4 KiB", "512 B": truncated, never rounded up. */
char *size_human(char *buf, size_t n, uint64_t bytes);
/* Whole MiB with a fraction only when needed, as in "879.99" (no unit). */
char *size_mib(char *buf, size_t n, uint64_t bytes);

static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

static inline bool mul_overflows(uint64_t a, uint64_t b, uint64_t *prod)
{
	return __builtin_mul_overflow(a, b, prod);
}

#endif
