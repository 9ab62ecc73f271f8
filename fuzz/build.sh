#!/bin/sh
# Build the fuzz targets with clang's libFuzzer, ASan and UBSan:
#   fuzz/build.sh [SRCDIR [BUILDDIR]]     (make fuzz runs it)
# The library is compiled again with coverage instrumentation into
# BUILDDIR/fuzz/out; each target is BUILDDIR/fuzz/out/fuzz-NAME.
set -eu
srcdir=${1:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${2:-$srcdir}
out=$builddir/fuzz/out
CC=${FUZZ_CC:-clang}
command -v "$CC" >/dev/null || { echo "fuzz/build.sh: $CC not found (apt-get install clang)" >&2; exit 1; }
mkdir -p "$out/obj"
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
 -fno-sanitize-recover=undefined -I$builddir -I$srcdir/src
 -DPKGDATADIR=\"/nonexistent\" -DBUILD_SRCDIR=\"/nonexistent\" -DTOP_SRCDIR=\"$srcdir\"
 $(pkg-config --cflags libcyaml yaml-0.1 jansson)"
libs="$(pkg-config --libs libcyaml yaml-0.1 jansson) -lm -lpthread"
objs=
for c in "$srcdir"/src/*.c "$srcdir"/src/engine/*.c; do
	case $c in */main.c) continue ;; esac
	o=$out/obj/$(basename "$(dirname "$c")")-$(basename "$c" .c).o
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ]; then
		# shellcheck disable=SC2086
		$CC $flags -c "$c" -o "$o"
	fi
	objs="$objs $o"
done
for t in "$srcdir"/fuzz/*.c; do
	name=$(basename "$t" .c)
	# shellcheck disable=SC2086
	$CC $flags -fsanitize=fuzzer "$t" $objs $libs -o "$out/fuzz-$name"
	echo "built $out/fuzz-$name"
done
