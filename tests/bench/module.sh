#!/usr/bin/env bash
# module.sh: part of `make bench`. Module load overhead of vendorban in the VM, as a
# ratio against the same loads without it, measured side by side in one boot.
#   VB_BENCH_KERNEL 6.1 or 6.12 (default 6.12)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kernel=${VB_BENCH_KERNEL:-6.12}
out=build/bench/module-payload
rm -rf "$out" && mkdir -p "$out/kmod"
${CC:-gcc} -std=gnu11 -O2 -Wall -Wextra tests/bench/bench_module.c -o "$out/bench_module"
cp build/vendorband build/vendorban "$out/"
cp tests/bench/module_payload.sh "$out/payload.sh"
for d in build/kmod/*/out; do
	v=$(basename "$(dirname "$d")")
	mkdir -p "$out/kmod/$v" && cp "$d"/*.ko* "$out/kmod/$v/"
done
mkdir -p "$out/kmod/pki" && cp build/kmod/pki/*.pem "$out/kmod/pki/"
# What a real ban looks like: certificates, subjects and module names, none of them the
# module being timed.
cat > "$out/bench-module.policy" <<POLICY
version 1
option unsigned-modules deny
vendor banned "Banned Test Vendor"
	cert /vb/kmod/pki/banned.pem
	cert /vb/kmod/pki/banned-renewed.pem
	signer subject "O=Banned Test Vendor, C=RU"
	module name vb_named_drv
	module name vb_banned_drv
POLICY
echo "== module load overhead (kernel $kernel)"
bash tests/vm/run.sh "$kernel" "$out" > build/bench/module.log 2>&1 || {
	tail -30 build/bench/module.log; exit 1; }
grep -a '^module load' build/bench/module.log
