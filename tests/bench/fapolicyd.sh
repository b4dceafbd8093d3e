#!/usr/bin/env bash
# fapolicyd.sh OUTDIR: Debian's fapolicyd, unpacked (never installed) into OUTDIR for the bench
# VM: OUTDIR/root is the package's tree, OUTDIR/lib holds the shared libraries it needs that
# this host does not have (the VM takes every other library from the host, tests/vm/
# mkinitramfs.sh), OUTDIR/magic.mgc is libmagic's database, which fapolicyd loads after its own.
# The .debs are kept in build/bench/debs: a second run downloads nothing.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: fapolicyd.sh OUTDIR}
debs=$top/build/bench/debs

fetch() {	# fetch PKG: the .deb of PKG in $debs, downloaded once
	local f
	f=$(ls "$debs/$1"_*.deb 2>/dev/null | head -n1)
	if [ -z "$f" ]; then
		mkdir -p "$debs"
		(cd "$debs" && apt-get download -qq "$1" 2>/dev/null) ||
			{ echo "bench: apt-get download $1 failed" >&2; return 1; }
		f=$(ls "$debs/$1"_*.deb | head -n1)
	fi
	echo "$f"
}

rm -rf "$out"
mkdir -p "$out/lib"
deb=$(fetch fapolicyd)
dpkg-deb -x "$deb" "$out/root"
# Its Depends, first alternative each, without version bounds: unpack those the host lacks.
for pkg in $(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g'); do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' && continue
	d=$(fetch "$pkg")
	dpkg-deb -x "$d" "$out/dep"
	find "$out/dep" -name '*.so*' \( -type f -o -type l \) -exec cp -a -t "$out/lib" {} +
	rm -rf "$out/dep"
done
# Mode 755, as Debian installs them: tests/vm/mkinitramfs.sh copies in the libraries that the
# executables of a payload need, and these need libpthread and libc.
chmod 755 "$out"/lib/*
LD_LIBRARY_PATH=$out/lib ldd "$out/root/usr/sbin/fapolicyd" | grep 'not found' && {
	echo "bench: fapolicyd still lacks the libraries above" >&2; exit 1; }
# libmagic-mgc comes with file (scripts/setup.sh).
cp -L /usr/share/misc/magic.mgc "$out/magic.mgc"
echo "$(dpkg-deb -f "$deb" Version)" > "$out/version"
