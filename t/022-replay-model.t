#!/bin/sh
# Differential test: random traces (deadlocks, sleeps, mistakes, small pools,
# fragmentation) through hmplan replay and through t/replay-model.py, a
# deliberately naive model of highmem-engine.md S7.  They must agree on every
# counter, every error (line, task, kind), and the deadlock.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" "$TOP_SRCDIR/t/replay-model.py" --compare "$HMPLAN" 1 301 >"$tmp/cmp" 2>&1
status=$?
while IFS= read -r line; do
	case $line in
	"ok "*) ok 0 "random trace, seed ${line#ok }" ;;
	"FAIL "*) ok 1 "random trace, seed ${line#FAIL }" ;;
	*) diag "$line" ;;
	esac
done <"$tmp/cmp"
is "$status" 0 "the model and hmplan agree on all of them"
done_testing
