#!/bin/sh
# hmplan replay on the command line: help, usage errors, bad traces (exit 3,
# one FILE:LINE:COL line, nothing on stdout, no -o file), parameter sources,
# --fail-on, -o, standard input, the text report, and hmplan check on traces.
. "$(dirname "$0")/lib.sh"

T=$DATA/traces

# ---- help and usage ----
run replay --help
is "$status" 0 "replay --help exits 0"
like "$tmp/out" '^Usage: hmplan replay' "replay --help prints its usage on stdout"
run help replay
like "$tmp/out" '^Usage: hmplan replay' "help replay prints the same"
expect_error 2 "no TRACE given" "replay without a trace" replay
expect_error 2 "unknown option '--bogus'.*hmplan replay --help" "an unknown option" replay --bogus x
expect_error 2 "unexpected argument 'b'" "two traces" replay a b
expect_error 2 "--last-pkmap '3': must be a power of two" "a pool that is no power of two" \
	replay --last-pkmap 3 "$T/01_pkmap_wrap.trace"
expect_error 2 "--vmalloc-start '0x1001': must be page aligned" "an unaligned window" \
	replay --vmalloc-start 0x1001 "$T/01_pkmap_wrap.trace"
expect_error 2 "--vmalloc-start/--vmalloc-end: vmalloc_start must be below" "an empty window" \
	replay --vmalloc-start 0x20000 --vmalloc-end 0x10000 "$T/01_pkmap_wrap.trace"
expect_error 2 "--fail-on 'sometimes': not deadlock, errors, an error kind or KEY OP NUMBER" \
	"an unknown --fail-on condition" replay --fail-on deadlock,sometimes "$T/01_pkmap_wrap.trace"
expect_error 2 "--fail-on 'pkmap.bogus': no such number in the report \\(try pkmap.maps, pkmap.hits" \
	"an unknown --fail-on key names the numbers beside it" \
	replay --fail-on 'pkmap.bogus>0' "$T/01_pkmap_wrap.trace"
expect_error 2 "--fail-on 'pkmap.bogus'" "... and is found before the trace is read" \
	replay --fail-on 'pkmap.bogus>0' "$tmp/nosuch.trace"
expect_error 2 "--fail-on 'pkmap.sleeps>x': expected a number" "a comparison without a number" \
	replay --fail-on 'pkmap.sleeps>x' "$T/01_pkmap_wrap.trace"
expect_error 2 "--format 'xml'" "an unknown format" replay --format xml "$T/01_pkmap_wrap.trace"
expect_error 2 "no HIGHMEM" "a NOHIGHMEM kernel has nothing to replay" \
	replay --ram 1G --no-highmem "$T/01_pkmap_wrap.trace"
expect_error 2 "no machine" "kernel options need a machine" replay --pae "$T/01_pkmap_wrap.trace"
expect_error 4 "nosuch.trace: No such file" "a trace that does not exist" replay "$tmp/nosuch.trace"

# ---- bad traces: exit 3, FILE:LINE:COL, nothing on stdout, no -o file ----
bad() {	# bad DESCRIPTION WHERE REGEX TEXT (printf format)
	desc=$1 where=$2 re=$3
	shift 3
	# shellcheck disable=SC2059
	printf "$@" >"$tmp/bad.trace"
	expect_error 3 "^hmplan: $tmp/bad.trace:$where: $re" "bad trace: $desc" replay "$tmp/bad.trace"
	run replay -o "$tmp/report" "$tmp/bad.trace"
	if [ "$status" -eq 3 ] && [ -z "$(ls "$tmp" | grep report)" ]; then
		ok 0 "bad trace: $desc: no -o file left"
	else
		ok 1 "bad trace: $desc: no -o file left"
		diag "exit $status; $(ls "$tmp")"
	fi
}
bad "a typo in an op" 2:3 "unknown operation 'vmunmap'" 'A vmap x 1\nA vmunmap x\n'
bad "an unknown op" 1:5 "unknown operation 'map'" '  A map 5\n'
bad "a bad number" 1:8 "not a number" 'A kmap 12z\n'
bad "a number too large" 1:8 "number out of range" 'A kmap 99999999999999999999\n'
bad "a missing argument" 3:7 "missing argument: the syntax is 'kmap PFN'" '# c\n\nA kmap\n'
bad "an extra argument" 1:12 "too many arguments" 'A vmap v 1 2\n'
bad "a bad task name" 1:2 "unexpected character '@'" 'A@b kmap 1\n'
bad "a task name too long" 1:1 "task name longer than 255" "$(printf '%0300d' 0 | tr 0 A) kmap 1\n"
bad "binary garbage" 2:1 "unexpected character '\\\\x89'" 'A kmap 1\n\211PNG\r\n\032\n'
bad "a NUL byte" 1:9 "NUL byte" 'A kmap 1\000\n'
bad "cpu beyond the CPUs" 2:7 "cpu 2: the machine has 2 CPUs" '#@ cpus=2\nA cpu 2\n'
bad "an unknown #@ key" 1:4 "unknown parameter 'colour'" '#@ colour=3\n'
bad "a bad #@ value" 1:15 "last_pkmap=5: must be a power of two" '#@ last_pkmap=5\n'
bad "#@ after an event" 2:1 "'#@' parameters after the first event" 'A kmap 1\n#@ cpus=2\n'
bad "an empty vmalloc window from #@" 1:1 "vmalloc_start must be below" \
	'#@ vmalloc_start=0x2000 vmalloc_end=0x1000\n'
head -c 1100000 /dev/zero | tr '\0' 'x' >"$tmp/long.trace"
expect_error 3 "long.trace:1:1048577: line longer than 1048576 bytes" "a line over 1 MiB" \
	replay "$tmp/long.trace"

# CRLF line ends are fine
printf '#@ cpus=2 max_low_pfn=1000\r\nA kmap 2000\r\nA kunmap 2000\r\n' >"$tmp/crlf.trace"
run replay --json "$tmp/crlf.trace"
is "$status" 0 "CRLF line ends are read"
is "$(json 'j["params"]["cpus"], j["counters"]["pkmap"]["maps"], len(j["errors"])')" "(2, 1, 0)" \
	"... with their values"

# ---- parameters: defaults < machine < #@ lines < options ----
run replay --json "$T/05_lifo_violation.trace"
is "$(json 'j["params"]["last_pkmap"], j["params"]["cpus"], j["params"]["lazy_max_pages"]')" \
	"(1024, 1, 8192)" "defaults of S7.1 without a machine"
is "$(json 'j["schema"], j["events"], j["deadlock"]')" "('hmplan-replay/1', 12, None)" \
	"schema, events and deadlock keys"
run replay --json --ram 8G --pae --cpus 4 "$T/05_lifo_violation.trace"
is "$(json 'j["params"]["last_pkmap"], j["params"]["max_low_pfn"], j["params"]["cpus"]')" \
	"(512, 1000, 4)" "a PAE machine gives 512 entries; the trace's max_low_pfn wins"
is "$(json 'hex(j["params"]["vmalloc_start"]), hex(j["params"]["vmalloc_end"])')" \
	"('0xf77fe000', '0xfeffe000')" "... and the machine's vmalloc window"
is "$(json 'j["params"]["lazy_max_pages"]')" 24576 "lazy_max_pages = fls(4) x 8192"
run replay --json --ram 8G --pae /dev/null
is "$(json 'j["params"]["max_low_pfn"]')" 225278 "max_low_pfn from the layout (0x36ffe)"
run replay --json --last-pkmap 8 --cpus 3 --max-low-pfn 0x10 --lazy-max-pages 7 \
	"$T/01_pkmap_wrap.trace"
is "$(json 'j["params"]["last_pkmap"], j["params"]["cpus"], j["params"]["max_low_pfn"], j["params"]["lazy_max_pages"]')" \
	"(8, 3, 16, 7)" "options win over the trace's #@ lines"
is "$(json 'j["counters"]["pkmap"]["flush_calls"]')" 0 "... and change the outcome"

# ---- --fail-on ----
run replay --fail-on deadlock --json "$T/04_nested_deadlock.trace"
is "$status" 1 "--fail-on deadlock with a deadlock: exit 1"
is "$(json 'j["deadlock"]["tasks"]')" "['T0', 'T1', 'T2', 'T3']" "... and the report is written"
run replay --fail-on deadlock "$T/05_lifo_violation.trace"
is "$status" 0 "--fail-on deadlock without one: exit 0"
run replay --fail-on lifo_violation "$T/05_lifo_violation.trace"
is "$status" 1 "--fail-on a kind that occurred"
run replay --fail-on vmap_unknown_id,switch_in_atomic "$T/05_lifo_violation.trace"
is "$status" 0 "--fail-on kinds that did not occur"
run replay --fail-on errors "$T/01_pkmap_wrap.trace"
is "$status" 0 "--fail-on errors, none"
run replay --fail-on errors "$T/02_pkmap_reuse.trace"
is "$status" 1 "--fail-on errors, one"
run replay --fail-on 'pkmap.sleeps>0' "$T/03_pkmap_sleep.trace"
is "$status" 1 "--fail-on KEY>N that holds"
run replay --fail-on 'pkmap.sleeps>3' "$T/03_pkmap_sleep.trace"
is "$status" 0 "--fail-on KEY>N at the boundary does not hold"
run replay --fail-on 'pkmap.sleeps>=3' "$T/03_pkmap_sleep.trace"
is "$status" 1 "--fail-on KEY>=N at the boundary holds"
run replay --fail-on 'vmap.failures>0,events<14' "$T/03_pkmap_sleep.trace"
is "$status" 0 "--fail-on top-level and counter keys, neither holds"
run replay --fail-on 'vmap.failures>0,events==14' "$T/03_pkmap_sleep.trace"
is "$status" 1 "--fail-on: one of the list holds"

# ---- -o and standard input ----
run replay --json "$T/08_vmap_frag.trace"
cp "$tmp/out" "$tmp/stdout.json"
run replay --json -o "$tmp/report.json" "$T/08_vmap_frag.trace"
is "$status" 0 "-o FILE exits 0"
is "$(wc -c <"$tmp/out")" 0 "... prints nothing"
is "$(cmp -s "$tmp/report.json" "$tmp/stdout.json"; echo $?)" 0 "... and writes the same report"
is "$(ls "$tmp" | grep -c 'report.json.tmp')" 0 "... with no temporary file left"
expect_error 4 "nodir/r.json" "-o into a missing directory" \
	replay -o "$tmp/nodir/r.json" "$T/08_vmap_frag.trace"
${VALGRIND:-} "$HMPLAN" replay --json - <"$T/08_vmap_frag.trace" >"$tmp/out" 2>"$tmp/err"
is "$?" 0 "- reads standard input"
is "$(json 'j["trace"], j["counters"]["vmap"]["failures"]')" "('<stdin>', 1)" "... named <stdin>"
printf 'A kmap x\n' | ${VALGRIND:-} "$HMPLAN" replay - >"$tmp/out" 2>"$tmp/err"
is "$?" 3 "a bad trace on standard input"
like "$tmp/err" '^hmplan: <stdin>:1:8: ' "... is named <stdin>"

# ---- the text report ----
run replay "$T/04_nested_deadlock.trace"
is "$status" 0 "the text report"
like "$tmp/out" '^pkmap\.flush_calls +5 ' "counters as a table"
like "$tmp/out" "04_nested_deadlock.trace:15: task T0: deadlock: asleep in kmap\(1011\)" \
	"errors as TRACE:LINE: task T: kind: detail"
like "$tmp/out" '^  T3: asleep in kmap\(1014\) at line 18; holds 1 kmap\(\): 1004$' \
	"the deadlock with what each task holds"
run replay "$T/01_pkmap_wrap.trace"
like "$tmp/out" '^errors: none$' "no errors"
like "$tmp/out" '^deadlock: none$' "no deadlock"
like "$tmp/out" '^  last_pkmap +4 \(trace\)$' "parameters say where they came from"

# ---- hmplan check on traces ----
sed -e 's/"maps": 7, "hits"/"maps": 9, "hits"/' "$T/01_pkmap_wrap.trace" >"$tmp/wrong.trace"
run check "$tmp/wrong.trace"
is "$status" 1 "check: a trace whose #= lines are wrong: exit 1"
like "$tmp/out" 'wrong.trace: differs: counters.pkmap.maps: expected 9, replay 7' \
	"... the difference is printed"
sed -e 's/"line": 16, "task": "B"/"line": 17, "task": "B"/' "$T/02_pkmap_reuse.trace" \
	>"$tmp/wrong2.trace"
run check -q "$tmp/wrong2.trace" "$T/03_pkmap_sleep.trace"
is "$status" 1 "check: wrong errors"
like "$tmp/out" 'differs: errors' "... printed even with -q"
unlike "$tmp/out" '03_pkmap_sleep.trace: ok' "-q keeps quiet about the good one"
printf '#= {"pkmap": {"maps": 1}\nA kmap 5000\n' >"$tmp/badjson.trace"
expect_error 3 "badjson.trace:1:[0-9]+: '#=' expectation" "check: #= that is no JSON" \
	check "$tmp/badjson.trace"
printf 'A kmap 5000\nA kunmap 5000\n' >"$tmp/plain.trace"
run check "$tmp/plain.trace"
is "$status" 0 "check: a trace without #= lines"
like "$tmp/out" 'plain.trace: ok: trace, 2 events, no #= lines to compare' "... says so"
printf 'A kmap\n' >"$tmp/broken.trace"
expect_error 3 "broken.trace:1:7: missing argument" "check: a broken trace" check "$tmp/broken.trace"
# the text report names each error with its line, task and what happened
run replay "$T/07_kmap_in_atomic.trace"
like "$tmp/out" '07_kmap_in_atomic.trace:15: task A: sleep_in_atomic: kunmap\(1001\) may sleep, but the task holds 1 kmap_atomic' \
	"a kunmap() inside kmap_atomic: file:line, task, kind and detail"
like "$tmp/out" '07_kmap_in_atomic.trace:13: task A: sleep_in_atomic: kmap\(1001\) may sleep' "and a kmap()"
done_testing
