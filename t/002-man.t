#!/bin/sh
# The man pages: lint-clean, and every option of every --help documented.
. "$(dirname "$0")/lib.sh"

MAN=$TOP_SRCDIR/man
for page in "$MAN"/*.[0-9]; do
	name=$(basename "$page")
	if command -v groff >/dev/null 2>&1; then
		groff -ww -z -man "$page" >"$tmp/lint" 2>&1
		is "$(cat "$tmp/lint")" "" "$name: groff -ww is silent"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1
		is "$(cat "$tmp/lint")" "" "$name: mandoc -Tlint is silent"
	fi
done

# every long option a command's --help shows is in that command's page
for cmd in $(commands); do
	[ "$cmd" = help ] && continue
	page=$MAN/hmplan-$cmd.1
	[ -f "$page" ] || page=$MAN/hmplan.1
	"$HMPLAN" "$cmd" --help >"$tmp/help"
	missing=
	for opt in $(grep -oE -- '--[a-z][a-z0-9-]+' "$tmp/help" | sort -u); do
		esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$esc" "$page" || missing="$missing $opt"
	done
	is "$missing" "" "every option of 'hmplan $cmd --help' is in $(basename "$page")"
done

# every command is in hmplan(1)
for cmd in $(commands); do
	like "$MAN/hmplan.1" "^\.B $cmd" "hmplan(1) describes '$cmd'"
done

# every warning code the code can emit is documented in hmplan-layout(1)
for code in $(grep -ohE 'layout_warn\(o, "[a-z0-9-]+"' "$TOP_SRCDIR"/src/layout*.c | sed 's/.*"\(.*\)"/\1/' | sort -u); do
	esc=$(printf '%s' "$code" | sed 's/-/\\\\-/g')
	like "$MAN/hmplan-layout.1" "^\.B $esc\$" "warning code $code is documented"
done
done_testing
