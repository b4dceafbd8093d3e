#!/usr/bin/env bash
# totals.sh record NAME LOGFILE : store the kselftest "# Totals:" counts of one run, and the
#                                 reason of each of its skips
# totals.sh summary             : print each run's counts, the skips by reason, then
#                                 "N passed, N failed, N skipped" (always the last line) over all
#                                 runs; exit 1 on any failure or on a run that reported no totals
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir="$top/build/test-results"
skips="$dir/skips"
case "$1" in
record)
	mkdir -p "$dir" "$skips"
	# kselftest writes a skip as "ok N [name] # SKIP reason" (the harness of 6.1 leaves the
	# name out); a VM console may end its lines with \r.
	tr -d '\r' < "$3" | sed -n 's/^ok [0-9][0-9]*\( .*\)\{0,1\} # SKIP *//p' > "$skips/$2"
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
		[ -f "$r" ] || continue
		read -r p f s name < "$r"
		printf '  %-34s %3d passed, %d failed, %d skipped\n' "$(basename "$r")" "$p" "$f" "$s"
		P=$((P + p)) F=$((F + f)) S=$((S + s))
	done
	# Every skip with its reason, counted, and the runs it came from: a new one stands out.
	listed=$(cat /dev/null "$skips"/* | wc -l)
	if [ "$S" -gt 0 ] || [ "$listed" -gt 0 ]; then
		echo "Skipped, by reason:"
		for r in "$skips"/*; do
			awk -v run="$(basename "$r")" 'NF { print $0 "\t" run }' "$r"
		done | awk -F'\t' '
			{
				n[$1]++
				if (index(", " runs[$1] ",", ", " $2 ",") == 0)
					runs[$1] = runs[$1] (runs[$1] == "" ? "" : ", ") $2
			}
			END { for (k in n) printf "%5d  %s [%s]\n", n[k], k, runs[k] }' |
			sort -k1,1nr -k2
		[ "$listed" -eq "$S" ] ||
			echo "  (the totals count $S skips, the TAP output gives reasons for $listed)"
	fi
	echo "$P passed, $F failed, $S skipped"
	[ "$F" -eq 0 ] && [ "$P" -gt 0 ]
	;;
esac
