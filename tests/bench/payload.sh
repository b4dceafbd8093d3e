#!/bin/sh
# payload.sh: `make bench`'s exec benchmark inside the test VM (tests/bench/run.sh puts it in
# /vb with bench_exec, the targets and their ten libraries, the daemon, the CLI, the policy,
# Debian's fapolicyd unpacked under /vb/fapolicyd, and bench.env).
#
# Each round is five slots: none, A, none, B, none, where A and B are vendorban and fapolicyd,
# in that order in odd rounds and swapped in even ones. Each enforced figure is divided by the
# mean of the no-enforcer figures either side of it, in its own round: the tables show the
# minimum, median and maximum of those per-round ratios. Every enforced slot starts and ends
# with a banned file (sha256 rule) and a file under a banned directory refused with EPERM, and
# its counters must show it judged every exec it timed; every no-enforcer slot starts with both
# files running. A slot that did not do its work stops the bench: no figure is printed.
set -u
cd /vb
. /vb/bench.env

B=/tmp/bench
RESULTS=$B/results
# The kernel path this boot gives vendorband: lsm (the kernel hashes), or fmod_ret (bpf not in
# lsm=: the daemon hashes, through fanotify).
if grep -qw bpf /sys/kernel/security/lsm; then VB_PATH=lsm; else VB_PATH=fmod_ret; fi
PIDFILE=/run/vendorban/vendorband.pid
FAPO=/vb/fapolicyd
DAEMON_WAIT_S=300
BIG_BYTES=$((BIG_MIB * 1024 * 1024))
# The dynamic target's own mapping, ld.so's, libc's and its ten libraries': at least this
# many judgements per exec (vendorban judges each PROT_EXEC mapping, fapolicyd each open).
DYN_JUDGED=11

fail()
{
	echo "bench: ERROR: $*"
	echo "bench: no figures are reported from this run"
	[ -s /tmp/vendorband.out ] && sed 's/^/vendorband: /' /tmp/vendorband.out | tail -20
	[ -s /tmp/fapolicyd.out ] && sed 's/^/fapolicyd: /' /tmp/fapolicyd.out | tail -20
	exit 1
}

# ---- Proof that a slot is what it says -----------------------------------------------------
check_denies()	# check_denies WHO
{
	/vb/bench_exec deny 1 $B/banned ||
		fail "$1: $B/banned (its sha256 is banned) was not refused with EPERM"
	/vb/bench_exec deny 1 /opt/benchvendor/agent ||
		fail "$1: /opt/benchvendor/agent (under a banned directory) was not refused with EPERM"
}

# The denial twins: with no enforcer both run, so an EPERM can only be an enforcer's.
check_runs()
{
	$B/banned || fail "$B/banned does not run without an enforcer"
	/opt/benchvendor/agent || fail "/opt/benchvendor/agent does not run without an enforcer"
}

# vendorban's kernel counters (the stats map, as `vendorban --json status` shows it; --no-probe:
# no canary exec, so reading them moves none of them).
vb_counter()
{
	/vb/vendorban --json status --no-probe 2>/dev/null |
		sed -n "s/.*\"$1\" *: *\([0-9]*\).*/\1/p"
}

# Who hashes a never-seen file: the kernel (its counter) or the daemon (its own, in status).
if [ "$VB_PATH" = lsm ]; then hashed_by=hashed; else hashed_by=files_hashed; fi

# judged ENFORCER: how many execs and mappings the enforcer has decided on so far; empty where
# it cannot be read while the enforcer runs (fapolicyd 1.1.7 reports its count when it stops,
# stop_fapolicyd checks it then).
judged()
{
	case $1 in
	vendorban) vb_counter checked ;;
	esac
}

# ---- The enforcers -------------------------------------------------------------------------
start_vendorban()
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
	if [ ! -e $B/status-shown ]; then
		echo "$status" | sed "s/^/vendorban status: /"
		: > $B/status-shown
	fi
	[ "$st" -eq 0 ] && echo "$status" | grep -q '^enforcing: *yes' ||
		fail "vendorban status does not say enforcing: $status"
	if [ "$VB_PATH" = lsm ]; then
		echo "$status" | grep -q '^content checked: *in the kernel' ||
			fail "the kernel does not hash content here: no first-sight figure to take"
	else
		echo "$status" | grep -q '^content checked: *in the daemon (fanotify)' ||
			fail "the daemon does not judge content here: no first-sight figure to take"
	fi
	echo "$status" | grep -q "^policy: .* $((N_RULES + 1)) sha256 rules.*, 1 path rules" ||
		fail "the policy in force is not the $N_RULES random rules + banned hash + path rule"
}

# Only PID 1 may signal vendorband (bpf/guard.bpf.h), as systemd does: ask /init to. A clean
# stop leaves enforcement on; `vendorban disable` is the deliberate way to end it.
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

start_fapolicyd()
{
	# The last slot's output says "Starting to listen" too: gone before this one starts.
	rm -f /run/fapolicyd.pid /run/fapolicyd/fapolicyd.fifo /tmp/fapolicyd.out
	LD_LIBRARY_PATH=$FAPO/lib $FAPO/root/usr/sbin/fapolicyd --debug-deny \
		> /tmp/fapolicyd.out 2>&1 &
	fapo=$!
	t=0
	until grep -qs 'Starting to listen for events' /tmp/fapolicyd.out; do
		kill -0 "$fapo" 2>/dev/null || fail "fapolicyd exited before it was ready"
		[ "$t" -ge $((DAEMON_WAIT_S * 5)) ] && fail "fapolicyd not ready after ${DAEMON_WAIT_S}s"
		sleep 0.2
		t=$((t + 1))
	done
}

# Stopped, it prints "Allowed accesses: N": the slot's figures must all be in N.
stop_fapolicyd()
{
	kill "$fapo"
	wait "$fapo"
	n=$(sed -n 's/.*Allowed accesses: *\([0-9]*\).*/\1/p' /tmp/fapolicyd.out | tail -n1)
	[ -n "$n" ] || fail "fapolicyd did not report its decisions when it stopped"
	[ "$n" -ge "$need" ] ||
		fail "fapolicyd allowed $n accesses in a slot that made at least $need"
	echo "bench: fapolicyd allowed $n accesses (at least $need timed)"
}

# ---- One slot ------------------------------------------------------------------------------
# figure ROUND SLOT ENFORCER NAME MODE N TARGET PER_EXEC: one bench_exec run, kept in $RESULTS
# as "ROUND SLOT ENFORCER NAME MEDIAN_NS"; under an enforcer, it must have judged at least
# PER_EXEC times per exec timed (the warm-up exec of `same` mode counts too, hence >=).
figure()
{
	j0=$(judged "$3")
	[ "$3" = vendorban ] && c0=$(vb_counter cache_hits) h0=$(vb_counter $hashed_by)
	out=$(/vb/bench_exec "$5" "$6" "$7") || fail "round $1 slot $2 ($3): bench_exec $5 $6 $7"
	ns=$(echo "$out" | sed -n 's/.* median_ns=\([0-9]*\).*/\1/p')
	line="$1 $2 $3 $4 $ns"
	need=$((need + $6 * $8))
	if [ -n "$j0" ]; then
		j1=$(judged "$3")
		[ -n "$j0" ] && [ -n "$j1" ] || fail "round $1 slot $2: cannot read $3's counters"
		d=$((j1 - j0))
		[ "$d" -ge $(($6 * $8)) ] ||
			fail "round $1 slot $2: $3 judged $d times during $6 execs of $4 (want >= $(($6 * $8)))"
		line="$line judged=$d"
		if [ "$3" = vendorban ] && [ "$5" = fresh ]; then
			hashed=$(($(vb_counter $hashed_by) - h0))
			# The daemon writes its counters on its next turn (at most 200 ms).
			t=0
			while [ "$hashed" -lt "$6" ] && [ "$VB_PATH" = fmod_ret ] && [ $t -lt 30 ]; do
				sleep 0.1
				hashed=$(($(vb_counter $hashed_by) - h0))
				t=$((t + 1))
			done
			[ "$hashed" -ge "$6" ] ||
				fail "round $1 slot $2: $6 new files run but vendorban hashed $hashed"
		elif [ "$3" = vendorban ]; then
			hits=$(($(vb_counter cache_hits) - c0))
			[ "$hits" -ge "$6" ] ||
				fail "round $1 slot $2: $6 execs of $4 but $hits cached verdicts used"
		fi
	fi
	echo "$line" >> "$RESULTS"
	echo "bench: $line ($out)"
}

slot()	# slot ROUND SLOT ENFORCER
{
	fresh=$B/big-$1-$2
	/vb/bench_exec mkfresh "$N_BIG" "$fresh" $B/target-static "$BIG_BYTES" ||
		fail "cannot create $N_BIG files of $BIG_MIB MiB in $fresh"
	case $3 in
	none) check_runs ;;
	vendorban) start_vendorban; check_denies vendorban ;;
	fapolicyd) start_fapolicyd; check_denies fapolicyd ;;
	esac
	need=0
	figure "$1" "$2" "$3" static same "$N_SAME" $B/target-static 1
	figure "$1" "$2" "$3" dyn10 same "$N_SAME" $B/target-dyn10 "$DYN_JUDGED"
	figure "$1" "$2" "$3" big fresh "$N_BIG" "$fresh" 1
	case $3 in
	vendorban) check_denies vendorban; stop_vendorban ;;
	fapolicyd) check_denies fapolicyd; stop_fapolicyd ;;
	esac
	rm -rf "$fresh"
}

# ---- Set-up --------------------------------------------------------------------------------
# Under TCG a randomised address space costs more than the exec itself (qemu keys translated
# code by virtual address); neither enforcer looks at addresses.
echo 0 > /proc/sys/kernel/randomize_va_space || fail "cannot turn off ASLR"
# Everything timed lives on tmpfs: fapolicyd watches the file systems named in its watch_fs.
mkdir -p $B /opt || fail "cannot create $B"
mount -t tmpfs tmpfs /opt || fail "cannot mount a tmpfs on /opt"
mkdir -p /opt/benchvendor $B/lib
cp /vb/target-static /vb/target-dyn10 /vb/banned $B/ && cp /vb/lib/* $B/lib/ &&
	cp /vb/target-static /opt/benchvendor/agent || fail "cannot copy the targets to $B"
: > "$RESULTS"

# fapolicyd as Debian ships it, but: root (the VM has no fapolicyd user), the file trust back
# end alone (no rpm here), and tmpfs watched (what the VM's files are on). Its rules: the
# banned hash and the banned directory, and everything else allowed.
mkdir -p /etc/fapolicyd/trust.d /var/lib/fapolicyd /run/fapolicyd /usr/share/fapolicyd \
	/usr/share/misc
cp $FAPO/root/usr/share/fapolicyd/fapolicyd-magic.mgc /usr/share/fapolicyd/
cp $FAPO/magic.mgc /usr/share/misc/magic.mgc
sed -e 's/^uid = .*/uid = root/' -e 's/^gid = .*/gid = root/' \
	-e 's/^trust = .*/trust = file/' -e 's/^watch_fs = .*/watch_fs = tmpfs/' \
	$FAPO/root/etc/fapolicyd/fapolicyd.conf > /etc/fapolicyd/fapolicyd.conf
banned_sha=$(sha256sum $B/banned | cut -d' ' -f1)
cat > /etc/fapolicyd/compiled.rules <<EOF
deny perm=execute all : sha256hash=$banned_sha
deny perm=execute all : dir=/opt/benchvendor/
allow perm=any all : all
EOF
echo "$B/target-static $(wc -c < $B/target-static) $(sha256sum $B/target-static | cut -d' ' -f1)" \
	> /etc/fapolicyd/fapolicyd.trust

[ -e /sys/fs/bpf/vendorban ] && fail "vendorban programs are already loaded: no baseline"
check_runs

# ---- The rounds ----------------------------------------------------------------------------
# A warm-up slot, not kept: the first runs after boot pay for page tables, slabs and page
# cache that every later slot finds ready (measured: a first no-enforcer slot 30% dearer).
slot 0 0 none
: > "$RESULTS"
r=1
while [ "$r" -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then a=vendorban b=fapolicyd; else a=fapolicyd b=vendorban; fi
	s=1
	for e in none $a none $b none; do
		slot "$r" "$s" "$e"
		s=$((s + 1))
	done
	r=$((r + 1))
done

# ---- The table -----------------------------------------------------------------------------
echo
echo "exec benchmark: kernel $(uname -r), vendorban's $VB_PATH path, fapolicyd" \
	"$(cat $FAPO/version), $ROUNDS rounds"
if [ "$CLOCK" = icount ]; then
	echo "clock: qemu -icount: guest time is an instruction count, every instruction priced" \
		"alike (no caches, no SIMD speed-up)."
	echo "       A model of cost, not a clock: \"us\" below are thousands of instructions."
else
	echo "clock: wall clock of a TCG guest: moved by the host's load; read the ratios only."
fi
awk -v rounds="$ROUNDS" -v n_same="$N_SAME" -v n_big="$N_BIG" -v big_mib="$BIG_MIB" '
	{ v[$1, $2, $4] = $5; who[$1, $2] = $3 }

	function sort(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
	}
	function med(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	# The slot of ENFORCER in round R: 2 or 4.
	function slot_of(r, e) { return who[r, 2] == e ? 2 : 4 }
	function base(r, s, f) { return (v[r, s - 1, f] + v[r, s + 1, f]) / 2 }

	function x(q) { return sprintf(q < 10 ? "%.3fx" : "%.0fx", q) }
	function row(label, f, e,    r, s, q, a, d, n, lo, hi) {
		n = 0
		for (r = 1; r <= rounds; r++) {
			s = slot_of(r, e)
			q[++n] = v[r, s, f] / base(r, s, f)
			a[n] = v[r, s, f]
			d[n] = v[r, s, f] - base(r, s, f)
		}
		sort(q, n); lo = q[1]; hi = q[n]
		printf "  %-30s %11.1f %+11.1f   %8s  %8s  %8s\n", label, med(a, n) / 1000,
			med(d, n) / 1000, x(lo), x(med(q, n)), x(hi)
	}
	function none_row(label, f,    r, s, a, n) {
		n = 0
		for (r = 1; r <= rounds; r++)
			for (s = 1; s <= 5; s += 2)
				a[++n] = v[r, s, f]
		printf "  %-30s %11.1f\n", label, med(a, n) / 1000
	}
	# The overhead of fapolicyd over that of vendorban, per round (each against its brackets).
	function over_row(label, f,    r, sv, sf, ov, of, q, n, lo, hi) {
		n = 0
		for (r = 1; r <= rounds; r++) {
			sv = slot_of(r, "vendorban"); sf = slot_of(r, "fapolicyd")
			ov = v[r, sv, f] - base(r, sv, f); of = v[r, sf, f] - base(r, sf, f)
			q[++n] = ov > 0 ? of / ov : 1e9
		}
		sort(q, n); lo = q[1]; hi = q[n]
		printf "  %-30s %11s %11s   %7.1fx  %7.1fx  %7.1fx\n", label, "", "", lo, med(q, n),
			hi
	}
	END {
		split("static dyn10 big", fs, " ")
		name["static"] = "cached exec, static binary"
		name["dyn10"] = "cached exec, 10 libraries"
		name["big"] = "first sight, " big_mib " MiB file"
		printf "  %-30s %11s %11s   %8s  %8s  %8s\n", "", "median us", "overhead", "min",
			"median", "max"
		for (i = 1; i <= 3; i++) {
			f = fs[i]
			print name[f]
			none_row("no enforcer", f)
			row("vendorban", f, "vendorban")
			row("fapolicyd", f, "fapolicyd")
			over_row("fapolicyd / vendorban overhead", f)
		}
	}' "$RESULTS"
echo "Each figure: median of one slot's execs ($N_SAME of one file, or $N_BIG never-seen files" \
	"of $BIG_MIB MiB, one each);"
echo "overhead and ratios: that slot against the mean of the no-enforcer slots either side of" \
	"it, per round (median; min / median / max over rounds)."
echo "overhead ratio: (fapolicyd - its none) / (vendorban - its none), per round. Policies:" \
	"vendorban $N_RULES random sha256 rules"
echo "+ 1 banned hash + 1 path rule; fapolicyd 1 sha256hash rule + 1 dir rule + allow all, file" \
	"trust back end."
exit 0
