#!/bin/sh
# The command line itself: help, version, usage errors, exit codes.
. "$(dirname "$0")/lib.sh"

run --help
is "$status" 0 "--help exits 0"
like "$tmp/out" '^Usage: hmplan' "--help prints usage on stdout"
run --version
is "$status" 0 "--version exits 0"
like "$tmp/out" '^hmplan [0-9]+\.[0-9]+' "--version prints the version"
for c in layout profiles check; do
	run help "$c"
	is "$status" 0 "help $c exits 0"
	like "$tmp/out" "^Usage: hmplan $c" "help $c prints its usage"
	run "$c" --help
	like "$tmp/out" "^Usage: hmplan $c" "$c --help prints the same usage"
done
expect_error 2 "no command" "no command is a usage error"
expect_error 2 "no such command 'frobnicate'" "an unknown command is a usage error" frobnicate
expect_error 2 "unknown option '--bogus'.*hmplan layout --help" "an unknown option names itself and the help" layout --bogus
expect_error 2 "--ram needs a value" "a missing option value" layout --ram
expect_error 2 "no machine" "layout without a machine" layout
expect_error 2 "unexpected argument 'extra'" "a stray argument" layout --ram 1G extra
expect_error 2 "help: no such command" "help of an unknown command" help nope
done_testing
