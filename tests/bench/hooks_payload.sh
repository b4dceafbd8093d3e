#!/bin/sh
# hooks_payload.sh: tests/bench/hooks.sh inside the VM. N cached execs of a static binary
# without vendorban, with it, and with it and kernel.bpf_stats_enabled=1, which is dearer
# (two clock reads per program run) but says which program the cost is in.
set -u
cd /vb
. /vb/bench.env
B=/tmp/bench
PIDFILE=/run/vendorban/vendorband.pid

fail() { echo "hooks: ERROR: $*"; [ -s /tmp/vendorband.out ] && tail -20 /tmp/vendorband.out; exit 1; }
median() { sed -n 's/.* median_ns=\([0-9]*\).*/\1/p'; }

echo 0 > /proc/sys/kernel/randomize_va_space || fail "cannot turn off ASLR"
mkdir -p $B /opt && mount -t tmpfs tmpfs /opt && mkdir -p /opt/benchvendor &&
	cp /vb/target-static $B/ && cp /vb/target-static /opt/benchvendor/agent ||
	fail "cannot set up $B"
/vb/bench_exec same "$N" $B/target-static > /dev/null || fail "warm-up"
none=$(/vb/bench_exec same "$N" $B/target-static | median) || fail "no-enforcer run"

/vb/vendorband --policy /vb/bench.policy --no-syslog --log /tmp/denials.jsonl \
	> /tmp/vendorband.out 2>&1 &
t=0
until [ -e $PIDFILE ]; do
	[ $t -ge 1500 ] && fail "vendorband not ready"
	sleep 0.2
	t=$((t + 1))
done
/vb/vendorban status | grep -q '^enforcing: *yes' || fail "not enforcing"
if grep -q 'path /opt' /vb/bench.policy; then
	/vb/bench_exec deny 1 /opt/benchvendor/agent || fail "the path rule does not deny"
fi
/vb/bench_exec same 20 $B/target-static > /dev/null || fail "exec under vendorban"
with=$(/vb/bench_exec same "$N" $B/target-static | median) || fail "vendorban run"

echo 1 > /proc/sys/kernel/bpf_stats_enabled || fail "no bpf_stats_enabled"
/vb/prog_stats > /tmp/s0 || fail "prog_stats"
/vb/bench_exec same "$N" $B/target-static > /tmp/stats-run || fail "stats run"
/vb/prog_stats > /tmp/s1 || fail "prog_stats"
echo 0 > /proc/sys/kernel/bpf_stats_enabled
stats=$(median < /tmp/stats-run)

echo "hook cost: kernel $(uname -r), lsm=$(cat /sys/kernel/security/lsm), clock $CLOCK"
echo "policy: $(/vb/vendorban status | sed -n 's/^policy: *//p')"
echo "cached exec of a static binary, $N execs (+1 warm-up) each, median per exec:"
echo "  no enforcer $none ns; vendorban $with ns (+$((with - none))); with bpf_stats $stats ns"
echo "per program, over the stats run (run_time_ns excludes the trampoline's own cost):"
printf '  %-28s %10s %10s %10s %10s\n' program runs runs/exec ns/run ns/exec
awk -v n="$N" '
	NR == FNR { c[$1] = $3; t[$1] = $4; next }
	$3 > c[$1] {
		dc = $3 - c[$1]; dt = $4 - t[$1]; tot += dt / (n + 1)
		printf "  %-28s %10d %10.2f %10.0f %10.0f\n", $2, dc, dc / (n + 1), dt / dc,
			dt / (n + 1)
	}
	END { printf "  %-28s %10s %10s %10s %10.0f\n", "total", "", "", "", tot }' /tmp/s0 /tmp/s1
exit 0
