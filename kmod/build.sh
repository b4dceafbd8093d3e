#!/usr/bin/env bash
# build.sh: the test driver modules for each VM kernel, signed and compressed as a vendor would
# ship them, into build/kmod/VER/out/ with a MANIFEST the tests read (format: kmod/README.md).
# Needs kmod/fetch-headers.sh to have run. Incremental: kbuild rebuilds only what changed, and
# each output is remade only when older than its inputs.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
src="$top/kmod"
pki="$top/build/kmod/pki"

# Every module built from kmod/vbtestdrv.c; vb_unsigned_drv stays unsigned.
MODULES="vb_banned_drv vb_allowed_drv vb_named_drv vb_unsigned_drv"
# The kernel's own settings for compressed modules (scripts/Makefile.modinst): its xz
# decompressor handles only CRC32 and a dictionary it can allocate up front.
XZ_FLAGS=(--check=crc32 --lzma2=dict=1MiB)

# What goes into build/kmod/VER/out: file, module built, signer (a tests/pki/mkpki.sh name, or
# none), sign-file option (-k: identify the signer by subjectKeyIdentifier, not issuer+serial).
SIGNED="vb_banned_drv.ko vb_banned_drv banned -
vb_banned_drv-skid.ko vb_banned_drv banned -k
vb_banned_drv-renewed.ko vb_banned_drv banned-renewed -
vb_allowed_drv.ko vb_allowed_drv allowed -
vb_named_drv.ko vb_named_drv allowed -
vb_unsigned_drv.ko vb_unsigned_drv none -"
# Signed files also shipped compressed, as the kernel compresses after signing.
COMPRESSED="vb_banned_drv.ko vb_banned_drv banned
vb_allowed_drv.ko vb_allowed_drv allowed"
COMPRESSIONS="xz zst gz"

die() { echo "kmod/build.sh: $*" >&2; exit 1; }

# stale OUT IN...: true when OUT is missing or older than one of the INs.
stale() {
	local out=$1 in
	shift
	[ -e "$out" ] || return 0
	for in in "$@"; do
		[ "$in" -nt "$out" ] && return 0
	done
	return 1
}

# The kernel's sign-file of that version; the host's (linux-kbuild-6.1) if that one does not run.
find_sign_file() {
	local root=$1 f rc
	for f in "$root"/usr/lib/linux-kbuild-*/scripts/sign-file /usr/lib/linux-kbuild-6.1/scripts/sign-file; do
		[ -x "$f" ] || continue
		# Without arguments it prints its usage and exits 2; 126/127 mean it cannot run here.
		rc=0
		"$f" > /dev/null 2>&1 || rc=$?
		[ $rc -lt 126 ] && { echo "$f"; return 0; }
	done
	return 1
}

build_module() {
	local kdir=$1 obj=$2 name=$3
	shift 3
	mkdir -p "$obj"
	# The sources stay in kmod/; kbuild (6.1, 6.12) writes objects next to them, so the build
	# directory gets links to them (make follows the links for timestamps).
	ln -sfn "$src/Kbuild" "$obj/Kbuild"
	ln -sfn "$src/vbtestdrv.c" "$obj/vbtestdrv.c"
	make -s -C "$kdir" M="$obj" VB_MODNAME="$name" "$@" modules > "$obj/build.log" 2>&1 || {
		cat "$obj/build.log" >&2
		die "building $name against $kdir failed"
	}
	# "Skipping BTF generation" (6.1 headers ship no vmlinux) is expected; show anything else.
	grep -v -e '^Skipping BTF generation' "$obj/build.log" >&2 || true
	[ -f "$obj/$name.ko" ] || die "no $obj/$name.ko"
}

# sign KEYNAME IN OUT OPT: a copy of IN signed by the test PKI's KEYNAME.
sign() {
	local key=$1 in=$2 out=$3 opt=$4
	stale "$out" "$in" "$pki/$key.pem" || return 0
	[ "$opt" = - ] && opt=
	"$SIGN_FILE" ${opt:+"$opt"} sha256 "$pki/$key.key" "$pki/$key.pem" "$in" "$out.tmp"
	mv "$out.tmp" "$out"
}

# alias IN OUT: IN with another name in .modinfo ("name=vb_named_drv") than in this_module
# (vb_allowed_drv): the name modprobe's and the kernel's blacklists go by, set by hand, as a
# vendor dodging a ban by name might.
alias_module() {
	local in=$1 out=$2 tmp
	stale "$out" "$in" || return 0
	tmp=$(mktemp -d)
	objcopy --dump-section .modinfo="$tmp/modinfo" "$in" "$tmp/unused.ko"
	perl -0777 -pi -e 's/name=vb_allowed_drv\0/name=vb_named_drv\0\0\0/ or die "no name\n"' \
		"$tmp/modinfo"
	objcopy --update-section .modinfo="$tmp/modinfo" "$in" "$out.tmp"
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
}

compress() {
	local in=$1 kind=$2 out=$1.$2
	stale "$out" "$in" || return 0
	case $kind in
	xz) xz "${XZ_FLAGS[@]}" -c "$in" > "$out.tmp" ;;
	zst) zstd -q -19 -c "$in" > "$out.tmp" ;;
	gz) gzip -n -9 -c "$in" > "$out.tmp" ;;
	esac
	mv "$out.tmp" "$out"
}

build_kernel() {
	local ver=$1 dir="$top/build/kmod/$1"
	local root="$dir/root" kdir="$dir/root/usr/src/linux-headers-$1"
	local obj="$dir/obj" out="$dir/out"
	[ -f "$dir/.headers-done" ] || die "no headers for $ver (run: bash kmod/fetch-headers.sh)"

	# 6.12's headers ship vmlinux, so its kbuild runs pahole for module BTF (6.1's do not: no
	# BTF there); without pahole, build the modules without BTF (they load the same) rather
	# than fail. Install pahole to get what a DKMS build on such a host gets.
	local btf=() btf_state=none
	if [ -f "$kdir/vmlinux" ]; then
		if command -v pahole > /dev/null; then
			btf_state=btf
		else
			echo "kmod/build.sh: $ver: pahole not installed, building without module BTF" >&2
			btf=(CONFIG_DEBUG_INFO_BTF_MODULES=)
		fi
	fi

	SIGN_FILE=$(find_sign_file "$root") || die "no working sign-file for $ver"
	mkdir -p "$out"
	local name
	for name in $MODULES; do
		# kbuild adds BTF only when it relinks; relink when pahole came or went.
		if [ "$(cat "$obj/$name/.vb-btf" 2>/dev/null)" != "$btf_state" ]; then
			rm -f "$obj/$name/$name.ko"
		fi
		build_module "$kdir" "$obj/$name" "$name" "${btf[@]}"
		echo "$btf_state" > "$obj/$name/.vb-btf"
		# Debian strips its modules' debug info at install time (INSTALL_MOD_STRIP=1), before
		# signing; do the same, so the files are as small as a vendor's.
		if stale "$obj/$name.stripped.ko" "$obj/$name/$name.ko"; then
			strip --strip-debug -o "$obj/$name.stripped.ko.tmp" "$obj/$name/$name.ko"
			mv "$obj/$name.stripped.ko.tmp" "$obj/$name.stripped.ko"
		fi
		local vermagic
		vermagic=$(modinfo -F vermagic "$obj/$name.stripped.ko")
		[ "${vermagic%% *}" = "$ver" ] || die "$name: vermagic '$vermagic' is not for $ver"
	done

	local file module signer opt kind
	local manifest=()
	while read -r file module signer opt; do
		if [ "$signer" = none ]; then
			if stale "$out/$file" "$obj/$module.stripped.ko"; then
				cp "$obj/$module.stripped.ko" "$out/$file.tmp"
				mv "$out/$file.tmp" "$out/$file"
			fi
		else
			sign "$signer" "$obj/$module.stripped.ko" "$out/$file" "$opt"
		fi
		manifest+=("$file $module $signer $(sigform "$signer" "$opt") none")
	done <<< "$SIGNED"
	alias_module "$obj/vb_allowed_drv.stripped.ko" "$obj/vb_alias_drv.stripped.ko"
	sign allowed "$obj/vb_alias_drv.stripped.ko" "$out/vb_alias_drv.ko" -
	manifest+=("vb_alias_drv.ko vb_allowed_drv allowed issuer-serial none")
	while read -r file module signer; do
		for kind in $COMPRESSIONS; do
			compress "$out/$file" "$kind"
			manifest+=("$file.$kind $module $signer $(sigform "$signer" -) $kind")
		done
	done <<< "$COMPRESSED"
	write_manifest "$ver" "$out" "${manifest[@]}"
	echo "kmod: $ver: ${#manifest[@]} modules in ${out#"$top"/} (signed with ${SIGN_FILE#"$top"/})"
}

sigform() {
	if [ "$1" = none ]; then
		echo none
	elif [ "$2" = -k ]; then
		echo skid
	else
		echo issuer-serial
	fi
}

# write_manifest VER OUTDIR "FILE MODULE SIGNER SIGFORM COMPRESSION"...: the MANIFEST, with
# each file's sha256 in the second column (format: kmod/README.md).
write_manifest() {
	local ver=$1 out=$2 line
	shift 2
	{
		echo "# vendorban test modules for $ver (kmod/build.sh); signers' certificates: build/kmod/pki"
		echo "# file sha256 signer module sigform compression"
		local file module signer form comp
		for line in "$@"; do
			read -r file module signer form comp <<< "$line"
			echo "$file $(sha256sum "$out/$file" | cut -d' ' -f1) $signer $module $form $comp"
		done
	} > "$out/MANIFEST.tmp"
	mv "$out/MANIFEST.tmp" "$out/MANIFEST"
}

# The VM tests' loader: static, so it runs in any initramfs.
build_modload() {
	local bin="$top/build/kmod/modload"
	stale "$bin" "$src/tools/modload.c" || return 0
	${CC:-gcc} -O2 -g -Wall -Wextra -D_GNU_SOURCE -static -o "$bin.tmp" "$src/tools/modload.c"
	mv "$bin.tmp" "$bin"
}

for tool in xz zstd gzip strip modinfo; do
	command -v $tool > /dev/null || die "needs $tool (run: make setup)"
done
bash "$top/tests/pki/mkpki.sh" "$pki"
mkdir -p "$top/build/kmod"
build_modload
kernels=$(cd "$top/build/kmod" 2>/dev/null && ls -d */.headers-done 2>/dev/null | cut -d/ -f1) || true
[ -n "$kernels" ] || die "no kernel headers under build/kmod (run: bash kmod/fetch-headers.sh)"
for ver in $kernels; do
	build_kernel "$ver"
done
