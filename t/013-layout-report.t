#!/bin/sh
# What the layout reports say: the text report's key lines and the JSON keys.
. "$(dirname "$0")/lib.sh"

run layout --ram 8G --pae
is "$status" 0 "text report"
like "$tmp/out" '^  879MB LOWMEM available\.$' "the LOWMEM line as the kernel prints it"
like "$tmp/out" '^  8336MB HIGHMEM available\.$' "the HIGHMEM line"
like "$tmp/out" '896 MiB - \(16 MiB \+ 8 KiB\) = 879\.99 MiB; .*truncated: 879 MB' "explains 896 - 879"
like "$tmp/out" 'fixmap 6 MiB \+ 8 KiB \(1537 slots' "names the fixmap"
like "$tmp/out" 'cpu_entry_area 5 MiB \+ 388 KiB \(NR_CPUS 32 x 43 pages' "and the cpu_entry_area"
like "$tmp/out" '^  0xf6ffe000 \+-+\+$' "the diagram marks high_memory"
like "$tmp/out" '\| vmalloc +120 MiB \|' "the diagram shows the 120 MiB vmalloc area"
unlike "$tmp/out" '^  \[pae-over-8g\]' "8 GiB of RAM is within the 8 GiB advice"

run layout --ram 16G --json
is "$(json '[w["code"] for w in j["warnings"]]')" "['pci-hole-remap', 'pae-over-8g']" "16 GiB: the 8 GiB advice"
is "$(json 'sorted(j.keys())')" \
	"['boots', 'cmdline', 'e820', 'kernel', 'machine', 'overhead', 'pfn', 'printed', 'schema', 'virtual', 'warnings', 'zones']" \
	"the JSON report's top-level keys"
is "$(json 'j["schema"]')" "hmplan-layout/1" "schema"
is "$(json 'sum(r["bytes"] for r in j["virtual"]["regions"])')" "$((1 << 32))" "the regions tile 4 GiB"
is "$(json 'all(type(v) is int for k, v in j["overhead"].items())')" "True" "overhead values are integers"
is "$(json 'j["overhead"]["mem_map_bytes"]')" "$((0x440000 * 40))" "mem_map covers every pfn to max_pfn"

run layout --ram 4G --mem 1.5G --json
is "$(json 'j["cmdline"]["line"], j["cmdline"]["mem_bytes"], j["pfn"]["max_pfn"]')" \
	"('mem=1536M', 1610612736, 393216)" "--mem appends mem= in the kernel's syntax"
run layout --ram 4G --cmdline "console=ttyS0 mem=2G" --vmalloc 256M --json
is "$(json 'j["cmdline"]["line"]')" "console=ttyS0 mem=2G vmalloc=256M" "shorthands go after --cmdline"
run layout --dmesg "$DATA/oracle/logs/686-pae_pc_2G_highmem-256M.log" --json
is "$(json 'j["cmdline"]["highmem_bytes"], j["printed"]["highmem_mb"]')" "(268435456, 256)" \
	"--dmesg takes the log's command line"
run layout --dmesg "$DATA/oracle/logs/686-pae_pc_2G_highmem-256M.log" --cmdline "" --json
is "$(json 'j["cmdline"]["highmem_bytes"], j["printed"]["highmem_mb"]')" "(None, 1167)" \
	"--cmdline replaces it"
run layout --ram 4G --vmalloc 1G --json
is "$(json 'j["boots"], j["printed"]["lowmem_mb"], j["printed"]["memory_total_kb"]')" "(False, 4071, None)" \
	"vmalloc=1G on 4 GiB: prints 4071MB, then dies"
run layout --ram 2G --kernel 2.6 --no-pae --json
is "$(json 'j["printed"]["lowmem_mb"], j["kernel"]["model"], j["virtual"]["cpu_entry_area_base"]')" \
	"(896, '2.6', None)" "--kernel 2.6: the classic 896 MB"
run layout --ram 2G --no-highmem --json
is "$(json 'j["printed"]["highmem_mb"], j["pfn"]["highstart_pfn"], [z["name"] for z in j["zones"]]')" \
	"(None, None, ['DMA', 'Normal'])" "NOHIGHMEM: no HighMem zone, null highmem"
# -o makes an ordinary file (mkstemp's 0600 is not what a report should be)
( umask 022; "$HMPLAN" layout --ram 1G -o "$tmp/perm.txt" )
is "$(stat -c %a "$tmp/perm.txt")" 644 "-o files get 0666 less the umask"
( umask 077; "$HMPLAN" layout --ram 1G -o "$tmp/perm2.txt" )
is "$(stat -c %a "$tmp/perm2.txt")" 600 "and respect a strict umask"
done_testing
