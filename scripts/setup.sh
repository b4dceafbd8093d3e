#!/usr/bin/env bash
# Install everything vendorban needs to build and test, on Debian 12 (bookworm).
# Idempotent: a second run installs nothing and downloads nothing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
vm="$top/build/vm"
stamp="$top/build/.setup-done"

# Kernels the VM tests boot: bookworm's 6.1 and bookworm-backports' 6.12.
KERNEL_PKGS="linux-image-amd64/bookworm linux-image-amd64/bookworm-backports"

BUILD_PKGS="clang llvm make gcc pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev
	libssl-dev libjson-c-dev linux-source-6.1 xz-utils libclang-rt-14-dev openssl
	liblzma-dev libzstd-dev libaudit-dev libsystemd-dev librpm-dev libdpkg-dev libarchive-dev pahole
	libkmod-dev scdoc debhelper dpkg-dev fakeroot build-essential"
VM_PKGS="qemu-system-x86 busybox-static cpio kmod file"
# Fixtures are made at test time with the real tools: signed modules (sign-file from
# linux-kbuild-6.1), IMA signatures (evmctl), Authenticode files (osslsigncode), rpm databases
# (rpmbuild, rpmsign), an rpm signing key (gpg and gpg-agent, both in gnupg); the audit trail is
# read back with ausearch (auditd) and the HTML report is rendered in Chromium; btrfs images
# for the VM's integrity tests (mkfs.btrfs, btrfs-progs). A test that needs one of these fails
# when it is missing: every tool a test, fixture, demo or bench runs comes from a package named
# here or from Debian's required set (coreutils, util-linux, dpkg, findutils, mawk, perl-base,
# e2fsprogs, ...).
TEST_PKGS="ima-evm-utils osslsigncode attr rpm gnupg zstd gzip auditd chromium linux-kbuild-6.1
	btrfs-progs man-db groff-base"

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: must run as root to install packages (try: sudo make setup)" >&2
		exit 1
	fi
}

# bookworm-backports carries the 6.12 kernel. Use the mirror the machine already uses for
# bookworm, so the set-up works wherever the host's own apt sources work.
add_backports() {
	if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return 0
	fi
	local uri
	uri=$(grep -rhs -A3 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ { u = $2 } /^Suites:.*bookworm( |$)/ { print u; exit }')
	if [ -z "$uri" ]; then
		uri=$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null || true)
	fi
	if [ -z "$uri" ]; then
		echo "setup: cannot find the bookworm mirror in /etc/apt/sources*; add bookworm-backports by hand" >&2
		exit 1
	fi
	echo "deb $uri bookworm-backports main" > /etc/apt/sources.list.d/vendorban-backports.list
	APT_UPDATED=0
}

APT_UPDATED=0
apt_update() {
	[ "$APT_UPDATED" = 1 ] && return 0
	# Unreachable third-party sources make apt-get update fail; the packages we need come from
	# Debian, and a missing one fails loudly at install time below.
	apt-get update -qq || echo "setup: apt-get update reported errors (continuing)" >&2
	APT_UPDATED=1
}

install_missing() {
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	need_root
	apt_update
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The kernel images are not installed on the host: their vmlinuz and /lib/modules are
# unpacked under build/vm/<version>/ for the VM to boot.
fetch_kernels() {
	mkdir -p "$vm"
	local spec pkg suite dep ver dir
	for spec in $KERNEL_PKGS; do
		pkg=${spec%/*}; suite=${spec#*/}
		dep=$(apt-cache depends -t "$suite" "$pkg/$suite" 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
		if [ -z "$dep" ]; then
			apt_update
			dep=$(apt-cache depends "$pkg/$suite" |
				awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
		fi
		[ -n "$dep" ] || { echo "setup: cannot resolve $spec" >&2; exit 1; }
		ver=${dep#linux-image-}
		dir="$vm/$ver"
		if [ -f "$dir/vmlinuz" ]; then
			continue
		fi
		echo "setup: fetching kernel $dep"
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		(cd "$dir.tmp" && apt-get download -qq "$dep/$suite" 2>/dev/null ||
			apt-get download -qq "$dep")
		dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/root"
		mkdir -p "$dir"
		cp "$dir.tmp/root/boot/vmlinuz-$ver" "$dir/vmlinuz"
		mv "$dir.tmp/root/lib/modules/$ver" "$dir/modules"
		rm -rf "$dir.tmp"
	done
}

# kselftest_harness.h ships only inside the kernel source tarball.
extract_kselftest() {
	local inc="$top/build/include"
	[ -f "$inc/kselftest_harness.h" ] && return 0
	local tarball
	tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n1)
	[ -n "$tarball" ] || { echo "setup: linux-source-6.1 tarball missing" >&2; exit 1; }
	mkdir -p "$inc"
	tar -xf "$tarball" -C "$inc" --strip-components=4 --wildcards \
		'*/tools/testing/selftests/kselftest_harness.h' \
		'*/tools/testing/selftests/kselftest.h'
}

install_missing $BUILD_PKGS $VM_PKGS $TEST_PKGS
if ! ls "$vm"/6.12*/vmlinuz >/dev/null 2>&1 || ! ls "$vm"/6.1.*/vmlinuz >/dev/null 2>&1; then
	need_root
	add_backports
	apt_update
	fetch_kernels
fi
extract_kselftest
# Headers and kbuild of each VM kernel, for the test driver modules (kmod/).
bash "$top/kmod/fetch-headers.sh"
mkdir -p "$top/build" && touch "$stamp"
echo "setup: ok (kernels: $(cd "$vm" && ls -d 6.* | tr '\n' ' '))"
