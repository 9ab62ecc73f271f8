#!/bin/sh
# hmplan layout against real Linux 6.1 i386 boots (t/data/oracle): every boot's
# printed LOWMEM/HIGHMEM, zones, Memory: line, pfns and sizing messages.
. "$(dirname "$0")/lib.sh"

"$PYTHON3" "$TOP_SRCDIR/t/check-layout.py" --hmplan "$HMPLAN" --boots "$DATA/oracle" -v \
	>"$tmp/oracle" 2>&1
checker=$?
while IFS= read -r line; do
	case $line in
	"ok   "*) ok 0 "boot ${line#ok   }" ;;
	"FAIL "*) ok 1 "boot ${line#FAIL }" ;;
	" "*) diag "$line" ;;
	esac
done <"$tmp/oracle"
boots=$(grep -c . "$DATA/oracle/MANIFEST")
is "$(grep -Ec '^(ok  |FAIL)' "$tmp/oracle")" "$boots" "every boot in the MANIFEST was checked"
is "$checker" 0 "check-layout.py: $(tail -n 1 "$tmp/oracle")"
done_testing
