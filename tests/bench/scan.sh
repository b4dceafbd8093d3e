#!/usr/bin/env bash
# scan.sh: scanner throughput on a large tree, against `find | xargs sha256sum` over the same
# tree in the same run (so the machine's disk and CPU cancel out of the ratios). Runs on the
# host: the scanner is user space, no kernel feature is involved.
#
#   cold  no scan cache; as root the page cache is dropped before each cold run too; also with
#         --all-files (every file hashed, as before scans read only what can execute) and with
#         --jobs 1 (one thread)
#   warm  the scan cache filled by the run before; page cache as that run left it
#
#   VB_BENCH_SCAN_TREE   where the tree is made once and reused (default build/bench/scan-tree)
#   VB_BENCH_SCAN_FILES  files in the tree (default 20000; about 300 MB)
#   VB_BENCH_SCAN_EXISTING  measure this tree as it is instead (e.g. /usr): nothing is made
#                        or removed there; a scan that finds some file unreadable or
#                        unparsable (exit 3) still counts
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

tree=${VB_BENCH_SCAN_TREE:-build/bench/scan-tree}
n_files=${VB_BENCH_SCAN_FILES:-20000}
work=build/bench/scan
vb=build/vendorban
stamp="v3 $n_files"

[ -x "$vb" ] || { echo "bench-scan: $vb is missing (run: make all)" >&2; exit 2; }
mkdir -p "$work"

# The tree: ELF files as installed (copies of this host's programs and libraries under 2 MB),
# signed kernel modules from the test fixtures when they can be made, and small files of
# random bytes to make up the count, in three sizes.
make_tree() {
	local elf_dir=$tree/elf small n left per k
	rm -rf "$tree" "$tree.stamp"
	mkdir -p "$elf_dir"
	find /usr/bin /usr/sbin /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -size -2M \
		-print0 2>/dev/null | head -z -n "$((n_files / 4))" |
		xargs -0 cp -t "$elf_dir" 2>/dev/null || true
	# The signed modules are what the cert and signer rules read: a tree without them does not
	# measure those readers, so a failure to make them stops the bench, with the tool's words.
	if ! bash tests/fixtures/mkidentify.sh build/fixtures/identify >&2; then
		echo "bench-scan: tests/fixtures/mkidentify.sh failed: no signed modules" >&2
		exit 1
	fi
	mkdir -p "$tree/modules"
	for k in 1 2 3 4 5; do
		for f in build/fixtures/identify/*.ko*; do
			# vbbigid.ko is malformed on purpose (a build-id too long for the ELF
			# reader): it would make every scan "incomplete" (exit 3).
			[ "$(basename "$f")" = vbbigid.ko ] && continue
			cp "$f" "$tree/modules/$k-$(basename "$f")"
		done
	done
	n=$(find "$tree/modules" -name '*.ko*' | wc -l)
	[ "$n" -gt 0 ] || { echo "bench-scan: no modules in $tree/modules" >&2; exit 1; }
	n=$(find "$tree" -type f | wc -l)
	left=$((n_files - n))
	# 45% of 2 KiB, 45% of 6 KiB, the rest of 17 KiB.
	for spec in "a 2048 45" "b 6144 45" "c 17408 10"; do
		set -- $spec
		small=$tree/small-$1
		per=$((left * $3 / 100))
		[ "$1" = c ] && per=$((n_files - $(find "$tree" -type f | wc -l)))
		[ "$per" -gt 0 ] || continue
		mkdir -p "$small"
		head -c $((per * $2)) /dev/urandom | split -a 5 -b "$2" - "$small/f"
	done
	echo "$stamp" > "$tree.stamp"
}

existing=${VB_BENCH_SCAN_EXISTING:-}
if [ -n "$existing" ]; then
	[ -d "$existing" ] || { echo "bench-scan: $existing is not a directory" >&2; exit 2; }
	tree=$existing
elif [ "$(cat "$tree.stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "bench-scan: making $tree ($n_files files)..." >&2
	make_tree
	# Files changed within a second of a scan are not cached (racily clean): let it pass.
	sleep 1.1
fi
read -r files bytes < <(find "$tree" -type f -printf '%s\n' | awk '{ n++; s += $1 } END { print n, s }')

# A policy whose evidence readers all run: cert (signatures), package (dpkg/rpm owners),
# module name (.modinfo), and a hash rule.
cert=build/fixtures/identify/pki/banned.pem
if [ ! -f "$cert" ]; then
	cert=$work/bench-vendor.pem
	[ -f "$cert" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
		-subj "/C=RU/O=Bench Banned Vendor/CN=Bench Code Signing" \
		-keyout "$work/bench-vendor.key" -out "$cert" 2>/dev/null
fi
policy=$work/bench.policy
cat > "$policy" <<EOF
# vendorban scan bench: one vendor, every kind of evidence rule.
version 1
vendor benchvendor "Bench Banned Vendor"
	cert $(realpath "$cert")
	signer subject "O=Bench Banned Vendor, C=RU"
	package name "bench-banned-*"
	package maintainer "*@bench-banned.example>"
	module name vbtest
	sha256 0000000000000000000000000000000000000000000000000000000000000001
EOF
cache=$work/scan.cache

dropped=no
drop_caches() {
	sync
	if [ "$(id -u)" = 0 ] && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
		dropped=yes
	fi
}

now() { date +%s.%N; }
elapsed=0
# time_run CMD...: seconds in $elapsed; the scanner exits 1 when files match, which they do.
time_run() {
	local t0 rc=0
	t0=$(now)
	"$@" > "$work/out" 2> "$work/err" || rc=$?
	elapsed=$(awk -v a="$(now)" -v b="$t0" 'BEGIN { printf "%.3f", a - b }')
	if [ "$rc" -gt 1 ] && ! { [ -n "$existing" ] && [ "$rc" = 3 ]; }; then
		echo "bench-scan: $* failed ($rc):" >&2
		cat "$work/err" >&2
		exit 1
	fi
}
sha256sum_tree() {
	find "$tree" -type f -print0 | xargs -0 sha256sum > /dev/null
}
# OpenSSL's SHA-256 (SHA-NI or AVX2 where the processor has them), the library the scanner
# uses: against it, the ratio is the scanner's own work, not the hash library's.
openssl_tree() {
	find "$tree" -type f -print0 | xargs -0 openssl dgst -sha256 > /dev/null
}
scan() {
	"$vb" scan --summary --policy "$policy" "$@" "$tree"
}
# The floor of a warm scan: a walk that stats every file for what the cache keys on.
stat_walk() {
	find "$tree" -type f -printf '%D %i %s %T@ %C@\n' > /dev/null
}

declare -A secs
drop_caches; time_run sha256sum_tree; secs[sum_cold]=$elapsed
drop_caches; time_run openssl_tree; secs[ossl_cold]=$elapsed
drop_caches; time_run scan --no-cache; secs[scan_cold]=$elapsed
cold_summary=$(grep '^scanned \|skipped: cannot execute' "$work/out" | tr '\n' ' ')
# What reading only what can execute saves, and what the second core adds.
drop_caches; time_run scan --no-cache --all-files; secs[all_cold]=$elapsed
drop_caches; time_run scan --no-cache --jobs 1; secs[one_cold]=$elapsed
rm -f "$cache"
drop_caches; time_run scan --cache "$cache"; secs[fill_cold]=$elapsed
time_run sha256sum_tree; secs[sum_warm]=$elapsed
time_run openssl_tree; secs[ossl_warm]=$elapsed
time_run scan --cache "$cache"; secs[scan_warm]=$elapsed
time_run stat_walk; secs[walk_warm]=$elapsed
warm_summary=$(grep '^scanned \|skipped: cannot execute' "$work/out" | tr '\n' ' ')

line() {	# line LABEL SECONDS [SHA256SUM_SECONDS OPENSSL_SECONDS]: throughput, and the ratios
	awk -v label="$1" -v s="$2" -v base="${3:-}" -v ossl="${4:-}" -v files="$files" \
		-v bytes="$bytes" 'BEGIN {
		if (s < 0.001)
			s = 0.001
		ratio = base == "" ? "" : sprintf("  %6.2fx sha256sum", base / s)
		if (ossl != "")
			ratio = ratio sprintf("  %6.2fx openssl", ossl / s)
		printf "  %-34s %7.2f s %9.0f files/s %8.1f MB/s%s\n", label, s, files / s,
		       bytes / 1e6 / s, ratio
	}'
}

awk -v f="$files" -v b="$bytes" -v t="$tree" \
	-v m="$(find "$tree" -type f -name '*.ko*' | wc -l)" \
	'BEGIN { printf "scan bench: %d files (%d kernel modules), %.1f MB in %s\n", f, m, b / 1e6, t }'
if [ "$dropped" = yes ]; then
	echo "  cold: page cache dropped before each cold run (echo 3 > /proc/sys/vm/drop_caches)"
else
	echo "  cold: no scan cache; page cache NOT dropped (needs root): cold is disk-cache warm"
fi
line "find | xargs sha256sum, cold" "${secs[sum_cold]}"
line "find | xargs openssl dgst, cold" "${secs[ossl_cold]}"
line "vendorban scan --no-cache, cold" "${secs[scan_cold]}" "${secs[sum_cold]}" "${secs[ossl_cold]}"
line "  the same, --all-files" "${secs[all_cold]}" "${secs[sum_cold]}" "${secs[ossl_cold]}"
line "  the same, --jobs 1 (of $(nproc))" "${secs[one_cold]}" "${secs[sum_cold]}" "${secs[ossl_cold]}"
line "vendorban scan --cache (filling)" "${secs[fill_cold]}" "${secs[sum_cold]}" "${secs[ossl_cold]}"
line "find | xargs sha256sum, warm" "${secs[sum_warm]}"
line "find | xargs openssl dgst, warm" "${secs[ossl_warm]}"
line "vendorban scan --cache, warm" "${secs[scan_warm]}" "${secs[sum_warm]}" "${secs[ossl_warm]}"
line "find -printf (the stat walk), warm" "${secs[walk_warm]}"
awk -v s="${secs[scan_warm]}" -v w="${secs[walk_warm]}" 'BEGIN {
	printf "  warm scan / stat walk: %.2fx (the goal: bounded by the walk)\n", s / (w < 0.001 ? 0.001 : w) }'
echo "  cold scan: $cold_summary"
echo "  warm scan: $warm_summary"
