#!/usr/bin/env bash
# seeds.sh OUTDIR : a seed corpus per fuzz target from the files the tests already make, so the
# fuzzer starts from real modules, signatures and records instead of from nothing (seeded, the
# module-signature target reaches about twice the coverage).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: seeds.sh OUTDIR}
fx="$top/build/fixtures/identify"
bash "$top/tests/fixtures/mkidentify.sh" "$fx"
seed() {	# seed TARGET FILE...
	mkdir -p "$out/$1"
	local t=$1 f
	shift
	for f in "$@"; do
		[ -f "$f" ] && cp "$f" "$out/$t/$(basename "$f")"
	done
	return 0
}
shopt -s nullglob
seed fuzz_policy "$top"/policy/*.policy "$top"/policy/examples/*.policy
seed fuzz_modsig "$fx"/*.ko "$fx"/*.ko.*
seed fuzz_decompress "$fx"/*.gz "$fx"/*.xz "$fx"/*.zst
seed fuzz_elf "$fx"/*.ko "$fx"/prog
seed fuzz_ima "$fx"/ima*.sig "$fx"/ima*.bin
# Packages as dpkg-deb builds them (tests/fixtures/mkdeb.sh), and apt's v3 hook protocol.
bash "$top/tests/fixtures/mkdeb.sh" "$out/.debs" "$fx" >/dev/null
seed fuzz_deb "$out"/.debs/*.deb
rm -rf "$out/.debs"
mkdir -p "$out/fuzz_apt_hook"
printf 'VERSION 3\nAPT::Architecture=amd64\n\nhello - - none < 2.10-3 amd64 same /var/cache/apt/archives/hello_2.10-3_amd64.deb\nhello - - none < 2.10-3 amd64 same **CONFIGURE**\n' \
	> "$out/fuzz_apt_hook/v3"
mkdir -p "$out/fuzz_rpm_hook"
printf 'VENDORBAN-RPM 1\nP\tacme-agent\t1:2.0-3\tx86_64\tAcme%%25 Corp\tBuild <b@acme.example>\t199e2f91fd431d51\tacme-agent-1:2.0-3.x86_64\nF\t%s\t/usr/bin/acme-agent\nF\t-\t/usr/lib/acme/old.so\n' \
	"$(printf 'x' | sha256sum | cut -c1-64)" > "$out/fuzz_rpm_hook/stream"
# fuzz_pe and fuzz_pkgdb start from nothing: the Authenticode test makes its PE files in
# memory and /tmp (tests/fixtures/mkpe.c), and the package index parses the reader child's
# record stream, which no fixture holds.
mkdir -p "$out/fuzz_order"
printf 'vendorban-disable 1\nhost *\nversion 21\n' > "$out/fuzz_order/order"
# A denial record as the daemon writes it (docs/denial-log.md).
mkdir -p "$out/fuzz_log_record"
cat > "$out/fuzz_log_record/record.jsonl" <<'REC'
{"seq":1,"prev":"0000000000000000000000000000000000000000000000000000000000000000","time":"2026-11-23T10:55:39.756609Z","host":"vbtest","action":"deny","mode":"enforce","operation":"exec","path":"/opt/examplevendor/agent","dev":"0:2","ino":307,"sha256":"fb45d3c2a1e0f9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4","match":"sha256","cached":false,"vendor":"examplevendor","rule":"examplevendor-sha256-1","rule_source":"/vb/demo.policy:5","policy_version":1,"pid":169,"ppid":140,"uid":0,"user":"root","comm":"sh","errno":"EPERM"}
REC
