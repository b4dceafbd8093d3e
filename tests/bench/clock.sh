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
