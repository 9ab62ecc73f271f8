# Shared preamble of the shell tests: sourced by every t/NNN-*.t.  TAP out.
# Works from 'make check' (which sets HMPLAN, TOP_SRCDIR, TOP_BUILDDIR) and
# from 'prove -r t/' in the source tree (which does not).
set -u
LC_ALL=C
export LC_ALL
unset HMPLAN_PROFILE_DIR

t_dir=$(cd "$(dirname "$0")" && pwd)
: "${TOP_SRCDIR:=$(cd "$t_dir/.." && pwd)}"
: "${TOP_BUILDDIR:=$TOP_SRCDIR}"
: "${HMPLAN:=$TOP_BUILDDIR/src/hmplan}"
: "${PYTHON3:=python3}"
DATA=$TOP_SRCDIR/t/data
export HMPLAN TOP_SRCDIR TOP_BUILDDIR DATA

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hmplan-t.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

t_n=0
t_failed=0

# ok STATUS DESCRIPTION: one TAP line; STATUS 0 is a pass
ok() {
	t_n=$((t_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $t_n - $2"
	else
		echo "not ok $t_n - $2"
		t_failed=$((t_failed + 1))
	fi
}

# diag TEXT: a TAP comment (shown by prove -v and in the .log)
diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# run ARGS...: run hmplan (under $VALGRIND if set); sets $status, out/err files
run() {
	${VALGRIND:-} "$HMPLAN" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
}

# commands: the commands hmplan --help lists, one per line
commands() {
	"$HMPLAN" --help | awk '/^Commands:/ {on = 1; next} on && /^  [a-z]/ {print $1}'
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "got:  '$1'" "want: '$2'"
	fi
}

# like FILE REGEX DESCRIPTION: FILE has a line matching the extended regex
like() {
	if grep -Eq -- "$2" "$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		diag "no line of $(basename "$1") matches /$2/:" "$(head -c 2000 "$1")"
	fi
}

unlike() {
	if grep -Eq -- "$2" "$1"; then
		ok 1 "$3"
		diag "a line of $(basename "$1") matches /$2/:" "$(grep -E -- "$2" "$1" | head -5)"
	else
		ok 0 "$3"
	fi
}

# json EXPR: evaluate a Python expression on the JSON in $tmp/out (as j)
json() {
	"$PYTHON3" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
		"$tmp/out" "$1"
}

# expect_error STATUS REGEX DESCRIPTION ARGS...: a clean failure: the exit
# status, one line on stderr matching REGEX, nothing on stdout
expect_error() {
	want=$1 re=$2 desc=$3
	shift 3
	run "$@"
	lines=$(wc -l <"$tmp/err")
	if [ "$status" -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	   grep -Eq -- "$re" "$tmp/err"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "exit $status (want $want), $lines stderr lines:" "$(head -c 1000 "$tmp/err")" \
			"stdout: $(head -c 300 "$tmp/out")"
	fi
}

done_testing() {
	echo "1..$t_n"
	[ "$t_failed" -eq 0 ]
}
