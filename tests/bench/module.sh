#!/usr/bin/env bash
# module.sh: part of `make bench`. Module load overhead of vendorban in the VM, as per-round
# ratios against the same loads without it, bracketed in one boot per kernel
# (tests/bench/module_payload.sh).
#   VB_BENCH_KERNELS, BENCH_CLOCK   see tests/bench/clock.sh
#   VB_BENCH_MODULE_ROUNDS          rounds of none / vendorban / none (default 3)
#   VB_BENCH_MODULE_N               loads per figure and slot (default 40)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/clock.sh
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
cat > "$out/bench.env" <<EOF
ROUNDS=${VB_BENCH_MODULE_ROUNDS:-3}
N=${VB_BENCH_MODULE_N:-40}
CLOCK=$bench_clock
EOF
rc=0
for k in $bench_kernels; do
	echo "== module load benchmark, kernel $k, clock $bench_clock"
	bench_boot "$k" "$out" "build/bench/module-$k.log" "module load benchmark:" \
		"the module benchmark" || rc=1
done
exit $rc
