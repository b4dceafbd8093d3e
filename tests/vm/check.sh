#!/usr/bin/env bash
# Run the exec tests in the VM on both Debian kernels, with bpf in lsm= (BPF LSM path) and
# without it (fmod_ret path), and record each run's totals under its name.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
payload="$top/build/tests/vm/payload"
bash "$top/tests/vm/mkpayload.sh" "$payload" || exit 1
rc=0
for kernel in 6.1 6.12; do
	for lsm in default nobpf; do
		name="vm-$kernel-$lsm"
		# VB_VM_BOOTS (developers): only these boots, e.g. "6.12-default 6.1-nobpf".
		[ -z "${VB_VM_BOOTS:-}" ] || case " $VB_VM_BOOTS " in *" $kernel-$lsm "*) ;; *) continue ;; esac
		extra=""
		[ "$lsm" = nobpf ] && extra="lsm=landlock,lockdown,yama,integrity,apparmor"	# Ubuntu 22.04 and 24.04, exactly
		log="$top/build/test-results.$name.log"
		echo "== $name (kernel $kernel${extra:+, $extra})"
		bash "$top/tests/vm/run.sh" "$kernel" "$payload" "$extra" > "$log" 2>&1
		r=$?
		# The TAP part of the console, with the kernel named on each result line.
		sed -n '/^# vm:/,$p' "$log" | grep -v '^\[ *[0-9.]*\] ' | sed "s/^ok /ok [$name] /; s/^not ok /not ok [$name] /"
		[ $r -eq 0 ] || rc=1
		bash "$top/tests/totals.sh" record "$name" "$log"
	done
done
exit $rc
