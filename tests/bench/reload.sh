#!/usr/bin/env bash
# reload.sh: the reload benchmark. How long from replacing the policy file to the new version
# being in force, for a policy of 10 sha256 rules and one of 100,000, against how long
# `vendorban policy check` takes to parse the large one. Builds build/bench/reload-payload and
# runs tests/bench/reload_payload.sh in one boot of the test VM per kernel; exits non-zero if
# any failed.
#
#   VB_BENCH_KERNELS, BENCH_CLOCK  see tests/bench/clock.sh
#   VB_RELOAD_ROUNDS        rounds, each a reload to a small then to a large policy (default 3)
#   VB_RELOAD_LARGE         sha256 rules in the large policy (default 100000)
#   VB_RELOAD_SMALL         sha256 rules in the small policy (default 10)
# Every policy has its own random hashes, so no reload finds the rules of the one before. Each
# also lists /vb/banned, which must be refused with EPERM before every timing; the large ones
# also list /vb/banned-large, which must be refused exactly while a large policy is in force.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/bench/clock.sh

rounds=${VB_RELOAD_ROUNDS:-3}
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
cp build/vendorband build/vendorban "$out/"
cp tests/bench/reload_payload.sh "$out/payload.sh"

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
ROUNDS=$rounds
N_LARGE=$n_large
N_SMALL=$n_small
CLOCK=$bench_clock
EOF

rc=0
for k in $bench_kernels; do
	echo "== reload benchmark, kernel $k, clock $bench_clock"
	log=build/bench/reload-$k.log
	if bash tests/vm/run.sh "$k" "$out" > "$log" 2>&1; then
		sed -n '/^vendorban reload benchmark/,$p' "$log" | grep -v '^VB-EXIT'
	else
		tail -30 "$log"
		echo "bench: the reload benchmark failed on $k (whole console: $log)" >&2
		rc=1
	fi
done
exit $rc
