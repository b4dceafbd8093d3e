#!/bin/sh
# payload.sh: `make bench` inside the test VM (tests/bench/run.sh puts it in /vb with
# bench_exec, the two targets, the daemon, the CLI, the policy and bench.env).
#
# Every file to be run is made before anything is timed. Then rounds: no enforcer (the first
# time, no BPF program has ever been loaded), enforcer, no enforcer, enforcer, ... no enforcer.
# Each enforced figure is read against the no-enforcer figures just before and just after it:
# under TCG the host's other work moves every figure by tens of percent within a minute
# (measured: 53% between a baseline and the same baseline 40 s later), and only bracketing
# cancels that. Each enforced figure is taken right after a banned file was refused with
# EPERM, and kept only if the kernel's own counters show the hooks judged (cached) or hashed
# (fresh) every exec timed.
set -u
cd /vb
. /vb/bench.env

BENCH=/tmp/bench
RESULTS=$BENCH/results
PIDFILE=/run/vendorban/vendorband.pid
PIN_DIR=/sys/fs/bpf/vendorban
DAEMON_WAIT_S=180

fail()
{
	echo "bench: ERROR: $*"
	echo "bench: no figures are reported from this run"
	[ -s /tmp/vendorband.out ] && sed 's/^/vendorband: /' /tmp/vendorband.out
	exit 1
}

# One counter from the kernel's stats map, as `vendorban --json status` shows it. --no-probe:
# no canary exec, so the read itself hashes nothing. It then says "not enforcing" (it did not
# check), hence its exit status is ignored.
counter()
{
	/vb/vendorban --json status --no-probe 2>/dev/null |
		sed -n "s/.*\"$1\" *: *\([0-9]*\).*/\1/p"
}

# A banned file must be refused right before a figure is taken: the figure then cannot come
# from a kernel that quietly stopped enforcing.
check_denies()
{
	/vb/bench_exec deny 1 /vb/banned ||
		fail "/vb/banned (its sha256 is in the policy) was not refused with EPERM"
	/vb/bench_exec deny 1 /opt/benchvendor/agent ||
		fail "/opt/benchvendor/agent (under a path rule) was not refused with EPERM"
}

# The denial twins: without vendorban both run, so an EPERM can only be vendorban's.
check_runs()
{
	/vb/banned || fail "/vb/banned does not run without the enforcer"
	/opt/benchvendor/agent || fail "/opt/benchvendor/agent does not run without the enforcer"
}

# measure PHASE ROUND VARIANT MODE: one bench_exec figure, shown and kept in $RESULTS as
# "PHASE ROUND VARIANT MODE MEDIAN_NS".
measure()
{
	if [ "$4" = same ]; then
		n=$N_SAME what=/vb/target-$3
	else
		n=$N_FRESH what=$BENCH/$1$2-$3
	fi
	if [ "$1" = on ]; then
		check_denies
		hits0=$(counter cache_hits)
		hashed0=$(counter hashed)
	fi
	out=$(/vb/bench_exec "$4" "$n" "$what") || fail "bench_exec $4 $n $what failed"
	echo "$1$2 $out"
	if [ "$1" = on ]; then
		hits=$(($(counter cache_hits) - hits0))
		hashed=$(($(counter hashed) - hashed0))
		echo "on$2 the kernel used $hits cached verdicts and hashed $hashed files"
		if [ "$4" = same ] && [ "$hits" -lt "$n" ]; then
			fail "$n execs of one file but only $hits cached verdicts were used"
		elif [ "$4" = fresh ] && [ "$hashed" -lt "$n" ]; then
			fail "$n new files were run but only $hashed were hashed"
		fi
	fi
	echo "$1 $2 $3 $4 $(echo "$out" | sed -n 's/.* median_ns=\([0-9]*\).*/\1/p')" >> "$RESULTS"
}

measure_round()
{
	for v in static dynamic; do
		measure "$1" "$2" "$v" same
		measure "$1" "$2" "$v" fresh
	done
}

start_enforcer()
{
	/vb/vendorband --policy /vb/bench.policy --no-syslog --log /tmp/denials.jsonl \
		> /tmp/vendorband.out 2>&1 &
	daemon=$!
	t=0
	while [ ! -e "$PIDFILE" ]; do
		kill -0 "$daemon" 2>/dev/null || fail "vendorband exited before it was ready"
		[ "$t" -ge $((DAEMON_WAIT_S * 5)) ] &&
			fail "vendorband not ready after ${DAEMON_WAIT_S}s"
		sleep 0.2
		t=$((t + 1))
	done
	status=$(/vb/vendorban status 2>&1)
	st=$?
	# In full once; after that the line that matters.
	if [ "$1" = 1 ]; then
		echo "$status" | sed "s/^/on$1 status: /"
	else
		echo "$status" | sed -n "s/^enforcing:/on$1 status: enforcing:/p"
	fi
	[ "$st" -eq 0 ] && echo "$status" | grep -q '^enforcing: *yes' ||
		fail "vendorban status does not say enforcing"
	echo "$status" | grep -q '^content checked: *in the kernel' ||
		fail "the kernel does not hash content here: there is no first-exec figure to take"
	echo "$status" | grep -q "^policy: .* $((N_RULES + 1)) sha256 rules.*, 1 path rules" ||
		fail "the policy in force is not the $N_RULES random rules + banned hash + path rule"
}

# The links are pinned so that enforcement outlives the daemon; with the daemon gone, removing
# the pins drops their last reference and detaches the programs.
stop_enforcer()
{
	check_denies
	kill "$daemon"
	wait "$daemon"
	rm -rf "$PIN_DIR" || fail "cannot unpin $PIN_DIR"
	# Sleepable programs are freed after an RCU tasks-trace grace period: allow it a moment.
	t=0
	until /vb/banned 2>/dev/null; do
		[ "$t" -ge 50 ] && fail "/vb/banned is still refused after the enforcer was taken out"
		sleep 0.2
		t=$((t + 1))
	done
	check_runs
}

# ---- Every file, before any timing -----------------------------------------------------------
# Under TCG a randomised address space costs more than the exec itself: qemu 7.2 keys its
# translated code by virtual address, so ld.so and libc at new addresses are translated anew
# on every exec (measured: 18-25 ms per dynamic exec with ASLR, 4-6 ms without), and that cost
# swings with the host's load. The enforcer does not look at addresses, so the comparison
# loses nothing without it.
echo 0 > /proc/sys/kernel/randomize_va_space || fail "cannot turn off ASLR"
mkdir -p "$BENCH" /opt/benchvendor || fail "cannot create $BENCH"
: > "$RESULTS"
cp /vb/target-static /opt/benchvendor/agent || fail "cannot create /opt/benchvendor/agent"
for v in static dynamic; do
	r=0
	while [ "$r" -le "$ROUNDS" ]; do
		for set in "off$r" "on$r"; do
			[ "$set" = on0 ] && continue
			/vb/bench_exec mkfresh "$N_FRESH" "$BENCH/$set-$v" "/vb/target-$v" ||
				fail "cannot create the fresh files $BENCH/$set-$v"
		done
		r=$((r + 1))
	done
done

# ---- The rounds --------------------------------------------------------------------------------
[ -e "$PIN_DIR" ] && fail "vendorban programs are already loaded: the baseline would not be one"
check_runs
measure_round off 0
r=1
while [ "$r" -le "$ROUNDS" ]; do
	start_enforcer "$r"
	measure_round on "$r"
	stop_enforcer
	measure_round off "$r"
	r=$((r + 1))
done

# ---- The table ---------------------------------------------------------------------------------
echo
echo "vendorban exec benchmark (kernel $(uname -r), qemu TCG: absolute times are emulated," \
	"ratios are what to read)"
awk -v rounds="$ROUNDS" -v ksize_static=$(($(wc -c < "$BENCH/on1-static/t0") / 1024)) \
	-v ksize_dynamic=$(($(wc -c < "$BENCH/on1-dynamic/t0") / 1024)) '
	{ ns[$1, $2, $3, $4] = $5 }

	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}

	# The no-enforcer figure over all rounds, and how far its rounds lie apart.
	function off_row(label, v, m,    r, a, lo, hi) {
		for (r = 0; r <= rounds; r++) {
			a[r + 1] = ns["off", r, v, m]
			if (r == 0 || a[r + 1] < lo) lo = a[r + 1]
			if (r == 0 || a[r + 1] > hi) hi = a[r + 1]
		}
		printf "%-34s %9.0f   %5.2f   rounds differ by up to %.0f%%\n", label,
			median(a, rounds + 1) / 1000, 1, (hi - lo) * 100 / lo
	}

	# Each enforced round against the mean of the no-enforcer rounds either side of it.
	function on_row(label, v, m,    r, a, q, lo, hi) {
		for (r = 1; r <= rounds; r++) {
			a[r] = ns["on", r, v, m]
			q[r] = a[r] * 2 / (ns["off", r - 1, v, m] + ns["off", r, v, m])
			if (r == 1 || q[r] < lo) lo = q[r]
			if (r == 1 || q[r] > hi) hi = q[r]
		}
		printf "%-34s %9.0f   %5.2f   %.2f to %.2f\n", label, median(a, rounds) / 1000,
			median(q, rounds), lo, hi
	}

	END {
		printf "%-34s %9s   %5s   %s\n", "", "median us", "ratio", "ratio in each round"
		split("static dynamic", vs, " ")
		for (i = 1; i <= 2; i++) {
			v = vs[i]
			kib = v == "static" ? ksize_static : ksize_dynamic
			off_row(v ", no enforcer", v, "same")
			on_row(v ", cached verdict", v, "same")
			off_row(v ", no enforcer, fresh files", v, "fresh")
			on_row(v ", first exec (hash " kib " KiB)", v, "fresh")
		}
	}' "$RESULTS"
echo "fork+exec+exit+wait of a program that returns 0: one file run $N_SAME times (cached), or" \
	"$N_FRESH never-run copies"
echo "once each (first exec). $ROUNDS rounds with the enforcer, each against the no-enforcer" \
	"rounds either side; ratio = median"
echo "of the rounds. Policy: $N_RULES random sha256 rules + 1 banned hash + 1 path rule; every" \
	"figure follows an EPERM."
exit 0
