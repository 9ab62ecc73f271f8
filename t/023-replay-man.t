#!/bin/sh
# The worked examples of hmplan-trace(5) and hmplan-replay(1) are real: the
# traces they show replay, and give the results the pages say.
. "$(dirname "$0")/lib.sh"

MAN=$TOP_SRCDIR/man
# the N-th .EX block of a page, man escapes undone
example() {
	awk -v n="$2" '/^\.EX/ {k++; on = (k == n); next} /^\.EE/ {on = 0} on' "$1" |
		sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/^\\&//'
}

example "$MAN/hmplan-trace.5" 2 >"$tmp/ex1.trace"
run check "$tmp/ex1.trace"
is "$status" 0 "hmplan-trace(5): the example with #= lines passes hmplan check"
like "$tmp/out" 'ok: trace, 5 events, results match' "... five events, as it says"

example "$MAN/hmplan-trace.5" 3 >"$tmp/ex2.trace"
run replay --json --fail-on deadlock "$tmp/ex2.trace"
is "$status" 1 "hmplan-trace(5): the nested-kmap example deadlocks"
is "$(json 'j["deadlock"]["tasks"]')" "['T0', 'T1', 'T2', 'T3']" "... all four tasks"

example "$MAN/hmplan-trace.5" 4 >"$tmp/ex3.trace"
run replay --json "$tmp/ex3.trace"
is "$(json 'j["counters"]["vmap"]["failures"], j["counters"]["vmap"]["purges"], j["errors"]')" \
	"(1, 1, [])" "hmplan-trace(5): the vmap example fails once, after one purge, silently"

example "$MAN/hmplan-replay.1" 1 | sed -n '/^#@/,/^\$ hmplan/p' | sed '$d' >"$tmp/demo.trace"
run replay "$tmp/demo.trace"
is "$status" 0 "hmplan-replay(1): the demo trace replays"
like "$tmp/out" "demo.trace:4: task B: touch_unmapped: page 2001 is not mapped" \
	"... with the touch_unmapped the page shows"
like "$tmp/out" "demo.trace:7: task B: unmap_not_mapped: kunmap\(1001\)" \
	"... and the unmap_not_mapped"
like "$tmp/out" '^local.sched_out_unmaps +1 ' "... and one slot torn down"
done_testing
