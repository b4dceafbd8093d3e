// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the .deb reader (user/install/deb.c): the order of ar members, each
 * tarball through libarchive, and the control fields, all from bytes a package author chose.
 *
 *   make fuzz FUZZ_SECONDS=20
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "install/deb.h"

static int touch_member(const struct vb_package *pkg, const struct vb_deb_file *f, void *arg)
{
	size_t *sum = arg;

	if (!f) {
		/* Fields are NUL-terminated within their buffers. */
		*sum += strnlen(pkg->name, sizeof(pkg->name)) + strnlen(pkg->vendor,
									sizeof(pkg->vendor));
		return 0;
	}
	*sum += strlen(f->path);
	if (f->buf && f->len)
		*sum += f->buf[0] + f->buf[f->len - 1];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vb_package pkg;
	char arch[64], why[256], path[64];
	size_t sum = 0;
	int fd = memfd_create("deb", MFD_CLOEXEC);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		vb_deb_walk(path, &pkg, arch, sizeof(arch), touch_member, &sum, why, sizeof(why));
	}
	close(fd);
	return 0;
}
