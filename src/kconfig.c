#include "config.h"

#include "kconfig.h"

#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

void kernel_config_debian(struct kernel_config *k, bool pae)
{
	memset(k, 0, sizeof(*k));
	k->rules = RULES_6_1;
	k->page_offset = 0xC0000000;
	k->highmem = pae ? HIGHMEM_64G : HIGHMEM_4G;
	k->pae = pae;
	k->nr_cpus = 32;
	k->local_apic = k->io_apic = k->pci_mmconfig = k->apei_ghes = true;
	k->memcg = k->aligned_struct_page = k->zone_dma = true;
	k->swiotlb = true;
	k->physical_start = 0x1000000;
}

uint32_t kernel_image_bytes(const struct kernel_config *k)
{
	return k->pae ? 0x1135000 : 0x100c000;
}

/* Boolean options, by the field they set. */
static const struct {
	const char *name;
	size_t field;
} bools[] = {
	{ "X86_LOCAL_APIC", offsetof(struct kernel_config, local_apic) },
	{ "X86_IO_APIC", offsetof(struct kernel_config, io_apic) },
	{ "PCI_MMCONFIG", offsetof(struct kernel_config, pci_mmconfig) },
	{ "ACPI_APEI_GHES", offsetof(struct kernel_config, apei_ghes) },
	{ "PROVIDE_OHCI1394_DMA_INIT", offsetof(struct kernel_config, ohci1394_dma) },
	{ "PARAVIRT_XXL", offsetof(struct kernel_config, paravirt_xxl) },
	{ "INTEL_TXT", offsetof(struct kernel_config, intel_txt) },
	{ "DEBUG_KMAP_LOCAL", offsetof(struct kernel_config, debug_kmap_local) },
	{ "MEMCG", offsetof(struct kernel_config, memcg) },
	{ "HAVE_ALIGNED_STRUCT_PAGE", offsetof(struct kernel_config, aligned_struct_page) },
	{ "ZONE_DMA", offsetof(struct kernel_config, zone_dma) },
	{ "SWIOTLB", offsetof(struct kernel_config, swiotlb) },
	{ "X86_PAE", offsetof(struct kernel_config, pae) },
};

static const struct {
	const char *name;
	uint32_t page_offset;
	bool opt;
} splits[] = {
	{ "VMSPLIT_3G", 0xC0000000, false },
	{ "VMSPLIT_3G_OPT", 0xB0000000, true },
	{ "VMSPLIT_2G", 0x80000000, false },
	{ "VMSPLIT_2G_OPT", 0x78000000, true },
	{ "VMSPLIT_1G", 0x40000000, false },
};

struct line {
	const char *file;
	unsigned long no;
	const char *bol, *name, *value;
	size_t name_len, value_len;
	struct diag *d;
};

static bool is(const struct line *l, const char *name)
{
	return strlen(name) == l->name_len && memcmp(l->name, name, l->name_len) == 0;
}

static bool value_is(const struct line *l, const char *v)
{
	return strlen(v) == l->value_len && memcmp(l->value, v, l->value_len) == 0;
}

/* Record the problem; -1, so callers can tell it from a count of options. */
static int bad(const struct line *l, const char *at, const char *msg)
{
	diag_at(l->d, l->file, l->no, (unsigned long)(at - l->bol) + 1, "%s", msg);
	return -1;
}

static int number(const struct line *l, unsigned long max, unsigned long *v)
{
	char buf[32];
	char *end;

	if (l->value_len == 0 || l->value_len >= sizeof(buf))
		return bad(l, l->value, "expected a number");
	memcpy(buf, l->value, l->value_len);
	buf[l->value_len] = '\0';
	*v = strtoul(buf, &end, 0);
	if (*end || !isdigit((unsigned char)buf[0]) || *v > max)
		return bad(l, l->value, "expected a number in range");
	return 0;
}

/* One CONFIG_NAME=value assignment. */
static int assign(struct kconfig_file *kf, const struct line *l)
{
	bool yes = value_is(l, "y");
	unsigned long v;
	size_t i;

	for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
		if (is(l, bools[i].name)) {
			*(bool *)((char *)&kf->k + bools[i].field) = yes;
			if (is(l, "X86_PAE") && yes)
				kf->pae_line = l->no;
			return 0;
		}
	for (i = 0; i < sizeof(splits) / sizeof(splits[0]); i++)
		if (is(l, splits[i].name)) {
			if (yes && !kf->has_split) {
				kf->k.page_offset = splits[i].page_offset;
				kf->has_split = true;
				kf->split_opt = splits[i].opt;
				kf->split_line = l->no;
			}
			return 0;
		}
	if (is(l, "PAGE_OFFSET")) {
		if (number(l, UINT32_MAX, &v))
			return -1;
		kf->k.page_offset = (uint32_t)v;
		kf->has_split = true;
		return 0;
	}
	if (is(l, "PHYSICAL_START")) {
		if (number(l, 0xffffffffUL, &v))
			return -1;
		kf->k.physical_start = (uint32_t)v;
		return 0;
	}
	if (is(l, "NR_CPUS"))
		return number(l, 8192, &v) ? -1 : (kf->k.nr_cpus = (unsigned)v, 0);
	if (yes && is(l, "NOHIGHMEM"))
		kf->k.highmem = HIGHMEM_NONE, kf->has_highmem = true;
	else if (yes && is(l, "HIGHMEM4G"))
		kf->k.highmem = HIGHMEM_4G, kf->has_highmem = true;
	else if (yes && is(l, "HIGHMEM64G"))
		kf->k.highmem = HIGHMEM_64G, kf->has_highmem = true;
	else if (yes && (is(l, "64BIT") || is(l, "X86_64")))
		return bad(l, l->bol, "this .config is for a 64-bit kernel; hmplan models 32-bit x86");
	else if (yes && (is(l, "ARM") || is(l, "ARM64") || is(l, "MIPS") || is(l, "PPC")))
		return bad(l, l->bol, "this .config is not for x86; hmplan models 32-bit x86");
	return 0;
}

static int parse_line(struct kconfig_file *kf, struct line *l, const char *eol)
{
	const char *p = l->bol;

	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	if (p == eol || *p == '#')
		return 0;
	if ((size_t)(eol - p) < 8 || memcmp(p, "CONFIG_", 7) != 0)
		return bad(l, p, "not a .config line (expected CONFIG_NAME=value or a # comment)");
	p += 7;
	l->name = p;
	while (p < eol && (isalnum((unsigned char)*p) || *p == '_'))
		p++;
	l->name_len = (size_t)(p - l->name);
	if (l->name_len == 0 || p == eol || *p != '=')
		return bad(l, p, "expected = after the option name");
	l->value = ++p;
	l->value_len = (size_t)(eol - p);
	if (l->value_len == 0)
		return bad(l, p, "option has no value");
	return assign(kf, l) ? -1 : 1;
}

int kconfig_parse(const char *text, size_t len, const char *file,
		  struct kconfig_file *kf, struct diag *d)
{
	struct line l = { .file = file, .d = d };
	const char *end = text + len, *nl, *eol;
	unsigned long options = 0;

	memset(kf, 0, sizeof(*kf));
	kf->k.rules = RULES_6_1;
	kf->k.page_offset = 0xC0000000;
	kf->k.highmem = HIGHMEM_4G;	/* Kconfig's default for the choice */
	kf->k.nr_cpus = 1;
	kf->k.physical_start = 0x1000000;
	if (memchr(text, '\0', len))
		return diag_at(d, file, 1, 1, "binary data (NUL byte): not a kernel .config");
	for (l.bol = text; l.bol < end; l.bol = nl + 1) {
		int r;

		l.no++;
		nl = memchr(l.bol, '\n', (size_t)(end - l.bol));
		if (!nl)
			nl = end;
		eol = nl;
		if (eol > l.bol && eol[-1] == '\r')
			eol--;
		r = parse_line(kf, &l, eol);
		if (r < 0)
			return d->status;
		options += (unsigned long)r;
	}
	if (options == 0)
		return diag_at(d, file, 1, 1, "no CONFIG_ options: not a kernel .config");
	if (kf->k.highmem == HIGHMEM_64G)
		kf->k.pae = true;	/* HIGHMEM64G selects X86_PAE */
	if (kf->k.highmem == HIGHMEM_4G && kf->k.pae)
		return diag_at(d, file, kf->pae_line, 1,
			       "X86_PAE with HIGHMEM4G is not a valid configuration");
	if (kf->split_opt && kf->k.pae)
		return diag_at(d, file, kf->split_line, 1,
			       "VMSPLIT_3G_OPT and VMSPLIT_2G_OPT cannot be combined with X86_PAE");
	return 0;
}
