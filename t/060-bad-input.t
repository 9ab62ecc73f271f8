#!/bin/sh
# The bad-input suite: every command and every kind of file, fed what people
# actually feed tools.  Each case asserts the exit status of DESIGN.md section
# 3, exactly one line on stderr naming FILE:LINE:COL or the option, nothing on
# stdout, and no -o file (temporary or final) left behind.
. "$(dirname "$0")/lib.sh"

O=$tmp/report.out
M="-p debian-686-pae-1g"

# bad STATUS REGEX DESC ARGS...: with -o added where the command has it
bad() {
	want=$1 re=$2 desc=$3
	shift 3
	case " $* " in
	*" -o "*|*" --ram ") ;;		# its own -o, or an option missing its value
	*) case $1 in layout|sweep|stress|replay) set -- "$@" -o "$O" ;; esac ;;
	esac
	run "$@"
	lines=$(wc -l <"$tmp/err")
	left=$(ls "$tmp" | grep -c '^report\.out' || true)
	if [ "$status" -eq "$want" ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	   [ "$left" -eq 0 ] && grep -Eq -- "$re" "$tmp/err"; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		diag "exit $status (want $want), $lines stderr lines, $left output files:" \
			"$(head -c 600 "$tmp/err")" "stdout: $(head -c 200 "$tmp/out")"
	fi
	rm -f "$tmp"/report.out*
}

mk() { printf "$2" >"$tmp/$1"; }
big_line() { head -c 10485760 /dev/zero | tr '\0' "$2" >"$tmp/$1"; }

# ---- option values ----
bad 2 "^hmplan: --ram '99999999T': too large" "size too large" layout --ram 99999999T
bad 2 "^hmplan: --ram '18446744073709551616': too large" "size past 2^64" layout --ram 18446744073709551616
bad 2 "^hmplan: --ram '-1G': sizes cannot be negative" "negative size" layout --ram -1G
bad 2 "^hmplan: --ram '0': RAM size below 4 MiB" "zero size" layout --ram 0
bad 2 "^hmplan: --ram '8Q': unknown unit" "unknown unit" layout --ram 8Q
bad 2 "^hmplan: --split '4G/0G': unknown split" "unknown split" layout --ram 1G --split 4G/0G
bad 2 "^hmplan: --nr-cpus '-3': not a number" "negative count" layout --ram 1G --nr-cpus -3
bad 2 "^hmplan: --cmdline: 'mem=99999999999999999999': value too large" "kernel parameter past 2^64" \
	layout --ram 1G --cmdline mem=99999999999999999999
bad 2 "use only one of --ram, --e820 and --dmesg" "--ram with --e820" layout --ram 1G --e820 /dev/null
bad 2 "^hmplan: unknown option '--rma'" "a misspelt option" layout --rma 1G
bad 2 "^hmplan: --ram needs a value" "a missing option value" layout --ram
bad 2 "^hmplan: --ram '0..8G': the range must go up from a size above 0" "sweep range from 0" sweep --ram 0..8G
bad 2 "^hmplan: --ram '1G..8G:x0': the factor" "sweep factor 0" sweep --ram 1G..8G:x0
bad 2 "^hmplan: --jobs '1000': out of range" "sweep --jobs 1000" sweep --jobs 1000
bad 2 "^hmplan: --ops '0': out of range" "stress --ops 0" stress $M -w page-copy --ops 0
bad 2 "^hmplan: --ops '-5'" "stress --ops -5" stress $M -w page-copy --ops -5
bad 2 "^hmplan: --seed '99999999999999999999'" "seed past 2^64" stress $M -w page-copy --seed 99999999999999999999
bad 2 "^hmplan: --timeout '-1s'" "negative timeout" stress $M -w page-copy --timeout -1s
bad 2 "^hmplan: --cpus '0': out of range" "zero CPUs" stress $M -w page-copy --cpus 0
bad 2 "^hmplan: --tasks '5000': out of range" "too many tasks" stress $M -w page-copy --tasks 5000
bad 2 "power of two" "a pkmap pool that is not a power of two" replay --last-pkmap 3 "$DATA/traces/01_pkmap_wrap.trace"
bad 2 "--cpus" "replay with no CPUs" replay --cpus 0 "$DATA/traces/01_pkmap_wrap.trace"

# ---- boot logs and e820 lines ----
mk empty.log ''
bad 3 "^hmplan: $tmp/empty.log:1:1: no BIOS-e820 lines" "empty log" layout --e820 "$tmp/empty.log"
head -c 5000 /dev/urandom >"$tmp/garbage.log"
bad 3 "^hmplan: $tmp/garbage.log:[0-9]+:[0-9]+: " "binary garbage log" layout --dmesg "$tmp/garbage.log"
mk nul.log 'BIOS-e820: [mem 0x0-0x9fbff] usable\n\000\nBIOS-e820: [mem 0x100000-0x3fffffff] usable\n'
bad 3 "^hmplan: $tmp/nul.log:2:1: binary data" "NUL byte in a log" layout --e820 "$tmp/nul.log"
big_line long.log x
bad 3 "^hmplan: $tmp/long.log:1:1: no BIOS-e820 lines" "a 10 MB single line" layout --e820 "$tmp/long.log"
mk garbled.log 'BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0xZZ] usable\n'
bad 3 "^hmplan: $tmp/garbled.log:2:28: expected a hexadecimal address" "a garbled range" layout --e820 "$tmp/garbled.log"
mk huge.log 'BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0x1ffffffffffffffff] usable\n'
bad 3 "^hmplan: $tmp/huge.log:2:[0-9]+: address does not fit 64 bits" "an address past 2^64" layout --e820 "$tmp/huge.log"
mk cut.log 'BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0x3fff'
bad 3 "^hmplan: $tmp/cut.log:2:[0-9]+: line ends inside the range" "a truncated log" layout --dmesg "$tmp/cut.log"
mk noe820.log 'Linux version 6.1.0\nKernel command line: mem=1G\n'
bad 3 "^hmplan: $tmp/noe820.log:1:1: no BIOS-e820 lines" "a dmesg without e820 lines" layout --dmesg "$tmp/noe820.log"
mk single.log 'BIOS-e820: [mem 0x0-0x3fffffff] usable\n'
bad 3 "fewer than 2 ranges" "a single-range map" layout --e820 "$tmp/single.log"
bad 4 "^hmplan: $tmp/missing.log: No such file" "a missing log" layout --e820 "$tmp/missing.log"
bad 4 "^hmplan: $tmp: Is a directory" "a directory as a log" layout --dmesg "$tmp"

# ---- .config ----
cp "$TOP_SRCDIR/profiles/machines/debian-686-1g.yaml" "$tmp/yaml.config"
bad 3 "^hmplan: $tmp/yaml.config:2:1: not a .config line" "a YAML file as .config" layout --ram 1G --kconfig "$tmp/yaml.config"
mk empty.config ''
bad 3 "^hmplan: $tmp/empty.config:1:1: no CONFIG_ options" "an empty .config" layout --ram 1G --kconfig "$tmp/empty.config"
head -c 3000 /dev/urandom >"$tmp/garbage.config"
bad 3 "^hmplan: $tmp/garbage.config:" "a binary .config" layout --ram 1G --kconfig "$tmp/garbage.config"
big_line long.config y
bad 3 "^hmplan: $tmp/long.config:1:1: not a .config line" "a 10 MB line in a .config" layout --ram 1G --kconfig "$tmp/long.config"
mk cpus.config 'CONFIG_NR_CPUS=99999999999999999999\n'
bad 3 "^hmplan: $tmp/cpus.config:1:16: expected a number in range" "NR_CPUS past 2^64" layout --ram 1G --kconfig "$tmp/cpus.config"

# ---- machine profiles ----
prof() {
	want=$1 re=$2 desc=$3 text=$4
	printf "$text" >"$tmp/m.yaml"
	bad "$want" "^hmplan: $tmp/m.yaml:$re" "$desc" layout -p "$tmp/m.yaml"
}
prof 3 "1:1: empty YAML document" "empty profile" ''
prof 3 "1:[0-9]+: " "binary garbage profile" '\001\002\003\004\177\376garbage'
prof 3 "1:[0-9]+: " "NUL in a profile" 'name: x\000\nmemory: {ram: 1G}\n'
prof 3 "4:3: unknown key 'colour' in memory" "unknown key" 'name: x\nmemory:\n  ram: 1G\n  colour: blue\n'
prof 3 "1:7: YAML anchors" "an anchor" 'name: &a x\nmemory: {ram: 1G}\n'
prof 3 "3:14: YAML aliases" "an alias" 'name: x\nmemory: {ram: 1G}\ndescription: *a\n'
prof 3 "2:1: duplicate key 'name'" "a duplicate key" 'name: x\nname: y\nmemory: {ram: 1G}\n'
prof 3 "3:8: ram: expected a single value" "a list for a value" 'name: x\nmemory:\n  ram: [1G]\n'
prof 3 "2:9: memory: expected a mapping" "a value for a mapping" 'name: x\nmemory: 1G\n'
prof 3 "1:1: the file: missing required key 'name'" "missing name" 'memory: {ram: 1G}\n'
prof 3 "2:9: memory: give exactly one of ram, e820 and dmesg" "both ram and e820" \
	'name: x\nmemory: {ram: 1G, e820: [{start: 0, end: 0x9fbff, type: usable}]}\n'
prof 3 "2:15: memory.ram: '18446744073709551616': too large" "RAM past 2^64" 'name: x\nmemory: {ram: 18446744073709551616}\n'
prof 3 "2:15: memory.ram: '-4G': sizes cannot be negative" "negative RAM" 'name: x\nmemory: {ram: -4G}\n'
prof 3 "2:15: memory.ram: '0': RAM size below 4 MiB" "zero RAM" 'name: x\nmemory: {ram: 0}\n'
prof 3 "3:[0-9]+: YAML nested too deeply" "deeply nested" \
	"name: x\nmemory: {ram: 1G}\ndescription: $(awk 'BEGIN{for(i=0;i<50;i++)printf "[";for(i=0;i<50;i++)printf "]"}')\n"
prof 3 "2:7: cpus: '1.5': not a number" "a fraction for a count" 'name: x\ncpus: "1.5"\nmemory: {ram: 1G}\n'
printf 'name: x\r\nmemory:\r\n  ram: 1G\r\n' >"$tmp/crlf.yaml"
run layout -p "$tmp/crlf.yaml" --json
is "$status" 0 "a profile with CRLF line ends is fine"
{ printf 'name: x\nmemory: {ram: 1G}\ndescription: '; head -c 2000000 /dev/zero | tr '\0' 'a'; echo; } >"$tmp/m.yaml"
bad 3 "^hmplan: $tmp/m.yaml:1:1: file larger than 1 MiB" "a 2 MB profile" layout -p "$tmp/m.yaml"

# ---- workload profiles ----
wl() {
	want=$1 re=$2 desc=$3 text=$4
	printf "$text" >"$tmp/w.yaml"
	bad "$want" "^hmplan: $tmp/w.yaml:$re" "$desc" stress $M -w "$tmp/w.yaml" --ops 100
}
wl 3 "1:1: empty YAML document" "empty workload" ''
wl 3 "4:12: mix.0.kind: 'memcpy': unknown kind" "unknown kind" 'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: memcpy}\n'
wl 3 "4:3: mix: the weights add up to 0" "weights summing to 0" 'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: local_copy, weight: 0}\n'
wl 3 "4:32: mix.0.pages: '256-16': the range goes down" "pages: 256-16" 'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: vmap_buffer, pages: 256-16}\n'
wl 3 "2:22: working set 64 GiB is larger than the machine's RAM" "working set larger than RAM" 'name: w\npages: {working_set: 64G}\nmix:\n  - {kind: local_copy}\n'
wl 3 "4:32: mix.0.weight: '-1': expected a whole number" "negative weight" 'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: local_copy, weight: -1}\n'
wl 3 "2:52: pages.zipf_s: zipf_s only applies to pattern zipf" "zipf_s without zipf" 'name: w\npages: {working_set: 1M, pattern: uniform, zipf_s: 2}\nmix:\n  - {kind: local_copy}\n'
wl 3 "4:29: mix.0.nest: '0': out of range 1..64" "nest 0" 'name: w\npages: {working_set: 1M}\nmix:\n  - {kind: kmap_hold, nest: 0}\n'
wl 3 "2:[0-9]+: unknown key 'size' in pages" "unknown key in a workload" 'name: w\npages: {size: 1M}\nmix:\n  - {kind: local_copy}\n'
wl 3 "1:[0-9]+: " "binary garbage workload" '\377\376\001garbage\n'

# ---- traces ----
trc() {
	want=$1 re=$2 desc=$3 text=$4
	printf "$text" >"$tmp/t.trace"
	bad "$want" "^hmplan: $tmp/t.trace:$re" "$desc" replay "$tmp/t.trace"
}
trc 3 "2:3: " "unknown op" 'A kmap 5\nA kmpa 5\n'
trc 3 "1:3: " "vmunmap typo" 'A vmunmap v1\n'
trc 3 "1:" "missing argument" 'A kmap\n'
trc 3 "1:" "extra argument" 'A kunmap 5 6\n'
trc 3 "1:" "a task name with spaces" 'task one kmap 5\n'
trc 3 "1:8: " "a bad number" 'A kmap 5x\n'
trc 3 "1:8: " "a number past 2^64" 'A kmap 99999999999999999999\n'
trc 3 "1:4: " "an unknown #@ key" '#@ colour=blue\nA kmap 5\n'
trc 3 "1:" "a cpu beyond the CPUs" 'A cpu 7\n'
trc 3 "2:" "a NUL byte in a trace" 'A kmap 5\nA \000kunmap 5\n'
head -c 3000 /dev/urandom >"$tmp/t.trace"
bad 3 "^hmplan: $tmp/t.trace:[0-9]+:[0-9]+: " "binary garbage trace" replay "$tmp/t.trace"
big_line t.trace a
bad 3 "^hmplan: $tmp/t.trace:1:[0-9]+: " "a 10 MB single line" replay "$tmp/t.trace"

# ---- writing ----
bad 4 "^hmplan: /nonexistent/x: No such file" "layout -o into a missing directory" layout --ram 1G -o /nonexistent/x
bad 4 "^hmplan: /nonexistent/x: No such file" "sweep -o into a missing directory" sweep --ram 1G -o /nonexistent/x
bad 4 "^hmplan: /nonexistent/x: No such file" "replay -o into a missing directory" replay "$DATA/traces/01_pkmap_wrap.trace" -o /nonexistent/x
bad 4 "^hmplan: /nonexistent/x: No such file" "stress -o into a missing directory" stress $M -w page-copy --ops 100 -o /nonexistent/x
for cmd in "layout --ram 1G" "sweep --ram 1G" "replay $DATA/traces/01_pkmap_wrap.trace" \
	   "stress $M -w page-copy --ops 100" "profiles"; do
	# shellcheck disable=SC2086
	"$HMPLAN" $cmd >/dev/full 2>"$tmp/err"
	st=$?
	is "$st $(wc -l <"$tmp/err")" "4 1" "${cmd%% *}: stdout on a full disk is one error line, exit 4"
	# shellcheck disable=SC2086
	( sleep 0.2; "$HMPLAN" $cmd 2>"$tmp/err"; echo $? >"$tmp/st" ) | true
	is "$(cat "$tmp/st") $(wc -l <"$tmp/err")" "4 1" "${cmd%% *}: stdout on a closed pipe is one error line, exit 4"
done
done_testing
