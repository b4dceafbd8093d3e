#!/usr/bin/env bash
# Run the host test binaries (no kernel features needed) and record their totals.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rc=0
for t in "$@"; do
	name=host-$(basename "$t")
	log=$(mktemp)
	echo "== $name"
	"$t" 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	bash "$here/../totals.sh" record "$name" "$log"
	rm -f "$log"
done
exit $rc
