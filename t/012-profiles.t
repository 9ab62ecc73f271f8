#!/bin/sh
# Machine profiles: the bundled ones, lookup by name, flags over profile
# values, and every kind of bad profile reported as FILE:LINE:COL.
. "$(dirname "$0")/lib.sh"

P=$TOP_SRCDIR/profiles/machines
run profiles
is "$status" 0 "hmplan profiles runs"
cp "$tmp/out" "$tmp/list"
for f in "$P"/*.yaml; do
	name=$(basename "$f" .yaml)
	like "$tmp/list" "^  $name +[A-Z0-9]" "profiles lists $name with its description"
	run check "$f"
	is "$status" 0 "check $name: valid"
done
# an unreadable entry is listed as such, whatever the directory is called
mkdir -p "$tmp/memory/machines/broken.yaml"
HMPLAN_PROFILE_DIR=$tmp/memory "$HMPLAN" profiles >"$tmp/out" 2>&1
is "$?" 0 "profiles: an unreadable entry is no error"
like "$tmp/out" "broken +\\(unreadable\\)" "... and is listed as (unreadable), not as out of memory"
run profiles --json
is "$(json 'len(j["machines"])')" "$(ls "$P"/*.yaml | wc -l)" "profiles --json lists them all"

run layout -p debian-686-pae-8g --json
is "$status" 0 "-p NAME finds a bundled profile"
is "$(json 'j["machine"]["name"], j["printed"]["lowmem_mb"], j["printed"]["highmem_mb"]')" \
	"('debian-686-pae-8g', 879, 8336)" "and computes its layout"
run layout -p debian-686-pae-8g --ram 2G --json
is "$(json 'j["pfn"]["max_pfn"]')" "$((0x7ffe0))" "--ram replaces the profile's memory"
run layout -p debian-686-pae-8g --no-pae --json
is "$(json 'j["printed"]["lowmem_mb"], j["kernel"]["pae"]')" "(875, False)" "--no-pae overrides the profile's kernel"
run layout -p appliance-2g-split --json
is "$(json 'j["kernel"]["split"], j["kernel"]["nr_cpus"]')" "('2G/2G', 8)" "profile kernel keys"
expect_error 2 "^hmplan: -p 'no-such-box': no such profile" "an unknown profile name" layout -p no-such-box

# a profile beside its .config and boot log, relative paths
mkdir "$tmp/box"
cp "$DATA/oracle/kconfig/custom-3g-nohighmem.config" "$tmp/box/k.config"
cp "$DATA/oracle/logs/custom-3g-nohighmem-2G.log" "$tmp/box/boot.log"
cat >"$tmp/box/box.yaml" <<'Y'
name: box
kernel:
  config: k.config
memory:
  dmesg: boot.log
Y
run layout -p "$tmp/box/box.yaml" --json
is "$status" 0 "a profile with a .config and a boot log"
is "$(json 'j["printed"]["messages"]')" "['Warning only 879MB will be used.', 'Use a HIGHMEM enabled kernel.']" \
	"reads both, relative to the profile"

# bad profiles: FILE:LINE:COL and exit 3 (bad DESC REGEX CONTENT; no pipes, so
# the test counter stays in this shell)
bad() {
	printf "$3" >"$tmp/bad.yaml"
	expect_error 3 "^hmplan: $tmp/bad.yaml:$2" "$1" layout -p "$tmp/bad.yaml"
}
bad "an unknown key" "4:3: unknown key 'colour' in memory" \
	'name: x\nmemory:\n  ram: 1G\n  colour: blue\n'
bad "a list for a value" "3:8: ram: expected a single value" \
	'name: x\nmemory:\n  ram: [1G, 2G]\n'
bad "a missing name" "1:1: the file: missing required key 'name'" \
	'memory:\n  ram: 1G\n'
bad "a missing memory" "1:1: the file: missing required key 'memory'" \
	'name: x\n'
bad "both ram and e820" "3:3: memory: give exactly one of ram, e820 and dmesg" \
	'name: x\nmemory:\n  ram: 1G\n  e820:\n    - {start: 0, end: 0x9fbff, type: usable}\n'
bad "a bad size" "3:8: memory.ram: '8Q': unknown unit" \
	'name: x\nmemory:\n  ram: 8Q\n'
bad "a duplicate key" "2:1: duplicate key 'name'" \
	'name: x\nname: y\nmemory:\n  ram: 1G\n'
bad "an anchor" "1:7: YAML anchors" \
	'name: &n x\nmemory:\n  ram: 1G\n'
bad "an alias" "3:14: YAML aliases" \
	'name: x\nmemory: {ram: 1G}\ndescription: *n\n'
bad "a YAML syntax error" "4:[0-9]+: YAML syntax error" \
	'name: x\nmemory:\n  ram: 1G\n   board: pc\n'
bad "two documents" "4:1: more than one YAML document" \
	'name: x\nmemory:\n  ram: 1G\n---\nname: y\n'
bad "an empty file" "1:1: empty YAML document" ''
bad "binary garbage" "1:[0-9]+: YAML syntax error" \
	'\000\001\002garbage'
bad "a missing value" "3:7: ram: missing value" \
	'name: x\nmemory:\n  ram:\n'
bad "a bad highmem" "3:12: kernel.highmem: '8G': expected 4G, 64G or none" \
	'name: x\nkernel:\n  highmem: 8G\nmemory:\n  ram: 1G\n'
bad "3G_OPT with PAE" "3:10: kernel.split: 3G_OPT and 2G_OPT splits cannot be combined with PAE" \
	'name: x\nkernel:\n  split: 3G_OPT\n  highmem: 64G\nmemory:\n  ram: 1G\n'
bad "more CPUs than NR_CPUS" "2:7: cpus: 64 CPUs online" \
	'name: x\ncpus: 64\nkernel: {nr_cpus: 8}\nmemory: {ram: 1G}\n'
bad "an e820 range that ends before it starts" "5:30: memory.e820.1.end: range ends" \
	'name: x\nmemory:\n  e820:\n    - {start: 0, end: 0x9fbff, type: usable}\n    - {start: 0x100000, end: 0xfffff, type: usable}\n'
bad "an unknown e820 type" "5:48: memory.e820.1.type: 'ram-ish': unknown e820 type" \
	'name: x\nmemory:\n  e820:\n    - {start: 0, end: 0x9fbff, type: usable}\n    - {start: 0x100000, end: 0x3fffffff, type: ram-ish}\n'
bad "a bad cost" "2:14: costs.ipi: 'lots'" \
	'name: x\ncosts: {ipi: lots}\nmemory: {ram: 1G}\n'
deep=$(awk 'BEGIN { for (i = 0; i < 40; i++) printf "["; for (i = 0; i < 40; i++) printf "]" }')
bad "deep nesting" "3:[0-9]+: YAML nested too deeply" "name: x\\nmemory: {ram: 1G}\\ndescription: $deep\\n"
printf 'name: x\nkernel: {config: missing.config}\nmemory: {ram: 1G}\n' >"$tmp/nocfg.yaml"
expect_error 4 "missing.config: No such file" "a profile's missing .config" layout -p "$tmp/nocfg.yaml"
# check takes files: a local file named like a bundled profile is that file
mkdir "$tmp/here"
printf 'name: mine\nmemory: {ram: 3G}\n' >"$tmp/here/debian-686-1g"
printf 'name: mywork\nmix: [{kind: nosuchkind}]\n' >"$tmp/here/appliance-mixed"
(cd "$tmp/here" && "$HMPLAN" check debian-686-1g) >"$tmp/out" 2>&1
like "$tmp/out" "^debian-686-1g: ok: machine profile 'mine'" "check NAME: the local file, not the bundled profile"
(cd "$tmp/here" && "$HMPLAN" check appliance-mixed) >"$tmp/out" 2>&1
is "$?" 3 "check NAME: a broken local workload fails, though a bundled one has its name"
done_testing
