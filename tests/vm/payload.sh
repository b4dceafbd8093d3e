# Runs inside the VM (tests/vm/init), cwd /vb: test the BPF object alone, then start the daemon,
# wait until it enforces, test.
if grep -qw bpf /sys/kernel/security/lsm; then path=lsm; else path=fmod_ret; fi
echo "# vm: kernel $(uname -r), expected path $path"
# The BPF object alone, through its skeleton: first, while no daemon has pinned its programs.
VB_EXPECT_PATH=$path ./test_hooks
hooks=$?
./vendorband --policy /vb/test.policy --scan /vb/scanned --no-syslog > /tmp/vendorband.log 2>&1 &
for i in $(seq 1 600); do
	[ -f /run/vendorban/vendorband.pid ] && break
	kill -0 $! 2>/dev/null || break
	sleep 0.1
done
sed 's/^/# vendorband: /' /tmp/vendorband.log
VB_EXPECT_PATH=$path ./test_exec
rc=$?
[ $hooks -eq 0 ] || rc=1
# test_exec ends with vendorban disabled; test_integrity starts its own daemon (on the policy
# with its path rule) and disables vendorban again when done; test_reload starts its own.
VB_EXPECT_PATH=$path ./test_integrity || rc=1
VB_EXPECT_PATH=$path ./test_reload || rc=1
VB_EXPECT_PATH=$path ./test_log || rc=1
VB_EXPECT_PATH=$path ./test_module || rc=1
# Last: it restarts the daemon on test.policy and attacks it.
VB_EXPECT_PATH=$path ./test_tamper || rc=1
echo "# denial log:"
sed 's/^/#   /' /var/log/vendorban/denials.jsonl
exit $rc
