#!/bin/sh
# make bench: the performance figures the issues ask for, measured end to
# end (process start, profile and layout, parsing included), best of 3 runs,
# each with its peak RSS:
#   - hmplan replay of generated traces of 1 and 10 million events
#     (bench/gentrace, fixed seed): events per second, RSS flat in length;
#   - hmplan stress, pagecache-read on an 8 GiB PAE machine: operations/s;
#   - hmplan stress over all 64 GiB of a PAE machine, 10 million operations:
#     peak RSS (state per page touched, never per page of RAM);
#   - hmplan sweep of 10 000 layout configurations: seconds.
# Traces are cached in $BENCH_DIR.  The output is what bench/RESULTS.md holds.
set -eu
HMPLAN=${HMPLAN:-src/hmplan}
GEN=${GEN:-bench/gentrace}
PEAK=${PEAK:-bench/peakrss}
SRCDIR=${SRCDIR:-.}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/hmplan-bench}
mkdir -p "$dir"

# best3 CMD...: run CMD three times; print "WALL CPU MAXRSS_KB" of the
# fastest run.
best3()
{
	best=
	for _ in 1 2 3; do
		"$PEAK" "$@" 2>"$dir/time" >/dev/null
		line=$(tail -n 1 "$dir/time")
		best=$(printf '%s\n%s\n' "$best" "$line" | awk 'NF' | sort -n | head -n 1)
	done
	echo "$best"
}

# row LABEL COUNT UNIT: format best3's line as a table row, COUNT things
# done per wall and per CPU second.
row()
{
	awk -v label="$1" -v n="$2" -v unit="$3" '{
		printf "%-34s %9.3f %9.3f %12.0f %12.0f %-7s %7d KiB\n", label,
			$1, $2, n / $1, n / ($2 > 0 ? $2 : 1e-9), unit, $3
	}'
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
echo "hmplan bench -- $("$HMPLAN" --version)"
echo "machine: ${cpu:-unknown CPU}, $(nproc) online CPUs, $(uname -srm)"
echo "date: $(date -u +%Y-%m-%d)"
echo
printf '%-34s %9s %9s %12s %12s %-7s %11s\n' what wall_s cpu_s "per s wall" "per s cpu" unit peak_rss

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
	best3 "$HMPLAN" replay --json "$trace" | row "replay, $n-event trace" "$n" events
done

ops=20000000
best3 "$HMPLAN" stress -p debian-686-pae-8g -w pagecache-read --ops $ops --seed 1 --json |
	row "stress pagecache-read, 8G PAE" $ops ops

ops=10000000
best3 "$HMPLAN" stress -p debian-686-pae-64g -w "$SRCDIR/bench/whole-ram.yaml" --ops $ops --seed 1 --json |
	row "stress whole-ram, 64G PAE" $ops ops

# 4M..40000M in steps of 4M: 10 000 machines.
best3 "$HMPLAN" sweep --ram 4M..40000M:+4M --split 3G/1G --pae on --format csv |
	row "sweep, 10000 layouts" 10000 layouts

echo
echo "targets: replay >= 10000000 events/s, RSS flat from 1M to 10M events;"
echo "stress pagecache-read >= 20000000 ops/s; whole-ram peak RSS < 65536 KiB;"
echo "sweep of 10000 layouts < 1 s (all on one core)."
