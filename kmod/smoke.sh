#!/usr/bin/env bash
# smoke.sh [KERNEL...]: boot each VM kernel (default: 6.1 6.12) with the test modules and no
# enforcer, and check that every module loads, runs and unloads by each load path, with the
# errno each kernel should give (tests/vm/kmod_smoke.sh). The payload is build/kmod/smoke/payload:
# modload, and build/kmod/VER/out/ of every kernel as VER/.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
payload="$top/build/kmod/smoke/payload"

bash "$top/kmod/build.sh"
rm -rf "$payload"
mkdir -p "$payload"
cp "$top/build/kmod/modload" "$payload/"
cp "$top/tests/vm/kmod_smoke.sh" "$payload/payload.sh"
# Debian's kmod (insmod, modprobe, depmod), as on a real system; its libraries come along
# (tests/vm/mkinitramfs.sh).
if [ -x /usr/bin/kmod ]; then
	mkdir -p "$payload/kmod-tools"
	cp /usr/bin/kmod "$payload/kmod-tools/"
	for t in insmod rmmod modprobe depmod; do
		ln -s kmod "$payload/kmod-tools/$t"
	done
fi
for out in "$top"/build/kmod/*/out; do
	ver=$(basename "$(dirname "$out")")
	mkdir -p "$payload/$ver"
	cp "$out"/*.ko* "$out/MANIFEST" "$payload/$ver/"
done

rc=0
for kernel in "${@:-6.1 6.12}"; do
	for k in $kernel; do
		log="$top/build/kmod/smoke/$k.log"
		echo "== kmod smoke on $k (log: ${log#"$top"/})"
		if bash "$top/tests/vm/run.sh" "$k" "$payload" "${VB_SMOKE_ARGS:-}" > "$log" 2>&1; then
			r=0
		else
			r=$?
		fi
		grep -E '^(ok|not ok|#|1\.\.)' "$log" || true
		[ $r -eq 0 ] || { echo "== $k: FAILED (status $r)"; rc=1; }
	done
done
exit $rc
