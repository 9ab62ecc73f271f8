#!/bin/sh
# hmplan layout on bad input: the exit status of DESIGN.md, one clear line on
# stderr naming the option or FILE:LINE:COL, nothing on stdout, no -o file.
. "$(dirname "$0")/lib.sh"

# sizes and options
expect_error 2 "^hmplan: --ram '99999999T': too large" "an overflowing size" layout --ram 99999999T
expect_error 2 "^hmplan: --ram '-1G': sizes cannot be negative" "a negative size" layout --ram -1G
expect_error 2 "^hmplan: --ram '8Q': unknown unit" "an unknown unit" layout --ram 8Q
expect_error 2 "^hmplan: --ram '1000': RAM size must be a multiple of 4 KiB" "RAM not in pages" layout --ram 1000
expect_error 2 "^hmplan: --ram '2T': RAM size above 1 TiB" "absurd RAM" layout --ram 2T
expect_error 2 "^hmplan: --ram '1M': RAM size below 4 MiB" "too little RAM" layout --ram 1M
expect_error 2 "^hmplan: --split '4G/0G': unknown split" "an unknown split" layout --ram 1G --split 4G/0G
expect_error 2 "^hmplan: --split '0xC0100000': PAGE_OFFSET must be a multiple of 4 MiB" \
	"an unaligned PAGE_OFFSET" layout --ram 1G --split 0xC0100000
expect_error 2 "3G_OPT and 2G_OPT splits cannot be combined with PAE" "3G_OPT with --pae" \
	layout --ram 1G --split 3G_OPT --pae
expect_error 2 "3G_OPT and 2G_OPT splits cannot be combined with PAE" "2G_OPT with the default PAE kernel" \
	layout --ram 1G --split 2G_OPT
expect_error 2 "^hmplan: --pae and --no-pae cannot be combined" "--pae with --no-pae" layout --ram 1G --pae --no-pae
expect_error 2 "^hmplan: --nr-cpus '0': out of range 1..64" "NR_CPUS 0" layout --ram 1G --nr-cpus 0
expect_error 2 "^hmplan: --nr-cpus '65': out of range 1..64" "NR_CPUS 65" layout --ram 1G --nr-cpus 65
expect_error 2 "^hmplan: --kernel '3.10': expected 6.1 or 2.6" "unknown rules" layout --ram 1G --kernel 3.10
expect_error 2 "^hmplan: --board 'isa': unknown board" "an unknown board" layout --ram 1G --board isa
expect_error 2 "only applies to --ram" "--board without --ram" layout --e820 "$DATA/oracle/logs/686_pc_1G.log" --board q35
expect_error 2 "use only one of --ram, --e820 and --dmesg" "--ram with --e820" \
	layout --ram 1G --e820 "$DATA/oracle/logs/686_pc_1G.log"
expect_error 2 "^hmplan: --format 'xml'" "an unknown format" layout --ram 1G --format xml
expect_error 2 "^hmplan: --cmdline: 'mem=99999999999999999999': value too large" \
	"a command-line value past 64 bits" layout --ram 1G --cmdline "mem=99999999999999999999"
expect_error 2 "^hmplan: --vmalloc 'lots'" "a bad --vmalloc" layout --ram 1G --vmalloc lots

# files that cannot be read
expect_error 4 "^hmplan: $tmp/nope: No such file" "a missing file" layout --e820 "$tmp/nope"
expect_error 4 "^hmplan: $tmp: Is a directory" "a directory" layout --dmesg "$tmp"
expect_error 4 "^hmplan: /nonexistent/x: No such file" "-o into a missing directory" layout --ram 1G -o /nonexistent/x
if [ -w /dev/full ]; then
	"$HMPLAN" layout --ram 1G >/dev/full 2>"$tmp/err"
	is "$?" 4 "stdout on a full device is an I/O error"
	like "$tmp/err" "^hmplan: stdout: " "and says so"
fi
# a reader that is gone before hmplan writes: a clean I/O error, not SIGPIPE
( sleep 0.3; "$HMPLAN" layout --ram 1G 2>"$tmp/err"; echo $? >"$tmp/st" ) | true
is "$(cat "$tmp/st")" 4 "stdout on a closed pipe is an I/O error (exit 4), not SIGPIPE"

# e820 and dmesg input
printf 'hello\nworld\n' >"$tmp/empty.log"
expect_error 3 "^hmplan: $tmp/empty.log:1:1: no BIOS-e820 lines found" "a log without e820 lines" \
	layout --e820 "$tmp/empty.log"
: >"$tmp/zero.log"
expect_error 3 "^hmplan: $tmp/zero.log:1:1: no BIOS-e820 lines" "an empty file" layout --dmesg "$tmp/zero.log"
head -n 4 "$DATA/oracle/logs/686_pc_1G.log" >"$tmp/cut.log"
printf 'BIOS-e820: [mem 0x0000000000100000-0x00000000' >>"$tmp/cut.log"
expect_error 3 "^hmplan: $tmp/cut.log:[0-9]+:[0-9]+: line ends inside the range" "a truncated log" \
	layout --dmesg "$tmp/cut.log"
printf 'BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0x7fffffff] usabel\n' >"$tmp/typo.log"
expect_error 3 "^hmplan: $tmp/typo.log:2:38: unknown e820 range type" "a garbled type" layout --e820 "$tmp/typo.log"
printf 'BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0x7fffffff] usable\000\n' >"$tmp/nul.log"
expect_error 3 "binary data" "NUL bytes in a log" layout --e820 "$tmp/nul.log"
head -c 3000 /dev/urandom >"$tmp/random.log"
run layout --e820 "$tmp/random.log"
is "$status" 3 "random bytes are bad input"
printf 'BIOS-e820: [mem 0x0-0x7fffffff] usable\n' >"$tmp/one.log"
expect_error 3 "fewer than 2 ranges" "a one-range firmware map" layout --e820 "$tmp/one.log"
printf 'BIOS-e820: [mem 0x0-0x9fbff] usable\r\nBIOS-e820: [mem 0x100000-0x1fffffff] usable\r\n' >"$tmp/crlf.log"
run layout --e820 "$tmp/crlf.log" --json
is "$status" 0 "CRLF line ends are fine"
is "$(json 'j["printed"]["lowmem_mb"]')" 512 "and read correctly"
printf 'BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0x3fffffff] usable\nBIOS-e820: [mem 0x20000000-0x2fffffff] reserved\n' >"$tmp/overlap.log"
run layout --e820 "$tmp/overlap.log" --json
is "$status" 0 "overlapping ranges are resolved, not refused"
is "$(json '[w["code"] for w in j["warnings"]]')" "['e820-overlap']" "with a warning"
is "$(json 'j["zones"][1]["present_pages"]')" "$(( (0x20000000 - 0x1000000 + 0x36ffe000 - 0x30000000) / 4096 ))" \
	"the reserved type wins the overlap"

# .config input
cp "$TOP_SRCDIR/profiles/machines/debian-686-1g.yaml" "$tmp/not-a.config"
expect_error 3 "^hmplan: $tmp/not-a.config:2:1: not a .config line" "a YAML file as .config" \
	layout --ram 1G --kconfig "$tmp/not-a.config"
printf '# CONFIG_X is not set\n\n' >"$tmp/comments.config"
expect_error 3 "no CONFIG_ options" "a .config of comments only" layout --ram 1G --kconfig "$tmp/comments.config"
printf 'CONFIG_X86_64=y\nCONFIG_64BIT=y\n' >"$tmp/amd64.config"
expect_error 3 "64-bit kernel" "a 64-bit .config" layout --ram 1G --kconfig "$tmp/amd64.config"
printf 'CONFIG_HIGHMEM4G=y\nCONFIG_X86_PAE=y\n' >"$tmp/bad.config"
expect_error 3 "bad.config:2:1: X86_PAE with HIGHMEM4G" "an impossible .config" layout --ram 1G --kconfig "$tmp/bad.config"

# -o: written whole, or not at all
run layout --ram 1G --json -o "$tmp/out.json"
is "$status" 0 "-o writes"
is "$(wc -c <"$tmp/out")" 0 "and nothing goes to stdout"
"$PYTHON3" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out.json"
is "$?" 0 "the file is complete JSON"
run layout --ram 8Q -o "$tmp/bad.json"
is "$status" 2 "a failing run with -o"
is "$(ls "$tmp" | grep -c 'bad.json')" 0 "leaves no file, temporary or final"
done_testing
