#!/usr/bin/env bash
# run.sh: `make bench`. Builds the exec benchmark into build/bench/payload and runs it in the
# test VM (tests/bench/payload.sh), on kernel ${VB_BENCH_KERNEL:-6.12}; exits with its status.
#
#   VB_BENCH_KERNEL  6.1 or 6.12 (default 6.12)
#   VB_BENCH_ROUNDS  rounds with the enforcer, each between two without (default 5)
#   VB_BENCH_N_SAME  execs of one file per figure and round (default 300)
#   VB_BENCH_N_FRESH distinct files per figure and round (default 40)
# The defaults keep a run to about 75 s under TCG on either kernel. ROUNDS * N_FRESH is bounded
# by memory: the VM has 1 GiB and keeps 2 * ROUNDS + 1 sets of N_FRESH copies of the 670 KiB
# static target in tmpfs (/tmp may fill half of it).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

kernel=${VB_BENCH_KERNEL:-6.12}
rounds=${VB_BENCH_ROUNDS:-5}
n_same=${VB_BENCH_N_SAME:-300}
n_fresh=${VB_BENCH_N_FRESH:-40}
# Random rules a real policy might have: enough that the hash map is not trivially small.
n_rules=10000
out=build/bench/payload
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE"

for f in build/vendorband build/vendorban; do
	[ -x "$f" ] || { echo "bench: $f is missing (run: make all)" >&2; exit 2; }
done

rm -rf "$out"
mkdir -p "$out"
$CC $CFLAGS tests/bench/bench_exec.c -o "$out/bench_exec"
# Static, so the figure is the kernel's exec path and not ld.so's work; dynamic, because that
# is what hosts run, and it adds the PROT_EXEC mappings of ld.so and libc that vendorban judges
# too. Stripped, as installed programs are: the in-kernel hash reads the whole file.
$CC $CFLAGS -static -s tests/bench/bench_target.c -o "$out/target-static"
$CC $CFLAGS -s tests/bench/bench_target.c -o "$out/target-dynamic"
cp build/vendorband build/vendorban tests/bench/payload.sh "$out/"

# The banned file: the static target plus a tag, so it runs without the enforcer and differs
# from every file the benchmark times.
{ cat "$out/target-static"; printf '\nvendorban-bench banned\n'; } > "$out/banned"
chmod 755 "$out/banned"

banned_hash=$(sha256sum "$out/banned" | cut -d' ' -f1)
{
	echo "# vendorban bench policy: $n_rules random sha256 rules, the banned file, a path rule."
	echo "version 1"
	echo "vendor benchvendor \"Bench Banned Vendor\""
	echo "	sha256 $banned_hash"
	od -An -v -tx1 -N $((32 * n_rules)) /dev/urandom | tr -d ' \n' | fold -w 64 |
		sed 's/^/\tsha256 /'
	echo
	echo "	path /opt/benchvendor/"
} > "$out/bench.policy"
# A timed target in the policy would turn a figure into a denial; it cannot happen by chance
# but say so if it ever does.
for t in target-static target-dynamic; do
	if grep -q "$(sha256sum "$out/$t" | cut -d' ' -f1)" "$out/bench.policy"; then
		echo "bench: $t is in the random policy; run again" >&2
		exit 2
	fi
done

cat > "$out/bench.env" <<EOF
ROUNDS=$rounds
N_SAME=$n_same
N_FRESH=$n_fresh
N_RULES=$n_rules
EOF

bash tests/vm/run.sh "$kernel" "$out"
