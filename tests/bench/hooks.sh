#!/usr/bin/env bash
# hooks.sh: where a cached exec's cost goes, hook program by hook program. Boots the VM once per
# kernel (tests/bench/hooks_payload.sh), runs N execs of an already-seen static binary with
# kernel.bpf_stats_enabled=1 and prints each vendorban program's runs and run time per exec,
# beside the exec's whole cost with and without vendorban (stats off for those two).
# Not part of `make bench`: a tool for whoever makes the hooks cheaper.
#   VB_BENCH_KERNELS, BENCH_CLOCK   see tests/bench/clock.sh (icount: ns are instructions)
#   VB_BENCH_HOOKS_N                execs per figure (default 2000)
#   VB_BENCH_HOOKS_PATHRULE         0: a policy without its path rule (default 1)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/clock.sh
out=build/bench/hooks-payload
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE"
for f in build/vendorband build/vendorban; do
	[ -x "$f" ] || { echo "bench: $f is missing (run: make all)" >&2; exit 2; }
done
rm -rf "$out" && mkdir -p "$out"
$CC $CFLAGS tests/bench/bench_exec.c -o "$out/bench_exec"
$CC $CFLAGS tests/bench/prog_stats.c -o "$out/prog_stats"
$CC $CFLAGS -static -s tests/bench/bench_target.c -o "$out/target-static"
cp build/vendorband build/vendorban "$out/"
cp tests/bench/hooks_payload.sh "$out/payload.sh"
# The exec benchmark's policy (tests/bench/run.sh): 10,000 random sha256 rules, one path rule.
{
	echo "version 1"
	echo "vendor benchvendor \"Bench Banned Vendor\""
	od -An -v -tx1 -N $((32 * 10000)) /dev/urandom | tr -d ' \n' | fold -w 64 |
		sed 's/^/\tsha256 /'
	echo
	[ "${VB_BENCH_HOOKS_PATHRULE:-1}" = 0 ] || echo "	path /opt/benchvendor/"
} > "$out/bench.policy"
echo "N=${VB_BENCH_HOOKS_N:-2000}" > "$out/bench.env"
echo "CLOCK=$bench_clock" >> "$out/bench.env"
rc=0
for k in $bench_kernels; do
	echo "== hook cost, kernel $k, clock $bench_clock"
	bench_boot "$k" "$out" "build/bench/hooks-$k.log" "hook cost:" "the hook cost run" || rc=1
done
exit $rc
