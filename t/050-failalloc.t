#!/bin/sh
# Allocation failure: with the Nth malloc/calloc/realloc failing (t/failalloc.so
# preloaded; it covers libcyaml, libyaml, Jansson, glibc and hmplan alike),
# every command either still produces exactly its normal output (exit 0), or
# fails cleanly with exit 4 and a message: never a crash, never a partial
# report, never an -o file left behind.  A sweep over N for each command
# (FAILALLOC_SAMPLES=100000 makes it exhaustive).
. "$(dirname "$0")/lib.sh"

SO=${FAILALLOC_SO:-$TOP_BUILDDIR/t/failalloc.so}
if [ "${HMPLAN_SANITIZED:-no}" = yes ]; then
	echo "1..0 # SKIP sanitizer build: AddressSanitizer owns malloc"
	exit 0
fi
if [ ! -f "$SO" ]; then
	cc -shared -fPIC -O1 -o "$tmp/failalloc.so" "$TOP_SRCDIR/t/failalloc.c" 2>/dev/null && SO=$tmp/failalloc.so
fi
[ -f "$SO" ] || { echo "1..0 # SKIP cannot build t/failalloc.so"; exit 0; }

D=$DATA/oracle
sweep_n() {
	desc=$1
	shift
	"$HMPLAN" "$@" >"$tmp/good" 2>/dev/null
	is "$?" 0 "$desc: runs without failures"
	FAILALLOC_COUNT=$tmp/count LD_PRELOAD=$SO "$HMPLAN" "$@" >/dev/null 2>&1
	total=$(cat "$tmp/count")
	rm -f "$tmp"/report.json*	# the two runs above wrote it: not a leftover
	step=$(( total / ${FAILALLOC_SAMPLES:-120} + 1 ))
	bad=
	n=1
	while [ "$n" -le "$total" ]; do
		FAILALLOC_AT=$n LD_PRELOAD=$SO "$HMPLAN" "$@" >"$tmp/o" 2>"$tmp/e"
		rc=$?
		if [ "$rc" -eq 0 ]; then
			cmp -s "$tmp/o" "$tmp/good" || bad="$bad $n:exit0-but-different-output"
		elif [ "$rc" -eq 4 ]; then
			[ -s "$tmp/e" ] || bad="$bad $n:exit4-silent"
			grep -q '^hmplan: ' "$tmp/e" || bad="$bad $n:no-message"
			ls "$tmp"/report.json* >/dev/null 2>&1 && bad="$bad $n:file-left"
		else
			bad="$bad $n:exit$rc"
		fi
		rm -f "$tmp"/report.json*
		n=$((n + step))
	done
	is "$bad" "" "$desc: every failed allocation of $total is handled"
}

sweep_n "layout -p PROFILE --json" layout -p debian-686-pae-8g --json
sweep_n "layout text" layout --ram 8G --no-pae
sweep_n "layout --dmesg --kconfig -o" layout --dmesg "$D/logs/686-pae_pc_4G_mem-1500M.log" \
	--kconfig "$D/kconfig/debian-6.1.0-50-686-pae.config" --json -o "$tmp/report.json"
sweep_n "sweep jsonl" sweep --ram 1G,8G --split 3G/1G,2G_OPT --format jsonl
sweep_n "stress" stress -p debian-686-pae-1g -w page-copy --ops 2000 --json --no-timing
sweep_n "stress text" stress -p debian-686-pae-4g -w appliance-mixed --ops 2000 --no-timing
sweep_n "replay" replay --json "$DATA/traces/04_nested_deadlock.trace"
sweep_n "check a profile" check "$TOP_SRCDIR/profiles/machines/nonpae-4g-pcihole.yaml"
sweep_n "profiles --json" profiles --json
done_testing
