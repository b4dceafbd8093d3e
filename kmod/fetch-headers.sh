#!/usr/bin/env bash
# fetch-headers.sh: for each VM kernel under build/vm/VER/, the Debian packages needed to build
# out-of-tree modules for it (linux-headers-VER, its -common package, the matching linux-kbuild),
# downloaded with apt-get download and unpacked into build/kmod/VER/root. Nothing is installed
# on the host: the 6.12 headers package depends on the 6.12 image.
# Idempotent: a stamp per kernel; a second run downloads nothing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vm="$top/build/vm"
out="$top/build/kmod"

# The headers package names the -common and linux-kbuild packages it needs; their names differ
# between 6.1 (linux-kbuild-6.1) and 6.12 (linux-kbuild-6.12.95+deb12), so ask apt.
header_deps() {
	apt-cache depends "linux-headers-$1" 2>/dev/null |
		awk '$1 == "Depends:" && ($2 ~ /^linux-headers-.*-common$/ || $2 ~ /^linux-kbuild-/) { print $2 }' |
		sort -u
}

# Debian's packages link their pieces with absolute paths (/lib/modules/VER/build ->
# /usr/src/linux-headers-VER, and the flavour Makefile includes
# /usr/src/linux-headers-VER-common/Makefile); make them point inside our root instead.
relocate() {
	local root=$1 ver=$2 link target
	find "$root" -type l -lname '/*' | while read -r link; do
		target=$(readlink "$link")
		ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root$target")" "$link"
	done
	local mk="$root/usr/src/linux-headers-$ver/Makefile"
	# Relative to the Makefile itself, so a moved build/ tree still works.
	sed -i 's|^include /usr/src/\([^/]*\)/Makefile$|include $(dir $(lastword $(MAKEFILE_LIST)))../\1/Makefile|' "$mk"
	if grep -q '^include /' "$mk"; then
		echo "fetch-headers: cannot relocate $mk" >&2
		return 1
	fi
}

fetch_one() {
	local ver=$1 dir="$out/$1"
	local stamp="$dir/.headers-done"
	[ -f "$stamp" ] && return 0

	local deps
	deps=$(header_deps "$ver")
	if [ -z "$deps" ] && [ "$(id -u)" -eq 0 ]; then
		apt-get update -qq || true
		deps=$(header_deps "$ver")
	fi
	if [ -z "$deps" ]; then
		echo "fetch-headers: apt does not know linux-headers-$ver (is bookworm-backports in the apt sources? run: make setup)" >&2
		return 1
	fi

	echo "fetch-headers: $ver: linux-headers-$ver" $deps
	local dl="$dir/debs"
	rm -rf "$dl" "$dir/root"
	mkdir -p "$dl"
	# apt drops privileges to _apt for the download; let it write here.
	chown _apt "$dl" 2>/dev/null || true
	(cd "$dl" && apt-get download -qq "linux-headers-$ver" $deps)
	local deb
	for deb in "$dl"/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	relocate "$dir/root" "$ver"
	[ -f "$dir/root/usr/src/linux-headers-$ver/Module.symvers" ] || {
		echo "fetch-headers: $ver: no Module.symvers after unpacking" >&2
		return 1
	}
	# Record what was unpacked (the kbuild version may be newer than the headers').
	for deb in "$dl"/*.deb; do
		dpkg-deb -f "$deb" Package Version | paste -sd' '
	done > "$dir/packages"
	rm -rf "$dl"
	touch "$stamp"
}

kernels=$(cd "$vm" 2>/dev/null && ls -d */ 2>/dev/null | tr -d /) || true
if [ -z "$kernels" ]; then
	echo "fetch-headers: no kernels under $vm (run: make setup)" >&2
	exit 1
fi
for ver in $kernels; do
	fetch_one "$ver"
done
