# clock.sh: sourced by the bench scripts that boot the VM. Sets VB_QEMU_EXTRA (tests/vm/run.sh)
# from BENCH_CLOCK and names the clock in $bench_clock for the payload.
#
#   BENCH_CLOCK  icount (default): qemu -icount shift=0,sleep=off, guest time is an instruction
#                count. The host's load cannot move it (rounds agree within 0.1%), but it prices
#                every instruction alike: a model of cost, not a clock.
#                wall: the guest's clock follows the host's; figures move with the host's load.
case ${BENCH_CLOCK:-icount} in
icount) bench_clock=icount; export VB_QEMU_EXTRA="-icount shift=0,sleep=off" ;;
wall) bench_clock=wall; export VB_QEMU_EXTRA= ;;
*) echo "bench: BENCH_CLOCK must be icount or wall, not '$BENCH_CLOCK'" >&2; exit 2 ;;
esac
# VB_BENCH_KERNELS: the kernels to boot, each once per benchmark (default both).
bench_kernels=${VB_BENCH_KERNELS:-6.1 6.12}
export VB_VM_TIMEOUT=${VB_VM_TIMEOUT:-3600}	# a bench boot outlasts a test boot

# bench_boot KERNEL PAYLOAD LOG MARKER WHAT [KERNEL-ARGS]: boot KERNEL on PAYLOAD (console kept in
# LOG) and print the console from the line starting with MARKER (a sed pattern); if the boot
# fails, the console's tail and "bench: WHAT failed", and return 1.
bench_boot() {
	local k=$1 out=$2 log=$3 marker=$4 what=$5 extra=${6:-}

	if bash tests/vm/run.sh "$k" "$out" "$extra" > "$log" 2>&1; then
		sed -n "/^$marker/,\$p" "$log" | grep -v '^VB-EXIT'
	else
		tail -40 "$log"
		echo "bench: $what failed on $k (whole console: $log)" >&2
		return 1
	fi
}
