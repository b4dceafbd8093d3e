# The demo, inside the VM: enforce a ban, try a banned and an allowed program, show the log.
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
cat /vb/demo.policy | sed 's/^/    /'
say vendorband --policy /vb/demo.policy '&'
./vendorband --policy /vb/demo.policy --no-syslog 2>&1 | sed 's/^/    /' &
for i in $(seq 1 600); do [ -f /run/vendorban/vendorband.pid ] && break; sleep 0.1; done
say vendorban status
./vendorban status
say /opt/examplevendor/agent "    # a banned vendor's program (matched by its SHA-256)"
mkdir -p /opt/examplevendor && cp /vb/banned_prog /opt/examplevendor/agent
/opt/examplevendor/agent; echo "    exit status $?"
say cp /opt/examplevendor/agent /tmp/renamed-copy '&&' /tmp/renamed-copy "    # a renamed copy"
cp /opt/examplevendor/agent /tmp/renamed-copy && /tmp/renamed-copy; echo "    exit status $?"
say /vb/allowed_prog "    # anything else runs as before"
/vb/allowed_prog; echo "    exit status $?"
k=/vb/kmod/$(uname -r)
say insmod vb_banned_drv.ko "    # a driver signed by the banned vendor's certificate"
insmod $k/vb_banned_drv.ko; echo "    exit status $?"
say insmod vb_allowed_drv.ko '&&' rmmod vb_allowed_drv "    # another vendor's driver loads"
insmod $k/vb_allowed_drv.ko && rmmod vb_allowed_drv; echo "    exit status $?"
sleep 1
say cat /var/log/vendorban/denials.jsonl
cat /var/log/vendorban/denials.jsonl
say vendorban log verify "    # the log is a hash chain: deletions and edits show"
./vendorban log verify
say vendorban log summary --by vendor --by rule
./vendorban log summary --by vendor --by rule
