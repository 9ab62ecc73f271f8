/* The kernel's e820 table operations, in its own order of effects. */
#include "config.h"

#include "e820.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void e820_range_add(struct e820_table *t, uint64_t start, uint64_t size, uint32_t type)
{
	if (t->nr >= E820_MAX_ENTRIES) {
		t->dropped++;	/* kernel: "too many entries; ignoring" */
		return;
	}
	t->entries[t->nr].addr = start;
	t->entries[t->nr].size = size;
	t->entries[t->nr].type = type;
	t->nr++;
}

/* __e820__range_update(): entry by entry, splitting where the range cuts. */
uint64_t e820_range_update(struct e820_table *t, uint64_t start, uint64_t size,
			   uint32_t old_type, uint32_t new_type)
{
	uint64_t end, done = 0;
	uint32_t i;

	if (size > UINT64_MAX - start)
		size = UINT64_MAX - start;
	end = start + size;
	for (i = 0; i < t->nr; i++) {
		struct e820_entry *e = &t->entries[i];
		uint64_t e_end = e->addr + e->size, fs, fe;

		if (e->type != old_type)
			continue;
		if (e->addr >= start && e_end <= end) {
			e->type = new_type;
			done += e->size;
			continue;
		}
		if (e->addr < start && e_end > end) {
			e820_range_add(t, start, size, new_type);
			e820_range_add(t, end, e_end - end, e->type);
			e->size = start - e->addr;
			done += size;
			continue;
		}
		fs = e->addr > start ? e->addr : start;
		fe = e_end < end ? e_end : end;
		if (fs >= fe)
			continue;
		e820_range_add(t, fs, fe - fs, new_type);
		done += fe - fs;
		e->size -= fe - fs;
		if (e->addr < fs)
			continue;
		e->addr = fe;
	}
	return done;
}

/* e820__range_remove(): removed entries stay as zeroed slots until sorted. */
uint64_t e820_range_remove(struct e820_table *t, uint64_t start, uint64_t size,
			   uint32_t old_type, bool check_type)
{
	uint64_t end, done = 0;
	uint32_t i;

	if (size > UINT64_MAX - start)
		size = UINT64_MAX - start;
	end = start + size;
	for (i = 0; i < t->nr; i++) {
		struct e820_entry *e = &t->entries[i];
		uint64_t e_end = e->addr + e->size, fs, fe;

		if (check_type && e->type != old_type)
			continue;
		if (e->addr >= start && e_end <= end) {
			done += e->size;
			memset(e, 0, sizeof(*e));
			continue;
		}
		if (e->addr < start && e_end > end) {
			e820_range_add(t, end, e_end - end, e->type);
			e->size = start - e->addr;
			done += size;
			continue;
		}
		fs = e->addr > start ? e->addr : start;
		fe = e_end < end ? e_end : end;
		if (fs >= fe)
			continue;
		done += fe - fs;
		e->size -= fe - fs;
		if (e->addr < fs)
			continue;
		e->addr = fe;
	}
	return done;
}

struct change_point {
	uint64_t addr;
	const struct e820_entry *entry;
};

static int cp_compare(const void *a, const void *b)
{
	const struct change_point *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr > y->addr ? 1 : -1;
	/* at the same address, starts sort before ends */
	return (x->addr != x->entry->addr) - (y->addr != y->entry->addr);
}

static bool no_merge(uint32_t type)
{
	return type == E820_TYPE_PRAM || type == E820_TYPE_SOFT_RESERVED;
}

/*
 * e820__update_table(): sort change points, let the highest type number win
 * where entries overlap, merge neighbours of the same type.
 */
int e820_update_table(struct e820_table *t)
{
	struct change_point cp[2 * E820_MAX_ENTRIES];
	const struct e820_entry *overlap[E820_MAX_ENTRIES];
	struct e820_entry fresh[E820_MAX_ENTRIES];
	struct e820_entry copy[E820_MAX_ENTRIES];
	uint32_t i, n = 0, nover = 0, nfresh = 0, last_type = 0;
	uint64_t last_addr = 0;

	if (t->nr < 2)
		return -1;
	for (i = 0; i < t->nr; i++)
		if (t->entries[i].addr + t->entries[i].size < t->entries[i].addr)
			return -1;
	memcpy(copy, t->entries, t->nr * sizeof(copy[0]));
	for (i = 0; i < t->nr; i++) {
		if (copy[i].size == 0)
			continue;
		cp[n].addr = copy[i].addr;
		cp[n++].entry = &copy[i];
		cp[n].addr = copy[i].addr + copy[i].size;
		cp[n++].entry = &copy[i];
	}
	qsort(cp, n, sizeof(cp[0]), cp_compare);
	memset(fresh, 0, sizeof(fresh));
	for (i = 0; i < n; i++) {
		uint32_t j, type = 0;

		if (cp[i].addr == cp[i].entry->addr) {
			overlap[nover++] = cp[i].entry;
		} else {
			for (j = 0; j < nover; j++)
				if (overlap[j] == cp[i].entry)
					overlap[j] = overlap[nover - 1];
			nover--;
		}
		for (j = 0; j < nover; j++)
			if (overlap[j]->type > type)
				type = overlap[j]->type;
		if (type == last_type && !no_merge(type))
			continue;
		if (last_type) {
			fresh[nfresh].size = cp[i].addr - last_addr;
			if (fresh[nfresh].size != 0 && ++nfresh >= E820_MAX_ENTRIES)
				break;
		}
		if (type) {
			fresh[nfresh].addr = cp[i].addr;
			fresh[nfresh].type = type;
			last_addr = cp[i].addr;
		}
		last_type = type;
	}
	memcpy(t->entries, fresh, nfresh * sizeof(fresh[0]));
	t->nr = nfresh;
	return 0;
}

const char *e820_type_name(uint32_t type, char *buf, size_t n)
{
	switch (type) {
	case E820_TYPE_RAM:
	case E820_TYPE_RESERVED_KERN:
		return "usable";
	case E820_TYPE_RESERVED:
		return "reserved";
	case E820_TYPE_SOFT_RESERVED:
		return "soft reserved";
	case E820_TYPE_ACPI:
		return "ACPI data";
	case E820_TYPE_NVS:
		return "ACPI NVS";
	case E820_TYPE_UNUSABLE:
		return "unusable";
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
		snprintf(buf, n, "persistent (type %u)", type);
		return buf;
	default:
		snprintf(buf, n, "type %u", type);
		return buf;
	}
}

int e820_type_parse(const char *name, uint32_t *type)
{
	static const struct { const char *name; uint32_t type; } names[] = {
		{ "usable", E820_TYPE_RAM }, { "ram", E820_TYPE_RAM },
		{ "reserved", E820_TYPE_RESERVED },
		{ "ACPI data", E820_TYPE_ACPI }, { "acpi", E820_TYPE_ACPI },
		{ "ACPI NVS", E820_TYPE_NVS }, { "nvs", E820_TYPE_NVS },
		{ "unusable", E820_TYPE_UNUSABLE },
		{ "soft reserved", E820_TYPE_SOFT_RESERVED },
		{ "persistent (type 7)", E820_TYPE_PMEM }, { "pmem", E820_TYPE_PMEM },
		{ "persistent (type 12)", E820_TYPE_PRAM }, { "pram", E820_TYPE_PRAM },
	};
	unsigned long v;
	char *end;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(name, names[i].name) == 0) {
			*type = names[i].type;
			return 0;
		}
	if (strncmp(name, "type ", 5) == 0)
		name += 5;
	if (!isdigit((unsigned char)*name))
		return -1;
	v = strtoul(name, &end, 10);
	if (*end || v == 0 || v > UINT32_MAX)
		return -1;
	*type = (uint32_t)v;
	return 0;
}
