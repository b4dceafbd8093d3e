# Runs inside the VM (tests/vm/init), cwd /vb: test the BPF object alone, then start the daemon,
# wait until it enforces, test.
if grep -qw bpf /sys/kernel/security/lsm; then path=lsm; else path=fmod_ret; fi
# VB_VM_TESTS (developers): only these tests, e.g. "test_exec test_tamper"; /vb/only holds it.
only=$(cat /vb/only 2>/dev/null)
want() { [ -z "$only" ] || case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
run() { if want "$1"; then VB_EXPECT_PATH=$path "./$1"; else echo "# skipped by VB_VM_TESTS: $1"; fi; }
echo "# vm: kernel $(uname -r), expected path $path"
# The BPF object alone, through its skeleton: first, while no daemon has pinned its programs.
run test_hooks
hooks=$?
./vendorband --policy /vb/test.policy --scan /vb/scanned --no-syslog > /tmp/vendorband.log 2>&1 &
for i in $(seq 1 600); do
	[ -f /run/vendorban/vendorband.pid ] && break
	kill -0 $! 2>/dev/null || break
	sleep 0.1
done
sed 's/^/# vendorband: /' /tmp/vendorband.log
run test_exec
rc=$?
[ $hooks -eq 0 ] || rc=1
# test_exec ends with vendorban disabled; test_integrity starts its own daemon (on the policy
# with its path rule) and disables vendorban again when done; test_reload starts its own.
run test_integrity || rc=1
run test_reload || rc=1
run test_log || rc=1
run test_install || rc=1
run test_module || rc=1
# Starts its own daemons: banned programs and a module present before the daemon starts.
run test_running || rc=1
# Stops the daemon, disables, and starts its own under a notify socket.
run test_service || rc=1
# Last: it restarts the daemon on test.policy and attacks it.
run test_tamper || rc=1
# The compliance statement of the host as the tests leave it (daemon on test.policy).
run test_attest || rc=1
echo "# denial log:"
sed 's/^/#   /' /var/log/vendorban/denials.jsonl
exit $rc
