#!/bin/sh
# reload_payload.sh: the reload benchmark inside the test VM (tests/bench/reload.sh puts it in
# /vb as payload.sh, with reload_time, the daemon, the CLI, the policies and bench.env; the
# scale figure is in scale_payload.sh, with mkpolicy, bench_exec, target-static, map_memory).
#
# The daemon starts on start.policy (version 1). Round R replaces the policy file with
# small-R.policy (version 2R), then with large-R.policy (version 2R+1): reload_time renames the
# new file over the policy path, sends SIGHUP and polls status until the new version is in
# force. Before each timing /vb/banned must be refused with EPERM, and /vb/banned-large must be
# refused exactly when the policy in force is a large one: a reload that reported a new version
# but did not change what the kernel decides would show there.
set -u
cd /vb
. /vb/bench.env

WORK=/tmp/reload
POLICY=$WORK/vendorban.policy
RESULTS=$WORK/results
PIDFILE=/run/vendorban/vendorband.pid
DAEMON_WAIT_S=180

fail()
{
	echo "reload bench: ERROR: $*"
	echo "reload bench: no figures are reported from this run"
	dmesg | grep -i 'out of memory\|killed process' | sed 's/^/kernel: /'
	grep -i 'MemTotal\|MemAvailable' /proc/meminfo | sed 's/^/meminfo: /'
	[ -s /tmp/vendorband.out ] && sed 's/^/vendorband: /' /tmp/vendorband.out
	exit 1
}

status_field()
{
	/vb/vendorban --json status --no-probe 2>/dev/null |
		sed -n "s/.*\"$1\" *: *\([0-9]*\).*/\1/p"
}

# check_policy SIZE VERSION RULES: the policy in force is that one, and the kernel acts on it.
check_policy()
{
	in_force=$(status_field policy_version)
	in_force_rules=$(status_field hash_rules)
	[ "$in_force" = "$2" ] || fail "policy version in force is '$in_force', not $2"
	[ "$in_force_rules" = "$3" ] ||
		fail "$in_force_rules sha256 rules in force, not $3 (version $2)"
	/vb/reload_time deny /vb/banned ||
		fail "/vb/banned (in every policy) was not refused with EPERM (version $2)"
	if [ "$1" = large ]; then
		/vb/reload_time deny /vb/banned-large ||
			fail "/vb/banned-large was not refused with EPERM under large policy $2"
	else
		/vb/reload_time runs /vb/banned-large ||
			fail "/vb/banned-large is not in small policy $2 but does not run"
	fi
}

reload_figure()
{
# ---- The rounds ----------------------------------------------------------------------------
r=1
while [ "$r" -le "$ROUNDS" ]; do
	for size in small large; do
		if [ "$size" = small ]; then
			v=$((2 * r)) n=$N_SMALL
		else
			v=$((2 * r + 1)) n=$N_LARGE
			# Parse only, on the same file, right before its reload.
			out=$(/vb/reload_time cmd /vb/vendorban policy check "$WORK/large-$r.policy") ||
				fail "vendorban policy check large-$r.policy: $out"
			ms=$(echo "$out" | sed -n 's/.*ms=\([0-9.]*\).*/\1/p')
			echo "round $r: policy check $N_LARGE hashes: $ms ms"
			echo "check large $r $ms" >> "$RESULTS"
		fi
		# What is in force right before the clock starts: the kernel still refuses.
		check_policy "$cur_size" "$cur_v" "$cur_n"
		out=$(/vb/reload_time swap "$WORK/$size-$r.policy" "$POLICY" "$PIDFILE" "$v" \
			/tmp/vendorband.out) ||
			fail "reload to $size-$r.policy (version $v) failed: $out"
		echo "round $r: reload to $n hashes (version $v): $out"
		ms=$(echo "$out" | sed -n 's/.*reload_ms=\([0-9.]*\).*/\1/p')
		logms=$(echo "$out" | sed -n 's/.*log_ms=\([0-9.]*\).*/\1/p')
		echo "log $size $r $logms" >> "$RESULTS"
		upper=$(echo "$out" | sed -n 's/.*upper_ms=\([0-9.]*\).*/\1/p')
		poll=$(echo "$out" | sed -n 's/.*poll_ms=\([0-9.]*\).*/\1/p')
		echo "reload $size $r $ms $poll" >> "$RESULTS"
		echo "upper $size $r $upper" >> "$RESULTS"
		check_policy "$size" "$v" "$n"
		cur_size=$size cur_v=$v cur_n=$n
	done
	r=$((r + 1))
done

# ---- The table -----------------------------------------------------------------------------
echo
echo "vendorban reload benchmark (kernel $(uname -r), qemu TCG: absolute times are emulated," \
	"ratios are what to read)"
[ "$CLOCK" = icount ] && echo "clock: qemu -icount: ms are instruction counts / 10^6, every" \
	"instruction priced alike: a model of cost, not a clock"
awk -v rounds="$ROUNDS" -v n_small="$N_SMALL" -v n_large="$N_LARGE" '
	$1 == "reload" { ms[$2, $3] = $4; poll[++np] = $5 }
	$1 == "check" { ms["check", $3] = $4 }
	$1 == "log" { ms["log " $2, $3] = $4 }
	$1 == "upper" { ms["upper " $2, $3] = $4 }

	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}

	function row(label, k,    r, a, s) {
		s = ""
		for (r = 1; r <= rounds; r++) {
			a[r] = ms[k, r]
			s = s sprintf(" %9.1f", a[r])
		}
		printf "%-42s %9.1f  %s\n", label, median(a, rounds), s
		return median(a, rounds)
	}

	# Both figures of one round, divided; then the spread of those ratios over the rounds.
	function ratio_row(label, a, b,    r, q) {
		for (r = 1; r <= rounds; r++)
			q[r] = ms[a, r] / ms[b, r]
		printf "%-42s %9s   %6.2fx  %6.2fx  %6.2fx\n", label, "", min(q, rounds),
			median(q, rounds), max(q, rounds)
	}
	function min(a, n,    i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
	function max(a, n,    i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }

	END {
		printf "%-42s %9s   %s\n", "", "median ms", "each round (ms)"
		small = row("reload to " n_small " hashes (daemon log)", "log small")
		row("  seen by a status poll", "small")
		row("  upper bound (end of that poll)", "upper small")
		large = row("reload to " n_large " hashes (daemon log)", "log large")
		row("  seen by a status poll", "large")
		row("  upper bound (end of that poll)", "upper large")
		check = row("policy check " n_large " hashes (parse only)", "check")
		printf "%-42s %9.1f\n", "one status poll (resolution of a reload)", median(poll, np)
		printf "\n%-42s %9s   %7s  %7s  %7s\n", "ratios, per round", "", "min", "median",
			"max"
		ratio_row("reload " n_large " / reload " n_small, "log large", "log small")
		ratio_row("reload " n_large " / policy check " n_large, "log large", "check")
	}' "$RESULTS"
echo "reload: from renaming the new policy over the old one (SIGHUP sent right after) to the" \
	"daemon's line 'policy version N in force' (read every 1 ms; ratios use this), and to the" \
	"first status poll showing N (polls every 20 ms, each a run of" \
	"vendorban --json status --no-probe, which is the resolution). /vb/banned was refused with EPERM before every timing" \
	"and after every reload."
}

. /vb/scale_payload.sh

# ---- Before the enforcer -------------------------------------------------------------------
[ -e /sys/fs/bpf/vendorban ] && fail "vendorban programs are already loaded"
/vb/reload_time runs /vb/banned || fail "/vb/banned does not run without the enforcer"
/vb/reload_time runs /vb/banned-large || fail "/vb/banned-large does not run without the enforcer"
# The policies go to tmpfs, next to the policy path: a rename does not cross file systems.
mkdir -p "$WORK" || fail "cannot create $WORK"
: > "$RESULTS"
cp /vb/*.policy "$WORK/" || fail "cannot copy the policies to $WORK"
mv "$WORK/start.policy" "$POLICY"
# Before the daemon holds a policy: a million-rule parse needs most of the VM's memory.
case " $FIGURES " in
*" scale "*) scale_check ;;
esac

/vb/vendorband --policy "$POLICY" --no-syslog --log /tmp/denials.jsonl \
	> /tmp/vendorband.out 2>&1 &
daemon=$!
t=0
while [ ! -e "$PIDFILE" ]; do
	kill -0 "$daemon" 2>/dev/null || fail "vendorband exited before it was ready"
	[ "$t" -ge $((DAEMON_WAIT_S * 5)) ] && fail "vendorband not ready after ${DAEMON_WAIT_S}s"
	sleep 0.2
	t=$((t + 1))
done
status=$(/vb/vendorban status 2>&1)
st=$?
echo "$status" | sed 's/^/status: /'
[ "$st" -eq 0 ] && echo "$status" | grep -q '^enforcing: *yes' ||
	fail "vendorban status does not say enforcing"
cur_size=small cur_v=1 cur_n=$N_SMALL

case " $FIGURES " in
*" reload "*) reload_figure ;;
esac
case " $FIGURES " in
*" scale "*) scale_figure ;;
esac
kill -0 "$daemon" 2>/dev/null || fail "vendorband exited during the rounds"
grep -q 'reload refused\|reload failed' /tmp/vendorband.out &&
	fail "vendorband refused or failed a reload"
exit 0
