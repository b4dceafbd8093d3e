// SPDX-License-Identifier: GPL-2.0
/*
 * map_memory: what `bpftool map show` says of each BPF map (id, name, max_entries, memlock),
 * read through read-only fds, for the scale figure (tests/bench/scale_payload.sh).
 *
 *   map_memory     one line per map: "ID NAME MAX_ENTRIES MEMLOCK_BYTES"
 *
 * bpftool 7.1 (bookworm) asks BPF_MAP_GET_FD_BY_ID for a writable fd, which vendorban's guard
 * refuses for its maps while it is armed (bpf/guard.bpf.h); a read-only fd passes. memlock is
 * the kernel's own figure from /proc/self/fdinfo, as bpftool prints it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

static long long fdinfo_memlock(int fd)
{
	char path[64], line[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

int main(void)
{
	LIBBPF_OPTS(bpf_get_fd_by_id_opts, ro, .open_flags = BPF_F_RDONLY);
	__u32 id = 0;
	int n = 0;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id_opts(id, &ro);

		if (fd < 0) {
			if (errno == ENOENT)	/* freed since the id was listed */
				continue;
			fprintf(stderr, "map_memory: map %u: %s\n", id, strerror(errno));
			return 1;
		}
		if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
			fprintf(stderr, "map_memory: map %u info: %s\n", id, strerror(errno));
			close(fd);
			return 1;
		}
		printf("%u %s %u %lld\n", id, info.name[0] ? info.name : "-", info.max_entries,
		       fdinfo_memlock(fd));
		close(fd);
		n++;
	}
	if (errno != ENOENT) {
		fprintf(stderr, "map_memory: listing maps: %s\n", strerror(errno));
		return 1;
	}
	return n ? 0 : 1;
}
