#!/bin/sh
# hmplan sweep: the configurations, the three formats, --jobs, the chart.
. "$(dirname "$0")/lib.sh"

run sweep
is "$status" 0 "the default sweep runs"
is "$(($(wc -l <"$tmp/out") - 1))" 72 "9 RAM sizes x (5 splits without PAE + 3 with)"
head -n 2 "$tmp/out" >"$tmp/head"
like "$tmp/head" '^RAM +split +PAE +usable +lowmem +highmem' "the table has a header"
like "$tmp/head" '^256 MiB +3G/1G +yes ' "rows grouped by split, PAE first, RAM ascending"

run sweep --format jsonl
is "$status" 0 "jsonl"
"$PYTHON3" - "$tmp/out" >"$tmp/check" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = {"ram_bytes", "board", "split", "page_offset", "pae", "highmem", "nr_cpus", "lowmem_mb",
        "highmem_mb", "max_low_pfn", "max_pfn", "lowmem_present_bytes", "highmem_present_bytes",
        "usable_bytes", "vmalloc_bytes", "mem_map_bytes", "swiotlb_bytes",
        "lowmem_free_estimate_bytes", "boots", "warnings"}
print(len(rows), all(set(r) == keys for r in rows),
      sorted({(r["split"], r["pae"]) for r in rows if r["split"].endswith("_OPT")}))
PY
is "$(cat "$tmp/check")" "72 True [('2G_OPT', False), ('3G_OPT', False)]" "72 objects, all keys, no _OPT with PAE"

# a row agrees with hmplan layout for the same machine
run sweep --ram 8G --split 2G/2G --pae off --json
cp "$tmp/out" "$tmp/row"
run layout --ram 8G --split 2G/2G --no-pae --json
"$PYTHON3" - "$tmp/row" "$tmp/out" >"$tmp/cmp" <<'PY'
import json, sys
row = json.loads(open(sys.argv[1]).read())
lay = json.load(open(sys.argv[2]))
same = (row["lowmem_mb"] == lay["printed"]["lowmem_mb"] and row["highmem_mb"] == lay["printed"]["highmem_mb"]
        and row["max_pfn"] == lay["pfn"]["max_pfn"] and row["mem_map_bytes"] == lay["overhead"]["mem_map_bytes"]
        and row["lowmem_free_estimate_bytes"] == lay["overhead"]["lowmem_free_estimate_bytes"]
        and row["warnings"] == [w["code"] for w in lay["warnings"]]
        and row["usable_bytes"] == 1024 * lay["printed"]["memory_total_kb"])
print(same)
PY
is "$(cat "$tmp/cmp")" True "a sweep row is the layout of that machine"

run sweep --format csv --ram 1G,4G --split 1G/3G --pae both
is "$(head -n 1 "$tmp/out" | cut -d, -f1-4)" "ram_bytes,split,pae,usable_bytes" "csv header"
is "$(wc -l <"$tmp/out")" 5 "csv: header and 4 rows"
like "$tmp/out" '^4294967296,1G/3G,false,' "csv values in bytes"

"$HMPLAN" sweep --ram 64M..20G:+64M --json >"$tmp/j1"
"$HMPLAN" sweep --ram 64M..20G:+64M --json --jobs 4 >"$tmp/j4"
cmp -s "$tmp/j1" "$tmp/j4"
is "$?" 0 "--jobs 4 gives the same bytes as one thread"
is "$(wc -l <"$tmp/j1")" $((320 * 8)) "320 sizes x 8 split/PAE choices"

run sweep --ram 1G..8G --split 3G/1G --pae on --format jsonl
is "$(wc -l <"$tmp/out")" 4 "1G..8G doubles: 4 sizes"
run sweep --ram 1G..8G:+1G --split 3G/1G --pae on --format jsonl
is "$(wc -l <"$tmp/out")" 8 "1G..8G:+1G: 8 sizes"
run sweep --ram 1G..64G:x4 --split 3G/1G --pae on --format jsonl
is "$(wc -l <"$tmp/out")" 4 "1G..64G:x4: 4 sizes"

expect_error 2 "^hmplan: --ram '8G..1G': the range must go up" "a range going down" sweep --ram 8G..1G
expect_error 2 "^hmplan: --ram '1G..8G:x1': the factor" "a factor of 1" sweep --ram 1G..8G:x1
expect_error 2 "^hmplan: --ram '1G..8G:y2': after the range" "an unknown range suffix" sweep --ram 1G..8G:y2
expect_error 2 "^hmplan: --ram '1G..8Q'" "a bad size in a range" sweep --ram 1G..8Q
expect_error 2 "^hmplan: --ram '4M..40G:\+4K': more than 100000" "too many sizes" sweep --ram 4M..40G:+4K
expect_error 2 "^hmplan: --ram: 2 MiB: RAM size below 4 MiB" "a size no board takes" sweep --ram 2M,1G
expect_error 2 "^hmplan: --split '3G/1G,4G/0G': unknown split" "an unknown split" sweep --split 3G/1G,4G/0G
expect_error 2 "^hmplan: --pae 'maybe'" "a bad --pae" sweep --pae maybe
expect_error 2 "no configuration left" "only _OPT splits with PAE" sweep --split 3G_OPT --pae on
expect_error 2 "^hmplan: --jobs '0'" "--jobs 0" sweep --jobs 0
expect_error 2 "^hmplan: --format 'xml'" "a bad format" sweep --format xml
expect_error 3 "not a .config line" "a bad .config" sweep --kconfig "$TOP_SRCDIR/README.md"

run sweep --svg "$tmp/chart.svg" -o "$tmp/table.txt"
is "$status" 0 "--svg with -o"
is "$(wc -c <"$tmp/out")" 0 "nothing on stdout with -o"
is "$(($(wc -l <"$tmp/table.txt") - 1))" 72 "the table went to the file"
"$PYTHON3" - "$tmp/chart.svg" >"$tmp/svg" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
paths = list(root.iter("{http://www.w3.org/2000/svg}path"))
print(len(paths), "3G/1G PAE" in text, "2G_OPT no PAE" in text, "8 GiB" in text, "4 GiB: without PAE" in text)
PY
is "$(cat "$tmp/svg")" "16 True True True True" "the SVG parses, one line per series and panel, labels and markers"
# with a workload: its key stress results per row
run sweep --ram 256M,2G,8G --split 3G/1G,2G/2G --pae on -w pagecache-read --ops 20000 --format jsonl
is "$status" 0 "sweep -w runs the workload on every configuration"
"$PYTHON3" - "$tmp/out" >"$tmp/st" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = {"mapping_overhead_pct", "cycles_per_op", "pkmap_sleeps", "vmap_failures", "bounced",
        "swiotlb_full", "deadlock"}
by = {(r["ram_bytes"] >> 20, r["split"]): r["stress"] for r in rows}
print(len(rows), "error" in by[(256, "3G/1G")], set(by[(2048, "3G/1G")]) == keys,
      by[(2048, "2G/2G")]["mapping_overhead_pct"] < by[(2048, "3G/1G")]["mapping_overhead_pct"])
PY
is "$(cat "$tmp/st")" "6 True True True" \
	"rows carry the results; 256 MiB cannot hold the working set; 2G/2G maps less than 3G/1G at 2 GiB"
run sweep --ram 2G --split 2G/2G --pae on -w pagecache-read --ops 20000 --format jsonl
"$HMPLAN" stress --ram 2G --split 2G/2G --pae --cpus 2 -w pagecache-read --ops 20000 --json --no-timing >"$tmp/one"
"$PYTHON3" - "$tmp/out" "$tmp/one" >"$tmp/st" <<'PY'
import json, sys
row = json.loads(open(sys.argv[1]).read())["stress"]
one = json.load(open(sys.argv[2]))
print(row["cycles_per_op"] == one["cost"]["cycles_per_op"] and
      row["pkmap_sleeps"] == one["counters"]["pkmap"]["sleeps"])
PY
is "$(cat "$tmp/st")" True "a row's results are those of hmplan stress on that machine"
run sweep --ram 1G,2G -w kmap-nested --ops 5000 --format csv --jobs 2
is "$(head -n 1 "$tmp/out" | tr , '\n' | tail -n 7 | tr '\n' ' ')" \
	"mapping_overhead_pct cycles_per_op pkmap_sleeps vmap_failures bounced swiotlb_full deadlock " \
	"csv gets the workload columns"
expect_error 2 "--ops needs -w" "--ops without a workload" sweep --ops 100
expect_error 2 "-w 'nope'" "an unknown workload" sweep -w nope

run sweep --svg /nonexistent/chart.svg
is "$status" 4 "an SVG that cannot be written is an I/O error"
is "$(wc -c <"$tmp/out")" 0 "and no table is printed"
done_testing
