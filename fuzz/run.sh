#!/bin/sh
# Run fuzz targets on their seed corpora:
#   fuzz/run.sh SECONDS [TARGET...]   (default: every target)
# Seeds come from t/data and fuzz/seeds; the growing corpus and any crash
# (crash-*, leak-*, timeout-*) go to BUILDDIR/fuzz/out/NAME/.  Exit 1 if a
# target found something.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
out=${FUZZ_OUT:-$srcdir/fuzz/out}
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=${*:-size cmdline e820 kconfig machine workload trace}
D=$srcdir/t/data
status=0
for t in $targets; do
	dir=$out/$t
	mkdir -p "$dir/corpus"
	case $t in
	e820) cp "$D"/oracle/logs/*.log "$dir/corpus/" ;;
	kconfig) for f in "$D"/oracle/kconfig/*.config; do head -c 60000 "$f" >"$dir/corpus/$(basename "$f")"; done ;;
	machine) cp "$srcdir"/profiles/machines/*.yaml "$dir/corpus/" ;;
	workload) cp "$srcdir"/profiles/workloads/*.yaml "$dir/corpus/" ;;
	trace) cp "$D"/traces/*.trace "$dir/corpus/" 2>/dev/null ;;
	cmdline) cut -d'|' -f3 "$D/oracle/MANIFEST" | sort -u | split -l 1 - "$dir/corpus/m" ;;
	esac
	[ -d "$srcdir/fuzz/seeds/$t" ] && cp "$srcdir/fuzz/seeds/$t"/* "$dir/corpus/"
	echo "fuzz-$t: $secs s"
	(cd "$dir" && "$out/fuzz-$t" -max_total_time="$secs" -max_len=65536 -timeout=10 \
		-rss_limit_mb=1024 -print_final_stats=1 -close_fd_mask=3 corpus) >"$dir/log" 2>&1
	rc=$?
	grep -E "^stat::number_of_executed_units|^Done|ERROR|SUMMARY" "$dir/log" | sed 's/^/  /'
	if [ $rc -ne 0 ] || ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* >/dev/null 2>&1; then
		echo "fuzz-$t: FOUND A PROBLEM (see $dir/log)"
		status=1
	fi
done
exit $status
