#!/usr/bin/env bash
# mkinitramfs.sh OUT.cpio.gz PAYLOAD_DIR [KERNEL_DIR]
# An initramfs with busybox, tests/vm/init, PAYLOAD_DIR as /vb, and the shared libraries every
# ELF file in the payload needs (the host's, which is the same Debian release as the VM's).
# With KERNEL_DIR (build/vm/RELEASE), /lib/modules/RELEASE holds what a host has to load by
# name: the CPU's SHA-256 module (vendorband loads it, user/kernel/hashdrv.c), indexed by depmod.
set -euo pipefail
out=$1 payload=$2 kdir=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,vb,usr/bin,lib64,lib/x86_64-linux-gnu}
# / as on a real system (mktemp made it 0700): tests run programs as other users too.
chmod 755 "$root"
cp /bin/busybox "$root/bin/busybox"
cp "$here/init" "$root/init"
chmod 755 "$root/init"
cp -a "$payload"/. "$root/vb/"
echo "root:x:0:0:root:/root:/bin/sh" > "$root/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >> "$root/etc/passwd"
echo "root:x:0:" > "$root/etc/group"

# Copy each needed library to where the dynamic linker looks for it.
find "$root/vb" -type f -perm -u+x | while read -r f; do
	file -b "$f" 2>/dev/null | grep -q 'dynamically linked' || continue
	ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }'
done | sort -u | while read -r lib; do
	dest="$root$lib"
	mkdir -p "$(dirname "$dest")"
	[ -e "$dest" ] || cp -L "$lib" "$dest"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
if [ -n "$kdir" ]; then
	ver=$(basename "$kdir")
	mods="$root/lib/modules/$ver"
	mkdir -p "$mods/kernel/arch/x86/crypto"
	cp "$kdir"/modules/modules.builtin* "$kdir/modules/modules.order" "$mods/"
	for f in "$kdir"/modules/kernel/arch/x86/crypto/sha256-ssse3.ko*; do
		case "$f" in
		*.xz) xz -dc "$f" > "$mods/kernel/arch/x86/crypto/sha256-ssse3.ko" ;;
		*) cp "$f" "$mods/kernel/arch/x86/crypto/" ;;
		esac
	done
	depmod -b "$root" "$ver"
fi
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
