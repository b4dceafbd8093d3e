#!/usr/bin/env bash
# totals.sh record NAME LOGFILE : store the kselftest "# Totals:" counts of one run
# totals.sh summary             : print "N passed, N failed, N skipped" over all runs; exit 1 on
#                                 any failure or on a run that reported no totals
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/build/test-results"
case "$1" in
record)
	mkdir -p "$dir"
	# One log may hold several harness runs: add up every "# Totals:" line in it.
	lines=$(grep -a '^# Totals:' "$3" || true)
	if [ -z "$lines" ]; then
		# A run that died before its totals counts as one failure, never as nothing.
		echo "0 1 0 $2 (no totals: the run did not finish)" > "$dir/$2"
		exit 0
	fi
	field() { tr ' ' '\n' <<<"$lines" | awk -F: -v k="$1" '$1 == k { n += $2 } END { print n + 0 }'; }
	p=$(field pass) f=$(field fail) e=$(field error) s=$(field skip)
	echo "$p $((f + e)) $s $2" > "$dir/$2"
	;;
reset)
	rm -rf "$dir"
	;;
summary)
	P=0 F=0 S=0
	shopt -s nullglob
	for r in "$dir"/*; do
		read -r p f s name < "$r"
		printf '  %-34s %3d passed, %d failed, %d skipped\n' "$(basename "$r")" "$p" "$f" "$s"
		P=$((P + p)) F=$((F + f)) S=$((S + s))
	done
	echo "$P passed, $F failed, $S skipped"
	[ "$F" -eq 0 ] && [ "$P" -gt 0 ]
	;;
esac
