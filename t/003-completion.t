#!/bin/sh
# The bash completion script: valid bash, and in step with the commands'
# own --help (every command, every long option).
. "$(dirname "$0")/lib.sh"

C=$TOP_SRCDIR/completions/hmplan
bash -n "$C"
is "$?" 0 "the completion script is valid bash"
cmds=$(commands)
for cmd in $cmds; do
	grep -q "local commands=.*\\b$cmd\\b" "$C"
	is "$?" 0 "completes the command '$cmd'"
	[ "$cmd" = help ] && continue
	missing=
	for opt in $("$HMPLAN" "$cmd" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		# an option of the command, or a machine option (the \$machine list)
		awk -v c="$cmd)" '$1 == c || /local machine=/ {p = 1} p {print} /;;/ {p = 0}' "$C" |
			grep -q -- "$opt\\b" || missing="$missing $opt"
	done
	is "$missing" "" "completes every option of 'hmplan $cmd'"
done
done_testing
