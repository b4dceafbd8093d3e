# scale_payload.sh: the scale figure of the reload benchmark, sourced by reload_payload.sh in
# the test VM (functions and variables of that script are used here).
#
# scale_check, before the daemon starts: a policy of S_HASHES sha256 rules and S_PATHS path
# rules, as asked, through `vendorban policy check`. Above the kernel's map sizes it must be
# refused naming the limit; the figure then takes the largest policy that loads, and says so in
# its table: never a smaller figure under the asked-for name.
#
# scale_figure, with the daemon running: slots base, scale, base, scale, ..., base. base is the
# exec benchmark's policy (10,000 random sha256 rules, the banned hash, one path rule), scale the
# large one; every slot is a fresh random policy reached by a timed reload. Each slot times
# S_N_SAME cached execs of a static binary; a scale slot's figure is divided by the mean of the
# base slots either side of it, per round. Before each timing the banned hash and a file under
# the banned directory are refused with EPERM, status shows the policy's version and rule
# counts, and the kernel's cache_hits counter must cover every exec timed.

SCALE_RESULTS=$WORK/scale-results
SCALE_BASE_HASHES=10001		# the exec benchmark's policy: 10,000 random + the banned hash

scale_check()
{
	s_hashes=$S_HASHES s_paths=$S_PATHS s_refused=
	/vb/mkpolicy "$WORK/asked.policy" 1 "$S_HASHES" "$S_PATHS" ||
		fail "mkpolicy could not write a policy of $S_HASHES + $S_PATHS rules"
	out=$(/vb/vendorban policy check "$WORK/asked.policy" 2>&1)
	st=$?
	rm -f "$WORK/asked.policy"
	if [ "$S_HASHES" -le "$HASH_LIMIT" ] && [ "$S_PATHS" -le "$PATH_LIMIT" ]; then
		[ "$st" -eq 0 ] || fail "a policy within the kernel's limits is refused: $out"
		return
	fi
	[ "$st" -ne 0 ] ||
		fail "$S_HASHES sha256 + $S_PATHS path rules exceed the kernel's maps but pass the check"
	s_refused=$(echo "$out" | grep -o 'too many [a-z0-9]* rules (the limit is [0-9]*)' |
		sort -u | tr '\n' ';' | sed 's/;$//')
	[ -n "$s_refused" ] || fail "policy check refused the asked-for policy but not by a limit: $out"
	echo "scale: $S_HASHES sha256 + $S_PATHS path rules refused by policy check: $s_refused"
	[ "$s_hashes" -gt "$HASH_LIMIT" ] && s_hashes=$HASH_LIMIT
	[ "$s_paths" -gt "$PATH_LIMIT" ] && s_paths=$PATH_LIMIT
	echo "scale: measuring the largest policy that loads: $s_hashes sha256 + $s_paths path rules"
}

# scale_reload KIND VERSION HASHES PATHS ROUND: a fresh policy of that size, reloaded and timed.
scale_reload()
{
	banned=$(sha256sum /vb/banned | cut -d' ' -f1)
	/vb/mkpolicy "$WORK/next.policy" "$2" "$3" "$4" "$banned" ||
		fail "mkpolicy could not write the $1 policy (version $2)"
	out=$(/vb/reload_time swap "$WORK/next.policy" "$POLICY" "$PIDFILE" "$2" \
		/tmp/vendorband.out) || fail "reload to the $1 policy (version $2) failed: $out"
	echo "scale round $5: reload to $3 sha256 + $4 path rules (version $2): $out"
	ms=$(echo "$out" | sed -n 's/.*log_ms=\([0-9.]*\).*/\1/p')
	pick=$(echo "$out" | sed -n 's/.*pickup_ms=\([0-9.]*\).*/\1/p')
	echo "reload $1 $5 $ms $pick" >> "$SCALE_RESULTS"
	[ "$(status_field policy_version)" = "$2" ] || fail "version $2 is not in force"
	[ "$(status_field hash_rules)" = "$3" ] || fail "the $1 policy is not $3 sha256 rules"
	[ "$(status_field path_rules)" = "$4" ] || fail "the $1 policy is not $4 path rules"
}

scale_denies()	# scale_denies WHEN
{
	/vb/reload_time deny /vb/banned || fail "$1: /vb/banned was not refused with EPERM"
	/vb/reload_time deny /opt/benchvendor/agent ||
		fail "$1: /opt/benchvendor/agent (under a banned directory) was not refused with EPERM"
}

# scale_memory KIND: the rule maps of the policy in force (the newest of each name: the idle
# slot keeps the one before) with the memlock bpftool map show reads, and the daemon's memory.
scale_memory()
{
	/vb/map_memory > "$WORK/maps" 2>&1 || fail "map_memory: $(cat "$WORK/maps")"
	awk -v kind="$1" '
		($2 == "vb_hash_rules" || $2 == "vb_path_rules") && $1 + 0 > top[$2] {
			top[$2] = $1 + 0; e[$2] = $3; m[$2] = $4
		}
		END {
			for (n in top)
				printf "memory %s %s %s %s\n", kind, n, m[n], e[n]
		}' "$WORK/maps" >> "$SCALE_RESULTS"
	grep -q "^memory $1 vb_hash_rules " "$SCALE_RESULTS" ||
		fail "no vb_hash_rules map among the kernel's maps"
	rss=$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$daemon/status")
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$daemon/status")
	[ -n "$rss" ] && [ -n "$hwm" ] || fail "cannot read the daemon's memory in /proc/$daemon/status"
	echo "rss $1 $rss $hwm" >> "$SCALE_RESULTS"
}

# scale_exec KIND SLOT
scale_exec()
{
	scale_denies "slot $2 ($1), before"
	c0=$(status_field cache_hits)
	out=$(/vb/bench_exec same "$S_N_SAME" "$WORK/target-static") ||
		fail "slot $2 ($1): bench_exec same $S_N_SAME: $out"
	hits=$(($(status_field cache_hits) - c0))
	[ "$hits" -ge "$S_N_SAME" ] ||
		fail "slot $2 ($1): $S_N_SAME execs timed but $hits cached verdicts used"
	scale_denies "slot $2 ($1), after"
	ns=$(echo "$out" | sed -n 's/.* median_ns=\([0-9]*\).*/\1/p')
	echo "exec $1 $2 $ns" >> "$SCALE_RESULTS"
	echo "scale slot $2 ($1): $out"
}

scale_figure()
{
	: > "$SCALE_RESULTS"
	mkdir -p /opt && mount -t tmpfs tmpfs /opt && mkdir -p /opt/benchvendor &&
		cp /vb/target-static /opt/benchvendor/agent &&
		cp /vb/target-static "$WORK/target-static" ||
		fail "cannot set up /opt/benchvendor and the exec target"
	echo 0 > /proc/sys/kernel/randomize_va_space || fail "cannot turn off ASLR"
	v=$((cur_v + 1))
	scale_reload base "$v" "$SCALE_BASE_HASHES" 1 0
	scale_memory base
	slot=1
	scale_exec base "$slot"
	r=1
	while [ "$r" -le "$S_ROUNDS" ]; do
		v=$((v + 1)) slot=$((slot + 1))
		scale_reload scale "$v" "$s_hashes" "$s_paths" "$r"
		[ "$r" = 1 ] && scale_memory scale
		scale_exec scale "$slot"
		v=$((v + 1)) slot=$((slot + 1))
		scale_reload base "$v" "$SCALE_BASE_HASHES" 1 "$r"
		[ "$r" = 1 ] && scale_memory back
		scale_exec base "$slot"
		r=$((r + 1))
	done
	cur_v=$v

	echo
	echo "vendorban scale benchmark (kernel $(uname -r), qemu TCG: absolute times are emulated," \
		"ratios are what to read)"
	[ "$CLOCK" = icount ] && echo "clock: qemu -icount: ms and us are instruction counts," \
		"every instruction priced alike: a model of cost, not a clock"
	[ -n "$s_refused" ] && echo "asked for $S_HASHES sha256 + $S_PATHS path rules:" \
		"refused by policy check ($s_refused, bpf/vendorban.h); measured the largest that loads"
	echo "scale: $s_hashes sha256 + $s_paths path rules (random hashes, paths that do not exist" \
		"but /opt/benchvendor/); base: $((SCALE_BASE_HASHES - 1)) random sha256 + the banned" \
		"hash + 1 path rule (the exec benchmark's policy)"
	awk -v rounds="$S_ROUNDS" '
		$1 == "reload" { ms[$2, $3] = $4; pk[$2, $3] = $5 }
		$1 == "exec" { ex[$3] = $4 / 1000 }
		$1 == "memory" { mem[$2, $3] = $4; ent[$2, $3] = $5 }
		$1 == "rss" { rss[$2] = $3; hwm[$2] = $4 }

		function sort(a, n,    i, j, t) {
			for (i = 2; i <= n; i++)
				for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
				}
		}
		function med(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
		function row(label, a, n,    r, s, b) {
			s = ""
			for (r = 1; r <= n; r++) { s = s sprintf(" %9.1f", a[r]); b[r] = a[r] }
			printf "%-44s %9.1f  %s\n", label, med(b, n), s
		}
		function ratio_row(label, q, n,    lo, hi) {
			sort(q, n); lo = q[1]; hi = q[n]
			printf "%-44s %9s   %6.3fx  %6.3fx  %6.3fx\n", label, "", lo, med(q, n), hi
		}
		function mib(b) { return sprintf("%.1f MiB", b / 1048576) }
		END {
			printf "%-44s %9s   %s\n", "", "median", "each round"
			for (r = 1; r <= rounds; r++) {
				rs[r] = ms["scale", r]; rb[r] = ms["base", r]
				ps[r] = pk["scale", r]; pb[r] = pk["base", r]
				es[r] = ex[2 * r]; eb[r] = (ex[2 * r - 1] + ex[2 * r + 1]) / 2
				qe[r] = es[r] / eb[r]; qr[r] = rs[r] / rb[r]
			}
			row("reload base -> scale (ms)", rs, rounds)
			row("  of which the daemon was busy before", ps, rounds)
			row("reload scale -> base (ms)", rb, rounds)
			row("  of which the daemon was busy before", pb, rounds)
			row("cached exec, static, base (us)", eb, rounds)
			row("cached exec, static, scale (us)", es, rounds)
			printf "\n%-44s %9s   %7s  %7s  %7s\n", "ratios, per round", "", "min", "median",
				"max"
			ratio_row("cached exec, scale / base", qe, rounds)
			ratio_row("reload, to scale / to base", qr, rounds)
			printf "\nkernel memory of the rule maps in force (memlock, as bpftool map show reads it):\n"
			split("base scale back", kinds, " ")
			label["base"] = "base, before any scale policy:"
			label["scale"] = "scale:"
			label["back"] = "base again, after the scale policy:"
			for (k = 1; k <= 3; k++) {
				kind = kinds[k]
				printf "  %s\n", label[kind]
				printf "    sha256 map %s (max_entries %s), path map %s (max_entries" \
					" %s); daemon RSS %s, peak so far %s\n",
					mib(mem[kind, "vb_hash_rules"]), ent[kind, "vb_hash_rules"],
					mib(mem[kind, "vb_path_rules"]), ent[kind, "vb_path_rules"],
					mib(rss[kind] * 1024), mib(hwm[kind] * 1024)
			}
		}' "$SCALE_RESULTS"
	echo "reload: from renaming the new policy over the old one (SIGHUP right after) to the" \
		"daemon's line 'policy version N in force'; busy before: to its line 'reloading'. cached exec: median of $S_N_SAME execs per slot; ratios: a scale" \
		"slot against the mean of the base slots either side, per round. memlock is what" \
		"the kernel charges the map: on 6.4 and later its memory in use, on 6.1 an estimate" \
		"from max_entries. RSS: the daemon's, right after that reload."
}
