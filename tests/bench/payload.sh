#!/bin/sh
# payload.sh: `make bench` inside the test VM (tests/bench/run.sh puts it in /vb with
# bench_exec, the two targets, the daemon, the CLI, the policy and bench.env).
#
# Order matters: every file to be run is made before anything is timed, the no-enforcer
# figures come first (no BPF program has ever been loaded), and each figure with the enforcer
# is taken only after a banned file has just been refused with EPERM, and is kept only if the
# kernel's own counters show the hooks judged (cached) or hashed (fresh) every exec timed.
set -u
cd /vb
. /vb/bench.env

BENCH=/tmp/bench
PIDFILE=/run/vendorban/vendorband.pid
DAEMON_WAIT_S=180

fail()
{
	echo "bench: ERROR: $*"
	echo "bench: no figures are reported from this run"
	[ -s /tmp/vendorband.out ] && sed 's/^/vendorband: /' /tmp/vendorband.out
	exit 1
}

# bench_exec's line, "bench_exec mode=... median_ns=N ...": the value of one key.
field()
{
	echo "$1" | sed -n "s/.* $2=\([0-9]*\).*/\1/p"
}

measure()
{
	out=$(/vb/bench_exec "$@") || fail "bench_exec $* failed"
	echo "$out" >&2
	echo "$out"
}

# One counter from the kernel's stats map, as `vendorban --json status` shows it. --no-probe:
# no canary exec, so the read itself does not add a hash. It says "not enforcing" (it did not
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

# ---- 1. Every file, before any timing --------------------------------------------------------
mkdir -p "$BENCH" /opt/benchvendor || fail "cannot create $BENCH"
cp /vb/target-static /opt/benchvendor/agent || fail "cannot create /opt/benchvendor/agent"
for v in static dynamic; do
	for set in base enf; do
		/vb/bench_exec mkfresh "$N_FRESH" "$BENCH/$set-$v" "/vb/target-$v" ||
			fail "cannot create the fresh files $BENCH/$set-$v"
	done
done
sync

# ---- 2. No enforcer ----------------------------------------------------------------------------
[ -e "$PIDFILE" ] && fail "a vendorband is already running: the baseline would not be one"
# The denial twins: without vendorban both run, so the EPERM later can only be vendorban's.
/vb/banned || fail "/vb/banned does not run without the enforcer"
/opt/benchvendor/agent || fail "/opt/benchvendor/agent does not run without the enforcer"
for v in static dynamic; do
	eval "base_same_$v=\$(measure same $N_SAME /vb/target-$v)"
	eval "base_fresh_$v=\$(measure fresh $N_FRESH $BENCH/base-$v)"
done

# ---- 3. Start vendorband and prove it enforces -----------------------------------------------
/vb/vendorband --policy /vb/bench.policy --no-syslog --log /tmp/denials.jsonl \
	> /tmp/vendorband.out 2>&1 &
daemon=$!
t=0
while [ ! -e "$PIDFILE" ]; do
	kill -0 "$daemon" 2>/dev/null || fail "vendorband exited before it was ready"
	[ "$t" -ge $((DAEMON_WAIT_S * 5)) ] && fail "vendorband not ready after ${DAEMON_WAIT_S}s"
	sleep 0.2
	t=$((t + 1))
done
echo "bench: vendorband ready after about $((t / 5)) s (policy: $(grep -c sha256 \
/vb/bench.policy) sha256 rules, $(grep -c '	path' /vb/bench.policy) path rule)"
status=$(/vb/vendorban status 2>&1)
st=$?
echo "$status" | sed 's/^/status: /'
[ "$st" -eq 0 ] && echo "$status" | grep -q '^enforcing: *yes' ||
	fail "vendorban status does not say enforcing"
echo "$status" | grep -q '^content hashing: *in the kernel' ||
	fail "the kernel does not hash content here: there is no first-exec figure to take"

# ---- 4. With the enforcer ----------------------------------------------------------------------
for v in static dynamic; do
	check_denies
	hits0=$(counter cache_hits)
	hashed0=$(counter hashed)
	eval "enf_same_$v=\$(measure same $N_SAME /vb/target-$v)"
	hits=$(($(counter cache_hits) - hits0))
	hashed=$(($(counter hashed) - hashed0))
	echo "bench: $v cached: $hits cached verdicts used, $hashed files hashed" >&2
	[ "$hits" -ge "$N_SAME" ] ||
		fail "$v cached: $N_SAME execs but only $hits cached verdicts were used"

	check_denies
	hashed0=$(counter hashed)
	eval "enf_fresh_$v=\$(measure fresh $N_FRESH $BENCH/enf-$v)"
	hashed=$(($(counter hashed) - hashed0))
	echo "bench: $v first exec: $hashed files hashed" >&2
	[ "$hashed" -ge "$N_FRESH" ] ||
		fail "$v first exec: $N_FRESH new files run but only $hashed were hashed"
done
check_denies
kill "$daemon"

# ---- 5. The table ------------------------------------------------------------------------------
size_static=$(wc -c < "$BENCH/enf-static/t0")
size_dynamic=$(wc -c < "$BENCH/enf-dynamic/t0")
echo
echo "vendorban exec benchmark (kernel $(uname -r), qemu TCG: absolute times are emulated," \
	"ratios are what to read)"
echo "fork+exec+exit+wait of a do-nothing program; $N_SAME execs of one file, $N_FRESH of" \
	"distinct files"
printf '%-34s %10s %10s   %s\n' "" "median us" "mean us" "ratio to no enforcer (median)"
row()
{
	# row LABEL LINE BASELINE_LINE
	awk -v label="$1" -v m="$(field "$2" median_ns)" -v a="$(field "$2" mean_ns)" \
		-v b="$(field "$3" median_ns)" 'BEGIN {
		printf "%-34s %10.0f %10.0f   %.2f\n", label, m / 1000, a / 1000, m / b }'
}
for v in static dynamic; do
	eval "bs=\$base_same_$v bf=\$base_fresh_$v es=\$enf_same_$v ef=\$enf_fresh_$v"
	eval "size=\$size_$v"
	row "$v, no enforcer" "$bs" "$bs"
	row "$v, no enforcer, fresh files" "$bf" "$bf"
	row "$v, cached verdict" "$es" "$bs"
	row "$v, first exec (hash $((size / 1024)) KiB)" "$ef" "$bf"
done
echo "(cached is read against the same file without the enforcer; first exec against fresh files"
echo " made the same way and run without the enforcer)"
exit 0
