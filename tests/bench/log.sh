#!/usr/bin/env bash
# log.sh: the denial log benchmark, on the host (the kernel is not involved). Records per
# second written with the hash chain against plain appends of the same lines, side by side in
# one run, as a ratio: durably (fdatasync per batch, as the daemon does) and on the processor
# alone (no sync). See tests/bench/log_rate.c.
#
#   VB_LOG_RECORDS   records a round (default 100000)
#   VB_LOG_BATCH     records between two syncs (default 64, the writer's own bound)
#   VB_LOG_ROUNDS    rounds, median taken (default 5)
#   VB_LOG_DIR       where to write (default build/bench/log: the disk the log would be on
#                    matters, a tmpfs makes fdatasync free)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"

out=build/bench/log
dir=${VB_LOG_DIR:-$out/work}
CC=${CC:-gcc}

if [ ! -f build/libvendorban.a ]; then
	echo "log bench: build/libvendorban.a is missing (run: make all)" >&2
	exit 2
fi
mkdir -p "$out"
$CC -std=gnu11 -O2 -Wall -Wextra -D_GNU_SOURCE -Iuser -Ibpf -Ibuild tests/bench/log_rate.c \
	build/libvendorban.a -lz -lcrypto -ljson-c -lpthread -o "$out/log_rate"
fs=$(df -T "$(dirname "$dir")" 2>/dev/null | awk 'NR == 2 { print $2 }')
echo "log bench: writing to $dir (${fs:-unknown} filesystem)"
exec "$out/log_rate" -n "${VB_LOG_RECORDS:-100000}" -b "${VB_LOG_BATCH:-64}" \
	-r "${VB_LOG_ROUNDS:-5}" -d "$dir"
