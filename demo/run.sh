#!/usr/bin/env bash
# make demo: boot Debian's kernel in a VM, enforce a ban with vendorban, show the denials.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b="$top/build" out="$top/build/demo"
rm -rf "$out" && mkdir -p "$out"
cp "$b/vendorband" "$b/vendorban" "$b/tests/vm/banned_prog" "$b/tests/vm/allowed_prog" "$out/"
cp "$top/demo/payload.sh" "$out/payload.sh"
# Drivers: the test modules of each VM kernel, signed by a banned and an allowed test vendor.
mkdir -p "$out/kmod/pki"
cp "$b"/kmod/pki/banned.pem "$out/kmod/pki/"
for d in "$b"/kmod/*/out; do
	v=$(basename "$(dirname "$d")")
	mkdir -p "$out/kmod/$v"
	cp "$d"/vb_banned_drv.ko "$d"/vb_allowed_drv.ko "$out/kmod/$v/"
done
cat > "$out/demo.policy" <<POLICY
# Demo policy: one banned vendor, identified by the content hash of its agent, by its
# install directory, and by the certificate that signs its drivers.
version 1
vendor examplevendor "Example Banned Vendor Ltd"
	sha256 $(sha256sum "$out/banned_prog" | cut -d' ' -f1)
	path /opt/examplevendor/
	cert /vb/kmod/pki/banned.pem
POLICY
kernel=${VB_DEMO_KERNEL:-6.12}
echo "Booting Debian's $kernel kernel in qemu (software emulation; ~20 s)..."
bash "$top/tests/vm/run.sh" "$kernel" "$out" 2>&1 | sed -n '/VB-KERNEL/,/^VB-EXIT/p' |
	sed -e 's/^.*VB-KERNEL /VM kernel /' -e '/^VB-EXIT/d' -e '/reboot: Power down/d'
