#!/usr/bin/env bash
# mkintegrity.sh PAYLOAD_DIR : what test_integrity needs besides the common payload.
#   fsmods/<release>/        overlay, loop, ext4, btrfs and what they depend on, uncompressed
#                            (the test loads them with finit_module), and <name>.order: the
#                            files to load for <name>, dependencies first (from depmod)
#   fs/ext4.img, fs/btrfs.img  small empty file systems for the loop-mount cases
#   recompressed/<release>/  the banned test module decompressed and compressed again, outside
#                            the tree the daemon scans (used where the kernel decompresses)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1 b="$top/build"

# The rewrite cases overwrite one program with another in place: same size, or the tail of the
# old content would survive and the file would be neither.
for pair in "banned_prog allowed_prog" "banned_lib.so allowed_lib.so"; do
	set -- $pair
	if [ "$(stat -c %s "$b/tests/vm/$1")" != "$(stat -c %s "$b/tests/vm/$2")" ]; then
		echo "mkintegrity.sh: $1 and $2 differ in size; the targets must be built alike" >&2
		exit 1
	fi
done

for kdir in "$b"/vm/*/; do
	ver=$(basename "$kdir")
	mods="$out/fsmods/$ver"
	mkdir -p "$mods"
	# depmod writes modules.dep into a tree of hard links, not into build/vm.
	tree=$(mktemp -d -p "$b")
	mkdir -p "$tree/lib/modules/$ver"
	cp -al "$kdir/modules/." "$tree/lib/modules/$ver/"
	depmod -b "$tree" "$ver"
	for m in overlay loop ext4 btrfs; do
		modprobe -d "$tree" -S "$ver" --show-depends "$m" | awk '$1 == "insmod" { print $2 }' |
		while read -r f; do
			name=$(basename "$f")
			name=${name%.xz}
			case "$f" in
			*.xz) xz -dc "$f" > "$mods/$name" ;;
			*) cp "$f" "$mods/$name" ;;
			esac
			echo "$name"
		done > "$mods/$m.order"
		[ -s "$mods/$m.order" ] || echo "builtin" > "$mods/$m.order"
	done
	rm -rf "$tree"

	# 6.12 decompresses modules itself: the banned module, recompressed, is new bytes with
	# the same signed module inside. CRC32 check: the one the kernel's xz decoder and kmod use.
	if [ -f "$b/kmod/$ver/out/vb_banned_drv.ko.xz" ]; then
		mkdir -p "$out/recompressed/$ver"
		xz -dc "$b/kmod/$ver/out/vb_banned_drv.ko.xz" |
			xz --check=crc32 --lzma2=preset=0 > "$out/recompressed/$ver/vb_banned_drv.ko.xz"
		if cmp -s "$b/kmod/$ver/out/vb_banned_drv.ko.xz" "$out/recompressed/$ver/vb_banned_drv.ko.xz"; then
			echo "mkintegrity.sh: recompressing gave the same bytes" >&2
			exit 1
		fi
	fi
done

mkdir -p "$out/fs"
rm -f "$out/fs/ext4.img" "$out/fs/btrfs.img"
truncate -s 8M "$out/fs/ext4.img"
mkfs.ext4 -q -F "$out/fs/ext4.img"
# Mixed block groups: the smallest btrfs that mkfs makes (16 MiB; the default needs ~114).
truncate -s 16M "$out/fs/btrfs.img"
mkfs.btrfs -q -f -M "$out/fs/btrfs.img" > /dev/null
