#!/usr/bin/env bash
# run.sh: `make bench`'s exec benchmark. Builds build/bench/payload (bench_exec, the targets,
# ten shared libraries, the policy, Debian's fapolicyd unpacked by tests/bench/fapolicyd.sh)
# and runs tests/bench/payload.sh in one boot of the test VM per kernel.
#
#   VB_BENCH_KERNELS  kernels, one boot each (default "6.1 6.12")
#   VB_BENCH_PATHS    vendorban's kernel paths, a boot each per kernel (default "lsm fmod_ret":
#                     fmod_ret boots with Ubuntu's lsm= list, without bpf)
#   BENCH_CLOCK       icount (default) or wall: see tests/bench/clock.sh
#   VB_BENCH_ROUNDS   rounds of none / A / none / B / none (default 3)
#   VB_BENCH_N_SAME   execs of one file per cached figure and slot (default 300)
#   VB_BENCH_N_BIG    never-seen files per first-sight figure and slot (default 3)
#   VB_BENCH_BIG_MIB  their size (default 10)
# Every slot makes its N_BIG files on the VM's tmpfs just before it and removes them after.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/clock.sh

rounds=${VB_BENCH_ROUNDS:-3}
n_same=${VB_BENCH_N_SAME:-300}
n_big=${VB_BENCH_N_BIG:-3}
big_mib=${VB_BENCH_BIG_MIB:-10}
# Random rules a real policy might have: enough that the hash map is not trivially small.
n_rules=10000
out=build/bench/payload
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE"

for f in build/vendorband build/vendorban; do
	[ -x "$f" ] || { echo "bench: $f is missing (run: make all)" >&2; exit 2; }
done

rm -rf "$out"
mkdir -p "$out/lib"
$CC $CFLAGS tests/bench/bench_exec.c -o "$out/bench_exec"
# Static, so the figure is the kernel's exec path and not ld.so's work. Stripped, as installed
# programs are: an enforcer that hashes reads the whole file.
$CC $CFLAGS -static -s tests/bench/bench_target.c -o "$out/target-static"
# Dynamic with ten libraries besides libc: what hosts run, an open and a PROT_EXEC mapping
# per library for an enforcer to judge. The VM puts the libraries in /tmp/bench/lib.
libs=
for i in 0 1 2 3 4 5 6 7 8 9; do
	$CC $CFLAGS -shared -fPIC -s -DVB_BENCH_LIB_FN=vb_bench_lib$i tests/bench/bench_lib.c \
		-o "$out/lib/libvbbench$i.so"
	libs="$libs -lvbbench$i"
done
$CC $CFLAGS -s tests/bench/bench_target.c -o "$out/target-dyn10" -L"$out/lib" \
	-Wl,--no-as-needed $libs -Wl,-rpath,/tmp/bench/lib
cp build/vendorband build/vendorban tests/bench/payload.sh "$out/"
bash tests/bench/fapolicyd.sh "$out/fapolicyd"

# The banned file: the static target plus a tag, so it runs without an enforcer and differs
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

cat > "$out/bench.env" <<EOT
ROUNDS=$rounds
N_SAME=$n_same
N_BIG=$n_big
BIG_MIB=$big_mib
N_RULES=$n_rules
CLOCK=$bench_clock
EOT

rc=0
for k in $bench_kernels; do
	for p in ${VB_BENCH_PATHS:-lsm fmod_ret}; do
		extra=
		[ "$p" = fmod_ret ] && extra="lsm=landlock,lockdown,yama,integrity,apparmor"
		echo "== exec benchmark, kernel $k, $p path, clock $bench_clock"
		bench_boot "$k" "$out" "build/bench/exec-$k-$p.log" "exec benchmark:" \
			"the exec benchmark ($p path)" "$extra" || rc=1
	done
done
exit $rc
