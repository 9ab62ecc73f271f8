#!/bin/sh
# make bench: hmplan replay on generated traces of 1 and 10 million events
# (bench/gentrace, fixed seed): events per second end to end -- reading and
# parsing the file included -- and peak RSS, which must not grow with the
# trace.  Best of 3 runs.  The traces are cached in $BENCH_DIR.
set -eu
HMPLAN=${HMPLAN:-src/hmplan}
GEN=${GEN:-bench/gentrace}
PEAK=${PEAK:-bench/peakrss}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/hmplan-bench}
mkdir -p "$dir"

printf '%-12s %9s %9s %14s %14s %10s\n' events wall_s cpu_s "events/s wall" "events/s cpu" peak_rss
for n in 1000000 10000000; do
	trace=$dir/gentrace-$n-seed1.trace
	if [ ! -s "$trace" ]; then
		"$GEN" "$n" 1 >"$trace.tmp"
		mv "$trace.tmp" "$trace"
	fi
	"$HMPLAN" replay --json "$trace" >"$dir/report.json"
	if ! grep -q '"errors": \[\]' "$dir/report.json"; then
		echo "bench: the generated trace should replay without errors" >&2
		exit 1
	fi
	best=
	for run in 1 2 3; do
		"$PEAK" "$HMPLAN" replay --json "$trace" 2>"$dir/time" >/dev/null
		line=$(tail -n 1 "$dir/time")
		best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF' | sort -n | head -n 1)
	done
	echo "$best" | awk -v n="$n" '{
		printf "%-12d %9.3f %9.3f %14.0f %14.0f %7d KiB\n", n, $1, $2, n / $1, n / ($2 > 0 ? $2 : 1e-9), $3
	}'
done
echo "(target: >= 10000000 events/s on one core; peak RSS flat from 1M to 10M events)"
