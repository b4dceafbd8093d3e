#!/usr/bin/env bash
# run.sh KERNEL PAYLOAD_DIR [EXTRA_KERNEL_ARGS]
# Boots build/vm/KERNEL*/vmlinuz under qemu (TCG: KVM guests hang on this kind of host) with
# PAYLOAD_DIR as /vb, runs /vb/payload.sh as root, and exits with its status. The guest's
# console goes to stdout. KERNEL is a version prefix: 6.1 or 6.12.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
kver=$1 payload=$2 extra=${3:-}
kdir=$(ls -d "$top"/build/vm/"$kver".*/ 2>/dev/null | head -n1)
[ -n "$kdir" ] && [ -f "$kdir/vmlinuz" ] || { echo "run.sh: no kernel $kver under build/vm (run: make setup)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$top/tests/vm/mkinitramfs.sh" "$work/initrd.gz" "$payload" "${kdir%/}"
# VB_QEMU_EXTRA: more qemu options, e.g. "-icount shift=0,sleep=off" for benchmarks whose
# figures must not move with the host's load (guest time becomes an instruction count).
# VB_VM_MEM: the guest's memory (default 1G); the reload bench's million-rule policy needs more.
timeout "${VB_VM_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -cpu max -m "${VB_VM_MEM:-1G}" -smp 1 \
	${VB_QEMU_EXTRA:-} \
	-kernel "$kdir/vmlinuz" -initrd "$work/initrd.gz" \
	-append "console=ttyS0 quiet loglevel=1 panic=-1 $extra" \
	-nographic -no-reboot -monitor none -serial stdio < /dev/null | tr -d '\r' | tee "$work/console"
rc=$(awk '/^VB-EXIT / { print $2 }' "$work/console" | tail -n1)
if [ -z "$rc" ]; then
	echo "run.sh: the VM ($kver) stopped without reporting an exit status" >&2
	exit 3
fi
exit "$rc"
