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
	line=$(grep -a '^# Totals:' "$3" | tail -n1 || true)
	if [ -z "$line" ]; then
		# A run that died before its totals counts as one failure, never as nothing.
		echo "0 1 0 $2 (no totals: the run did not finish)" > "$dir/$2"
		exit 0
	fi
	field() { tr ' ' '\n' <<<"$line" | awk -F: -v k="$1" '$1 == k { print $2 }'; }
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
