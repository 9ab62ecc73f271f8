#!/bin/sh
# hmplan replay against the worked traces (t/data/traces): each carries its
# expected counters, errors and deadlock in #= lines (highmem-engine.md S9).
. "$(dirname "$0")/lib.sh"

"$PYTHON3" "$TOP_SRCDIR/t/check-replay.py" --hmplan "$HMPLAN" "$DATA"/traces/*.trace \
	>"$tmp/checked" 2>&1
checker=$?
for trace in "$DATA"/traces/*.trace; do
	name=$(basename "$trace")
	if grep -q "^FAIL $name\$" "$tmp/checked"; then
		ok 1 "$name matches its #= lines"
		diag "$(sed -n "/^FAIL $name\$/,/^[^ ]/p" "$tmp/checked" | sed '1d;$d')"
	else
		ok 0 "$name matches its #= lines"
	fi
done
is "$checker" 0 "check-replay.py: $(tail -n 1 "$tmp/checked")"

# hmplan check says the same, and so does the text report
run check "$DATA"/traces/*.trace
is "$status" 0 "hmplan check accepts every worked trace"
is "$(grep -c ': ok: trace' "$tmp/out")" "$(ls "$DATA"/traces/*.trace | wc -l)" \
	"... one ok line per trace"
done_testing
