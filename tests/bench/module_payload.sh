#!/bin/sh
# module_payload.sh: module load time inside the test VM (tests/bench/module.sh puts it in /vb
# as payload.sh). Each round is three slots, none / vendorban / none; each slot loads and
# unloads vb_allowed_drv N times with finit_module, then N times with init_module. The
# vendorban slot's figure is divided by the mean of the two around it, per round; the table
# shows the minimum, median and maximum of those ratios. The vendorban slot must refuse a
# module of the banned vendor before and after it, and its "checked" counter must have moved
# by at least N for each figure: a slot that did not judge the loads it timed stops the bench.
set -u
cd /vb
. /vb/bench.env
PIDFILE=/run/vendorban/vendorband.pid
RESULTS=/tmp/module-results
mod=/vb/kmod/$(uname -r)/vb_allowed_drv.ko
banned=/vb/kmod/$(uname -r)/vb_banned_drv.ko

fail()
{
	echo "bench: ERROR: $*"
	echo "bench: no figures are reported from this run"
	[ -s /tmp/vendorband.out ] && sed 's/^/vendorband: /' /tmp/vendorband.out | tail -20
	exit 1
}

checked()
{
	/vb/vendorban --json status --no-probe 2>/dev/null |
		sed -n 's/.*"checked" *: *\([0-9]*\).*/\1/p'
}

start_vendorban()
{
	/vb/vendorband --policy /vb/bench-module.policy --scan /vb/kmod --no-syslog \
		--log /tmp/denials.jsonl > /tmp/vendorband.out 2>&1 &
	daemon=$!
	t=0
	while [ ! -e "$PIDFILE" ]; do
		kill -0 "$daemon" 2>/dev/null || fail "vendorband exited before it was ready"
		[ "$t" -ge 1500 ] && fail "vendorband not ready after 300 s"
		sleep 0.2
		t=$((t + 1))
	done
	/vb/vendorban status > /tmp/status.out 2>&1 ||
		fail "vendorban status does not say enforcing: $(cat /tmp/status.out)"
}

# Only PID 1 may signal vendorband (bpf/guard.bpf.h): ask /init; then disable on purpose.
stop_vendorban()
{
	echo "TERM $daemon" > /run/vb-init.req
	rm -f /run/vb-init.rc
	kill -USR1 1
	t=0
	until [ -e /run/vb-init.rc ]; do
		[ "$t" -ge 300 ] && fail "/init did not signal vendorband"
		sleep 0.1
		t=$((t + 1))
	done
	wait "$daemon"
	/vb/vendorban disable --yes > /tmp/disable.out 2>&1 ||
		fail "vendorban disable failed: $(cat /tmp/disable.out)"
	rm -f "$PIDFILE"
}

# The denial and its twin: the banned vendor's module loads without vendorban, not with it.
check_refused()
{
	/vb/bench_module --expect-eperm "$banned" vb_banned_drv ||
		fail "$1: $banned was not refused with EPERM"
}
check_loads()
{
	/vb/bench_module "$banned" vb_banned_drv 1 > /dev/null ||
		fail "$1: $banned does not load without vendorban"
}

slot()	# slot ROUND SLOT ENFORCER
{
	if [ "$3" = vendorban ]; then
		start_vendorban
		check_refused "round $1"
	else
		check_loads "round $1"
	fi
	for how in finit init; do
		opt=; [ "$how" = init ] && opt=--buffer
		c0=$(checked)
		ns=$(/vb/bench_module $opt "$mod" vb_allowed_drv "$N") ||
			fail "round $1 slot $2: bench_module $opt failed"
		if [ "$3" = vendorban ]; then
			d=$(($(checked) - c0))
			[ "$d" -ge "$N" ] ||
				fail "round $1: vendorban judged $d of $N module loads ($how)"
		fi
		echo "$1 $2 $3 $how $ns" >> "$RESULTS"
		echo "bench: $1 $2 $3 $how $ns"
	done
	if [ "$3" = vendorban ]; then
		check_refused "round $1"
		stop_vendorban
	fi
}

: > "$RESULTS"
[ -e /sys/fs/bpf/vendorban ] && fail "vendorban programs are already loaded: no baseline"
slot 0 0 none	# warm-up, not kept
: > "$RESULTS"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	slot "$r" 1 none
	slot "$r" 2 vendorban
	slot "$r" 3 none
	r=$((r + 1))
done

echo
echo "module load benchmark: kernel $(uname -r), $ROUNDS rounds of none / vendorban / none," \
	"$N loads of vb_allowed_drv per figure and slot (median of a slot's loads)"
[ "$CLOCK" = icount ] &&
	echo "clock: qemu -icount, an instruction count: a model of cost, not a clock"
awk -v rounds="$ROUNDS" '
	{ v[$1, $2, $4] = $5 }
	function sort(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function med(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	END {
		printf "  %-28s %10s %10s   %7s  %7s  %7s\n", "", "none us", "with us", "min",
			"median", "max"
		split("finit init", hs, " ")
		for (i = 1; i <= 2; i++) {
			h = hs[i]
			for (r = 1; r <= rounds; r++) {
				q[r] = v[r, 2, h] * 2 / (v[r, 1, h] + v[r, 3, h])
				w[r] = v[r, 2, h]; o[2 * r - 1] = v[r, 1, h]; o[2 * r] = v[r, 3, h]
			}
			mo = med(o, 2 * rounds); mw = med(w, rounds); sort(q, rounds)
			printf "  %-28s %10.1f %10.1f   %6.3fx  %6.3fx  %6.3fx\n",
				"module load (" h "_module)", mo / 1000, mw / 1000, q[1], med(q, rounds),
				q[rounds]
		}
	}' "$RESULTS"
exit 0
