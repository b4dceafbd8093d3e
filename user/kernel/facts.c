// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/sysmacros.h>
#include <bpf/btf.h>
#include "kernel/facts.h"

int vb_bpf_lsm_active(char *list, size_t len)
{
	char buf[512], *tok, *save;
	ssize_t n;
	int fd;

	fd = open(VB_LSM_FILE, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	buf[strcspn(buf, "\n")] = 0;
	if (list)
		snprintf(list, len, "%s", buf);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, "bpf"))
			return 1;
	return 0;
}

uint32_t vb_kdev(dev_t dev)
{
	return (major(dev) << 20) | minor(dev);
}

int vb_btf_func_nargs(const char *func)
{
	const struct btf_type *t;
	struct btf *btf;
	int id, ret;

	btf = btf__load_vmlinux_btf();
	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id < 0) {
		ret = id;
		goto out;
	}
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	ret = btf_vlen(t);
out:
	btf__free(btf);
	return ret;
}
