#!/bin/sh
# Set up a fresh Debian 12 machine and build hmplan in this tree.
# Installs only the packages that are missing (needs root for that), then runs
# autoreconf, configure and make.  Safe to re-run.  Extra arguments go to
# ./configure (for example --enable-sanitizers).
set -eu
cd "$(dirname "$0")"

need="build-essential autoconf automake libtool pkg-config libcyaml-dev libjansson-dev python3"
missing=
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "bootstrap.sh: missing packages:$missing" >&2
		echo "bootstrap.sh: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "bootstrap.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

autoreconf -fi
# Reconfigure only when needed so re-running keeps an existing configuration.
if [ ! -f config.status ] || [ $# -gt 0 ]; then
	./configure "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)"
