#!/usr/bin/env bash
# run.sh SECONDS FUZZER... : run every target for SECONDS on its seeded corpus. A crash in one
# target does not stop the others; all crashes are listed at the end and the exit status is 1.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=$1
shift
corpus="$top/build/corpus"
bash "$top/tests/fuzz/seeds.sh" "$corpus" || { echo "fuzz: could not make the seed corpora" >&2; exit 1; }
crashed=()
for f in "$@"; do
	name=$(basename "$f")
	art="$top/build/fuzz-crashes/$name/"
	mkdir -p "$corpus/$name" "$art"
	echo "== $name ($secs s, $(ls "$corpus/$name" | wc -l) inputs in its corpus)"
	if ! "$f" -max_total_time="$secs" -artifact_prefix="$art" "$corpus/$name" 2> "$art/log"; then
		tail -n 30 "$art/log"
		crashed+=("$name: $(ls "$art" | grep -v '^log$' | head -n1) (log: $art/log)")
	else
		grep -a '^#[0-9]*.*DONE' "$art/log" | tail -n1
	fi
done
if [ ${#crashed[@]} -gt 0 ]; then
	echo "fuzz: ${#crashed[@]} of $# targets crashed:"
	printf '  %s\n' "${crashed[@]}"
	exit 1
fi
echo "fuzz: $# targets ran $secs s each, no crash"
