#!/bin/sh
# hmplan stress: every bundled workload, determinism, the --trace-out round
# trip through replay, the headline result of each workload, --fail-on,
# --timeout, and bad workload files.
. "$(dirname "$0")/lib.sh"

M="-p debian-686-pae-8g"
W=$TOP_SRCDIR/profiles/workloads

for w in "$W"/*.yaml; do
	name=$(basename "$w" .yaml)
	run stress $M -w "$name" --ops 20000 --json --no-timing
	is "$status" 0 "$name runs"
	is "$(json 'j["schema"], j["ops"], j["workload"]["name"], j["seed"]')" \
		"('hmplan-stress/1', 20000, '$name', 1)" "$name: report says what ran"
	run check "$w"
	is "$status" 0 "check $name: valid"
done

# determinism
"$HMPLAN" stress $M -w appliance-mixed --ops 30000 --json --no-timing >"$tmp/a1"
"$HMPLAN" stress $M -w appliance-mixed --ops 30000 --json --no-timing >"$tmp/a2"
"$HMPLAN" stress $M -w appliance-mixed --ops 30000 --json --no-timing --seed 2 >"$tmp/a3"
cmp -s "$tmp/a1" "$tmp/a2"
is "$?" 0 "same inputs and seed: the same bytes"
cmp -s "$tmp/a1" "$tmp/a3"
is "$?" 1 "another seed: another run"
unlike "$tmp/a1" '"wall_seconds"' "--no-timing drops wall_seconds"
"$HMPLAN" stress $M -w page-copy --ops 1000 --json >"$tmp/t"
like "$tmp/t" '"wall_seconds"' "timing is there by default"

# --trace-out: replay reports the same counters, errors and deadlock
roundtrip() {
	desc=$1
	shift
	"$HMPLAN" stress "$@" --json --no-timing --trace-out "$tmp/rt.trace" >"$tmp/rt.stress"
	"$HMPLAN" replay --json "$tmp/rt.trace" >"$tmp/rt.replay"
	"$PYTHON3" - "$tmp/rt.stress" "$tmp/rt.replay" >"$tmp/rt.cmp" <<'PY'
import json, sys
s, r = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
c = dict(s["counters"]); c.pop("io")
strip = lambda es: [(e["line"], e["task"], e["kind"]) for e in es]
print(c == r["counters"], strip(s["errors"]) == strip(r["errors"]), s["deadlock"] == r["deadlock"],
      s["events"] == r["events"])
PY
	is "$(cat "$tmp/rt.cmp")" "True True True True" "round trip through replay: $desc"
}
roundtrip "pagecache-read" $M -w pagecache-read --ops 50000
roundtrip "vmap-churn" $M -w vmap-churn --ops 20000
roundtrip "kmap-nested deadlock" $M -w kmap-nested --last-pkmap 32 --ops 50000
roundtrip "appliance-mixed, 686 kernel, 4 CPUs" --ram 8G --no-pae --cpus 4 -w appliance-mixed --ops 20000

# the headline of each workload
run stress $M -w kmap-nested --last-pkmap 32 --json --no-timing
is "$(json 'j["deadlock"] is not None, len(j["deadlock"]["tasks"]), j["errors_by_kind"]["deadlock"]')" \
	"(True, 16, 16)" "kmap-nested deadlocks with a 32-entry pool"
like "$tmp/out" '"code": "deadlock"' "and says so"
run stress $M -w kmap-nested --last-pkmap 32 --fail-on deadlock --quiet
is "$status" 1 "--fail-on deadlock: exit 1"
run stress $M -w kmap-nested --json --no-timing
is "$(json 'j["deadlock"], j["counters"]["pkmap"]["sleeps"]')" "(None, 0)" "not with the kernel's 512 entries"
run stress $M -w kmap-nested --fail-on deadlock,pkmap.sleeps\>0 --quiet
is "$status" 0 "--fail-on that does not hold: exit 0"

run stress $M -w vmap-churn --ops 50000 --json --no-timing
is "$(json 'j["counters"]["vmap"]["failures"] > 0')" True "vmap-churn: vmap fails in the default 120 MiB"
like "$tmp/out" 'try vmalloc=256M' "and suggests a vmalloc="
run stress $M -w vmap-churn --ops 50000 --vmalloc 512M --json --no-timing
is "$(json 'j["counters"]["vmap"]["failures"]')" 0 "not with vmalloc=512M"

run stress $M -w bounce-io --ops 20000 --json --no-timing --trace-out "$tmp/b.trace"
bounced=$(json 'j["counters"]["io"]["bounced"]')
is "$(json "$bounced > 0")" True "bounce-io bounces on a PAE machine with RAM above 4 GiB"
awk '$2 == "kmap_atomic" { n++; if ($3 < 1048576) low++ } END { print n + 0, low + 0 }' "$tmp/b.trace" >"$tmp/ka"
is "$(cat "$tmp/ka")" "$bounced 0" "each bounce maps one page, and every one is above 4 GiB"
sed 's/dma_limit: 4G/dma_limit: 64G/' "$W/bounce-io.yaml" >"$tmp/wide.yaml"
run stress $M -w "$tmp/wide.yaml" --ops 20000 --json --no-timing
is "$(json 'j["counters"]["io"]["bounced"], j["counters"]["io"]["ios"] > 0')" "(0, True)" \
	"a device that reaches 64 GiB bounces nothing"

# A zone's share of the working set is spread over all of the zone's RAM:
# page-copy's 512M (proportional) on 8 GiB PAE maps pages above 4 GiB in
# proportion to the highmem RAM there, and reaches the top of RAM.
"$HMPLAN" layout $M --json >"$tmp/l.json"
eval "$("$PYTHON3" -c 'import json,sys; j=json.load(open(sys.argv[1]))
z = [z for z in j["zones"] if z["name"] == "HighMem"][0]
print("maxlow=%d maxpfn=%d above=%.4f" % (j["pfn"]["max_low_pfn"], j["pfn"]["max_pfn"],
      (j["pfn"]["max_pfn"] - 1048576) / z["present_pages"]))' "$tmp/l.json")"
run stress $M -w page-copy --ops 20000 --json --no-timing --trace-out "$tmp/p.trace"
awk -v low="$maxlow" -v top="$maxpfn" -v want="$above" '
	($2 == "kmap_local" || $2 == "kmap_atomic") && $3 >= low {
		n++; if ($3 >= 1048576) hi++; if ($3 > m) m = $3 }
	END { d = hi / n - want; print (d < 0.05 && d > -0.05), (m >= top * 0.99) }' \
	"$tmp/p.trace" >"$tmp/spread"
is "$(cat "$tmp/spread")" "1 1" "highmem working set spread over the zone: above 4 GiB in proportion, up to the top"
run stress $M -w appliance-mixed --ops 20000 --json --no-timing
is "$(json 'j["counters"]["io"]["bounced"] > 0')" True "so appliance-mixed on 8 GiB PAE bounces I/O"

# --fail-on on numbers and kinds
run stress $M -w pagecache-read --ops 20000 --fail-on 'cost.mapping_overhead_pct>=5' --quiet
is "$status" 1 "--fail-on cost.mapping_overhead_pct>=5"
run stress $M -w pagecache-read --ops 20000 --fail-on 'latency.all.p99_cycles>100000000' --quiet
is "$status" 0 "--fail-on latency.all.p99_cycles>1e8 does not hold"
expect_error 2 "no such number in the report" "an unknown --fail-on key fails before the run" \
	stress $M -w pagecache-read --fail-on 'pkmap.slept>0'
expect_error 2 "--fail-on 'pkmap.sleeps>x'" "a bad --fail-on number" stress $M -w pagecache-read --fail-on 'pkmap.sleeps>x'
expect_error 2 "--fail-on 'nonsense'" "a bad --fail-on condition" stress $M -w pagecache-read --fail-on nonsense

# --timeout: partial results, exit 5
run stress $M -w page-copy --ops 1000000000 --timeout 300ms --json --quiet
is "$status" 5 "--timeout: exit 5"
is "$(json 'j["timed_out"], j["ops"] < 1000000000, j["ops"] > 0')" "(True, True, True)" "with partial results"
expect_error 2 "--timeout 'soon'" "a bad --timeout" stress $M -w page-copy --timeout soon

# --progress goes to stderr only
run stress $M -w page-copy --ops 1000000000 --timeout 1500ms --progress --json --no-timing
like "$tmp/err" 'ops/s' "--progress writes a progress line on stderr"
is "$(json 'j["timed_out"]')" True "and stdout is the report alone"

# other machines
run stress --ram 2G --no-highmem -w page-copy --ops 10000 --json --no-timing
is "$(json 'j["counters"]["local"]["maps"] == j["counters"]["local"]["lowmem"]')" True \
	"a NOHIGHMEM kernel: every kmap_local is a lowmem no-op"
expect_error 2 "does not boot" "a kernel that does not boot" stress --ram 4G --vmalloc 1G -w page-copy
expect_error 2 "no workload" "no -w" stress $M
expect_error 2 "no machine" "no machine" stress -w page-copy
expect_error 2 "-w 'nope': no such workload" "an unknown workload" stress $M -w nope
expect_error 2 "--last-pkmap.*power of two" "a pool that is not a power of two" stress $M -w page-copy --last-pkmap 100
expect_error 4 "/nonexistent/t.trace" "--trace-out into a missing directory" \
	stress $M -w page-copy --ops 100 --trace-out /nonexistent/t.trace

# bad workload files: FILE:LINE:COL, exit 3
badw() {
	printf "$3" >"$tmp/w.yaml"
	expect_error 3 "^hmplan: $tmp/w.yaml:$2" "$1" stress $M -w "$tmp/w.yaml"
}
badw "an unknown kind" "4:12: mix.0.kind: 'memcpy': unknown kind" \
	'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: memcpy, weight: 1}\n'
badw "weights adding up to 0" "4:3: mix: the weights add up to 0" \
	'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: local_copy, weight: 0}\n'
badw "pages: 256-16" "4:32: mix.0.pages: '256-16': the range goes down" \
	'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: vmap_buffer, pages: 256-16}\n'
badw "a working set larger than RAM" "2:22: working set 64 GiB is larger than the machine's RAM" \
	'name: w\npages: {working_set: 64G}\nmix:\n  - {kind: local_copy}\n'
badw "hold on a kind without it" "4:30: mix.0.hold: hold only applies to kind kmap_hold" \
	'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: local_copy, hold: 5}\n'
badw "a bad placement" "2:37: pages.placement: 'middle'" \
	'name: w\npages: {working_set: 1M, placement: middle}\nmix:\n  - {kind: local_copy}\n'
badw "a share above 1" "2:37: pages.placement: '1.5'" \
	'name: w\npages: {working_set: 1M, placement: 1.5}\nmix:\n  - {kind: local_copy}\n'
badw "an unknown key" "2:2[0-9]: unknown key 'size' in pages" \
	'name: w\npages: {working_set: 1M, size: 2}\nmix:\n  - {kind: local_copy}\n'
badw "no mix" "1:1: the file: missing required key 'mix'" 'name: w\npages: {working_set: 1M}\n'
badw "an empty mix" "3:6: mix: needs at least 1 entries" 'name: w\npages: {working_set: 1M}\nmix: []\n'
printf 'name: w\npages: {working_set: 256M, placement: highmem}\nmix:\n  - {kind: local_copy}\n' >"$tmp/w.yaml"
expect_error 3 "^hmplan: $tmp/w.yaml:2:22: 256 MiB of the working set is to be in highmem, but this machine has 0 B" \
	"highmem placement on a machine without highmem" stress --ram 512M -w "$tmp/w.yaml"
done_testing
