#!/usr/bin/env bash
# reload.sh: the reload benchmark. How long from replacing the policy file to the new version
# being in force, for a policy of 10 sha256 rules and one of 100,000, against how long
# `vendorban policy check` takes to parse the large one; and the scale figure: a policy of a
# million sha256 rules and 10,000 path rules, its reload time, the kernel memory its maps take
# and cached exec under it against the 10,000-hash policy of the exec benchmark. Builds
# build/bench/reload-payload and runs tests/bench/reload_payload.sh in one boot of the test VM
# per kernel; exits non-zero if any failed.
#
#   VB_BENCH_KERNELS, BENCH_CLOCK  see tests/bench/clock.sh
#   VB_RELOAD_FIGURES       which figures: "reload", "scale" or both (default "reload scale")
#   VB_RELOAD_ROUNDS        rounds, each a reload to a small then to a large policy (default 3)
#   VB_RELOAD_LARGE         sha256 rules in the large policy (default 100000)
#   VB_RELOAD_SMALL         sha256 rules in the small policy (default 10)
#   VB_SCALE_ROUNDS         scale rounds: base / scale / base, brackets shared (default 3)
#   VB_SCALE_HASHES         sha256 rules in the scale policy (default 1000000)
#   VB_SCALE_PATHS          path rules asked for in it (default 10000; see the payload for
#                           what happens above the kernel's limit)
#   VB_SCALE_N_SAME         execs of one static binary per slot (default 300)
#   VB_VM_MEM               the VM's memory (default 2G when the scale figure is taken)
# Every policy has its own random hashes, so no reload finds the rules of the one before. Each
# also lists /vb/banned, which must be refused with EPERM before every timing; the large ones
# also list /vb/banned-large, which must be refused exactly while a large policy is in force.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/clock.sh

figures=${VB_RELOAD_FIGURES:-reload scale}
rounds=${VB_RELOAD_ROUNDS:-3}
s_rounds=${VB_SCALE_ROUNDS:-3}
s_hashes=${VB_SCALE_HASHES:-1000000}
s_paths=${VB_SCALE_PATHS:-10000}
s_n_same=${VB_SCALE_N_SAME:-300}
n_large=${VB_RELOAD_LARGE:-100000}
n_small=${VB_RELOAD_SMALL:-10}
out=build/bench/reload-payload
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE"

for f in build/vendorband build/vendorban; do
	[ -x "$f" ] || { echo "reload bench: $f is missing (run: make all)" >&2; exit 2; }
done

rm -rf "$out"
mkdir -p "$out"
$CC $CFLAGS tests/bench/reload_time.c -o "$out/reload_time"
$CC $CFLAGS -s tests/bench/bench_target.c -o "$out/target"
# The scale figure: its policies are made in the VM (70 MB of text), cached exec is timed as in
# the exec benchmark, and the rule maps' memory is read as bpftool map show reads it.
$CC $CFLAGS tests/bench/mkpolicy.c -o "$out/mkpolicy"
$CC $CFLAGS tests/bench/bench_exec.c -o "$out/bench_exec"
$CC $CFLAGS -static -s tests/bench/bench_target.c -o "$out/target-static"
$CC $CFLAGS tests/bench/map_memory.c -o "$out/map_memory" -lbpf
# The kernel's limits, as the daemon was built with them: the payload says which it hit.
limit()
{
	sed -n "s/^#define $1[[:space:]]*\(([^)]*)\|[0-9]*\).*/\1/p" bpf/vendorban.h
}
path_limit=$(($(limit VB_MAX_PATH_RULES)))
hash_limit=$(($(limit VB_MAX_HASH_RULES)))
[ "$path_limit" -gt 0 ] && [ "$hash_limit" -gt 0 ] ||
	{ echo "reload bench: cannot read the rule limits from bpf/vendorban.h" >&2; exit 2; }
cp build/vendorband build/vendorban "$out/"
cp tests/bench/reload_payload.sh "$out/payload.sh"
cp tests/bench/scale_payload.sh "$out/"

# The banned files: a do-nothing program plus a tag, so each has its own hash and runs without
# the enforcer (the denial twin).
for b in banned banned-large; do
	{ cat "$out/target"; printf '\nvendorban-reload-bench %s\n' "$b"; } > "$out/$b"
	chmod 755 "$out/$b"
done
banned=$(sha256sum "$out/banned" | cut -d' ' -f1)
banned_large=$(sha256sum "$out/banned-large" | cut -d' ' -f1)

# policy FILE VERSION N_RANDOM [EXTRA_HASH]
policy()
{
	{
		echo "# vendorban reload bench: $3 random sha256 rules + the banned file(s)"
		echo "version $2"
		echo "vendor reloadbench \"Reload Bench Vendor\""
		echo "	sha256 $banned"
		[ -n "${4:-}" ] && echo "	sha256 $4"
		od -An -v -tx1 -N $((32 * $3)) /dev/urandom | tr -d ' \n' | fold -w 64 |
			sed 's/^/\tsha256 /'
		echo
	} > "$1"
}

# Version 1 is what the daemon starts with; round R reloads to version 2R (small), then to
# version 2R+1 (large). The rule counts include the banned hashes.
policy "$out/start.policy" 1 $((n_small - 1))
r=1
while [ "$r" -le "$rounds" ]; do
	policy "$out/small-$r.policy" $((2 * r)) $((n_small - 1))
	policy "$out/large-$r.policy" $((2 * r + 1)) $((n_large - 2)) "$banned_large"
	r=$((r + 1))
done
# A duplicate (a one-in-2^256 event) would refuse the policy; say why if it ever happens.
for f in "$out"/*.policy; do
	if [ -n "$(grep -o 'sha256 [0-9a-f]*' "$f" | sort | uniq -d | head -n1)" ]; then
		echo "reload bench: $f has a duplicate hash; run again" >&2
		exit 2
	fi
done
build/vendorban policy check "$out/large-1.policy" >/dev/null ||
	{ echo "reload bench: the large policy is refused on the host" >&2; exit 2; }

cat > "$out/bench.env" <<EOF
FIGURES="$figures"
S_ROUNDS=$s_rounds
S_HASHES=$s_hashes
S_PATHS=$s_paths
S_N_SAME=$s_n_same
PATH_LIMIT=$path_limit
HASH_LIMIT=$hash_limit
ROUNDS=$rounds
N_LARGE=$n_large
N_SMALL=$n_small
CLOCK=$bench_clock
EOF

# A million parsed rules take the daemon about 560 MB (measured on the host: `vendorban policy
# check` of such a policy), beside the kernel's maps and the policy text on tmpfs: in the test
# VM's usual 1 GiB the daemon was killed on the reload after it. The figure is taken in 2 GiB.
case " $figures " in
*" scale "*) export VB_VM_MEM=${VB_VM_MEM:-2G} ;;
esac

rc=0
for k in $bench_kernels; do
	echo "== reload benchmark, kernel $k, clock $bench_clock"
	bench_boot "$k" "$out" "build/bench/reload-$k.log" 'vendorban \(reload\|scale\) benchmark' \
		"the reload benchmark" || rc=1
done
exit $rc
