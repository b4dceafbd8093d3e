# Runs in the VM (tests/bench/module.sh): module load time without and with the
# enforcer, interleaved, for finit_module and init_module; prints the medians and ratios.
rounds=${ROUNDS:-3} n=${N:-40}
mod=/vb/kmod/$(uname -r)/vb_allowed_drv.ko
off_f="" on_f="" off_b="" on_b=""
run() { ./bench_module $1 "$mod" vb_allowed_drv "$n"; }
for r in $(seq 1 "$rounds"); do
	off_f="$off_f $(run)"; off_b="$off_b $(run --buffer)"
	./vendorband --policy /vb/bench-module.policy --scan /vb/kmod --no-syslog > /tmp/d.log 2>&1 &
	for i in $(seq 1 600); do [ -f /run/vendorban/vendorband.pid ] && break; sleep 0.1; done
	./vendorban status > /dev/null || { echo "bench: the enforcer did not start"; cat /tmp/d.log; exit 1; }
	on_f="$on_f $(run)"; on_b="$on_b $(run --buffer)"
	./vendorban disable --yes > /dev/null; kill "$(cat /run/vendorban/vendorband.pid)" 2>/dev/null
	wait; rm -f /run/vendorban/vendorband.pid
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for k in f b; do
	eval off=\$off_$k on=\$on_$k
	mo=$(median $off) mn=$(median $on)
	what=finit_module; [ $k = b ] && what=init_module
	echo "module load ($what, $(uname -r)): ${mo} ns without, ${mn} ns with vendorban: ratio $(awk -v a="$mn" -v b="$mo" 'BEGIN { printf "%.2f", a / b }')x"
done
