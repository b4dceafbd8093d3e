// SPDX-License-Identifier: GPL-2.0
/*
 * prog_stats: every loaded BPF program's run count and run time, for the hook cost breakdown
 * (tests/bench/hooks.sh). The kernel keeps these only while kernel.bpf_stats_enabled is 1.
 * One line per program: "ID NAME RUN_CNT RUN_TIME_NS". Reads what `bpftool prog show` prints,
 * without bpftool: the VM has none.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <sys/syscall.h>

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

int main(void)
{
	__u32 id = 0;

	for (;;) {
		struct bpf_prog_info info;
		union bpf_attr attr;
		int fd;

		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr)) {
			if (errno == ENOENT)
				return 0;
			perror("prog_stats: BPF_PROG_GET_NEXT_ID");
			return 1;
		}
		id = attr.next_id;
		memset(&attr, 0, sizeof(attr));
		attr.prog_id = id;
		fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
		if (fd < 0)
			continue;	/* unloaded meanwhile */
		memset(&info, 0, sizeof(info));
		memset(&attr, 0, sizeof(attr));
		attr.info.bpf_fd = fd;
		attr.info.info_len = sizeof(info);
		attr.info.info = (__u64)(unsigned long)&info;
		if (sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr)) {
			perror("prog_stats: BPF_OBJ_GET_INFO_BY_FD");
			close(fd);
			return 1;
		}
		printf("%u %s %llu %llu\n", id, info.name, (unsigned long long)info.run_cnt,
		       (unsigned long long)info.run_time_ns);
		close(fd);
	}
}
